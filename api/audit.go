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
	ID      int64           `json:"id"`
	At      time.Time       `json:"at"`
	Actor   string          `json:"actor"`
	Kind    string          `json:"kind"`
	Payload json.RawMessage `json:"payload"`
}

// eventPageResponse is one page of the audit trail. NextAfter is the after= of the next page:
// the id of the last event of this page, or the after= of this request when the page is empty
// (then there is nothing newer yet).
type eventPageResponse struct {
	Events    []eventResponse `json:"events"`
	NextAfter int64           `json:"next_after"`
}

func toEventPageResponse(events []elections.Event, after int64) eventPageResponse {
	out := eventPageResponse{Events: make([]eventResponse, len(events)), NextAfter: after}
	for i, e := range events {
		payload := e.Payload
		if len(payload) == 0 {
			payload = json.RawMessage("null")
		}
		out.Events[i] = eventResponse{ID: e.ID, At: e.At.UTC(), Actor: e.Actor, Kind: e.Kind, Payload: payload}
		out.NextAfter = e.ID
	}
	return out
}

// listEvents returns a page of the audit trail: ?kind= filters by event kind, ?after= starts
// after an event id, ?limit= caps the page (at most elections.MaxEventPage, also the default).
func (s *Server) listEvents(c echo.Context) error {
	after, err := queryInt64(c, "after")
	if err != nil {
		return err
	}
	limit, err := queryInt64(c, "limit")
	if err != nil {
		return err
	}
	f := elections.EventFilter{Kind: c.QueryParam("kind"), AfterID: after, Limit: int(min(max(limit, 0), elections.MaxEventPage))}
	events, err := s.svc.ListEvents(c.Request().Context(), f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toEventPageResponse(events, after))
}
