# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Reading a response body within bounds: at most MAX_RESPONSE_BYTES, and no later than the attempt's deadline.

A read timeout only bounds each socket read, so a body that drips one byte at a time could stretch an attempt
without end; a watchdog cuts the socket under it when the attempt's time is up.
"""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

from ._errors import DmsResponseError

try:
    import requests
except ImportError:  # pragma: no cover - _http reports the missing library with missing_required_lib
    requests = None  # type: ignore[assignment]

# Task documents are small; a bigger body is a broken proxy or server, not data to parse.
MAX_RESPONSE_BYTES = 4 * 1024 * 1024
CHUNK_BYTES = 65536


def _abort_read(response: Any, fired: threading.Event) -> None:
    """Watchdog: cut the socket under a body that is still arriving when the attempt's time is up."""
    fired.set()
    # http.client detaches the socket from the connection when the server says "Connection: close",
    # so look for it under the response's file object first.
    sock = getattr(getattr(getattr(getattr(response.raw, "_fp", None), "fp", None), "raw", None), "_sock", None)
    if sock is None:
        sock = getattr(getattr(response.raw, "connection", None), "sock", None)
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def read_body(response: Any, method: str, url: str, attempt_deadline: float) -> bytes:
    """The body of a streamed ``requests`` response, read before ``attempt_deadline`` (time.monotonic).

    Raises DmsResponseError for a body over MAX_RESPONSE_BYTES, and requests' ReadTimeout when the deadline cut it off
    (so the caller retries it like any read timeout).
    """
    fired = threading.Event()
    watchdog = threading.Timer(max(attempt_deadline - time.monotonic(), 0.0), _abort_read, (response, fired))
    watchdog.daemon = True
    watchdog.start()
    chunks = []
    size = 0
    try:
        for chunk in response.iter_content(chunk_size=CHUNK_BYTES):
            size += len(chunk)
            if size > MAX_RESPONSE_BYTES:
                response.close()
                raise DmsResponseError("DMS API %s %s answered with a body over %d bytes; refusing to read it (a proxy or server fault)."
                                       % (method, url, MAX_RESPONSE_BYTES))
            chunks.append(chunk)
            if fired.is_set():
                break
    except (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError):
        if not fired.is_set():
            raise
    finally:
        watchdog.cancel()
    if fired.is_set():
        response.close()
        raise requests.exceptions.ReadTimeout("the body was still arriving when the request's time was up")
    return b"".join(chunks)
