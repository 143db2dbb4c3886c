-- Dedupe: a log of merges that is enough to undo each one exactly, and the pairs a person
-- said are not the same work.
--
-- Design choices:
-- * A merge moves entries (mentions) from absorbed papers to the surviving paper; it never
--   deletes a mention. The absorbed papers' rows are deleted (they have no entries left),
--   so their id, title and created_at are kept here, and undo recreates them with the
--   same id.
-- * Mentions are identified by (source_id, line) plus their raw text, never by entry id:
--   re-importing a changed file re-creates its entries with new ids. Undo refuses when a
--   logged mention is gone, changed, or no longer on the surviving paper.
-- * No foreign keys to papers: the ids here name papers that may no longer exist.

CREATE TABLE merges (
    id INTEGER PRIMARY KEY,
    paper_id INTEGER NOT NULL,        -- the surviving paper
    rule TEXT NOT NULL,               -- 'auto' (--apply), 'interactive' or 'manual'
    score REAL,                       -- similarity score of the proposal; NULL for manual
    evidence TEXT NOT NULL DEFAULT '[]',  -- JSON array of the evidence labels
    created_at TEXT NOT NULL,         -- ISO 8601, UTC
    undone_at TEXT                    -- set by undo; the row stays as history
);
CREATE INDEX merges_paper_id ON merges (paper_id);

-- The papers a merge absorbed, as they were just before it.
CREATE TABLE merge_papers (
    merge_id INTEGER NOT NULL REFERENCES merges (id) ON DELETE CASCADE,
    paper_id INTEGER NOT NULL,
    title TEXT NOT NULL,
    title_key TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (merge_id, paper_id)
);
CREATE INDEX merge_papers_paper_id ON merge_papers (paper_id);

-- Every mention a merge moved, and the absorbed paper it came from.
CREATE TABLE merge_mentions (
    merge_id INTEGER NOT NULL REFERENCES merges (id) ON DELETE CASCADE,
    paper_id INTEGER NOT NULL,        -- the absorbed paper the mention belonged to
    source_id INTEGER NOT NULL,
    source TEXT NOT NULL,             -- file name, for messages
    line INTEGER NOT NULL,
    raw TEXT NOT NULL,
    PRIMARY KEY (merge_id, source_id, line)
);

-- "Not the same work": never proposed again. Stored once per pair, smaller id first.
CREATE TABLE not_same (
    paper_a INTEGER NOT NULL,
    paper_b INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (paper_a, paper_b),
    CHECK (paper_a < paper_b)
);
