# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The retry arithmetic the client uses instead of urllib3's Retry (whose arguments differ between urllib3 1.x and 2.x)."""

from __future__ import annotations

import email.utils

import pytest
import requests
from urllib3.exceptions import MaxRetryError, NewConnectionError, ProtocolError

from ansible_collections.hwcloud.dms.plugins.module_utils._retry import (
    BACKOFF_FACTOR,
    BACKOFF_MAX,
    RetryPolicy,
    never_reached_server,
    retry_after_seconds,
)

NOW = 1_700_000_000.0


@pytest.mark.parametrize("retries", [0, 1, 3])
def test_allows_exactly_the_configured_number_of_retries(retries):
    policy = RetryPolicy(retries)
    allowed = [policy.record_failure() for _attempt in range(retries + 2)]
    assert allowed == [True] * retries + [False, False]


def test_first_retry_pauses_nothing_then_doubles_up_to_the_cap_without_jitter():
    policy = RetryPolicy(20, jitter_source=lambda: 0.0)
    pauses = []
    for _failure in range(10):
        policy.record_failure()
        pauses.append(policy.backoff())
    assert pauses[:5] == [0.0, BACKOFF_FACTOR * 2, BACKOFF_FACTOR * 4, BACKOFF_FACTOR * 8, BACKOFF_FACTOR * 16]
    assert pauses[-1] == BACKOFF_MAX
    assert pauses == sorted(pauses)


def test_jitter_adds_at_most_its_bound_and_never_passes_the_cap():
    policy = RetryPolicy(50, backoff_jitter=0.5, jitter_source=lambda: 0.999)
    policy.record_failure()
    policy.record_failure()
    assert BACKOFF_FACTOR * 2 < policy.backoff() < BACKOFF_FACTOR * 2 + 0.5
    for _failure in range(40):
        policy.record_failure()
    assert policy.backoff() == BACKOFF_MAX


@pytest.mark.parametrize(
    "value, seconds",
    [("0", 0.0), ("7", 7.0), (" 12 ", 12.0), ("3600", 3600.0), ("9" * 30, 1e30), ("9" * 5000, float("inf"))],
)
def test_retry_after_in_seconds(value, seconds):
    assert retry_after_seconds(value, lambda: NOW) == seconds


def test_retry_after_as_http_date_counts_from_now_and_never_below_zero():
    future = email.utils.formatdate(NOW + 30, usegmt=True)
    past = email.utils.formatdate(NOW - 3600, usegmt=True)
    assert retry_after_seconds(future, lambda: NOW) == pytest.approx(30.0, abs=1.0)
    assert retry_after_seconds(past, lambda: NOW) == 0.0


@pytest.mark.parametrize(
    "value",
    [None, "", "soon", "1.5", "-3", "Thu, 99 Foo 2024 25:61:61 GMT", "Mon, 01 Jan 99999 00:00:00 GMT", "1e5"],
)
def test_malformed_retry_after_is_none_not_an_error(value):
    assert retry_after_seconds(value, lambda: NOW) is None


@pytest.mark.parametrize(
    "status, error, safe",
    [
        (429, None, True),
        (503, None, False),
        (0, requests.exceptions.ConnectTimeout("connect timed out"), True),
        (0, requests.exceptions.ConnectionError(MaxRetryError(None, "/", NewConnectionError(None, "refused"))), True),
        (0, requests.exceptions.ConnectionError(MaxRetryError(None, "/", ProtocolError("reset"))), False),
        (0, requests.exceptions.ReadTimeout("read timed out"), False),
    ],
    ids=["429", "503", "connect_timeout", "refused", "reset_after_sending", "read_timeout"],
)
def test_only_a_throttled_or_never_made_request_is_safe_to_send_again(status, error, safe):
    assert never_reached_server(status, error) is safe
