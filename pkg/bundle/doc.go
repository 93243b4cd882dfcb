// Package bundle writes and verifies an election's results bundle (DESIGN.md §6, issue #7):
// one gzip-compressed tar file that lets anyone recount the election offline and check that
// nothing in it was changed after the service signed it.
//
// # Layout
//
// Every file is a regular file of mode 0644 whose modification time is the bundle's
// generated_at; files come in sorted path order, so that the same data gives the same bytes.
//
//	README.txt                          how to verify the bundle
//	manifest.json                       {"format": "govboard-bundle-v1", "election", "generated_at", "key_id",
//	                                     "audit_head": {"id", "hash"}, "files": [{"path", "sha256", "size"}, …]}
//	                                    listing every other file but manifest.sig, sorted by path
//	manifest.sig                        base64 (standard, with padding) of the Ed25519 signature of the
//	                                    exact bytes of manifest.json, followed by a newline
//	key.json                            the signing public key as an RFC 8037 JWK {kty OKP, crv Ed25519, x,
//	                                    kid, alg, use}; kid is the RFC 7638 thumbprint (as at /api/v1/auth/keys)
//	key.pem                             the same key as a PEM "PUBLIC KEY" (for openssl)
//	election.json                       {"id", "title", "year", "status", "generated_at", "charter_version"}
//	charter.json                        the charter the election ran under (its charter.applied payload)
//	contests/<contest id>/result.json   the final result: outcome, elected with seat and term, vacant seats,
//	                                    void, turnout (roll size, voters, ballots, superseded)
//	contests/<contest id>/round-<n>/    one directory per round that voted on the contest, n the round's
//	                                    number in the election:
//	    count.json                      the count's inputs besides the ballots: round_id, round, runoff,
//	                                    method, seats, seed, points, term_labels, affiliation_cap,
//	                                    affiliation_held, affiliations; void and void_reason
//	    report.json                     the stored count report (pkg/tally/report JSON), as stored
//	    report.txt                      its count sheet (report.WriteText); both absent when void
//	    ballots.json                    the anonymised ballots (WriteBallotsJSON): pkg/tally/ballotfile JSON
//	                                    with receipt and nonce, superseded ballots apart
//	    ballots.blt                     the counted ballots as BLT (WriteBallotsBLT), rankings and approval only
//	    roll.json                       {"fingerprint", "size"} of the frozen roll
//	    seed.json                       {"seed": hex, "seed_sha256": the commitment published at the opening}
//	audit/chain.jsonl                   every audit entry up to the head, all elections, as its record
//	                                    (elections.ChainRecord) {"id", "at", "actor", "kind", "election",
//	                                    "payload_sha256", "prev_hash", "hash"}, one a line: each hash is
//	                                    recomputed from the record (elections.ChainRecordHash), no payload needed
//	audit/entries.jsonl                 this election's entries whose payload the bundle publishes
//	                                    (elections.BundlePayloadPublished: election.created, schedule and contest
//	                                    changes, roll.frozen, round.opened/extended/closed, ballots.accepted,
//	                                    election.counted, election.certified) in full, one a line: {"id", "at",
//	                                    "actor", "kind", "election", "payload", "prev_hash", "hash"}; payload is the
//	                                    stored JSON verbatim ("payload_text" holds it as a string when it is not
//	                                    one line of valid JSON). The election's other entries (access codes, roll
//	                                    entries, nominations, terms) name members: only their records are published.
//	audit/head.json                     the head of the audit log {"id", "prev_hash", "hash"}
//
// # Opening
//
// Open reads only the paths above, within Limits (DefaultLimits: 1 GiB in all, 512 MiB per
// file, 100,000 entries), refusing an archive from its entries' headers before reading their
// bytes; any other path is skipped unread and reported by the manifest check.
//
// # Verification
//
// Verify checks, and names in its Report (Check.Name), each of:
//
//   - signature: manifest.sig over manifest.json, by the trusted key (Options.Trusted), or by
//     the key of a trusted key set (a JWKS) whose kid is the manifest's key_id; without a
//     trusted key it fails, unless Options.TrustBundleKey accepts key.json's key, with a warning;
//   - manifest: every file listed, present, of its size and SHA-256, nothing else, no unsafe,
//     repeated or unknown path;
//   - audit chain: every record of chain.jsonl hashes to its hash and links to the one before
//     (ids increasing, the first with prev_hash ""), the last is head.json and the manifest's
//     audit_head;
//   - audit entries: every record of this election whose kind is published has its entry in
//     entries.jsonl, with the record's fields and a payload hashing to its payload_sha256, and
//     entries.jsonl holds nothing else;
//   - anchor, one per Options.Anchors (`govboard verify --head ID:HASH`): chain.jsonl holds the
//     entry of the anchor's id with the anchor's hash, so the log was only extended since the
//     anchor was taken; the detail counts the entries after it by kind;
//   - log order: the authoritative (last) election.counted follows the round.closed of every
//     round it counts; no election.counted follows election.certified, which comes once; no
//     contest.changed follows the first election.counted ("seats changed after the count
//     started");
//   - election: election.json against the manifest, election.created (title, year, charter
//     version), election.counted and election.certified; charter.json's version against
//     election.created (charter.json is otherwise informational);
//   - contests: the contests are those of election.created, every round directory has its
//     count.json, and every round that election.counted counted or ballots.accepted took
//     ballots in is in the bundle;
//   - per round: seed (against its commitment, round.opened and round.closed); roll (roll.json
//     against round.opened's ballot, a mismatch accepted with a note when roll.entry_added
//     records follow the opening); count (count.json's options and void against the count
//     recorded in the last election.counted's "rounds", report.json against its
//     report_sha256); count inputs (count.json against what the log recorded before the
//     count: method, points budget, affiliation cap and each candidate's affiliation of
//     round.opened; the seats of round.opened for a runoff, else the number of the contest's
//     seat keys as of the count, from the last contest.changed before the authoritative
//     election.counted or election.created; for a cap of scope contest, the seats held by the
//     winners a runoff keeps); candidates (ballots.json's title, candidates in order, method,
//     kind, seats and runoff against election.created and round.opened's ballot); receipts
//     (each recomputed from the ballot's choices and nonce, the multiset against the
//     ballots.accepted entries); counted receipts (elections.CountedReceiptsDigest of the
//     counted ballots against round.closed's counted_receipts_sha256: which ballots count,
//     not only how many); turnout (counted ballots against round.closed's voters and
//     election.counted's ballots, superseded too, and no more than round.opened's roll size
//     plus the roll.entry_added records after it); ballot files (ballots.json canonical,
//     ballots.blt the same ballots); recount (every round counted again with pkg/tally and
//     compared with report.json round by round, then byte for byte);
//   - result, per contest: result.json's name and constituency against election.created; its
//     winners in order against the recount of the contest's rounds, placed as the service
//     places them (the first round's winners in place order, a runoff freeing its candidates'
//     places and filling them with its winners; a runoff's candidates and seats those of the
//     tie of the recount before it), each on the seat and term of its place's term label, the
//     vacant seats those of the empty places, a pending runoff (seats, number of candidates,
//     tie) that of the last recount and of the runoff round opened after it, if any; every
//     seat one of the contest's seats as of the count; against the final result and the count
//     of election.counted (round, outcome, void, runoff, elected in order, each winner's
//     candidate, seat and term, vacant seats, turnout) and, once certified, the terms and
//     vacant seats of election.certified (each winner's seat held by one term, of that
//     candidate when the entry names it).
//
// The bundle's files are checked against the log, and the log against the chain; the count's
// inputs and the counted ballots against entries written before the count (round.opened,
// round.closed, contest.changed, election.created), and the results against the recount. A
// holder of the service's key who re-signs a bundle, or appends entries after the head (a
// second election.counted, a contest.changed), still cannot make it carry other results than
// the ballots give. What only election.counted records (term labels, the seats held against a
// cap of scope board) can be appended again by a key holder, but only after the head: the log
// order check then fails once the election is certified. A log rewritten as a whole, with the
// key and the database, is caught only by an anchor taken before.
package bundle
