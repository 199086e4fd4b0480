# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one poller every wait uses, and the wait options every module parses the same way.

``poll(read, done, deadline, interval)`` reads, asks the pure predicate ``done`` about what it read, and pauses
``min(interval, time left)`` until ``done`` or the deadline. It never sleeps past the deadline, so a wait ends
within a request's last socket tick of its deadline (the reads get the deadline too, through their closure, and
the HTTP client clips its timeouts to it). Transient errors (see ``_errors.is_transient``) are counted and polled
through; an error ``tolerate`` accepts is polled through too; any other ends the wait with ``PollAborted``.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Generic, Mapping, Optional, TypeVar

from ._errors import ConfigurationError, DmsError, is_transient
from ._http_errors import DeadlineBeforeSending

T = TypeVar("T")

# Polls come at most twice a second per wait: a smaller wait_sleep is raised to this (with one warning).
MIN_POLL_INTERVAL = 0.5
# One day: an IAM token lasts 24 hours, and a larger number is a typo, not a wait (10**400 crashed the clock maths).
MAX_WAIT_TIMEOUT = 86400
DEFAULT_WAIT_TIMEOUT = 600
DEFAULT_WAIT_SLEEP = 5.0
# Seconds between two "still waiting" lines the action plugin prints; the module itself only accepts the option.
DEFAULT_PROGRESS_INTERVAL = 30

# The options of every module that waits (each module documents them in its DOCUMENTATION).
WAIT_ARGUMENT_SPEC: dict[str, Any] = dict(
    wait_timeout=dict(type="int", default=DEFAULT_WAIT_TIMEOUT),
    wait_sleep=dict(type="float", default=DEFAULT_WAIT_SLEEP),
    progress_interval=dict(type="int", default=DEFAULT_PROGRESS_INTERVAL),
)


def _shown(value: Any) -> str:
    text = str(value)
    return text[:20] + "..." if len(text) > 20 else text


@dataclass(frozen=True)
class WaitOptions:
    """wait_timeout and wait_sleep, checked once; ``sleep`` is already raised to the floor (``announce`` says so)."""

    timeout: int = DEFAULT_WAIT_TIMEOUT
    sleep: float = DEFAULT_WAIT_SLEEP
    requested_sleep: float = field(default=DEFAULT_WAIT_SLEEP, compare=False)

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> "WaitOptions":
        """From a module's parameters (None means the default); a ConfigurationError names a bad option and the fix."""
        timeout = params.get("wait_timeout")
        timeout = DEFAULT_WAIT_TIMEOUT if timeout is None else timeout
        sleep = params.get("wait_sleep")
        sleep = DEFAULT_WAIT_SLEEP if sleep is None else float(sleep)
        if timeout < 1:
            raise ConfigurationError("Option 'wait_timeout' must be at least 1 second, got %d." % timeout)
        if timeout > MAX_WAIT_TIMEOUT:
            raise ConfigurationError(
                "Option 'wait_timeout' must be at most %d seconds (one day), got %s."
                % (MAX_WAIT_TIMEOUT, _shown(timeout))
            )
        if not sleep > 0:
            raise ConfigurationError("Option 'wait_sleep' must be more than 0 seconds, got %s." % sleep)
        if math.isinf(sleep) or sleep > timeout:
            raise ConfigurationError(
                "Option 'wait_sleep' (%s s) must not exceed 'wait_timeout' (%d s): lower wait_sleep or raise wait_timeout."
                % (sleep, timeout)
            )
        return cls(timeout=int(timeout), sleep=max(sleep, MIN_POLL_INTERVAL), requested_sleep=sleep)

    def announce(self, warn: Callable[[str], None]) -> None:
        """The one warning when wait_sleep was raised to the floor; a wait calls it as it starts."""
        if self.requested_sleep < MIN_POLL_INTERVAL:
            warn(
                "wait_sleep %s s is below the %s s floor (at most two polls a second per wait); polling every %s s instead."
                % (self.requested_sleep, MIN_POLL_INTERVAL, MIN_POLL_INTERVAL)
            )


@dataclass
class PollResult(Generic[T]):
    """What a poll saw: the last observation read, whether ``done`` held for it, reads and transient errors."""

    value: Optional[T] = None
    done: bool = False
    reads: int = 0
    transient_errors: int = 0
    last_error: Optional[DmsError] = None


class PollAborted(DmsError):
    """An error neither transient nor tolerated ended the poll; ``cause`` is that error, ``result`` what was seen."""

    def __init__(self, cause: DmsError, result: PollResult[Any]) -> None:
        self.cause = cause
        self.result = result
        super().__init__(str(cause))


def _never(error: DmsError) -> bool:
    return False


def poll(
    read: Callable[[], T],
    done: Callable[[T], bool],
    deadline: float,
    interval: float,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    on_read: Optional[Callable[[T], None]] = None,
    tolerate: Callable[[DmsError], bool] = _never,
) -> PollResult[T]:
    """Read until ``done(value)`` or the deadline (then ``done`` is False); ``on_read`` sees every value read."""
    interval = max(float(interval), MIN_POLL_INTERVAL)
    result: PollResult[T] = PollResult()
    while True:
        result.reads += 1
        try:
            value = read()
        except DeadlineBeforeSending:
            # Nothing was sent, and the deadline has passed: not a read, not an error the server made.
            result.reads -= 1
            return result
        except DmsError as err:
            if is_transient(err):
                result.transient_errors += 1
            elif not tolerate(err):
                raise PollAborted(err, result) from None
            result.last_error = err
        else:
            result.value = value
            if on_read is not None:
                on_read(value)
            if done(value):
                result.done = True
                return result
        remaining = deadline - clock()
        if remaining <= 0:
            return result
        sleep(min(interval, remaining))
        if deadline - clock() <= 0:
            return result
