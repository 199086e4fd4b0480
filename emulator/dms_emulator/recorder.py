"""`dms-emulator record`: a loopback proxy that re-signs each call with the user's own credentials and records it.

The client signs its request for the proxy's host; the proxy checks nothing of that signature (it only listens on
loopback), drops the client's Authorization, X-Sdk-Date, X-Security-Token and X-Auth-Token, signs the call again
for the upstream's host with the access key, secret key and security token it was started with (signing.py, the
algorithm the emulator verifies with), forwards it, hands the answer back unchanged and appends the call, scrubbed
(scrub.py), to the cassette. The cassette is rewritten after every call, so an interrupted recording keeps every
call answered so far; nothing unscrubbed is ever written.
"""

from __future__ import annotations

import http.client
import re
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple
from urllib.parse import urlsplit

from . import __version__
from .cassette import Cassette, Interaction
from .clock import ServerClock
from .reply import Reply, json_reply
from .request import Received
from .scrub import KEPT_RESPONSE_HEADERS, Scrubber
from .server import MAX_BODY
from .signing import sign_headers
from .stats import Stats
from .timefmt import format_sdk_date

# Which upstream serves a path: IAM's calls and the EIP (VPC) service's; everything else is DMS.
_IAM_PATH = re.compile(r"^/v3(-ext)?/(auth|projects|users|domains|regions)(/|$)")
_VPC_PATH = re.compile(r"^/(v1/[^/]+/publicips|v2\.0/|v3/[^/]+/eip/)")
SERVICE_OPTIONS = {"dms": "--upstream", "iam": "--iam-upstream", "vpc": "--vpc-upstream"}
# Never forwarded: the client's own authentication (replaced), hop-by-hop headers and what http.client sets itself.
_DROPPED_HEADERS = frozenset(
    {
        "authorization",
        "x-sdk-date",
        "x-security-token",
        "x-auth-token",
        "host",
        "content-length",
        "connection",
        "keep-alive",
        "transfer-encoding",
        "accept-encoding",
        "proxy-authorization",
    }
)


def service_of(raw_path: str) -> str:
    if _IAM_PATH.match(raw_path):
        return "iam"
    if _VPC_PATH.match(raw_path):
        return "vpc"
    return "dms"


@dataclass(frozen=True)
class Credentials:
    access_key: str
    secret_key: str
    security_token: Optional[str] = None


def check_upstream(url: str, option: str) -> str:
    """The upstream's base URL (scheme://host[:port]) or ValueError naming the option."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("%s %r: give a base URL such as https://dms.cn-north-4.myhuaweicloud.com" % (option, url))
    if "{" in url:
        raise ValueError("%s %r: replace the {placeholder} (or set HW_REGION_NAME for {region})" % (option, url))
    return "%s://%s" % (parts.scheme, parts.netloc)


class Recorder:
    """What the HTTP server calls (`dispatch`), like `Emulator`; forwards instead of emulating."""

    def __init__(
        self,
        upstreams: Dict[str, str],
        credentials: Credentials,
        cassette_path: str,
        timeout: float = 60.0,
        ssl_context: Optional[ssl.SSLContext] = None,
    ) -> None:
        self.upstreams = upstreams
        self.credentials = credentials
        self.cassette_path = cassette_path
        self.timeout = timeout
        self.ssl_context = ssl_context or ssl.create_default_context()
        self.stats = Stats()
        self.clock = ServerClock()
        secrets = [("access-key", credentials.access_key), ("secret-key", credentials.secret_key)]
        secrets.append(("security-token", credentials.security_token or ""))
        self.scrubber = Scrubber(secrets)
        self.cassette = Cassette(
            upstreams=dict(upstreams),
            recorded_with="dms-emulator " + __version__,
            recorded_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        )
        self._lock = threading.Lock()
        self._raw: List[Tuple[str, Received, int, Dict[str, str], bytes]] = []
        self.cassette.save(cassette_path)

    def dispatch(self, req: Received) -> Reply:
        service = service_of(req.raw_path)
        base = self.upstreams.get(service)
        if base is None:
            return self._error(
                "%s %s is a %s call and no %s was given to dms-emulator record"
                % (req.method, req.raw_path, service.upper(), SERVICE_OPTIONS[service])
            )
        try:
            status, headers, body = self._forward(base, req)
        except (OSError, http.client.HTTPException) as exc:
            return self._error(
                "%s upstream %s did not answer %s %s: %s" % (service.upper(), base, req.method, req.raw_path, exc)
            )
        self._record(service, req, status, headers, body)
        kept = {name: value for name, value in headers.items() if name.lower() in KEPT_RESPONSE_HEADERS}
        return Reply(status, body, kept)

    @staticmethod
    def _error(message: str) -> Reply:
        # 502 as a gateway would answer; never recorded, so a cassette holds only the cloud's own answers.
        return json_reply(502, {"error_code": "RECORD.0502", "error_msg": "dms-emulator record: " + message})

    def _forward(self, base: str, req: Received) -> Tuple[int, Dict[str, str], bytes]:
        parts = urlsplit(base)
        headers = {name: value for name, value in req.headers.items() if name not in _DROPPED_HEADERS}
        headers["host"] = parts.netloc
        if req.header("authorization") or req.header("x-auth-token"):
            # The client wanted an authenticated call: authenticate it as the user, with a fresh X-Sdk-Date.
            headers["x-sdk-date"] = format_sdk_date(time.time())
            if self.credentials.security_token:
                headers["x-security-token"] = self.credentials.security_token
            headers["authorization"] = sign_headers(
                self.credentials.access_key,
                self.credentials.secret_key,
                req.method,
                req.raw_path,
                req.raw_query,
                headers,
                req.body,
            )
        if parts.scheme == "https":
            conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                parts.hostname or "", parts.port, timeout=self.timeout, context=self.ssl_context
            )
        else:
            conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=self.timeout)
        try:
            target = req.raw_path + ("?" + req.raw_query if req.raw_query else "")
            deadline = time.monotonic() + self.timeout
            conn.request(req.method, target, body=req.body or None, headers=headers)
            response = conn.getresponse()
            body = self._read(conn, response, deadline)
            return response.status, dict(response.getheaders()), body
        finally:
            conn.close()

    @staticmethod
    def _read(conn: http.client.HTTPConnection, response: http.client.HTTPResponse, deadline: float) -> bytes:
        """The answer's body within the call's one deadline (a trickling upstream cannot hold it) and MAX_BODY."""
        chunks: List[bytes] = []
        size = 0
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("no whole answer within --timeout")
            if conn.sock is not None:
                conn.sock.settimeout(remaining)
            try:
                chunk = response.read1(65536)
            except (socket.timeout, TimeoutError):
                raise TimeoutError("no whole answer within --timeout") from None
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > MAX_BODY:
                raise OSError("its answer is larger than %d bytes" % MAX_BODY)
            chunks.append(chunk)

    def _record(self, service: str, req: Received, status: int, headers: Dict[str, str], body: bytes) -> None:
        lowered = {name.lower(): value for name, value in headers.items()}
        with self._lock:
            # Kept in memory only: every save scrubs every call again, so that a secret first seen in a later call
            # (a user name in a token request, say) is scrubbed from the earlier calls too before they are written.
            self._raw.append((service, req, status, lowered, body))
            for _service, seen, _status, seen_headers, seen_body in self._raw:
                self.scrubber.request_body(seen.body)
                self.scrubber.body(seen_body)
                if "x-subject-token" in seen_headers:
                    self.scrubber.secret("token", seen_headers["x-subject-token"])
            self.cassette.interactions = [self._scrubbed(*raw) for raw in self._raw]
            self.cassette.stand_ins = self.scrubber.standins()
            self.cassette.save(self.cassette_path)

    def _scrubbed(self, service: str, req: Received, status: int, headers: Dict[str, str], body: bytes) -> Interaction:
        scrub = self.scrubber
        json_body, text_body = scrub.body(body)
        kept = {name: scrub.text(headers[name]) for name in KEPT_RESPONSE_HEADERS if name in headers and name != "date"}
        if "x-subject-token" in headers:
            kept["x-subject-token"] = scrub.secret("token", headers["x-subject-token"])
        return Interaction(
            service=service,
            method=req.method,
            path=scrub.text(req.raw_path),
            query=scrub.text(req.raw_query),
            body=scrub.request_body(req.body) if req.body else "",
            status=status,
            date=headers.get("date"),
            headers=kept,
            json_body=json_body,
            text_body=text_body,
        )
