package api

import (
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/govboard/govboard/elections"
	"github.com/govboard/govboard/pkg/jwtauth"
)

// identity is the verified caller of a request.
type identity struct {
	actor  elections.Actor
	claims *jwtauth.Claims
}

// identityKey is where requireRole leaves the caller's identity in the echo context.
const identityKey = "govboard.identity"

// callerOf returns the identity that requireRole verified; only routes with Roles have one.
func callerOf(c echo.Context) identity {
	id, _ := c.Get(identityKey).(identity)
	return id
}

// requireRole admits a request only with a valid bearer token whose role is one of roles:
// 401 without a token or with an invalid one, 403 with a valid token of another role.
func (s *Server) requireRole(roles []elections.Role) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			id, err := s.authenticate(c)
			if err != nil {
				return err
			}
			if !slices.Contains(roles, id.actor.Role) {
				return errorf(elections.EFORBIDDEN, "this needs the role %s; your token is for the role %s",
					joinRoles(roles), id.actor.Role)
			}
			c.Set(identityKey, id)
			return next(c)
		}
	}
}

// authenticate verifies the bearer token of the request.
func (s *Server) authenticate(c echo.Context) (identity, error) {
	h := c.Response().Header()
	scheme, token, _ := strings.Cut(c.Request().Header.Get(echo.HeaderAuthorization), " ")
	if scheme == "" {
		h.Set(echo.HeaderWWWAuthenticate, `Bearer realm="govboard"`)
		return identity{}, errorf(elections.EUNAUTHORIZED,
			"this needs an access token: send the header Authorization: Bearer <token>")
	}
	if !strings.EqualFold(scheme, "Bearer") || token == "" {
		h.Set(echo.HeaderWWWAuthenticate, `Bearer realm="govboard", error="invalid_request"`)
		return identity{}, errorf(elections.EUNAUTHORIZED, `the Authorization header must be "Bearer <token>"`)
	}
	claims, err := s.tokens.Verify(token)
	var actor elections.Actor
	if err == nil {
		actor, err = actorOf(claims)
	}
	if err != nil {
		// The reason is logged for the operator (never the token); the caller learns only
		// that the token was refused.
		s.log.LogAttrs(c.Request().Context(), slog.LevelInfo, "access token refused",
			slog.String("request_id", requestIDOf(c)), slog.String("reason", err.Error()))
		h.Set(echo.HeaderWWWAuthenticate, `Bearer realm="govboard", error="invalid_token"`)
		return identity{}, errorf(elections.EUNAUTHORIZED, "the access token is invalid or has expired")
	}
	return identity{actor: actor, claims: claims}, nil
}

// userSubject is the token subject of an account: "user:<id>", as elections.Actor names it.
func userSubject(id int64) string { return elections.Actor{Kind: elections.ActorUser, ID: id}.String() }

// memberSubject is the token subject of a member: "member:<external id>".
func memberSubject(externalID string) string { return elections.ActorMember + ":" + externalID }

// actorOf returns the actor a token speaks for. Account tokens have the subject "user:<id>"
// and an account role; member tokens have the subject "member:<external id>", the role member
// and the scope "election:<id>" of the election they were issued for (a member token without
// a scope speaks for no election, so that every member action refuses it).
func actorOf(cl *jwtauth.Claims) (elections.Actor, error) {
	role, err := elections.ParseRole(cl.Role)
	if err != nil {
		return elections.Actor{}, err
	}
	kind, rest, _ := strings.Cut(cl.Subject, ":")
	switch {
	case kind == elections.ActorUser && role != elections.RoleMember:
		id, err := strconv.ParseInt(rest, 10, 64)
		if err != nil || id <= 0 {
			return elections.Actor{}, errorf(elections.EUNAUTHORIZED, "malformed subject %q", cl.Subject)
		}
		return elections.Actor{Kind: elections.ActorUser, ID: id, Role: role}, nil
	case kind == elections.ActorMember && role == elections.RoleMember && rest != "":
		election, err := scopedElection(cl.Scope)
		if err != nil {
			return elections.Actor{}, err
		}
		return elections.MemberActor(rest, election), nil
	}
	return elections.Actor{}, errorf(elections.EUNAUTHORIZED, "subject %q does not fit role %s", cl.Subject, role)
}

// scopedElection returns the election of a member token's scope "election:<id>"; 0 when the
// token has no scope.
func scopedElection(scope string) (int64, error) {
	if scope == "" {
		return 0, nil
	}
	rest, ok := strings.CutPrefix(scope, "election:")
	id, err := strconv.ParseInt(rest, 10, 64)
	if !ok || err != nil || id <= 0 {
		return 0, errorf(elections.EUNAUTHORIZED, "malformed scope %q", scope)
	}
	return id, nil
}

// joinRoles names roles for a message, e.g. "officer or auditor".
func joinRoles(roles []elections.Role) string {
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = string(r)
	}
	return strings.Join(names, " or ")
}

// loginRequest is the body of POST /auth/login.
type loginRequest struct {
	// Email is the account's e-mail address.
	Email string `json:"email"`
	// Password is the account's password.
	Password string `json:"password"`
}

// tokenResponse is an issued access token.
type tokenResponse struct {
	// Token is the access token, sent back as "Authorization: Bearer <token>".
	Token string `json:"token"`
	// ExpiresAt is when the token stops being accepted, in UTC.
	ExpiresAt time.Time `json:"expires_at"`
}

func toTokenResponse(token string, expiresAt time.Time) tokenResponse {
	return tokenResponse{Token: token, ExpiresAt: expiresAt.UTC()}
}

// login exchanges an e-mail address and password for an access token. An unknown address and
// a wrong password get the same 401 (the domain makes them take the same time) and the same
// rate limit per e-mail address.
func (s *Server) login(c echo.Context) error {
	var req loginRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	if err := s.limits.byAccount(c, req.Email); err != nil {
		return err
	}
	u, err := s.svc.Authenticate(c.Request().Context(), req.Email, req.Password)
	if err != nil {
		return err
	}
	token, exp, err := s.tokens.Issue(userSubject(u.ID), string(u.Role), "")
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toTokenResponse(token, exp))
}

// meResponse is the caller's identity.
type meResponse struct {
	// Subject is the token's subject, e.g. "user:3".
	Subject string `json:"subject"`
	// Role is the role the token was issued for.
	Role string `json:"role"`
	// Email is the account's e-mail address; empty for a member.
	Email string `json:"email,omitempty"`
	// Member is a member's external id, and Election the election their token is for; both
	// empty for an account.
	Member   string `json:"member,omitempty"`
	Election int64  `json:"election,omitempty"`
	// ExpiresAt is when the token expires, in UTC.
	ExpiresAt time.Time `json:"expires_at"`
}

func toMeResponse(cl *jwtauth.Claims, a elections.Actor, u *elections.User) meResponse {
	r := meResponse{Subject: cl.Subject, Role: cl.Role, ExpiresAt: cl.ExpiresAt.UTC(), Member: a.Member, Election: a.Election}
	if u != nil {
		r.Email = u.Email
	}
	return r
}

// me returns who the caller is: for a member, also the member and the election of the token.
// A token of an account that no longer exists is refused.
func (s *Server) me(c echo.Context) error {
	id := callerOf(c)
	var u *elections.User
	if id.actor.Kind == elections.ActorUser {
		var err error
		u, err = s.svc.UserByID(c.Request().Context(), id.actor.ID)
		if elections.ErrorCode(err) == elections.ENOTFOUND {
			return errorf(elections.EUNAUTHORIZED, "the account of this token no longer exists")
		}
		if err != nil {
			return err
		}
	}
	return c.JSON(http.StatusOK, toMeResponse(id.claims, id.actor, u))
}

// keys publishes the public keys that verify access tokens (a JWK set, RFC 7517).
func (s *Server) keys(c echo.Context) error {
	return c.JSON(http.StatusOK, s.tokens.JWKS())
}
