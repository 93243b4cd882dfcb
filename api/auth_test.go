package api_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/pkg/jwtauth"
)

// hostileTokens are tokens that must all be refused with 401.
type hostileTokens struct {
	expired, wrongAudience, wrongIssuer, algNone, escalated, hs256WithPublicKey, unknownKid,
	unknownRole, memberAsUser string
}

func (e *env) hostileTokens() hostileTokens {
	e.t.Helper()
	t := e.t
	expired := e.manager(func(c *jwtauth.Config) { c.Now = func() time.Time { return start.Add(-2 * tokenTTL) } })
	wrongAud := e.manager(func(c *jwtauth.Config) { c.Audience = "another-service" })
	wrongIss := e.manager(func(c *jwtauth.Config) { c.Issuer = "someone-else" })
	_, otherKey, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	otherSigner := e.manager(func(c *jwtauth.Config) { c.Signing = jwtauth.Ed25519Key(otherKey) })
	kid := jwtauth.Ed25519Key(e.key).ID
	claims := jwt.MapClaims{
		"iss": issuer, "aud": audience, "sub": subject(e.admin), "role": "admin",
		"iat": start.Unix(), "nbf": start.Unix(), "exp": start.Add(time.Hour).Unix(),
	}
	none := jwt.NewWithClaims(jwt.SigningMethodNone, claims)
	none.Header["kid"] = kid
	algNone, err := none.SignedString(jwt.UnsafeAllowNoneSignatureType)
	if err != nil {
		t.Fatal(err)
	}
	hs := jwt.NewWithClaims(jwt.SigningMethodHS256, claims)
	hs.Header["kid"] = kid
	hs256, err := hs.SignedString([]byte(e.key.Public().(ed25519.PublicKey)))
	if err != nil {
		t.Fatal(err)
	}
	return hostileTokens{
		expired:            e.issue(expired, subject(e.admin), "admin"),
		wrongAudience:      e.issue(wrongAud, subject(e.admin), "admin"),
		wrongIssuer:        e.issue(wrongIss, subject(e.admin), "admin"),
		algNone:            algNone,
		escalated:          withClaim(t, e.officerToken, "role", "admin"),
		hs256WithPublicKey: hs256,
		unknownKid:         e.issue(otherSigner, subject(e.admin), "admin"),
		unknownRole:        e.issue(e.tokens, subject(e.admin), "superuser"),
		memberAsUser:       e.issue(e.tokens, subject(e.admin), "member"),
	}
}

// withClaim returns token with one payload claim changed and the original signature kept.
func withClaim(t *testing.T, token, name, value string) string {
	t.Helper()
	parts := strings.Split(token, ".")
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims map[string]any
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatal(err)
	}
	claims[name] = value
	b, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	parts[1] = base64.RawURLEncoding.EncodeToString(b)
	return strings.Join(parts, ".")
}

func TestAuthScenarios(t *testing.T) {
	e := newEnv(t)
	bad := e.hostileTokens()
	member := e.issue(e.tokens, "member:7", "member")
	gone := e.issue(e.tokens, "user:999", "admin")
	login := func(email, pw string) string { return jsonBody(t, map[string]string{"email": email, "password": pw}) }
	const (
		me    = "/api/v1/auth/me"
		users = "/api/v1/users"
	)
	invalidToken := map[string]string{"WWW-Authenticate": `Bearer realm="govboard", error="invalid_token"`}
	refused := func(name, url, token string) scenario {
		return scenario{name: name, method: "GET", url: url, token: token, wantStatus: http.StatusUnauthorized,
			wantCode: "unauthorized", wantHeader: invalidToken, wantContains: []string{"invalid or has expired"},
			mustNotContain: []string{token}}
	}
	e.run(t, []scenario{
		{name: "login", method: "POST", url: "/api/v1/auth/login", body: login(adminEmail, adminPassword),
			wantStatus: http.StatusOK, wantContains: []string{`"token":"ey`, `"expires_at":"2026-03-01T11:00:00Z"`},
			mustNotContain: []string{adminPassword}},
		{name: "login normalises the address", method: "POST", url: "/api/v1/auth/login",
			body: login("  Officer@Example.ORG ", officerPass), wantStatus: http.StatusOK},
		{name: "login wrong password", method: "POST", url: "/api/v1/auth/login", body: login(adminEmail, "not the password"),
			wantStatus: http.StatusUnauthorized, wantCode: "unauthorized", wantContains: []string{"wrong e-mail address or password"},
			mustNotContain: []string{"token\""}},
		{name: "login unknown address", method: "POST", url: "/api/v1/auth/login", body: login("nobody@example.org", adminPassword),
			wantStatus: http.StatusUnauthorized, wantCode: "unauthorized", wantContains: []string{"wrong e-mail address or password"}},
		{name: "login without password", method: "POST", url: "/api/v1/auth/login", body: `{"email":"admin@example.org"}`,
			wantStatus: http.StatusUnauthorized, wantCode: "unauthorized"},
		{name: "login with GET", method: "GET", url: "/api/v1/auth/login",
			wantStatus: http.StatusMethodNotAllowed, wantCode: "method_not_allowed", wantHeader: map[string]string{"Allow": "OPTIONS, POST"}},

		{name: "me without token", method: "GET", url: me, wantStatus: http.StatusUnauthorized, wantCode: "unauthorized",
			wantHeader: map[string]string{"WWW-Authenticate": `Bearer realm="govboard"`}, wantContains: []string{"Authorization: Bearer"}},
		{name: "me with basic auth", method: "GET", url: me, header: map[string]string{"Authorization": "Basic YWRtaW46YWRtaW4="},
			wantStatus: http.StatusUnauthorized, wantCode: "unauthorized",
			wantHeader: map[string]string{"WWW-Authenticate": `Bearer realm="govboard", error="invalid_request"`}},
		{name: "me as admin", method: "GET", url: me, token: e.adminToken, wantStatus: http.StatusOK,
			wantContains: []string{`"subject":"` + subject(e.admin) + `"`, `"role":"admin"`, `"email":"admin@example.org"`,
				`"expires_at":"2026-03-01T11:00:00Z"`}},
		{name: "me as officer", method: "GET", url: me, token: e.officerToken, wantStatus: http.StatusOK,
			wantContains: []string{`"role":"officer"`, `"email":"officer@example.org"`}},
		{name: "me as member", method: "GET", url: me, token: member, wantStatus: http.StatusOK,
			wantContains: []string{`"subject":"member:7"`, `"role":"member"`}, mustNotContain: []string{"email"}},
		{name: "me for a deleted account", method: "GET", url: me, token: gone, wantStatus: http.StatusUnauthorized,
			wantCode: "unauthorized", wantContains: []string{"no longer exists"}},
		refused("expired token", me, bad.expired),
		refused("token for another audience", me, bad.wrongAudience),
		refused("token from another issuer", me, bad.wrongIssuer),
		refused("alg none", users, bad.algNone),
		refused("officer token with role changed to admin", users, bad.escalated),
		refused("HS256 token signed with the public key", users, bad.hs256WithPublicKey),
		refused("token signed with an unknown key", users, bad.unknownKid),
		refused("token with an unknown role", me, bad.unknownRole),
		refused("account subject with the member role", me, bad.memberAsUser),
		refused("garbage token", me, "not-a-jwt"),

		{name: "keys", method: "GET", url: "/api/v1/auth/keys", wantStatus: http.StatusOK,
			wantContains:   []string{`"kty":"OKP"`, `"crv":"Ed25519"`, `"alg":"EdDSA"`, `"kid":"` + jwtauth.Ed25519Key(e.key).ID + `"`},
			mustNotContain: []string{`"d":`}},

		{name: "officer on an admin-only route", method: "GET", url: users, token: e.officerToken,
			wantStatus: http.StatusForbidden, wantCode: "forbidden", wantContains: []string{"needs the role admin"}},
		{name: "auditor on an admin-only route", method: "GET", url: users, token: e.auditorToken,
			wantStatus: http.StatusForbidden, wantCode: "forbidden"},
		{name: "member on an admin-only route", method: "GET", url: users, token: member,
			wantStatus: http.StatusForbidden, wantCode: "forbidden"},
		{name: "officer on the officer route", method: "GET", url: "/api/v1/audit/events", token: e.officerToken,
			wantStatus: http.StatusOK},
		{name: "admin is not an officer", method: "GET", url: "/api/v1/audit/events", token: e.adminToken,
			wantStatus: http.StatusForbidden, wantCode: "forbidden", wantContains: []string{"officer or auditor"}},
	})
}

// An unknown address and a wrong password must not be told apart by the answer: with the same
// request id, the two responses are byte for byte the same.
func TestLoginFailuresLookAlike(t *testing.T) {
	e := newEnv(t)
	answer := func(email, pw string) (http.Header, []byte) {
		rec := e.do(request{method: "POST", url: "/api/v1/auth/login",
			body:   jsonBody(t, map[string]string{"email": email, "password": pw}),
			header: map[string]string{"X-Request-ID": "same-id"}})
		if rec.Code != http.StatusUnauthorized {
			t.Fatalf("login %s: status %d", email, rec.Code)
		}
		return rec.Header(), rec.Body.Bytes()
	}
	h1, wrongPassword := answer(adminEmail, "wrong password 123")
	h2, unknownEmail := answer("nobody@example.org", "wrong password 123")
	if !bytes.Equal(wrongPassword, unknownEmail) {
		t.Errorf("bodies differ:\nwrong password: %s\nunknown e-mail: %s", wrongPassword, unknownEmail)
	}
	if diff := cmp.Diff(h1, h2); diff != "" {
		t.Errorf("headers differ (-wrong password +unknown e-mail):\n%s", diff)
	}
}

// The server checks expiry with the injected clock.
func TestTokenExpiresOnTheClock(t *testing.T) {
	e := newEnv(t)
	token := e.login(officerEmail, officerPass)
	if rec := e.do(request{method: "GET", url: "/api/v1/auth/me", token: token}); rec.Code != http.StatusOK {
		t.Fatalf("fresh token: status %d: %s", rec.Code, rec.Body)
	}
	e.clock.Advance(tokenTTL + time.Second)
	rec := e.do(request{method: "GET", url: "/api/v1/auth/me", token: token})
	if p := problem(t, rec); rec.Code != http.StatusUnauthorized || p.Code != "unauthorized" {
		t.Fatalf("expired token: status %d code %q", rec.Code, p.Code)
	}
}
