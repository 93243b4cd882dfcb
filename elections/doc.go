// Package elections is govboard's domain: the board and its constituencies and seats, members,
// yearly elections and their contests, nominations, voting rounds, ballots, results and the audit
// trail (DESIGN.md). The use cases live on Service; storage is the Store interface declared here
// and implemented elsewhere (pkg/sqlstore). The package imports the standard library and
// pkg/tally only.
//
// Glossary:
//   - User: an account that signs in with a password: an officer, an auditor or an admin.
//   - Role: what a caller may do: member (votes), officer (runs elections), auditor (reads
//     everything but how an identified voter voted), admin (manages accounts and keys).
//   - Actor: who performs an action (an account, a member, the command line, the service),
//     as the audit trail records it.
//   - Event: one entry of the append-only audit trail: what changed, when, by whom.
//   - Error: a domain error with a stable code (EINVALID, ENOTFOUND, ECONFLICT, …) and a
//     message safe to show.
package elections
