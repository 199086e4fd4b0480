# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one redaction gate (issue 15): every spelling of every secret, in text and in nested results."""

from __future__ import annotations

import json
import re
from urllib.parse import quote, quote_plus

import pytest

from ansible_collections.hwcloud.dms.plugins.module_utils._redact import HIDDEN, Redactor

TOKEN = "MIIZq7Issued+Tok3nAbc/Def=="
PASSWORD = 'Pw"Zq7pass\\wo\u00f6rd-Xy8'


@pytest.mark.parametrize(
    "spell",
    [
        lambda s: s,
        lambda s: s + "\n",
        lambda s: json.dumps(s)[1:-1],
        lambda s: json.dumps(s, ensure_ascii=False)[1:-1],
        lambda s: repr(s)[1:-1],
        lambda s: quote(s, safe=""),
        lambda s: re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), quote(s, safe="")),
        quote_plus,
        lambda s: json.dumps(json.dumps(s))[1:-1],
    ],
    ids=["raw", "newline", "json", "json_unicode", "repr", "percent", "percent_lower_hex", "quote_plus", "json_twice"],
)
@pytest.mark.parametrize("secret", [TOKEN, PASSWORD, "MY-TOKEN-SECRET\n"], ids=["token", "password", "token_newline"])
def test_every_spelling_of_a_secret_is_hidden(spell, secret):
    redact = Redactor([secret])
    text = "before %s after" % spell(secret)
    hidden = redact(text)
    assert secret.strip() not in hidden and spell(secret).strip() not in hidden, hidden
    assert hidden.startswith("before ") and hidden.endswith(" after") and HIDDEN in hidden


def test_nested_results_are_redacted_keys_values_and_lists():
    redact = Redactor()
    redact.add(TOKEN)
    result = {"msg": "x " + TOKEN, "tasks": [{"name": TOKEN, TOKEN: [1, TOKEN]}], "n": 3, "none": None}
    clean = redact.data(result)
    assert TOKEN not in json.dumps(clean)
    assert clean["n"] == 3 and clean["none"] is None and clean["tasks"][0]["name"] == HIDDEN


def test_remembered_credential_headers_and_quoted_header_lines_are_hidden():
    redact = Redactor()
    redact.remember({"X-Auth-Token": "tok-abc-123", "Content-Type": "application/json"})
    assert redact("got tok-abc-123") == "got " + HIDDEN
    assert redact("|x-security-token:other-value|") == "|x-security-token:" + HIDDEN + "|"
    assert redact("application/json") == "application/json"


def test_very_short_values_are_not_treated_as_secrets():
    redact = Redactor(["ab", None, ""])
    assert redact("abc tab") == "abc tab"


@pytest.mark.parametrize(
    "cut", [lambda s: s[:20], lambda s: s[-20:], lambda s: json.dumps(s)[1:25]], ids=["start", "end", "json_start"]
)
def test_a_long_secret_cut_short_in_an_excerpt_is_hidden(cut):
    token = "MIIEhQYJKoZIhvcNAQcCoIIEdjCCBHICAQExDTALBglghkgBZQMEAgEwggLXBgkqhkiG9w0BBwGgggLIBIICxHsidG9rZW4i"
    redact = Redactor([token])
    hidden = redact("excerpt: %r." % cut(token))
    assert cut(token)[:12] not in hidden and cut(token)[-12:] not in hidden, hidden


def test_slash_escaped_and_html_escaped_spellings_are_hidden():
    secret = 'a/b"c<d>Zq7-secret'
    redact = Redactor([secret])
    for spelled in (
        secret.replace("/", "\\/"),
        "a/b&quot;c&lt;d&gt;Zq7-secret",
        json.dumps(secret)[1:-1].replace("/", "\\/"),
    ):
        assert "Zq7-secret" not in redact("x %s y" % spelled), spelled
