-- Full-text index over the papers' summary columns. External content: the text lives in
-- `papers` only; the triggers keep the index in step with every insert, delete and
-- update (refresh_papers() rewrites summary columns, so updates are common).
-- content="papers" is double-quoted so sqlite-utils' detect_fts() finds the index.
CREATE VIRTUAL TABLE papers_fts USING fts5 (
    title, nickname, authors, venue,
    content="papers", content_rowid="id",
    tokenize='unicode61 remove_diacritics 2'
);

CREATE TRIGGER papers_ai AFTER INSERT ON papers BEGIN
    INSERT INTO papers_fts (rowid, title, nickname, authors, venue)
    VALUES (new.id, new.title, new.nickname, new.authors, new.venue);
END;

CREATE TRIGGER papers_ad AFTER DELETE ON papers BEGIN
    INSERT INTO papers_fts (papers_fts, rowid, title, nickname, authors, venue)
    VALUES ('delete', old.id, old.title, old.nickname, old.authors, old.venue);
END;

CREATE TRIGGER papers_au AFTER UPDATE ON papers BEGIN
    INSERT INTO papers_fts (papers_fts, rowid, title, nickname, authors, venue)
    VALUES ('delete', old.id, old.title, old.nickname, old.authors, old.venue);
    INSERT INTO papers_fts (rowid, title, nickname, authors, venue)
    VALUES (new.id, new.title, new.nickname, new.authors, new.venue);
END;

-- Index papers that existed before this migration.
INSERT INTO papers_fts (papers_fts) VALUES ('rebuild');
