"""A fake web (and a fake GitHub) on 127.0.0.1 for the fetch and sync tests.

Routes are set per test: a file (with ETag / Last-Modified and 304 answers), a status
code, a slow answer, a redirect. Every request is recorded with its headers. Nothing here
reaches beyond the loopback address.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

import pytest


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    delay: float = 0.0  # seconds before answering (a slow server)
    chunked: bool = False  # no Content-Length: the body is streamed in pieces
    fail_first: int = 0  # answer 503 this many times first


@dataclass
class Seen:
    path: str
    headers: dict[str, str]


class FakeWeb:
    """A threaded HTTP server on 127.0.0.1 with routes by path (the query is ignored)."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.seen: list[Seen] = []
        self.wake = threading.Event()
        web = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                web.handle(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def close(self) -> None:
        self.wake.set()
        self.server.shutdown()
        self.server.server_close()

    def paths(self) -> list[str]:
        return [s.path for s in self.seen]

    # -- routes -------------------------------------------------------------------------

    def file(
        self,
        path: str,
        text: str,
        *,
        etag: bool = True,
        last_modified: bool = False,
        content_type: str = "text/markdown; charset=utf-8",
    ) -> Route:
        body = text.encode("utf-8")
        route = Route(
            body=body,
            headers={"Content-Type": content_type},
            etag=f'"{hashlib.sha1(body).hexdigest()}"' if etag else None,
            last_modified=formatdate(1_700_000_000 + len(body), usegmt=True)
            if last_modified
            else None,
        )
        self.routes[path] = route
        return route

    def status(self, path: str, code: int) -> None:
        self.routes[path] = Route(status=code, body=b"nope")

    def redirect(self, path: str, target: str) -> None:
        self.routes[path] = Route(status=302, headers={"Location": target})

    def json(self, path: str, value: object) -> None:
        self.routes[path] = Route(
            body=json.dumps(value).encode(), headers={"Content-Type": "application/json"}
        )

    # -- serving ------------------------------------------------------------------------

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        path = unquote(urlsplit(request.path).path)
        self.seen.append(Seen(path, dict(request.headers.items())))
        route = self.routes.get(path)
        if route is None:
            return self._send(request, Route(status=404, body=b"not found"))
        if route.fail_first:
            route.fail_first -= 1
            return self._send(request, Route(status=503, body=b"busy"))
        if route.delay:
            self.wake.wait(route.delay)
        if route.status == 200 and self._not_modified(request, route):
            return self._send(
                request, Route(status=304, etag=route.etag, last_modified=route.last_modified)
            )
        self._send(request, route)

    @staticmethod
    def _not_modified(request: BaseHTTPRequestHandler, route: Route) -> bool:
        match = request.headers.get("If-None-Match")
        if match is not None and route.etag is not None:
            return match == route.etag
        since = request.headers.get("If-Modified-Since")
        return since is not None and since == route.last_modified

    @staticmethod
    def _send(request: BaseHTTPRequestHandler, route: Route) -> None:
        request.send_response(route.status)
        for key, value in route.headers.items():
            request.send_header(key, value)
        if route.etag:
            request.send_header("ETag", route.etag)
        if route.last_modified:
            request.send_header("Last-Modified", route.last_modified)
        body = b"" if route.status == 304 else route.body
        if route.chunked:
            request.send_header("Transfer-Encoding", "chunked")
            request.end_headers()
            for start in range(0, len(body), 1024):
                piece = body[start : start + 1024]
                request.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            request.wfile.write(b"0\r\n\r\n")
            return
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)


class FakeGitHub(FakeWeb):
    """GitHub's API under ``/api`` and raw files under ``/raw``, for repositories set with
    :meth:`set_repo`; point ``PAPERDB_GITHUB_API`` / ``PAPERDB_GITHUB_RAW`` at it."""

    @property
    def api(self) -> str:
        return self.url("/api")

    @property
    def raw(self) -> str:
        return self.url("/raw")

    def set_repo(
        self,
        owner: str,
        repo: str,
        files: dict[str, str],
        *,
        branch: str = "main",
        on_route: Callable[[str, Route], None] | None = None,
    ) -> str:
        """Publish a new commit of the repository with exactly these files; its sha."""
        sha = hashlib.sha1(json.dumps(sorted(files.items())).encode()).hexdigest()
        api = f"/api/repos/{owner}/{repo}"
        self.json(api, {"default_branch": branch})
        self.json(f"{api}/commits/{branch}", {"sha": sha})
        tree = [
            {"path": p, "type": "blob", "mode": "100644", "size": len(t.encode())}
            for p, t in sorted(files.items())
        ]
        self.json(f"{api}/git/trees/{sha}", {"sha": sha, "tree": tree, "truncated": False})
        for path, text in files.items():
            route = self.file(f"/raw/{owner}/{repo}/{sha}/{path}", text)
            if on_route is not None:
                on_route(path, route)
        return sha


@pytest.fixture
def web() -> Iterator[FakeWeb]:
    """A fake web on 127.0.0.1 (registered in conftest.py)."""
    server = FakeWeb()
    yield server
    server.close()


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    """A fake GitHub on 127.0.0.1 that paperdb is pointed at (registered in conftest.py)."""
    server = FakeGitHub()
    monkeypatch.setenv("PAPERDB_GITHUB_API", server.api)
    monkeypatch.setenv("PAPERDB_GITHUB_RAW", server.raw)
    yield server
    server.close()
