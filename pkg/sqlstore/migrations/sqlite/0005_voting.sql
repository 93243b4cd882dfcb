-- Voting: the per-election secret, rounds and their ballots, the cast ballots, who voted, and
-- the counts. Also the revoting setting of contests and the runoff rule of charters.
--
-- Conventions as in 0003: text that may be empty is NOT NULL ''; times are UTC, NULL when
-- something has not happened yet; JSON is kept as text so that it reads back byte for byte.
--
-- Secrecy (DESIGN.md §6): the ballots table holds nothing that joins a ballot to a voter. It
-- has no member, no time, and no rowid (WITHOUT ROWID, ordered by random values: the voter key
-- and the receipt), so that neither a column nor the order of insertion can be matched against
-- participation, which is stored apart (and WITHOUT ROWID too, for the same reason). The one
-- link is voter_key, an HMAC of the member with the election's secret, kept only while a round
-- that allows revoting is open and cleared (set to the empty blob) when it closes; the store
-- then empties the write-ahead log, which held the ballots as each commit wrote them.

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

-- Cast ballots, with no member, no time and no rowid. The key is (round_id, contest_id,
-- voter_key, receipt), and it is the table's only b-tree: a cast writes the one leaf page its
-- key falls in (and, now and then, the pages of a split), which is what bounds the commits of
-- a busy round under synchronous=FULL. A second index, even a partial one, would cost every
-- cast a second page at a random place.
--
-- voter_key is the HMAC of the member with the election's secret while the round is open and
-- the contest allows revoting, and the empty blob otherwise: in a contest without revoting
-- from the start, and in every contest from the close on, which sets the key of every ballot
-- of the round to the empty blob (and so rewrites each of them). While a revote is possible, a
-- voter's ballots therefore sit side by side, placed by their random key, and the revote's
-- look-up of the live ballot to supersede is a prefix of the key, on the page that the new
-- ballot's insert writes anyway. With the empty key, the ballots of a contest are in receipt
-- order (the SHA-256 over the contest, the round, the canonical content and the random
-- nonce), which is random, and they are read in that order without a sort.
--
-- The receipt and the nonce are stored as their 32 and 16 bytes (the store takes and gives
-- them as lower-case hex, which sorts as the bytes do): a row a third smaller than with the
-- hex, so fewer pages for the same ballots, and fewer written per commit.
--
-- The receipt alone is not declared unique: that would be a second b-tree in a random order.
-- Receipts cannot collide in practice: each hashes a 128-bit nonce from crypto/rand, so that
-- even a billion ballots share one with a probability below 2^-68. CastBallots refuses a
-- receipt given twice in one batch, and where the key is empty the key itself refuses a
-- receipt stored twice in a contest. (A receipt stored twice under two voter keys would make
-- the close fail on the key, rather than keep two ballots that nothing tells apart.)
CREATE TABLE ballots (
    round_id   INTEGER NOT NULL,
    contest_id INTEGER NOT NULL,
    voter_key  BLOB    NOT NULL
        CHECK (typeof(voter_key) = 'blob' AND (length(voter_key) = 0 OR length(voter_key) >= 16)),
    receipt    BLOB    NOT NULL CHECK (typeof(receipt) = 'blob' AND length(receipt) = 32),
    nonce      BLOB    NOT NULL CHECK (typeof(nonce) = 'blob' AND length(nonce) = 16),
    content    TEXT    NOT NULL CHECK (content GLOB '[a-z]*:*'),
    superseded BOOLEAN NOT NULL CHECK (superseded IN (0, 1)),
    PRIMARY KEY (round_id, contest_id, voter_key, receipt),
    FOREIGN KEY (round_id, contest_id) REFERENCES round_contests (round_id, contest_id)
) WITHOUT ROWID;

-- A ballot goes only into an open round. (Whether its closing time has passed is for the store
-- to check against the clock, in the same transaction.)
CREATE TRIGGER ballots_open_round BEFORE INSERT ON ballots
WHEN (SELECT state FROM rounds WHERE id = NEW.round_id) IS NOT 'open'
BEGIN
    SELECT RAISE(ABORT, 'ballots are cast only in an open round');
END;

-- At most one live (not superseded) ballot per voter key in a contest and round, whoever
-- writes: a ballot with a key is refused while another with the same key is live. The look-up
-- is a prefix of the key. SQLite runs one writing transaction at a time, so nothing comes
-- between the look-up and the insert.
CREATE TRIGGER ballots_one_live BEFORE INSERT ON ballots
WHEN length(NEW.voter_key) > 0 AND EXISTS (SELECT 1 FROM ballots WHERE round_id = NEW.round_id
    AND contest_id = NEW.contest_id AND voter_key = NEW.voter_key AND superseded = 0)
BEGIN
    SELECT RAISE(ABORT, 'a voter key has one live ballot in a contest and round');
END;

-- A stored ballot changes in two ways only: a revote supersedes it (while it has a voter key),
-- and the close sets its voter key to the empty blob. It is never deleted.
CREATE TRIGGER ballots_no_update BEFORE UPDATE ON ballots
WHEN NEW.receipt IS NOT OLD.receipt OR NEW.round_id IS NOT OLD.round_id
    OR NEW.contest_id IS NOT OLD.contest_id OR NEW.nonce IS NOT OLD.nonce
    OR NEW.content IS NOT OLD.content
    OR (NEW.superseded IS NOT OLD.superseded
        AND NOT (OLD.superseded = 0 AND NEW.superseded = 1 AND length(OLD.voter_key) > 0))
    OR (NEW.voter_key IS NOT OLD.voter_key AND NEW.voter_key IS NOT X'')
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
