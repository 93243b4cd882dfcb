package elections

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// Auditor views (issue #7): turnout per contest, with small groups suppressed, and the
// officers' actions on an election.

// DefaultMinGroupSize is the smallest group whose turnout the auditor view shows.
const DefaultMinGroupSize = 10

// TurnoutRound is a contest's turnout in one round.
type TurnoutRound struct {
	RoundID int64
	Number  int
	Runoff  bool
	Open    bool
	// RollSize and Voters are the frozen roll's size and how many on it have voted; both 0
	// when Suppressed.
	RollSize int
	Voters   int
	// Suppressed is set when the roll, the voters or the members who did not vote (if any)
	// are fewer than the minimum group size: a turnout of so few could tell who voted.
	Suppressed bool
}

// ContestTurnout is the turnout of one contest, by round.
type ContestTurnout struct {
	ContestID    int64
	Constituency string
	Name         string
	Rounds       []TurnoutRound
}

// Turnout returns the turnout of each contest of an election in each round that voted on it
// (officers and auditors), while voting runs and after. A round whose roll, voters or
// non-voters (when some did not vote) are fewer than minGroup (DefaultMinGroupSize when 0 or
// less) shows neither number, only that it is suppressed (suppressTurnout).
func (s *Service) Turnout(ctx context.Context, actor Actor, electionID int64, minGroup int) ([]ContestTurnout, error) {
	if !readsUncertified(actor) {
		return nil, Errorf(EFORBIDDEN, "only officers and auditors see the turnout")
	}
	if minGroup <= 0 {
		minGroup = DefaultMinGroupSize
	}
	e, err := s.store.ElectionByID(ctx, electionID)
	if err != nil {
		return nil, err
	}
	out := make([]ContestTurnout, 0, len(e.Contests))
	for i := range e.Contests {
		c := &e.Contests[i]
		ct := ContestTurnout{ContestID: c.ID, Constituency: c.Constituency, Name: c.Name, Rounds: []TurnoutRound{}}
		rounds, _, err := s.store.ContestRounds(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		for _, r := range rounds {
			voters, err := s.store.Participation(ctx, r.ID, c.ID)
			if err != nil {
				return nil, err
			}
			tr := TurnoutRound{RoundID: r.ID, Number: r.Number, Runoff: r.Runoff, Open: r.State == RoundOpen,
				RollSize: c.RollSize, Voters: voters}
			if suppressTurnout(c.RollSize, voters, minGroup) {
				tr.RollSize, tr.Voters, tr.Suppressed = 0, 0, true
			}
			ct.Rounds = append(ct.Rounds, tr)
		}
		out = append(out, ct)
	}
	return out, nil
}

// suppressTurnout reports whether a turnout of voters out of roll is too small a group to
// show: a roll or a number of voters below minGroup, or fewer than minGroup (but some) who
// did not vote, whom the numbers would single out.
func suppressTurnout(roll, voters, minGroup int) bool {
	abstained := roll - voters
	return roll < minGroup || voters < minGroup || (abstained > 0 && abstained < minGroup)
}

// OfficerAction is an audit entry of an election made by an account or at the command line.
type OfficerAction struct {
	Event Event
	// Account is the account that acted (nil at the command line or when it no longer
	// resolves).
	Account *User
}

// OfficerActions returns the audit entries of an election made by officers, admins and the
// command line, oldest first, at most limit (MaxEventPage when 0 or more) after afterID
// (officers and auditors). Members' ballots and the service's scheduled actions are not
// officer actions.
func (s *Service) OfficerActions(ctx context.Context, actor Actor, electionID, afterID int64, limit int) ([]OfficerAction, error) {
	if !readsUncertified(actor) {
		return nil, Errorf(EFORBIDDEN, "only officers and auditors see the officers' actions")
	}
	if afterID < 0 {
		return nil, Errorf(EINVALID, "after must not be negative")
	}
	if limit <= 0 || limit > MaxEventPage {
		limit = MaxEventPage
	}
	if _, err := s.store.ElectionByID(ctx, electionID); err != nil {
		return nil, err
	}
	users := map[int64]*User{}
	out := []OfficerAction{}
	for len(out) < limit {
		page, err := s.store.ListEvents(ctx, EventFilter{Election: electionID, Accounts: true, AfterID: afterID, Limit: MaxEventPage})
		if err != nil {
			return nil, err
		}
		for _, ev := range page {
			afterID = ev.ID
			id, ok := userOfActor(ev.Actor)
			if !ok && ev.Actor != ActorCLI {
				continue
			}
			a := OfficerAction{Event: ev}
			if ok {
				if _, seen := users[id]; !seen {
					u, err := s.store.UserByID(ctx, id)
					if err != nil && ErrorCode(err) != ENOTFOUND {
						return nil, fmt.Errorf("officer actions: account %d: %w", id, err)
					}
					users[id] = u
				}
				a.Account = users[id]
			}
			out = append(out, a)
			if len(out) == limit {
				break
			}
		}
		if len(page) < MaxEventPage {
			break
		}
	}
	return out, nil
}

// userOfActor returns the account id of an actor string "user:<id>".
func userOfActor(actor string) (int64, bool) {
	rest, ok := strings.CutPrefix(actor, ActorUser+":")
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	return id, err == nil
}
