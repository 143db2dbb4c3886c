-- paperdb schema, version 1.
--
-- Design choices:
-- * Mentions are facts, papers are conclusions. `entries` holds what a list said
--   (file, line, raw text, parsed fields); `papers` holds our conclusion that several
--   entries name the same work. Every paper-level link (authors, topics, code, tags) is
--   DERIVED from the entries through views, so a merge, an undo or a re-import only
--   ever moves or replaces `entries.paper_id` and the entry-level link rows.
-- * The summary columns of `papers` (title, year, venue, ...) are a cache recomputed from
--   the paper's entries by paperdb.ingest.refresh_papers(); they exist so filters and
--   full-text search do not have to aggregate entries on every query.
-- * Every column a filter or a join uses has an index; link tables are indexed in both
--   directions. Designed for ~1,000,000 papers on one laptop.

-- One imported list file. Identity is the resolved absolute path; a file with the same
-- name and content hash at a new path is the same source, moved.
CREATE TABLE sources (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    format TEXT,                      -- dominant grammar detected (or forced)
    content_hash TEXT NOT NULL,       -- sha256 of the decoded, newline-normalized text
    n_entries INTEGER NOT NULL DEFAULT 0,
    n_warnings INTEGER NOT NULL DEFAULT 0,
    imported_at TEXT NOT NULL         -- ISO 8601, UTC
);
CREATE INDEX sources_name ON sources (name, content_hash);

-- Canonical venues ("NeurIPS") and what lists write for them ("NIPS").
CREATE TABLE venues (
    name TEXT PRIMARY KEY,
    kind TEXT                         -- conference | journal | workshop | preprint; NULL: unknown
);
CREATE TABLE venue_aliases (
    alias TEXT PRIMARY KEY COLLATE NOCASE,
    venue TEXT NOT NULL REFERENCES venues (name) ON UPDATE CASCADE ON DELETE CASCADE
);
CREATE INDEX venue_aliases_venue ON venue_aliases (venue);

-- Canonical topics ("quantization") and what lists write for them ("量化").
CREATE TABLE topics (
    slug TEXT PRIMARY KEY,
    name TEXT
);
CREATE TABLE topic_aliases (
    alias TEXT PRIMARY KEY,
    topic TEXT NOT NULL REFERENCES topics (slug) ON UPDATE CASCADE ON DELETE CASCADE
);
CREATE INDEX topic_aliases_topic ON topic_aliases (topic);

CREATE TABLE authors (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE code_repos (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    host TEXT,                        -- "github.com"; NULL when the URL has no host
    framework TEXT,                   -- NULL: no list named one
    official INTEGER NOT NULL DEFAULT 0  -- 1 if any list marks it as the authors' own
);
CREATE INDEX code_repos_framework ON code_repos (framework);

CREATE TABLE tags (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

-- A conclusion: the work several entries name. Summary columns are recomputed from the
-- entries (best-supported value: most common non-null value among the mentions, ties go
-- to the earliest mention by source id, line), so they are nullable wherever no mention
-- gives a value.
CREATE TABLE papers (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    title_key TEXT NOT NULL,
    year INTEGER,
    venue TEXT REFERENCES venues (name) ON UPDATE CASCADE,
    presentation TEXT,                -- oral | spotlight | poster | workshop | best
    arxiv_id TEXT,
    paper_url TEXT,
    nickname TEXT,
    authors TEXT,                     -- '; '-joined best-supported author list, for FTS
    n_mentions INTEGER NOT NULL DEFAULT 0,
    has_code INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE INDEX papers_year ON papers (year);
CREATE INDEX papers_venue ON papers (venue);
CREATE INDEX papers_title_key ON papers (title_key);
CREATE INDEX papers_arxiv_id ON papers (arxiv_id);
CREATE INDEX papers_has_code ON papers (has_code);

-- A fact: one entry of one list. Never deleted by a merge; replaced only when its
-- source file is re-imported with different content.
CREATE TABLE entries (
    id INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    line INTEGER NOT NULL,            -- 1-based line of the entry's first line
    raw TEXT NOT NULL,
    section TEXT NOT NULL DEFAULT '[]',  -- JSON array of headings, outermost first
    fmt TEXT,
    title TEXT NOT NULL,
    title_key TEXT NOT NULL,
    year INTEGER,
    venue TEXT REFERENCES venues (name) ON UPDATE CASCADE,
    venue_raw TEXT,
    presentation TEXT,
    topic TEXT REFERENCES topics (slug) ON UPDATE CASCADE,
    paper_url TEXT,
    broken_link INTEGER NOT NULL DEFAULT 0,
    arxiv_id TEXT,
    nickname TEXT,
    paper_id INTEGER NOT NULL REFERENCES papers (id),
    UNIQUE (source_id, line)          -- also serves as the index on source_id
);
CREATE INDEX entries_paper_id ON entries (paper_id);
CREATE INDEX entries_title_key ON entries (title_key);
CREATE INDEX entries_arxiv_id ON entries (arxiv_id);
CREATE INDEX entries_topic ON entries (topic);
CREATE INDEX entries_venue ON entries (venue);
CREATE INDEX entries_year ON entries (year);

CREATE TABLE entry_authors (
    entry_id INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    author_id INTEGER NOT NULL REFERENCES authors (id),
    position INTEGER NOT NULL,        -- 0-based order in the entry's author list
    PRIMARY KEY (entry_id, position)
);
CREATE INDEX entry_authors_author_id ON entry_authors (author_id);

CREATE TABLE entry_code (
    entry_id INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    repo_id INTEGER NOT NULL REFERENCES code_repos (id),
    PRIMARY KEY (entry_id, repo_id)
);
CREATE INDEX entry_code_repo_id ON entry_code (repo_id);

CREATE TABLE entry_tags (
    entry_id INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    tag_id INTEGER NOT NULL REFERENCES tags (id),
    PRIMARY KEY (entry_id, tag_id)
);
CREATE INDEX entry_tags_tag_id ON entry_tags (tag_id);

-- A list line the importer could not read as an entry: nothing is skipped silently.
CREATE TABLE import_warnings (
    id INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    line INTEGER NOT NULL,
    reason TEXT NOT NULL,
    raw TEXT NOT NULL DEFAULT ''
);
CREATE INDEX import_warnings_source_id ON import_warnings (source_id, line);

-- Paper-level links, derived from the entries so they follow merges and re-imports.
CREATE VIEW paper_topics AS
    SELECT DISTINCT paper_id, topic FROM entries WHERE topic IS NOT NULL;

CREATE VIEW paper_authors AS
    SELECT DISTINCT e.paper_id, ea.author_id
    FROM entries e JOIN entry_authors ea ON ea.entry_id = e.id;

CREATE VIEW paper_code AS
    SELECT DISTINCT e.paper_id, ec.repo_id
    FROM entries e JOIN entry_code ec ON ec.entry_id = e.id;

CREATE VIEW paper_tags AS
    SELECT DISTINCT e.paper_id, et.tag_id
    FROM entries e JOIN entry_tags et ON et.entry_id = e.id;
