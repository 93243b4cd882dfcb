// Package api is govboard's HTTP transport (DESIGN.md §7, §8) on echo v4.
//
// It holds one route table with the roles allowed on each route (Routes), thin handlers that
// decode a request struct, make one call on elections.Service and encode a response struct,
// one error handler that turns every error into an application/problem+json document
// (RFC 9457) with a stable code, the middleware every request passes through (request id,
// access log, metrics, recovery, body limit, timeout) and the OpenAPI document of the routes.
//
// The package never touches storage: it knows only elections.Service and a token issuer and
// verifier (Tokens).
package api
