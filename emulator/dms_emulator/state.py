"""The narrow view of the emulator that the admin API works on (no reference back to the `Emulator` itself)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .clock import ServerClock
from .eips import EipStore
from .faults import FaultRegistry
from .identity import Identity
from .instances import InstanceBook
from .jobs import JobsApi
from .progression import Progression
from .stats import Stats
from .taskstore import TaskStore


@dataclass(frozen=True)
class EmulatorState:
    clock: ServerClock
    stats: Stats
    identity: Identity
    store: TaskStore
    faults: FaultRegistry
    jobs: JobsApi
    instances: InstanceBook
    eips: EipStore
    progression: Progression
    reset: Callable[[bool], None]  # reset(keep_credentials): back to the state right after start
