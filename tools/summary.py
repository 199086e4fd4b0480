# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Print make test's closing lines: one per stage, then 'summary: N passed, N failed'.

Counts come from pytest's JUnit XML (each test case) plus one per ansible-test sanity test.
Exit code 0 only when every stage exited 0. Lines in warnings.txt (a stage that could not run, e.g. no Python 3.9)
are printed last, loudly, and named in the summary line.
"""

from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

NOT_RUN = "not-run"


def junit_counts(path: Path) -> tuple[int, int, int]:
    passed = failed = skipped = 0
    for case in ET.parse(path).getroot().iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            failed += 1
        elif case.find("skipped") is not None:
            skipped += 1
        else:
            passed += 1
    return passed, failed, skipped


def sanity_counts(log: Path) -> tuple[int, int]:
    text = log.read_text(errors="replace")
    ran = len(re.findall(r"^Running sanity test ", text, re.M))
    failed = len(set(re.findall(r"^ERROR: Found \d+ (\S+) issue", text, re.M)))
    return max(ran - failed, 0), failed


def main() -> int:
    results = Path(sys.argv[1])
    split = sys.argv.index("--")
    # A stage's status is its exit code, or "not-run" for a stage that could not run (its WARNING says why).
    names, statuses = sys.argv[2:split], sys.argv[split + 1 :]
    codes = [0 if status == NOT_RUN else int(status) for status in statuses]
    passed = failed = skipped = 0
    for xml in sorted(results.glob("*.xml")):
        p, f, s = junit_counts(xml)
        passed, failed, skipped = passed + p, failed + f, skipped + s
    sanity_log = results / "sanity.log"
    if sanity_log.exists():
        p, f = sanity_counts(sanity_log)
        passed, failed = passed + p, failed + f
    print("")
    width = max([len(name) for name in names] + [40])
    for name, status, code in zip(names, statuses, codes):
        shown = (
            "NOT RUN (see the WARNING below)" if status == NOT_RUN else "ok" if code == 0 else "FAILED (exit %d)" % code
        )
        print("  %-*s %s" % (width, name, shown))
    stage_failures = sum(1 for code in codes if code != 0)
    if stage_failures and failed == 0:
        failed = stage_failures  # a stage that crashed before reporting still counts as a failure
    line = "summary: %d passed, %d failed" % (passed, failed) + (", %d skipped" % skipped if skipped else "")
    # Stages that could not run as intended (e.g. no Python 3.9 for the managed-interpreter stage) say so here, last,
    # where nobody reads past them: a green summary must not hide that a promise went untested.
    warnings_file = results / "warnings.txt"
    warnings = (
        [text for text in warnings_file.read_text().splitlines() if text.strip()] if warnings_file.exists() else []
    )
    for warning in warnings:
        print("!" * 100)
        print("!!! WARNING: %s" % warning)
    if warnings:
        print("!" * 100)
        line += " -- %d WARNING%s above: part of make test did not run" % (
            len(warnings),
            "S" if len(warnings) > 1 else "",
        )
    print(line)
    return 1 if stage_failures else 0


if __name__ == "__main__":
    sys.exit(main())
