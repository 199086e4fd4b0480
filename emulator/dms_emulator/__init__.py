"""Offline emulator of the Huawei Cloud DMS API and the IAM calls a client needs (package hwcloud-dms-emulator)."""

from __future__ import annotations

__version__ = "0.2.0"

# Defaults from docs/design.md: every seed gets these unless it replaces them.
DEFAULT_ACCESS_KEY = "EMULATORAK0000000001"
DEFAULT_SECRET_KEY = "emulator-secret-key-do-not-use-in-production"
DEFAULT_PROJECT_ID = "0123456789abcdef0123456789abcdef"
DEFAULT_REGION = "cn-north-4"
DEFAULT_DOMAIN_ID = "emulatordomain00000000000000000001"
DEFAULT_DOMAIN_NAME = "emulator-domain"
