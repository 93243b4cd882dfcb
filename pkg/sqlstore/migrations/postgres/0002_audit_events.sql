-- The append-only audit trail. The triggers refuse any change to a recorded event, whatever
-- code or tool issues it. The payload is kept as text, byte for byte as it was recorded.
CREATE TABLE audit_events (
    id      BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at      TIMESTAMPTZ NOT NULL,
    actor   TEXT        NOT NULL CHECK (actor <> ''),
    kind    TEXT        NOT NULL CHECK (kind <> ''),
    payload TEXT        NOT NULL CHECK (payload::json IS NOT NULL)
);

CREATE INDEX audit_events_kind ON audit_events (kind, id);

CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only';
END;
$$;

CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();

CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
