#!/usr/bin/env bash
# Copy the collection's files (tracked, plus new untracked ones that are not ignored) into
# build/collections/ansible_collections/hwcloud/dms: ansible-test and Ansible's loader need that path,
# and a fresh copy keeps venvs, caches and tests/output out of what sanity sees.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dest="$root/build/collections/ansible_collections/hwcloud/dms"
rm -rf "$dest"
mkdir -p "$dest"
cd "$root"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do
    [ -e "$f" ] || continue
    mkdir -p "$dest/$(dirname "$f")"
    cp -p "$f" "$dest/$f"
  done
else
  tar --exclude=./.venv --exclude='./.venv-*' --exclude=./build --exclude=./.git --exclude='*/__pycache__' --exclude=./tests/output -cf - . | tar -xf - -C "$dest"
fi
# ansible-test lists files with git when it finds a repository; without its own, it would find this
# checkout's, where build/ is ignored, and skip every target.
(cd "$dest" && git init -q && git add -A)
echo "$dest"
