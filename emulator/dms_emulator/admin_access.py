"""Who may use the admin API (/_emulator/): loopback callers, or, once bound beyond loopback, holders of the token.

The admin API issues IAM tokens, adds credentials and injects faults, unsigned: anyone who reaches it owns the
emulated cloud. So it answers loopback peers only; `--allow-remote` (bind to another address) requires a token from
every caller instead, loopback ones included.
"""

from __future__ import annotations

import hmac
import ipaddress
from typing import Optional

from .reply import Reply, json_reply
from .request import Received

ADMIN_TOKEN_HEADER = "X-Emulator-Admin-Token"


def is_loopback(address: str) -> bool:
    """Whether a peer or bind address is a loopback one (127.0.0.0/8, ::1, IPv4-mapped 127.x); names are not."""
    try:
        parsed = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    mapped = getattr(parsed, "ipv4_mapped", None)
    return bool(parsed.is_loopback or (mapped is not None and mapped.is_loopback))


class AdminAccess:
    def __init__(self, token: Optional[str] = None) -> None:
        self.token = token

    def refusal(self, req: Received) -> Optional[Reply]:
        """None when the caller may use the admin API, else the answer that refuses it."""
        if self.token is not None:
            given = req.header(ADMIN_TOKEN_HEADER) or ""
            if hmac.compare_digest(given.encode("utf-8"), self.token.encode("utf-8")):
                return None
            return json_reply(
                401,
                {
                    "error": "the admin API needs the header %s with the admin token this emulator printed at start"
                    " (or was given in DMS_EMULATOR_ADMIN_TOKEN)" % ADMIN_TOKEN_HEADER
                },
            )
        # An empty peer is an in-process call (Emulator.dispatch from a test), not a network one.
        if not req.peer or is_loopback(req.peer):
            return None
        return json_reply(
            403,
            {
                "error": "the admin API answers on loopback only; start the emulator with --allow-remote to use it"
                " from another address (it then needs the admin token)"
            },
        )
