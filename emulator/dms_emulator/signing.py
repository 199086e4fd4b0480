"""Rebuilds the SDK-HMAC-SHA256 canonical request from what the server received (dms-api.md §4.1).

Written independently of plugins/ (and of huaweicloudsdkcore) so that it can act as a second
opinion on both: if either signer drifts, the emulator rejects it.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from typing import Iterable, List, Mapping, Optional, Tuple
from urllib.parse import parse_qsl, quote, unquote

ALGORITHM = "SDK-HMAC-SHA256"
EMPTY_BODY_HASH = hashlib.sha256(b"").hexdigest()

# "SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=hex" — the SDK uses ", " separators;
# be lenient about whitespace so that a hand-written client is judged on its signature, not spacing.
_AUTH_RE = re.compile(
    r"^\s*SDK-HMAC-SHA256\s+Access=(?P<ak>[^,\s]+)\s*,\s*SignedHeaders=(?P<sh>[^,\s]+)\s*,\s*Signature=(?P<sig>[0-9a-fA-F]+)\s*$"
)


@dataclass(frozen=True)
class AuthHeader:
    access_key: str
    signed_headers: Tuple[str, ...]
    signature: str


def parse_authorization(value: str) -> Optional[AuthHeader]:
    """Split the Authorization header into its three fields; None when it is not SDK-HMAC-SHA256."""
    match = _AUTH_RE.match(value or "")
    if not match:
        return None
    names = tuple(name.strip().lower() for name in match.group("sh").split(";") if name.strip())
    return AuthHeader(match.group("ak"), names, match.group("sig").lower())


def canonical_uri(raw_path: str) -> str:
    """Decode, re-quote each segment with safe='~', and make sure the result ends with '/'."""
    segments = unquote(raw_path).split("/")
    uri = "/".join(quote(segment, safe="~") for segment in segments)
    return uri if uri.endswith("/") else uri + "/"


def canonical_query(raw_query: str) -> str:
    """Sort decoded (key, value) pairs by key then value and re-encode with quote(safe='~')."""
    pairs = parse_qsl(raw_query, keep_blank_values=True)
    return "&".join("%s=%s" % (quote(key, safe="~"), quote(value, safe="~")) for key, value in sorted(pairs))


def payload_hash(body: bytes, content_sha256_header: Optional[str]) -> str:
    """Mirror the SDK: empty body → sha256(""), else an X-Sdk-Content-Sha256 value wins, else sha256(body)."""
    if not body:
        return EMPTY_BODY_HASH
    if content_sha256_header:
        return content_sha256_header
    return hashlib.sha256(body).hexdigest()


def canonical_request(
    method: str, raw_path: str, raw_query: str, headers: Mapping[str, str], signed_headers: Iterable[str], body: bytes
) -> str:
    """Six parts joined by '\\n'; `headers` must have lower-case keys and received (untrimmed) values."""
    names: List[str] = list(signed_headers)
    header_block = "".join("%s:%s\n" % (name, headers.get(name, "").strip()) for name in names)
    return "\n".join(
        [
            method.upper(),
            canonical_uri(raw_path),
            canonical_query(raw_query),
            header_block,
            ";".join(names),
            payload_hash(body, headers.get("x-sdk-content-sha256")),
        ]
    )


def string_to_sign(canonical: str, sdk_date: str) -> str:
    return "%s\n%s\n%s" % (ALGORITHM, sdk_date, hashlib.sha256(canonical.encode("utf-8")).hexdigest())


def compute_signature(secret_key: str, canonical: str, sdk_date: str) -> str:
    return hmac.new(
        secret_key.encode("utf-8"), string_to_sign(canonical, sdk_date).encode("utf-8"), hashlib.sha256
    ).hexdigest()


def signature_matches(expected: str, received: str) -> bool:
    # Constant-time compare: the emulator should not teach timing-unsafe habits.
    return hmac.compare_digest(expected.encode("ascii"), received.lower().encode("ascii", "replace"))


def sign_headers(
    access_key: str,
    secret_key: str,
    method: str,
    raw_path: str,
    raw_query: str,
    headers: Mapping[str, str],
    body: bytes = b"",
) -> str:
    """Produce an Authorization value for the given headers (all names without '_' are signed).

    Only used by the emulator's own tests and helpers; it shares code with the verifier on purpose,
    so the vectors in dms-api.md §4.2 are what keeps it honest.
    """
    lowered = {name.lower(): value for name, value in headers.items()}
    names = sorted(name for name in lowered if "_" not in name)
    canonical = canonical_request(method, raw_path, raw_query, lowered, names, body)
    signature = compute_signature(secret_key, canonical, lowered["x-sdk-date"])
    return "%s Access=%s, SignedHeaders=%s, Signature=%s" % (ALGORITHM, access_key, ";".join(names), signature)
