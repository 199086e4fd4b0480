"""Command line: `dms-emulator [options]` or `python -m dms_emulator [options]`. The only module that prints."""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import sys
import tempfile
import threading
from typing import List, Optional

from . import __version__
from .admin_access import ADMIN_TOKEN_HEADER, is_loopback
from .app import Emulator
from .files import replace_file
from .progression import MODES
from .seed import load_seed_file
from .server import IDLE_TIMEOUT, EmulatorServer

ADMIN_TOKEN_ENV = "DMS_EMULATOR_ADMIN_TOKEN"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dms-emulator",
        description="Offline emulator of the Huawei Cloud DMS API (Kafka, RabbitMQ, RocketMQ instances and their"
        " background tasks) and of the IAM calls a client needs. Prints its base URL as the first line of stdout.",
    )
    parser.add_argument("--version", action="version", version="%(prog)s " + __version__)
    parser.epilog = (
        "Subcommands: dms-emulator record|replay|compare --help (record real answers, replay them, compare them"
        " with the emulator)."
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: loopback only)")
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow a --host off loopback; the unsigned admin API (/_emulator/) then requires the header "
        + ADMIN_TOKEN_HEADER
        + " with the token from $"
        + ADMIN_TOKEN_ENV
        + " (or a new one, printed as the line 'admin-token: ...' after the URL)",
    )
    parser.add_argument("--port", type=int, default=0, help="port to bind; 0 picks a free one (default)")
    parser.add_argument("--seed", help="JSON seed file with credentials, instances and tasks")
    parser.add_argument("--tls", action="store_true", help="serve HTTPS with a throwaway CA (needs trustme)")
    parser.add_argument("--cert-dir", help="where --tls writes ca.pem (default: a new temporary directory)")
    parser.add_argument("--url-file", help="also write the base URL to this file")
    parser.add_argument(
        "--clock-skew",
        type=float,
        default=None,
        metavar="SECONDS",
        help="run the server's clock this many seconds ahead (negative: behind) of this host's:"
        " Date header, created_at/updated_at, time filters, signature age and token expiry follow it",
    )
    parser.add_argument(
        "--progression",
        choices=MODES,
        default=None,
        help="how tasks and changes move on: time (their timelines run on the clock; default), immediate (they"
        " finish on the next read), manual (nothing moves until POST /_emulator/advance)",
    )
    parser.add_argument(
        "--idle-timeout",
        type=float,
        default=IDLE_TIMEOUT,
        metavar="SECONDS",
        help="close a connection silent this long, idle or in the middle of a request (default %(default)s)",
    )
    parser.add_argument("--quiet", action="store_true", help="no per-request log lines on stderr")
    return parser


def write_url_file(path: str, url: str) -> None:
    """The URL, for scripts that wait for it; never written through a symlink, never seen half-written."""
    replace_file(path, url + "\n", ".dms-emulator-url-")


def serve_until_stopped(server: EmulatorServer) -> None:
    """Serve until SIGTERM or SIGINT (Ctrl-C), then close the listening socket."""
    stopping = threading.Event()

    def _stop(signum: int, frame: object) -> None:
        # shutdown() blocks until serve_forever returns, so it must run off the serving thread.
        if not stopping.is_set():
            stopping.set()
            threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()


def main(argv: Optional[List[str]] = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] in ("record", "replay", "compare"):
        # The fidelity loop's subcommands (fidelity_cli.py); without one, dms-emulator runs the emulator.
        from .fidelity_cli import main as fidelity_main

        return fidelity_main(argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.idle_timeout > 0:
        parser.error("--idle-timeout must be more than 0 seconds")
    try:
        seed = load_seed_file(args.seed) if args.seed else None
    except (OSError, ValueError) as exc:
        parser.error("--seed %s: %s" % (args.seed, exc))
    admin_token = None
    generated_token = False
    if args.allow_remote:
        admin_token = os.environ.get(ADMIN_TOKEN_ENV) or None
        if admin_token is None:
            admin_token, generated_token = secrets.token_urlsafe(24), True
    try:
        emulator = Emulator(
            seed=seed, clock_skew=args.clock_skew, progression=args.progression, admin_token=admin_token
        )
    except ValueError as exc:
        parser.error(str(exc))
    context = None
    ca_path = None
    if args.tls:
        from .tls import make_server_context

        context, ca_path = make_server_context(args.cert_dir or tempfile.mkdtemp(prefix="dms-emulator-ca-"))
    server = EmulatorServer(
        (args.host, args.port), emulator, quiet=args.quiet, ssl_context=context, idle_timeout=args.idle_timeout
    )
    bound = str(server.server_address[0])
    if not is_loopback(bound):
        if not args.allow_remote:
            server.server_close()
            parser.error(
                "--host %s is not a loopback address: the unsigned admin API would be open to the network;"
                " add --allow-remote to bind there anyway (the admin API then requires a token)" % args.host
            )
        sys.stderr.write(
            "WARNING: dms-emulator listens on %s, beyond this machine: anyone who reaches it can call the emulated"
            " API with the default credentials; the admin API requires the header %s.\n" % (bound, ADMIN_TOKEN_HEADER)
        )
        sys.stderr.flush()
    url = server.base_url
    if args.url_file:
        write_url_file(args.url_file, url)
    print(url, flush=True)
    if ca_path:
        print("ca: %s" % ca_path, flush=True)
    if generated_token:
        # Only the operator's own stdout gets it; a token from the environment is never echoed.
        print("admin-token: %s" % admin_token, flush=True)

    serve_until_stopped(server)
    if not args.quiet:
        sys.stderr.write("dms-emulator stopped\n")
    return 0
