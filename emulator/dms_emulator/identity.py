"""Who may call: AK/SK pairs, IAM users and projects, issued tokens, and per-AK lockouts."""

from __future__ import annotations

import secrets
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from . import (
    DEFAULT_ACCESS_KEY,
    DEFAULT_DOMAIN_ID,
    DEFAULT_DOMAIN_NAME,
    DEFAULT_PROJECT_ID,
    DEFAULT_REGION,
    DEFAULT_SECRET_KEY,
)

TOKEN_LIFETIME = 24 * 3600  # dms-api.md §4.4
LOCKOUT_THRESHOLD = 5  # dms-api.md §2.2: 5 consecutive failures ...
LOCKOUT_SECONDS = 300  # ... lock the AK for 5 minutes


@dataclass
class AccessKey:
    access_key: str
    secret_key: str
    security_token: Optional[str] = None  # temporary credentials must send X-Security-Token


@dataclass
class Project:
    id: str
    name: str
    domain_id: str = DEFAULT_DOMAIN_ID
    enabled: bool = True

    def to_api(self) -> Dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "domain_id": self.domain_id,
            "enabled": self.enabled,
            "description": "",
            "is_domain": False,
            "parent_id": self.domain_id,
        }


@dataclass
class User:
    name: str
    password: str
    domain_name: str = DEFAULT_DOMAIN_NAME
    domain_id: str = DEFAULT_DOMAIN_ID
    id: str = field(default_factory=lambda: uuid.uuid4().hex)


@dataclass
class Token:
    value: str
    expires_at: float
    issued_at: float
    project: Project
    user_name: str
    user_id: str


@dataclass
class _Lock:
    failures: int = 0
    locked_until: float = 0.0


class Identity:
    """All mutable identity data behind one lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset(defaults=True)

    def reset(self, defaults: bool = True) -> None:
        with self._lock:
            self.keys: Dict[str, AccessKey] = {}
            self.projects: List[Project] = []
            self.users: List[User] = []
            self.tokens: Dict[str, Token] = {}
            self.lockouts: Dict[str, _Lock] = {}
        if defaults:
            self.add_key(AccessKey(DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY))
            self.add_project(Project(DEFAULT_PROJECT_ID, DEFAULT_REGION))

    # --- configuration -------------------------------------------------------------------------
    def add_key(self, key: AccessKey) -> None:
        with self._lock:
            self.keys[key.access_key] = key

    def add_project(self, project: Project) -> None:
        with self._lock:
            # Same id replaces; several projects may share a name (the SDK's "multiple project ids" case).
            self.projects = [p for p in self.projects if p.id != project.id] + [project]

    def add_user(self, user: User) -> None:
        with self._lock:
            self.users = [u for u in self.users if (u.domain_name, u.name) != (user.domain_name, user.name)] + [user]

    def clear_lockouts(self) -> None:
        with self._lock:
            self.lockouts = {}

    # --- lookups -------------------------------------------------------------------------------
    def key(self, access_key: str) -> Optional[AccessKey]:
        with self._lock:
            return self.keys.get(access_key)

    def projects_named(self, name: Optional[str]) -> List[Project]:
        with self._lock:
            return [p for p in self.projects if name is None or p.name == name]

    def project_by_id(self, project_id: str) -> Optional[Project]:
        with self._lock:
            return next((p for p in self.projects if p.id == project_id), None)

    def find_user(self, name: str, domain_name: Optional[str], domain_id: Optional[str]) -> Optional[User]:
        with self._lock:
            for user in self.users:
                if user.name != name:
                    continue
                if domain_name is not None and user.domain_name != domain_name:
                    continue
                if domain_id is not None and user.domain_id != domain_id:
                    continue
                return user
        return None

    # --- tokens --------------------------------------------------------------------------------
    def issue_token(
        self, project: Project, user_name: str, user_id: str, now: float, lifetime: float = TOKEN_LIFETIME
    ) -> Token:
        # Real tokens are long opaque strings starting with "MII"; the prefix makes them look alike in logs.
        token = Token("MIIEMU" + secrets.token_hex(48), now + lifetime, now, project, user_name, user_id)
        with self._lock:
            self.tokens[token.value] = token
        return token

    def token(self, value: str) -> Optional[Token]:
        with self._lock:
            return self.tokens.get(value)

    # --- lockout -------------------------------------------------------------------------------
    def locked(self, access_key: str, now: float) -> bool:
        with self._lock:
            state = self.lockouts.get(access_key)
            return bool(state and state.locked_until > now)

    def record_failure(self, access_key: str, now: float) -> Tuple[int, bool]:
        """Count one bad signature; returns (consecutive failures, whether the AK is now locked)."""
        with self._lock:
            state = self.lockouts.setdefault(access_key, _Lock())
            if state.locked_until and state.locked_until <= now:
                state.failures, state.locked_until = 0, 0.0
            state.failures += 1
            if state.failures >= LOCKOUT_THRESHOLD:
                state.locked_until = now + LOCKOUT_SECONDS
            return state.failures, state.locked_until > now

    def record_success(self, access_key: str) -> None:
        with self._lock:
            self.lockouts.pop(access_key, None)
