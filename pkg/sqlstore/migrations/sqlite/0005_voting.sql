-- Voting: the per-election secret, rounds and their ballots, the cast ballots, who voted, and
-- the counts. Also the revoting setting of contests and the runoff rule of charters.
--
-- Conventions as in 0003: text that may be empty is NOT NULL ''; times are UTC, NULL when
-- something has not happened yet; JSON is kept as text so that it reads back byte for byte.
--
-- Secrecy (DESIGN.md §6): the ballots table holds nothing that joins a ballot to a voter. It
-- has no member, no time, and no rowid (WITHOUT ROWID, keyed by the random receipt), so that
-- neither a column nor the order of insertion can be matched against participation, which is
-- stored apart (and WITHOUT ROWID too, for the same reason). The one link is voter_key, an HMAC
-- of the member with the election's secret, kept only while a round that allows revoting is
-- open and cleared when it closes.

-- Revoting is on by default (the last ballot counts). Adding a column rewrites no row, so the
-- charters' immutability triggers are not involved.
ALTER TABLE contests ADD COLUMN revoting BOOLEAN NOT NULL DEFAULT 1 CHECK (revoting IN (0, 1));

ALTER TABLE charters ADD COLUMN runoff_on_tie BOOLEAN NOT NULL DEFAULT 0 CHECK (runoff_on_tie IN (0, 1));

-- The HMAC secret of an election's voter keys, drawn when its first round opens. It never
-- changes: a new secret would unlink every open revote.
CREATE TABLE election_secrets (
    election_id INTEGER PRIMARY KEY REFERENCES elections (id),
    secret      BLOB    NOT NULL CHECK (typeof(secret) = 'blob' AND length(secret) >= 16)
);

CREATE TRIGGER election_secrets_no_update BEFORE UPDATE ON election_secrets
BEGIN
    SELECT RAISE(ABORT, 'election secrets are immutable');
END;

CREATE TRIGGER election_secrets_no_delete BEFORE DELETE ON election_secrets
BEGIN
    SELECT RAISE(ABORT, 'election secrets are immutable');
END;

-- Voting rounds, numbered from 1 in each election. A round is open, then closed: closed_at and
-- closed_by are set exactly when it is closed. The seed is drawn at the opening and only its
-- SHA-256 (seed_commitment) is shown until the close.
CREATE TABLE rounds (
    id              INTEGER   PRIMARY KEY AUTOINCREMENT,
    election_id     INTEGER   NOT NULL REFERENCES elections (id),
    number          INTEGER   NOT NULL CHECK (number >= 1),
    runoff          BOOLEAN   NOT NULL CHECK (runoff IN (0, 1)),
    state           TEXT      NOT NULL CHECK (state IN ('open', 'closed')),
    opened_at       TIMESTAMP NOT NULL,
    closes_at       TIMESTAMP NOT NULL,
    closed_at       TIMESTAMP,
    closed_by       TEXT      CHECK (closed_by IN ('officer', 'schedule')),
    seed_commitment TEXT      NOT NULL
        CHECK (length(seed_commitment) = 64 AND seed_commitment NOT GLOB '*[^0-9a-f]*'),
    seed            BLOB      NOT NULL CHECK (typeof(seed) = 'blob' AND length(seed) >= 16),
    UNIQUE (election_id, number),
    CHECK ((state = 'closed') = (closed_at IS NOT NULL)),
    CHECK ((closed_at IS NULL) = (closed_by IS NULL))
);

-- What identifies a round and its seed never changes, and a closed round is final: the only
-- changes are an extension of closes_at and the close itself.
CREATE TRIGGER rounds_no_rewrite BEFORE UPDATE ON rounds
WHEN NEW.id IS NOT OLD.id OR NEW.election_id IS NOT OLD.election_id OR NEW.number IS NOT OLD.number
    OR NEW.runoff IS NOT OLD.runoff OR NEW.opened_at IS NOT OLD.opened_at
    OR NEW.seed_commitment IS NOT OLD.seed_commitment OR NEW.seed IS NOT OLD.seed
    OR (OLD.state = 'closed' AND (NEW.state IS NOT OLD.state OR NEW.closes_at IS NOT OLD.closes_at
        OR NEW.closed_at IS NOT OLD.closed_at OR NEW.closed_by IS NOT OLD.closed_by))
BEGIN
    SELECT RAISE(ABORT, 'a round only closes or has its closing time moved while open');
END;

CREATE TRIGGER rounds_no_delete BEFORE DELETE ON rounds
BEGIN
    SELECT RAISE(ABORT, 'rounds are never deleted');
END;

-- The ballot of each contest of a round, fixed at the opening: the method and its ballot kind,
-- the seats, the marks and points allowed, and the candidates in canonical order (a JSON array
-- of objects: id, name, pronouns, affiliation, member).
CREATE TABLE round_contests (
    round_id    INTEGER NOT NULL REFERENCES rounds (id),
    contest_id  INTEGER NOT NULL REFERENCES contests (id),
    method      TEXT    NOT NULL CHECK (method <> ''),
    kind        TEXT    NOT NULL CHECK (kind IN ('ranking', 'approval', 'points', 'confidence')),
    seats       INTEGER NOT NULL CHECK (seats >= 1),
    max_marks   INTEGER NOT NULL CHECK (max_marks >= 0),
    points      INTEGER NOT NULL CHECK (points >= 0),
    revoting    BOOLEAN NOT NULL CHECK (revoting IN (0, 1)),
    allows_ties BOOLEAN NOT NULL CHECK (allows_ties IN (0, 1)),
    candidates  TEXT    NOT NULL CHECK (json_valid(candidates) AND json_type(candidates) = 'array'),
    PRIMARY KEY (round_id, contest_id)
);

CREATE INDEX round_contests_contest ON round_contests (contest_id);

CREATE TRIGGER round_contests_no_update BEFORE UPDATE ON round_contests
BEGIN
    SELECT RAISE(ABORT, 'the ballots of a round are fixed when it opens');
END;

CREATE TRIGGER round_contests_no_delete BEFORE DELETE ON round_contests
BEGIN
    SELECT RAISE(ABORT, 'the ballots of a round are fixed when it opens');
END;

-- Cast ballots, keyed by their receipt (the hex SHA-256 over the contest, the round, the
-- canonical content and the random nonce) within their contest and round, with no member, no
-- time and no rowid: the table is a b-tree in receipt order, which is random. The contest and
-- round lead the key so that the ballots of a contest are read in receipt order without a
-- second index, which would cost every cast one more page write. (The receipt alone is unique
-- too: it hashes the contest and the round.) The partial unique index keeps at most one live
-- (not superseded) ballot per voter key in a contest and round, whatever runs concurrently.
CREATE TABLE ballots (
    receipt    TEXT    NOT NULL
        CHECK (length(receipt) = 64 AND receipt NOT GLOB '*[^0-9a-f]*'),
    round_id   INTEGER NOT NULL,
    contest_id INTEGER NOT NULL,
    nonce      TEXT    NOT NULL CHECK (length(nonce) = 32 AND nonce NOT GLOB '*[^0-9a-f]*'),
    content    TEXT    NOT NULL CHECK (content GLOB '[a-z]*:*'),
    superseded BOOLEAN NOT NULL CHECK (superseded IN (0, 1)),
    voter_key  BLOB    CHECK (voter_key IS NULL OR typeof(voter_key) = 'blob' AND length(voter_key) >= 16),
    PRIMARY KEY (round_id, contest_id, receipt),
    FOREIGN KEY (round_id, contest_id) REFERENCES round_contests (round_id, contest_id)
) WITHOUT ROWID;

CREATE UNIQUE INDEX ballots_live_voter ON ballots (round_id, contest_id, voter_key)
    WHERE voter_key IS NOT NULL AND NOT superseded;

-- A ballot goes only into an open round. (Whether its closing time has passed is for the store
-- to check against the clock, in the same transaction.)
CREATE TRIGGER ballots_open_round BEFORE INSERT ON ballots
WHEN (SELECT state FROM rounds WHERE id = NEW.round_id) IS NOT 'open'
BEGIN
    SELECT RAISE(ABORT, 'ballots are cast only in an open round');
END;

-- A stored ballot changes in two ways only: a revote supersedes it (while it has a voter key),
-- and the close clears its voter key. It is never deleted.
CREATE TRIGGER ballots_no_update BEFORE UPDATE ON ballots
WHEN NEW.receipt IS NOT OLD.receipt OR NEW.round_id IS NOT OLD.round_id
    OR NEW.contest_id IS NOT OLD.contest_id OR NEW.nonce IS NOT OLD.nonce
    OR NEW.content IS NOT OLD.content
    OR (NEW.superseded IS NOT OLD.superseded
        AND NOT (OLD.superseded = 0 AND NEW.superseded = 1 AND OLD.voter_key IS NOT NULL))
    OR (NEW.voter_key IS NOT OLD.voter_key AND NEW.voter_key IS NOT NULL)
BEGIN
    SELECT RAISE(ABORT, 'ballots are only superseded or have their voter key cleared');
END;

CREATE TRIGGER ballots_no_delete BEFORE DELETE ON ballots
BEGIN
    SELECT RAISE(ABORT, 'ballots are never deleted');
END;

-- Who has voted in which contest of which round, by member external id, once: nothing about
-- how, or when. It is never changed.
CREATE TABLE participation (
    contest_id INTEGER NOT NULL,
    round_id   INTEGER NOT NULL,
    member     TEXT    NOT NULL CHECK (member <> ''),
    PRIMARY KEY (contest_id, round_id, member),
    FOREIGN KEY (round_id, contest_id) REFERENCES round_contests (round_id, contest_id)
) WITHOUT ROWID;

CREATE TRIGGER participation_no_update BEFORE UPDATE ON participation
BEGIN
    SELECT RAISE(ABORT, 'participation records are immutable');
END;

CREATE TRIGGER participation_no_delete BEFORE DELETE ON participation
BEGIN
    SELECT RAISE(ABORT, 'participation records are immutable');
END;

-- The count of each contest, by the round counted (0 for a contest decided without a vote,
-- hence a plain column rather than a reference). A recount replaces the row; a runoff's count
-- is a row of its own beside the first count's. elected, vacant_seats and runoff are JSON
-- (null when absent); report is the pkg/tally/report JSON as written, NULL without one.
CREATE TABLE contest_results (
    contest_id   INTEGER   NOT NULL REFERENCES contests (id),
    round_id     INTEGER   NOT NULL CHECK (round_id >= 0),
    outcome      TEXT      NOT NULL CHECK (outcome <> ''),
    void         BOOLEAN   NOT NULL CHECK (void IN (0, 1)),
    void_reason  TEXT      NOT NULL,
    roll_size    INTEGER   NOT NULL CHECK (roll_size >= 0),
    voters       INTEGER   NOT NULL CHECK (voters >= 0),
    ballots      INTEGER   NOT NULL CHECK (ballots >= 0),
    superseded   INTEGER   NOT NULL CHECK (superseded >= 0),
    elected      TEXT      NOT NULL CHECK (json_valid(elected) AND json_type(elected) IN ('array', 'null')),
    vacant_seats TEXT      NOT NULL CHECK (json_valid(vacant_seats) AND json_type(vacant_seats) IN ('array', 'null')),
    runoff       TEXT      CHECK (json_valid(runoff) AND json_type(runoff) = 'object'),
    report       TEXT      CHECK (json_valid(report)),
    counted_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (contest_id, round_id),
    CHECK (void = 0 OR void_reason <> '')
);
