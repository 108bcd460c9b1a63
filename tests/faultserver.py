"""A real `tracker serve` process on a filesystem the test mounts (tmpfs, size-limited,
remountable read-only), optionally as the unprivileged user nobody, with a JSON API client.
Needs root (to mount and to drop privileges), as CI runs."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

PLAN = """\
plan: {key: f, title: 故障测试, starts: 2012-01-01, ends: 2012-12-31}
units: [{key: u1, name: 第一支部}]
people: [{key: boss, name: 负责人}]
items:
  - {key: a, title: 事项甲, owner: boss, lead_unit: u1, due: 2012-06-30}
"""
ROOT = Path(__file__).resolve().parents[1]


def can_mount() -> bool:
    """Whether this process may mount a tmpfs (root with CAP_SYS_ADMIN, as in CI)."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    probe = Path(tempfile.mkdtemp(prefix="mount-probe-"))
    try:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(probe)],
                              capture_output=True, check=False)
        if done.returncode != 0:
            return False
        subprocess.run(["umount", str(probe)], check=True)
        return True
    finally:
        probe.rmdir()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Mount:
    """A tmpfs of a given size; `readonly()` / `writable()` remount it."""

    def __init__(self, size: str) -> None:
        self.path = Path(tempfile.mkdtemp(prefix="tracker-fault-"))
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs",
                        str(self.path)], check=True)

    def readonly(self) -> None:
        subprocess.run(["mount", "-o", "remount,ro", str(self.path)], check=True)

    def writable(self) -> None:
        subprocess.run(["mount", "-o", "remount,rw", str(self.path)], check=True)

    def fill(self) -> Path:
        """Write a file until the filesystem is full; return it (delete it to free space)."""
        filler = self.path / "filler"
        with filler.open("wb") as fp:
            try:
                while True:
                    fp.write(b"\0" * 65536)
                    fp.flush()
            except OSError:
                pass
        return filler

    def close(self) -> None:
        subprocess.run(["umount", "-l", str(self.path)], check=False)
        self.path.rmdir()


class Server:
    """`tracker serve` on the mount, as nobody when asked; `api()` calls its JSON API."""

    def __init__(self, folder: Path, as_nobody: bool = False) -> None:
        self.folder, self.as_nobody = folder, as_nobody
        self.instance = folder / "instance"
        self.url = f"sqlite:///{folder / 'tracker.db'}?timeout=2"
        self.proc: subprocess.Popen[bytes] | None = None
        self.port = free_port()
        self.token = ""

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(self._prefix() + [sys.executable, "-m", "tracker.cli", "--instance",
                                                str(self.instance), "--db", self.url, *args],
                              capture_output=True, text=True, timeout=120, check=False,
                              cwd=ROOT, env=self._env())

    def _prefix(self) -> list[str]:
        # setpriv execs (no child process in between), so kill -9 reaches the server itself.
        return (["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
                if self.as_nobody else [])

    def _env(self) -> dict[str, str]:
        return {**os.environ, "TRACKER_TIMEZONE": "UTC", "PYTHONDONTWRITEBYTECODE": "1"}

    def setup(self) -> None:
        """Create the store, import the plan, an admin account and its API token."""
        plan = self.folder / "plan.yaml"
        plan.write_text(PLAN, encoding="utf-8")
        if self.as_nobody:
            subprocess.run(["chown", "-R", "65534:65534", str(self.folder)], check=True)
        for args in (("init",), ("import", str(plan)),
                     ("users", "add", "admin", "--role", "admin", "--password",
                      "a-long-admin-password-19")):
            done = self.cli(*args)
            assert done.returncode == 0, done.stderr
        done = self.cli("users", "token", "admin")
        assert done.returncode == 0, done.stderr
        self.token = done.stdout.split()[-1]

    def start(self) -> None:
        self.port = free_port()
        self.proc = subprocess.Popen(
            self._prefix() + [sys.executable, "-m", "tracker.cli", "--instance",
                              str(self.instance), "--db", self.url, "serve", "--port",
                              str(self.port), "--threads", "8"],
            cwd=ROOT, env=self._env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if self.api("GET", "/api/health")[0] == 200:
                    return
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.2)
        self.proc.kill()
        _, err = self.proc.communicate(timeout=30)
        self.proc = None
        raise RuntimeError(f"the server did not start: {err.decode(errors='replace')[-2000:]}")

    def kill(self) -> None:
        """kill -9: no chance to finish anything."""
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)
        self.proc = None

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(timeout=30)
            if self.proc.stderr is not None:
                self.proc.stderr.close()
            self.proc = None

    def api(self, method: str, path: str, body: Any = None,
            timeout: float = 30) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data,
                                         method=method)
        request.add_header("Authorization", f"Bearer {self.token}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                raw = response.read()
                status, headers = response.status, response.headers
        except urllib.error.HTTPError as e:
            raw, status, headers = e.read(), e.code, e.headers
        try:
            payload: Any = json.loads(raw)
        except ValueError:
            payload = raw.decode("utf-8", "replace")
        if isinstance(payload, dict):
            payload["_retry_after"] = headers.get("Retry-After")
        return status, payload
