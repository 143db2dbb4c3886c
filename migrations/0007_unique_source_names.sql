-- A source's name is unique: it is shown wherever a mention is (file:line), and two lists
-- with the same file name (every repository has a README.md) must stay apart.
--
-- Design choices:
-- * New sources get unique names on import (paperdb.ingest.sources.source_name): a file
--   named on the command line keeps its file name, a file found in a folder is named by
--   its path below that folder with the folder's name in front (lists/a/README.md); a
--   name another source has gets the folders above it in front until it is free.
-- * Existing duplicates are renamed once here: every source but the first (lowest id)
--   with a name gets the folder that holds it in front (b/README.md), and one still taken
--   after that gets " (ID)" after it. All other names are kept.
-- * `path` stays the identity: re-importing the same path keeps its source and its name.

-- The folder that holds a path ('b' for '/x/lists/b/README.md'): rtrim(p, replace(p, '/',
-- '')) cuts the last segment off a path, so D = the path without its file name and
-- replace(D, rtrim(D, ...), '') = D's last segment.
UPDATE sources
SET name = replace(substr(path, 1, length(rtrim(path, replace(path, '/', ''))) - 1), rtrim(substr(path, 1, length(rtrim(path, replace(path, '/', ''))) - 1), replace(substr(path, 1, length(rtrim(path, replace(path, '/', ''))) - 1), '/', '')), '') || '/' || name
WHERE EXISTS (SELECT 1 FROM sources o WHERE o.name = sources.name AND o.id < sources.id);

UPDATE sources
SET name = name || ' (' || id || ')'
WHERE EXISTS (SELECT 1 FROM sources o WHERE o.name = sources.name AND o.id < sources.id);

CREATE UNIQUE INDEX sources_name_unique ON sources (name);
