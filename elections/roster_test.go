package elections_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/elections"
)

// rosterLines summarises a roster, one line per seat: "seat: holder [representative] start..until"
// or "seat: vacant".
func rosterLines(r *elections.Roster) []string {
	lines := make([]string, len(r.Seats))
	for i, s := range r.Seats {
		switch {
		case s.Vacant():
			lines[i] = s.Seat.Key + ": vacant"
		case s.Representative != "":
			lines[i] = fmt.Sprintf("%s: %s [%s] %s..%s", s.Seat.Key, s.Term.Holder, s.Representative, s.Term.Start, s.Term.Until())
		default:
			lines[i] = fmt.Sprintf("%s: %s %s..%s", s.Seat.Key, s.Term.Holder, s.Term.Start, s.Term.Until())
		}
	}
	return lines
}

func TestRosterOnDates(t *testing.T) {
	d := elections.MustDate
	ctx := context.Background()
	svc, _, _ := newBoardService(t, time.Date(2025, 1, 1, 9, 0, 0, 0, time.UTC))
	c := &elections.Charter{Name: "Small board", EffectiveFrom: d("2024-01-01"), Currency: "EUR", TermYears: 2, FirstElection: 2024,
		Constituencies: []elections.Constituency{
			electedConstituency("funders", "Funders", "Funder", 2, 0, 0),
			{Key: "chair", Name: "Chair", Category: "Board", Seats: 1, Seating: elections.SeatingAppointed},
		}}
	boardApplyCharter(t, svc, c)
	boardAddMember(t, svc, "acme", elections.MemberOrganisation, "funders", "2023-01-01", "", "")
	boardRecordTerm(t, svc, elections.TermInput{Seat: "funders-1", Member: "acme", Representative: "Jo", Start: d("2024-06-16"), Years: 2})
	boardRecordTerm(t, svc, elections.TermInput{Seat: "funders-2", Holder: "Beta Ltd", Start: d("2024-06-16"), Years: 2})
	boardRecordTerm(t, svc, elections.TermInput{Seat: "chair-1", Holder: "Cy", Start: d("2024-03-01"), End: d("2025-03-01")})
	if _, err := svc.VacateSeat(ctx, boardOfficer, "funders-2", d("2025-02-01"), elections.EndRemoved, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ReplaceSeatRepresentative(ctx, boardOfficer, "funders-1", d("2025-01-15"), "Sam"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		day  string
		want []string
	}{
		{"2024-02-01", []string{"funders-1: vacant", "funders-2: vacant", "chair-1: vacant"}},
		{"2024-06-16", []string{
			"funders-1: Name of acme [Jo] 2024-06-16..2026-06-16",
			"funders-2: Beta Ltd 2024-06-16..2025-02-01",
			"chair-1: Cy 2024-03-01..2025-03-01",
		}},
		{"2025-01-31", []string{
			"funders-1: Name of acme [Sam] 2024-06-16..2026-06-16",
			"funders-2: Beta Ltd 2024-06-16..2025-02-01",
			"chair-1: Cy 2024-03-01..2025-03-01",
		}},
		{"2025-03-01", []string{"funders-1: Name of acme [Sam] 2024-06-16..2026-06-16", "funders-2: vacant", "chair-1: vacant"}},
		{"2026-06-16", []string{"funders-1: vacant", "funders-2: vacant", "chair-1: vacant"}},
	}
	for _, tt := range tests {
		t.Run(tt.day, func(t *testing.T) {
			r, err := svc.Roster(ctx, d(tt.day))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, rosterLines(r)); diff != "" || r.CharterVersion != 1 || r.At != d(tt.day) {
				t.Errorf("roster of version %d on %s (-want +got):\n%s", r.CharterVersion, r.At, diff)
			}
		})
	}
	r, err := svc.Roster(ctx, elections.Date{})
	if err != nil || r.At != d("2025-01-01") || r.Seats[2].ConstituencyName != "Chair" || r.Seats[2].Seating != elections.SeatingAppointed {
		t.Errorf("roster today: %+v, %v", r, err)
	}
	if _, err := svc.Roster(ctx, d("2023-12-31")); elections.ErrorCode(err) != elections.ENOTFOUND {
		t.Errorf("roster before the charter: %v, want %s", err, elections.ENOTFOUND)
	}
}

// boardSeatsUp returns the seats key-from..key-to up for years, ending in year+years.
func boardSeatsUp(key string, from, to, year, years int, byElection bool, reason string) []elections.SeatUp {
	var out []elections.SeatUp
	for n := from; n <= to; n++ {
		out = append(out, elections.SeatUp{Seat: fmt.Sprintf("%s-%d", key, n), TermYears: years, TermEndsYear: year + years,
			ByElection: byElection, Reason: reason})
	}
	return out
}

func TestSeatsUpCohorts(t *testing.T) {
	d := elections.MustDate
	ctx := context.Background()
	svc, _, _ := newBoardService(t, time.Date(2024, 1, 1, 9, 0, 0, 0, time.UTC))
	// Three-year terms in three cohorts: 2024 % 3 == 2.
	c := &elections.Charter{Name: "Thirds", EffectiveFrom: d("2024-01-01"), Currency: "EUR", TermYears: 3, FirstElection: 2024,
		Constituencies: []elections.Constituency{
			electedConstituency("a", "A", "X", 1, 0, 0),
			electedConstituency("b", "B", "X", 1, 1, 0),
			electedConstituency("c", "C", "X", 1, 2, 0),
			electedConstituency("d", "D", "X", 2, 2, 5), // a ratio without members: no seat in use
		}}
	boardApplyCharter(t, svc, c)
	cs := func(key string, inCycle bool, seats []elections.SeatUp) elections.ConstituencySeatsUp {
		return elections.ConstituencySeatsUp{Constituency: key, Name: string(key[0] - 'a' + 'A'), InCycle: inCycle,
			SeatsInUse: 1, ActiveMembers: -1, Seats: seats}
	}
	tests := []struct {
		year int
		want []elections.ConstituencySeatsUp
	}{
		{2024, []elections.ConstituencySeatsUp{
			cs("a", true, boardSeatsUp("a", 1, 1, 2024, 1, false, "bootstrap: 1-year term")),
			cs("b", true, boardSeatsUp("b", 1, 1, 2024, 2, false, "bootstrap: 2-year term")),
			cs("c", true, boardSeatsUp("c", 1, 1, 2024, 3, false, "bootstrap: 3-year term")),
		}},
		{2025, []elections.ConstituencySeatsUp{
			cs("a", true, boardSeatsUp("a", 1, 1, 2025, 3, false, "in cycle")),
			cs("b", false, boardSeatsUp("b", 1, 1, 2025, 1, true, "never filled")),
			cs("c", false, boardSeatsUp("c", 1, 1, 2025, 2, true, "never filled")),
		}},
		{2026, []elections.ConstituencySeatsUp{
			cs("a", false, boardSeatsUp("a", 1, 1, 2026, 2, true, "never filled")),
			cs("b", true, boardSeatsUp("b", 1, 1, 2026, 3, false, "in cycle")),
			cs("c", false, boardSeatsUp("c", 1, 1, 2026, 1, true, "never filled")),
		}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.year), func(t *testing.T) {
			up, err := svc.SeatsUp(ctx, tt.year, elections.Date{})
			if err != nil {
				t.Fatal(err)
			}
			want := &elections.SeatsUp{Year: tt.year, At: elections.NewDate(tt.year, 1, 1), CharterVersion: 1,
				Bootstrap: tt.year == 2024, Constituencies: tt.want}
			if diff := cmp.Diff(want, up, boardDates); diff != "" {
				t.Errorf("seats up (-want +got):\n%s", diff)
			}
		})
	}
	for _, tt := range []struct {
		year int
		at   elections.Date
		code string
	}{
		{2023, elections.Date{}, elections.ENOTFOUND},
		{2023, d("2024-06-01"), elections.EINVALID},
		{0, elections.Date{}, elections.EINVALID},
		{10000, elections.Date{}, elections.EINVALID},
	} {
		if _, err := svc.SeatsUp(ctx, tt.year, tt.at); elections.ErrorCode(err) != tt.code {
			t.Errorf("SeatsUp(%d, %s): %v, want %s", tt.year, tt.at, err, tt.code)
		}
	}
}
