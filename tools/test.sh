#!/usr/bin/env bash
# make test: every suite, from the venv `make venv` built, against a fresh copy of the collection.
# Each stage runs even when an earlier one failed; the last line sums up, and the exit code is 0 only if all passed.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv="$root/.venv"
export PATH="$venv/bin:$PATH"
results="$root/build/test-results"
rm -rf "$results" && mkdir -p "$results"

coll=$("$root/tools/lay_collection.sh") || exit 1
export ANSIBLE_COLLECTIONS_PATH="$root/build/collections"
# Ansible must never pick up a user's collections or configuration instead of this tree.
printf '[defaults]\n' >"$root/build/ansible.cfg"
export ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false ANSIBLE_CONFIG="$root/build/ansible.cfg"

declare -a stage_names=() stage_status=()
record() { stage_names+=("$1"); stage_status+=("$2"); }

# --- ansible-test sanity -----------------------------------------------------------------
cache="$HOME/.ansible/test/cache/get_pip_24_2.py"
if [ ! -f "$cache" ]; then
  mkdir -p "$(dirname "$cache")" && cp "$root/tools/get_pip_standin.py" "$cache"
fi
echo "== ansible-test sanity"
(cd "$coll" && ansible-test sanity --python 3.11 --local --requirements --color no) >"$results/sanity.log" 2>&1
sanity_rc=$?
sanity_count=$(grep -c "^Running sanity test " "$results/sanity.log")
tail -n 25 "$results/sanity.log"
record "sanity ($sanity_count tests)" "$sanity_rc"

# --- pytest: units, emulator, compatibility, playbook integration --------------------------
echo "== pytest"
(cd "$coll" && PYTHONPATH="$root/build/collections:$coll/emulator" python -m pytest -p no:cacheprovider \
   --junitxml="$results/pytest.xml" -q tests) 2>&1 | tee "$results/pytest.log" | tail -n 30
pytest_rc=${PIPESTATUS[0]}
record "pytest" "$pytest_rc"

# --- compatibility: the same playbook and module_utils suites on the oldest accepted ansible-core ---------
# requires_ansible >=2.16.0 is a promise; the module base (plugins/module_utils/_module.py) builds on AnsibleModule's
# argument handling and no_log masking, so the oldest release is run for real, not assumed.
compat_venv="$root/.venv-ansible-2.16"
echo "== compat: $("$compat_venv/bin/ansible" --version | head -n 1)"
(cd "$coll" && PYTHONPATH="$root/build/collections:$coll/emulator" "$compat_venv/bin/python" -m pytest -p no:cacheprovider \
   --junitxml="$results/compat-ansible-2.16.xml" -o junit_suite_name=compat-ansible-2.16 -q tests/integration tests/unit/plugins) \
   2>&1 | tee "$results/compat-ansible-2.16.log" | tail -n 5
compat_rc=${PIPESTATUS[0]}
record "compat (ansible-core 2.16)" "$compat_rc"

# --- lint: changelog, docs lint, ansible-lint, artifact + galaxy-importer, docs build (make lint) -------------
"$root/tools/lint.sh" "$coll" "$results"
record "lint" $?

# --- molecule: the wait_for_task role on localhost against the emulator ----------------------
echo "== molecule"
mol_state="$root/build/molecule-state"
rm -rf "$mol_state" && mkdir -p "$mol_state"
mol_start=$(date +%s)
# ANSIBLE_HOME keeps the collection molecule installs under build/ instead of ~/.ansible/collections.
(cd "$coll" && ANSIBLE_HOME="$root/build/ansible-home" WAIT_FOR_TASK_MOLECULE_STATE="$mol_state" NO_COLOR=1 \
   molecule test --all) >"$results/molecule.log" 2>&1
molecule_rc=$?
# The scenario's cleanup stops the emulator; if it never ran, stop the one this run started.
if [ -f "$mol_state/emulator.pid" ]; then
  mol_pid=$(cat "$mol_state/emulator.pid")
  grep -qa dms_emulator "/proc/$mol_pid/cmdline" 2>/dev/null && kill "$mol_pid"
fi
grep -E "Executed|Molecule executed" "$results/molecule.log" | tail -n 8
[ "$molecule_rc" -eq 0 ] || tail -n 40 "$results/molecule.log"
python "$root/tools/junit_checks.py" "$results/molecule.xml" molecule \
  "default=$molecule_rc:$(( $(date +%s) - mol_start )):$results/molecule.log"
record "molecule (extensions/molecule)" "$molecule_rc"

# --- summary ---------------------------------------------------------------------------------
python "$root/tools/summary.py" "$results" "${stage_names[@]}" -- "${stage_status[@]}"
