# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The per-attempt socket watchdog: every socket of one attempt is shut down when the attempt's time is up.

A read timeout only bounds each socket read, so a server that drips its status line, its headers or its body one
byte at a time (or sends ``100 Continue`` forever) could stretch an attempt without end. ``AttemptWatch`` is a
watchdog over the whole attempt, from connect to the last body byte: the HTTP adapter the client mounts
(``WatchedAdapter``) registers every socket an attempt uses with it, and when the attempt's time is up it shuts
them down, which ends any read in progress. Written here because neither requests nor urllib3 bound a whole
exchange (urllib3's ``Timeout.total`` bounds connect plus each read, not the sum of the reads).
"""

from __future__ import annotations

import socket
import threading
from typing import Any, Optional

try:
    from requests.adapters import HTTPAdapter
except ImportError:  # pragma: no cover - _http reports the missing library with missing_required_lib
    HTTPAdapter = object  # type: ignore[assignment,misc]


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
    # Every urllib3 pool (1.25 to 2.x, direct or through a proxy) makes its connections from ConnectionCls.
    pool.ConnectionCls = _watched_class(pool.ConnectionCls)
    return pool


class WatchedAdapter(HTTPAdapter):  # type: ignore[misc,valid-type]
    """requests' adapter whose connection pools (direct or through a proxy) register their sockets with AttemptWatch."""

    def get_connection_with_tls_context(self, *args: Any, **kwargs: Any) -> Any:
        return _watch_pool(super().get_connection_with_tls_context(*args, **kwargs))

    def get_connection(self, *args: Any, **kwargs: Any) -> Any:  # requests before 2.32.2
        return _watch_pool(super().get_connection(*args, **kwargs))


def watch_session(session: Any) -> None:
    """Mount WatchedAdapter on a ``requests.Session`` for both schemes (the client's transport does it once per run)."""
    for prefix in ("https://", "http://"):
        session.mount(prefix, WatchedAdapter())
