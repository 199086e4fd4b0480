#!/usr/bin/env bash
# make demo: start the bundled DMS emulator on 127.0.0.1 with a RabbitMQ, a RocketMQ and a Kafka instance, run
# examples/wait_bind_public_ip.yml against it (bind public IPs and wait, rerun without change, unbind), and stop
# the emulator (also on failure or Ctrl-C). Needs the small venv `make demo` builds (.venv-demo, requirements/demo.txt).
#
# For tests: DEMO_VENV_BIN picks the Python/Ansible bin directory, DEMO_COLLECTIONS_PATH an already laid
# collections path (then the collection is not laid again).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${DEMO_VENV_BIN:-$root/.venv-demo/bin}
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

# Three instances, one per engine; each change takes about a second in the emulator's DMS. Kafka has three brokers,
# so it takes three EIPs. Each instance gets EIPs of its own: an EIP bound to one instance cannot be bound to another
# (the emulator's bind task then ends FAILED, as the cloud's would refuse it).
instances=$("$bin/python" - "$url" <<'PYTHON'
import json
import sys
import urllib.request

from dms_emulator.testing import EmulatorAdmin

admin = EmulatorAdmin(sys.argv[1])
# (engine, instance id, brokers, EIPs): RabbitMQ takes one EIP, a RocketMQ broker three, Kafka one per broker.
wanted = [("rabbitmq", "6e3a3b1c-1111-4a4a-9b9b-000000000003", 1, 1),
          ("rocketmq", "6e3a3b1c-1111-4a4a-9b9b-000000000002", 1, 3),
          ("kafka", "6e3a3b1c-1111-4a4a-9b9b-000000000001", 3, 3)]
eips = ["1aea7aed-e7d8-40ea-b3de-6f3ee9d5db9f", "2bfb8bfe-f8e9-41fb-c4ef-7f4ff0e6ec0a", "3c0c9c0f-09fa-42ac-d5f0-8a5001f7fd1b",
        "4d1dad10-1a0b-43bd-e6f1-9b6112080e2c", "5e2ebe21-2b1c-44ce-f702-ac7223191f3d", "6f3fcf32-3c2d-45df-0813-bd8334202a4e",
        "70404043-4d3e-46e0-9924-ce9445313b5f"]
# The EIPs exist in the emulated VPC service before the play: dms_public_access looks each one up before binding.
request = urllib.request.Request(
    sys.argv[1] + "/_emulator/eips", data=json.dumps({"eips": [{"id": eip} for eip in eips]}).encode(),
    method="POST", headers={"Content-Type": "application/json"})
urllib.request.urlopen(request, timeout=10).read()
chosen = []
for engine, instance_id, brokers, count in wanted:
    admin.create_instance(instance_id, engine, broker_num=brokers, bind_seconds=0.7, unbind_seconds=0.7)
    chosen.append({"instance_id": instance_id, "public_ip_ids": eips[:count]})
    eips = eips[count:]
print(json.dumps({"dms_instances": chosen}))
PYTHON
)
echo "== The emulator's DMS has a RabbitMQ, a RocketMQ and a Kafka instance, none of them public yet"
echo "== ansible-playbook examples/wait_bind_public_ip.yml"

# The cloud's side of the story: print each task DMS records for the changes, and each status change, as it
# happens (the emulator's admin view, which does not count as a poll).
"$bin/python" - "$url" <<'PYTHON' &
import sys
import time

from dms_emulator.testing import EmulatorAdmin, EmulatorError

admin, seen = EmulatorAdmin(sys.argv[1], timeout=2), {}
engines = {"6e3a3b1c-1111-4a4a-9b9b-000000000001": "Kafka", "6e3a3b1c-1111-4a4a-9b9b-000000000002": "RocketMQ",
           "6e3a3b1c-1111-4a4a-9b9b-000000000003": "RabbitMQ"}
started = time.monotonic()
while True:
    time.sleep(0.1)
    try:
        tasks = admin.tasks()
    except (OSError, EmulatorError):
        break
    for task in tasks:
        if seen.get(task["id"]) != task["status"]:
            seen[task["id"]] = task["status"]
            print("      DMS: %s task %s (%s) is now %s, %.1f s into the demo" % (
                engines.get(task["instance_id"], task["instance_id"]), task["id"][:8], task["name"], task["status"],
                time.monotonic() - started), flush=True)
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
  -e "$instances" -e "unbind_at_end=true wait_sleep=0.5 wait_timeout=60"
