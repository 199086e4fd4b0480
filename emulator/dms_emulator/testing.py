"""Helpers for tests: run the emulator as a subprocess and drive its admin API with stdlib urllib."""

from __future__ import annotations

import json
import os
import queue
import ssl
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from typing import Any, Dict, List, Optional

from .admin_access import ADMIN_TOKEN_HEADER


class EmulatorError(RuntimeError):
    pass


class EmulatorProcess:
    """`with EmulatorProcess() as emu: emu.url` — a fresh emulator on a free loopback port."""

    def __init__(
        self,
        tls: bool = False,
        seed: Optional[str] = None,
        cert_dir: Optional[str] = None,
        quiet: bool = True,
        start_timeout: float = 15.0,
        extra_args: Optional[List[str]] = None,
        clock_skew: Optional[float] = None,
        log_path: Optional[str] = None,
        progression: Optional[str] = None,
    ) -> None:
        self.tls = tls
        self.progression = progression
        # The request log (the emulator's stderr; on unless quiet) goes to this file instead of the caller's stderr.
        self.log_path = log_path
        self._log: Optional[Any] = None
        self.seed = seed
        self.cert_dir = cert_dir
        self.quiet = quiet
        self.start_timeout = start_timeout
        self.extra_args = list(extra_args or [])
        self.clock_skew = clock_skew
        self.url: Optional[str] = None
        self.ca_path: Optional[str] = None
        self.process: Optional[subprocess.Popen] = None

    def start(self) -> "EmulatorProcess":
        args = [sys.executable, "-m", "dms_emulator", "--port", "0"]
        if self.quiet:
            args.append("--quiet")
        if self.seed:
            args += ["--seed", self.seed]
        if self.tls:
            args.append("--tls")
            if self.cert_dir:
                args += ["--cert-dir", self.cert_dir]
        if self.clock_skew is not None:
            # "=" form: a negative value must not look like an option to argparse.
            args.append("--clock-skew=%s" % float(self.clock_skew))
        if self.progression is not None:
            args += ["--progression", self.progression]
        args += self.extra_args
        # The child runs this interpreter with this installed package: nothing is added to its import path.
        env = dict(os.environ)
        if self.log_path:
            self._log = open(self.log_path, "w", encoding="utf-8")  # pylint: disable=consider-using-with  # closed in stop()
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self._log, env=env, text=True)
        lines: "queue.Queue[str]" = queue.Queue()

        def _reader() -> None:
            assert self.process is not None and self.process.stdout is not None
            for line in self.process.stdout:
                lines.put(line.rstrip("\n"))

        threading.Thread(target=_reader, daemon=True).start()
        try:
            self.url = lines.get(timeout=self.start_timeout)
            if self.tls:
                ca_line = lines.get(timeout=self.start_timeout)
                if not ca_line.startswith("ca: "):
                    raise EmulatorError("unexpected second line: %r" % ca_line)
                self.ca_path = ca_line[4:]
        except queue.Empty:
            self.stop()
            raise EmulatorError("emulator did not print its URL within %.0fs" % self.start_timeout)
        if not self.url.startswith(("http://", "https://")):
            self.stop()
            raise EmulatorError("unexpected first line: %r" % self.url)
        return self

    def stop(self, timeout: float = 10.0) -> Optional[int]:
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=timeout)
        if self._log is not None:
            self._log.close()
            self._log = None
        return self.process.returncode

    def admin(self) -> "EmulatorAdmin":
        assert self.url is not None
        return EmulatorAdmin(self.url, ca_path=self.ca_path)

    def __enter__(self) -> "EmulatorProcess":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()


class EmulatorAdmin:
    """Thin client for /_emulator/; every method returns the decoded JSON answer."""

    def __init__(
        self, url: str, ca_path: Optional[str] = None, timeout: float = 10.0, admin_token: Optional[str] = None
    ) -> None:
        """`admin_token`: for an emulator started with --allow-remote (sent as X-Emulator-Admin-Token)."""
        self.url = url.rstrip("/")
        self.timeout = timeout
        self._context = ssl.create_default_context(cafile=ca_path) if ca_path else None
        self._headers = {"Content-Type": "application/json"}
        if admin_token:
            self._headers[ADMIN_TOKEN_HEADER] = admin_token

    def _call(self, method: str, path: str, payload: Optional[Any] = None) -> Any:
        data = json.dumps(payload).encode("utf-8") if payload is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method, headers=dict(self._headers))
        try:
            with urllib.request.urlopen(request, timeout=self.timeout, context=self._context) as response:
                raw = response.read()
        except urllib.error.HTTPError as exc:
            raise EmulatorError("%s %s -> %d %s" % (method, path, exc.code, exc.read().decode("utf-8", "replace")))
        return json.loads(raw.decode("utf-8")) if raw else None

    def create_task(self, **spec: Any) -> Dict[str, Any]:
        return self._call("POST", "/_emulator/tasks", spec)

    def tasks(self) -> List[Dict[str, Any]]:
        return self._call("GET", "/_emulator/tasks")["tasks"]

    def create_instance(
        self, instance_id: str, engine: str = "kafka", project_id: Optional[str] = None, **spec: Any
    ) -> Dict[str, Any]:
        """Other keys (broker_num, status, publicip_ids, busy_changes, fail_bind, ...): docs/emulator.md."""
        spec.update({"instance_id": instance_id, "engine": engine})
        if project_id:
            spec["project_id"] = project_id
        return self._call("POST", "/_emulator/instances", spec)

    def jobs(self) -> Dict[str, Any]:
        """Jobs started by job-returning calls, instance capacities and job settings (GET /_emulator/jobs)."""
        return self._call("GET", "/_emulator/jobs")

    def configure_jobs(self, **spec: Any) -> Dict[str, Any]:
        """Timeline/appear_after of future jobs, starting broker_num/storage_space of an instance."""
        return self._call("POST", "/_emulator/jobs", spec)

    def add_fault(self, **spec: Any) -> Dict[str, Any]:
        return self._call("POST", "/_emulator/faults", spec)

    def faults(self) -> List[Dict[str, Any]]:
        return self._call("GET", "/_emulator/faults")["faults"]

    def clear_faults(self) -> Dict[str, Any]:
        return self._call("DELETE", "/_emulator/faults")

    def stats(self) -> Dict[str, Any]:
        return self._call("GET", "/_emulator/stats")

    def reset(self, keep_credentials: bool = False) -> Dict[str, Any]:
        return self._call("POST", "/_emulator/reset", {"keep_credentials": keep_credentials})

    def add_credentials(
        self,
        access_keys: Optional[List[Dict[str, Any]]] = None,
        projects: Optional[List[Dict[str, Any]]] = None,
        users: Optional[List[Dict[str, Any]]] = None,
    ) -> Dict[str, Any]:
        return self._call(
            "POST",
            "/_emulator/credentials",
            {"access_keys": access_keys or [], "projects": projects or [], "users": users or []},
        )

    def issue_token(self, **spec: Any) -> Dict[str, Any]:
        return self._call("POST", "/_emulator/tokens", spec)

    def clock(self) -> Dict[str, Any]:
        """{"skew", "now", "caller_now", "date"}: the server's clock and how far it is off the caller's."""
        return self._call("GET", "/_emulator/clock")

    def set_clock_skew(self, seconds: float) -> Dict[str, Any]:
        """Run the server's clock `seconds` ahead (negative: behind) from now on; a reset restores the start skew."""
        return self._call("POST", "/_emulator/clock", {"skew": seconds})

    def progression(self) -> Dict[str, Any]:
        """{"mode", "start_mode", "instances": [{"project_id", "instance_id", "mode"}]}."""
        return self._call("GET", "/_emulator/progression")

    def set_progression(
        self, mode: str, instance_id: Optional[str] = None, project_id: Optional[str] = None
    ) -> Dict[str, Any]:
        """ "time", "immediate" or "manual", emulator-wide or for one instance; a reset restores the start mode."""
        return self._call("POST", "/_emulator/progression", _scoped({"mode": mode}, instance_id, project_id))

    def advance(
        self,
        seconds: Optional[float] = None,
        steps: Optional[int] = None,
        instance_id: Optional[str] = None,
        project_id: Optional[str] = None,
    ) -> Dict[str, Any]:
        """Move state on: `steps` phases for every running task (default one), and/or `seconds` of timeline."""
        body: Dict[str, Any] = {}
        if seconds is not None:
            body["seconds"] = seconds
        if steps is not None:
            body["steps"] = steps
        return self._call("POST", "/_emulator/advance", _scoped(body, instance_id, project_id))

    def health(self) -> Dict[str, Any]:
        return self._call("GET", "/_emulator/health")


def _scoped(body: Dict[str, Any], instance_id: Optional[str], project_id: Optional[str]) -> Dict[str, Any]:
    if instance_id is not None:
        body["instance_id"] = instance_id
    if project_id is not None:
        body["project_id"] = project_id
    return body
