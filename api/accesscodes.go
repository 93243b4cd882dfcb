package api

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/govboard/govboard/elections"
)

// Mailer sends one plain-text e-mail message; the SMTP sender of cmd/govboard implements it.
// Its errors are logged, never shown: they may hold the mail server's address or answers.
type Mailer interface {
	// Send sends a message with subject and body to the address to.
	Send(ctx context.Context, to, subject, body string) error
}

// accessCodesHeader is the header row of the access-codes CSV: stable, for mail-merge tools.
var accessCodesHeader = []string{"member", "name", "representative", "email", "code", "expires_at", "voting_link", "mail"}

// accessCodesRequest is the body of POST /elections/{id}/access-codes; all fields are
// optional, and so is the body.
type accessCodesRequest struct {
	// Members are the external ids to issue codes for; empty: everyone on the election's rolls.
	Members []string `json:"members"`
	// ExpiresAt is when the codes expire, RFC 3339; default the end of voting.
	ExpiresAt string `json:"expires_at"`
	// SendEmail mails each code to its member (SMTP must be configured).
	SendEmail bool `json:"send_email"`
}

// issueAccessCodes issues one-time access codes and answers with them, once, as CSV for
// mail-merge; with send_email, each code is also mailed after the codes are stored, and the
// mail column says how that went.
func (s *Server) issueAccessCodes(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req accessCodesRequest
	if err := bindOptional(c, &req); err != nil {
		return err
	}
	expiresAt, err := bodyInstant("expires_at", req.ExpiresAt)
	if err != nil {
		return err
	}
	if req.SendEmail && s.opts.Mailer == nil {
		return errorf(elections.ECONFLICT, "SMTP is not configured (smtp.host); issue the codes without send_email and mail-merge the CSV")
	}
	ctx := c.Request().Context()
	codes, err := s.svc.IssueAccessCodes(ctx, callerOf(c).actor, id, req.Members, expiresAt)
	if err != nil {
		return err
	}
	link := s.votingLink(c, id)
	mail := make([]string, len(codes))
	if req.SendEmail {
		mail = s.mailCodes(c, id, link, codes)
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write(accessCodesHeader) // a bytes.Buffer does not fail; w.Error says otherwise
	for i, ic := range codes {
		_ = w.Write(accessCodeRow(&ic, link, mail[i]))
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentDisposition,
		fmt.Sprintf(`attachment; filename="access-codes-%d.csv"`, id))
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

// accessCodeRow is one row of the CSV. A skipped member has no code, and the mail column
// says why.
func accessCodeRow(ic *elections.IssuedCode, link, mail string) []string {
	expires := ""
	if ic.Skipped != "" {
		mail = "skipped: " + ic.Skipped
	} else {
		expires = ic.ExpiresAt.UTC().Format(time.RFC3339)
	}
	return []string{spreadsheetSafe(ic.Member), spreadsheetSafe(ic.Name), spreadsheetSafe(ic.Representative),
		spreadsheetSafe(ic.Email), ic.Code, expires, link, mail}
}

// spreadsheetSafe keeps a text cell from being taken for a formula when an officer opens the
// CSV in a spreadsheet (CSV injection): text starting with = + - @ or a tab or carriage
// return gets a leading apostrophe, which spreadsheets show as text.
func spreadsheetSafe(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

// bodyInstant parses the body field name as an RFC 3339 instant; empty is the zero time.
func bodyInstant(name, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, errorf(elections.EINVALID,
			"field %s must be an instant written like 2026-06-13T00:00:00Z (RFC 3339), not %q", name, v)
	}
	return t.UTC(), nil
}

// votingLink is where the members of an election go to vote: for now the election's page of
// the API.
func (s *Server) votingLink(c echo.Context, electionID int64) string {
	return s.baseURL(c) + electionLocation(electionID)
}

// baseURL is Options.PublicURL, or when it is not set the scheme and host the request came
// to, so that the links in the CSV and the mails are whole URLs.
func (s *Server) baseURL(c echo.Context) string {
	if s.opts.PublicURL != "" {
		return strings.TrimRight(s.opts.PublicURL, "/")
	}
	return c.Scheme() + "://" + c.Request().Host
}

// mailCodes mails each issued code to its member, and returns the mail column of each: "sent",
// "failed: <reason>", or "" for a skipped member. The reasons are safe to show; the mail
// server's errors go to the log only.
func (s *Server) mailCodes(c echo.Context, electionID int64, link string, codes []elections.IssuedCode) []string {
	ctx := c.Request().Context()
	out := make([]string, len(codes))
	title := "election " + strconv.FormatInt(electionID, 10)
	if e, err := s.svc.Election(ctx, electionID); err == nil {
		title = e.Title
	}
	redeem := s.baseURL(c) + "/api/v1/auth/redeem"
	for i := range codes {
		ic := &codes[i]
		switch {
		case ic.Skipped != "":
			continue
		case ic.Email == "":
			out[i] = "failed: no e-mail address"
			continue
		}
		err := s.opts.Mailer.Send(ctx, ic.Email, "Your access code for "+title, accessCodeMessage(ic, title, link, redeem))
		switch {
		case err == nil:
			out[i] = "sent"
		case errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded):
			out[i] = "failed: timed out"
		default:
			out[i] = "failed: the mail server did not take it; the server log has the reason (request " + requestIDOf(c) + ")"
		}
		if err != nil {
			s.log.LogAttrs(ctx, slog.LevelWarn, "access code not mailed",
				slog.String("request_id", requestIDOf(c)), slog.String("member", ic.Member), slog.Any("error", err))
		}
	}
	return out
}

// accessCodeMessage is the plain-text body of the mail that carries an access code.
func accessCodeMessage(ic *elections.IssuedCode, title, link, redeem string) string {
	name := ic.Name
	if ic.Representative != "" {
		name = ic.Representative + " (for " + ic.Name + ")"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Dear %s,\n\n", name)
	fmt.Fprintf(&b, "Here is your access code for %s:\n\n    %s\n\n", title, ic.Code)
	fmt.Fprintf(&b, "It can be used once, and it expires at %s (UTC).\n\n",
		ic.ExpiresAt.UTC().Format("2006-01-02 15:04"))
	fmt.Fprintf(&b, "The election: %s\n\n", link)
	fmt.Fprintf(&b, "To sign in, send the code to %s as {\"code\": \"<your code>\"}; the answer is\n", redeem)
	b.WriteString("an access token for this election. Do not share the code: whoever redeems it first\n")
	b.WriteString("acts as you in this election.\n")
	return b.String()
}
