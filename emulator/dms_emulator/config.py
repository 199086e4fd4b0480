"""Applies the credentials part of a seed file or of POST /_emulator/credentials."""

from __future__ import annotations

from typing import Any, Dict

from . import DEFAULT_DOMAIN_ID, DEFAULT_DOMAIN_NAME
from .identity import AccessKey, Identity, Project, User


def apply_credentials(identity: Identity, spec: Dict[str, Any]) -> Dict[str, int]:
    """Add access keys, projects and users; returns how many of each were added. Raises ValueError."""
    if not isinstance(spec, dict):
        raise ValueError("credentials must be a JSON object")
    unknown = set(spec) - {"access_keys", "projects", "users"}
    if unknown:
        raise ValueError("unknown credential keys: %s" % ", ".join(sorted(unknown)))
    added = {"access_keys": 0, "projects": 0, "users": 0}
    for item in spec.get("access_keys") or []:
        if not isinstance(item, dict) or not item.get("access_key") or not item.get("secret_key"):
            raise ValueError("each access key needs access_key and secret_key")
        identity.add_key(AccessKey(item["access_key"], item["secret_key"], item.get("security_token")))
        added["access_keys"] += 1
    for item in spec.get("projects") or []:
        if not isinstance(item, dict) or not item.get("id") or not item.get("name"):
            raise ValueError("each project needs id and name (the region, e.g. cn-north-4)")
        identity.add_project(
            Project(
                item["id"], item["name"], item.get("domain_id") or DEFAULT_DOMAIN_ID, bool(item.get("enabled", True))
            )
        )
        added["projects"] += 1
    for item in spec.get("users") or []:
        if not isinstance(item, dict) or not item.get("name") or "password" not in item:
            raise ValueError("each user needs name and password")
        user = User(
            item["name"],
            item["password"],
            item.get("domain_name") or DEFAULT_DOMAIN_NAME,
            item.get("domain_id") or DEFAULT_DOMAIN_ID,
        )
        if item.get("id"):
            user.id = item["id"]
        identity.add_user(user)
        added["users"] += 1
    return added
