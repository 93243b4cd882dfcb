-- Yearly elections: their contests, the frozen voter rolls, nominations and member access codes.
--
-- Conventions as in 0003: days are TEXT 'YYYY-MM-DD', NULL for "no date"; text that may be
-- empty is NOT NULL ''; times are UTC, NULL when something has not happened yet. Keys that
-- lists are ordered or paged by use the "C" collation.

-- One election per board year, under the charter version in force when it was created. The
-- schedule's days follow each other as the domain requires: a deadline day ends at 24:00 UTC
-- (utc) or at 12:00 UTC the next day (aoe), and voting opens at 00:00 UTC of its first day
-- after the end of nominations.
CREATE TABLE elections (
    id                BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    year              INTEGER     NOT NULL UNIQUE CHECK (year BETWEEN 1900 AND 9999),
    title             TEXT        NOT NULL CHECK (title <> ''),
    charter_version   INTEGER     NOT NULL REFERENCES charters (version),
    cutoff            TEXT        NOT NULL CHECK (cutoff ~ '^[0-9]{4}-[01][0-9]-[0-3][0-9]$'),
    deadlines         TEXT        NOT NULL CHECK (deadlines IN ('utc', 'aoe')),
    announced_on      TEXT        NOT NULL CHECK (announced_on ~ '^[0-9]{4}-[01][0-9]-[0-3][0-9]$'),
    nominations_open  TEXT        NOT NULL CHECK (nominations_open ~ '^[0-9]{4}-[01][0-9]-[0-3][0-9]$'),
    nominations_close TEXT        NOT NULL CHECK (nominations_close ~ '^[0-9]{4}-[01][0-9]-[0-3][0-9]$'),
    voting_open       TEXT        NOT NULL CHECK (voting_open ~ '^[0-9]{4}-[01][0-9]-[0-3][0-9]$'),
    voting_close      TEXT        NOT NULL CHECK (voting_close ~ '^[0-9]{4}-[01][0-9]-[0-3][0-9]$'),
    results_on        TEXT        CHECK (results_on ~ '^[0-9]{4}-[01][0-9]-[0-3][0-9]$'),
    status            TEXT        NOT NULL CHECK (status IN ('', 'counted', 'certified')),
    created_at        TIMESTAMPTZ NOT NULL,
    CHECK (announced_on <= nominations_open),
    CHECK (nominations_open <= nominations_close),
    CHECK (nominations_close < voting_open),
    CHECK (deadlines = 'utc' OR to_date(nominations_close, 'YYYY-MM-DD') + 1 < to_date(voting_open, 'YYYY-MM-DD')),
    CHECK (voting_open <= voting_close),
    CHECK (results_on > voting_close)
);

-- The contests of an election, one per constituency with seats up, in charter order
-- (position). seats is the JSON array of the seats up with their terms, kept as text so that
-- it reads back byte for byte. A contest's roll is frozen once: then it has a time, a
-- fingerprint and a size.
CREATE TABLE contests (
    id               BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    election_id      BIGINT      NOT NULL REFERENCES elections (id),
    position         INTEGER     NOT NULL CHECK (position >= 1),
    constituency     TEXT        COLLATE "C" NOT NULL CHECK (constituency <> ''),
    name             TEXT        NOT NULL CHECK (name <> ''),
    method           TEXT        NOT NULL CHECK (method <> ''),
    uncontested      TEXT        NOT NULL CHECK (uncontested IN ('acclamation', 'confidence')),
    seats            TEXT        NOT NULL
        CHECK (json_typeof(seats::json) = 'array' AND json_array_length(seats::json) >= 1),
    roll_frozen_at   TIMESTAMPTZ,
    roll_fingerprint TEXT        CHECK (roll_fingerprint ~ '^[0-9a-f]{64}$'),
    roll_size        INTEGER     NOT NULL CHECK (roll_size >= 0),
    UNIQUE (election_id, constituency),
    UNIQUE (election_id, position),
    UNIQUE (id, election_id, constituency),
    CHECK ((roll_frozen_at IS NULL) = (roll_fingerprint IS NULL)),
    CHECK (roll_frozen_at IS NOT NULL OR roll_size = 0)
);

-- The frozen roll of each contest: one voter per member, with the name, representative and
-- address as they were at the freeze. Entries added after the freeze carry when, by whom and
-- why. The triggers below refuse any change to a stored entry, whatever code or tool issues it.
CREATE TABLE roll_entries (
    contest_id     BIGINT      NOT NULL REFERENCES contests (id),
    member_id      BIGINT      NOT NULL REFERENCES members (id),
    name           TEXT        NOT NULL CHECK (name <> ''),
    kind           TEXT        NOT NULL CHECK (kind IN ('person', 'organisation')),
    representative TEXT        NOT NULL,
    email          TEXT        NOT NULL,
    added_at       TIMESTAMPTZ,
    added_by       TEXT        NOT NULL,
    reason         TEXT        NOT NULL,
    PRIMARY KEY (contest_id, member_id),
    CHECK (kind = 'organisation' OR representative = ''),
    CHECK (CASE WHEN added_at IS NULL THEN added_by = '' AND reason = ''
        ELSE added_by <> '' AND reason <> '' END)
);

CREATE FUNCTION roll_entries_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'roll entries are immutable';
END;
$$;

CREATE TRIGGER roll_entries_no_change BEFORE UPDATE OR DELETE ON roll_entries
    FOR EACH ROW EXECUTE FUNCTION roll_entries_immutable();

CREATE TRIGGER roll_entries_no_truncate BEFORE TRUNCATE ON roll_entries
    FOR EACH STATEMENT EXECUTE FUNCTION roll_entries_immutable();

-- Nominations. The contest, its election and its constituency are one foreign key, so that
-- they cannot disagree. A nominee has at most one active nomination in a contest: the partial
-- unique index refuses a second one. The times follow the status: consent before acceptance,
-- a review for an accepted or rejected nomination (a rejection with its reason), a withdrawal
-- time exactly for a withdrawn one.
CREATE TABLE nominations (
    id              BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    election_id     BIGINT      NOT NULL REFERENCES elections (id),
    contest_id      BIGINT      NOT NULL,
    constituency    TEXT        COLLATE "C" NOT NULL,
    nominee_id      BIGINT      NOT NULL REFERENCES members (id),
    nominated_by_id BIGINT      NOT NULL REFERENCES members (id),
    person_key      TEXT        COLLATE "C" NOT NULL CHECK (person_key <> ''),
    status          TEXT        NOT NULL CHECK (status IN
        ('awaiting_consent', 'consented', 'accepted', 'rejected', 'declined', 'withdrawn')),
    display_name    TEXT        NOT NULL CHECK (display_name <> ''),
    pronouns        TEXT        NOT NULL,
    affiliation     TEXT        NOT NULL,
    bio             TEXT        NOT NULL,
    statement       TEXT        NOT NULL,
    link            TEXT        NOT NULL,
    review_reason   TEXT        NOT NULL,
    reviewed_by     TEXT        NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    consented_at    TIMESTAMPTZ,
    reviewed_at     TIMESTAMPTZ,
    withdrawn_at    TIMESTAMPTZ,
    FOREIGN KEY (contest_id, election_id, constituency) REFERENCES contests (id, election_id, constituency),
    CHECK (status NOT IN ('consented', 'accepted') OR consented_at IS NOT NULL),
    CHECK (status NOT IN ('accepted', 'rejected') OR reviewed_at IS NOT NULL),
    CHECK (status <> 'rejected' OR review_reason <> ''),
    CHECK ((reviewed_at IS NULL) = (reviewed_by = '')),
    CHECK ((status = 'withdrawn') = (withdrawn_at IS NOT NULL))
);

CREATE UNIQUE INDEX nominations_active ON nominations (contest_id, nominee_id)
    WHERE status IN ('awaiting_consent', 'consented', 'accepted');

CREATE INDEX nominations_election ON nominations (election_id, person_key);

CREATE INDEX nominations_nominee ON nominations (nominee_id);

-- One-time member access codes, kept as the hex SHA-256 of the code only. A code is used or
-- revoked, never both.
CREATE TABLE access_codes (
    id          BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    election_id BIGINT      NOT NULL REFERENCES elections (id),
    member_id   BIGINT      NOT NULL REFERENCES members (id),
    hash        CHAR(64)    NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$'),
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    used_at     TIMESTAMPTZ,
    revoked_at  TIMESTAMPTZ,
    CHECK (used_at IS NULL OR revoked_at IS NULL)
);

CREATE INDEX access_codes_member ON access_codes (election_id, member_id);
