-- Voting: the per-election secret, rounds and their ballots, the cast ballots, who voted, and
-- the counts. Also the revoting setting of contests and the runoff rule of charters.
--
-- Conventions as in 0003: text that may be empty is NOT NULL ''; times are UTC, NULL when
-- something has not happened yet; JSON is kept as text so that it reads back byte for byte.
-- Keys that lists are ordered by use the "C" collation.
--
-- Secrecy (DESIGN.md §6): the ballots table holds nothing that joins a ballot to a voter. It
-- has no member, no time and no serial column (it is keyed by the random receipt), so that
-- neither a column nor an order of insertion can be matched against participation, which is
-- stored apart. The one link is voter_key, an HMAC of the member with the election's secret,
-- kept only while a round that allows revoting is open and cleared when it closes.

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

-- Cast ballots, keyed by their receipt (the hex SHA-256 over the contest, the round, the
-- canonical content and the random nonce) within their contest and round, with no member, no
-- time and no serial column. The contest and round lead the key so that the ballots of a
-- contest are read in receipt order without a second index, which would cost every cast one
-- more page write. (The receipt alone is unique too: it hashes the contest and the round.) The
-- partial unique index keeps at most one live (not superseded) ballot per voter key in a
-- contest and round, whatever runs concurrently.
CREATE TABLE ballots (
    receipt    TEXT    COLLATE "C" NOT NULL CHECK (receipt ~ '^[0-9a-f]{64}$'),
    round_id   BIGINT  NOT NULL,
    contest_id BIGINT  NOT NULL,
    nonce      TEXT    NOT NULL CHECK (nonce ~ '^[0-9a-f]{32}$'),
    content    TEXT    NOT NULL CHECK (content ~ '^[a-z]+:'),
    superseded BOOLEAN NOT NULL,
    voter_key  BYTEA   CHECK (octet_length(voter_key) >= 16),
    PRIMARY KEY (round_id, contest_id, receipt),
    FOREIGN KEY (round_id, contest_id) REFERENCES round_contests (round_id, contest_id)
);

CREATE UNIQUE INDEX ballots_live_voter ON ballots (round_id, contest_id, voter_key)
    WHERE voter_key IS NOT NULL AND NOT superseded;

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

-- A stored ballot changes in two ways only: a revote supersedes it (while it has a voter key),
-- and the close clears its voter key. It is never deleted.
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
            AND NOT (NOT OLD.superseded AND NEW.superseded AND OLD.voter_key IS NOT NULL))
        OR (NEW.voter_key IS DISTINCT FROM OLD.voter_key AND NEW.voter_key IS NOT NULL))
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
