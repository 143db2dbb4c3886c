"""HTTP for fetching lists: httpx with bounded timeouts, redirects, retries and size.

Every request has a connect/read timeout (``PAPERDB_HTTP_TIMEOUT`` seconds, default 20)
and an overall deadline of four times that, so a server that trickles bytes cannot hold
paperdb forever; at most :data:`MAX_REDIRECTS` redirects are followed; connection
failures are retried by the transport and 502/503/504 answers once more after a pause.
A body larger than the list size limit is cut off while streaming, before it is kept.

A token is sent only to the origins it is meant for (GitHub's API and raw hosts), and
httpx drops the ``Authorization`` header when a redirect leaves that origin. Nothing is
ever written to disk here.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

import httpx

from paperdb import __version__, reader
from paperdb.errors import FetchError, GoneError

TIMEOUT_ENV = "PAPERDB_HTTP_TIMEOUT"
DEFAULT_TIMEOUT = 20.0
MAX_REDIRECTS = 5
CONNECT_RETRIES = 2
RETRY_STATUS = {502, 503, 504}
RETRY_PAUSE = 1.0  # seconds before the one retry of a 502/503/504


def seconds_from_env(name: str, default: float) -> float:
    """A positive number of seconds from the environment variable ``name``, else ``default``.

    Raises:
        FetchError: the variable holds something else.
    """
    raw = os.environ.get(name, "")
    try:
        value = float(raw) if raw else default
    except ValueError:
        raise FetchError(f"{name}={raw!r}: expected a number of seconds") from None
    if not value > 0:
        raise FetchError(f"{name}={raw!r}: expected a positive number of seconds")
    return value


def timeout_seconds() -> float:
    """The per-operation timeout: ``PAPERDB_HTTP_TIMEOUT`` seconds, default 20."""
    return seconds_from_env(TIMEOUT_ENV, DEFAULT_TIMEOUT)


def origin_of(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) of a URL, the unit a credential is scoped to.

    >>> origin_of("https://API.github.com/repos/o/r")
    ('https', 'api.github.com', 443)
    """
    split = urlsplit(url)
    scheme = split.scheme.lower()
    port = split.port or {"http": 80, "https": 443}.get(scheme)
    return scheme, (split.hostname or "").lower(), port


@dataclass(frozen=True, slots=True)
class Response:
    """A fetched body (``data`` is None when the server said 304 Not Modified)."""

    url: str
    data: bytes | None
    etag: str | None = None
    last_modified: str | None = None
    content_type: str = ""

    @property
    def not_modified(self) -> bool:
        return self.data is None


class Http:
    """One httpx client for a fetch; use it as a context manager."""

    def __init__(
        self, *, token: str | None = None, token_origins: frozenset[str] = frozenset()
    ) -> None:
        self.timeout = timeout_seconds()
        self._token = token
        self._token_origins = {origin_of(url) for url in token_origins}
        self._client = httpx.Client(
            timeout=httpx.Timeout(self.timeout),
            follow_redirects=True,
            max_redirects=MAX_REDIRECTS,
            transport=httpx.HTTPTransport(retries=CONNECT_RETRIES),
            headers={"User-Agent": f"paperdb/{__version__}"},
            trust_env=False,  # no proxies or .netrc credentials picked up behind our back
        )

    def __enter__(self) -> Http:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._client.close()

    def _headers(
        self, url: str, etag: str | None, last_modified: str | None, accept: str | None
    ) -> dict[str, str]:
        headers: dict[str, str] = {}
        if accept:
            headers["Accept"] = accept
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        if self._token and origin_of(url) in self._token_origins:
            headers["Authorization"] = f"Bearer {self._token}"
        return headers

    def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str | None = None,
        limit: int | None = None,
    ) -> Response:
        """GET ``url``; conditional when ``etag`` / ``last_modified`` are given.

        Raises:
            GoneError: HTTP 404 or 410.
            FetchError: any other failure, in one line that names the URL.
        """
        headers = self._headers(url, etag, last_modified, accept)
        limit = reader.MAX_BYTES if limit is None else limit
        for attempt in (1, 2):
            try:
                response = self._stream(url, headers, limit)
            except _Retry:
                if attempt == 2:
                    raise FetchError(f"{url}: server is unavailable; try again later") from None
                time.sleep(RETRY_PAUSE)
                continue
            return response
        raise AssertionError("unreachable")

    def json(self, url: str, *, accept: str = "application/json") -> Any:
        """GET ``url`` and parse its JSON body."""
        import json

        response = self.get(url, accept=accept)
        try:
            return json.loads(response.data or b"")
        except ValueError:
            raise FetchError(f"{url}: the server did not answer with JSON") from None

    def _stream(self, url: str, headers: dict[str, str], limit: int) -> Response:
        deadline = time.monotonic() + 4 * self.timeout
        try:
            with self._client.stream("GET", url, headers=headers) as answer:
                _check_status(url, answer)
                if answer.status_code == 304:
                    return _response(url, answer, None)
                length = answer.headers.get("Content-Length", "")
                if length.isdigit() and int(length) > limit:
                    raise FetchError(_too_large(url, limit))
                body = bytearray()
                for chunk in answer.iter_bytes():
                    body += chunk
                    if len(body) > limit:
                        raise FetchError(_too_large(url, limit))
                    if time.monotonic() > deadline:
                        raise httpx.ReadTimeout("overall deadline")
                return _response(url, answer, bytes(body))
        except httpx.TimeoutException:
            raise FetchError(f"{url}: timed out (limit {self.timeout:g} s)") from None
        except httpx.TooManyRedirects:
            raise FetchError(f"{url}: too many redirects (more than {MAX_REDIRECTS})") from None
        except httpx.ConnectError as exc:
            raise FetchError(f"{url}: cannot connect ({_reason(exc)})") from None
        except httpx.HTTPError as exc:
            raise FetchError(f"{url}: {_reason(exc)}") from None


class _Retry(Exception):
    """A 502/503/504 answer: worth one more try."""


def _reason(exc: Exception) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _too_large(url: str, limit: int) -> str:
    return f"{url}: larger than the {limit // 1024 // 1024} MB limit for a paper list"


def _response(url: str, answer: httpx.Response, data: bytes | None) -> Response:
    return Response(
        url=str(answer.url) if data is not None else url,
        data=data,
        etag=answer.headers.get("ETag"),
        last_modified=answer.headers.get("Last-Modified"),
        content_type=answer.headers.get("Content-Type", ""),
    )


def _check_status(url: str, answer: httpx.Response) -> None:
    status = answer.status_code
    if status < 400 or status == 304:
        return
    if status in RETRY_STATUS:
        raise _Retry
    if status in (404, 410):
        raise GoneError(f"{url}: not found (HTTP {status})")
    if status in (401, 403):
        hint = ""
        if answer.headers.get("X-RateLimit-Remaining") == "0":
            hint = "; the API rate limit is used up (set GITHUB_TOKEN for a higher one)"
        raise FetchError(f"{url}: access denied (HTTP {status}){hint}")
    kind = "server error" if status >= 500 else "request refused"
    raise FetchError(f"{url}: {kind} (HTTP {status})")
