#!/usr/bin/env bash
# The check_* functions are called through run_check by name, which shellcheck cannot follow (SC2329).
# shellcheck disable=SC2329
# make lint: the ecosystem checks on a laid copy of the collection. Each check runs even when an earlier one
# failed; one line per check, then exit 0 only if all passed. Logs and lint.xml go to the results directory.
#   changelog     antsibull-changelog lint (fragments) and lint-changelog-yaml
#   docs-lint     antsibull-docs lint-collection-docs --plugin-docs (module, role, extra docs, links)
#   ansible-lint  production profile over roles, molecule playbooks and the collection (.ansible-lint)
#   artifact      tools/build.sh (make build): release notes for the galaxy.yml version generated into a staging copy
#                 (tools/stage_release.sh; fragments stay in git), ansible-galaxy collection build into build/; the file list against
#                 ARTIFACT_ALLOWED (also written to artifact-files.txt), CHANGELOG.rst shipped, no shipped test that
#                 needs the emulator, galaxy-importer on the tarball: no ERROR/WARNING
#   docs-build    tools/docs.sh: the HTML site, sphinx -W; no ansible.com top bar, no "Hwcloud.Dms", a changelog page
#   format        ruff format --check and ruff check (pyproject.toml's rules) with pyproject.toml: fails on a file that
#                 tools/format.sh (make format) would change
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

# What the artifact may hold: what a user runs or reads (issue 16). A new top-level file or folder must be added here
# on purpose, or to build_ignore in galaxy.yml.
ARTIFACT_ALLOWED='^(MANIFEST\.json|FILES\.json|README\.md|LICENSE|CHANGELOG\.rst|changelogs/(changelog|config)\.yaml'
ARTIFACT_ALLOWED+='|docs/(authentication|emulator|performance|reliability)\.md|docs/docsite/.+|meta/.+|plugins/.+|roles/.+'
ARTIFACT_ALLOWED+='|examples/.+|tests/config\.yml|tests/unit/(conftest|fakes|http_server)\.py|tests/unit/plugins/.+\.py)$'

check_artifact() {
  local version tarball files="$results/artifact-files.txt"
  # The artifact make build builds and the README installs (tools/build.sh), not a second one.
  tarball=$("$root/tools/build.sh" "$coll") || return 1
  version=$(python -c "import yaml, sys; print(yaml.safe_load(open(sys.argv[1]))['version'])" "$coll/galaxy.yml")
  tar -tzf "$tarball" | grep -v '/$' | sort >"$files" || return 1
  echo "artifact files ($(wc -l <"$files")): $files"
  for needed in changelogs/changelog.yaml CHANGELOG.rst; do
    grep -qx "$needed" "$files" || { echo "$needed missing from $tarball"; return 1; }
  done
  # Extracted to a file first: under pipefail, `tar | grep -q` fails when grep exits early and tar gets SIGPIPE.
  tar -xzOf "$tarball" CHANGELOG.rst >"$results/artifact-CHANGELOG.rst" || return 1
  grep -q "^v$version\$" "$results/artifact-CHANGELOG.rst" || { echo "CHANGELOG.rst has no v$version section"; return 1; }
  if grep -vE "$ARTIFACT_ALLOWED" "$files"; then
    echo "files above are not for users (add them to build_ignore in galaxy.yml, or to ARTIFACT_ALLOWED in tools/lint.sh)"
    return 1
  fi
  # Shipped tests must run from the installed collection, where the emulator is not.
  if tar -xzOf "$tarball" --wildcards 'tests/*' | grep -n dms_emulator; then
    echo "a shipped test needs the emulator (add it to build_ignore in galaxy.yml)"; return 1
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
