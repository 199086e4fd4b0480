#!/usr/bin/env bash
# make demo: start the bundled DMS emulator on 127.0.0.1, create a bindInstancePublicIp task that finishes
# after a few seconds, run examples/wait_bind_public_ip.yml against it, stop the emulator (also on failure
# or Ctrl-C). Needs the venv `make venv` builds.
#
# For tests: DEMO_VENV_BIN picks the Python/Ansible bin directory, DEMO_COLLECTIONS_PATH an already laid
# collections path (then the collection is not laid again).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${DEMO_VENV_BIN:-$root/.venv/bin}
if [ -n "${DEMO_COLLECTIONS_PATH:-}" ]; then
  collections=$DEMO_COLLECTIONS_PATH
else
  "$root/tools/lay_collection.sh" >/dev/null
  collections=$root/build/collections
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/hwcloud-dms-demo.XXXXXX")
emulator_pid=
watcher_pid=
cleanup() {
  if [ -n "$watcher_pid" ]; then kill "$watcher_pid" 2>/dev/null || true; fi
  if [ -n "$emulator_pid" ]; then
    kill -TERM "$emulator_pid" 2>/dev/null || true   # it may have stopped already, e.g. on the same Ctrl-C
    wait "$emulator_pid" 2>/dev/null || true
    echo "== Emulator stopped."
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Talk to 127.0.0.1 directly even when a proxy is configured; never use a caller's DMS settings by mistake.
export NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}" no_proxy="127.0.0.1,localhost${no_proxy:+,$no_proxy}"
unset HW_SECURITY_TOKEN HUAWEICLOUD_SDK_SECURITY_TOKEN HW_CLOUD HW_MAX_RETRIES HUAWEICLOUD_SDK_AK HUAWEICLOUD_SDK_SK \
  HUAWEICLOUD_SDK_PROJECT_ID
export PYTHONPATH="$root/emulator"

"$bin/python" -m dms_emulator --host 127.0.0.1 --port 0 --url-file "$work/url" --quiet >/dev/null &
emulator_pid=$!
for _ in $(seq 100); do
  [ -s "$work/url" ] && break
  kill -0 "$emulator_pid" 2>/dev/null || { echo "demo: the emulator did not start" >&2; exit 1; }
  sleep 0.1
done
[ -s "$work/url" ] || { echo "demo: the emulator did not print its URL within 10 s" >&2; exit 1; }
url=$(cat "$work/url")
echo "== DMS emulator listening on $url (loopback only)"

instance_id=6e3a3b1c-1111-4a4a-9b9b-000000000001
change_started_at=$(date -u +%Y%m%d%H%M%S)
task_id=$("$bin/python" - "$url" "$instance_id" <<'PYTHON'
import sys

from dms_emulator.testing import EmulatorAdmin

task = EmulatorAdmin(sys.argv[1]).create_task(
    instance_id=sys.argv[2], name="bindInstancePublicIp",
    params={"public_ip_id": "1aea7aed-e7d8-40ea-b3de-6f3ee9d5db9f", "public_ip_address": "100.93.2.18", "enable_public_ip": True},
    # CREATED until the playbook first reads it (however long Ansible takes to start), EXECUTING ~4 s, SUCCESS.
    timeline=[{"status": "CREATED", "polls": 1}, {"status": "EXECUTING", "seconds": 4}, {"status": "SUCCESS"}])
print(task["id"])
PYTHON
)
echo "== Public access \"enabled\" on instance $instance_id: the emulator's DMS now has task $task_id"
echo "   (bindInstancePublicIp), scripted to stay CREATED until first read, then EXECUTING ~4 s, then SUCCESS"
echo "== ansible-playbook examples/wait_bind_public_ip.yml"

# The cloud's side of the story: print each status change of the task as it happens (the emulator's admin
# view, which does not count as a poll), so the progression shows while the playbook waits.
"$bin/python" - "$url" "$task_id" <<'PYTHON' &
import sys
import time

from dms_emulator.testing import EmulatorAdmin, EmulatorError

admin, task_id = EmulatorAdmin(sys.argv[1], timeout=2), sys.argv[2]
started, seen = time.monotonic(), "CREATED"
while seen not in ("SUCCESS", "FAILED"):
    time.sleep(0.1)
    try:
        status = next(task["status"] for task in admin.tasks() if task["id"] == task_id)
    except (OSError, EmulatorError, StopIteration):
        break
    if status != seen:
        print("      DMS: task %s is now %s (%.1f s after it was created)" % (task_id[:8], status, time.monotonic() - started), flush=True)
        seen = status
PYTHON
watcher_pid=$!

# The example reads its connection from the environment, exactly as it would against Huawei Cloud;
# these are the emulator's fixed demo credentials (docs/emulator.md).
printf '[defaults]\n' >"$work/ansible.cfg"
HW_ACCESS_KEY=EMULATORAK0000000001 \
HW_SECRET_KEY=emulator-secret-key-do-not-use-in-production \
HW_PROJECT_ID=0123456789abcdef0123456789abcdef \
HW_REGION_NAME=cn-north-4 \
HW_DMS_ENDPOINT="$url" \
ANSIBLE_CONFIG="$work/ansible.cfg" \
ANSIBLE_COLLECTIONS_PATH="$collections" \
ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false \
ANSIBLE_PYTHON_INTERPRETER="$bin/python" \
ANSIBLE_LOCALHOST_WARNING=false \
ANSIBLE_INVENTORY_UNPARSED_WARNING=false \
ANSIBLE_RETRY_FILES_ENABLED=false \
ANSIBLE_CALLBACK_RESULT_FORMAT=yaml \
PYTHONUNBUFFERED=1 \
  "$bin/ansible-playbook" "$root/examples/wait_bind_public_ip.yml" \
  -e "instance_id=$instance_id change_started_at=$change_started_at wait_sleep=1 wait_timeout=60"
