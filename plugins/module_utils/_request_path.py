# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Where dms_request may send a request: the path checked before anything is sent, filled, the query and the URL shown.

No input can reach another host, climb out of the API with ``..`` (plain, percent-encoded, double-encoded) or
smuggle a query, fragment or header into the request.
"""

from __future__ import annotations

import re
from typing import Any, Optional
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from ._errors import ConfigurationError
from ._ids import validate_id
from ._signer import canonical_query

PLACEHOLDERS = ("project_id", "instance_id")
MAX_PATH_LENGTH = 2048
# A value decoded this many times and still changing is an attack or garbage, not an API path.
MAX_DECODE_ROUNDS = 5
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
# Printable ASCII only; a space, a control character or a non-ASCII letter must be percent-encoded by the user.
_PRINTABLE = re.compile(r"^[\x21-\x7e]*$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _unsafe(path: str, why: str, fix: str) -> ConfigurationError:
    return ConfigurationError("Option 'path' %s (got %r). %s" % (why, path[:120], fix))


def check_path(path: Any) -> str:
    """The path unchanged if it is a safe DMS API path (placeholders not yet filled); else ConfigurationError."""
    if not isinstance(path, str) or not path:
        raise ConfigurationError(
            "Option 'path' is required: the DMS API path, e.g. /v2/{project_id}/instances/{instance_id}/tasks."
        )
    if len(path) > MAX_PATH_LENGTH:
        raise _unsafe(path, "is longer than %d characters" % MAX_PATH_LENGTH, "Shorten it.")
    if _CONTROL.search(path):
        raise _unsafe(path, "contains a control character", "Remove it.")
    if not _PRINTABLE.match(path):
        raise _unsafe(path, "contains a space or a non-ASCII character", "Percent-encode it (a space is %20).")
    if "://" in path or re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", path):
        raise _unsafe(path, "is an absolute URL", "Give only the path; the host comes from 'endpoint' or 'region'.")
    if not path.startswith("/"):
        raise _unsafe(path, "must begin with '/'", "Write it as the API reference does, e.g. /v2/{project_id}/...")
    if "?" in path or "#" in path:
        raise _unsafe(path, "contains '?' or '#'", "Put query parameters in 'query' (a dictionary).")
    if _PERCENT.search(path):
        raise _unsafe(path, "has a '%' that is not followed by two hex digits", "Encode a literal '%' as %25.")
    decoded = path
    for _round in range(MAX_DECODE_ROUNDS):
        step = unquote(decoded)
        if step == decoded:
            break
        decoded = step
    else:
        raise _unsafe(
            path, "is percent-encoded more than %d times over" % MAX_DECODE_ROUNDS, "Send the path encoded once."
        )
    if "\\" in decoded:
        raise _unsafe(path, "contains a backslash (or an encoded one)", "Use '/' between segments.")
    if _CONTROL.search(decoded):
        raise _unsafe(path, "contains an encoded control character", "Remove it.")
    # A literal '//' anywhere, or an encoded one that opens the path, could be read as '//host'. An encoded '/' inside
    # the path stays allowed: RabbitMQ's default vhost '/' is addressed as .../vhosts/%2F/... (SDK 3.1.219).
    if "//" in path or decoded.startswith("//"):
        raise _unsafe(path, "contains an empty segment ('//')", "A '//' could name another host; remove the extra '/'.")
    for segment in decoded.split("/"):
        if segment in (".", ".."):
            raise _unsafe(
                path,
                "contains a '.' or '..' segment (also when percent-encoded)",
                "Write the path without relative segments.",
            )
    if re.match(r"^/v3(/|$)", decoded, re.IGNORECASE):
        # /v3/ is IAM's API (tokens, projects), not DMS's: no DMS operation lives there (SDK 3.1.219 uses /v1, /v1.0
        # and /v2 only), and sending it to iam_endpoint would give this module a second host to reach.
        raise _unsafe(
            path,
            "is an IAM path (/v3/...), not a DMS API path",
            "dms_request calls only the DMS endpoint; project lookup and tokens are done by the module itself.",
        )
    for name in _PLACEHOLDER.findall(path):
        if name not in PLACEHOLDERS:
            raise _unsafe(
                path,
                "has the placeholder {%s}, which the module cannot fill" % name,
                "Only {project_id} and {instance_id} are filled in; write other values into the path.",
            )
    if "{" in _PLACEHOLDER.sub("", path) or "}" in _PLACEHOLDER.sub("", path):
        raise _unsafe(path, "has an unbalanced '{' or '}'", "Placeholders are written {project_id} and {instance_id}.")
    return path


def fill_path(path: str, project_id: Optional[str], instance_id: Optional[str]) -> str:
    """Replace {project_id} and {instance_id} with the validated, quoted ids."""
    if "{instance_id}" in path and not instance_id:
        raise ConfigurationError(
            "Option 'path' contains {instance_id}: set 'instance_id' to the ID of the DMS instance."
        )
    if "{project_id}" in path:
        if not project_id:
            raise ConfigurationError(
                "Option 'path' contains {project_id} but no project ID is known: set 'project_id'"
                " (HW_PROJECT_ID) or 'region' so it can be looked up."
            )
        path = path.replace("{project_id}", quote(validate_id(project_id, "project_id") or "", safe=""))
    if instance_id:
        path = path.replace("{instance_id}", quote(instance_id, safe=""))
    return path


def _query_value(key: str, value: Any) -> str:
    # Huawei's SDK sends booleans as 'true'/'false' and everything else with str() (huaweicloudsdkcore signer/client).
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    raise ConfigurationError(
        "Option 'query' key %r has a value of type %s; use a string, number, boolean or a list of them."
        % (key, type(value).__name__)
    )


def query_pairs(query: Any) -> list[tuple[str, str]]:
    """A query dictionary as (key, value) pairs: a list repeats its key, None leaves the key out (as the SDK does)."""
    if query is None:
        return []
    if not isinstance(query, dict):
        raise ConfigurationError(
            "Option 'query' must be a dictionary of parameter names to values, got %s." % type(query).__name__
        )
    pairs: list[tuple[str, str]] = []
    for key, value in query.items():
        if not isinstance(key, str) or not key:
            raise ConfigurationError("Option 'query' has an empty or non-string key %r." % (key,))
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            pairs.extend((key, _query_value(key, item)) for item in value if item is not None)
        else:
            pairs.append((key, _query_value(key, value)))
    return pairs


def display_url(base_url: str, path: str, query: list[tuple[str, str]]) -> str:
    """The URL as sent, without any user:password an endpoint might carry."""
    parts = urlsplit(base_url.rstrip("/") + path)
    netloc = parts.hostname or ""
    if ":" in netloc:
        netloc = "[%s]" % netloc
    if parts.port:
        netloc += ":%d" % parts.port
    return urlunsplit((parts.scheme, netloc, parts.path, canonical_query(query), ""))
