# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Request authentication: each method turns an unsigned request into the headers to send."""

from __future__ import annotations

from typing import Mapping, Optional

from ._signer import QueryPairs, sign_request


class AkSkAuth:
    """Access key / secret key, optionally temporary (with a security token), signed per request."""

    def __init__(self, access_key: str, secret_key: str, security_token: Optional[str] = None) -> None:
        self.access_key = access_key
        self._secret_key = secret_key
        self._security_token = security_token

    def __repr__(self) -> str:
        # Never let a secret reach a traceback or a debug print.
        return "AkSkAuth(access_key=%r, secret_key=<hidden>, security_token=%s)" % (
            self.access_key, "<hidden>" if self._security_token else None)

    def headers(self, method: str, url: str, query: QueryPairs, headers: Mapping[str, str], body: bytes) -> dict[str, str]:
        to_sign = dict(headers)
        if self._security_token:
            # Signed, as Huawei's SDK does (shared/dms-api.md §4.1 step 1).
            to_sign["X-Security-Token"] = self._security_token
        return sign_request(self.access_key, self._secret_key, method, url, query=query, headers=to_sign, body=body)
