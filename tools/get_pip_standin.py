# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Stand-in for ansible-test's pip bootstrap script, for machines that reach PyPI but not ansible's CI file host.

ansible-test runs its cached get-pip script inside each fresh virtual environment with pip's
install arguments. This does the same job with the standard library's ensurepip and PyPI.
tools/test.sh copies it into ~/.ansible/test/cache/ only when no real script is cached there.
"""

from __future__ import annotations

import ensurepip
import os
import subprocess
import sys

SYSTEM_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"


def main() -> None:
    ensurepip.bootstrap(upgrade=True)
    args = [arg for arg in sys.argv[1:] if arg not in ("--no-setuptools", "--no-wheel")]
    command = [sys.executable, "-m", "pip", "install", "--disable-pip-version-check"]
    # ansible-test clears the environment, so PIP_CERT is lost; a TLS-intercepting proxy's CA lives in the system bundle.
    if os.path.isfile(SYSTEM_CA_BUNDLE):
        command += ["--cert", SYSTEM_CA_BUNDLE]
    subprocess.check_call(command + args)


if __name__ == "__main__":
    main()
