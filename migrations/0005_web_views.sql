-- Views for browsing the database in Datasette (`paperdb serve`, `paperdb publish`).
--
-- Design choices:
-- * Views, not tables: they store nothing, follow every import, merge and undo, and cost
--   nothing to keep. Datasette facets and filters work on views as on tables.
-- * Labels, not ids: topic names, source file names and code URLs are JSON arrays so
--   Datasette's array facets (`{"array": "topics"}`) and `?topics__arraycontains=` work.
-- * paper_list is the home page: one row per paper with what a reader scans for.
--   Its subqueries are per row, so a page of 50 rows is cheap at any size; facets over
--   every row are not (Datasette drops a facet that exceeds its time limit).
CREATE VIEW paper_list AS
SELECT
    p.id,
    p.title,
    p.year,
    p.venue,
    (SELECT json_group_array(label) FROM (
        SELECT DISTINCT coalesce(t.name, e.topic) AS label
        FROM entries e LEFT JOIN topics t ON t.slug = e.topic
        WHERE e.paper_id = p.id AND e.topic IS NOT NULL ORDER BY label)) AS topics,
    p.authors,
    (SELECT json_group_array(url) FROM (
        SELECT DISTINCT r.url
        FROM entries e JOIN entry_code ec ON ec.entry_id = e.id
        JOIN code_repos r ON r.id = ec.repo_id
        WHERE e.paper_id = p.id ORDER BY r.url)) AS code,
    (SELECT count(DISTINCT e.source_id) FROM entries e WHERE e.paper_id = p.id) AS lists,
    (SELECT json_group_array(name) FROM (
        SELECT DISTINCT s.name
        FROM entries e JOIN sources s ON s.id = e.source_id
        WHERE e.paper_id = p.id ORDER BY s.name)) AS sources,
    CASE WHEN p.has_code THEN 'yes' ELSE 'no' END AS has_code
FROM papers p;

-- Every mention with its list's file name instead of a source id.
CREATE VIEW mentions AS
SELECT
    e.paper_id,
    s.name AS source,
    e.line,
    e.raw,
    e.title,
    e.year,
    e.venue,
    e.presentation,
    e.topic,
    e.paper_url
FROM entries e JOIN sources s ON s.id = e.source_id;
