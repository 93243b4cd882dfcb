package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/govboard/govboard/elections"
	"github.com/govboard/govboard/pkg/charterfile"
	"github.com/govboard/govboard/pkg/password"
	"github.com/govboard/govboard/pkg/rollfile"
)

// `govboard serve --demo` (DESIGN.md §8): the Matrix board with a fictional member roll, its
// 2024 and 2025 history, and a 2026 election in its voting phase, all made through the Service
// so that every rule applies and every change is in the audit trail.

// demoFiles are the demo's data: a copy of testdata/boards/matrix.yaml (a test keeps them
// equal) and a fictional member roll and donation ledger in the import formats.
//
//go:embed demo/matrix.yaml demo/members.csv demo/donations.csv
var demoFiles embed.FS

const (
	// demoOfficerEmail is the demo's officer account.
	demoOfficerEmail = "officer@demo.govboard.example"
	// demoYear is the year of the demo election.
	demoYear = 2026
)

// demoCutoff is the roll cut-off of the Matrix 2026 election (the close of its nominations,
// DESIGN.md §2). The demo election counts its seats and its voters on it, so that its contests
// are DESIGN.md §2's 2026 table on whatever day the demo runs.
var demoCutoff = elections.MustDate("2026-05-15")

// demoCodeMembers are the members whose access codes the demo prints at every start.
var demoCodeMembers = []string{"ind-0001", "ind-0007", "eco-quill", "asc-okt", "plt-nimbus", "slv-ember", "grd-0003", "sct-0003"}

// demoClock is a clock stopped at one instant. The demo's nominations are made through a
// Service with this clock set inside the nominations window, which has passed in real time.
type demoClock time.Time

// Now returns the instant the clock is stopped at.
func (c demoClock) Now() time.Time { return time.Time(c) }

// demoLogin is what `serve --demo` prints: how to sign in as the officer and as members.
type demoLogin struct {
	// Seeded is true when this start seeded the database, false when it was seeded before.
	Seeded bool
	// Members is the size of the member roll.
	Members  int
	Election *elections.Election
	// Rounds are the election's voting rounds.
	Rounds   []elections.RoundView
	Password string
	Codes    []elections.IssuedCode
	// Constituency names the constituency of each member with a code.
	Constituency map[string]string
	// Note explains why no codes were issued, when none were.
	Note string
}

// SeedDemo seeds the demo into a database without a charter, or, when the demo seeded it
// before, gives the demo officer a new password; either way it issues new access codes for a
// few members (revoking their earlier unused ones). A database with a charter that the demo
// did not seed is refused: --demo never touches real data.
func (m *Main) SeedDemo(ctx context.Context) (*demoLogin, error) {
	charters, err := m.Service.Charters(ctx)
	if err != nil {
		return nil, err
	}
	login := &demoLogin{Seeded: len(charters) == 0}
	login.Password = rand.Text()
	if login.Seeded {
		if err := m.seedDemo(ctx); err != nil {
			return nil, fmt.Errorf("seed the demo: %w", err)
		}
		if _, err := m.Service.AddUser(ctx, elections.CLIActor(), demoOfficerEmail, elections.RoleOfficer, login.Password); err != nil {
			return nil, err
		}
	} else if _, err := m.Service.SetPassword(ctx, elections.CLIActor(), demoOfficerEmail, login.Password); err != nil {
		if elections.ErrorCode(err) == elections.ENOTFOUND {
			return nil, badInput(fmt.Errorf("--demo seeds an empty database only: this one (%s) has a charter and no demo officer; "+
				"use another --data-dir", m.Config.DataDir))
		}
		return nil, err
	}
	members, err := m.Service.ListMembers(ctx, elections.MemberFilter{Limit: elections.MaxMemberPage})
	if err != nil {
		return nil, err
	}
	login.Members = len(members)
	if err := m.demoCodes(ctx, login); err != nil {
		return nil, err
	}
	return login, nil
}

// seedDemo fills an empty database: board, members and donations, the board's history, and
// the 2026 election with its nominations and its first voting round open.
func (m *Main) seedDemo(ctx context.Context) error {
	if err := m.demoBoard(ctx); err != nil {
		return err
	}
	if err := m.demoVoters(ctx); err != nil {
		return err
	}
	if err := m.demoHistory(ctx); err != nil {
		return err
	}
	e, err := m.demoElection(ctx)
	if err != nil {
		return err
	}
	if err := m.demoNominations(ctx, e); err != nil {
		return err
	}
	return m.demoRound(ctx, e)
}

// demoMethods shows several counting methods side by side: the contests not listed keep the
// charter's (Meek STV).
var demoMethods = map[string]string{
	"associate":      "plurality",
	"ecosystem":      "cumulative",
	"guardians":      "approval",
	"spec-core-team": "schulze",
}

// demoRound opens the election's first voting round for every contest that goes to a vote,
// closing at the end of the voting days, so that the printed codes can vote at once.
func (m *Main) demoRound(ctx context.Context, e *elections.Election) error {
	_, err := m.Service.OpenRound(ctx, elections.CLIActor(), e.ID, elections.RoundInput{})
	if err != nil {
		return fmt.Errorf("open the voting round: %w", err)
	}
	return nil
}

// demoBoard applies the Matrix charter and imports the demo's members and donations, as
// `govboard charter apply` and `govboard import` do.
func (m *Main) demoBoard(ctx context.Context) error {
	data, err := demoFiles.ReadFile("demo/matrix.yaml")
	if err != nil {
		return err
	}
	c, err := charterfile.Parse(data, "demo/matrix.yaml")
	if err != nil {
		return err
	}
	if _, _, err := m.Service.ApplyCharter(ctx, elections.CLIActor(), c); err != nil {
		return err
	}
	if err := demoImport(ctx, m.Service, "demo/members.csv", rollfile.ReadMembers, (*elections.Service).ImportMembers); err != nil {
		return err
	}
	return demoImport(ctx, m.Service, "demo/donations.csv", rollfile.ReadDonations, (*elections.Service).ImportDonations)
}

// demoImport imports one of the demo's CSV files with imp.
func demoImport[T any](ctx context.Context, svc *elections.Service, name string, read func(io.Reader, string) ([]T, error), imp importFunc[T]) error {
	data, err := demoFiles.ReadFile(name)
	if err != nil {
		return err
	}
	rows, err := read(bytes.NewReader(data), rollfile.FormatCSV)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(data)
	src := elections.ImportSource{Name: "govboard serve --demo: " + name, SHA256: hex.EncodeToString(sum[:]), Format: rollfile.FormatCSV}
	_, err = imp(svc, ctx, elections.CLIActor(), rows, src)
	return err
}

// demoTerm is an elected term of the demo board's history, starting on 16 June of year.
func demoTerm(seat, member, representative string, year, years int) elections.TermInput {
	return elections.TermInput{Seat: seat, Member: member, Representative: representative,
		Start: elections.NewDate(year, time.June, 16), Years: years, Source: elections.TermElected, ElectionYear: year}
}

// demoTerms is the board's history (DESIGN.md §2): the 2024 bootstrap election, every
// elected constituency up and the odd-year ones for one year; the 2025 election of the
// odd-year half, where Associate and Gold filled fewer seats than they have.
var demoTerms = []elections.TermInput{
	{Seat: "managing-director-1", Holder: "Morgan Reyes", Start: elections.MustDate("2024-01-01"),
		End: elections.MustDate("2029-01-01"), Note: "ex officio: the Foundation's Managing Director"},
	demoTerm("individual-1", "ind-0001", "", 2024, 1), demoTerm("individual-2", "ind-0002", "", 2024, 1),
	demoTerm("individual-3", "ind-0003", "", 2024, 1), demoTerm("individual-4", "ind-0004", "", 2024, 1),
	demoTerm("ecosystem-1", "eco-lattice", "Nadia Petrova", 2024, 2), demoTerm("ecosystem-2", "eco-pelican", "Omar Farouk", 2024, 2),
	demoTerm("ecosystem-3", "eco-quill", "Priya Nair", 2024, 2),
	demoTerm("associate-1", "asc-okt", "Sven Aalto", 2024, 1), demoTerm("associate-2", "asc-berg", "Tamar Levi", 2024, 1),
	demoTerm("platinum-1", "plt-nimbus", "Vera Kowalski", 2024, 2),
	demoTerm("gold-1", "gld-argon", "Wen Li", 2024, 1),
	demoTerm("silver-1", "slv-ember", "Aiko Sato", 2024, 1), demoTerm("silver-2", "slv-fjord", "Björn Nilsen", 2024, 1),
	demoTerm("guardians-1", "grd-0001", "", 2024, 2), demoTerm("guardians-2", "grd-0002", "", 2024, 2),
	demoTerm("guardians-3", "grd-0003", "", 2024, 2),
	demoTerm("spec-core-team-1", "sct-0001", "", 2024, 2), demoTerm("spec-core-team-2", "sct-0002", "", 2024, 2),

	demoTerm("individual-1", "ind-0001", "", 2025, 2), demoTerm("individual-2", "ind-0002", "", 2025, 2),
	demoTerm("individual-3", "ind-0003", "", 2025, 2), demoTerm("individual-4", "ind-0007", "", 2025, 2),
	demoTerm("associate-1", "asc-okt", "Sven Aalto", 2025, 2),
	demoTerm("gold-1", "gld-argon", "Wen Li", 2025, 2),
	demoTerm("silver-1", "slv-ember", "Aiko Sato", 2025, 2), demoTerm("silver-2", "slv-fjord", "Björn Nilsen", 2025, 2),
}

// demoResignations are the seats vacated between the 2025 and 2026 elections, which put them
// up in 2026 out of cycle for the remainder of their terms.
var demoResignations = []struct{ seat, on string }{
	{"silver-1", "2025-09-01"}, {"individual-3", "2025-11-03"}, {"silver-2", "2025-12-01"},
}

// demoHistory records the board's 2024 and 2025 terms and the resignations since.
func (m *Main) demoHistory(ctx context.Context) error {
	for _, in := range demoTerms {
		if _, err := m.Service.RecordTerm(ctx, elections.CLIActor(), in); err != nil {
			return fmt.Errorf("term of %s from %s: %w", in.Seat, in.Start, err)
		}
	}
	for _, r := range demoResignations {
		if _, err := m.Service.VacateSeat(ctx, elections.CLIActor(), r.seat, elections.MustDate(r.on), elections.EndResigned, "stepped down"); err != nil {
			return fmt.Errorf("vacate %s: %w", r.seat, err)
		}
	}
	return nil
}

// demoSchedule places the Matrix calendar (two weeks of nominations, two of campaigning, two
// of voting) so that voting opens today.
func demoSchedule(today elections.Date) elections.Schedule {
	return elections.Schedule{
		AnnouncedOn:      today.AddDays(-33),
		NominationsOpen:  today.AddDays(-28),
		NominationsClose: today.AddDays(-15),
		VotingOpen:       today,
		VotingClose:      today.AddDays(13),
		ResultsOn:        today.AddDays(16),
	}
}

// demoElection creates the 2026 election, in its voting phase today.
func (m *Main) demoElection(ctx context.Context) (*elections.Election, error) {
	sch := demoSchedule(elections.DateOf(m.now()))
	cutoff := demoCutoff
	if sch.NominationsClose.Before(cutoff) { // a clock set before May 2026
		cutoff = sch.NominationsClose
	}
	return m.Service.CreateElection(ctx, elections.CLIActor(), elections.ElectionInput{
		Year: demoYear, Title: fmt.Sprintf("%d Governing Board election", demoYear), Cutoff: cutoff,
		Deadlines: elections.DeadlineUTC, Schedule: sch,
	})
}

// demoNomination is one nomination of the demo election. Nominations of another member are
// consented by the nominee unless pending; all but the pending ones are accepted.
type demoNomination struct {
	by, nominee string
	bio         string
	pending     bool
}

// demoNominationList gives every 2026 contest candidates: more than its seats in five, as
// many as its seat in Platinum, and fewer than its seats in Silver (one candidate for two
// seats: acclamation, the other seat stays vacant).
var demoNominationList = []demoNomination{
	{by: "ind-0005", nominee: "ind-0005", bio: "Runs a community homeserver for a public library network."},
	{by: "ind-0005", nominee: "ind-0006", bio: "Translator and moderator of several large public rooms."},
	{by: "ind-0010", nominee: "ind-0010", bio: "Maintains bridges to chat networks used by schools."},
	{by: "ind-0011", nominee: "ind-0012", pending: true},
	{by: "eco-lattice", nominee: "eco-lattice", bio: "Lattice Chat is a desktop client focused on accessibility."},
	{by: "eco-pelican", nominee: "eco-pelican", bio: "Pelican Bridges connects Matrix to five other networks."},
	{by: "eco-harbor", nominee: "eco-harbor", bio: "Harbor Homeserver is a lightweight server for small communities."},
	{by: "eco-quill", nominee: "eco-tern", bio: "Tern SDK brings end-to-end encryption to embedded devices."},
	{by: "asc-berg", nominee: "asc-berg", bio: "Researches decentralised communication at the University of Berg."},
	{by: "asc-civic", nominee: "asc-civic", bio: "Civic Tech Alliance helps municipalities run open chat services."},
	{by: "plt-nimbus", nominee: "plt-nimbus", bio: "Nimbus Systems hosts Matrix for public-sector organisations."},
	{by: "slv-grove", nominee: "slv-grove", bio: "Grove Software builds moderation tools."},
	{by: "grd-0001", nominee: "grd-0001", bio: "Guardian since the Foundation's first year; chairs the finance committee."},
	{by: "grd-0002", nominee: "grd-0002", bio: "Lawyer specialising in non-profit governance."},
	{by: "grd-0003", nominee: "grd-0003", bio: "Long-time security reviewer of the protocol."},
	{by: "grd-0003", nominee: "grd-0004", bio: "Former director of an open-source foundation."},
	{by: "sct-0001", nominee: "sct-0001", bio: "Editor of the client-server API."},
	{by: "sct-0002", nominee: "sct-0002", bio: "Works on federation and state resolution."},
	{by: "sct-0001", nominee: "sct-0003", bio: "Leads the work on extensible events."},
}

// demoNominations makes the nominations, consents and acceptances of the demo election
// through a second Service on the same store whose clock stands in the nominations window.
func (m *Main) demoNominations(ctx context.Context, e *elections.Election) error {
	at := e.Schedule.NominationsOpen.Time().Add(9 * time.Hour)
	svc, err := elections.NewService(m.Store, demoClock(at), password.Hasher{Cost: m.Config.Auth.BcryptCost})
	if err != nil {
		return err
	}
	for _, c := range e.Contests {
		method, ok := demoMethods[c.Constituency]
		if !ok {
			continue
		}
		if _, err := svc.UpdateContest(ctx, elections.CLIActor(), c.ID, elections.ContestPatch{Method: &method,
			Reason: "the demo shows " + method + " counting"}); err != nil {
			return fmt.Errorf("method of %s: %w", c.Name, err)
		}
	}
	for _, d := range demoNominationList {
		in := elections.NominationInput{Nominee: d.nominee, Profile: elections.CandidateProfile{Bio: d.bio,
			Statement: "I stand for a board that listens to its members and publishes its decisions."}}
		n, err := svc.Nominate(ctx, elections.MemberActor(d.by, e.ID), e.ID, in)
		if err != nil {
			return fmt.Errorf("nomination of %s by %s: %w", d.nominee, d.by, err)
		}
		if d.pending {
			continue
		}
		if n.Status == elections.NominationAwaitingConsent {
			if _, err := svc.Consent(ctx, elections.MemberActor(d.nominee, e.ID), n.ID, elections.CandidateProfile{}); err != nil {
				return fmt.Errorf("consent of %s: %w", d.nominee, err)
			}
		}
		if _, err := svc.AcceptNomination(ctx, elections.CLIActor(), n.ID, "eligible and consented"); err != nil {
			return fmt.Errorf("acceptance of %s: %w", d.nominee, err)
		}
	}
	return nil
}

// demoCodes issues new access codes for demoCodeMembers in the demo election, when it still
// takes votes; login.Note says why not otherwise.
func (m *Main) demoCodes(ctx context.Context, login *demoLogin) error {
	es, err := m.Service.Elections(ctx)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(es, func(e elections.Election) bool { return e.Year == demoYear })
	if i < 0 {
		login.Note = fmt.Sprintf("there is no %d election", demoYear)
		return nil
	}
	e := &es[i]
	login.Election = e
	if login.Rounds, err = m.Service.Rounds(ctx, e.ID); err != nil {
		return err
	}
	now := m.now()
	if p := e.Phase(now); p != elections.PhaseVoting || !now.Before(e.DeadlineEnd(e.Schedule.VotingClose)) {
		login.Note = fmt.Sprintf("the election's voting ended on %s (phase %s): no new access codes; start the demo on a new --data-dir",
			e.Schedule.VotingClose, p)
		return nil
	}
	codes, err := m.Service.IssueAccessCodes(ctx, elections.CLIActor(), e.ID, demoCodeMembers, time.Time{})
	if err != nil {
		return fmt.Errorf("issue access codes: %w", err)
	}
	login.Codes, login.Constituency = codes, map[string]string{}
	names := map[string]string{}
	for _, c := range e.Contests {
		names[c.Constituency] = c.Name
	}
	for _, c := range codes {
		mem, err := m.Service.Member(ctx, c.Member)
		if err != nil {
			return err
		}
		login.Constituency[c.Member] = names[mem.Constituency]
	}
	return nil
}

// printDemo tells the operator how to use the demo served at url.
func printDemo(w io.Writer, url string, l *demoLogin) error {
	if l.Seeded {
		fmt.Fprintf(w, "Demo seeded: the Matrix.org Foundation Governing Board with %d fictional members, its 2024 and 2025 terms,\n"+
			"and its %d election: nominations made and closed, voting open now.\n", l.Members, demoYear)
	} else {
		fmt.Fprintf(w, "Demo data was seeded before (%d members): the demo officer has a new password, the members below new codes.\n", l.Members)
	}
	if e := l.Election; e != nil {
		fmt.Fprintf(w, "Election: %s, %d contests: %s/api/v1/elections/%d (voting %s to %s, %s deadlines)\n",
			e.Title, len(e.Contests), url, e.ID, e.Schedule.VotingOpen, e.Schedule.VotingClose, e.Deadlines)
	}
	for _, r := range l.Rounds {
		rd := r.Round
		when := "open until " + rd.ClosesAt.UTC().Format("2006-01-02 15:04 UTC")
		if rd.State == elections.RoundClosed {
			when = "closed at " + rd.ClosedAt.UTC().Format("2006-01-02 15:04 UTC")
		}
		fmt.Fprintf(w, "Voting round %d, %d contests, %s: %s/api/v1/rounds/%d\n", rd.Number, len(rd.ContestIDs), when, url, rd.ID)
	}
	fmt.Fprintf(w, "Officer login: %s  password: %s\n", demoOfficerEmail, l.Password)
	fmt.Fprintf(w, "  curl -s -X POST %s/api/v1/auth/login -H 'Content-Type: application/json' -d '{\"email\":\"%s\",\"password\":\"%s\"}'\n",
		url, demoOfficerEmail, l.Password)
	if len(l.Codes) == 0 {
		fmt.Fprintf(w, "No member access codes: %s.\n", l.Note)
		return nil
	}
	fmt.Fprintf(w, "Member access codes (one-time, valid until %s; redeem with POST %s/api/v1/auth/redeem {\"code\":\"…\"}):\n",
		l.Codes[0].ExpiresAt.UTC().Format("2006-01-02 15:04 UTC"), url)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  MEMBER\tNAME\tCONSTITUENCY\tCODE")
	for _, c := range l.Codes {
		name := c.Name
		if c.Representative != "" {
			name += " (" + c.Representative + ")"
		}
		code := c.Code
		if code == "" {
			code = "none: " + c.Skipped
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", c.Member, name, l.Constituency[c.Member], code)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(l.Rounds) > 0 && l.Rounds[len(l.Rounds)-1].Round.State == elections.RoundOpen {
		fmt.Fprintf(w, "Vote with the member token: GET %s/api/v1/contests/{id}/ballot shows the ballot and how to fill it, "+
			"POST %s/api/v1/contests/{id}/ballots casts it, e.g. {\"ranking\": [ids…]} or {\"marks\": [ids…]} "+
			"(the README's \"Casting a ballot\"; contest ids: GET %s/api/v1/elections/%d).\n",
			url, url, url, l.Election.ID)
	}
	return nil
}
