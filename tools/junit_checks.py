# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Write a JUnit XML file with one test case per check, so make test's summary counts them.

Usage: python tools/junit_checks.py OUT.xml SUITE NAME=RC:SECONDS:LOG [NAME=RC:SECONDS:LOG ...]
A check with RC other than 0 becomes a failure whose text is the tail of its log.
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def main() -> int:
    out, suite_name, checks = Path(sys.argv[1]), sys.argv[2], sys.argv[3:]
    suite = ET.Element("testsuite", name=suite_name, tests=str(len(checks)))
    failures = 0
    for check in checks:
        name, rest = check.split("=", 1)
        code, seconds, log = rest.split(":", 2)
        case = ET.SubElement(suite, "testcase", classname=suite_name, name=name, time=seconds)
        if int(code) != 0:
            failures += 1
            tail = Path(log).read_text(errors="replace").splitlines()[-40:] if Path(log).is_file() else []
            ET.SubElement(case, "failure", message="exit %s" % code).text = "\n".join(tail)
    suite.set("failures", str(failures))
    ET.ElementTree(suite).write(out, encoding="utf-8", xml_declaration=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
