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

# --- ansible-test units: tests/unit (module_utils, modules, benchmarks) ---------------------------------
# ansible-test sets up the collection loader itself; the emulator is the installed package (-e ./emulator).
echo "== ansible-test units"
units_start=$(date +%s)
rm -rf "$coll/tests/output/junit"
(cd "$coll" && ansible-test units --python 3.11 --local --color no --num-workers 2) >"$results/units.log" 2>&1
units_rc=$?
grep -E "^Unit test |^=+ .* in [0-9.]+s" "$results/units.log"
[ "$units_rc" -eq 0 ] || tail -n 40 "$results/units.log"
for xml in "$coll"/tests/output/junit/*-units.xml; do [ -f "$xml" ] && cp "$xml" "$results/units-$(basename "$xml")"; done
record "ansible-test units ($(( $(date +%s) - units_start )) s)" "$units_rc"

# The playbook suites mostly wait (task timelines, deadlines) rather than compute: three pytest-xdist workers, a test file
# each at a time (--dist loadfile keeps a file's module-scoped fixtures, such as the reliability run, in one worker).
parallel=(-n 3 --dist loadfile)

# --- pytest: compatibility with Huawei's SDK, playbook integration harness, smoke --------------------------
# emulator/tests: the emulator package's own tests, against the installed package (-e ./emulator).
echo "== pytest"
(cd "$coll" && PYTHONPATH="$root/build/collections" python -m pytest -p no:cacheprovider "${parallel[@]}" \
   --junitxml="$results/pytest.xml" -q tests/compat tests/integration tests/smoke emulator/tests) 2>&1 | tee "$results/pytest.log" | tail -n 30
pytest_rc=${PIPESTATUS[0]}
record "pytest (compat, integration, smoke, emulator)" "$pytest_rc"

# --- ansible-test integration: tests/integration/targets against the emulator (setup_dms_emulator) ---------------
# Each target depends on setup_dms_emulator, which starts an emulator on 127.0.0.1 for that target's play and stops
# it in a handler (ansible-test forces handlers, so also after a failure). One summary case per target.
echo "== ansible-test integration"
integration_start=$(date +%s)
rm -rf "$coll/tests/output/junit"
(cd "$coll" && ansible-test integration --python 3.11 --local --color no --continue-on-error) >"$results/integration.log" 2>&1
integration_rc=$?
integration_secs=$(( $(date +%s) - integration_start ))
grep -E "^Running .* integration test|^(FATAL|ERROR): " "$results/integration.log"
[ "$integration_rc" -eq 0 ] || grep -E -B2 -A12 "^fatal:" "$results/integration.log" | tail -n 60
(cd "$coll" && python "$root/tools/integration_junit.py" "$results/integration.log" tests/output/junit "$results/integration.xml")
record "ansible-test integration (${integration_secs} s)" "$integration_rc"

# --- compatibility: the same playbook and module_utils suites on the oldest accepted ansible-core ---------
# requires_ansible >=2.16.0 is a promise; the module base (plugins/module_utils/_module.py) builds on AnsibleModule's
# argument handling and no_log masking, so the oldest release is run for real, not assumed.
compat_venv="$root/.venv-ansible-2.16"
echo "== compat: $("$compat_venv/bin/ansible" --version | head -n 1)"
(cd "$coll" && PYTHONPATH="$root/build/collections" "$compat_venv/bin/python" -m pytest -p no:cacheprovider "${parallel[@]}" \
   --junitxml="$results/compat-ansible-2.16.xml" -o junit_suite_name=compat-ansible-2.16 -q tests/integration tests/unit/plugins) \
   2>&1 | tee "$results/compat-ansible-2.16.log" | tail -n 5
compat_rc=${PIPESTATUS[0]}
record "compat (ansible-core 2.16)" "$compat_rc"

# --- managed Python: the modules on the oldest Python they support, the time parser on every one found -------------
# The controller is this venv's Python; the modules run on the managed host's, which may be 3.9 (RHEL 9). make builds
# build/venv-pythonX.Y from requirements/managed-python.txt for each pyenv Python 3.9 to 3.13 it finds.
# Playbook subset on 3.9 (MANAGED_PLAYBOOK_TESTS overrides; "tests/integration" runs all): the files whose playbooks
# exercise the module's own code paths on the managed side (time formats, every list filter, wait outcomes,
# connection settings and 404s, TLS, tokens, progress) at about 2 minutes. Left out: test_reliability_cases (80 s;
# its HTTP fault handling runs on 3.9 in the module_utils units, test_http_reliability.py) and the tests that do not
# use the managed interpreter setting (test_artifact, test_pb_demo) or repeat the above (secrets, project lookup).
managed_tests=${MANAGED_PLAYBOOK_TESTS:-"tests/integration/test_pb_time_formats.py tests/integration/test_pb_query.py \
tests/integration/test_pb_wait_outcomes.py tests/integration/test_pb_connection.py tests/integration/test_wait.py \
tests/integration/test_pb_check_mode_tls.py::test_tls_ca_path_default_verification_and_validate_certs_false \
tests/integration/test_auth_tokens.py tests/integration/test_auth_progress.py"}
py39="$root/build/venv-python3.9/bin/python"
if [ -x "$py39" ]; then
  # module_utils import ansible.module_utils.*, which Ansible ships to a managed host with each module: give the 3.9
  # units the controller's ansible package alone (not its site-packages, whose compiled modules are for 3.11).
  ansible_lib="$root/build/managed-ansible-lib"
  rm -rf "$ansible_lib" && mkdir -p "$ansible_lib"
  ln -s "$(python -c 'import ansible, os; print(os.path.dirname(ansible.__file__))')" "$ansible_lib/ansible"
  echo "== managed Python 3.9: module_utils units ($("$py39" -V))"
  (cd "$coll" && PYTHONPATH="$root/build/collections:$ansible_lib" "$py39" -m pytest -p no:cacheprovider \
     --junitxml="$results/managed-python3.9-units.xml" -o junit_suite_name=managed-python3.9-units -q tests/unit/plugins) \
     2>&1 | tee "$results/managed-python3.9-units.log" | tail -n 3
  record "managed Python 3.9 (module_utils units)" "${PIPESTATUS[0]}"
  echo "== managed Python 3.9: playbooks (ansible_python_interpreter=$py39)"
  # shellcheck disable=SC2086  # the list of test files is meant to split
  (cd "$coll" && DMS_TEST_MANAGED_PYTHON="$py39" PYTHONPATH="$root/build/collections" python -m pytest \
     -p no:cacheprovider "${parallel[@]}" --junitxml="$results/managed-python3.9-playbooks.xml" \
     -o junit_suite_name=managed-python3.9-playbooks -q $managed_tests) \
     2>&1 | tee "$results/managed-python3.9-playbooks.log" | tail -n 3
  record "managed Python 3.9 (playbooks, subset)" "${PIPESTATUS[0]}"
else
  echo "NO PYTHON 3.9: looked for $py39 (make builds it from pyenv's 3.9; pyenv install 3.9 and run make test again)." \
    | tee -a "$results/warnings.txt"
  # MANAGED_PYTHON_REQUIRED=1 (e.g. in CI) makes the missing interpreter a failure instead of a warning.
  record "managed Python 3.9" "$([ "${MANAGED_PYTHON_REQUIRED:-0}" = 1 ] && echo 1 || echo not-run)"
fi
# The time parser's table under each Python, and one digest of 60 000 generated inputs that must be equal on all.
fingerprints="$results/timeparse-fingerprints.txt"
: >"$fingerprints"
parser_rc=0 parser_pythons=""
for version in 3.9 3.10 3.11 3.12 3.13; do
  venv="$root/build/venv-python$version"
  if [ ! -x "$venv/bin/python" ]; then
    echo "The time parser was not checked on Python $version: no $venv (make builds it from pyenv's $version)." \
      >>"$results/warnings.txt"
    continue
  fi
  (cd "$coll" && PYTHONPATH="$root/build/collections" "$venv/bin/python" -m pytest -p no:cacheprovider -q \
     --junitxml="$results/timeparse-python$version.xml" -o junit_suite_name="timeparse-python$version" \
     tests/unit/plugins/module_utils/test_timeparse.py) >"$results/timeparse-python$version.log" 2>&1 || parser_rc=1
  digest=$(PYTHONPATH="$root/build/collections" "$venv/bin/python" "$root/tools/timeparse_fingerprint.py" 2>&1)
  [[ "$digest" =~ ^[0-9a-f]{64}$ ]] || { echo "timeparse_fingerprint.py failed on Python $version: $digest"; parser_rc=1; }
  echo "$version $digest" >>"$fingerprints"
  parser_pythons="$parser_pythons $version"
done
if [ -s "$fingerprints" ] && [ "$(awk '{print $2}' "$fingerprints" | sort -u | wc -l)" -ne 1 ]; then
  echo "The time parser answers differently on these Pythons:" && cat "$fingerprints"
  parser_rc=1
fi
echo "== time parser on Python${parser_pythons:- (none found)}: $([ "$parser_rc" -eq 0 ] && echo same answers || echo DIFFERENT)"
record "time parser alike on${parser_pythons:- no Python}" "$parser_rc"

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
