-- The audit trail becomes a hash chain (DESIGN.md §6): each entry holds the hash of the entry
-- before it (prev_hash) and its own hash (elections.ChainHash), and the election it belongs
-- to (0 for none). The store gives new entries their ids and hashes as it appends them, one
-- appender at a time; the entries recorded before this migration are sealed by the migration
-- runner right after it (Store.Migrate), in id order.
-- The table is rebuilt: without AUTOINCREMENT, whose counter (sqlite_sequence) would be one
-- more page written by every commit of ballots, since the store assigns ids itself (the
-- trigger below refuses any id that is not after the head's). The entries recorded so far are
-- copied with their election: the payload's "election", or the election of its "contest"
-- (contest, nomination and roll entries). Dropping the old table drops its triggers first, so
-- the copy does not trip them.
CREATE TABLE audit_events_chain (
    id          INTEGER   PRIMARY KEY,
    at          TIMESTAMP NOT NULL,
    actor       TEXT      NOT NULL CHECK (actor <> ''),
    kind        TEXT      NOT NULL CHECK (kind <> ''),
    payload     TEXT      NOT NULL CHECK (json_valid(payload)),
    election_id INTEGER   NOT NULL DEFAULT 0,
    prev_hash   TEXT      NOT NULL DEFAULT '',
    hash        TEXT      NOT NULL DEFAULT ''
);

INSERT INTO audit_events_chain (id, at, actor, kind, payload, election_id)
SELECT id, at, actor, kind, payload, CASE
    WHEN json_type(payload, '$.election') = 'integer' THEN json_extract(payload, '$.election')
    WHEN json_type(payload, '$.contest') = 'integer' THEN coalesce(
        (SELECT contests.election_id FROM contests WHERE contests.id = json_extract(audit_events.payload, '$.contest')), 0)
    ELSE 0
END
FROM audit_events ORDER BY id;

DROP TABLE audit_events;
ALTER TABLE audit_events_chain RENAME TO audit_events;

-- The indexes leave out the entries of ballots (ballots.accepted, one per commit of ballots):
-- on SQLite every index is one more page that each commit of ballots writes, on the voters'
-- path. Queries for other kinds, or for officers' actions, name the same condition
-- (sqlstore.notBallots) so that SQLite uses them.
CREATE INDEX audit_events_kind ON audit_events (kind, id) WHERE kind <> 'ballots.accepted';
CREATE INDEX audit_events_election ON audit_events (election_id, id) WHERE kind <> 'ballots.accepted';

-- Two entries never follow the same one (the chain cannot fork): audit_events_chained below
-- refuses an entry that does not link to the head, so no unique index on prev_hash is needed
-- (it would be one more page, at a random place, written by every commit of ballots).

-- DELETE is refused, always.
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;

-- An entry is appended with its hash: 64 lower-case hex digits. NULL is refused here, before
-- INSERT OR REPLACE would store the column's default ('') in its place.
CREATE TRIGGER audit_events_hashed BEFORE INSERT ON audit_events
WHEN NEW.hash IS NULL OR length(NEW.hash) <> 64 OR NEW.hash GLOB '*[^0-9a-f]*'
BEGIN
    SELECT RAISE(ABORT, 'audit events are appended with their hash');
END;

-- An entry is appended after the head only: its id above every id, its prev_hash the head's
-- hash ('' when the log is empty; NULL never), and never after an unsealed entry. This also
-- refuses INSERT OR REPLACE of a recorded entry, whose implicit delete fires no DELETE
-- trigger. The subqueries read the head by the primary key.
CREATE TRIGGER audit_events_chained BEFORE INSERT ON audit_events
WHEN NEW.id IS NULL
    OR NEW.id <= coalesce((SELECT max(id) FROM audit_events), 0)
    OR NEW.prev_hash IS NOT coalesce((SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1), '')
    OR (SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1) = ''
BEGIN
    SELECT RAISE(ABORT, 'audit events are appended after the head of the chain, linked to it');
END;

-- Nothing changes a recorded entry, but the seal of an entry recorded before this migration:
-- once, in id order, and only its prev_hash and hash. The seal links the entry to the one just
-- before it, which must be sealed already (prev_hash its hash; '' for the first entry), and
-- gives it a hash of 64 lower-case hex digits. (audit_events_no_delete refuses DELETE still.)
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
WHEN NOT (OLD.hash = '' AND NEW.hash IS NOT NULL AND length(NEW.hash) = 64 AND NEW.hash NOT GLOB '*[^0-9a-f]*'
          AND NEW.prev_hash IS coalesce((SELECT hash FROM audit_events WHERE id < OLD.id ORDER BY id DESC LIMIT 1), '')
          AND coalesce((SELECT hash FROM audit_events WHERE id < OLD.id ORDER BY id DESC LIMIT 1), 'none') <> ''
          AND NEW.id IS OLD.id AND NEW.at IS OLD.at AND NEW.actor IS OLD.actor
          AND NEW.kind IS OLD.kind AND NEW.election_id IS OLD.election_id AND NEW.payload IS OLD.payload)
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;
