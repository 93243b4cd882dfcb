-- The audit trail becomes a hash chain (DESIGN.md §6): each entry holds the hash of the entry
-- before it (prev_hash) and its own hash (elections.ChainHash), and the election it belongs
-- to (0 for none). The store gives new entries their ids and hashes as it appends them, one
-- appender at a time; the entries recorded before this migration are sealed by the migration
-- runner right after it (Store.Migrate), in id order.
ALTER TABLE audit_events ADD COLUMN election_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE audit_events ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_events ADD COLUMN hash TEXT NOT NULL DEFAULT '';

-- The old trigger refuses every UPDATE; it is replaced below by one that allows the seal.
DROP TRIGGER audit_events_no_update;

-- The election of the entries recorded so far: the payload's "election", or the election of
-- its "contest" (contest, nomination and roll entries).
UPDATE audit_events SET election_id = CASE
    WHEN json_type(payload, '$.election') = 'integer' THEN json_extract(payload, '$.election')
    WHEN json_type(payload, '$.contest') = 'integer' THEN coalesce(
        (SELECT contests.election_id FROM contests WHERE contests.id = json_extract(audit_events.payload, '$.contest')), 0)
    ELSE 0
END;

CREATE INDEX audit_events_election ON audit_events (election_id, id);

-- Two sealed entries never follow the same one: the chain cannot fork.
CREATE UNIQUE INDEX audit_events_chain ON audit_events (prev_hash) WHERE hash <> '';

-- An entry is appended with its hash.
CREATE TRIGGER audit_events_hashed BEFORE INSERT ON audit_events
WHEN NEW.hash = ''
BEGIN
    SELECT RAISE(ABORT, 'audit events are appended with their hash');
END;

-- Nothing changes a recorded entry, but the seal of an entry recorded before this migration:
-- once, and only its prev_hash and hash. (audit_events_no_delete refuses DELETE still.)
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
WHEN NOT (OLD.hash = '' AND NEW.hash <> '' AND NEW.id IS OLD.id AND NEW.at IS OLD.at AND NEW.actor IS OLD.actor
          AND NEW.kind IS OLD.kind AND NEW.election_id IS OLD.election_id AND NEW.payload IS OLD.payload)
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;
