"""Scrubbing of recorded calls: secrets, tokens, account, project, user and resource ids out, before any write.

One `Scrubber` serves a whole recording, so the same id always gets the same stand-in, in every spelling it takes
(raw, lower/upper-case hex, percent-encoded, JSON-escaped). Stand-ins keep the shape of what they replace (a UUID
becomes a UUID, 32 hex digits become 32 hex digits, an IPv4 address becomes one from 192.0.2.0/24), so that a client
that checks ids still accepts them on replay. Secrets (keys, passwords, tokens) become `REDACTED-<kind>-<n>`.

Written here rather than taken from a library: what counts as an id is this API's business (Huawei's 32-hex project,
domain and user ids, UUID resource ids), and the stand-ins must be reversible by the replayer.
"""

from __future__ import annotations

import json
import re
from typing import Any, Dict, Iterable, List, Optional, Tuple
from urllib.parse import quote, quote_plus

_UUID = re.compile(
    r"(?<![0-9A-Za-z])[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![0-9A-Za-z])"
)
# Project, domain, user and agency ids are 32 hex digits; request ids too (harmless, but they identify a call).
_HEX32 = re.compile(r"(?<![0-9A-Za-z])[0-9a-fA-F]{32,34}(?![0-9A-Za-z])")
_IPV4 = re.compile(r"(?<![0-9.])(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}(?![0-9.])")

ID_KINDS = ("uuid", "hex32", "ipv4")
_WHOLE = r"(?<![0-9A-Za-z])%s(?![0-9A-Za-z])"
# JSON keys whose string values are secrets wherever they appear (lower case, '-' and '_' removed).
SECRET_KEYS = frozenset(
    {"password", "secret", "secretkey", "sk", "access", "accesskey", "ak", "securitytoken", "token", "signature"}
)
# JSON keys whose string values name an account or a user (a domain's or user's name identifies a customer).
NAME_KEYS = frozenset({"domainname", "username", "accountname", "ownername"})
# Under these keys, a "name" is an account's or user's name too.
NAMED_PARENTS = frozenset({"domain", "user", "account", "owner"})
# Response headers worth keeping: what a client reads. Others (cookies, trace ids of the gateway) are dropped.
KEPT_RESPONSE_HEADERS = ("content-type", "date", "retry-after", "x-subject-token", "location")


def _norm_key(key: str) -> str:
    return key.lower().replace("_", "").replace("-", "")


def spellings(value: str) -> List[str]:
    """Every way a value can be written in a path, a query, a header or JSON text; longest first."""
    encoded = quote(value, safe="")
    # Percent-escapes are case-insensitive (RFC 3986 2.1): a client may write %2f as well as %2F.
    lower_escapes = re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), encoded)
    forms = {value, encoded, lower_escapes, quote(value, safe="~"), quote_plus(value), json.dumps(value)[1:-1]}
    if re.fullmatch(r"[0-9a-fA-F-]+", value):
        forms |= {value.lower(), value.upper()}
    return sorted((form for form in forms if form), key=len, reverse=True)


class Scrubber:
    def __init__(self, secrets: Iterable[Tuple[str, str]] = ()) -> None:
        """`secrets`: (kind, value) pairs known in advance (the recorder's own key, secret key and token)."""
        self._standins: Dict[str, str] = {}  # original (hex lower-cased) -> stand-in
        self._kinds: Dict[str, str] = {}  # stand-in -> kind
        self._counts: Dict[str, int] = {}
        self._cached: Optional[Tuple[int, Optional["re.Pattern[str]"], Dict[str, str]]] = None
        for kind, value in secrets:
            if value:
                self.secret(kind, value)

    # --- stand-ins -----------------------------------------------------------------------------------------------
    def _next(self, kind: str) -> int:
        self._counts[kind] = self._counts.get(kind, 0) + 1
        return self._counts[kind]

    def _standin(self, original: str, kind: str) -> str:
        key = original.lower() if kind in ("uuid", "hex32") else original
        known = self._standins.get(key)
        if known is not None:
            return known
        number = self._next(kind)
        if kind == "uuid":
            standin = "00000000-0000-4000-8000-%012x" % number
        elif kind == "hex32":
            standin = ("%x" % number).rjust(len(original), "0")
        elif kind == "ipv4":
            standin = "192.0.2.%d" % (number % 254 + 1) if number < 254 else "198.51.100.%d" % (number % 254 + 1)
        elif kind in ("account-name", "user-name"):
            standin = "%s-%d" % (kind, number)
        else:
            standin = "REDACTED-%s-%d" % (kind, number)
        self._standins[key] = standin
        self._kinds[standin] = kind
        return standin

    def secret(self, kind: str, value: str) -> str:
        return self._standin(value, kind)

    def standins(self) -> Dict[str, str]:
        """stand-in -> kind, for the cassette's header (never the originals)."""
        return dict(sorted(self._kinds.items()))

    def is_standin(self, value: str) -> bool:
        return value in self._kinds

    # --- text ----------------------------------------------------------------------------------------------------
    def text(self, value: str) -> str:
        """Every known value in every spelling, then every id-shaped string not seen yet, replaced."""
        finder, replacements = self._table()
        if finder is not None:
            value = finder.sub(lambda m: replacements[m.group(0)], value)
        value = _UUID.sub(lambda m: self._keep_or_replace(m.group(0), "uuid"), value)
        value = _HEX32.sub(lambda m: self._keep_or_replace(m.group(0), "hex32"), value)
        return _IPV4.sub(lambda m: self._keep_or_replace(m.group(0), "ipv4"), value)

    def _table(self) -> Tuple[Optional["re.Pattern[str]"], Dict[str, str]]:
        """One regex for every spelling of every known value (rebuilt when a value is added), longest first."""
        if self._cached is None or self._cached[0] != len(self._standins):
            replacements: Dict[str, str] = {}
            whole: Dict[str, bool] = {}
            for original, standin in self._standins.items():
                if standin != original:
                    for form, replacement in zip(spellings(original), self._replacements(original, standin)):
                        replacements.setdefault(form, replacement)
                        whole.setdefault(form, self._kinds[standin] in ID_KINDS)
            forms = sorted(replacements, key=len, reverse=True)
            # An id only as a whole (10.0.0.1 is not the start of 10.0.0.12); a secret wherever it stands.
            finder = (
                re.compile("|".join(_WHOLE % re.escape(f) if whole[f] else re.escape(f) for f in forms))
                if forms
                else None
            )
            self._cached = (len(self._standins), finder, replacements)
        return self._cached[1], self._cached[2]

    @staticmethod
    def _replacements(original: str, standin: str) -> List[str]:
        # The stand-in of each spelling of the original, in the same order as spellings(original).
        forms = spellings(original)
        out = []
        for form in forms:
            if form == original.upper() and form != original:
                out.append(standin.upper() if re.fullmatch(r"[0-9a-fA-F-]+", standin) else standin)
            elif form == json.dumps(original)[1:-1]:
                out.append(json.dumps(standin)[1:-1])
            elif "%" in form and form != original or form == quote_plus(original):
                out.append(quote(standin, safe=""))
            else:
                out.append(standin)
        return out

    def _keep_or_replace(self, found: str, kind: str) -> str:
        if found in self._kinds or found.lower() in self._kinds:
            return found
        if kind == "ipv4" and (found.startswith("127.") or found == "0.0.0.0"):
            return found
        return self._standin(found, kind)

    def json(self, value: Any, parent: Optional[str] = None, key: Optional[str] = None) -> Any:
        """A JSON document with secrets under secret keys, names under name keys, and every id scrubbed."""
        if isinstance(value, dict):
            return {k: self.json(v, key, k) for k, v in value.items()}
        if isinstance(value, list):
            return [self.json(item, parent, key) for item in value]
        if isinstance(value, str) and key is not None:
            norm = _norm_key(key)
            if norm in SECRET_KEYS and value:
                return self.secret(norm, value)
            if norm in NAME_KEYS or (norm == "name" and parent is not None and _norm_key(parent) in NAMED_PARENTS):
                return self._standin(
                    value, "user-name" if "user" in (norm + _norm_key(parent or "")) else "account-name"
                )
        if isinstance(value, str):
            return self.text(value)
        return value

    def body(self, raw: bytes) -> Tuple[Optional[Any], Optional[str]]:
        """(json, None) for a JSON body, (None, text) otherwise; both scrubbed."""
        if not raw:
            return None, ""
        text = raw.decode("utf-8", "replace")
        try:
            return self.json(json.loads(text)), None
        except ValueError:
            return None, self.text(text)

    def request_body(self, raw: bytes) -> str:
        """The request body as text, scrubbed in place (JSON secrets first, so that they are known everywhere)."""
        text = raw.decode("utf-8", "replace")
        try:
            self.json(json.loads(text))  # learns the secrets and names under their keys
        except ValueError:
            pass
        return self.text(text)
