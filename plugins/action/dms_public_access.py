# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Runs hwcloud.dms.dms_public_access where Ansible runs it and prints "still waiting" lines while it waits (plugin_utils)."""

from __future__ import annotations

from ansible_collections.hwcloud.dms.plugins.module_utils._public_access_plan import (
    DEFAULT_WAIT_TIMEOUT as DEFAULT_PUBLIC_ACCESS_TIMEOUT,
)
from ansible_collections.hwcloud.dms.plugins.plugin_utils._progress_action import DmsProgressAction


class ActionModule(DmsProgressAction):
    WAIT_OPTION = "wait"
    WAIT_ALIASES = ()
    WAIT_DEFAULT = True
    DEFAULT_TIMEOUT = DEFAULT_PUBLIC_ACCESS_TIMEOUT
    WAITS_IN_CHECK_MODE = False
