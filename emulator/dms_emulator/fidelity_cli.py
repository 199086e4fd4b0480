"""`dms-emulator record | replay | compare`: the fidelity loop's three subcommands (cli.py hands them over)."""

from __future__ import annotations

import argparse
import os
import sys
from typing import List, Optional

from .admin_access import is_loopback
from .cassette import CassetteError, load_cassette
from .cli import serve_until_stopped, write_url_file
from .compare import compare_cassette, render_report
from .recorder import Credentials, Recorder, check_upstream
from .replayer import Replayer
from .seed import load_seed_file
from .server import IDLE_TIMEOUT, EmulatorServer

SUBCOMMANDS = ("record", "replay", "compare")
CREDENTIAL_ENV = ("HW_ACCESS_KEY", "HW_SECRET_KEY", "HW_SECURITY_TOKEN")


def _listen_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to bind; 0 picks a free one (default)")
    parser.add_argument("--url-file", help="also write the base URL to this file")
    parser.add_argument("--quiet", action="store_true", help="no per-request log lines on stderr")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dms-emulator",
        description="Record real answers of Huawei Cloud, replay them offline, compare them with the emulator.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    record = sub.add_parser(
        "record",
        help="proxy to Huawei Cloud on loopback, re-sign every call with your credentials, write a scrubbed cassette",
        description="Credentials come from HW_ACCESS_KEY, HW_SECRET_KEY and (temporary keys) HW_SECURITY_TOKEN,"
        " never from the command line. Point the client's endpoints (HW_DMS_ENDPOINT, HW_AUTH_URL) at the URL"
        " printed on the first line of stdout.",
    )
    record.add_argument("--upstream", required=True, help="DMS endpoint, e.g. https://dms.cn-north-4.myhuaweicloud.com")
    record.add_argument("--iam-upstream", help="IAM endpoint, e.g. https://iam.cn-north-4.myhuaweicloud.com")
    record.add_argument("--vpc-upstream", help="VPC (EIP) endpoint, e.g. https://vpc.cn-north-4.myhuaweicloud.com")
    record.add_argument("--cassette", required=True, help="the cassette file to write (replaced if it exists)")
    record.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for an upstream's answer")
    _listen_options(record)
    replay = sub.add_parser(
        "replay",
        help="serve a cassette's answers in order, signatures checked as the emulator checks them",
        description="Sign with the emulator's credentials (or those of --seed). The answers' Date headers and"
        " times are moved by the time since the recording, so that the calls look as recent as they did then.",
    )
    replay.add_argument("cassette", help="a cassette written by dms-emulator record")
    replay.add_argument("--seed", help="JSON seed file whose access keys sign the calls (default: the emulator's)")
    _listen_options(replay)
    compare = sub.add_parser(
        "compare",
        help="send a cassette's calls to the emulator and print how its answers differ from the recorded ones",
    )
    compare.add_argument("cassette", help="a cassette written by dms-emulator record")
    compare.add_argument("--output", help="also write the report to this file")
    return parser


def _credentials_from_env(parser: argparse.ArgumentParser) -> Credentials:
    access_key, secret_key, token = (os.environ.get(name) or "" for name in CREDENTIAL_ENV)
    if not access_key or not secret_key:
        parser.error(
            "record signs with your credentials: set HW_ACCESS_KEY and HW_SECRET_KEY (and HW_SECURITY_TOKEN"
            " for temporary keys) in its environment"
        )
    return Credentials(access_key, secret_key, token or None)


def _upstreams(parser: argparse.ArgumentParser, args: argparse.Namespace) -> dict:
    region = os.environ.get("HW_REGION_NAME") or ""
    found = {}
    for service, option, value in (
        ("dms", "--upstream", args.upstream),
        ("iam", "--iam-upstream", args.iam_upstream),
        ("vpc", "--vpc-upstream", args.vpc_upstream),
    ):
        if value:
            if region:
                value = value.replace("{region}", region)
            try:
                found[service] = check_upstream(value, option)
            except ValueError as exc:
                parser.error(str(exc))
    return found


def _serve(app: object, args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    server = EmulatorServer((args.host, args.port), app, quiet=args.quiet, idle_timeout=IDLE_TIMEOUT)  # type: ignore[arg-type]
    if args.url_file:
        write_url_file(args.url_file, server.base_url)
    print(server.base_url, flush=True)
    serve_until_stopped(server)
    return 0


def main(argv: List[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command != "compare" and not is_loopback(args.host):
        parser.error("--host %s is not a loopback address: record and replay listen on this machine only" % args.host)
    if args.command == "record":
        credentials = _credentials_from_env(parser)
        upstreams = _upstreams(parser, args)
        if not args.timeout > 0:
            parser.error("--timeout must be more than 0 seconds")
        try:
            recorder = Recorder(upstreams, credentials, args.cassette, timeout=args.timeout)
        except OSError as exc:
            parser.error("--cassette %s: %s" % (args.cassette, exc.strerror or exc))
        code = _serve(recorder, args, parser)
        if not args.quiet:
            sys.stderr.write(
                "dms-emulator record: %d calls in %s\n" % (len(recorder.cassette.interactions), args.cassette)
            )
        return code
    try:
        cassette = load_cassette(args.cassette)
    except CassetteError as exc:
        parser.error(str(exc))
    if args.command == "replay":
        seed: Optional[dict] = None
        if args.seed:
            try:
                seed = load_seed_file(args.seed)
            except (OSError, ValueError) as exc:
                parser.error("--seed %s: %s" % (args.seed, exc))
        replayer = Replayer(cassette, seed=seed)
        code = _serve(replayer, args, parser)
        left = replayer.remaining()
        if left and not args.quiet:
            sys.stderr.write("dms-emulator replay: %d recorded calls were not asked for\n" % left)
        return code
    try:
        report = render_report(args.cassette, compare_cassette(cassette))
    except ValueError as exc:
        parser.error("compare %s: %s" % (args.cassette, exc))
    sys.stdout.write(report)
    if args.output:
        try:
            with open(args.output, "w", encoding="utf-8") as stream:
                stream.write(report)
        except OSError as exc:
            parser.error("--output %s: %s" % (args.output, exc.strerror or exc))
    return 0
