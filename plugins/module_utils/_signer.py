# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Huawei Cloud SDK-HMAC-SHA256 request signing (AK/SK authentication).

Written from the algorithm Huawei documents and its SDK implements
(see docs/design.md and the test vectors in tests/unit). The stdlib plus
requests' case-insensitive header dict, so it is testable with plain pytest.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timezone
from typing import Iterable, Mapping, Optional, Sequence, Tuple
from urllib.parse import quote, unquote, urlsplit

try:
    from requests.structures import CaseInsensitiveDict
except ImportError:  # pragma: no cover - _http reports the missing library with missing_required_lib before any signing
    CaseInsensitiveDict = None  # type: ignore[assignment,misc]

ALGORITHM = "SDK-HMAC-SHA256"
DATE_HEADER = "X-Sdk-Date"
DATE_FORMAT = "%Y%m%dT%H%M%SZ"

QueryPairs = Sequence[Tuple[str, str]]


def sdk_date(now: Optional[datetime] = None) -> str:
    """The X-Sdk-Date value for an instant (UTC now by default)."""
    moment = now or datetime.now(timezone.utc)
    return moment.astimezone(timezone.utc).strftime(DATE_FORMAT)


def _encode(text: str) -> str:
    # RFC 3986: only unreserved characters stay literal; quote() keeps A-Z a-z 0-9 - _ . already.
    return quote(text, safe="~")


def canonical_uri(path: str) -> str:
    """Decode the whole path, split it, re-encode each segment, and end with '/' (the gateway signs it that way)."""
    # Decoded before the split, as Huawei's Signer does (unquote(path).split('/')): an encoded '/' in a segment, such as
    # RabbitMQ's default vhost '/' sent as %2F, is signed as a separator. Splitting first would sign '%2F' and fail.
    segments = [_encode(segment) for segment in unquote(path or "/").split("/")]
    uri = "/".join(segments)
    return uri if uri.endswith("/") else uri + "/"


def canonical_query(pairs: Iterable[Tuple[str, str]]) -> str:
    # Sort the raw pairs, then encode (as Huawei's SDK and the gateway do): sorting the
    # encoded text puts e.g. '{' ('%7B') before 'start' and breaks the signature.
    ordered = sorted((str(key), str(value)) for key, value in pairs)
    return "&".join("%s=%s" % (_encode(key), _encode(value)) for key, value in ordered)


def signable_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Lower-cased headers that take part in the signature.

    Huawei's signer skips names containing '_' (proxies may drop them).
    """
    return {name.lower(): str(value).strip() for name, value in headers.items() if "_" not in name}


def canonical_request(
    method: str, path: str, query: QueryPairs, headers: Mapping[str, str], body: bytes
) -> Tuple[str, str]:
    """Return (canonical request, signed header list)."""
    signed = signable_headers(headers)
    names = sorted(signed)
    header_block = "".join("%s:%s\n" % (name, signed[name]) for name in names)
    signed_names = ";".join(names)
    text = "\n".join(
        [
            method.upper(),
            canonical_uri(path),
            canonical_query(query),
            header_block,
            signed_names,
            hashlib.sha256(body).hexdigest(),
        ]
    )
    return text, signed_names


def string_to_sign(date: str, canonical: str) -> str:
    return "%s\n%s\n%s" % (ALGORITHM, date, hashlib.sha256(canonical.encode("utf-8")).hexdigest())


def sign_request(
    access_key: str,
    secret_key: str,
    method: str,
    url: str,
    query: QueryPairs = (),
    headers: Optional[Mapping[str, str]] = None,
    body: bytes = b"",
    date: Optional[str] = None,
) -> dict[str, str]:
    """Return the full header set to send: the given headers plus Host, X-Sdk-Date and Authorization.

    Every returned header except Authorization is signed, so the gateway sees
    exactly the signed set. ``query`` must be the pairs actually sent.
    """
    parts = urlsplit(url)
    # requests' case-insensitive dict keeps each name as given (the signature lowercases them itself).
    to_send = CaseInsensitiveDict(headers or {})
    if "Host" not in to_send:
        to_send["Host"] = _host_header(parts.scheme, parts.hostname or "", parts.port)
    if DATE_HEADER not in to_send:
        to_send[DATE_HEADER] = date or sdk_date()
    signing_date = to_send[DATE_HEADER]

    canonical, signed_names = canonical_request(method, parts.path, query, to_send, body)
    signature = hmac.new(
        secret_key.encode("utf-8"), string_to_sign(signing_date, canonical).encode("utf-8"), hashlib.sha256
    ).hexdigest()
    to_send["Authorization"] = "%s Access=%s, SignedHeaders=%s, Signature=%s" % (
        ALGORITHM,
        access_key,
        signed_names,
        signature,
    )
    return dict(to_send)


def _host_header(scheme: str, hostname: str, port: Optional[int]) -> str:
    # The Host header omits the scheme's default port, as HTTP clients send it.
    if ":" in hostname:
        hostname = "[%s]" % hostname
    default_port = {"https": 443, "http": 80}.get(scheme)
    if port is None or port == default_port:
        return hostname
    return "%s:%d" % (hostname, port)
