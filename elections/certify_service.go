package elections

import (
	"context"
	"fmt"
	"time"
)

// Certification (DESIGN.md §4): the counted winners take their seats. It takes LockElections
// (the election's status and results) and then LockBoard (the terms), in that order, as
// nothing takes them the other way round.

// CertifyElection certifies a counted election (officer): every winner takes a term on the
// seat ContestResult assigned (start: the certification day, or the day the seat's current
// term ends when that is later; end: the same day of the year TermEndsYear), acclaimed
// candidates likewise, unfilled seats stay vacant; the status becomes certified and
// election.certified is recorded. A contest whose runoff is pending refuses it.
func (s *Service) CertifyElection(ctx context.Context, actor Actor, electionID int64) ([]Term, error) {
	if !isReviewer(actor) {
		return nil, Errorf(EFORBIDDEN, "only an election officer can certify an election")
	}
	now := s.clock.Now().UTC()
	var out []Term
	err := s.store.Tx(ctx, func(tx Store) error {
		if err := tx.Lock(ctx, LockElections); err != nil {
			return err
		}
		if err := tx.Lock(ctx, LockBoard); err != nil {
			return err
		}
		e, err := tx.ElectionByID(ctx, electionID)
		if err != nil {
			return err
		}
		finals, err := certifiable(ctx, tx, e, now)
		if err != nil {
			return err
		}
		var events []pendingEvent
		var vacant []string
		var winners []Winner
		for _, r := range finals {
			for _, w := range r.Elected {
				t, err := seatWinner(ctx, tx, e, w, now)
				if err != nil {
					return err
				}
				out = append(out, *t)
				winners = append(winners, w)
				events = append(events, pendingEvent{EventTermRecorded, termRecordedPayload(t)})
			}
			vacant = append(vacant, r.VacantSeats...)
		}
		e.Status = StatusCertified
		if err := tx.UpdateElection(ctx, e); err != nil {
			return err
		}
		events = append(events, pendingEvent{EventElectionCertified, certifiedPayload(e, out, winners, vacant)})
		return recordAll(ctx, tx, now, actor, e.ID, events)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// certifiable returns the final result of each contest of e, in charter order, refusing the
// certification unless e is counted, no round of it is open and no runoff is pending.
func certifiable(ctx context.Context, tx Store, e *Election, now time.Time) ([]ContestResult, error) {
	switch ph := e.Phase(now); ph {
	case PhaseCounted:
	case PhaseCertified:
		return nil, electionPhaseConflict(ph, "it was certified already")
	default:
		return nil, electionPhaseConflict(ph, "an election is certified after its count")
	}
	rounds, err := tx.Rounds(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	for _, r := range rounds {
		if r.State == RoundOpen {
			return nil, Errorf(ECONFLICT, "round %d is open until %s; it must close and be counted before the certification",
				r.Number, r.ClosesAt.UTC().Format(instantLayout))
		}
	}
	results, err := tx.Results(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	finals := make([]ContestResult, 0, len(e.Contests))
	for _, c := range e.Contests {
		var final *ContestResult
		for i := range results {
			if results[i].ContestID == c.ID {
				final = &results[i]
			}
		}
		switch {
		case final == nil:
			return nil, Errorf(ECONFLICT, "the %s contest has no result; count the election again", c.Name)
		case final.Runoff != nil:
			return nil, Errorf(ECONFLICT, "the %s contest awaits a runoff (%s); open, close and count it first", c.Name, final.Runoff.Tie)
		}
		finals = append(finals, *final)
	}
	return finals, nil
}

// seatWinner records the term of winner w of election e, certified at now: from the
// certification day, or from the end of the seat's current term (and of any term following
// it) when that is later, to the same day of the year in w.TermEndsYear (or TermYears later,
// when that day is not after the start).
func seatWinner(ctx context.Context, tx Store, e *Election, w Winner, now time.Time) (*Term, error) {
	terms, err := tx.Terms(ctx, TermFilter{Seat: w.Seat})
	if err != nil {
		return nil, err
	}
	start := DateOf(now)
	for moved := true; moved; {
		moved = false
		for i := range terms {
			if terms[i].Covers(start) {
				start, moved = terms[i].Until(), true
			}
		}
	}
	end := start.AddYears(w.TermEndsYear - start.Year())
	if !end.After(start) {
		end = start.AddYears(w.TermYears)
	}
	found, err := tx.MembersByExternalID(ctx, []string{w.Member})
	if err != nil {
		return nil, err
	}
	in := TermInput{Seat: w.Seat, Member: w.Member, Start: start, End: end, Source: TermElected, ElectionYear: e.Year}
	if m := found[w.Member]; m != nil && m.Kind == MemberOrganisation && m.Representative != nil {
		in.Representative = m.Representative.Name
	}
	t, problems := termOf(in)
	more, err := resolveTerm(ctx, tx, &t, in)
	if err != nil {
		return nil, err
	}
	if problems = append(problems, more...); len(problems) > 0 {
		for i, p := range problems {
			problems[i] = fmt.Sprintf("cannot seat %s on %s: %s", w.Name, w.Seat, p)
		}
		return nil, &Error{Code: ECONFLICT, Message: problems[0], Details: problems}
	}
	if err := checkOverlap(ctx, tx, &t); err != nil {
		return nil, err
	}
	t.RecordedAt = now
	if err := tx.CreateTerm(ctx, &t); err != nil {
		return nil, err
	}
	return &t, nil
}

// termRecordedPayload is the payload of seat.term_recorded for term t, as RecordTerm writes it.
func termRecordedPayload(t *Term) map[string]any {
	rep := ""
	if n := len(t.Representatives); n > 0 {
		rep = t.Representatives[n-1].Name
	}
	return map[string]any{
		"seat": t.Seat, "holder": t.Holder, "member": t.MemberExternalID, "representative": rep,
		"start": t.Start, "end": t.End, "source": t.Source, "election_year": t.ElectionYear, "note": t.Note,
	}
}

// certifiedPayload is the payload of election.certified: the terms seated, each with the
// winner it seats (the nomination and the ballot name, which for an organisation is its
// representative while the holder is the organisation), and the seats left vacant. It names
// no member id: the results bundle publishes it, as the public results name none (the
// seat.term_recorded entries, which the bundle withholds, carry the members).
func certifiedPayload(e *Election, terms []Term, winners []Winner, vacant []string) map[string]any {
	seated := make([]map[string]any, len(terms))
	for i, t := range terms {
		seated[i] = map[string]any{"seat": t.Seat, "holder": t.Holder,
			"start": t.Start, "end": t.End, "candidate": winners[i].Candidate, "name": winners[i].Name}
	}
	if vacant == nil {
		vacant = []string{}
	}
	return map[string]any{"election": e.ID, "year": e.Year, "terms": seated, "vacant_seats": vacant}
}
