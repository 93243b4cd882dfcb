-- Cast ballots keyed for revoting and for the close (issue #6): the table of migration 0005 is
-- rebuilt with the key (round_id, contest_id, voter_key, receipt) as its only b-tree, the receipt
-- and the nonce as their bytes, and an empty voter key where 0005 had NULL. The one-live-ballot
-- rule moves from a partial unique index to a trigger. Ballots already cast are copied over
-- (hex decoded), in key order.
--
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
CREATE TABLE ballots_keyed (
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

INSERT INTO ballots_keyed (round_id, contest_id, voter_key, receipt, nonce, content, superseded)
SELECT round_id, contest_id, coalesce(voter_key, '\x'::bytea), decode(receipt, 'hex'), decode(nonce, 'hex'), content, superseded
FROM ballots ORDER BY round_id, contest_id, coalesce(voter_key, '\x'::bytea), decode(receipt, 'hex');

-- Dropping the old table drops its index and triggers (not their functions, which stay in
-- use); the new table takes its name and its key's name.
DROP TABLE ballots;
ALTER TABLE ballots_keyed RENAME TO ballots;
ALTER INDEX ballots_keyed_pkey RENAME TO ballots_pkey;

-- The functions of migration 0005 (ballots_open_round, ballots_immutable) serve the new
-- table's triggers as they served the old one's.
-- A ballot goes only into an open round. (Whether its closing time has passed is for the store
-- to check against the clock, in the same transaction.)

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
