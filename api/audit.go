package api

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/govboard/govboard/elections"
)

// eventResponse is one entry of the audit trail.
type eventResponse struct {
	// ID orders the trail.
	ID int64 `json:"id"`
	// At is when the change happened, in UTC.
	At time.Time `json:"at"`
	// Actor names who made the change, e.g. "user:3" or "cli".
	Actor string `json:"actor"`
	// Kind says what changed, e.g. "account.created".
	Kind string `json:"kind"`
	// Election is the election the change belongs to; 0 for none.
	Election int64 `json:"election"`
	// Payload holds the details; null when there are none.
	Payload json.RawMessage `json:"payload"`
	// PrevHash is the hash of the entry before ("" for the first); Hash this entry's hash
	// (elections.ChainHash).
	PrevHash string `json:"prev_hash"`
	Hash     string `json:"hash"`
}

// eventPageResponse is one page of the audit trail. NextAfter is the after= of the next page:
// the id of the last event of this page, or the after= of this request when the page is empty
// (then there is nothing newer yet).
type eventPageResponse struct {
	// Events are the events of the page, oldest first.
	Events []eventResponse `json:"events"`
	// NextAfter is the after= of the next page.
	NextAfter int64 `json:"next_after"`
}

func toEventPageResponse(events []elections.Event, after int64) eventPageResponse {
	out := eventPageResponse{Events: make([]eventResponse, len(events)), NextAfter: after}
	for i, e := range events {
		payload := e.Payload
		if len(payload) == 0 {
			payload = json.RawMessage("null")
		}
		out.Events[i] = eventResponse{ID: e.ID, At: e.At.UTC(), Actor: e.Actor, Kind: e.Kind, Election: e.Election,
			Payload: payload, PrevHash: e.PrevHash, Hash: e.Hash}
		out.NextAfter = e.ID
	}
	return out
}

// listEvents returns a page of the audit trail: ?kind= filters by event kind, ?election= by
// election, ?after= starts after an event id, ?limit= caps the page. The domain clamps the
// limit (at most, and by default, elections.MaxEventPage) and refuses a negative after.
func (s *Server) listEvents(c echo.Context) error {
	after, err := queryInt64(c, "after")
	if err != nil {
		return err
	}
	limit, err := queryInt(c, "limit")
	if err != nil {
		return err
	}
	election, err := queryInt64(c, "election")
	if err != nil {
		return err
	}
	f := elections.EventFilter{Kind: c.QueryParam("kind"), Election: election, AfterID: after, Limit: limit}
	events, err := s.svc.ListEvents(c.Request().Context(), f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toEventPageResponse(events, after))
}

// chainLinkResponse is an entry's place in the audit chain.
type chainLinkResponse struct {
	ID   int64  `json:"id"`
	Hash string `json:"hash"`
}

// chainBreakResponse is where the audit chain breaks first, and why.
type chainBreakResponse struct {
	ID     int64  `json:"id"`
	Reason string `json:"reason"`
}

// chainReportResponse is the result of checking the audit chain.
type chainReportResponse struct {
	// OK is true when every entry's hash and link hold.
	OK bool `json:"ok"`
	// Entries is how many entries were checked; Head the last one.
	Entries int               `json:"entries"`
	Head    chainLinkResponse `json:"head"`
	// Broken is the first broken entry; null when OK.
	Broken *chainBreakResponse `json:"broken"`
}

func toChainReportResponse(r *elections.ChainReport) chainReportResponse {
	out := chainReportResponse{OK: r.Broken == nil, Entries: r.Entries, Head: chainLinkResponse{ID: r.Head.ID, Hash: r.Head.Hash}}
	if r.Broken != nil {
		out.Broken = &chainBreakResponse{ID: r.Broken.ID, Reason: r.Broken.Reason}
	}
	return out
}

// verifyAudit recomputes the audit chain and reports its first broken link.
func (s *Server) verifyAudit(c echo.Context) error {
	r, err := s.svc.VerifyAuditChain(c.Request().Context(), callerOf(c).actor)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toChainReportResponse(r))
}
