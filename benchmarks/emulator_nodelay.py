# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The bundled emulator with TCP_NODELAY on accepted connections, for benchmarks/bench.py.

The emulator (http.server) writes a response's headers and its body in two send() calls. On a kept-alive
connection Nagle's algorithm then holds the body until the client ACKs the headers, and the client delays
that ACK (about 40 ms on Linux). So every request after the first on a connection costs about 40 ms more
than on a fresh one: an artefact that would penalise exactly the keep-alive path this benchmark measures,
and that a real API gateway does not have. Same arguments as ``python -m dms_emulator``; nothing else changes.
Run with ``emulator/`` on PYTHONPATH. ``bench.py --stock-emulator`` runs the unpatched emulator instead.
"""

from __future__ import annotations

import socket
import sys

from dms_emulator import cli, server

_ACCEPT = server.EmulatorServer.get_request


def _get_request(self):
    sock, address = _ACCEPT(self)
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    except OSError:
        pass
    return sock, address


server.EmulatorServer.get_request = _get_request

if __name__ == "__main__":
    sys.exit(cli.main())
