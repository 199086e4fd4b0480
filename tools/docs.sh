#!/usr/bin/env bash
# make docs: build the antsibull-docs HTML site of the collection into docs/build/build/html.
# Works offline: the collection is read from the laid tree with --use-current (nothing from Galaxy), and the
# intersphinx inventory for the two labels of Ansible's own docs that the generated pages use is written here
# instead of being downloaded, so sphinx-build can keep -W (warnings are errors).
# Usage: tools/docs.sh [laid collection dir]   (lays the collection itself when not given)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export PATH="$root/.venv/bin:$PATH"
coll=${1:-$("$root/tools/lay_collection.sh")}
export ANSIBLE_COLLECTIONS_PATH="$root/build/collections" ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false
if [ -z "${ANSIBLE_CONFIG:-}" ]; then
  printf '[defaults]\n' >"$root/build/ansible.cfg"
  export ANSIBLE_CONFIG="$root/build/ansible.cfg"
fi
[ -d "$coll/docs/docsite" ] || { echo "no collection at $coll" >&2; exit 1; }

dest="$root/docs/build"
rm -rf "$dest"
mkdir -p "$dest" && chmod 700 "$dest"   # antsibull-docs insists the directory is writable by its owner only
antsibull-docs sphinx-init --use-current --squash-hierarchy --fail-on-error --dest-dir "$dest" \
  --project hwcloud.dms --title hwcloud.dms --copyright "hwcloud.dms contributors" hwcloud.dms >/dev/null

python - "$dest" <<'PY'
import sys
import zlib
from pathlib import Path

dest = Path(sys.argv[1])
# Labels of docs.ansible.com that antsibull-docs links to from generated pages (name, page#anchor, title).
labels = [
    ("common_return_values", "reference_appendices/common_return_values.html#common-return-values", "Return Values"),
    ("ansible_configuration_settings", "reference_appendices/config.html#ansible-configuration-settings",
     "Ansible Configuration Settings"),
]
header = b"# Sphinx inventory version 2\n# Project: Ansible\n# Version: devel\n# The remainder of this file is compressed using zlib.\n"
body = "".join("%s std:label -1 %s %s\n" % label for label in labels).encode()
(dest / "ansible_devel.inv").write_bytes(header + zlib.compress(body))
with (dest / "conf.py").open("a", encoding="utf-8") as conf:
    conf.write("\n# Offline build (tools/docs.sh): a local inventory for Ansible's docs, nothing downloaded.\n")
    conf.write("intersphinx_mapping = {'ansible_devel': ('https://docs.ansible.com/projects/ansible/devel/', '../ansible_devel.inv')}\n")
PY

(cd "$dest" && ./build.sh)
echo "docs: $dest/build/html/index.html"
