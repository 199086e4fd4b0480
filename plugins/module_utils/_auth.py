# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Request authentication: each method turns an unsigned request into the headers to send."""

from __future__ import annotations

from typing import Any, Mapping, Optional

from ._signer import QueryPairs, sign_request


class AkSkAuth:
    """Access key / secret key, optionally temporary (with a security token), signed per request."""

    kind = "aksk"

    def __init__(self, access_key: str, secret_key: str, security_token: Optional[str] = None) -> None:
        self.access_key = access_key
        self._secret_key = secret_key
        self._security_token = security_token

    def __repr__(self) -> str:
        # Never let a secret reach a traceback or a debug print.
        return "AkSkAuth(access_key=%r, secret_key=<hidden>, security_token=%s)" % (
            self.access_key,
            "<hidden>" if self._security_token else None,
        )

    def headers(
        self, method: str, url: str, query: QueryPairs, headers: Mapping[str, str], body: bytes
    ) -> dict[str, str]:
        to_sign = dict(headers)
        if self._security_token:
            # Signed, as Huawei's SDK does (its signer adds the token before computing the signature).
            to_sign["X-Security-Token"] = self._security_token
        return sign_request(self.access_key, self._secret_key, method, url, query=query, headers=to_sign, body=body)


class TokenAuth:
    """An IAM token, sent as X-Auth-Token; nothing is signed."""

    kind = "token"

    def __init__(self, token: str, source: str = "auth_token") -> None:
        self._token = token
        # Where the token came from ('auth_token' or 'user_name/password'), for error messages only.
        self.source = source

    def __repr__(self) -> str:
        return "TokenAuth(token=<hidden>, source=%r)" % self.source

    def headers(
        self, method: str, url: str, query: QueryPairs, headers: Mapping[str, str], body: bytes
    ) -> dict[str, str]:
        sent = dict(headers)
        sent["X-Auth-Token"] = self._token
        return sent


class PasswordCredentials:
    """An IAM user's name, password and account (domain) name, to exchange for a token once per run."""

    def __init__(self, user_name: str, password: str, domain_name: str) -> None:
        self.user_name = user_name
        self._password = password
        self.domain_name = domain_name

    def __repr__(self) -> str:
        return "PasswordCredentials(user_name=%r, password=<hidden>, domain_name=%r)" % (
            self.user_name,
            self.domain_name,
        )

    def scrub(self, text: str) -> str:
        """The text with the password replaced, for messages built from what IAM answered."""
        return text.replace(self._password, "<hidden>") if self._password else text

    def token_request(self, project_id: Optional[str] = None, project_name: Optional[str] = None) -> dict[str, Any]:
        """The body of IAM's POST /v3/auth/tokens (password method), scoped to the project id, else its name."""
        project: dict[str, str] = {"id": project_id} if project_id else {"name": project_name or ""}
        return {
            "auth": {
                "identity": {
                    "methods": ["password"],
                    "password": {
                        "user": {
                            "name": self.user_name,
                            "password": self._password,
                            "domain": {"name": self.domain_name},
                        }
                    },
                },
                "scope": {"project": project},
            }
        }


class Unsigned:
    """No credentials at all: only for POST /v3/auth/tokens, whose body carries them."""

    kind = "none"

    def __repr__(self) -> str:
        return "Unsigned()"

    def headers(
        self, method: str, url: str, query: QueryPairs, headers: Mapping[str, str], body: bytes
    ) -> dict[str, str]:
        return dict(headers)
