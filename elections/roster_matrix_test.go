package elections_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/elections"
)

// matrixBoard is the Matrix charter with its funders on the roll: one Platinum member, ten
// Gold members of which six lapse at the end of 2025, and a Guardian.
func matrixBoard(t *testing.T) (*elections.Service, func(time.Time)) {
	t.Helper()
	svc, _, clock := newBoardService(t, time.Date(2024, 1, 2, 9, 0, 0, 0, time.UTC))
	boardApplyCharter(t, svc, matrixCharter())
	boardAddMember(t, svc, "plat-1", elections.MemberOrganisation, "platinum", "2023-01-01", "", "Pat")
	for i := 1; i <= 10; i++ {
		paid := ""
		if i > 4 {
			paid = "2025-12-31"
		}
		boardAddMember(t, svc, fmt.Sprintf("gold-%02d", i), elections.MemberOrganisation, "gold", "2023-01-01", paid, "")
	}
	boardAddMember(t, svc, "guardian-ada", elections.MemberPerson, "guardians", "2023-01-01", "", "")
	return svc, clock.Set
}

// matrixWinner returns who won seat in year: a member for some seats, a name for the others.
func matrixWinner(seat string, year int, start elections.Date, years int) elections.TermInput {
	in := elections.TermInput{Seat: seat, Holder: fmt.Sprintf("%s %d", seat, year), Start: start, Years: years,
		Source: elections.TermElected, ElectionYear: year}
	switch seat {
	case "guardians-1":
		in.Holder, in.Member = "", "guardian-ada"
	case "platinum-1":
		in.Holder, in.Member, in.Representative = "", "plat-1", "Pat"
	case "gold-1", "gold-2", "gold-3":
		in.Holder, in.Member, in.Representative = "", "gold-0"+seat[len(seat)-1:], "Rep "+seat
	}
	return in
}

// recordWinners records a winner on every seat up, except the seats left vacant.
func recordWinners(t *testing.T, svc *elections.Service, up *elections.SeatsUp, start elections.Date, vacant ...string) {
	t.Helper()
	for _, c := range up.Constituencies {
		for _, s := range c.Seats {
			if !slices.Contains(vacant, s.Seat) {
				boardRecordTerm(t, svc, matrixWinner(s.Seat, up.Year, start, s.TermYears))
			}
		}
	}
}

// boardUpIn returns a constituency's seats up, the seats given in order.
func boardUpIn(key, name string, inCycle bool, inUse, active int, seats ...[]elections.SeatUp) elections.ConstituencySeatsUp {
	c := elections.ConstituencySeatsUp{Constituency: key, Name: name, InCycle: inCycle, SeatsInUse: inUse, ActiveMembers: active}
	for _, s := range seats {
		c.Seats = append(c.Seats, s...)
	}
	return c
}

func boardSeatsUpOf(t *testing.T, svc *elections.Service, year int, at elections.Date) *elections.SeatsUp {
	t.Helper()
	up, err := svc.SeatsUp(context.Background(), year, at)
	if err != nil {
		t.Fatalf("SeatsUp(%d, %s): %v", year, at, err)
	}
	return up
}

// TestMatrixHistory replays the Matrix.org Governing Board's elections of 2024 to 2026
// (DESIGN.md §2): the bootstrap, the odd-year half, and the even-year half with by-elections.
func TestMatrixHistory(t *testing.T) {
	d := elections.MustDate
	ctx := context.Background()
	svc, setClock := matrixBoard(t)
	boardRecordTerm(t, svc, elections.TermInput{Seat: "managing-director-1", Member: "guardian-ada", Holder: "Ada (acting MD)",
		Start: d("2024-01-01"), End: d("2027-01-01")})

	// 2024, the bootstrap: every elected constituency up; the odd-year ones for one year.
	y2024 := boardSeatsUpOf(t, svc, 2024, elections.Date{})
	boot1, boot2 := "bootstrap: 1-year term", "bootstrap: 2-year term"
	want := &elections.SeatsUp{Year: 2024, At: d("2024-01-01"), CharterVersion: 1, Bootstrap: true,
		Constituencies: []elections.ConstituencySeatsUp{
			boardUpIn("individual", "Individual Members", true, 4, -1, boardSeatsUp("individual", 1, 4, 2024, 1, false, boot1)),
			boardUpIn("ecosystem", "Ecosystem Members", true, 3, -1, boardSeatsUp("ecosystem", 1, 3, 2024, 2, false, boot2)),
			boardUpIn("associate", "Associate Members", true, 2, -1, boardSeatsUp("associate", 1, 2, 2024, 1, false, boot1)),
			boardUpIn("platinum", "Platinum Members", true, 1, 1, boardSeatsUp("platinum", 1, 1, 2024, 2, false, boot2)),
			boardUpIn("gold", "Gold Members", true, 3, 10, boardSeatsUp("gold", 1, 3, 2024, 1, false, boot1)),
			boardUpIn("silver", "Silver Members", true, 2, -1, boardSeatsUp("silver", 1, 2, 2024, 1, false, boot1)),
			boardUpIn("guardians", "Guardians", true, 3, -1, boardSeatsUp("guardians", 1, 3, 2024, 2, false, boot2)),
			boardUpIn("spec-core-team", "Spec Core Team", true, 2, -1, boardSeatsUp("spec-core-team", 1, 2, 2024, 2, false, boot2)),
		}}
	if diff := cmp.Diff(want, y2024, boardDates); diff != "" {
		t.Fatalf("2024 seats up (-want +got):\n%s", diff)
	}
	recordWinners(t, svc, y2024, d("2024-06-16"))

	// 2025: the odd-year half, for two years; Associate and Gold fill fewer seats than they have.
	setClock(time.Date(2025, 1, 2, 9, 0, 0, 0, time.UTC))
	y2025 := boardSeatsUpOf(t, svc, 2025, elections.Date{})
	want = &elections.SeatsUp{Year: 2025, At: d("2025-01-01"), CharterVersion: 1,
		Constituencies: []elections.ConstituencySeatsUp{
			boardUpIn("individual", "Individual Members", true, 4, -1, boardSeatsUp("individual", 1, 4, 2025, 2, false, "in cycle")),
			boardUpIn("associate", "Associate Members", true, 2, -1, boardSeatsUp("associate", 1, 2, 2025, 2, false, "in cycle")),
			boardUpIn("gold", "Gold Members", true, 3, 10, boardSeatsUp("gold", 1, 3, 2025, 2, false, "in cycle")),
			boardUpIn("silver", "Silver Members", true, 2, -1, boardSeatsUp("silver", 1, 2, 2025, 2, false, "in cycle")),
		}}
	if diff := cmp.Diff(want, y2025, boardDates); diff != "" {
		t.Fatalf("2025 seats up (-want +got):\n%s", diff)
	}
	recordWinners(t, svc, y2025, d("2025-06-16"), "associate-2", "gold-2", "gold-3")

	// Between the elections: one Individual member and both Silver members step down; six
	// Gold memberships lapse at the end of 2025.
	setClock(time.Date(2025, 12, 5, 9, 0, 0, 0, time.UTC))
	for _, v := range []struct{ seat, on string }{
		{"individual-3", "2025-11-03"}, {"silver-1", "2025-09-01"}, {"silver-2", "2025-12-01"},
	} {
		if _, err := svc.VacateSeat(ctx, boardOfficer, v.seat, d(v.on), elections.EndResigned, ""); err != nil {
			t.Fatalf("VacateSeat(%s): %v", v.seat, err)
		}
	}

	// 2026: the even-year half in cycle, and by-elections for one year for the vacant seats.
	// Gold is not up: its four active members give it one seat, which is filled.
	setClock(time.Date(2026, 1, 2, 9, 0, 0, 0, time.UTC))
	y2026 := boardSeatsUpOf(t, svc, 2026, elections.Date{})
	want = &elections.SeatsUp{Year: 2026, At: d("2026-01-01"), CharterVersion: 1,
		Constituencies: []elections.ConstituencySeatsUp{
			boardUpIn("individual", "Individual Members", false, 4, -1,
				boardSeatsUp("individual", 3, 3, 2026, 1, true, "vacant since 2025-11-03 (resigned)")),
			boardUpIn("ecosystem", "Ecosystem Members", true, 3, -1, boardSeatsUp("ecosystem", 1, 3, 2026, 2, false, "in cycle")),
			boardUpIn("associate", "Associate Members", false, 2, -1,
				boardSeatsUp("associate", 2, 2, 2026, 1, true, "vacant since 2025-06-16 (term ended)")),
			boardUpIn("platinum", "Platinum Members", true, 1, 1, boardSeatsUp("platinum", 1, 1, 2026, 2, false, "in cycle")),
			boardUpIn("silver", "Silver Members", false, 2, -1,
				boardSeatsUp("silver", 1, 1, 2026, 1, true, "vacant since 2025-09-01 (resigned)"),
				boardSeatsUp("silver", 2, 2, 2026, 1, true, "vacant since 2025-12-01 (resigned)")),
			boardUpIn("guardians", "Guardians", true, 3, -1, boardSeatsUp("guardians", 1, 3, 2026, 2, false, "in cycle")),
			boardUpIn("spec-core-team", "Spec Core Team", true, 2, -1, boardSeatsUp("spec-core-team", 1, 2, 2026, 2, false, "in cycle")),
		}}
	if diff := cmp.Diff(want, y2026, boardDates); diff != "" {
		t.Fatalf("2026 seats up (-want +got):\n%s", diff)
	}
	// Counted before the Gold memberships lapsed, its two vacant seats would have been up.
	lastYear := boardSeatsUpOf(t, svc, 2026, d("2025-12-31"))
	if i := len(lastYear.Constituencies); i != 8 || lastYear.Constituencies[4].Constituency != "gold" ||
		!cmp.Equal(lastYear.Constituencies[4].Seats, boardSeatsUp("gold", 2, 3, 2026, 1, true, "vacant since 2025-06-16 (term ended)")) {
		t.Errorf("2026 seats up counted on 2025-12-31: %+v, want gold-2 and gold-3 too", lastYear.Constituencies)
	}

	// A Gold member replaces its representative mid-term: same term, new person on the seat.
	setClock(time.Date(2026, 3, 5, 9, 0, 0, 0, time.UTC))
	if _, err := svc.ReplaceSeatRepresentative(ctx, boardOfficer, "gold-1", d("2026-03-02"), "Sam Rep"); err != nil {
		t.Fatal(err)
	}
	r, err := svc.Roster(ctx, d("2026-04-01"))
	if err != nil {
		t.Fatal(err)
	}
	term := func(seat string, year int, until string) string {
		return fmt.Sprintf("%s: %s %d %d-06-16..%s", seat, seat, year, year, until)
	}
	wantRoster := []string{
		term("individual-1", 2025, "2027-06-16"), term("individual-2", 2025, "2027-06-16"), "individual-3: vacant",
		term("individual-4", 2025, "2027-06-16"),
		term("ecosystem-1", 2024, "2026-06-16"), term("ecosystem-2", 2024, "2026-06-16"), term("ecosystem-3", 2024, "2026-06-16"),
		term("associate-1", 2025, "2027-06-16"), "associate-2: vacant",
		"platinum-1: Name of plat-1 [Pat] 2024-06-16..2026-06-16", "platinum-2: vacant", "platinum-3: vacant", "platinum-4: vacant",
		"gold-1: Name of gold-01 [Sam Rep] 2025-06-16..2027-06-16", "gold-2: vacant", "gold-3: vacant",
		"silver-1: vacant", "silver-2: vacant",
		"guardians-1: Name of guardian-ada 2024-06-16..2026-06-16", term("guardians-2", 2024, "2026-06-16"),
		term("guardians-3", 2024, "2026-06-16"),
		term("spec-core-team-1", 2024, "2026-06-16"), term("spec-core-team-2", 2024, "2026-06-16"),
		"managing-director-1: Ada (acting MD) 2024-01-01..2027-01-01",
	}
	if diff := cmp.Diff(wantRoster, rosterLines(r)); diff != "" {
		t.Errorf("roster on 2026-04-01 (-want +got):\n%s", diff)
	}
	if r, _ := svc.Roster(ctx, d("2026-03-01")); r.Seats[13].Representative != "Rep gold-1" {
		t.Errorf("gold-1 on 2026-03-01 representative %q, want the first one", r.Seats[13].Representative)
	}
	if _, history, _ := svc.SeatHistory(ctx, "gold-1"); len(history) != 2 || len(history[1].Representatives) != 2 {
		t.Errorf("gold-1 history %+v, want the 2024 and 2025 terms, the latter with two representatives", history)
	}

	// During the 2026 election a second Individual member steps down: two Individual seats
	// are up when counted after it; the seats up on 1 January do not change.
	setClock(time.Date(2026, 5, 20, 9, 0, 0, 0, time.UTC))
	if _, err := svc.VacateSeat(ctx, boardOfficer, "individual-1", d("2026-05-10"), elections.EndResigned, "stepped down"); err != nil {
		t.Fatal(err)
	}
	may := boardSeatsUpOf(t, svc, 2026, d("2026-05-20"))
	wantIndividual := boardUpIn("individual", "Individual Members", false, 4, -1,
		boardSeatsUp("individual", 1, 1, 2026, 1, true, "vacant since 2026-05-10 (resigned)"),
		boardSeatsUp("individual", 3, 3, 2026, 1, true, "vacant since 2025-11-03 (resigned)"))
	if diff := cmp.Diff(wantIndividual, may.Constituencies[0]); diff != "" {
		t.Errorf("individual seats up on 2026-05-20 (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(y2026, boardSeatsUpOf(t, svc, 2026, elections.Date{}), boardDates); diff != "" {
		t.Errorf("2026 seats up on 1 January changed (-before +after):\n%s", diff)
	}
}
