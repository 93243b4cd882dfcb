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
package elections
