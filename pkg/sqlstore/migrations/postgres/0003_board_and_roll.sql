-- The board over time (charter versions, terms of office) and the member roll (members, their
-- representatives, the donation ledger).
--
-- Conventions: days are TEXT 'YYYY-MM-DD' (so they compare as text and read the same on every
-- engine), NULL for "no date"; text that may be empty is NOT NULL ''; optional numbers are NULL
-- when unset; times are UTC. Keys that lists are ordered or paged by use the "C" collation, so
-- that they sort byte by byte as on SQLite, whatever the database's default collation.

-- Charter versions are never changed: a new version is applied instead, and elections keep the
-- version they were created under. The triggers below refuse any change, whatever code or tool
-- issues it.
CREATE TABLE charters (
    version                      INTEGER     PRIMARY KEY CHECK (version >= 1),
    effective_from               TEXT        NOT NULL UNIQUE
        CHECK (effective_from ~ '^[0-9]{4}-[01][0-9]-[0-3][0-9]$'),
    name                         TEXT        NOT NULL CHECK (name <> ''),
    currency                     TEXT        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    term_years                   INTEGER     NOT NULL CHECK (term_years >= 1),
    first_election               INTEGER     NOT NULL CHECK (first_election BETWEEN 1900 AND 9999),
    one_constituency_per_nominee BOOLEAN     NOT NULL,
    affiliation_cap_max          INTEGER     CHECK (affiliation_cap_max >= 1),
    affiliation_cap_scope        TEXT        CHECK (affiliation_cap_scope IN ('board', 'contest')),
    term_limit                   INTEGER     CHECK (term_limit >= 1),
    quorum_percent               INTEGER     CHECK (quorum_percent BETWEEN 1 AND 100),
    roll_additions_after_freeze  BOOLEAN     NOT NULL,
    fingerprint                  TEXT        NOT NULL CHECK (length(fingerprint) = 64),
    applied_at                   TIMESTAMPTZ NOT NULL,
    CHECK ((affiliation_cap_max IS NULL) = (affiliation_cap_scope IS NULL))
);

-- A charter version's constituencies, in the order the charter lists them (position). Only
-- elected constituencies have a cohort, a method, an uncontested policy, an eligibility rule
-- and a quorum of their own; a donation rule has a threshold and a window, a membership rule
-- neither.
CREATE TABLE charter_constituencies (
    charter_version  INTEGER NOT NULL REFERENCES charters (version),
    position         INTEGER NOT NULL CHECK (position >= 1),
    key              TEXT    NOT NULL CHECK (key <> ''),
    name             TEXT    NOT NULL CHECK (name <> ''),
    category         TEXT    NOT NULL CHECK (category <> ''),
    seats            INTEGER NOT NULL CHECK (seats >= 1),
    members_per_seat INTEGER NOT NULL CHECK (members_per_seat >= 0),
    seating          TEXT    NOT NULL CHECK (seating IN ('elected', 'ex_officio', 'appointed')),
    cohort           INTEGER NOT NULL CHECK (cohort >= 0),
    method           TEXT    NOT NULL,
    uncontested      TEXT    NOT NULL CHECK (uncontested IN ('', 'acclamation', 'confidence')),
    eligibility_rule TEXT    NOT NULL CHECK (eligibility_rule IN ('', 'membership', 'donation')),
    min_donation     BIGINT  NOT NULL CHECK (min_donation >= 0),
    window_start     TEXT    CHECK (window_start ~ '^[01][0-9]-[0-3][0-9]$'),
    quorum_percent   INTEGER CHECK (quorum_percent BETWEEN 1 AND 100),
    PRIMARY KEY (charter_version, key),
    UNIQUE (charter_version, position),
    CHECK (CASE WHEN seating = 'elected'
        THEN method <> '' AND uncontested <> '' AND eligibility_rule <> ''
        ELSE members_per_seat = 0 AND cohort = 0 AND method = '' AND uncontested = ''
            AND eligibility_rule = '' AND quorum_percent IS NULL END),
    CHECK ((eligibility_rule = 'donation') = (min_donation > 0)),
    CHECK ((eligibility_rule = 'donation') = (window_start IS NOT NULL))
);

CREATE FUNCTION charters_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'charter versions are immutable';
END;
$$;

CREATE TRIGGER charters_no_change BEFORE UPDATE OR DELETE ON charters
    FOR EACH ROW EXECUTE FUNCTION charters_immutable();

CREATE TRIGGER charters_no_truncate BEFORE TRUNCATE ON charters
    FOR EACH STATEMENT EXECUTE FUNCTION charters_immutable();

CREATE TRIGGER charter_constituencies_no_change BEFORE UPDATE OR DELETE ON charter_constituencies
    FOR EACH ROW EXECUTE FUNCTION charters_immutable();

CREATE TRIGGER charter_constituencies_no_truncate BEFORE TRUNCATE ON charter_constituencies
    FOR EACH STATEMENT EXECUTE FUNCTION charters_immutable();

-- The member roll. external_id is the foundation's own id of the member, the key of imports.
CREATE TABLE members (
    id           BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    external_id  TEXT        COLLATE "C" NOT NULL UNIQUE CHECK (external_id <> ''),
    kind         TEXT        NOT NULL CHECK (kind IN ('person', 'organisation')),
    name         TEXT        NOT NULL CHECK (name <> ''),
    email        TEXT        NOT NULL,
    constituency TEXT        COLLATE "C" NOT NULL CHECK (constituency <> ''),
    joined       TEXT        NOT NULL CHECK (joined ~ '^[0-9]{4}-[01][0-9]-[0-3][0-9]$'),
    paid_through TEXT        CHECK (paid_through ~ '^[0-9]{4}-[01][0-9]-[0-3][0-9]$'),
    standing     TEXT        NOT NULL CHECK (standing IN ('good', 'suspended')),
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    CHECK (paid_through >= joined)
);

CREATE INDEX members_constituency ON members (constituency, external_id);

-- The designated representatives of member organisations, history kept: the current one has
-- no until, and there is at most one.
CREATE TABLE member_representatives (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    member_id BIGINT NOT NULL REFERENCES members (id),
    name      TEXT   NOT NULL CHECK (name <> ''),
    email     TEXT   NOT NULL,
    since     TEXT   NOT NULL CHECK (since ~ '^[0-9]{4}-[01][0-9]-[0-3][0-9]$'),
    until     TEXT   CHECK (until ~ '^[0-9]{4}-[01][0-9]-[0-3][0-9]$'),
    CHECK (until >= since)
);

CREATE INDEX member_representatives_member ON member_representatives (member_id, since);

CREATE UNIQUE INDEX member_representatives_current ON member_representatives (member_id)
    WHERE until IS NULL;

-- The donation ledger. amount and currency are as given; value is the amount in hundredths of
-- the charter currency.
CREATE TABLE donations (
    id          BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    external_id TEXT        COLLATE "C" NOT NULL UNIQUE CHECK (external_id <> ''),
    member_id   BIGINT      NOT NULL REFERENCES members (id),
    amount      TEXT        NOT NULL CHECK (amount <> ''),
    currency    TEXT        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    value       BIGINT      NOT NULL CHECK (value >= 0),
    date        TEXT        NOT NULL CHECK (date ~ '^[0-9]{4}-[01][0-9]-[0-3][0-9]$'),
    source      TEXT        NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);

CREATE INDEX donations_member ON donations (member_id, date);

-- Terms of office on the board's seats. A term runs from start_date until end_date (exclusive)
-- unless it ended early on ended_on, for the reason end_reason.
CREATE TABLE seat_terms (
    id            BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    seat          TEXT        COLLATE "C" NOT NULL,
    constituency  TEXT        COLLATE "C" NOT NULL CHECK (constituency <> ''),
    seat_number   INTEGER     NOT NULL CHECK (seat_number >= 1),
    holder        TEXT        NOT NULL CHECK (holder <> ''),
    member_id     BIGINT      REFERENCES members (id),
    start_date    TEXT        NOT NULL CHECK (start_date ~ '^[0-9]{4}-[01][0-9]-[0-3][0-9]$'),
    end_date      TEXT        NOT NULL CHECK (end_date ~ '^[0-9]{4}-[01][0-9]-[0-3][0-9]$'),
    ended_on      TEXT        CHECK (ended_on ~ '^[0-9]{4}-[01][0-9]-[0-3][0-9]$'),
    end_reason    TEXT        CHECK (end_reason IN ('resigned', 'removed')),
    note          TEXT        NOT NULL,
    source        TEXT        NOT NULL CHECK (source IN ('election', 'appointment', 'ex_officio', 'record')),
    election_year INTEGER     CHECK (election_year BETWEEN 1900 AND 9999),
    recorded_at   TIMESTAMPTZ NOT NULL,
    CHECK (seat = constituency || '-' || seat_number),
    CHECK (end_date > start_date),
    CHECK (ended_on BETWEEN start_date AND end_date),
    CHECK ((ended_on IS NULL) = (end_reason IS NULL))
);

CREATE INDEX seat_terms_seat ON seat_terms (seat, start_date);

CREATE INDEX seat_terms_member ON seat_terms (member_id);

-- Who sat for an organisation holding a seat, from since until the next one's since.
CREATE TABLE seat_representatives (
    id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    term_id BIGINT NOT NULL REFERENCES seat_terms (id),
    name    TEXT   NOT NULL CHECK (name <> ''),
    since   TEXT   NOT NULL CHECK (since ~ '^[0-9]{4}-[01][0-9]-[0-3][0-9]$'),
    UNIQUE (term_id, since)
);
