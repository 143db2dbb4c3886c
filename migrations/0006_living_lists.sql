-- Living lists: where a source was fetched from, and when each mention was first seen.
--
-- Design choices:
-- * A source with an origin can be synced: `origin` is the location as paperdb parses it
--   (github:OWNER/REPO[/PATH], an https URL, a git URL, a local checkout's folder), so
--   one repository's files share it and are fetched together. Local files and folders
--   that are not a git checkout have none and are never touched by sync.
-- * `etag` / `last_modified` are the HTTP validators of the last fetch (for conditional
--   requests); `revision` the git commit the file was read at. Credentials are never
--   stored anywhere.
-- * A mention's `first_seen` survives re-imports: a re-imported entry with the same text,
--   or the same paper key, keeps it. `added` tells a mention that appeared in a list
--   paperdb already had (a sync or a changed file) from one that came with its list's
--   first import, so following a new list does not make its whole history "new".
-- * A paper's first-seen time is `papers.created_at` (set when paperdb first saw it);
--   `paperdb new` uses its mentions' times, which also survive merges and undo.
-- * Existing rows get their source's import time and count as first-import mentions.
ALTER TABLE sources ADD COLUMN origin TEXT;
ALTER TABLE sources ADD COLUMN revision TEXT;
ALTER TABLE sources ADD COLUMN etag TEXT;
ALTER TABLE sources ADD COLUMN last_modified TEXT;
CREATE INDEX sources_origin ON sources (origin) WHERE origin IS NOT NULL;

ALTER TABLE entries ADD COLUMN first_seen TEXT;     -- ISO 8601, UTC
ALTER TABLE entries ADD COLUMN added INTEGER NOT NULL DEFAULT 0;
UPDATE entries SET first_seen = (SELECT imported_at FROM sources s WHERE s.id = entries.source_id);
-- `paperdb new`: the mentions that arrived with a change, by time.
CREATE INDEX entries_added ON entries (first_seen) WHERE added = 1;
