-- The audit trail becomes a hash chain (DESIGN.md §6): each entry holds the hash of the entry
-- before it (prev_hash) and its own hash (elections.ChainHash), and the election it belongs
-- to (0 for none). The store gives new entries their ids and hashes as it appends them, one
-- appender at a time (under an advisory lock), so the id is no longer generated; the entries
-- recorded before this migration are sealed by the migration runner right after it
-- (Store.Migrate), in id order.
ALTER TABLE audit_events ALTER COLUMN id DROP IDENTITY;
ALTER TABLE audit_events
    ADD COLUMN election_id BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN prev_hash   TEXT   NOT NULL DEFAULT '',
    ADD COLUMN hash        TEXT   NOT NULL DEFAULT '';

-- The old trigger refuses every UPDATE and DELETE; it is replaced below by one that allows the
-- seal, and one that refuses every DELETE statement.
DROP TRIGGER audit_events_no_update ON audit_events;

-- The election of the entries recorded so far: the payload's "election", or the election of
-- its "contest" (contest, nomination and roll entries).
UPDATE audit_events SET election_id = CASE
    WHEN (payload::json ->> 'election') ~ '^[0-9]{1,18}$' THEN (payload::json ->> 'election')::bigint
    WHEN (payload::json ->> 'contest') ~ '^[0-9]{1,18}$' THEN coalesce(
        (SELECT contests.election_id FROM contests WHERE contests.id = (audit_events.payload::json ->> 'contest')::bigint), 0)
    ELSE 0
END
WHERE json_typeof(payload::json) = 'object';

CREATE INDEX audit_events_election ON audit_events (election_id, id);

-- Two sealed entries never follow the same one: the chain cannot fork.
CREATE UNIQUE INDEX audit_events_chain ON audit_events (prev_hash) WHERE hash <> '';

-- An entry is appended with its hash (64 lower-case hex digits), after the head only: its id
-- above every id, its prev_hash the head's hash ('' when the log is empty; NULL never), and
-- never after an unsealed entry.
-- The head is read by the primary key. (A row-level BEFORE trigger sees the rows that its
-- statement inserted before, so the entries of one multi-row INSERT chain too.)
CREATE FUNCTION audit_events_hashed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    head_id   BIGINT := 0;
    head_hash TEXT   := '';
BEGIN
    IF NEW.hash IS NULL OR NEW.hash !~ '^[0-9a-f]{64}$' THEN
        RAISE EXCEPTION 'audit events are appended with their hash';
    END IF;
    SELECT id, hash INTO head_id, head_hash FROM audit_events ORDER BY id DESC LIMIT 1;
    IF NOT FOUND THEN
        head_id := 0;
        head_hash := '';
    ELSIF head_hash = '' THEN
        RAISE EXCEPTION 'audit events are appended after the head of the chain, linked to it: entry % is not sealed', head_id;
    END IF;
    IF NEW.id IS NULL OR NEW.id <= head_id OR NEW.prev_hash IS DISTINCT FROM head_hash THEN
        RAISE EXCEPTION 'audit events are appended after the head of the chain, linked to it (entry %)', head_id;
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER audit_events_hashed BEFORE INSERT ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_hashed();

-- Nothing changes a recorded entry, but the seal of an entry recorded before this migration:
-- once, in id order, and only its prev_hash and hash. The seal links the entry to the one just
-- before it, which must be sealed already (prev_hash its hash; '' for the first entry), and
-- gives it a hash of 64 lower-case hex digits.
CREATE FUNCTION audit_events_seal_only() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    before_hash TEXT;
BEGIN
    IF OLD.hash = '' AND NEW.hash ~ '^[0-9a-f]{64}$'
        AND (NEW.id, NEW.at, NEW.actor, NEW.kind, NEW.election_id, NEW.payload)
            IS NOT DISTINCT FROM (OLD.id, OLD.at, OLD.actor, OLD.kind, OLD.election_id, OLD.payload) THEN
        SELECT hash INTO before_hash FROM audit_events WHERE id < OLD.id ORDER BY id DESC LIMIT 1;
        IF NOT FOUND THEN
            before_hash := '';
        ELSIF before_hash = '' THEN
            RAISE EXCEPTION 'audit events are sealed in order: the entry before % is not sealed', OLD.id;
        END IF;
        IF NEW.prev_hash IS NOT DISTINCT FROM before_hash THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'audit events are sealed linked to the entry before them: entry % does not link to it', OLD.id;
    END IF;
    RAISE EXCEPTION 'audit events are append-only';
END;
$$;

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_seal_only();

-- A DELETE statement is refused even when it would remove no row (TRUNCATE is refused by
-- audit_events_no_truncate).
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
