-- The append-only audit trail. The triggers refuse any change to a recorded event, whatever
-- code or tool issues it.
CREATE TABLE audit_events (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    at      TIMESTAMP NOT NULL,
    actor   TEXT      NOT NULL CHECK (actor <> ''),
    kind    TEXT      NOT NULL CHECK (kind <> ''),
    payload TEXT      NOT NULL CHECK (json_valid(payload))
);

CREATE INDEX audit_events_kind ON audit_events (kind, id);

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;

CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;
