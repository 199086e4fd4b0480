# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one redaction gate: every string that leaves a module (msg, warnings, every result field) passes through here.

A ``Redactor`` knows every secret of the run (the no_log options, whether given or read from the environment,
and the token IAM issued) and hides each in every spelling a server, a library or a message can give it:
raw, stripped, JSON-escaped, Python-repr-escaped and percent-encoded. It also hides credential headers that a
gateway quotes back as ``name:value``. No Ansible import: DmsModule and the HTTP client share one instance.
"""

from __future__ import annotations

import json
import re
from typing import Any, Iterable, Mapping, Optional
from urllib.parse import quote, quote_plus

HIDDEN = "<hidden>"
# Headers whose values are credentials: never echoed, even when a server quotes them back in an error.
SECRET_HEADERS = frozenset(("x-security-token", "x-auth-token"))
# The gateway's signature-mismatch message echoes its canonical request, signed header values included.
_ECHOED_SECRET = re.compile(r"(x-security-token|x-auth-token|x-subject-token|authorization):[^|\n]*", re.IGNORECASE)
# Shorter values are not hidden: replacing every "ab" in a message would garble it and protect nothing.
MIN_SECRET_LENGTH = 3
# Nesting a result may have before the gate stops walking it (decoded answers are limited far below this).
_MAX_DEPTH = 200


def spellings(secret: str) -> set[str]:
    """The forms a secret takes in text that quoted it: raw, stripped, JSON, repr and percent-encoded (either case)."""
    forms: set[str] = set()
    for value in {secret, secret.strip()}:
        if len(value) < MIN_SECRET_LENGTH:
            continue
        escaped = {value, json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1], repr(value)[1:-1],
                   value.encode("unicode_escape").decode("ascii"), quote(value, safe=""), quote(value), quote_plus(value)}
        for form in list(escaped):
            # A JSON text quoted inside another JSON string is escaped twice.
            escaped.add(json.dumps(form)[1:-1])
            escaped.add(re.sub(r"%[0-9A-F]{2}", lambda match: match.group(0).lower(), form))
        forms.update(form for form in escaped if len(form) >= MIN_SECRET_LENGTH)
    return forms


class Redactor:
    """Hides every secret of the run in any text or nested result; ``remember`` learns credential header values."""

    def __init__(self, secrets: Iterable[Optional[str]] = ()) -> None:
        self._forms: list[str] = []
        self._known: set[str] = set()
        for secret in secrets:
            self.add(secret)

    def add(self, secret: Optional[str]) -> None:
        if not isinstance(secret, str) or secret in self._known:
            return
        self._known.add(secret)
        forms = set(self._forms) | spellings(secret)
        # Longest first, so a form containing a shorter one is replaced whole.
        self._forms = sorted(forms, key=len, reverse=True)

    def remember(self, headers: Mapping[str, str]) -> None:
        for name, value in headers.items():
            if name.lower() in SECRET_HEADERS and value:
                self.add(value)

    def __call__(self, text: Optional[str]) -> Optional[str]:
        if not text or not isinstance(text, str):
            return text
        text = _ECHOED_SECRET.sub(lambda match: match.group(1) + ":" + HIDDEN, text)
        for form in self._forms:
            if form in text:
                text = text.replace(form, HIDDEN)
        return text

    def data(self, value: Any) -> Any:
        """A copy of ``value`` (dicts, lists, tuples, strings, scalars) with every string, key or value, redacted."""
        return self._walk(value, 0)

    def _walk(self, value: Any, depth: int) -> Any:
        if isinstance(value, str):
            return self(value)
        if depth > _MAX_DEPTH:
            return HIDDEN
        if isinstance(value, dict):
            return {self._walk(key, depth + 1): self._walk(item, depth + 1) for key, item in value.items()}
        if isinstance(value, (list, tuple)):
            return [self._walk(item, depth + 1) for item in value]
        if isinstance(value, (bytes, bytearray)):
            return self(bytes(value).decode("utf-8", "replace"))
        return value
