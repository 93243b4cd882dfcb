-- Cast ballots keyed for revoting and for the close (issue #6): the table of migration 0005 is
-- rebuilt with the key (round_id, contest_id, voter_key, receipt) as its only b-tree, the receipt
-- and the nonce as their bytes, and an empty voter key where 0005 had NULL. The one-live-ballot
-- rule moves from a partial unique index to a trigger. Ballots already cast are copied over
-- (hex decoded), in key order.
--
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
CREATE TABLE ballots_keyed (
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

INSERT INTO ballots_keyed (round_id, contest_id, voter_key, receipt, nonce, content, superseded)
SELECT round_id, contest_id, coalesce(voter_key, X''), unhex(receipt), unhex(nonce), content, superseded
FROM ballots ORDER BY round_id, contest_id, coalesce(voter_key, X''), receipt;

-- Dropping the old table drops its index and triggers first, so the copy trips none of them.
DROP TABLE ballots;
ALTER TABLE ballots_keyed RENAME TO ballots;

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
