package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/elections"
	"github.com/govboard/govboard/pkg/sqlstore"
	"github.com/govboard/govboard/pkg/sqlstore/sqlstoretest"
)

// nomination returns a nomination of nominee by nominator in contest c, awaiting consent.
func nomination(c elections.Contest, nominee, nominator string) *elections.Nomination {
	return &elections.Nomination{ElectionID: c.ElectionID, ContestID: c.ID, Constituency: c.Constituency,
		Nominee: nominee, NominatedBy: nominator, PersonKey: nominee + "@example.org", Status: elections.NominationAwaitingConsent,
		Profile: elections.CandidateProfile{DisplayName: "Name of " + nominee}, CreatedAt: start}
}

// createNomination stores n or fails the test.
func createNomination(t *testing.T, s *sqlstore.Store, n *elections.Nomination) {
	t.Helper()
	if err := s.CreateNomination(context.Background(), n); err != nil {
		t.Fatalf("CreateNomination: %v", err)
	}
}

// nominationFixture stores the 2026 election and members ada, bob (individual) and acme
// (gold), and returns the election.
func nominationFixture(t *testing.T, s *sqlstore.Store) *elections.Election {
	t.Helper()
	e := createElection(t, s, 2026)
	createMembers(t, s, person("ada", "individual", "2024-01-01"), person("bob", "individual", "2024-01-01"),
		organisation("acme", "gold", "2023-01-01", nil))
	return e
}

func TestCreateAndFindNominations(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		e := nominationFixture(t, s)
		ind, gold := e.Contests[0], e.Contests[1]
		self := nomination(ind, "ada", "ada")
		self.ID = 42 // ignored: the database assigns the ID
		self.Status, self.ConsentedAt = elections.NominationConsented, start.In(time.FixedZone("CEST", 2*3600))
		self.Profile = elections.CandidateProfile{DisplayName: "Ada L.", Pronouns: "she/her", Affiliation: "Analytical Engines",
			Bio: "Bio", Statement: "Statement ✓", Link: "https://ada.example"}
		other := nomination(ind, "bob", "ada")
		org := nomination(gold, "acme", "acme")
		org.PersonKey = "member:acme"
		for _, n := range []*elections.Nomination{self, other, org} {
			createNomination(t, s, n)
		}
		if self.ID != 1 || org.ID != 3 || self.CreatedAt != stored || self.ConsentedAt != stored {
			t.Errorf("after CreateNomination ID %d..%d, CreatedAt %v, ConsentedAt %v; want 1..3 and the stored times",
				self.ID, org.ID, self.CreatedAt, self.ConsentedAt)
		}
		got, err := s.NominationByID(ctx, self.ID)
		if err != nil {
			t.Fatalf("NominationByID: %v", err)
		}
		if diff := cmp.Diff(*self, *got); diff != "" {
			t.Errorf("NominationByID (-want +got):\n%s", diff)
		}
		if got.CreatedAt != stored || got.ConsentedAt != stored {
			t.Errorf("times %v, %v; want %v in UTC", got.CreatedAt, got.ConsentedAt, stored)
		}
		if _, err := s.NominationByID(ctx, 99); elections.ErrorCode(err) != elections.ENOTFOUND {
			t.Errorf("NominationByID(99) = %v, want %s", err, elections.ENOTFOUND)
		}
		if n := count(t, s, "SELECT count(*) FROM nominations WHERE consented_at IS NULL AND reviewed_at IS NULL AND withdrawn_at IS NULL"); n != 2 {
			t.Errorf("%d nominations with NULL times, want 2", n)
		}

		tests := []struct {
			name   string
			filter elections.NominationFilter
			want   []*elections.Nomination
		}{
			{"all", elections.NominationFilter{}, []*elections.Nomination{self, other, org}},
			{"election", elections.NominationFilter{ElectionID: e.ID}, []*elections.Nomination{self, other, org}},
			{"other election", elections.NominationFilter{ElectionID: 99}, nil},
			{"contest", elections.NominationFilter{ContestID: ind.ID}, []*elections.Nomination{self, other}},
			{"nominee", elections.NominationFilter{Nominee: "bob"}, []*elections.Nomination{other}},
			{"nominee who nominated", elections.NominationFilter{Nominee: "ada"}, []*elections.Nomination{self}},
			{"person key", elections.NominationFilter{ElectionID: e.ID, PersonKey: "member:acme"}, []*elections.Nomination{org}},
			{"all four", elections.NominationFilter{ElectionID: e.ID, ContestID: gold.ID, Nominee: "acme", PersonKey: "member:acme"},
				[]*elections.Nomination{org}},
			{"unknown nominee", elections.NominationFilter{Nominee: "zed"}, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := s.Nominations(ctx, tt.filter)
				if err != nil {
					t.Fatalf("Nominations: %v", err)
				}
				want := []elections.Nomination{}
				for _, n := range tt.want {
					want = append(want, *n)
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("Nominations(%+v) (-want +got):\n%s", tt.filter, diff)
				}
			})
		}
	})
}

func TestUpdateNomination(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		e := nominationFixture(t, s)
		n := nomination(e.Contests[0], "bob", "ada")
		createNomination(t, s, n)
		later := start.Add(time.Hour + time.Nanosecond)
		steps := []struct {
			name   string
			modify func(n *elections.Nomination)
		}{
			{"consent with a new profile", func(n *elections.Nomination) {
				n.Status, n.ConsentedAt = elections.NominationConsented, later
				n.Profile = elections.CandidateProfile{DisplayName: "Robert", Pronouns: "he/him", Affiliation: "Acme", Bio: "b",
					Statement: "s", Link: "http://bob.example"}
			}},
			{"accept", func(n *elections.Nomination) {
				n.Status, n.ReviewedAt, n.ReviewedBy, n.ReviewReason = elections.NominationAccepted, later, "officer@example.org", ""
			}},
			{"withdraw", func(n *elections.Nomination) { n.Status, n.WithdrawnAt = elections.NominationWithdrawn, later }},
		}
		for _, step := range steps {
			step.modify(n)
			changed := *n
			changed.Nominee, changed.NominatedBy, changed.PersonKey, changed.CreatedAt = "x", "y", "z", later // not stored
			if err := s.UpdateNomination(ctx, &changed); err != nil {
				t.Fatalf("%s: UpdateNomination: %v", step.name, err)
			}
			got, err := s.NominationByID(ctx, n.ID)
			if err != nil {
				t.Fatalf("NominationByID: %v", err)
			}
			want := *n
			for _, at := range []*time.Time{&want.ConsentedAt, &want.ReviewedAt, &want.WithdrawnAt} {
				*at = at.Truncate(time.Microsecond)
			}
			if diff := cmp.Diff(want, *got); diff != "" {
				t.Errorf("%s: nomination after UpdateNomination (-want +got):\n%s", step.name, diff)
			}
		}
		unknown := *n
		unknown.ID = 99
		if err := s.UpdateNomination(ctx, &unknown); elections.ErrorCode(err) != elections.ENOTFOUND {
			t.Errorf("UpdateNomination(unknown id) = %v, want %s", err, elections.ENOTFOUND)
		}
	})
}

// TestOneActiveNominationPerContest checks the partial unique index: a nominee has at most one
// active nomination in a contest, whatever code writes it.
func TestOneActiveNominationPerContest(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		e := nominationFixture(t, s)
		ind := e.Contests[0]
		first := nomination(ind, "bob", "ada")
		createNomination(t, s, first)
		for _, status := range []elections.NominationStatus{elections.NominationAwaitingConsent, elections.NominationConsented,
			elections.NominationAccepted} {
			first.Status, first.ConsentedAt, first.ReviewedAt, first.ReviewedBy = status, start, start, "officer@example.org"
			if err := s.UpdateNomination(ctx, first); err != nil {
				t.Fatalf("UpdateNomination(%s): %v", status, err)
			}
			if err := s.CreateNomination(ctx, nomination(ind, "bob", "bob")); elections.ErrorCode(err) != elections.ECONFLICT {
				t.Errorf("second nomination while the first is %s = %v, want %s", status, err, elections.ECONFLICT)
			}
		}
		// Once the first no longer stands, a new one may; the first cannot stand again.
		first.Status, first.ReviewReason = elections.NominationRejected, "not eligible"
		if err := s.UpdateNomination(ctx, first); err != nil {
			t.Fatalf("UpdateNomination(rejected): %v", err)
		}
		second := nomination(ind, "bob", "bob")
		createNomination(t, s, second)
		first.Status = elections.NominationConsented
		if err := s.UpdateNomination(ctx, first); elections.ErrorCode(err) != elections.ECONFLICT {
			t.Errorf("making the first active again = %v, want %s", err, elections.ECONFLICT)
		}
		// Other nominees, and the same member in another contest, are not affected.
		createNomination(t, s, nomination(ind, "ada", "ada"))
		if n := count(t, s, "SELECT count(*) FROM nominations"); n != 3 {
			t.Errorf("%d nominations, want 3", n)
		}
	})
}

func TestCreateNominationRefused(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		e := nominationFixture(t, s)
		ind, gold := e.Contests[0], e.Contests[1]
		tests := []struct {
			name   string
			modify func(n *elections.Nomination)
			want   string
		}{
			{"unknown nominee", func(n *elections.Nomination) { n.Nominee = "zed" }, elections.ENOTFOUND},
			{"unknown nominator", func(n *elections.Nomination) { n.NominatedBy = "zed" }, elections.ENOTFOUND},
			{"unknown contest", func(n *elections.Nomination) { n.ContestID = 99 }, elections.ENOTFOUND},
			{"contest of another constituency", func(n *elections.Nomination) { n.ContestID = gold.ID }, elections.ENOTFOUND},
			{"contest of another election", func(n *elections.Nomination) { n.ElectionID = 99 }, elections.ENOTFOUND},
			{"unknown status", func(n *elections.Nomination) { n.Status = "pending" }, ""},
			{"no display name", func(n *elections.Nomination) { n.Profile.DisplayName = "" }, ""},
			{"no person key", func(n *elections.Nomination) { n.PersonKey = "" }, ""},
			{"consented without a time", func(n *elections.Nomination) { n.Status = elections.NominationConsented }, ""},
			{"accepted without a review", func(n *elections.Nomination) {
				n.Status, n.ConsentedAt = elections.NominationAccepted, start
			}, ""},
			{"rejected without a reason", func(n *elections.Nomination) {
				n.Status, n.ReviewedAt, n.ReviewedBy = elections.NominationRejected, start, "officer@example.org"
			}, ""},
			{"reviewed by nobody", func(n *elections.Nomination) {
				n.Status, n.ReviewedAt, n.ReviewReason = elections.NominationRejected, start, "no"
			}, ""},
			{"withdrawn without a time", func(n *elections.Nomination) { n.Status = elections.NominationWithdrawn }, ""},
			{"a time of withdrawal while standing", func(n *elections.Nomination) { n.WithdrawnAt = start }, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				n := nomination(ind, "bob", "ada")
				tt.modify(n)
				err := s.CreateNomination(context.Background(), n)
				if err == nil || tt.want != "" && elections.ErrorCode(err) != tt.want {
					t.Errorf("CreateNomination = %v, want an error %s", err, tt.want)
				}
			})
		}
		if n := count(t, s, "SELECT count(*) FROM nominations"); n != 0 {
			t.Errorf("%d nominations after the refused calls, want none", n)
		}
	})
}
