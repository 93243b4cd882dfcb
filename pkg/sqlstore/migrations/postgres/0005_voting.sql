-- Voting: the per-election secret, rounds and their ballots, the cast ballots, who voted, and
-- the counts. Also the revoting setting of contests and the runoff rule of charters.
--
-- Conventions as in 0003: text that may be empty is NOT NULL ''; times are UTC, NULL when
-- something has not happened yet; JSON is kept as text so that it reads back byte for byte.
-- Keys that lists are ordered by use the "C" collation.
--
-- Secrecy (DESIGN.md §6): the ballots table holds nothing that joins a ballot to a voter. It
-- has no member, no time and no serial column (it is keyed by random values: the voter key and
-- the receipt), so that neither a column nor an order of insertion can be matched against
-- participation, which is stored apart. The one link is voter_key, an HMAC of the member with
-- the election's secret, kept only while a round that allows revoting is open and cleared (set
-- to the empty bytea) when it closes.

-- Revoting is on by default (the last ballot counts). Adding a column with a constant default
-- rewrites no row, so the charters' immutability triggers are not involved.
ALTER TABLE contests ADD COLUMN revoting BOOLEAN NOT NULL DEFAULT true;

ALTER TABLE charters ADD COLUMN runoff_on_tie BOOLEAN NOT NULL DEFAULT false;

-- The HMAC secret of an election's voter keys, drawn when its first round opens. It never
-- changes: a new secret would unlink every open revote.
CREATE TABLE election_secrets (
    election_id BIGINT PRIMARY KEY REFERENCES elections (id),
    secret      BYTEA  NOT NULL CHECK (octet_length(secret) >= 16)
);

CREATE FUNCTION election_secrets_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'election secrets are immutable';
END;
$$;

CREATE TRIGGER election_secrets_no_change BEFORE UPDATE OR DELETE ON election_secrets
    FOR EACH ROW EXECUTE FUNCTION election_secrets_immutable();

CREATE TRIGGER election_secrets_no_truncate BEFORE TRUNCATE ON election_secrets
    FOR EACH STATEMENT EXECUTE FUNCTION election_secrets_immutable();

-- Voting rounds, numbered from 1 in each election. A round is open, then closed: closed_at and
-- closed_by are set exactly when it is closed. The seed is drawn at the opening and only its
-- SHA-256 (seed_commitment) is shown until the close.
CREATE TABLE rounds (
    id              BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    election_id     BIGINT      NOT NULL REFERENCES elections (id),
    number          INTEGER     NOT NULL CHECK (number >= 1),
    runoff          BOOLEAN     NOT NULL,
    state           TEXT        NOT NULL CHECK (state IN ('open', 'closed')),
    opened_at       TIMESTAMPTZ NOT NULL,
    closes_at       TIMESTAMPTZ NOT NULL,
    closed_at       TIMESTAMPTZ,
    closed_by       TEXT        CHECK (closed_by IN ('officer', 'schedule')),
    seed_commitment TEXT        NOT NULL CHECK (seed_commitment ~ '^[0-9a-f]{64}$'),
    seed            BYTEA       NOT NULL CHECK (octet_length(seed) >= 16),
    UNIQUE (election_id, number),
    CHECK ((state = 'closed') = (closed_at IS NOT NULL)),
    CHECK ((closed_at IS NULL) = (closed_by IS NULL))
);

-- What identifies a round and its seed never changes, and a closed round is final: the only
-- changes are an extension of closes_at and the close itself.
CREATE FUNCTION rounds_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'a round only closes or has its closing time moved while open';
END;
$$;

CREATE TRIGGER rounds_no_rewrite BEFORE UPDATE ON rounds FOR EACH ROW
    WHEN (NEW.id IS DISTINCT FROM OLD.id OR NEW.election_id IS DISTINCT FROM OLD.election_id
        OR NEW.number IS DISTINCT FROM OLD.number OR NEW.runoff IS DISTINCT FROM OLD.runoff
        OR NEW.opened_at IS DISTINCT FROM OLD.opened_at
        OR NEW.seed_commitment IS DISTINCT FROM OLD.seed_commitment OR NEW.seed IS DISTINCT FROM OLD.seed
        OR (OLD.state = 'closed' AND (NEW.state IS DISTINCT FROM OLD.state
            OR NEW.closes_at IS DISTINCT FROM OLD.closes_at OR NEW.closed_at IS DISTINCT FROM OLD.closed_at
            OR NEW.closed_by IS DISTINCT FROM OLD.closed_by)))
    EXECUTE FUNCTION rounds_immutable();

CREATE TRIGGER rounds_no_delete BEFORE DELETE ON rounds
    FOR EACH ROW EXECUTE FUNCTION rounds_immutable();

CREATE TRIGGER rounds_no_truncate BEFORE TRUNCATE ON rounds
    FOR EACH STATEMENT EXECUTE FUNCTION rounds_immutable();

-- The ballot of each contest of a round, fixed at the opening: the method and its ballot kind,
-- the seats, the marks and points allowed, and the candidates in canonical order (a JSON array
-- of objects: id, name, pronouns, affiliation, member).
CREATE TABLE round_contests (
    round_id    BIGINT  NOT NULL REFERENCES rounds (id),
    contest_id  BIGINT  NOT NULL REFERENCES contests (id),
    method      TEXT    NOT NULL CHECK (method <> ''),
    kind        TEXT    NOT NULL CHECK (kind IN ('ranking', 'approval', 'points', 'confidence')),
    seats       INTEGER NOT NULL CHECK (seats >= 1),
    max_marks   INTEGER NOT NULL CHECK (max_marks >= 0),
    points      INTEGER NOT NULL CHECK (points >= 0),
    revoting    BOOLEAN NOT NULL,
    allows_ties BOOLEAN NOT NULL,
    candidates  TEXT    NOT NULL CHECK (json_typeof(candidates::json) = 'array'),
    PRIMARY KEY (round_id, contest_id)
);

CREATE INDEX round_contests_contest ON round_contests (contest_id);

CREATE FUNCTION round_contests_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the ballots of a round are fixed when it opens';
END;
$$;

CREATE TRIGGER round_contests_no_change BEFORE UPDATE OR DELETE ON round_contests
    FOR EACH ROW EXECUTE FUNCTION round_contests_immutable();

CREATE TRIGGER round_contests_no_truncate BEFORE TRUNCATE ON round_contests
    FOR EACH STATEMENT EXECUTE FUNCTION round_contests_immutable();

-- Cast ballots, with no member, no time and no serial column, keyed by (round_id, contest_id,
-- voter_key, receipt). The key's index is the table's only one: a cast writes the heap and
-- the one index leaf its key falls in. A second index, even a partial one, would cost every
-- cast a second page at a random place.
--
-- voter_key is the HMAC of the member with the election's secret while the round is open and
-- the contest allows revoting, and the empty bytea otherwise: in a contest without revoting
-- from the start, and in every contest from the close on, which sets the key of every ballot
-- of the round to the empty bytea. That writes a new version of every ballot row of the
-- round, so that no row keeps the transaction id (xmin) of the batch that cast it, which was
-- also the transaction id of the voters' participation rows. While a revote is possible, the
-- revote's look-up of the live ballot to supersede is a prefix of the key. With the empty key,
-- the ballots of a contest are in receipt order (the SHA-256 over the contest, the round, the
-- canonical content and the random nonce) in the index, and read in that order.
--
-- The receipt and the nonce are stored as their 32 and 16 bytes (the store takes and gives
-- them as lower-case hex, which sorts as the bytes do): rows and index entries a third
-- smaller than with the hex.
--
-- The receipt alone is not declared unique: that would be a second index in a random order.
-- Receipts cannot collide in practice: each hashes a 128-bit nonce from crypto/rand, so that
-- even a billion ballots share one with a probability below 2^-68. CastBallots refuses a
-- receipt given twice in one batch, and where the key is empty the key itself refuses a
-- receipt stored twice in a contest. (A receipt stored twice under two voter keys would make
-- the close fail on the key, rather than keep two ballots that nothing tells apart.)
CREATE TABLE ballots (
    round_id   BIGINT  NOT NULL,
    contest_id BIGINT  NOT NULL,
    voter_key  BYTEA   NOT NULL CHECK (octet_length(voter_key) = 0 OR octet_length(voter_key) >= 16),
    receipt    BYTEA   NOT NULL CHECK (octet_length(receipt) = 32),
    nonce      BYTEA   NOT NULL CHECK (octet_length(nonce) = 16),
    content    TEXT    NOT NULL CHECK (content ~ '^[a-z]+:'),
    superseded BOOLEAN NOT NULL,
    PRIMARY KEY (round_id, contest_id, voter_key, receipt),
    FOREIGN KEY (round_id, contest_id) REFERENCES round_contests (round_id, contest_id)
);

-- A ballot goes only into an open round. (Whether its closing time has passed is for the store
-- to check against the clock, in the same transaction.)
CREATE FUNCTION ballots_open_round() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM rounds WHERE id = NEW.round_id AND state = 'open') THEN
        RAISE EXCEPTION 'ballots are cast only in an open round';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER ballots_open_round BEFORE INSERT ON ballots
    FOR EACH ROW EXECUTE FUNCTION ballots_open_round();

-- At most one live (not superseded) ballot per voter key in a contest and round, whoever
-- writes: a ballot with a key is refused while another with the same key is live. The look-up
-- is a prefix of the key. Two transactions inserting the same key take turns on an advisory
-- lock, held until they end, of the class "vote" (0x766f7465, apart from the locks of
-- sqlstore.Lock) and the key's first four bytes (the key is an HMAC: keys that share them
-- only wait for each other). The look-up comes after the lock: the function is volatile, so
-- under READ COMMITTED (the store's isolation) it sees what the transaction it waited for
-- committed.
CREATE FUNCTION ballots_one_live() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(1987015781,
        ('x' || encode(substring(NEW.voter_key FROM 1 FOR 4), 'hex'))::bit(32)::integer);
    IF EXISTS (SELECT 1 FROM ballots WHERE round_id = NEW.round_id AND contest_id = NEW.contest_id
            AND voter_key = NEW.voter_key AND NOT superseded) THEN
        RAISE EXCEPTION 'a voter key has one live ballot in a contest and round';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER ballots_one_live BEFORE INSERT ON ballots FOR EACH ROW
    WHEN (octet_length(NEW.voter_key) > 0) EXECUTE FUNCTION ballots_one_live();

-- A stored ballot changes in two ways only: a revote supersedes it (while it has a voter key),
-- and the close sets its voter key to the empty bytea. It is never deleted.
CREATE FUNCTION ballots_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ballots are only superseded or have their voter key cleared';
END;
$$;

CREATE TRIGGER ballots_no_update BEFORE UPDATE ON ballots FOR EACH ROW
    WHEN (NEW.receipt IS DISTINCT FROM OLD.receipt OR NEW.round_id IS DISTINCT FROM OLD.round_id
        OR NEW.contest_id IS DISTINCT FROM OLD.contest_id OR NEW.nonce IS DISTINCT FROM OLD.nonce
        OR NEW.content IS DISTINCT FROM OLD.content
        OR (NEW.superseded IS DISTINCT FROM OLD.superseded
            AND NOT (NOT OLD.superseded AND NEW.superseded AND octet_length(OLD.voter_key) > 0))
        OR (NEW.voter_key IS DISTINCT FROM OLD.voter_key AND NEW.voter_key IS DISTINCT FROM '\x'::bytea))
    EXECUTE FUNCTION ballots_immutable();

CREATE TRIGGER ballots_no_delete BEFORE DELETE ON ballots
    FOR EACH ROW EXECUTE FUNCTION ballots_immutable();

CREATE TRIGGER ballots_no_truncate BEFORE TRUNCATE ON ballots
    FOR EACH STATEMENT EXECUTE FUNCTION ballots_immutable();

-- Who has voted in which contest of which round, by member external id, once: nothing about
-- how, or when. It is never changed.
CREATE TABLE participation (
    contest_id BIGINT NOT NULL,
    round_id   BIGINT NOT NULL,
    member     TEXT   COLLATE "C" NOT NULL CHECK (member <> ''),
    PRIMARY KEY (contest_id, round_id, member),
    FOREIGN KEY (round_id, contest_id) REFERENCES round_contests (round_id, contest_id)
);

CREATE FUNCTION participation_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'participation records are immutable';
END;
$$;

CREATE TRIGGER participation_no_change BEFORE UPDATE OR DELETE ON participation
    FOR EACH ROW EXECUTE FUNCTION participation_immutable();

CREATE TRIGGER participation_no_truncate BEFORE TRUNCATE ON participation
    FOR EACH STATEMENT EXECUTE FUNCTION participation_immutable();

-- The count of each contest, by the round counted (0 for a contest decided without a vote,
-- hence a plain column rather than a reference). A recount replaces the row; a runoff's count
-- is a row of its own beside the first count's. elected, vacant_seats and runoff are JSON
-- (null when absent); report is the pkg/tally/report JSON as written, NULL without one.
CREATE TABLE contest_results (
    contest_id   BIGINT      NOT NULL REFERENCES contests (id),
    round_id     BIGINT      NOT NULL CHECK (round_id >= 0),
    outcome      TEXT        NOT NULL CHECK (outcome <> ''),
    void         BOOLEAN     NOT NULL,
    void_reason  TEXT        NOT NULL,
    roll_size    INTEGER     NOT NULL CHECK (roll_size >= 0),
    voters       INTEGER     NOT NULL CHECK (voters >= 0),
    ballots      INTEGER     NOT NULL CHECK (ballots >= 0),
    superseded   INTEGER     NOT NULL CHECK (superseded >= 0),
    elected      TEXT        NOT NULL CHECK (json_typeof(elected::json) IN ('array', 'null')),
    vacant_seats TEXT        NOT NULL CHECK (json_typeof(vacant_seats::json) IN ('array', 'null')),
    runoff       TEXT        CHECK (json_typeof(runoff::json) = 'object'),
    report       TEXT        CHECK (report IS NULL OR report::json IS NOT NULL),
    counted_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (contest_id, round_id),
    CHECK (NOT void OR void_reason <> '')
);
