# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # The attributes every module of hwcloud.dms shares; each module documents its own check_mode and diff_mode.
    # Used after ansible.builtin.action_common_attributes (and its .flow and .actiongroups), which describe them.
    DOCUMENTATION = r"""
attributes:
  platform:
    platforms: posix
  action:
    support: full
  async:
    support: full
  bypass_host_loop:
    support: none
  action_group:
    membership: [hwcloud.dms.dms]
"""
