# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Body limits: an answer read within MAX_RESPONSE_BYTES and before its attempt's watchdog fires, JSON of bounded shape.

``loads_bounded`` decodes JSON that cannot hurt: nesting at most MAX_JSON_DEPTH, at most MAX_JSON_OBJECTS objects
(a 4 MiB page of ``{},`` would otherwise cost about 375 MB), no NaN/Infinity, no 5 000-digit numbers.
"""

from __future__ import annotations

import json
from typing import Any, Union

from ._errors import DmsResponseError
from ._redact import Redactor
from ._watchdog import AttemptWatch

try:
    import requests
except ImportError:  # pragma: no cover - _http reports the missing library with missing_required_lib
    requests = None  # type: ignore[assignment]

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
    """json.loads (the standard decoder, bounded by its hooks) for a server's text; ValueError (JsonTooComplex for the
    shape) on anything a DMS answer never is."""
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


def decode_json(content: bytes, method: str, url: str, status: int, service: str, redact: Redactor) -> Any:
    """A success answer's JSON (None for an empty body); DmsResponseError for a body no DMS answer has."""
    if not content.strip():
        return None
    try:
        return loads_bounded(content)
    except JsonTooComplex as err:
        raise DmsResponseError(
            "%s API %s %s answered HTTP %d with JSON that no DMS answer has (%s); refusing it (a proxy or"
            " server fault)." % (service, method, url, status, err)
        ) from None
    except ValueError:
        # Redacted before the cut, so the excerpt cannot end inside a secret and keep half of it.
        snippet = (redact(content[:8192].decode("utf-8", "replace")) or "")[:120].replace("\n", " ")
        raise DmsResponseError(
            "%s API %s %s answered HTTP %d with a body that is not JSON (starts with %r)."
            % (service, method, url, status, snippet)
        ) from None


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
