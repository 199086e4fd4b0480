#!/usr/bin/env bash
# Copy a laid collection to TOP/ansible_collections/hwcloud/dms and, unless changelog.yaml already has the galaxy.yml
# version, turn the fragments into that release there (antsibull-changelog release: changelog.yaml, CHANGELOG.rst).
# The repository keeps its fragments (docs/releasing.md); the artifact (tools/build.sh, make build) and the docs site
# (tools/docs.sh) are built from this copy, so both carry the release notes of the version they describe.
# Usage: tools/stage_release.sh LAID_COLLECTION_DIR TOP_DIR   (prints the staged collection's path)
set -euo pipefail
coll=$1 top=$2
stage="$top/ansible_collections/hwcloud/dms"
rm -rf "$top" && mkdir -p "$(dirname "$stage")" && cp -a "$coll" "$stage"
version=$(python -c "import yaml, sys; print(yaml.safe_load(open(sys.argv[1]))['version'])" "$stage/galaxy.yml")
if ! grep -q "^  $version:" "$stage/changelogs/changelog.yaml"; then
  (cd "$stage" && ANSIBLE_COLLECTIONS_PATH="$top" antsibull-changelog release) >&2
fi
(cd "$stage" && antsibull-changelog lint-changelog-yaml changelogs/changelog.yaml) >&2
grep -q "^  $version:" "$stage/changelogs/changelog.yaml" || { echo "no $version release in changelog.yaml" >&2; exit 1; }
[ -s "$stage/CHANGELOG.rst" ] || { echo "antsibull-changelog wrote no CHANGELOG.rst" >&2; exit 1; }
echo "$stage"
