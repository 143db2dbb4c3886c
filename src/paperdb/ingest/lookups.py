"""Ids of the rows entries point at (authors, tags, code repositories, venues, topics),
looked up or added once per import and remembered."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from urllib.parse import urlsplit

from paperdb import normalize
from paperdb.db import chunked, placeholders
from paperdb.models import CodeLink


def _host(url: str) -> str | None:
    host = urlsplit(url).hostname
    return host.lower() if host else None


class Lookups:
    """Per-import caches of reference rows; adding a row the first time it is named."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.authors: dict[str, int] = {}
        self.tags: dict[str, int] = {}
        self.repos: dict[str, int] = {}
        self._venues: set[str] = set()
        self._topics: set[str] = set()
        self._sections: dict[tuple[str, ...], str] = {}

    def resolve_authors(self, names: Iterable[str]) -> None:
        self._resolve_names("authors", self.authors, names)

    def resolve_tags(self, names: Iterable[str]) -> None:
        self._resolve_names("tags", self.tags, names)

    def _resolve_names(self, table: str, cache: dict[str, int], names: Iterable[str]) -> None:
        """Put the ids of these authors or tags in ``cache``, adding the missing rows in
        the order the names first appear."""
        wanted = [name for name in dict.fromkeys(names) if name not in cache]
        for chunk in chunked(wanted):
            cache.update(
                (name, int(found))
                for name, found in self.conn.execute(
                    f"SELECT name, id FROM {table} WHERE name IN ({placeholders(len(chunk))})",
                    tuple(chunk),
                )
            )
        for name in wanted:
            if name not in cache:
                cur = self.conn.execute(f"INSERT INTO {table} (name) VALUES (?)", (name,))
                cache[name] = int(cur.lastrowid or 0)

    def _stored_repos(self, urls: list[str]) -> dict[str, tuple[int, str | None, int]]:
        stored: dict[str, tuple[int, str | None, int]] = {}
        for chunk in chunked(urls):
            for found, url, framework, official in self.conn.execute(
                "SELECT id, url, framework, official FROM code_repos"
                f" WHERE url IN ({placeholders(len(chunk))})",
                tuple(chunk),
            ):
                stored[url] = (int(found), framework, official)
        return stored

    def resolve_repos(self, links: Iterable[CodeLink]) -> None:
        """Put the ids of these repositories in ``repos``. The first link of a URL in this
        import adds its row, or fills in an existing row's framework and raises its
        official flag."""
        first: dict[str, CodeLink] = {}
        for link in links:
            if link.url not in self.repos and link.url not in first:
                first[link.url] = link
        stored = self._stored_repos(list(first))
        new = [(url, link) for url, link in first.items() if url not in stored]
        if new:
            row = self.conn.execute("SELECT coalesce(max(id), 0) FROM code_repos").fetchone()
            ids = range(int(row[0]) + 1, int(row[0]) + 1 + len(new))
            self.conn.executemany(
                "INSERT INTO code_repos (id, url, host, framework, official) VALUES (?, ?, ?, ?, ?)",
                [
                    (repo_id, url, _host(url), link.framework, int(link.official))
                    for repo_id, (url, link) in zip(ids, new, strict=True)
                ],
            )
            self.repos.update((url, repo_id) for repo_id, (url, _) in zip(ids, new, strict=True))
        for url, link in first.items():
            row = stored.get(url)
            if row is None:
                continue
            found, framework, official = row
            if (framework is None and link.framework) or (link.official and not official):
                self.conn.execute(
                    "UPDATE code_repos SET framework = coalesce(framework, ?),"
                    " official = max(official, ?) WHERE id = ?",
                    (link.framework, int(link.official), found),
                )
            self.repos[url] = found

    def ensure_venue(self, venue: str | None) -> None:
        if venue and venue not in self._venues:
            self.conn.execute(
                "INSERT OR IGNORE INTO venues (name, kind) VALUES (?, ?)",
                (venue, normalize.venue_kind(venue)),
            )
            self._venues.add(venue)

    def ensure_topic(self, topic: str | None) -> None:
        if topic and topic not in self._topics:
            self.conn.execute("INSERT OR IGNORE INTO topics (slug) VALUES (?)", (topic,))
            self._topics.add(topic)

    def section_json(self, section: tuple[str, ...]) -> str:
        """A section path as stored: a JSON list of headings."""
        found = self._sections.get(section)
        if found is None:
            found = self._sections[section] = json.dumps(list(section), ensure_ascii=False)
        return found
