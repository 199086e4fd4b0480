# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Print one digest of what the time parser answers for 60 000 generated near-miss inputs.

make test runs this under every managed Python it found (3.9 to 3.13) and fails unless all digests are equal: the
test table in test_timeparse.py pins the listed inputs, this covers inputs nobody listed (random insertions,
deletions and replacements in valid times, with non-ASCII digits and spaces among the characters).
Usage: PYTHONPATH=build/collections python tools/timeparse_fingerprint.py
"""

from __future__ import annotations

import hashlib
import random
import sys

from ansible_collections.hwcloud.dms.plugins.module_utils._timeparse import (
    TimeFormatError,
    option_to_api_time,
    sort_key,
)

ALPHABET = "0123456789-:T tZz+.,W\u0660\uff10\u00a0\n"
SEEDS = (
    "2024-01-15T08:30:00Z",
    "20240115083000",
    "2024-01-15T16:30:00+08:00",
    "9999-12-31T23:59:59-01:00",
    "2024-02-29T00:00:00.5+0800",
    "0001-01-01T00:00:00Z",
)


def main() -> int:
    rng = random.Random(16)  # the same inputs on every run and every Python
    digest = hashlib.sha256()
    for _input in range(60000):
        chars = list(rng.choice(SEEDS))
        for _edit in range(rng.randint(0, 3)):
            operation, position = rng.randint(0, 2), rng.randint(0, len(chars))
            if operation == 0:
                chars.insert(position, rng.choice(ALPHABET))
            elif chars:
                position = min(position, len(chars) - 1)
                if operation == 1:
                    del chars[position]
                else:
                    chars[position] = rng.choice(ALPHABET)
        text = "".join(chars)
        try:
            answer = option_to_api_time(text, "begin_time")
        except TimeFormatError as err:
            answer = "error: %s" % err
        digest.update(repr((text, answer, sort_key(text))).encode("utf-8"))
    print(digest.hexdigest())
    return 0


if __name__ == "__main__":
    sys.exit(main())
