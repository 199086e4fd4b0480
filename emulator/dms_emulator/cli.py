"""Command line: `python -m dms_emulator [options]`. The only module that prints."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import threading
from typing import List, Optional

from .app import Emulator
from .seed import load_seed_file
from .server import EmulatorServer


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m dms_emulator", description="Local Huawei Cloud DMS background-task API emulator."
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default loopback only)")
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
    parser.add_argument("--quiet", action="store_true", help="no per-request log lines on stderr")
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    seed = load_seed_file(args.seed) if args.seed else None
    try:
        emulator = Emulator(seed=seed, clock_skew=args.clock_skew)
    except ValueError as exc:
        build_parser().error(str(exc))
    context = None
    ca_path = None
    if args.tls:
        from .tls import make_server_context

        context, ca_path = make_server_context(args.cert_dir or tempfile.mkdtemp(prefix="dms-emulator-ca-"))
    server = EmulatorServer((args.host, args.port), emulator, quiet=args.quiet, ssl_context=context)
    url = server.base_url
    if args.url_file:
        # Write then rename, so a watcher never reads a half-written URL.
        tmp = args.url_file + ".tmp"
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(url + "\n")
        os.replace(tmp, args.url_file)
    print(url, flush=True)
    if ca_path:
        print("ca: %s" % ca_path, flush=True)

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
    if not args.quiet:
        sys.stderr.write("dms-emulator stopped\n")
    return 0
