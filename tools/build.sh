#!/usr/bin/env bash
# make build: the one Galaxy artifact of this checkout, build/hwcloud-dms-<version>.tar.gz, with the release notes of
# that version (changelogs/changelog.yaml and CHANGELOG.rst, generated from the fragments into a staging copy by
# tools/stage_release.sh; the fragments stay in git). The README's install line, make lint (tools/lint.sh) and a
# release (docs/releasing.md) all use this file, so there is one artifact under one name.
# Usage: tools/build.sh [laid collection dir]   (lays the collection itself when not given; prints the tarball's path)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export PATH="$root/.venv/bin:$PATH"
coll=${1:-$("$root/tools/lay_collection.sh")}
stage=$("$root/tools/stage_release.sh" "$coll" "$root/build/release")
version=$(python -c "import yaml, sys; print(yaml.safe_load(open(sys.argv[1]))['version'])" "$stage/galaxy.yml")
tarball="$root/build/hwcloud-dms-$version.tar.gz"
rm -f "$tarball"
ansible-galaxy collection build --force --output-path "$root/build" "$stage" >&2
[ -s "$tarball" ] || { echo "ansible-galaxy wrote no $tarball" >&2; exit 1; }
echo "$tarball"
