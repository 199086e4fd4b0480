"""Compat tests use the emulator's own pytest fixtures (emulator, emulator_tls, ...): tests/conftest.py loads them."""
