package elections

import "context"

// CountElection counts every contest of an election (officer), once no round of it is open
// and every contest that goes to a vote has had a round: each voted contest from the ballots
// of its latest round with pkg/tally (its method, seats, affiliation cap, term labels, the
// revealed seed), void below the quorum; acclaimed contests seat their candidates; contests
// without candidates leave their seats vacant. It stores the results, sets the election's
// status to counted and records election.counted. Counting again (before certification)
// gives byte-identical reports.
func (s *Service) CountElection(ctx context.Context, actor Actor, electionID int64) ([]ContestResult, error) {
	panic("not built yet")
}

// Results returns the results of an election's contests: to officers and auditors once
// counted, to everyone once certified (ENOTFOUND before that for others, ECONFLICT for
// officers and auditors before the count).
func (s *Service) Results(ctx context.Context, actor Actor, electionID int64) ([]ContestResult, error) {
	panic("not built yet")
}

// ContestResult returns one contest's result under the same rules as Results.
func (s *Service) ContestResult(ctx context.Context, actor Actor, contestID int64) (*ContestResult, error) {
	panic("not built yet")
}

// CertifyElection certifies a counted election (officer): every winner takes a term on the
// seat ContestResult assigned (start: the certification day, or the day the seat's current
// term ends when that is later; end: the same day of the year TermEndsYear), acclaimed
// candidates likewise, unfilled seats stay vacant; the status becomes certified and
// election.certified is recorded. A contest whose runoff is pending refuses it.
func (s *Service) CertifyElection(ctx context.Context, actor Actor, electionID int64) ([]Term, error) {
	panic("not built yet")
}
