"""The emulator without the network: state, routing, authentication and faults for one request.

The HTTP server only parses bytes into a `Received` and writes a `Reply`; everything testable is here,
so unit tests call `Emulator.dispatch()` with a fake clock.

One request: admin calls (/_emulator/) go to the admin API after its access check; every other path is matched
once against the route table (routes.py), the gateway authenticates a signed route's caller, and the fault layer
(faults.py) wraps the handler. A new service is one `add_service` line in `_register_routes`.
"""

from __future__ import annotations

import time
from typing import Any, Callable, Dict, Optional

from .admin_access import AdminAccess
from .admin_api import AdminApi
from .clock import ServerClock, parse_skew
from .dms_api import ROUTES as TASK_ROUTES
from .dms_api import DmsApi, task_id_of
from .eip_api import EIP_ROUTES, EipApi, instance_bindings
from .eips import EipStore
from .errors import API_NOT_FOUND, ApiError, gateway_error
from .faults import FaultLayer, FaultRegistry
from .gateway import Gateway
from .iam_api import IamApi
from .identity import Identity
from .instance_list import LIST_ROUTE, InstanceList
from .instances import INSTANCE_ROUTES, InstanceBook
from .jobs import JOB_ROUTES, JobsApi
from .progression import Progression, parse_mode
from .reply import Reply, json_reply
from .request import Received
from .routes import RouteTable
from .seed import apply_seed, validate_seed
from .state import EmulatorState
from .stats import Stats
from .taskstore import TaskStore

ADMIN_PREFIX = "/_emulator/"


class Emulator:
    def __init__(
        self,
        clock: Optional[Any] = None,
        seed: Optional[Dict[str, Any]] = None,
        sleep: Callable[[float], None] = time.sleep,
        clock_skew: Optional[float] = None,
        progression: Optional[str] = None,
        admin_token: Optional[str] = None,
    ) -> None:
        """`clock` is the caller's clock (default: the real one); the server runs `clock_skew` seconds off it.

        `clock_skew` (the --clock-skew flag) wins over the seed's `clock_skew`; both default to 0. `progression`
        (--progression) wins over the seed's `progression`; both default to "time". With `admin_token`, every admin
        call must carry it (admin_access.py); without, only loopback callers may use the admin API.
        """
        self.seed = seed
        if seed is not None:
            validate_seed(seed)
        if clock_skew is None:
            clock_skew = parse_skew(seed.get("clock_skew", 0), "seed clock_skew") if seed else 0.0
        if progression is None:
            progression = seed.get("progression", "time") if seed else "time"
        self.start_skew = parse_skew(clock_skew)
        # The one server clock: every part of the emulator (and every new route) asks self.clock.now().
        self.clock = ServerClock(clock, self.start_skew)
        # The one progression policy: every timeline moves by it (progression.py).
        self.progression = Progression(parse_mode(progression, "progression"))
        self.stats = Stats()
        self.identity = Identity()
        self.store = TaskStore(self.progression)
        self.faults = FaultRegistry()
        self.fault_layer = FaultLayer(self.faults, self.stats, sleep)
        self.gateway = Gateway(self.identity, self.stats, self.clock)
        self.dms = DmsApi(self.store, self.clock.now)
        self.jobs = JobsApi(self.store, self.clock.now)
        # The VPC service's EIPs (eip_api.py) and the instance list share the instances of the TaskStore.
        self.eips = EipStore(self.clock.now, instance_bindings(self.store.all_instances))
        self.eip_api = EipApi(self.eips, self.clock.now)
        self.instances = InstanceBook(self.store, self.clock.now, self.eips)
        self.instance_list = InstanceList(
            self.store.all_instances, self.instances.detail, lambda: self.store.settle(self.clock.now())
        )
        self.iam = IamApi(self.identity, self.clock.now)
        self.routes = RouteTable()
        self._register_routes()
        self.admin_access = AdminAccess(admin_token)
        self.admin = AdminApi(
            EmulatorState(
                clock=self.clock,
                stats=self.stats,
                identity=self.identity,
                store=self.store,
                faults=self.faults,
                jobs=self.jobs,
                instances=self.instances,
                eips=self.eips,
                progression=self.progression,
                reset=self.reset,
            )
        )
        self.reset()

    def _register_routes(self) -> None:
        """Every emulated API, once; the first match wins."""
        self.routes.add(
            "GET", r"^/v3/projects/?$", "iam.list_projects", lambda n, g, req, p: self.iam.list_projects(req)
        )
        self.routes.add(
            "POST", r"^/v3/auth/tokens/?$", "iam.create_token", lambda n, g, req, p: self.iam.create_token(req), False
        )
        self.routes.add_service(TASK_ROUTES, self.dms.handle)
        self.routes.add_service(JOB_ROUTES, self.jobs.handle)
        self.routes.add_service([LIST_ROUTE], lambda n, g, req, p: self.instance_list.handle(g, req, p))
        self.routes.add_service(INSTANCE_ROUTES, self.instances.handle)
        self.routes.add_service(EIP_ROUTES, self.eip_api.handle)

    @property
    def sleep(self) -> Callable[[float], None]:
        """How a `delay` fault waits (tests swap it for a recorder)."""
        return self.fault_layer.sleep

    @sleep.setter
    def sleep(self, value: Callable[[float], None]) -> None:
        self.fault_layer.sleep = value

    def reset(self, keep_credentials: bool = False) -> None:
        """Back to the state right after start: seed re-applied, start skew and progression, counters zero, no faults."""
        self.store.reset()
        self.jobs.reset()
        self.instances.reset()
        self.eips.reset()
        self.faults.clear()
        self.progression.reset()
        # Connections already open stay open across a reset but count only when accepted, so a test
        # that asserts on "connections" sees only the ones it opened itself.
        self.stats.reset()
        self.clock.set_skew(self.start_skew)
        if keep_credentials:
            self.identity.clear_lockouts()
        else:
            self.identity.reset(defaults=True)
        if self.seed is not None:
            apply_seed(self.seed, self.identity, self.store, self.clock.now(), self.instances)

    # --- one request ---------------------------------------------------------------------------
    def dispatch(self, req: Received) -> Reply:
        self.jobs.settle()
        if req.raw_path.startswith(ADMIN_PREFIX):
            self.stats.bump("admin_requests")
            refused = self.admin_access.refusal(req)
            return refused if refused is not None else self.admin.handle(req)
        self.stats.bump("requests")
        try:
            return self._dispatch_api(req)
        except ApiError as err:
            return json_reply(err.status, err.body, err.headers)

    def _dispatch_api(self, req: Received) -> Reply:
        found = self.routes.match(req.method, req.raw_path)
        self.stats.bump_key("requests_by_route", found[0].name if found else "unknown")
        if found is None:
            raise gateway_error(404, API_NOT_FOUND[0], API_NOT_FOUND[1], req.request_id)
        route, groups = found
        # Authentication first: a fault never hides a signing bug, and signature counters stay meaningful.
        principal = self.gateway.authenticate(req) if route.signed else None
        return self.fault_layer.around(
            req, task_id_of(req.raw_path), lambda: route.handler(route.name, groups, req, principal)
        )
