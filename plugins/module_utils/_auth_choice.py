# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Choosing the authentication method from the shared options and building it (AK/SK, token, or password to exchange).

Options set in the task beat environment variables; within the environment the order of METHOD_SELECTORS
decides (docs/authentication.md). Keys and tokens are checked to be printable ASCII before anything is sent.
"""

from __future__ import annotations

import re
from typing import Any, Collection, Mapping, Optional, Union

from ._auth import AkSkAuth, PasswordCredentials, TokenAuth
from ._errors import ConfigurationError
from ._option_specs import OPTION_ENVIRONMENT, env_name

# The authentication methods, in their precedence order when only the environment names several.
# Each is chosen by its selector options; security_token and domain_name only complete a method.
AKSK, TOKEN, PASSWORD = "access_key/secret_key", "auth_token", "user_name/password"
METHOD_SELECTORS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (AKSK, ("access_key", "secret_key")),
    (TOKEN, ("auth_token",)),
    (PASSWORD, ("user_name", "password")),
)
METHOD_MEMBERS = {
    AKSK: ("access_key", "secret_key", "security_token"),
    TOKEN: ("auth_token",),
    PASSWORD: ("user_name", "password", "domain_name"),
}


# Tokens and keys go into HTTP headers (or the signature): printable ASCII without spaces, nothing else.
_PRINTABLE_ASCII = re.compile(r"[\x21-\x7e]+")
CREDENTIAL_OPTIONS = ("access_key", "secret_key", "security_token", "auth_token")


def _what_is_wrong(value: str) -> str:
    if value != value.strip():
        return "leading or trailing whitespace or a newline (as `echo` or a YAML '|' block adds)"
    if any(ord(char) < 0x20 or ord(char) == 0x7F for char in value):
        return "a control character"
    if " " in value:
        return "a space"
    return "a character outside printable ASCII"


def check_credential(value: Any, what: str) -> None:
    """Refuse a token or key that is not printable ASCII, naming ``what`` but never the value."""
    if isinstance(value, str) and not _PRINTABLE_ASCII.fullmatch(value):
        raise ConfigurationError(
            "%s must be printable ASCII without spaces, but it contains %s; its value is not shown."
            " Strip it (e.g. ansible-vault encrypt_string without the trailing newline, or YAML '|-')."
            % (what, _what_is_wrong(value))
        )


def is_given(value: Any) -> bool:
    return value is not None and value != ""


def choose_method(params: Mapping[str, Any], explicit: Optional[Collection[str]], warnings: list[str]) -> Optional[str]:
    """The authentication method to use: options set in the task beat environment variables.

    Two methods set in the task are an error. When only the environment names several, the first in
    METHOD_SELECTORS' order wins and a warning names the others. ``explicit`` None counts every given
    option as set in the task.
    """

    def is_explicit(name: str) -> bool:
        return is_given(params.get(name)) and (explicit is None or name in explicit)

    present = [
        method for method, selectors in METHOD_SELECTORS if any(is_given(params.get(name)) for name in selectors)
    ]
    chosen = [method for method, selectors in METHOD_SELECTORS if any(is_explicit(name) for name in selectors)]
    if len(chosen) > 1:
        raise ConfigurationError(
            "Options %s choose different authentication methods; set only one of: access_key/secret_key (AK/SK),"
            " auth_token, or user_name/password/domain_name."
            % " and ".join("/".join(name for name in METHOD_MEMBERS[method] if is_explicit(name)) for method in chosen)
        )
    if chosen:
        return chosen[0]
    if len(present) > 1:
        warnings.append(
            "The environment holds credentials for several authentication methods (%s); using %s, the first in the"
            " documented precedence (AK/SK, then auth_token, then user_name/password). Set the method you want as"
            " module options, or unset the other variables, to silence this warning." % (", ".join(present), present[0])
        )
    return present[0] if present else None


def _aksk(params: Mapping[str, Any], method: Optional[str]) -> AkSkAuth:
    access_key: Optional[str] = params.get("access_key")
    secret_key: Optional[str] = params.get("secret_key")
    if not access_key or not secret_key:
        missing = " and ".join(
            name for name, value in (("access_key", access_key), ("secret_key", secret_key)) if not value
        )
        others = (
            ""
            if method
            else " Or authenticate with auth_token (%s), or user_name, password and domain_name (%s, %s, %s)."
            % (env_name("auth_token"), env_name("user_name"), env_name("password"), env_name("domain_name"))
        )
        ak_vars, sk_vars = OPTION_ENVIRONMENT["access_key"], OPTION_ENVIRONMENT["secret_key"]
        raise ConfigurationError(
            "Missing credentials: %s. Set the option(s), or export %s and %s (or %s and %s).%s"
            % (missing, ak_vars[0], sk_vars[0], ak_vars[1], sk_vars[1], others)
        )
    return AkSkAuth(access_key, secret_key, params.get("security_token") or None)


def _password(params: Mapping[str, Any]) -> PasswordCredentials:
    missing = [name for name in METHOD_MEMBERS[PASSWORD] if not is_given(params.get(name))]
    if missing:
        raise ConfigurationError(
            "Options user_name, password and domain_name are required together for password authentication; missing: %s."
            " Set them, or export %s." % (", ".join(missing), ", ".join(env_name(name) for name in missing))
        )
    return PasswordCredentials(params["user_name"], params["password"], params["domain_name"])


def build_auth(
    params: Mapping[str, Any], method: Optional[str]
) -> tuple[Optional[Union[AkSkAuth, TokenAuth]], Optional[PasswordCredentials]]:
    """The auth to sign with, or (for user_name/password) the credentials to exchange for a token first."""
    for option in CREDENTIAL_OPTIONS:
        if is_given(params.get(option)):
            check_credential(params[option], "Option '%s' (or %s)" % (option, " / ".join(OPTION_ENVIRONMENT[option])))
    if method is None or method == AKSK:
        return _aksk(params, method), None
    if method == TOKEN:
        return TokenAuth(params["auth_token"]), None
    return None, _password(params)
