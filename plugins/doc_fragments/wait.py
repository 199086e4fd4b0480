# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # The wait options every waiting module of hwcloud.dms shares. A module whose wait differs (its default timeout,
    # what one read covers) keeps its own entry for that option, which replaces the text here key by key.
    DOCUMENTATION = r"""
options:
  wait_timeout:
    description:
      - Maximum number of seconds to wait, counted from the module's start. The module fails when they run out, with the
        last status seen.
    type: int
  wait_sleep:
    description:
      - Seconds between two reads while waiting. Must be more than 0 and not more than O(wait_timeout).
      - A value below V(0.5) is raised to V(0.5) with a warning, so a wait makes at most two reads a second.
    type: float
    default: 5
  progress_interval:
    description:
      - "While the module waits, the collection's action plugin prints a C(still waiting) line on the controller at the
        default verbosity, naming the host, the module, the instance, the task (name, ID, status, progress percentage
        where DMS gives one), the time waited and O(wait_timeout), for example
        C([localhost] hwcloud.dms.dms_public_access: bind public IPs of RabbitMQ instance 8c3c...: task
        bindInstancePublicIp 3a5f... EXECUTING, still waiting [1m30s of 15m])."
      - The first line comes when the wait has lasted O(progress_interval) seconds, then one every O(progress_interval)
        seconds and one at every status change. A wait shorter than O(progress_interval) prints nothing extra.
      - V(0) turns the lines off and runs the module exactly as without the action plugin. The lines are also off for a
        task with C(async), when the module does not wait (for example in check mode, where no change is sent), when
        O(wait_timeout) is not more than O(progress_interval) (no line could come), and on a Windows target.
      - The default of 30 seconds keeps a 15-minute wait to 30 lines per host, each of which is a job event in AWX;
        status changes are shown when they happen, whatever the interval.
      - While the lines are on, the module runs as an asynchronous job on its host (as with C(async)), and the plugin
        reads a small status file the module writes next to the job's file, at least every 10 seconds, with one shell
        command; both files are removed when the module ends. With C(no_log), the lines say only how long the wait has
        lasted.
    type: int
    default: 30
"""
