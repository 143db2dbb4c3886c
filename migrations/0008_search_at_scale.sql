-- Search that stays fast at a million papers (issue 12).
--
-- * papers_rank: the same full-text index as papers_fts (same columns, tokenizer and
--   rows, so bm25 gives the same scores), but a paper's rowid is its length times 2^32
--   plus its id. FTS5 returns matches in rowid order, so a query's first
--   matches are its shortest papers, the ones bm25 scores best when the query's words
--   occur in them equally often. Search scores only the first matches
--   (paperdb.search.CANDIDATES) instead of every paper that contains a common word.
--   The length is in characters (the four columns): counting words in SQL costs 6x
--   more and ordered the bench queries' best hits no better; only the order matters,
--   bm25 itself uses the exact sizes. The id is the rowid's low 32 bits.
--   Its external content is a view over papers that only `rebuild` and the insert
--   triggers read (bm25 never reads content); the other triggers compute the same rowid
--   from the old row's values.
-- * papers_filters: every column a search filter reads (paperdb.filters), by id. A
--   search whose filters many papers pass checks each candidate match against them;
--   from this index that is ~0.3 us a paper instead of ~1 us for a row of papers.
-- * papers_venue_year: venues as the filters compare them (COLLATE NOCASE), then year.
--   A search whose filters few papers pass collects those papers first (ICLR 2021: 10k
--   of 1M papers, 0.6 ms through this index, 20 ms without it).
-- * papers_cjk: every CJK character of a title and every pair of adjacent ones, with the
--   paper's id. unicode61 keeps a run of CJK characters as one token and the trigram
--   index needs three characters, so a one- or two-character Chinese word ("量化") was a
--   LIKE scan of every title. The triggers run only for titles with CJK characters
--   (WHEN; the GLOB costs ~4 us a title, so only titles with non-ASCII bytes are
--   tested: a bulk import of Latin titles pays ~0.2 us a paper). Character classes are
--   paperdb.search's CJK ranges.
CREATE VIEW papers_rank_rows AS
SELECT
    ((length(title) + ifnull(length(nickname), 0) + ifnull(length(authors), 0)
      + ifnull(length(venue), 0)) << 32) + id AS rank_key,
    id, title, nickname, authors, venue
FROM papers
ORDER BY rank_key;  -- `rebuild` then adds rows in rowid order: ~4x faster than in id order

CREATE VIRTUAL TABLE papers_rank USING fts5 (
    title, nickname, authors, venue,
    content="papers_rank_rows", content_rowid="rank_key",
    tokenize='unicode61 remove_diacritics 2'
);

CREATE TRIGGER papers_rank_ai AFTER INSERT ON papers BEGIN
    INSERT INTO papers_rank (rowid, title, nickname, authors, venue)
    SELECT rank_key, title, nickname, authors, venue FROM papers_rank_rows WHERE id = new.id;
END;

CREATE TRIGGER papers_rank_ad AFTER DELETE ON papers BEGIN
    INSERT INTO papers_rank (papers_rank, rowid, title, nickname, authors, venue)
    VALUES ('delete', ((length(old.title) + ifnull(length(old.nickname), 0) + ifnull(length(old.authors), 0)
          + ifnull(length(old.venue), 0)) << 32) + old.id,
        old.title, old.nickname, old.authors, old.venue);
END;

CREATE TRIGGER papers_rank_au AFTER UPDATE OF title, nickname, authors, venue ON papers BEGIN
    INSERT INTO papers_rank (papers_rank, rowid, title, nickname, authors, venue)
    VALUES ('delete', ((length(old.title) + ifnull(length(old.nickname), 0) + ifnull(length(old.authors), 0)
          + ifnull(length(old.venue), 0)) << 32) + old.id,
        old.title, old.nickname, old.authors, old.venue);
    INSERT INTO papers_rank (rowid, title, nickname, authors, venue)
    SELECT rank_key, title, nickname, authors, venue FROM papers_rank_rows WHERE id = new.id;
END;

INSERT INTO papers_rank (papers_rank) VALUES ('rebuild');

CREATE INDEX papers_filters ON papers (id, venue, year, presentation, has_code);
CREATE INDEX papers_venue_year ON papers (venue COLLATE NOCASE, year);

CREATE TABLE papers_cjk (
    gram TEXT NOT NULL,      -- one CJK character, or two adjacent ones
    paper_id INTEGER NOT NULL,
    PRIMARY KEY (gram, paper_id)
) WITHOUT ROWID;

CREATE TRIGGER papers_cjk_ai AFTER INSERT ON papers
WHEN (length(CAST(new.title AS BLOB)) > length(new.title) AND new.title GLOB '*[぀-ヿ㐀-䶿一-鿿가-힯豈-﫿]*') BEGIN
    INSERT OR IGNORE INTO papers_cjk (gram, paper_id)
    WITH RECURSIVE at(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM at WHERE i < length(new.title))
    SELECT substr(new.title, i, n), new.id FROM at, (SELECT 1 AS n UNION ALL SELECT 2)
    WHERE substr(new.title, i, n) GLOB CASE n WHEN 1 THEN '[぀-ヿ㐀-䶿一-鿿가-힯豈-﫿]' ELSE '[぀-ヿ㐀-䶿一-鿿가-힯豈-﫿][぀-ヿ㐀-䶿一-鿿가-힯豈-﫿]' END;
END;

CREATE TRIGGER papers_cjk_ad AFTER DELETE ON papers
WHEN (length(CAST(old.title AS BLOB)) > length(old.title) AND old.title GLOB '*[぀-ヿ㐀-䶿一-鿿가-힯豈-﫿]*') BEGIN
    DELETE FROM papers_cjk WHERE paper_id = old.id AND gram IN (
        WITH RECURSIVE at(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM at WHERE i < length(old.title))
        SELECT substr(old.title, i, n) FROM at, (SELECT 1 AS n UNION ALL SELECT 2));
END;

CREATE TRIGGER papers_cjk_au AFTER UPDATE OF title ON papers
WHEN (length(CAST(old.title AS BLOB)) > length(old.title) AND old.title GLOB '*[぀-ヿ㐀-䶿一-鿿가-힯豈-﫿]*') OR (length(CAST(new.title AS BLOB)) > length(new.title) AND new.title GLOB '*[぀-ヿ㐀-䶿一-鿿가-힯豈-﫿]*') BEGIN
    DELETE FROM papers_cjk WHERE paper_id = old.id AND gram IN (
        WITH RECURSIVE at(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM at WHERE i < length(old.title))
        SELECT substr(old.title, i, n) FROM at, (SELECT 1 AS n UNION ALL SELECT 2));
    INSERT OR IGNORE INTO papers_cjk (gram, paper_id)
    WITH RECURSIVE at(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM at WHERE i < length(new.title))
    SELECT substr(new.title, i, n), new.id FROM at, (SELECT 1 AS n UNION ALL SELECT 2)
    WHERE substr(new.title, i, n) GLOB CASE n WHEN 1 THEN '[぀-ヿ㐀-䶿一-鿿가-힯豈-﫿]' ELSE '[぀-ヿ㐀-䶿一-鿿가-힯豈-﫿][぀-ヿ㐀-䶿一-鿿가-힯豈-﫿]' END;
END;

INSERT INTO papers_cjk (gram, paper_id)
WITH RECURSIVE at(id, title, i) AS (
    SELECT id, title, 1 FROM papers
    WHERE length(CAST(title AS BLOB)) > length(title) AND title GLOB '*[぀-ヿ㐀-䶿一-鿿가-힯豈-﫿]*'
    UNION ALL SELECT id, title, i + 1 FROM at WHERE i < length(title))
SELECT DISTINCT substr(title, i, n), id FROM at, (SELECT 1 AS n UNION ALL SELECT 2)
WHERE substr(title, i, n) GLOB CASE n WHEN 1 THEN '[぀-ヿ㐀-䶿一-鿿가-힯豈-﫿]' ELSE '[぀-ヿ㐀-䶿一-鿿가-힯豈-﫿][぀-ヿ㐀-䶿一-鿿가-힯豈-﫿]' END;
