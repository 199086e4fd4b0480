"""API-gateway authentication in front of the emulated APIs: AK/SK signatures, tokens, skew, lockout.

Messages follow the gateway's wording from dms-api.md §2.2; the mismatch message echoes the
canonical request with '|' for newlines, as the real gateway does, to help debugging.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from .clock import SystemClock
from .errors import AUTH_FAILED, SIGNATURE_EXPIRED, ApiError, gateway_error
from .identity import Identity
from .request import Received
from .signing import canonical_request, compute_signature, parse_authorization, signature_matches
from .stats import Stats
from .timefmt import format_sdk_date, parse_sdk_date

MAX_SKEW_SECONDS = 15 * 60  # dms-api.md §2.2
_PREFIX = "Incorrect IAM authentication information: "


@dataclass(frozen=True)
class Principal:
    kind: str  # "aksk" or "token"
    access_key: Optional[str] = None
    project_id: Optional[str] = None  # token scope; None for AK/SK


class Gateway:
    def __init__(self, identity: Identity, stats: Stats, clock: Optional[object] = None) -> None:
        self.identity = identity
        self.stats = stats
        self.clock = clock or SystemClock()

    def _reject(self, req: Received, code: str, msg: str, reason: str, signature: bool) -> ApiError:
        self.stats.bump("auth_failures")
        self.stats.bump_key("auth_failures_by_reason", reason)
        if signature:
            self.stats.bump("signature_failures")
        return gateway_error(401, code, msg, req.request_id)

    def authenticate(self, req: Received) -> Principal:
        """Return who is calling, or raise ApiError(401)."""
        authorization = req.header("authorization")
        token = req.header("x-auth-token")
        if authorization:
            self.stats.bump_key("auth_headers_seen", "sdk-hmac-sha256")
            return self._check_signature(req, authorization)
        if token:
            self.stats.bump_key("auth_headers_seen", "x-auth-token")
            return self._check_token(req, token)
        self.stats.bump_key("auth_headers_seen", "none")
        raise self._reject(req, AUTH_FAILED, _PREFIX + "x-auth-token not found", "missing", signature=False)

    def _check_token(self, req: Received, value: str) -> Principal:
        token = self.identity.token(value)
        if token is None:
            raise self._reject(req, AUTH_FAILED, _PREFIX + "decrypt token fail", "token_invalid", signature=False)
        if token.expires_at <= self.clock.now():
            raise self._reject(req, AUTH_FAILED, _PREFIX + "token expires", "token_expired", signature=False)
        return Principal("token", project_id=token.project.id)

    def _check_signature(self, req: Received, authorization: str) -> Principal:
        now = self.clock.now()
        auth = parse_authorization(authorization)
        if auth is None:
            raise self._reject(
                req,
                AUTH_FAILED,
                _PREFIX + "verify aksk signature fail, malformed Authorization header",
                "malformed",
                signature=True,
            )
        self.stats.bump_key("signed_header_sets", ";".join(auth.signed_headers))
        key = self.identity.key(auth.access_key)
        if key is None:
            raise self._reject(
                req,
                AUTH_FAILED,
                _PREFIX + "Get secretKey failed,ak:%s,err:ak not exist" % auth.access_key,
                "ak_not_exist",
                signature=True,
            )
        if self.identity.locked(auth.access_key, now):
            raise self._reject(
                req, AUTH_FAILED, _PREFIX + "AK access failed to reach the limit,forbidden", "locked", signature=True
            )
        sdk_date = req.header("x-sdk-date")
        if "x-sdk-date" not in auth.signed_headers or not sdk_date:
            # Huawei: "only X-Sdk-Date is required" among the signed headers.
            return self._mismatch(req, auth.access_key, now, "x-sdk-date must be present and signed")
        canonical = canonical_request(
            req.method, req.raw_path, req.raw_query, req.headers, auth.signed_headers, req.body
        )
        expected = compute_signature(key.secret_key, canonical, sdk_date)
        if not signature_matches(expected, auth.signature):
            return self._mismatch(req, auth.access_key, now, "canonicalRequest:" + canonical.replace("\n", "|"))
        try:
            signed_at = parse_sdk_date(sdk_date)
        except ValueError:
            return self._mismatch(req, auth.access_key, now, "invalid x-sdk-date %s" % sdk_date)
        if abs(now - signed_at) > MAX_SKEW_SECONDS:
            raise self._reject(
                req,
                SIGNATURE_EXPIRED,
                "signature expired, signature time:%s, server time:%s" % (sdk_date, format_sdk_date(now)),
                "signature_expired",
                signature=True,
            )
        if key.security_token is not None and req.header("x-security-token") != key.security_token:
            # Temporary credentials are only valid together with their security token.
            raise self._reject(
                req, AUTH_FAILED, _PREFIX + "verify security token fail", "security_token", signature=True
            )
        self.identity.record_success(auth.access_key)
        return Principal("aksk", access_key=auth.access_key)

    def _mismatch(self, req: Received, access_key: str, now: float, detail: str) -> Principal:
        self.identity.record_failure(access_key, now)
        raise self._reject(
            req, AUTH_FAILED, _PREFIX + "verify aksk signature fail, " + detail, "signature_mismatch", signature=True
        )
