package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
)

// redeemRequest is the body of POST /auth/redeem.
type redeemRequest struct {
	// Code is the access code as issued; case, dashes and spaces do not matter.
	Code string `json:"code"`
}

// redeemResponse is a member's access token for one election, and who it speaks for.
type redeemResponse struct {
	tokenResponse
	// Member is the member's external id; Name the member's (person's or organisation's) name.
	Member string `json:"member"`
	Name   string `json:"name"`
	// Representative is who acts for an organisation; absent for a person.
	Representative string `json:"representative,omitempty"`
	// Election is the election the token is valid for.
	Election int64 `json:"election"`
}

// electionScope is the token scope of a member's access to one election.
func electionScope(id int64) string { return "election:" + strconv.FormatInt(id, 10) }

// redeem exchanges a one-time access code for a member token scoped to the code's election.
// An unknown, used, revoked or expired code gets the same 401; attempts are rate limited per
// client address like logins.
func (s *Server) redeem(c echo.Context) error {
	var req redeemRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	ms, err := s.svc.RedeemAccessCode(c.Request().Context(), req.Code)
	if err != nil {
		return err
	}
	token, exp, err := s.tokens.Issue(memberSubject(ms.Member.ExternalID), "member", electionScope(ms.ElectionID))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toRedeemResponse(token, exp, ms.Member.ExternalID, ms.Member.Name, ms.Representative, ms.ElectionID))
}

func toRedeemResponse(token string, exp time.Time, member, name, representative string, election int64) redeemResponse {
	return redeemResponse{tokenResponse: toTokenResponse(token, exp), Member: member, Name: name,
		Representative: representative, Election: election}
}
