package elections_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/elections"
	"github.com/govboard/govboard/elections/electionstest"
)

// boardAddMember adds a member through the service; rep names an organisation's representative.
func boardAddMember(t *testing.T, svc *elections.Service, id string, kind elections.MemberKind, constituency, joined, paidThrough, rep string) {
	t.Helper()
	_, err := svc.CreateMember(context.Background(), boardOfficer, elections.MemberInput{
		ExternalID: id, Kind: string(kind), Name: "Name of " + id, Constituency: constituency,
		Joined: joined, PaidThrough: paidThrough, RepresentativeName: rep,
	})
	if err != nil {
		t.Fatalf("CreateMember(%s): %v", id, err)
	}
}

// boardRecordTerm records a term and fails the test on an error.
func boardRecordTerm(t *testing.T, svc *elections.Service, in elections.TermInput) *elections.Term {
	t.Helper()
	term, err := svc.RecordTerm(context.Background(), boardOfficer, in)
	if err != nil {
		t.Fatalf("RecordTerm(%+v): %v", in, err)
	}
	return term
}

// boardFixture is the Matrix charter with a few members and one term on guardians-1.
func boardFixture(t *testing.T) (*elections.Service, *electionstest.Store) {
	t.Helper()
	svc, st, _ := newBoardService(t, time.Date(2024, 6, 20, 9, 0, 0, 0, time.UTC))
	boardApplyCharter(t, svc, matrixCharter())
	boardAddMember(t, svc, "ind-1", elections.MemberPerson, "individual", "2023-01-01", "", "")
	boardAddMember(t, svc, "guardian-ada", elections.MemberPerson, "guardians", "2023-01-01", "", "")
	boardAddMember(t, svc, "gold-acme", elections.MemberOrganisation, "gold", "2023-01-01", "", "Jo Rep")
	boardRecordTerm(t, svc, elections.TermInput{Seat: "guardians-1", Member: "guardian-ada",
		Start: elections.MustDate("2024-06-16"), Years: 2, Source: elections.TermElected, ElectionYear: 2024})
	return svc, st
}

func TestRecordTermRefuses(t *testing.T) {
	d := elections.MustDate
	tests := []struct {
		name     string
		in       elections.TermInput
		wantCode string
		want     []string
	}{
		{"no seat, start or length", elections.TermInput{Holder: "X"}, elections.EINVALID, []string{
			"seat is required", "start is required", "years must be between 1 and 10 when end is not given, not 0"}},
		{"too long", elections.TermInput{Seat: "guardians-2", Holder: "X", Start: d("2024-06-16"), Years: 11},
			elections.EINVALID, []string{"years must be between 1 and 10 when end is not given, not 11"}},
		{"end not after start", elections.TermInput{Seat: "guardians-2", Holder: "X", Start: d("2024-06-16"), End: d("2024-06-16")},
			elections.EINVALID, []string{"end 2024-06-16 must be after start 2024-06-16"}},
		{"unknown seat", elections.TermInput{Seat: "guardians-4", Holder: "X", Start: d("2024-06-16"), Years: 2},
			elections.EINVALID, []string{"no seat guardians-4 in the charter in force on 2024-06-16"}},
		{"seat number with a zero", elections.TermInput{Seat: "guardians-02", Holder: "X", Start: d("2024-06-16"), Years: 2},
			elections.EINVALID, []string{"no seat guardians-02 in the charter in force on 2024-06-16"}},
		{"before the charter", elections.TermInput{Seat: "guardians-2", Holder: "X", Start: d("2023-06-16"), Years: 2},
			elections.EINVALID, []string{"no seat guardians-2 in the charter in force on 2023-06-16"}},
		{"unknown member", elections.TermInput{Seat: "guardians-2", Member: "nobody", Start: d("2024-06-16"), Years: 2},
			elections.EINVALID, []string{"no member nobody"}},
		{"member of another constituency", elections.TermInput{Seat: "gold-1", Member: "ind-1", Start: d("2024-06-16"), Years: 1},
			elections.EINVALID, []string{`member ind-1 belongs to constituency "individual", not "gold"`}},
		{"organisation without representative", elections.TermInput{Seat: "gold-1", Member: "gold-acme", Start: d("2024-06-16"), Years: 1},
			elections.EINVALID, []string{"representative is required: member gold-acme is an organisation"}},
		{"person with representative", elections.TermInput{Seat: "individual-1", Member: "ind-1", Representative: "Someone",
			Start: d("2024-06-16"), Years: 1}, elections.EINVALID, []string{"representative is only for organisations: member ind-1 is a person"}},
		{"ends after the year 9999", elections.TermInput{Seat: "guardians-2", Holder: "X", Start: d("9995-06-16"), Years: 10},
			elections.EINVALID, []string{"start 9995-06-16 plus 10 years ends after the year 9999"}},
		{"NUL characters", elections.TermInput{Seat: "guardians-2", Holder: "X\x00", Representative: "Y\x00", Note: "\x00",
			Start: d("2024-06-16"), Years: 2}, elections.EINVALID, []string{
			`holder must not contain a NUL character (\u0000)`, `representative must not contain a NUL character (\u0000)`,
			`note must not contain a NUL character (\u0000)`}},
		{"no holder", elections.TermInput{Seat: "guardians-2", Start: d("2024-06-16"), Years: 2},
			elections.EINVALID, []string{"holder is required when the holder is not a member"}},
		{"unknown source and election year", elections.TermInput{Seat: "guardians-2", Holder: "X", Start: d("2024-06-16"), Years: 2,
			Source: "coup", ElectionYear: 24}, elections.EINVALID, []string{
			`source "coup" is not one of election, appointment, ex_officio, record`,
			"election_year must be between 1900 and 9999, not 24"}},
		{"overlaps the start", elections.TermInput{Seat: "guardians-1", Holder: "X", Start: d("2024-01-01"), End: d("2024-06-17")},
			elections.ECONFLICT, []string{"seat guardians-1 is held by Name of guardian-ada from 2024-06-16 until 2026-06-16, which overlaps 2024-01-01 to 2024-06-17"}},
		{"overlaps the end", elections.TermInput{Seat: "guardians-1", Holder: "X", Start: d("2026-06-15"), Years: 2},
			elections.ECONFLICT, []string{"seat guardians-1 is held by Name of guardian-ada from 2024-06-16 until 2026-06-16, which overlaps 2026-06-15 to 2028-06-15"}},
		{"inside", elections.TermInput{Seat: "guardians-1", Holder: "X", Start: d("2025-01-01"), End: d("2025-02-01")},
			elections.ECONFLICT, []string{"seat guardians-1 is held by Name of guardian-ada from 2024-06-16 until 2026-06-16, which overlaps 2025-01-01 to 2025-02-01"}},
	}
	ctx := context.Background()
	svc, st := boardFixture(t)
	before := len(boardEvents(t, st, ""))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := svc.RecordTerm(ctx, boardOfficer, tt.in)
			var e *elections.Error
			if !errors.As(err, &e) || e.Code != tt.wantCode {
				t.Fatalf("RecordTerm error %v, want %s", err, tt.wantCode)
			}
			got := e.Details
			if got == nil {
				got = []string{e.Message}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
	terms, _ := st.Terms(ctx, elections.TermFilter{})
	if len(terms) != 1 || len(boardEvents(t, st, "")) != before {
		t.Errorf("refused terms left %d terms and %d new events", len(terms), len(boardEvents(t, st, ""))-before)
	}
}

func TestRecordTerm(t *testing.T) {
	d := elections.MustDate
	ctx := context.Background()
	svc, st := boardFixture(t)
	tests := []struct {
		name string
		in   elections.TermInput
		want elections.Term
	}{
		{"next term on the seat, from the day the last ends",
			elections.TermInput{Seat: "guardians-1", Holder: "Bo", Start: d("2026-06-16"), Years: 2},
			elections.Term{Seat: "guardians-1", Constituency: "guardians", SeatNumber: 1, Holder: "Bo",
				Start: d("2026-06-16"), End: d("2028-06-16"), Source: elections.TermRecorded}},
		{"organisation with its representative, holder from the roll",
			elections.TermInput{Seat: "gold-2", Member: "gold-acme", Representative: " Jo Rep ", Start: d("2024-06-16"),
				Years: 1, Source: elections.TermElected, ElectionYear: 2024},
			elections.Term{Seat: "gold-2", Constituency: "gold", SeatNumber: 2, Holder: "Name of gold-acme",
				MemberExternalID: "gold-acme", Start: d("2024-06-16"), End: d("2025-06-16"), Source: elections.TermElected,
				ElectionYear: 2024, Representatives: []elections.SeatRepresentative{{Name: "Jo Rep", Since: d("2024-06-16")}}}},
		{"a Guardian as acting Managing Director, ex officio",
			elections.TermInput{Seat: "managing-director-1", Member: "guardian-ada", Holder: "Ada (acting)",
				Start: d("2024-09-01"), End: d("2025-03-01"), Note: "acting"},
			elections.Term{Seat: "managing-director-1", Constituency: "managing-director", SeatNumber: 1,
				Holder: "Ada (acting)", MemberExternalID: "guardian-ada", Start: d("2024-09-01"), End: d("2025-03-01"),
				Source: elections.TermExOfficio, Note: "acting"}},
		{"29 February start",
			elections.TermInput{Seat: "guardians-2", Holder: "Leap", Start: d("2024-02-29"), Years: 1},
			elections.Term{Seat: "guardians-2", Constituency: "guardians", SeatNumber: 2, Holder: "Leap",
				Start: d("2024-02-29"), End: d("2025-02-28"), Source: elections.TermRecorded}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := boardRecordTerm(t, svc, tt.in)
			if got.ID == 0 || !got.RecordedAt.Equal(time.Date(2024, 6, 20, 9, 0, 0, 0, time.UTC)) {
				t.Errorf("term id %d recorded at %v", got.ID, got.RecordedAt)
			}
			tt.want.ID, tt.want.RecordedAt = got.ID, got.RecordedAt
			if diff := cmp.Diff(tt.want, *got, boardDates); diff != "" {
				t.Errorf("term (-want +got):\n%s", diff)
			}
			_, history, err := svc.SeatHistory(ctx, tt.in.Seat)
			if err != nil || len(history) == 0 || cmp.Diff(tt.want, history[len(history)-1], boardDates) != "" {
				t.Errorf("SeatHistory(%s): %+v, %v; want it to end with the new term", tt.in.Seat, history, err)
			}
		})
	}
	recorded := boardEvents(t, st, elections.EventTermRecorded)
	var payload map[string]any
	if err := json.Unmarshal(recorded[2].Payload, &payload); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"seat": "gold-2", "holder": "Name of gold-acme", "member": "gold-acme", "representative": "Jo Rep",
		"start": "2024-06-16", "end": "2025-06-16", "source": "election", "election_year": 2024.0, "note": ""}
	if diff := cmp.Diff(want, payload); len(recorded) != 5 || diff != "" {
		t.Errorf("%d seat.term_recorded events; the third's payload (-want +got):\n%s", len(recorded), diff)
	}
}

func TestVacateSeat(t *testing.T) {
	d := elections.MustDate
	ctx := context.Background()
	svc, st := boardFixture(t)
	tests := []struct {
		name     string
		seat     string
		on       string
		reason   string
		wantCode string
	}{
		{"bad reason and no day", "guardians-1", "", "bored", elections.EINVALID},
		{"unknown seat", "guardians-9", "2025-01-01", elections.EndResigned, elections.ENOTFOUND},
		{"never filled", "guardians-2", "2025-01-01", elections.EndResigned, elections.ECONFLICT},
		{"before the term", "guardians-1", "2024-06-15", elections.EndRemoved, elections.ECONFLICT},
		{"on the day the term ends", "guardians-1", "2026-06-16", elections.EndRemoved, elections.ECONFLICT},
		{"resigned", "guardians-1", "2025-03-01", elections.EndResigned, ""},
		{"already vacant", "guardians-1", "2025-04-01", elections.EndResigned, elections.ECONFLICT},
	}
	if _, err := svc.VacateSeat(ctx, boardOfficer, "guardians-1", d("2025-03-01"), elections.EndResigned, "a\x00"); elections.ErrorCode(err) != elections.EINVALID {
		t.Errorf("VacateSeat with a NUL character in the note: %v, want %s", err, elections.EINVALID)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var on elections.Date
			if tt.on != "" {
				on = d(tt.on)
			}
			before := len(boardEvents(t, st, ""))
			term, err := svc.VacateSeat(ctx, boardOfficer, tt.seat, on, tt.reason, "moved abroad")
			if got := elections.ErrorCode(err); got != tt.wantCode {
				t.Fatalf("VacateSeat: %v, want code %q", err, tt.wantCode)
			}
			if err != nil {
				if n := len(boardEvents(t, st, "")); n != before {
					t.Errorf("a refused VacateSeat recorded %d events", n-before)
				}
				return
			}
			if term.EndedOn != on || term.EndReason != tt.reason || term.Note != "moved abroad" || term.Until() != on {
				t.Errorf("vacated term %+v, want ended on %s (%s)", term, on, tt.reason)
			}
		})
	}
	_, history, _ := svc.SeatHistory(ctx, "guardians-1")
	if len(history) != 1 || history[0].EndedOn != d("2025-03-01") || history[0].End != d("2026-06-16") {
		t.Errorf("history %+v, want the term ended early on 2025-03-01, its end unchanged", history)
	}
	vacated := boardEvents(t, st, elections.EventSeatVacated)
	var payload map[string]any
	if len(vacated) != 1 || json.Unmarshal(vacated[0].Payload, &payload) != nil || payload["on"] != "2025-03-01" ||
		payload["reason"] != "resigned" || payload["seat"] != "guardians-1" || payload["member"] != "guardian-ada" {
		t.Errorf("seat.vacated events %+v, payload %v", vacated, payload)
	}
	// The remainder of the term can be filled from the day of the vacancy, not before.
	if _, err := svc.RecordTerm(ctx, boardOfficer, elections.TermInput{Seat: "guardians-1", Holder: "Early", Start: d("2025-02-28"),
		End: d("2026-06-16")}); elections.ErrorCode(err) != elections.ECONFLICT {
		t.Errorf("a term overlapping the shortened one: %v, want %s", err, elections.ECONFLICT)
	}
	boardRecordTerm(t, svc, elections.TermInput{Seat: "guardians-1", Holder: "Successor", Start: d("2025-03-01"), End: d("2026-06-16")})
}

func TestReplaceSeatRepresentative(t *testing.T) {
	d := elections.MustDate
	ctx := context.Background()
	svc, st := boardFixture(t)
	boardRecordTerm(t, svc, elections.TermInput{Seat: "gold-1", Member: "gold-acme", Representative: "Jo Rep",
		Start: d("2024-06-16"), Years: 1})
	tests := []struct {
		name     string
		seat     string
		since    string
		rep      string
		wantCode string
	}{
		{"no name, no day", "gold-1", "", " ", elections.EINVALID},
		{"NUL in the name", "gold-1", "2025-01-10", "Sam\x00", elections.EINVALID},
		{"on the first representative's day", "gold-1", "2024-06-16", "Sam Rep", elections.EINVALID},
		{"seat vacant on the day", "gold-1", "2025-06-16", "Sam Rep", elections.ECONFLICT},
		{"a person holds the seat", "guardians-1", "2025-01-01", "Sam Rep", elections.ECONFLICT},
		{"unknown seat", "gold-7", "2025-01-01", "Sam Rep", elections.ENOTFOUND},
		{"replaced", "gold-1", "2025-01-10", "Sam Rep", ""},
		{"not after the current one", "gold-1", "2025-01-10", "Kim Rep", elections.EINVALID},
		{"replaced again", "gold-1", "2025-03-01", "Kim Rep", ""},
		// Naming who already sits changes nothing: a retried request, or a later day.
		{"the same request again", "gold-1", "2025-03-01", "Kim Rep", ""},
		{"the one already sitting", "gold-1", "2025-04-01", "Kim Rep", ""},
		{"the one already sitting, earlier", "gold-1", "2025-02-01", "Kim Rep", elections.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var since elections.Date
			if tt.since != "" {
				since = d(tt.since)
			}
			_, err := svc.ReplaceSeatRepresentative(ctx, boardOfficer, tt.seat, since, tt.rep)
			if got := elections.ErrorCode(err); got != tt.wantCode {
				t.Fatalf("ReplaceSeatRepresentative: %v, want code %q", err, tt.wantCode)
			}
		})
	}
	_, history, _ := svc.SeatHistory(ctx, "gold-1")
	want := []elections.SeatRepresentative{
		{Name: "Jo Rep", Since: d("2024-06-16")}, {Name: "Sam Rep", Since: d("2025-01-10")}, {Name: "Kim Rep", Since: d("2025-03-01")},
	}
	if len(history) != 1 || history[0].Start != d("2024-06-16") || history[0].End != d("2025-06-16") {
		t.Fatalf("history %+v, want the one term, its dates unchanged", history)
	}
	if diff := cmp.Diff(want, history[0].Representatives, boardDates); diff != "" {
		t.Errorf("representatives (-want +got):\n%s", diff)
	}
	replaced := boardEvents(t, st, elections.EventSeatRepresentativeReplaced)
	var payload map[string]any
	if len(replaced) != 2 || json.Unmarshal(replaced[1].Payload, &payload) != nil ||
		!cmp.Equal(payload, map[string]any{"seat": "gold-1", "holder": "Name of gold-acme", "member": "gold-acme",
			"since": "2025-03-01", "from": "Sam Rep", "to": "Kim Rep"}) {
		t.Errorf("seat.representative_replaced events %+v, last payload %v", replaced, payload)
	}
}
