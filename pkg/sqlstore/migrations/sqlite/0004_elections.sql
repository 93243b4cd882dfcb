-- Yearly elections: their contests, the frozen voter rolls, nominations and member access codes.
--
-- Conventions as in 0003: days are TEXT 'YYYY-MM-DD', NULL for "no date"; text that may be
-- empty is NOT NULL ''; times are UTC, NULL when something has not happened yet.

-- One election per board year, under the charter version in force when it was created. The
-- schedule's days follow each other as the domain requires: a deadline day ends at 24:00 UTC
-- (utc) or at 12:00 UTC the next day (aoe), and voting opens at 00:00 UTC of its first day
-- after the end of nominations.
CREATE TABLE elections (
    id                INTEGER   PRIMARY KEY AUTOINCREMENT,
    year              INTEGER   NOT NULL UNIQUE CHECK (year BETWEEN 1900 AND 9999),
    title             TEXT      NOT NULL CHECK (title <> ''),
    charter_version   INTEGER   NOT NULL REFERENCES charters (version),
    cutoff            TEXT      NOT NULL CHECK (cutoff GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
    deadlines         TEXT      NOT NULL CHECK (deadlines IN ('utc', 'aoe')),
    announced_on      TEXT      NOT NULL CHECK (announced_on GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
    nominations_open  TEXT      NOT NULL CHECK (nominations_open GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
    nominations_close TEXT      NOT NULL CHECK (nominations_close GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
    voting_open       TEXT      NOT NULL CHECK (voting_open GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
    voting_close      TEXT      NOT NULL CHECK (voting_close GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
    results_on        TEXT      CHECK (results_on GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
    status            TEXT      NOT NULL CHECK (status IN ('', 'counted', 'certified')),
    created_at        TIMESTAMP NOT NULL,
    CHECK (announced_on <= nominations_open),
    CHECK (nominations_open <= nominations_close),
    CHECK (nominations_close < voting_open),
    CHECK (deadlines = 'utc' OR date(nominations_close, '+1 day') < voting_open),
    CHECK (voting_open <= voting_close),
    CHECK (results_on > voting_close)
);

-- The contests of an election, one per constituency with seats up, in charter order
-- (position). seats is the JSON array of the seats up with their terms, kept byte for byte.
-- A contest's roll is frozen once: then it has a time, a fingerprint and a size.
CREATE TABLE contests (
    id               INTEGER   PRIMARY KEY AUTOINCREMENT,
    election_id      INTEGER   NOT NULL REFERENCES elections (id),
    position         INTEGER   NOT NULL CHECK (position >= 1),
    constituency     TEXT      NOT NULL CHECK (constituency <> ''),
    name             TEXT      NOT NULL CHECK (name <> ''),
    method           TEXT      NOT NULL CHECK (method <> ''),
    uncontested      TEXT      NOT NULL CHECK (uncontested IN ('acclamation', 'confidence')),
    seats            TEXT      NOT NULL
        CHECK (json_valid(seats) AND json_type(seats) = 'array' AND json_array_length(seats) >= 1),
    roll_frozen_at   TIMESTAMP,
    roll_fingerprint TEXT      CHECK (length(roll_fingerprint) = 64 AND roll_fingerprint NOT GLOB '*[^0-9a-f]*'),
    roll_size        INTEGER   NOT NULL CHECK (roll_size >= 0),
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
    contest_id     INTEGER   NOT NULL REFERENCES contests (id),
    member_id      INTEGER   NOT NULL REFERENCES members (id),
    name           TEXT      NOT NULL CHECK (name <> ''),
    kind           TEXT      NOT NULL CHECK (kind IN ('person', 'organisation')),
    representative TEXT      NOT NULL,
    email          TEXT      NOT NULL,
    added_at       TIMESTAMP,
    added_by       TEXT      NOT NULL,
    reason         TEXT      NOT NULL,
    PRIMARY KEY (contest_id, member_id),
    CHECK (kind = 'organisation' OR representative = ''),
    CHECK (CASE WHEN added_at IS NULL THEN added_by = '' AND reason = ''
        ELSE added_by <> '' AND reason <> '' END)
);

CREATE TRIGGER roll_entries_no_update BEFORE UPDATE ON roll_entries
BEGIN
    SELECT RAISE(ABORT, 'roll entries are immutable');
END;

CREATE TRIGGER roll_entries_no_delete BEFORE DELETE ON roll_entries
BEGIN
    SELECT RAISE(ABORT, 'roll entries are immutable');
END;

-- Nominations. The contest, its election and its constituency are one foreign key, so that
-- they cannot disagree. A nominee has at most one active nomination in a contest: the partial
-- unique index refuses a second one. The times follow the status: consent before acceptance,
-- a review for an accepted or rejected nomination (a rejection with its reason), a withdrawal
-- time exactly for a withdrawn one.
CREATE TABLE nominations (
    id              INTEGER   PRIMARY KEY AUTOINCREMENT,
    election_id     INTEGER   NOT NULL REFERENCES elections (id),
    contest_id      INTEGER   NOT NULL,
    constituency    TEXT      NOT NULL,
    nominee_id      INTEGER   NOT NULL REFERENCES members (id),
    nominated_by_id INTEGER   NOT NULL REFERENCES members (id),
    person_key      TEXT      NOT NULL CHECK (person_key <> ''),
    status          TEXT      NOT NULL CHECK (status IN
        ('awaiting_consent', 'consented', 'accepted', 'rejected', 'declined', 'withdrawn')),
    display_name    TEXT      NOT NULL CHECK (display_name <> ''),
    pronouns        TEXT      NOT NULL,
    affiliation     TEXT      NOT NULL,
    bio             TEXT      NOT NULL,
    statement       TEXT      NOT NULL,
    link            TEXT      NOT NULL,
    review_reason   TEXT      NOT NULL,
    reviewed_by     TEXT      NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    consented_at    TIMESTAMP,
    reviewed_at     TIMESTAMP,
    withdrawn_at    TIMESTAMP,
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
    id          INTEGER   PRIMARY KEY AUTOINCREMENT,
    election_id INTEGER   NOT NULL REFERENCES elections (id),
    member_id   INTEGER   NOT NULL REFERENCES members (id),
    hash        CHAR(64)  NOT NULL UNIQUE CHECK (length(hash) = 64 AND hash NOT GLOB '*[^0-9a-f]*'),
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    used_at     TIMESTAMP,
    revoked_at  TIMESTAMP,
    CHECK (used_at IS NULL OR revoked_at IS NULL)
);

CREATE INDEX access_codes_member ON access_codes (election_id, member_id);
