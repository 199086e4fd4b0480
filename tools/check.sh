#!/usr/bin/env bash
# make check: the fast loop, about half a minute on 2 cores from a warm venv (make test is the full one).
#   format   ruff format --check: a file make format would change
#   lint     ruff check with pyproject.toml's rules (pyflakes, pycodestyle, bugbear, import order)
#   units    plain pytest over tests/unit/plugins (module_utils, and each module's main() in-process against FakeDms)
#            from the laid collection, two pytest-xdist workers; no emulator process, no ansible-test, no playbooks
# Each step runs even when an earlier one failed; exit 0 only if all passed. CHECK_UNITS overrides the unit paths.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv="$root/.venv"
export PATH="$venv/bin:$PATH"
cd "$root" || exit 1

failed=0
step() {  # name, command...
  local name=$1 start rc
  shift
  start=$(date +%s.%N)
  "$@"
  rc=$?
  printf '== %-7s %-6s %5.1f s\n' "$name" "$([ $rc -eq 0 ] && echo ok || echo FAILED)" \
    "$(python -c "import sys; print(float(sys.argv[2]) - float(sys.argv[1]))" "$start" "$(date +%s.%N)")"
  [ $rc -eq 0 ] || failed=1
}

step format ruff format --check --quiet .
step lint ruff check --quiet .

# shellcheck disable=SC2329  # called through step by name
units() {
  local coll
  coll=$("$root/tools/lay_collection.sh") || return 1
  # shellcheck disable=SC2086  # CHECK_UNITS is a list of paths
  (cd "$coll" && PYTHONPATH="$root/build/collections" python -m pytest -p no:cacheprovider -q \
     -n 2 ${CHECK_UNITS:-tests/unit/plugins}) 2>&1 | tail -n 15
  return "${PIPESTATUS[0]}"
}
step units units

[ $failed -eq 0 ] && echo "make check: all passed" || echo "make check: FAILED"
exit $failed
