#!/usr/bin/env bash
# The check_* functions are called through run_check by name, which shellcheck cannot follow (SC2329).
# shellcheck disable=SC2329
# make lint: the ecosystem checks on a laid copy of the collection. Each check runs even when an earlier one
# failed; one line per check, then exit 0 only if all passed. Logs and lint.xml go to the results directory.
#   changelog     antsibull-changelog lint (fragments) and lint-changelog-yaml
#   docs-lint     antsibull-docs lint-collection-docs --plugin-docs (module, role, extra docs, links)
#   ansible-lint  production profile over roles, molecule playbooks and the collection (.ansible-lint)
#   artifact      release notes for the galaxy.yml version generated into a staging copy (fragments stay in git),
#                 ansible-galaxy collection build into build/, galaxy-importer on the tarball: no ERROR/WARNING
#   docs-build    tools/docs.sh: the HTML site, sphinx -W
#   format        ruff format --check and ruff check (import order) with pyproject.toml: fails on a file that
#                 tools/format.sh (make format) would change; skipped only while HWCLOUD_FORMAT_PENDING=1
# Usage: tools/lint.sh [laid collection dir] [results dir]
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export PATH="$root/.venv/bin:$PATH"
coll=${1:-}
if [ -z "$coll" ]; then coll=$("$root/tools/lay_collection.sh") || exit 1; fi
results=${2:-$root/build/lint-results}
mkdir -p "$results"
export ANSIBLE_COLLECTIONS_PATH="$root/build/collections" ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false
if [ -z "${ANSIBLE_CONFIG:-}" ]; then
  printf '[defaults]\n' >"$root/build/ansible.cfg"
  export ANSIBLE_CONFIG="$root/build/ansible.cfg"
fi
# Tools that install collections or keep caches do it under build/, never in ~/.ansible.
export ANSIBLE_HOME="$root/build/ansible-home" NO_COLOR=1 ANSIBLE_NOCOLOR=1

declare -a checks=()
failed=0
run_check() {  # name, command...
  local name=$1; shift
  local log="$results/lint-$name.log" start end rc
  start=$(date +%s.%N)
  "$@" >"$log" 2>&1
  rc=$?
  end=$(date +%s.%N)
  local secs
  secs=$(python -c "print('%.1f' % ($end - $start))")
  printf '  %-14s %-7s %6ss  %s\n' "$name" "$([ $rc -eq 0 ] && echo ok || echo FAILED)" "$secs" "$log"
  [ $rc -eq 0 ] || { failed=1; tail -n 20 "$log" | sed 's/^/    /'; }
  checks+=("$name=$rc:$secs:$log")
}

check_changelog() {
  cd "$coll" && antsibull-changelog lint && antsibull-changelog lint-changelog-yaml changelogs/changelog.yaml
}

check_docs_lint() {
  antsibull-docs lint-collection-docs --plugin-docs "$coll"
}

check_ansible_lint() {
  cd "$coll" && ansible-lint
}

check_artifact() {
  local stage="$root/build/release/ansible_collections/hwcloud/dms" version tarball
  rm -rf "$root/build/release" && mkdir -p "$(dirname "$stage")" && cp -a "$coll" "$stage" || return 1
  version=$(python -c "import yaml, sys; print(yaml.safe_load(open(sys.argv[1]))['version'])" "$stage/galaxy.yml")
  # Release notes for the galaxy.yml version, unless it has been released (docs/releasing.md).
  if ! grep -q "^  $version:" "$stage/changelogs/changelog.yaml"; then
    (cd "$stage" && ANSIBLE_COLLECTIONS_PATH="$root/build/release" antsibull-changelog release) || return 1
  fi
  (cd "$stage" && antsibull-changelog lint-changelog-yaml changelogs/changelog.yaml) || return 1
  grep -q "^  $version:" "$stage/changelogs/changelog.yaml" || { echo "no $version release in changelog.yaml"; return 1; }
  tarball="$root/build/hwcloud-dms-$version.tar.gz"
  rm -f "$tarball"
  ansible-galaxy collection build --force --output-path "$root/build" "$stage" || return 1
  tar -tzf "$tarball" >"$results/artifact-files.txt" || return 1
  grep -qx 'changelogs/changelog.yaml' "$results/artifact-files.txt" || { echo "changelog.yaml missing from $tarball"; return 1; }
  if grep -E '^(emulator|tools|extensions|\.ansible|collections|build)/' "$results/artifact-files.txt"; then
    echo "development files in $tarball (see build_ignore in galaxy.yml)"; return 1
  fi
  local out="$results/galaxy-importer.out"
  (cd "$root/build" && GALAXY_IMPORTER_CONFIG="$root/tools/galaxy-importer.cfg" python -m galaxy_importer.main "$tarball") >"$out" 2>&1
  local rc=$?
  cat "$out"
  [ "$rc" -eq 0 ] || return "$rc"
  grep -q "Importer processing completed successfully" "$out" || return 1
  if grep -E '^(WARNING|ERROR)' "$out"; then echo "galaxy-importer reported the lines above"; return 1; fi
}

check_docs_build() {
  "$root/tools/docs.sh" "$coll"
}

check_format() {
  if [ "${HWCLOUD_FORMAT_PENDING:-}" = 1 ]; then
    echo "skipped: HWCLOUD_FORMAT_PENDING=1 (the tree has not had its one formatting commit yet; see the Makefile)"
    return 0
  fi
  cd "$coll" && ruff format --check --diff . && ruff check --no-fix .
}

echo "== lint ($coll)"
run_check changelog check_changelog
run_check docs-lint check_docs_lint
run_check ansible-lint check_ansible_lint
run_check artifact check_artifact
run_check docs-build check_docs_build
run_check format check_format
python "$root/tools/junit_checks.py" "$results/lint.xml" lint "${checks[@]}"
exit $failed
