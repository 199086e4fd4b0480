#!/usr/bin/env bash
# make format: apply ruff's safe fixes (the import order among them) and format every Python file of the tree, as
# pyproject.toml configures it.
# make lint (tools/lint.sh, check "format") fails on any file this would change.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
ruff="$root/.venv/bin/ruff"
cd "$root"
"$ruff" check --fix-only --quiet .
"$ruff" format .
