package elections

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
)

// Member access codes (DESIGN.md §7): officers issue one-time codes, members redeem them for
// a session scoped to one election. A code is 128 random bits written in Crockford's base32;
// only its SHA-256 is stored.

// accessCodeBytes is the number of random bytes of a code (128 bits).
const accessCodeBytes = 16

// accessCodeGroup is the length of the groups a code is shown in.
const accessCodeGroup = 5

// crockford is Crockford's base32 alphabet: no I, L, O or U, which read like 1, 1, 0 and V.
var crockford = base32.NewEncoding("0123456789ABCDEFGHJKMNPQRSTVWXYZ").WithPadding(base32.NoPadding)

// accessCodeLength is the length of a normalised code: 26 characters for 128 bits.
var accessCodeLength = crockford.EncodedLen(accessCodeBytes)

// newAccessCode returns a fresh random code in groups of five, e.g.
// "7KQ2M-…-X", and its hash.
func newAccessCode() (code, hash string, err error) {
	b := make([]byte, accessCodeBytes)
	if _, err := rand.Read(b); err != nil {
		return "", "", err
	}
	plain := crockford.EncodeToString(b)
	var groups []string
	for i := 0; i < len(plain); i += accessCodeGroup {
		groups = append(groups, plain[i:min(i+accessCodeGroup, len(plain))])
	}
	return strings.Join(groups, "-"), accessCodeHash(plain), nil
}

// normalizeAccessCode returns code as it is hashed: upper case, without hyphens and white
// space (a code pasted from a mail often ends with a line break), with O read as 0 and I and
// L as 1.
func normalizeAccessCode(code string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		switch r {
		case '-':
			return -1
		case 'O', 'o':
			return '0'
		case 'I', 'i', 'L', 'l':
			return '1'
		}
		if 'a' <= r && r <= 'z' {
			return r - 'a' + 'A'
		}
		return r
	}, code)
}

// accessCodeHash returns the hex SHA-256 of a normalised code.
func accessCodeHash(normalized string) string {
	sum := sha256.Sum256([]byte(normalized))
	return hex.EncodeToString(sum[:])
}

// IssuedCode is one access code as issued: shown once, never stored in clear.
type IssuedCode struct {
	Member         string
	Name           string
	Representative string
	// Email is where to send it: the person's, or the representative's, address ("" when
	// unknown).
	Email     string
	Code      string
	ExpiresAt time.Time
	// Skipped says why no code was issued (e.g. an organisation without representative);
	// Code is then empty.
	Skipped string
}

// MemberSession is who redeemed an access code.
type MemberSession struct {
	Member     *Member
	ElectionID int64
	// Representative names who acts for an organisation; "" for a person.
	Representative string
}

// IssueAccessCodes issues one-time codes for an election: for members (external ids), or for
// every voter on the election's rolls when members is empty. A member's earlier unused codes
// for the election are revoked. Codes expire at expiresAt (default and at most: the end of
// voting, or the close of an open round of the election when later, see accessCodeWindow).
// Only hashes are stored; the event records the members, never the codes.
func (s *Service) IssueAccessCodes(ctx context.Context, actor Actor, electionID int64, members []string, expiresAt time.Time) ([]IssuedCode, error) {
	if !isReviewer(actor) {
		return nil, Errorf(EFORBIDDEN, "only an officer can issue access codes")
	}
	e, err := s.store.ElectionByID(ctx, electionID)
	if err != nil {
		return nil, err
	}
	now := s.clock.Now().UTC()
	limit, err := accessCodeWindow(ctx, s.store, e, now)
	if err != nil {
		return nil, err
	}
	if expiresAt, err = accessCodeExpiry(now, limit, expiresAt); err != nil {
		return nil, err
	}
	voters, err := s.electionVoters(ctx, e)
	if err != nil {
		return nil, err
	}
	ids, err := accessCodeMembers(voters, members)
	if err != nil {
		return nil, err
	}
	issued, codes, err := s.newAccessCodes(ctx, e, ids, voters, now, expiresAt)
	if err != nil {
		return nil, err
	}
	if len(codes) == 0 {
		return issued, nil
	}
	if err := s.storeAccessCodes(ctx, actor, e.ID, codes, now, expiresAt); err != nil {
		return nil, err
	}
	return issued, nil
}

// storeAccessCodes revokes the earlier unused codes of the codes' members, stores the codes
// and records access_codes.issued, in one transaction.
func (s *Service) storeAccessCodes(ctx context.Context, actor Actor, electionID int64, codes []*AccessCode, now, expiresAt time.Time) error {
	return s.store.Tx(ctx, func(tx Store) error {
		if err := tx.Lock(ctx, LockElections); err != nil {
			return err
		}
		if err := refuseClosedWindow(ctx, tx, electionID, now, expiresAt); err != nil {
			return err
		}
		holders := make([]string, len(codes))
		for i, c := range codes {
			holders[i] = c.Member
		}
		revoked, err := tx.RevokeAccessCodes(ctx, electionID, holders, now)
		if err != nil {
			return err
		}
		if err := tx.CreateAccessCodes(ctx, codes); err != nil {
			return err
		}
		return record(ctx, tx, now, actor, electionID, EventAccessCodesIssued, map[string]any{
			"election": electionID, "members": holders, "count": len(codes), "revoked": revoked, "expires_at": expiresAt,
		})
	})
}

// accessCodeWindow returns until when access codes of election e can be issued and used
// at now: the later of the end of voting (DeadlineEnd(VotingClose)) and the ClosesAt of
// e's open rounds. A runoff round opens after the count, past the end of voting as a rule,
// and its voters need codes too, since a member's token lasts an hour; an extended round
// likewise outlasts the end of voting. ECONFLICT when the election is certified, counted
// with no round open, or past the end of its voting with no round open.
func accessCodeWindow(ctx context.Context, st Store, e *Election, now time.Time) (time.Time, error) {
	ph := e.Phase(now)
	if ph == PhaseCertified {
		return time.Time{}, electionPhaseConflict(ph, "no access codes are issued or redeemed")
	}
	rounds, err := st.Rounds(ctx, e.ID)
	if err != nil {
		return time.Time{}, err
	}
	limit, open := e.DeadlineEnd(e.Schedule.VotingClose), false
	for _, r := range rounds {
		// A round past its close takes no ballot, even before the schedule closes it.
		if r.State == RoundOpen && r.ClosesAt.After(now) {
			open = true
			if r.ClosesAt.After(limit) {
				limit = r.ClosesAt.UTC()
			}
		}
	}
	switch {
	case ph == PhaseCounted && !open:
		return time.Time{}, electionPhaseConflict(ph, "access codes are issued after the count only while a runoff round is open")
	case !limit.After(now):
		return time.Time{}, Errorf(ECONFLICT, "voting closed at %s; no access codes can be issued", limit.Format(instantLayout))
	}
	return limit, nil
}

// accessCodeExpiry returns when codes issued at now expire: at (default: limit, the end of
// the election's access code window), which must be after now and not after limit.
func accessCodeExpiry(now, limit, at time.Time) (time.Time, error) {
	var problem string
	switch at = at.UTC(); {
	case at.IsZero():
		return limit, nil
	case at.After(limit):
		problem = fmt.Sprintf("expires_at: %s is after the end of voting (%s)",
			at.Format(time.RFC3339), limit.Format(time.RFC3339))
	case !at.After(now):
		problem = fmt.Sprintf("expires_at: %s has passed", at.Format(time.RFC3339))
	default:
		return at, nil
	}
	return time.Time{}, &Error{Code: EINVALID, Message: problem, Details: []string{problem}}
}

// refuseClosedWindow refuses, within tx, issuing codes that expire at expiresAt for an
// election whose access code window has closed or shrunk below expiresAt in the meantime
// (counted, certified, a round closed).
func refuseClosedWindow(ctx context.Context, tx Store, electionID int64, now, expiresAt time.Time) error {
	e, err := tx.ElectionByID(ctx, electionID)
	if err != nil {
		return err
	}
	limit, err := accessCodeWindow(ctx, tx, e, now)
	if err != nil {
		return err
	}
	if expiresAt.After(limit) {
		return Errorf(ECONFLICT, "voting now ends at %s, before the codes' expiry (%s): issue them again",
			limit.Format(instantLayout), expiresAt.UTC().Format(instantLayout))
	}
	return nil
}

// electionVoters returns the voters on e's rolls (frozen where frozen, else the preview),
// keyed by member external id.
func (s *Service) electionVoters(ctx context.Context, e *Election) (map[string]RollEntry, error) {
	voters := make(map[string]RollEntry)
	for _, c := range e.Contests {
		roll, err := s.ContestRoll(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		for _, v := range roll.Entries {
			if _, ok := voters[v.Member]; !ok {
				voters[v.Member] = v
			}
		}
	}
	return voters, nil
}

// accessCodeMembers returns the members to issue codes for: members without duplicates, in
// order, each on a roll (EINVALID listing those that are not), or every voter in external id
// order when members is empty.
func accessCodeMembers(voters map[string]RollEntry, members []string) ([]string, error) {
	if len(members) == 0 {
		ids := make([]string, 0, len(voters))
		for id := range voters {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		return ids, nil
	}
	var ids, problems []string
	seen := make(map[string]bool, len(members))
	for _, id := range members {
		if id = strings.TrimSpace(id); seen[id] {
			continue
		}
		seen[id] = true
		if _, ok := voters[id]; !ok {
			problems = append(problems, fmt.Sprintf("members: %q is not on any roll of this election", id))
			continue
		}
		ids = append(ids, id)
	}
	if len(problems) > 0 {
		return nil, &Error{Code: EINVALID, Message: problems[0], Details: problems}
	}
	return ids, nil
}

// newAccessCodes makes a code for each member of ids with their current name, representative
// and address (from the member roll, else the roll entry), skipping organisations without a
// representative. It returns the codes as issued, in the order of ids, and as stored.
func (s *Service) newAccessCodes(ctx context.Context, e *Election, ids []string, voters map[string]RollEntry,
	now, expiresAt time.Time) ([]IssuedCode, []*AccessCode, error) {
	ms, err := s.store.MembersByExternalID(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	issued := make([]IssuedCode, 0, len(ids))
	var codes []*AccessCode
	for _, id := range ids {
		ic := issuedCodeOf(voters[id], ms[id])
		if ic.Skipped == "" {
			code, hash, err := newAccessCode()
			if err != nil {
				return nil, nil, err
			}
			ic.Code, ic.ExpiresAt = code, expiresAt
			codes = append(codes, &AccessCode{ElectionID: e.ID, Member: id, Hash: hash, CreatedAt: now, ExpiresAt: expiresAt})
		}
		issued = append(issued, ic)
	}
	return issued, codes, nil
}

// issuedCodeOf returns who a code for voter v goes to, from member m when known.
func issuedCodeOf(v RollEntry, m *Member) IssuedCode {
	ic := IssuedCode{Member: v.Member, Name: v.Name, Representative: v.Representative, Email: v.Email}
	if m != nil {
		ic.Name, ic.Representative, ic.Email = m.Name, "", m.Email
		if m.Kind == MemberOrganisation {
			ic.Email = ""
			if m.Representative != nil {
				ic.Representative, ic.Email = m.Representative.Name, m.Representative.Email
			}
		}
		if m.Kind == MemberOrganisation && m.Representative == nil {
			ic.Skipped = "no representative designated"
		}
	} else if v.Kind == MemberOrganisation && v.Representative == "" {
		ic.Skipped = "no representative designated"
	}
	return ic
}

// badAccessCode is the one error of a failed redemption, whatever the reason, so that a
// caller cannot tell an unknown code from a used, revoked or expired one.
func badAccessCode() *Error {
	return Errorf(EUNAUTHORIZED, "the access code is invalid, used or expired")
}

// RedeemAccessCode exchanges a code for a member session, once. An unknown, used, revoked or
// expired code gives the same EUNAUTHORIZED error.
func (s *Service) RedeemAccessCode(ctx context.Context, code string) (*MemberSession, error) {
	norm := normalizeAccessCode(code)
	if len(norm) != accessCodeLength {
		return nil, badAccessCode()
	}
	c, err := s.store.AccessCodeByHash(ctx, accessCodeHash(norm))
	if ErrorCode(err) == ENOTFOUND {
		return nil, badAccessCode()
	}
	if err != nil {
		return nil, err
	}
	now := s.clock.Now().UTC()
	if !c.UsedAt.IsZero() || !c.RevokedAt.IsZero() || !now.Before(c.ExpiresAt) {
		return nil, badAccessCode()
	}
	e, err := s.store.ElectionByID(ctx, c.ElectionID)
	if err != nil {
		return nil, err
	}
	// A code is worth something while its election takes ballots: until the end of voting,
	// and while a round is open, a runoff after the count included.
	if _, err := accessCodeWindow(ctx, s.store, e, now); err != nil {
		if ErrorCode(err) == ECONFLICT {
			return nil, badAccessCode()
		}
		return nil, err
	}
	m, err := memberByExternalID(ctx, s.store, c.Member)
	if err != nil {
		return nil, err
	}
	// The one atomic step: of concurrent redemptions of one code, exactly one gets true. It
	// runs as a transaction so that, on SQLite, it takes its turn with the other writers (a
	// batch of ballots, another redemption) instead of polling for the lock, which many
	// concurrent redemptions could lose for longer than the busy timeout.
	var used bool
	err = s.store.Tx(ctx, func(tx Store) error {
		var err error
		used, err = tx.UseAccessCode(ctx, c.ID, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	if !used {
		return nil, badAccessCode()
	}
	sess := &MemberSession{Member: m, ElectionID: c.ElectionID}
	if m.Kind == MemberOrganisation && m.Representative != nil {
		sess.Representative = m.Representative.Name
	}
	return sess, nil
}
