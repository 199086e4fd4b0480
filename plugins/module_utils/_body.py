# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Reading an answer within bounds: no later than the attempt's deadline, at most MAX_RESPONSE_BYTES, JSON of bounded shape.

A read timeout only bounds each socket read, so a server that drips its status line, its headers or its body one
byte at a time (or sends ``100 Continue`` forever) could stretch an attempt without end. ``AttemptWatch`` is a
watchdog over the whole attempt, from connect to the last body byte: the HTTP adapter the client mounts
(``WatchedAdapter``) registers every socket an attempt uses with it, and when the attempt's time is up it shuts
them down, which ends any read in progress.

``loads_bounded`` decodes JSON that cannot hurt: nesting at most MAX_JSON_DEPTH, at most MAX_JSON_OBJECTS objects
(a 4 MiB page of ``{},`` would otherwise cost about 375 MB), no NaN/Infinity, no 5 000-digit numbers.
"""

from __future__ import annotations

import json
import socket
import threading
from typing import Any, Optional, Union

from ._errors import DmsResponseError

try:
    import requests
    from requests.adapters import HTTPAdapter
except ImportError:  # pragma: no cover - _http reports the missing library with missing_required_lib
    requests = None  # type: ignore[assignment]
    HTTPAdapter = object  # type: ignore[assignment,misc]

# Task documents are small; a bigger body is a broken proxy or server, not data to parse.
MAX_RESPONSE_BYTES = 4 * 1024 * 1024
CHUNK_BYTES = 65536
# A task document nests a few levels (task > params > dict); anything this deep is a hostile or broken server.
MAX_JSON_DEPTH = 64
# A full page is 100 tasks of a few objects each; more objects than this in one answer is not a task list.
MAX_JSON_OBJECTS = 50000
MAX_JSON_NUMBER_DIGITS = 100


class JsonTooComplex(ValueError):
    """The text is JSON, but deeper, bigger or stranger than any DMS answer."""


def _bounded_number(text: str) -> Union[int, float]:
    if len(text) > MAX_JSON_NUMBER_DIGITS:
        raise JsonTooComplex("a number of %d digits" % len(text))
    if not any(char in text for char in ".eE"):
        return int(text)
    number = float(text)
    if number in (float("inf"), float("-inf")):
        raise JsonTooComplex("a number out of range (%s)" % text[:20])
    return number


def _no_constant(name: str) -> Any:
    raise JsonTooComplex("the non-JSON constant %s" % name)


def _depth_exceeds(value: Any, limit: int) -> bool:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values() if isinstance(child, (dict, list)))
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item if isinstance(child, (dict, list)))
    return False


def loads_bounded(content: Union[bytes, str]) -> Any:
    """json.loads for a server's text; ValueError (JsonTooComplex for the shape) on anything a DMS answer never is."""
    text = content.decode("utf-8") if isinstance(content, bytes) else content  # UnicodeDecodeError is a ValueError
    objects = [0]

    def count(pairs: Any) -> dict:
        objects[0] += 1
        if objects[0] > MAX_JSON_OBJECTS:
            raise JsonTooComplex("more than %d objects" % MAX_JSON_OBJECTS)
        return dict(pairs)

    try:
        data = json.loads(
            text,
            object_pairs_hook=count,
            parse_int=_bounded_number,
            parse_float=_bounded_number,
            parse_constant=_no_constant,
        )
    except RecursionError:
        raise JsonTooComplex("nesting deeper than %d levels" % MAX_JSON_DEPTH) from None
    if _depth_exceeds(data, MAX_JSON_DEPTH):
        raise JsonTooComplex("nesting deeper than %d levels" % MAX_JSON_DEPTH)
    return data


def _shutdown(sock: Any) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except (OSError, ValueError, AttributeError):
        pass


_CURRENT = threading.local()


class AttemptWatch:
    """A watchdog over one attempt: after ``seconds`` it shuts down every socket registered with it."""

    def __init__(self, seconds: float) -> None:
        self.fired = threading.Event()
        self._sockets: list[Any] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(seconds, 0.0), self._fire)
        self._timer.daemon = True

    def __enter__(self) -> "AttemptWatch":
        _CURRENT.watch = self
        self._timer.start()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self._timer.cancel()
        _CURRENT.watch = None

    def register(self, sock: Any) -> None:
        with self._lock:
            self._sockets.append(sock)
            fired = self.fired.is_set()
        if fired:
            _shutdown(sock)

    def _fire(self) -> None:
        with self._lock:
            self.fired.set()
            sockets = list(self._sockets)
        for sock in sockets:
            _shutdown(sock)


def _register(sock: Any) -> None:
    watch: Optional[AttemptWatch] = getattr(_CURRENT, "watch", None)
    if watch is not None and sock is not None:
        watch.register(sock)


_WATCHED_CLASSES: dict[type, type] = {}


def _watched_class(cls: type) -> type:
    """``cls`` (a urllib3 connection class) that registers its sockets with the running attempt's watch."""
    if getattr(cls, "_dms_watched", False):
        return cls
    if cls not in _WATCHED_CLASSES:

        class Watched(cls):  # type: ignore[valid-type,misc]
            _dms_watched = True

            # _new_conn and request are the connection's own steps in urllib3 1.25 to 2.x alike.
            def _new_conn(self) -> Any:  # the TCP socket, before any TLS handshake or proxy tunnel on it
                sock = super()._new_conn()
                _register(sock)
                return sock

            def request(self, *args: Any, **kwargs: Any) -> Any:  # a kept-alive connection is reused without _new_conn
                _register(getattr(self, "sock", None))
                return super().request(*args, **kwargs)

        # The same name in messages ("HTTPConnection(host=...): Failed to establish a new connection").
        Watched.__name__, Watched.__qualname__ = cls.__name__, cls.__qualname__
        _WATCHED_CLASSES[cls] = Watched
    return _WATCHED_CLASSES[cls]


def _watch_pool(pool: Any) -> Any:
    if pool is not None and hasattr(pool, "ConnectionCls"):
        pool.ConnectionCls = _watched_class(pool.ConnectionCls)
    return pool


class WatchedAdapter(HTTPAdapter):  # type: ignore[misc,valid-type]
    """requests' adapter whose connection pools (direct or through a proxy) register their sockets with AttemptWatch."""

    def get_connection_with_tls_context(self, *args: Any, **kwargs: Any) -> Any:
        return _watch_pool(super().get_connection_with_tls_context(*args, **kwargs))

    def get_connection(self, *args: Any, **kwargs: Any) -> Any:  # requests before 2.32.2
        return _watch_pool(super().get_connection(*args, **kwargs))


def watch_session(session: Any) -> None:
    """Mount WatchedAdapter on a requests.Session (a test's fake session is left alone)."""
    if requests is not None and isinstance(session, requests.Session):
        for prefix in ("https://", "http://"):
            session.mount(prefix, WatchedAdapter())


def read_body(response: Any, method: str, url: str, watch: AttemptWatch) -> bytes:
    """The body of a streamed ``requests`` response, read before ``watch`` fires.

    Raises DmsResponseError for a body over MAX_RESPONSE_BYTES, and requests' ReadTimeout when the watch cut it off
    (so the caller retries it like any read timeout). The cut itself is the watch's: it shuts down the sockets it saw
    opened, rather than digging the socket out of the response (those attributes are private and differ between
    urllib3 1.x and 2.x).
    """
    chunks = []
    size = 0
    try:
        for chunk in response.iter_content(chunk_size=CHUNK_BYTES):
            size += len(chunk)
            if size > MAX_RESPONSE_BYTES:
                response.close()
                raise DmsResponseError(
                    "DMS API %s %s answered with a body over %d bytes; refusing to read it (a proxy or server fault)."
                    % (method, url, MAX_RESPONSE_BYTES)
                )
            chunks.append(chunk)
            if watch.fired.is_set():
                break
    except (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError):
        if not watch.fired.is_set():
            raise
    if watch.fired.is_set():
        response.close()
        raise requests.exceptions.ReadTimeout("the body was still arriving when the request's time was up")
    return b"".join(chunks)
