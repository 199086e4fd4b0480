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
# The site describes the galaxy.yml version as it will be released: its Changelog page (docs/docsite/config.yml) is
# rendered from a copy whose fragments are released (tools/stage_release.sh), as the artifact's CHANGELOG.rst is.
release_top="$root/build/docs-release"
"$root/tools/stage_release.sh" "$coll" "$release_top" >/dev/null
export ANSIBLE_COLLECTIONS_PATH="$release_top"

dest="$root/docs/build"
rm -rf "$dest"
mkdir -p "$dest" && chmod 700 "$dest"   # antsibull-docs insists the directory is writable by its owner only
# The theme's logo links to documentation_home_url ("/" by default, the web server's root): the repository instead.
antsibull-docs sphinx-init --use-current --squash-hierarchy --fail-on-error --dest-dir "$dest" \
  --project hwcloud.dms --title hwcloud.dms --copyright "hwcloud.dms contributors" \
  --extra-html-theme-options documentation_home_url=https://github.com/hwcloud-ansible/hwcloud.dms hwcloud.dms >/dev/null

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
    # "This module has a corresponding action plugin" (the modules' progress lines run in one).
    ("action_plugins", "plugins/action.html#action-plugins", "Action plugins"),
]
header = b"# Sphinx inventory version 2\n# Project: Ansible\n# Version: devel\n# The remainder of this file is compressed using zlib.\n"
body = "".join("%s std:label -1 %s %s\n" % label for label in labels).encode()
(dest / "ansible_devel.inv").write_bytes(header + zlib.compress(body))
with (dest / "conf.py").open("a", encoding="utf-8") as conf:
    conf.write("\n# Offline build (tools/docs.sh): a local inventory for Ansible's docs, nothing downloaded.\n")
    conf.write("intersphinx_mapping = {'ansible_devel': ('https://docs.ansible.com/projects/ansible/devel/', '../ansible_devel.inv')}\n")
    # sphinx_ansible_theme fills an unset topbar_links with Blog, forum and Documentation links to ansible.com;
    # this site's top bar links the project instead. The issue tracker and the API references per engine are
    # linked once, on the index page (galaxy.yml's issues, docs/docsite/links.yml).
    conf.write("html_theme_options['topbar_links'] = {\n"
               "    'Repository': 'https://github.com/hwcloud-ansible/hwcloud.dms',\n"
               "}\n")
# antsibull-docs titles the collection page and its changelog with str.title() ("Hwcloud.Dms"); Galaxy, the FQCNs and
# every other page spell the collection hwcloud.dms. Rename after the RST is generated, before Sphinx reads it.
build_sh = dest / "build.sh"
script = build_sh.read_text(encoding="utf-8")
fix = "sed -i 's/^Hwcloud\\.Dms\\( Release Notes\\)\\?$/hwcloud.dms\\1/' rst/*.rst\n"
assert "\nsphinx-build " in script, "antsibull-docs changed build.sh; update tools/docs.sh"
build_sh.write_text(script.replace("\nsphinx-build ", "\n" + fix + "sphinx-build ", 1), encoding="utf-8")
PY

(cd "$dest" && ./build.sh)
html="$dest/build/html"
# What the site must not show again: the theme's ansible.com top bar, the str.title() name, a Changelog link to nowhere.
if grep -lE 'ansible\.com/blog|forum\.ansible\.com|(<title>|<h1>|breadcrumb-item active">)Hwcloud\.Dms' "$html"/*.html; then
  echo "docs: the pages above show ansible.com top-bar links or 'Hwcloud.Dms'" >&2; exit 1
fi
if [ ! -s "$html/changelog.html" ] || ! grep -q 'href="changelog.html"' "$html/index.html"; then
  echo "docs: no changelog.html, or the index page does not link it" >&2; exit 1
fi
# The front page: one link to the issue tracker, an API reference per engine.
issue_links=$(grep -o 'href="https://github.com/hwcloud-ansible/hwcloud.dms/issues"' "$html/index.html" | wc -l)
[ "$issue_links" -eq 1 ] || { echo "docs: the index page links the issue tracker $issue_links times, not once" >&2; exit 1; }
for engine in Kafka RabbitMQ RocketMQ; do
  grep -q "$engine API reference" "$html/index.html" || { echo "docs: the index page has no $engine API reference" >&2; exit 1; }
done
echo "docs: $dest/build/html/index.html"
