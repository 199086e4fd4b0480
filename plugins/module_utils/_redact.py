# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The one redaction gate: every string that leaves a module (msg, warnings, every result field) passes through here.

A ``Redactor`` knows every secret of the run (the no_log options, whether given or read from the environment,
and the token IAM issued) and hides each in every spelling a server, a library or a message can give it:
raw, stripped, JSON-escaped, Python-repr-escaped and percent-encoded. It also hides credential headers that a
gateway quotes back as ``name:value``. No Ansible import: DmsModule and the HTTP client share one instance.
Own code: Ansible's no_log masking sees only the raw value of the options it filled in, not a token issued at run
time nor the escaped and cut forms a server's error text gives a secret.
"""

from __future__ import annotations

import html
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
# A message cut short (an excerpt, an id quoted up to 80 characters) can keep the start or the end of a long secret:
# a run of at least this many of its characters at its start or end is hidden too (for secrets of 16 characters and
# more: the start of a shorter one would be too common a string to hide everywhere).
FRAGMENT = 12
# Nesting a result may have before the gate stops walking it (decoded answers are limited far below this).
_MAX_DEPTH = 200


def spellings(secret: str) -> set[str]:
    """The forms a secret takes in text that quoted it: raw, stripped, JSON, repr and percent-encoded (either case)."""
    forms: set[str] = set()
    for value in sorted({secret, secret.strip()}):
        if len(value) < MIN_SECRET_LENGTH:
            continue
        escaped = {
            value,
            json.dumps(value)[1:-1],
            json.dumps(value, ensure_ascii=False)[1:-1],
            repr(value)[1:-1],
            value.encode("unicode_escape").decode("ascii"),
            repr(value.encode("utf-8"))[2:-1],
            quote(value, safe=""),
            quote(value),
            quote_plus(value),
            html.escape(value),
            html.escape(value, quote=False),
        }
        for form in list(escaped):
            # A JSON text quoted inside another JSON string is escaped twice; some encoders escape '/' as '\/'.
            escaped.add(json.dumps(form)[1:-1])
            escaped.add(form.replace("/", "\\/"))
            escaped.add(re.sub(r"%[0-9A-F]{2}", lambda match: match.group(0).lower(), form))
        forms.update(form for form in escaped if len(form) >= MIN_SECRET_LENGTH)
    return forms


def _hide_fragments(text: str, form: str) -> str:
    """Hide a cut-off start (``form[:n]``) or end (``form[-n:]``) of ``form`` in ``text``, for n >= the fragment size."""
    size = FRAGMENT
    if len(form) < FRAGMENT + 4:
        return text
    head, tail = form[:size], form[-size:]
    index = text.find(head)
    while index != -1:
        end = index + size
        while end < len(text) and end - index < len(form) and text[end] == form[end - index]:
            end += 1
        text = text[:index] + HIDDEN + text[end:]
        index = text.find(head, index + len(HIDDEN))
    index = text.find(tail)
    while index != -1:
        start = index
        offset = len(form) - size
        while start > 0 and offset > 0 and text[start - 1] == form[offset - 1]:
            start -= 1
            offset -= 1
        text = text[:start] + HIDDEN + text[index + size :]
        index = text.find(tail, start + len(HIDDEN))
    return text


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
        for form in self._forms:
            text = _hide_fragments(text, form)
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
