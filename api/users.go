package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/govboard/govboard/elections"
)

// userResponse is an account as the API shows it: never with its password hash.
type userResponse struct {
	// ID is the account's id.
	ID int64 `json:"id"`
	// Email is the account's e-mail address, lower-case.
	Email string `json:"email"`
	// Role is officer, auditor or admin.
	Role string `json:"role"`
	// CreatedAt is when the account was created, in UTC.
	CreatedAt time.Time `json:"created_at"`
}

func toUserResponse(u *elections.User) userResponse {
	return userResponse{ID: u.ID, Email: u.Email, Role: string(u.Role), CreatedAt: u.CreatedAt.UTC()}
}

// userListResponse is the answer of GET /users.
type userListResponse struct {
	// Users are the accounts, by id.
	Users []userResponse `json:"users"`
}

func toUserListResponse(users []elections.User) userListResponse {
	out := userListResponse{Users: make([]userResponse, len(users))}
	for i := range users {
		out.Users[i] = toUserResponse(&users[i])
	}
	return out
}

// createUserRequest is the body of POST /users.
type createUserRequest struct {
	// Email is the new account's e-mail address.
	Email string `json:"email"`
	// Role is officer, auditor or admin.
	Role string `json:"role"`
	// Password is the new account's password, at least elections.MinPasswordLength long.
	Password string `json:"password"`
}

// listUsers returns every account.
func (s *Server) listUsers(c echo.Context) error {
	users, err := s.svc.ListUsers(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toUserListResponse(users))
}

// createUser creates an account on behalf of the calling admin.
func (s *Server) createUser(c echo.Context) error {
	var req createUserRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	u, err := s.svc.AddUser(c.Request().Context(), callerOf(c).actor,
		req.Email, elections.Role(req.Role), req.Password)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/users/"+strconv.FormatInt(u.ID, 10))
	return c.JSON(http.StatusCreated, toUserResponse(u))
}

// getUser returns one account.
func (s *Server) getUser(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	u, err := s.svc.UserByID(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toUserResponse(u))
}
