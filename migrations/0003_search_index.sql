-- Search support for `paperdb search`.
--
-- * papers_vocab: the FTS vocabulary (one row per indexed term, with document counts).
--   Typo correction reads candidate terms from it by prefix range, so it never loads
--   the papers; a virtual table over the index, it stores nothing itself.
-- * papers_trigram: a trigram index over titles. unicode61 keeps a run of CJK characters
--   as one token, so "量化" would only match a title that is exactly that run; trigrams
--   make substrings of three or more characters indexed, and give typo correction a
--   second source of candidate words when the first letters are wrong. Updated only when
--   a title changes.
CREATE VIRTUAL TABLE papers_vocab USING fts5vocab (papers_fts, row);

CREATE VIRTUAL TABLE papers_trigram USING fts5 (
    title,
    content="papers", content_rowid="id",
    tokenize='trigram'
);

CREATE TRIGGER papers_trigram_ai AFTER INSERT ON papers BEGIN
    INSERT INTO papers_trigram (rowid, title) VALUES (new.id, new.title);
END;

CREATE TRIGGER papers_trigram_ad AFTER DELETE ON papers BEGIN
    INSERT INTO papers_trigram (papers_trigram, rowid, title) VALUES ('delete', old.id, old.title);
END;

CREATE TRIGGER papers_trigram_au AFTER UPDATE OF title ON papers BEGIN
    INSERT INTO papers_trigram (papers_trigram, rowid, title) VALUES ('delete', old.id, old.title);
    INSERT INTO papers_trigram (rowid, title) VALUES (new.id, new.title);
END;

INSERT INTO papers_trigram (papers_trigram) VALUES ('rebuild');
