"""Run a real web server on 127.0.0.1 for a test, and stop it at the end."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

START_TIMEOUT = 60.0  # seconds for the server to answer; the 2-core machine is shared


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: str

    def json(self) -> Any:
        return json.loads(self.body)


def _lower(headers: Any) -> dict[str, str]:
    return {key.lower(): value for key, value in headers.items()}


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@dataclass
class Server:
    url: str
    port: int
    process: subprocess.Popen[bytes]

    def get(self, path: str, *, method: str = "GET", data: bytes | None = None) -> Reply:
        """One request, redirects not followed, errors returned as replies."""
        request = urllib.request.Request(self.url + path, method=method, data=data)
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=30) as response:
                return Reply(response.status, _lower(response.headers), response.read().decode())
        except urllib.error.HTTPError as exc:
            return Reply(exc.code, _lower(exc.headers), exc.read().decode(errors="replace"))


@contextmanager
def running(command: Sequence[str], port: int, log: Path) -> Iterator[Server]:
    """Start ``command`` (which listens on ``port``), wait until it answers, stop it after."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            list(command), stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
        try:
            deadline = time.monotonic() + START_TIMEOUT
            while not listening(port):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"server did not start: {log.read_text()}")
                time.sleep(0.1)
            yield Server(f"http://127.0.0.1:{port}", port, process)
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    assert not listening(port), f"something still listens on {port}"


def paperdb_serve(db: Path, log: Path, *extra: str) -> Any:
    """``paperdb --db DB serve`` on a free port (a context manager yielding a Server)."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "paperdb",
        "--db",
        str(db),
        "serve",
        "--port",
        str(port),
        *extra,
    ]
    return running(command, port, log)
