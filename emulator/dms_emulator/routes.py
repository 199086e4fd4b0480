"""The one route table of the emulated cloud APIs: each request is matched once, to a route that names its handler.

A service registers its routes in `Emulator._register_routes` (app.py), one call per service:

    table.add_service(EIP_ROUTES, self.eip.handle)            # [(method, compiled pattern, route name), ...]
    table.add("GET", r"^/v3/projects/?$", "iam.list_projects", handler, signed=True)

A handler is called as ``handler(route_name, path_groups, request, principal)`` and returns a `Reply` (or raises
`ApiError`); `principal` is who the gateway authenticated, None for an unsigned route. The first matching route wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable, List, Optional, Pattern, Tuple, Union

from .gateway import Principal
from .reply import Reply
from .request import Received

Handler = Callable[[str, Tuple[str, ...], Received, Optional[Principal]], Reply]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: Pattern[str]
    name: str
    handler: Handler
    signed: bool = True  # the gateway authenticates the caller before the handler runs


class RouteTable:
    def __init__(self) -> None:
        self._routes: List[Route] = []

    def add(
        self, method: str, pattern: Union[str, Pattern[str]], name: str, handler: Handler, signed: bool = True
    ) -> None:
        compiled = re.compile(pattern) if isinstance(pattern, str) else pattern
        self._routes.append(Route(method.upper(), compiled, name, handler, signed))

    def add_service(
        self, routes: Iterable[Tuple[str, Pattern[str], str]], handler: Handler, signed: bool = True
    ) -> None:
        """A service's list of (method, pattern, route name), all served by its one `handle` method."""
        for method, pattern, name in routes:
            self.add(method, pattern, name, handler, signed)

    def match(self, method: str, path: str) -> Optional[Tuple[Route, Tuple[str, ...]]]:
        for route in self._routes:
            if route.method != method:
                continue
            found = route.pattern.match(path)
            if found:
                return route, found.groups()
        return None

    def names(self) -> List[str]:
        return [route.name for route in self._routes]
