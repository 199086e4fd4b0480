# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What dms_request sends besides the path: the body checked before sending, and keys that look like secrets."""

from __future__ import annotations

import json
import re
from typing import Any, Iterable

from ._errors import ConfigurationError

# Key names that usually hold a credential: DMS user and connector calls take "password", "access_key", "secret_key",
# "token". Ansible prints a task's arguments (-v, check mode's request, an echoed answer) unless the task has no_log.
_SECRET_KEY = re.compile(r"pass(word|wd|phrase)|pwd|secret|token|credential|private[_-]?key|access[_-]?key", re.I)
# Key names shown in the warning: enough to find them, never a whole hostile structure.
MAX_KEYS_SHOWN = 5


def check_json_body(body: Any) -> None:
    """Refuse a body that has no JSON text (NaN, Infinity): a server would reject it or read it differently."""
    if body is None:
        return
    try:
        json.dumps(body, allow_nan=False)
    except ValueError:
        raise ConfigurationError(
            "Option 'body' holds a number JSON cannot carry (NaN or Infinity); send a number or a string instead."
        ) from None
    except (TypeError, RecursionError) as err:
        raise ConfigurationError("Option 'body' cannot be sent as JSON: %s." % str(err)[:120]) from None


def secret_like_keys(*values: Any) -> list[str]:
    """The keys (at any depth of dicts and lists) whose names look like a password, secret or token."""
    found: list[str] = []
    stack: list[Any] = list(values)
    while stack:  # iterative: a user's body may nest deeper than Python's recursion limit
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if isinstance(key, str) and _SECRET_KEY.search(key) and key not in found:
                    found.append(key)
                stack.append(value)
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
    return sorted(found)


def secret_warning(keys: Iterable[str]) -> str:
    names = sorted(keys)
    shown = ", ".join(repr(name[:40]) for name in names[:MAX_KEYS_SHOWN]) + (
        ", ..." if len(names) > MAX_KEYS_SHOWN else ""
    )
    return (
        "Option 'body' or 'query' has key(s) that look like credentials (%s), and the task has no no_log: Ansible shows"
        " the task's arguments with -v and in check mode's 'request', and the answer ('json') may echo them. Add"
        " 'no_log: true' to the task (and register the result only where it is not printed)." % shown
    )
