# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Runs hwcloud.dms.dms_task_info where Ansible runs it and prints "still waiting" lines while it waits (plugin_utils)."""

from __future__ import annotations

from ansible_collections.hwcloud.dms.plugins.module_utils._poll import DEFAULT_WAIT_TIMEOUT
from ansible_collections.hwcloud.dms.plugins.plugin_utils._progress_action import DmsProgressAction


class ActionModule(DmsProgressAction):
    WAIT_OPTION = "wait_for"
    WAIT_DEFAULT = False
    DEFAULT_TIMEOUT = DEFAULT_WAIT_TIMEOUT
    WAITS_IN_CHECK_MODE = True
