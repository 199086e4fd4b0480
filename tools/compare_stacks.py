# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""make test's stacks stage: every stack must pass the same tests as the reference (the newest requests and urllib3).

Usage: compare_stacks.py RESULTS_DIR REFERENCE STACK...

For each stack, RESULTS_DIR holds stack-NAME-units.xml and stack-NAME-playbooks.xml (pytest's JUnit XML) and
stack-NAME-versions.txt (one line: Python, requests, urllib3). A stack passes when none of its tests failed or
errored and the set of passed test ids equals the reference's. One line per stack; the differences are listed.
Exit 0 only if every stack passed.
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

PARTS = ("units", "playbooks")


def outcomes(path: Path) -> dict[str, str]:
    """test id -> passed / failed / error / skipped; a missing or unreadable file is one error."""
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as err:
        return {"%s (no JUnit XML: %s)" % (path.name, err): "error"}
    found = {}
    for case in root.iter("testcase"):
        test_id = "%s::%s" % (case.get("classname", ""), case.get("name", ""))
        kinds = [child.tag for child in case if child.tag in ("failure", "error", "skipped")]
        found[test_id] = kinds[0] if kinds else "passed"
    return found


def stack_outcomes(results: Path, name: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for part in PARTS:
        merged.update({part + ": " + k: v for k, v in outcomes(results / ("stack-%s-%s.xml" % (name, part))).items()})
    return merged


def main(argv: list[str]) -> int:
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    results, reference, stacks = Path(argv[0]), argv[1], argv[2:]
    ref = stack_outcomes(results, reference)
    ref_passed = {k for k, v in ref.items() if v == "passed"}
    failed = False
    for name in [reference] + [s for s in stacks if s != reference]:
        got = stack_outcomes(results, name)
        passed = {k for k, v in got.items() if v == "passed"}
        bad = sorted(k for k, v in got.items() if v in ("failure", "error"))
        missing, extra = sorted(ref_passed - passed), sorted(passed - ref_passed)
        versions_file = results / ("stack-%s-versions.txt" % name)
        versions = versions_file.read_text().strip() if versions_file.exists() else "?"
        ok = not bad and not missing and not extra and bool(passed)
        same = "the reference" if name == reference else ("same as %s" % reference if ok else "DIFFERENT")
        print("  %-14s %-52s %4d passed, %d failed: %s" % (name, versions, len(passed), len(bad), same))
        for label, items in (("failed", bad), ("passed on %s only" % reference, missing), ("passed only here", extra)):
            for item in items[:15]:
                print("      %s: %s" % (label, item))
            if len(items) > 15:
                print("      ... and %d more %s" % (len(items) - 15, label))
        failed = failed or not ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
