# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Start-cost probe for benchmarks/bench.py: ``python start_probe.py <module> <args.json>``.

Imports the module, runs its ``main()`` on the args file and prints to stderr, as ``BENCH_START {json}``, the
seconds since this file started until the import finished (``imported``) and until the first
``socket.connect()`` (``connect``, and ``connect_cpu`` in process CPU seconds): import + argument parsing + client
set-up, including anything imported lazily before the first request. ``socket.socket.connect`` is wrapped rather
than using an audit hook: a Python audit hook runs on every import and frame lookup and would slow the import down.
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import importlib  # noqa: E402  pylint: disable=wrong-import-position
import json  # noqa: E402  pylint: disable=wrong-import-position
import socket  # noqa: E402  pylint: disable=wrong-import-position
import sys  # noqa: E402  pylint: disable=wrong-import-position

MARKS: dict = {}
_CONNECT = socket.socket.connect


def _connect(self, address):
    if "connect" not in MARKS:
        MARKS["connect"] = time.perf_counter() - STARTED
        MARKS["connect_cpu"] = time.process_time()
    return _CONNECT(self, address)


def main() -> None:
    module_name, args_file = sys.argv[1], sys.argv[2]
    socket.socket.connect = _connect
    module = importlib.import_module(module_name)
    MARKS["imported"] = time.perf_counter() - STARTED
    sys.argv = [module_name, args_file]
    try:
        module.main()
    except SystemExit as done:
        MARKS["exit_code"] = done.code
    finally:
        MARKS["done"] = time.perf_counter() - STARTED
        sys.stderr.write("BENCH_START %s\n" % json.dumps(MARKS))


if __name__ == "__main__":
    main()
