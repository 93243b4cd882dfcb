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
//	audit/chain.jsonl                   every audit entry up to the head as {"id", "prev_hash", "hash"}, one a line
//	audit/entries.jsonl                 this election's entries in full, one a line: {"id", "at", "actor", "kind",
//	                                    "election", "payload", "prev_hash", "hash"}; payload is the stored JSON
//	                                    verbatim ("payload_text" holds it as a string when it is not one line of
//	                                    valid JSON)
//	audit/head.json                     the head of the audit log {"id", "prev_hash", "hash"}
//
// # Verification
//
// Verify checks, and names in its Report, each of: the signature of manifest.json (against a
// trusted key, or else the bundle's own key, which it says proves nothing on its own); the
// manifest (every file listed, present, of its size and SHA-256, nothing else, no unsafe or
// repeated path); per round, the seed against its commitment and against the round.opened and
// round.closed audit entries; the ballots' receipts, recomputed from each ballot's choices and
// nonce, and the multiset of receipts against the ballots.accepted audit entries; the ballot
// files (ballots.json in canonical form, ballots.blt the same ballots); a recount of every round
// with pkg/tally compared with report.json round by round, then byte for byte; and the audit
// chain (links consecutive, head as recorded, every entry hashing to its link).
package bundle
