# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One JUnit test case per ansible-test integration target, so make test's summary counts targets, not tasks.

Usage: python tools/integration_junit.py INTEGRATION.log JUNIT_DIR OUT.xml
Targets are the "Running NAME integration test ..." lines of the log. A target failed when ansible-test's closing
list names it (--continue-on-error), or when it was the last one running as ansible-test stopped on a failed command.
ansible-test's own JUnit files (one per target, one case per task, from JUNIT_DIR) give each target's time and the
text of its failed tasks.
"""

from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def targets_and_failures(log: str) -> tuple[list[str], set[str]]:
    ran = re.findall(r"^Running (\S+) integration test ", log, re.M)
    failed: set[str] = set()
    listed = re.search(r"^FATAL: The \d+ integration test\(s\) listed below .*\n((?:\S+\n?)+)", log, re.M)
    if listed:
        failed.update(name for name in listed.group(1).split() if name in ran)
    elif ran and re.search(r"^FATAL: Command .* returned exit status", log, re.M):
        failed.add(ran[-1])
    return ran, failed


def target_details(junit_dir: Path, name: str) -> tuple[str, str]:
    """Seconds and failed-task text from ansible-test's file for this target (named NAME-<random>-<time>.xml)."""
    for path in sorted(junit_dir.glob(name + "-*.xml")):
        if not re.fullmatch(re.escape(name) + r"-[a-z0-9_]+-[0-9.]+\.xml", path.name):
            continue
        root = ET.parse(path).getroot()
        failures = [
            "%s: %s" % (case.get("name"), (case.find("failure").get("message") or "")[:2000])
            for case in root.iter("testcase")
            if case.find("failure") is not None
        ]
        return "%.1f" % float(root.get("time") or 0), "\n".join(failures)
    return "0", ""


def main() -> int:
    log_path, junit_dir, out = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    log = log_path.read_text(errors="replace")
    ran, failed = targets_and_failures(log)
    suite = ET.Element("testsuite", name="integration", tests=str(len(ran)), failures=str(len(failed)))
    for name in ran:
        seconds, failure_text = target_details(junit_dir, name)
        case = ET.SubElement(suite, "testcase", classname="integration", name=name, time=seconds)
        if name in failed:
            ET.SubElement(case, "failure", message="target %s failed" % name).text = failure_text or log[-4000:]
    ET.ElementTree(suite).write(out, encoding="utf-8", xml_declaration=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
