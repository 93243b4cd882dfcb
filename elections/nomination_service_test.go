package elections_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/govboard/govboard/elections"
)

// TestNominationLifecycle walks nominations from creation to the public candidate list: a
// self-nomination (consented at once), a nomination of another member that the nominee
// consents to with profile changes, officer review, and the events of each step.
func TestNominationLifecycle(t *testing.T) {
	ctx := context.Background()
	env := newNomEnv(t)
	start := env.eventCount(t)

	ada := env.nominate(t, "ind-0001", "ind-0001", elections.CandidateProfile{Statement: "  I will serve.  "})
	want := &elections.Nomination{
		ID: ada.ID, ElectionID: env.election.ID, ContestID: env.contests["individual"], Constituency: "individual",
		Nominee: "ind-0001", NominatedBy: "ind-0001", PersonKey: "ada@example.org", Status: elections.NominationConsented,
		Profile:   elections.CandidateProfile{DisplayName: "Ada Lovelace", Statement: "I will serve."},
		CreatedAt: nomOpen, ConsentedAt: nomOpen,
	}
	if diff := cmp.Diff(want, ada); diff != "" {
		t.Errorf("self-nomination (-want +got):\n%s", diff)
	}

	cy := env.nominate(t, "ind-0001", "ind-0003", elections.CandidateProfile{})
	if cy.Status != elections.NominationAwaitingConsent || !cy.ConsentedAt.IsZero() {
		t.Errorf("nomination of another: status %s, consented at %v; want awaiting consent", cy.Status, cy.ConsentedAt)
	}
	cy, err := env.svc.Consent(ctx, env.member("ind-0003"), cy.ID, elections.CandidateProfile{Pronouns: "he/him", Link: "https://cy.example/"})
	if err != nil {
		t.Fatalf("Consent: %v", err)
	}
	wantCy := elections.CandidateProfile{DisplayName: "Cy Young", Pronouns: "he/him", Link: "https://cy.example/"}
	if cy.Status != elections.NominationConsented || !cy.ConsentedAt.Equal(nomOpen) || cy.Profile != wantCy {
		t.Errorf("after consent: %s at %v with %+v; want consented at %v with %+v", cy.Status, cy.ConsentedAt, cy.Profile, nomOpen, wantCy)
	}

	for _, id := range []int64{ada.ID, cy.ID} {
		if _, err := env.svc.AcceptNomination(ctx, nomOfficer, id, " eligible "); err != nil {
			t.Fatalf("AcceptNomination(%d): %v", id, err)
		}
	}
	acme := env.nominate(t, "org-acme", "org-acme", elections.CandidateProfile{})
	if _, err := env.svc.RejectNomination(ctx, nomOfficer, acme.ID, "statement missing"); err != nil {
		t.Fatalf("RejectNomination: %v", err)
	}

	c, iv := float64(env.contests["individual"]), float64(env.contests["individual"])
	g := float64(env.contests["gold"])
	wantEvents := []nomEvent{
		{elections.EventNominationCreated, "member", map[string]any{"nomination": float64(ada.ID), "contest": c,
			"constituency": "individual", "nominee": "ind-0001", "nominated_by": "ind-0001", "status": "consented"}},
		{elections.EventNominationCreated, "member", map[string]any{"nomination": float64(cy.ID), "contest": iv,
			"constituency": "individual", "nominee": "ind-0003", "nominated_by": "ind-0001", "status": "awaiting_consent"}},
		{elections.EventNominationConsented, "member", map[string]any{"nomination": float64(cy.ID), "contest": c, "nominee": "ind-0003"}},
		{elections.EventNominationProfileEdited, "member", map[string]any{"nomination": float64(cy.ID), "contest": c,
			"nominee": "ind-0003", "fields": []any{"pronouns", "link"}}},
		{elections.EventNominationAccepted, "user:3", map[string]any{"nomination": float64(ada.ID), "contest": c,
			"nominee": "ind-0001", "reason": "eligible"}},
		{elections.EventNominationAccepted, "user:3", map[string]any{"nomination": float64(cy.ID), "contest": c,
			"nominee": "ind-0003", "reason": "eligible"}},
		{elections.EventNominationCreated, "member", map[string]any{"nomination": float64(acme.ID), "contest": g,
			"constituency": "gold", "nominee": "org-acme", "nominated_by": "org-acme", "status": "consented"}},
		{elections.EventNominationRejected, "user:3", map[string]any{"nomination": float64(acme.ID), "contest": g,
			"nominee": "org-acme", "reason": "statement missing"}},
	}
	if diff := cmp.Diff(wantEvents, nomEvents(t, env.events(t, start), nomOpen)); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}

	got, err := env.svc.NominationFor(ctx, nomOfficer, cy.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != elections.NominationAccepted || got.ReviewReason != "eligible" || got.ReviewedBy != "user:3" || !got.ReviewedAt.Equal(nomOpen) {
		t.Errorf("accepted nomination: %+v", got)
	}

	env.clock.Set(nomCampaign)
	cands, err := env.svc.Candidates(ctx, env.contests["individual"])
	if err != nil {
		t.Fatalf("Candidates: %v", err)
	}
	var names []string
	for _, n := range cands {
		names = append(names, n.Profile.DisplayName)
		if n.PersonKey != "" {
			t.Errorf("candidate %s: PersonKey %q in the public list", n.Nominee, n.PersonKey)
		}
	}
	if diff := cmp.Diff([]string{"Ada Lovelace", "Cy Young"}, names); diff != "" {
		t.Errorf("candidates (-want +got):\n%s", diff)
	}
	gold, err := env.svc.Candidates(ctx, env.contests["gold"])
	if err != nil || len(gold) != 0 || gold == nil {
		t.Errorf("gold candidates %v, %v; want an empty list", gold, err)
	}
}

// TestNominationProfileDefaults checks the defaults of an organisation's profile: the
// representative's name and the organisation as affiliation.
func TestNominationProfileDefaults(t *testing.T) {
	env := newNomEnv(t)
	n := env.nominate(t, "org-acme", "org-beta", elections.CandidateProfile{Bio: " Funds things. "})
	want := elections.CandidateProfile{DisplayName: "Bea Beta", Affiliation: "Beta Org", Bio: "Funds things."}
	if diff := cmp.Diff(want, n.Profile); diff != "" {
		t.Errorf("profile (-want +got):\n%s", diff)
	}
	if n.PersonKey != "bea@beta.example" || n.Status != elections.NominationAwaitingConsent {
		t.Errorf("person key %q, status %s; want the representative's address, awaiting consent", n.PersonKey, n.Status)
	}
}

// TestNominateRefusals covers every refusal of Nominate; none changes anything.
func TestNominateRefusals(t *testing.T) {
	long := func(n int) string { return strings.Repeat("x", n) }
	tests := []struct {
		name string
		at   time.Time
		// before makes nominations first: pairs of nominator, nominee.
		before  [][2]string
		actor   func(env *nomEnv) elections.Actor
		nominee string
		profile elections.CandidateProfile
		want    nomError
	}{
		{name: "before nominations open", at: nomAnnounced, nominee: "ind-0001",
			want: nomError{Code: elections.ECONFLICT, Message: "the election is in its announced phase; nominations are accepted only in the nominations phase (2026-05-02 to 2026-05-15, utc)"}},
		{name: "after nominations close", at: nomCampaign, nominee: "ind-0001",
			want: nomError{Code: elections.ECONFLICT, Message: "the election is in its campaigning phase; nominations are accepted only in the nominations phase (2026-05-02 to 2026-05-15, utc)"}},
		{name: "in voting", at: nomVoting, nominee: "ind-0001",
			want: nomError{Code: elections.ECONFLICT, Message: "the election is in its voting phase; nominations are accepted only in the nominations phase (2026-05-02 to 2026-05-15, utc)"}},
		{name: "first second after the deadline day", at: time.Date(2026, 5, 16, 0, 0, 0, 0, time.UTC), nominee: "ind-0001",
			want: nomError{Code: elections.ECONFLICT, Message: "the election is in its campaigning phase; nominations are accepted only in the nominations phase (2026-05-02 to 2026-05-15, utc)"}},
		{name: "cross-constituency", nominee: "org-acme",
			want: nomError{Code: elections.EINVALID, Message: `org-acme is a member of "Gold Members", not "Individual Members"; members nominate within their own constituency`}},
		{name: "nominee not eligible", nominee: "ind-0002",
			want: nomError{Code: elections.EINVALID, Message: "nominee ind-0002 is not eligible on 2026-05-15 (an officer can tell the nominee why)",
				Details: []string{"nominee ind-0002 is not eligible on 2026-05-15 (an officer can tell the nominee why)"}}},
		{name: "nominator not eligible", actor: nomMember("ind-0002"), nominee: "ind-0001",
			want: nomError{Code: elections.EINVALID, Message: "nominator ind-0002 is not eligible on 2026-05-15: donations 45.00 USD since 2025-04-20, 60.00 required",
				Details: []string{"nominator ind-0002 is not eligible on 2026-05-15: donations 45.00 USD since 2025-04-20, 60.00 required"}}},
		{name: "no contest for the constituency", actor: nomMember("slv-0001"), nominee: "slv-0001",
			want: nomError{Code: elections.EINVALID, Message: `the election has no contest for "Silver Members": none of its seats is up`}},
		{name: "unknown nominee", nominee: "ind-9999",
			want: nomError{Code: elections.EINVALID, Message: `nominee: no member "ind-9999"`, Details: []string{`nominee: no member "ind-9999"`}}},
		{name: "no nominee", nominee: " ",
			want: nomError{Code: elections.EINVALID, Message: "nominee: required", Details: []string{"nominee: required"}}},
		{name: "double nomination", before: [][2]string{{"ind-0001", "ind-0001"}}, actor: nomMember("ind-0003"), nominee: "ind-0001",
			want: nomError{Code: elections.ECONFLICT, Message: `ind-0001 is already nominated in "Individual Members"`}},
		{name: "second constituency", before: [][2]string{{"ind-0004", "ind-0004"}}, actor: nomMember("org-beta"), nominee: "org-acme",
			want: nomError{Code: elections.ECONFLICT, Message: `org-acme is already nominated in "Individual Members" in this election; the charter allows one constituency per nominee`}},
		{name: "term limit", nominee: "ind-0005",
			want: nomError{Code: elections.EINVALID, Message: "ind-0005 has served 2 consecutive terms; the charter allows at most 2",
				Details: []string{"ind-0005 has served 2 consecutive terms; the charter allows at most 2"}}},
		{name: "member token for another election", actor: func(env *nomEnv) elections.Actor {
			return elections.MemberActor("ind-0001", env.election.ID+1)
		}, nominee: "ind-0001", want: nomError{Code: elections.EFORBIDDEN, Message: "your access code is for another election"}},
		{name: "officer", actor: func(*nomEnv) elections.Actor { return nomOfficer }, nominee: "ind-0001",
			want: nomError{Code: elections.EFORBIDDEN, Message: "only members nominate, with their access code"}},
		{name: "nominator not on the member roll", actor: nomMember("ind-0404"), nominee: "ind-0001",
			want: nomError{Code: elections.EFORBIDDEN, Message: "member ind-0404 is not on the member roll"}},
		{name: "organisation without representative needs a display name", actor: nomMember("org-beta"), nominee: "org-norep",
			want: nomError{Code: elections.EINVALID, Message: "display_name: required (the organisation has no representative to default to)",
				Details: []string{"display_name: required (the organisation has no representative to default to)"}}},
		{name: "profile: every problem at once", actor: nomMember("ind-0001"), nominee: "ind-0002",
			profile: elections.CandidateProfile{DisplayName: long(101), Pronouns: long(41), Affiliation: long(201), Bio: long(501),
				Statement: long(5001), Link: "ftp://example.org/" + long(490)},
			want: nomError{Code: elections.EINVALID, Message: "nominee ind-0002 is not eligible on 2026-05-15 (an officer can tell the nominee why)",
				Details: []string{
					"nominee ind-0002 is not eligible on 2026-05-15 (an officer can tell the nominee why)",
					"display_name: at most 100 characters (101 given)", "pronouns: at most 40 characters (41 given)",
					"affiliation: at most 200 characters (201 given)", "bio: at most 500 characters (501 given)",
					"statement: at most 5000 characters (5001 given)", "link: at most 500 characters (508 given)",
					`link: "ftp://example.org/` + long(490) + `" is not an http:// or https:// URL`,
				}}},
		{name: "profile: link without host", nominee: "ind-0001", profile: elections.CandidateProfile{Link: "https:///path"},
			want: nomError{Code: elections.EINVALID, Message: `link: "https:///path" is not an http:// or https:// URL`,
				Details: []string{`link: "https:///path" is not an http:// or https:// URL`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newNomEnv(t)
			for _, b := range tt.before {
				env.nominate(t, b[0], b[1], elections.CandidateProfile{})
			}
			if !tt.at.IsZero() {
				env.clock.Set(tt.at)
			}
			actor := env.member("ind-0001")
			if tt.actor != nil {
				actor = tt.actor(env)
			}
			env.unchanged(t, func() {
				n, err := env.svc.Nominate(context.Background(), actor, env.election.ID, elections.NominationInput{Nominee: tt.nominee, Profile: tt.profile})
				if diff := cmp.Diff(tt.want, nomErrorOf(t, err)); diff != "" {
					t.Errorf("Nominate = %+v, error (-want +got):\n%s", n, diff)
				}
			})
		})
	}
}

// nomMember returns the actor of member id in the environment's election.
func nomMember(id string) func(*nomEnv) elections.Actor {
	return func(env *nomEnv) elections.Actor { return env.member(id) }
}

// TestNominateAfterRefusals checks what a refusal leaves possible: the last second of the
// deadline day, a new nomination after a withdrawal, a second constituency when the first
// nomination was declined, and a second constituency without the charter rule.
func TestNominateAfterRefusals(t *testing.T) {
	ctx := context.Background()
	env := newNomEnv(t)
	env.clock.Set(time.Date(2026, 5, 15, 23, 59, 59, 0, time.UTC))
	ada := env.nominate(t, "ind-0001", "ind-0001", elections.CandidateProfile{})
	if _, err := env.svc.WithdrawNomination(ctx, env.member("ind-0001"), ada.ID); err != nil {
		t.Fatalf("WithdrawNomination: %v", err)
	}
	again := env.nominate(t, "ind-0003", "ind-0001", elections.CandidateProfile{})
	if again.ID == ada.ID || again.Status != elections.NominationAwaitingConsent {
		t.Errorf("nomination after withdrawal: %+v", again)
	}

	dee := env.nominate(t, "ind-0001", "ind-0004", elections.CandidateProfile{})
	if _, err := env.svc.Decline(ctx, env.member("ind-0004"), dee.ID); err != nil {
		t.Fatalf("Decline: %v", err)
	}
	acme := env.nominate(t, "org-acme", "org-acme", elections.CandidateProfile{})
	if acme.Constituency != "gold" || acme.PersonKey != "dee@example.org" {
		t.Errorf("nomination in gold after declining in individual: %+v", acme)
	}
}

// TestNominationActionRefusals covers the refusals of Consent, Decline, AcceptNomination,
// RejectNomination and WithdrawNomination: who, when and from which status. Each starts
// from Ada's nomination of Cy (awaiting consent) and Ada's self-nomination (consented).
func TestNominationActionRefusals(t *testing.T) {
	type action func(env *nomEnv, actor elections.Actor, id int64) error
	ctx := context.Background()
	consent := func(env *nomEnv, a elections.Actor, id int64) error {
		_, err := env.svc.Consent(ctx, a, id, elections.CandidateProfile{})
		return err
	}
	decline := func(env *nomEnv, a elections.Actor, id int64) error {
		_, err := env.svc.Decline(ctx, a, id)
		return err
	}
	accept := func(env *nomEnv, a elections.Actor, id int64) error {
		_, err := env.svc.AcceptNomination(ctx, a, id, "")
		return err
	}
	reject := func(env *nomEnv, a elections.Actor, id int64) error {
		_, err := env.svc.RejectNomination(ctx, a, id, "not a fit")
		return err
	}
	withdraw := func(env *nomEnv, a elections.Actor, id int64) error {
		_, err := env.svc.WithdrawNomination(ctx, a, id)
		return err
	}
	cy, ada := nomMember("ind-0003"), nomMember("ind-0001")
	officer := func(*nomEnv) elections.Actor { return nomOfficer }
	tests := []struct {
		name string
		// self picks Ada's self-nomination, else Ada's nomination of Cy.
		self bool
		// prepare names the steps taken first (by the nominee or an officer, at nomOpen).
		prepare []string
		// counted marks the election counted before the action.
		counted bool
		at      time.Time
		actor   func(*nomEnv) elections.Actor
		act     action
		want    string
		text    string
	}{
		{name: "consent by the nominator", actor: ada, act: consent, want: elections.EFORBIDDEN, text: "only the nominee"},
		{name: "consent by an officer", actor: officer, act: consent, want: elections.EFORBIDDEN},
		{name: "consent with a token for another election", actor: func(env *nomEnv) elections.Actor {
			return elections.MemberActor("ind-0003", env.election.ID+1)
		}, act: consent, want: elections.EFORBIDDEN},
		{name: "consent after nominations close", at: nomCampaign, actor: cy, act: consent, want: elections.ECONFLICT,
			text: "the election is in its campaigning phase; nominees consent only in the nominations phase (2026-05-02 to 2026-05-15, utc)"},
		{name: "consent twice", prepare: []string{"consent"}, actor: cy, act: consent, want: elections.ECONFLICT,
			text: "the nomination is consented; only a nomination awaiting consent can be consented to"},
		{name: "consent with a bad profile", actor: cy, act: func(env *nomEnv, a elections.Actor, id int64) error {
			_, err := env.svc.Consent(ctx, a, id, elections.CandidateProfile{Link: "javascript:alert(1)"})
			return err
		}, want: elections.EINVALID, text: `link: "javascript:alert(1)" is not an http:// or https:// URL`},
		{name: "accept without consent", actor: officer, act: accept, want: elections.ECONFLICT, text: "the nominee has not consented"},
		{name: "accept by a member", self: true, actor: ada, act: accept, want: elections.EFORBIDDEN, text: "only an officer"},
		{name: "accept by an auditor", self: true, actor: func(*nomEnv) elections.Actor { return nomAuditor }, act: accept, want: elections.EFORBIDDEN},
		{name: "accept once voting opened", self: true, at: nomVoting, actor: officer, act: accept, want: elections.ECONFLICT,
			text: "the election is in its voting phase; nominations can be accepted only before voting opens (2026-05-30)"},
		{name: "accept twice", self: true, prepare: []string{"accept"}, actor: officer, act: accept, want: elections.ECONFLICT,
			text: "the nomination is accepted; only a consented nomination can be accepted"},
		{name: "reject without reason", self: true, actor: officer, act: func(env *nomEnv, a elections.Actor, id int64) error {
			_, err := env.svc.RejectNomination(ctx, a, id, "  ")
			return err
		}, want: elections.EINVALID, text: "reason: required"},
		{name: "reject by the nominee", self: true, actor: ada, act: reject, want: elections.EFORBIDDEN},
		{name: "reject once voting opened", self: true, at: nomVoting, actor: officer, act: reject, want: elections.ECONFLICT},
		{name: "reject twice", self: true, prepare: []string{"reject"}, actor: officer, act: reject, want: elections.ECONFLICT},
		{name: "decline by the nominator", actor: ada, act: decline, want: elections.EFORBIDDEN},
		{name: "decline an accepted nomination", self: true, prepare: []string{"accept"}, actor: ada, act: decline, want: elections.ECONFLICT,
			text: "the nomination is accepted; only a nomination awaiting consent or consented can be declined"},
		{name: "decline once voting opened", at: nomVoting, actor: cy, act: decline, want: elections.ECONFLICT},
		{name: "withdraw by the nominator", actor: ada, act: withdraw, want: elections.EFORBIDDEN, text: "only the nominee can withdraw"},
		{name: "withdraw by an officer", self: true, actor: officer, act: withdraw, want: elections.EFORBIDDEN},
		{name: "withdraw once voting opened", self: true, prepare: []string{"accept"}, at: nomVoting, actor: ada, act: withdraw, want: elections.ECONFLICT,
			text: "the election is in its voting phase; a nomination can be withdrawn only before voting opens (2026-05-30)"},
		{name: "withdraw after counting", self: true, counted: true, at: nomVoting, actor: ada, act: withdraw, want: elections.ECONFLICT,
			text: "the election is in its counted phase"},
		{name: "withdrawn: withdraw again", self: true, prepare: []string{"withdraw"}, actor: ada, act: withdraw, want: elections.ECONFLICT,
			text: "the nomination is withdrawn"},
		{name: "withdrawn: accept", self: true, prepare: []string{"withdraw"}, actor: officer, act: accept, want: elections.ECONFLICT,
			text: "the nomination is withdrawn; only a consented nomination can be accepted"},
		{name: "withdrawn: reject", self: true, prepare: []string{"withdraw"}, actor: officer, act: reject, want: elections.ECONFLICT},
		{name: "withdrawn: decline", self: true, prepare: []string{"withdraw"}, actor: ada, act: decline, want: elections.ECONFLICT},
		{name: "withdrawn: consent", prepare: []string{"withdraw"}, actor: cy, act: consent, want: elections.ECONFLICT,
			text: "the nomination is withdrawn; only a nomination awaiting consent can be consented to"},
		{name: "declined: consent", prepare: []string{"decline"}, actor: cy, act: consent, want: elections.ECONFLICT,
			text: "the nomination is declined"},
		{name: "rejected: accept", self: true, prepare: []string{"reject"}, actor: officer, act: accept, want: elections.ECONFLICT,
			text: "the nomination is rejected"},
		{name: "unknown nomination", actor: officer, act: func(env *nomEnv, a elections.Actor, _ int64) error {
			return accept(env, a, 999)
		}, want: elections.ENOTFOUND, text: "no nomination 999"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newNomEnv(t)
			n := env.nominate(t, "ind-0001", "ind-0003", elections.CandidateProfile{})
			nominee := env.member("ind-0003")
			if tt.self {
				n, nominee = env.nominate(t, "ind-0001", "ind-0001", elections.CandidateProfile{}), env.member("ind-0001")
			}
			steps := map[string]action{"consent": consent, "decline": decline, "accept": accept, "reject": reject, "withdraw": withdraw}
			for _, step := range tt.prepare {
				a := nominee
				if step == "accept" || step == "reject" {
					a = nomOfficer
				}
				if err := steps[step](env, a, n.ID); err != nil {
					t.Fatalf("prepare %s: %v", step, err)
				}
			}
			if tt.counted {
				env.setStatus(t, elections.StatusCounted)
			}
			if !tt.at.IsZero() {
				env.clock.Set(tt.at)
			}
			actor := tt.actor(env)
			env.unchanged(t, func() { checkRefusal(t, tt.act(env, actor, n.ID), tt.want, tt.text) })
		})
	}
}
