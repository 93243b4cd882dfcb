// Command loadvote measures the hot path of an election: members casting ballots over HTTP
// (issue #6 §7). It sets up an election with -voters members on one contest, opens a round,
// issues and redeems every member's access code, then has -clients concurrent HTTP clients
// cast one ballot per member, first against the service with its storage stubbed out (the
// same handler and service; CastBallots accepts without writing), then against the real
// store. It reports ballots/s and latency percentiles of both and their ratio; then it closes
// the round, counts, and checks that every acknowledged receipt is among the published ballots.
//
//	go run ./bench/loadvote -voters 30000 -clients 64
//
// The database is SQLite in a temporary directory (WAL, synchronous=FULL: the service's own
// settings) unless -driver postgres -dsn … is given. Figures are in docs/BENCHMARKS.md.
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"math"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/govboard/govboard/api"
	"github.com/govboard/govboard/elections"
	"github.com/govboard/govboard/pkg/charterfile"
	"github.com/govboard/govboard/pkg/jwtauth"
	"github.com/govboard/govboard/pkg/password"
	"github.com/govboard/govboard/pkg/rollfile"
	"github.com/govboard/govboard/pkg/sqlstore"
)

type options struct {
	voters, clients, candidates, seats int
	method, driver, dsn, dir           string
	revote                             float64
	keep                               bool
	cpuProfile                         string
}

func main() {
	var o options
	flag.IntVar(&o.voters, "voters", 30000, "members on the roll, each casting one ballot")
	flag.IntVar(&o.clients, "clients", 64, "concurrent HTTP clients")
	flag.IntVar(&o.candidates, "candidates", 8, "candidates")
	flag.IntVar(&o.seats, "seats", 3, "seats")
	flag.StringVar(&o.method, "method", "meek", "counting method of the contest (a ranking method)")
	flag.Float64Var(&o.revote, "revote", 0, "share of voters who cast a second ballot replacing the first (0 to 1)")
	flag.StringVar(&o.driver, "driver", sqlstore.DriverSQLite, "database: sqlite or postgres")
	flag.StringVar(&o.dsn, "dsn", "", "postgres connection string (a scratch database: the tool creates tables in it)")
	flag.StringVar(&o.dir, "dir", "", "directory for the SQLite file (default: a new temporary directory)")
	flag.BoolVar(&o.keep, "keep", false, "keep the temporary directory")
	flag.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the two casting runs to this file")
	flag.Parse()
	if err := run(context.Background(), o); err != nil {
		log.Fatalf("loadvote: %v", err)
	}
}

func run(ctx context.Context, o options) error {
	if o.voters < o.candidates || o.clients < 1 || o.seats < 1 || o.seats >= o.candidates {
		return errors.New("need voters ≥ candidates > seats ≥ 1 and clients ≥ 1")
	}
	if o.driver == sqlstore.DriverSQLite {
		if o.dir == "" {
			d, err := os.MkdirTemp("", "loadvote-")
			if err != nil {
				return err
			}
			o.dir = d
			if !o.keep {
				defer os.RemoveAll(d)
			}
		}
		o.dsn = filepath.Join(o.dir, "govboard.db")
	}
	fmt.Printf("loadvote: %d voters, %d clients, %d candidates, %d seats, %s, %s, GOMAXPROCS %d\n",
		o.voters, o.clients, o.candidates, o.seats, o.method, o.driver, runtime.GOMAXPROCS(0))

	st, err := sqlstore.Open(ctx, sqlstore.Options{Driver: o.driver, DSN: o.dsn})
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		return err
	}
	counting := &countingStore{Store: st}
	svc, err := elections.NewService(counting, nil, password.Hasher{Cost: 4})
	if err != nil {
		return err
	}
	defer svc.Close()
	t0 := time.Now()
	electionID, err := setUp(ctx, svc, st, o)
	if err != nil {
		return fmt.Errorf("set up: %w", err)
	}
	fmt.Printf("set up: charter, %d members, election %d with %d nominations in %.1fs\n", o.voters, electionID, o.candidates, time.Since(t0).Seconds())

	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	tokens, err := jwtauth.New(jwtauth.Config{Signing: jwtauth.Ed25519Key(priv), Issuer: "govboard", Audience: "govboard", TTL: time.Hour})
	if err != nil {
		return err
	}
	real, err := serve(svc, tokens)
	if err != nil {
		return err
	}
	defer real.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConns: 4 * o.clients, MaxIdleConnsPerHost: 4 * o.clients}}
	c := &caller{client: client, base: real.url + "/api/v1"}
	if err := c.login(); err != nil {
		return err
	}
	var round struct {
		ID       int64 `json:"id"`
		Contests []struct {
			ContestID  int64 `json:"contest_id"`
			Candidates []struct {
				ID int64 `json:"id"`
			} `json:"candidates"`
		} `json:"contests"`
	}
	if err := c.json("POST", fmt.Sprintf("/elections/%d/rounds", electionID), c.officer, map[string]any{}, 201, &round); err != nil {
		return fmt.Errorf("open the round: %w", err)
	}
	contest := round.Contests[0]
	candidates := make([]int64, len(contest.Candidates))
	for i, cand := range contest.Candidates {
		candidates[i] = cand.ID
	}
	t0 = time.Now()
	voterTokens, err := c.redeemAll(electionID, o.clients)
	if err != nil {
		return err
	}
	fmt.Printf("issued and redeemed %d access codes over HTTP in %.1fs\n", len(voterTokens), time.Since(t0).Seconds())

	casts := plan(voterTokens, candidates, o.revote)
	stubSvc, err := elections.NewService(stubStore{Store: st}, nil, password.Hasher{Cost: 4})
	if err != nil {
		return err
	}
	defer stubSvc.Close()
	stub, err := serve(stubSvc, tokens)
	if err != nil {
		return err
	}
	defer stub.Close()
	path := fmt.Sprintf("/api/v1/contests/%d/ballots", contest.ContestID)
	if o.cpuProfile != "" {
		f, err := os.Create(o.cpuProfile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer f.Close()
	}
	stubRun := castAll(stub.url, path, casts, o.clients)
	stubRun.print("stubbed storage")
	counting.reset()
	realRun := castAll(real.url, path, casts, o.clients)
	realRun.print(o.driver + " storage")
	counting.print()
	if o.cpuProfile != "" {
		pprof.StopCPUProfile()
	}
	if stubRun.failed > 0 || realRun.failed > 0 {
		return fmt.Errorf("%d and %d casts failed (first: %v / %v)", stubRun.failed, realRun.failed, stubRun.firstErr, realRun.firstErr)
	}
	fmt.Printf("ratio %s/stubbed: %.2f\n", o.driver, realRun.rate()/stubRun.rate())

	if err := c.json("POST", fmt.Sprintf("/rounds/%d/close", round.ID), c.officer, nil, 200, nil); err != nil {
		return fmt.Errorf("close: %w", err)
	}
	t0 = time.Now()
	var counted struct {
		Results []struct {
			Ballots    int `json:"ballots"`
			Superseded int `json:"superseded"`
			Elected    []struct {
				Name string `json:"name"`
			} `json:"elected"`
		} `json:"results"`
	}
	if err := c.json("POST", fmt.Sprintf("/elections/%d/count", electionID), c.officer, nil, 200, &counted); err != nil {
		return fmt.Errorf("count: %w", err)
	}
	fmt.Printf("counted over HTTP in %.2fs: %d ballots, %d superseded, elected %v\n", time.Since(t0).Seconds(),
		counted.Results[0].Ballots, counted.Results[0].Superseded, counted.Results[0].Elected)
	return checkReceipts(c, contest.ContestID, realRun.receipts)
}

// benchCharter is a board of one constituency whose seats are all up in the first election.
const benchCharter = `name: Load test board
effective_from: 2020-01-01
currency: USD
term_years: 2
first_election: %d
constituencies:
  - key: members
    name: Members
    category: Community
    seats: %d
    seating: elected
    elected_in: %s
    method: %s
    uncontested: acclamation
    eligibility: {rule: membership}
`

// setUp applies the charter, imports the members and creates an election in its voting phase
// today with o.candidates accepted candidates (nominated through a service whose clock stands in
// the nominations window, as the demo does).
func setUp(ctx context.Context, svc *elections.Service, st elections.Store, o options) (int64, error) {
	now := time.Now().UTC()
	parity := "even"
	if now.Year()%2 == 1 {
		parity = "odd"
	}
	ch, err := charterfile.Parse([]byte(fmt.Sprintf(benchCharter, now.Year(), o.seats, parity, o.method)), "loadvote charter")
	if err != nil {
		return 0, err
	}
	if _, _, err := svc.ApplyCharter(ctx, elections.CLIActor(), ch); err != nil {
		return 0, err
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"external_id", "kind", "name", "email", "constituency", "joined"})
	for i := range o.voters {
		w.Write([]string{fmt.Sprintf("m%06d", i), "person", fmt.Sprintf("Member %06d", i), fmt.Sprintf("m%06d@loadvote.example", i), "members", "2020-01-01"})
	}
	w.Flush()
	rows, err := rollfile.ReadMembers(&b, rollfile.FormatCSV)
	if err != nil {
		return 0, err
	}
	if _, err := svc.ImportMembers(ctx, elections.CLIActor(), rows, elections.ImportSource{Name: "loadvote", Format: rollfile.FormatCSV}); err != nil {
		return 0, err
	}
	today := elections.DateOf(now)
	e, err := svc.CreateElection(ctx, elections.CLIActor(), elections.ElectionInput{
		Year: now.Year(), Title: "Load test election", Cutoff: today.AddDays(-10), Deadlines: elections.DeadlineUTC,
		Schedule: elections.Schedule{NominationsOpen: today.AddDays(-20), NominationsClose: today.AddDays(-10),
			VotingOpen: today, VotingClose: today.AddDays(7)},
	})
	if err != nil {
		return 0, err
	}
	past, err := elections.NewService(st, fixedClock(today.AddDays(-15).Time()), password.Hasher{Cost: 4})
	if err != nil {
		return 0, err
	}
	for i := range o.candidates {
		m := fmt.Sprintf("m%06d", i)
		n, err := past.Nominate(ctx, elections.MemberActor(m, e.ID), e.ID, elections.NominationInput{Nominee: m,
			Profile: elections.CandidateProfile{Bio: "Stands in the load test."}})
		if err != nil {
			return 0, fmt.Errorf("nominate %s: %w", m, err)
		}
		if _, err := past.AcceptNomination(ctx, elections.CLIActor(), n.ID, "load test"); err != nil {
			return 0, err
		}
	}
	if _, err := svc.AddUser(ctx, elections.CLIActor(), officerEmail, elections.RoleOfficer, officerPassword); err != nil {
		return 0, err
	}
	return e.ID, nil
}

const (
	officerEmail    = "officer@loadvote.example"
	officerPassword = "loadvote-officer-password"
)

type fixedClock time.Time

func (c fixedClock) Now() time.Time { return time.Time(c) }

// stubStore is the real store with the ballot writes taken out: CastBallots accepts every
// ballot without touching the database. Everything else (the reads of the hot path: round,
// roll) goes to the real store, so the comparison isolates the cost of storing ballots.
type stubStore struct{ elections.Store }

func (stubStore) CastBallots(_ context.Context, _ time.Time, casts []*elections.BallotCast) error {
	for _, c := range casts {
		c.Err, c.Replaced = nil, false
	}
	return nil
}

// countingStore is the real store, counting the group commits of CastBallots: how many
// batches, how many ballots in them, and how long the store took per batch.
type countingStore struct {
	elections.Store
	batches, ballots, nanos atomic.Int64
}

func (s *countingStore) CastBallots(ctx context.Context, now time.Time, casts []*elections.BallotCast) error {
	t := time.Now()
	err := s.Store.CastBallots(ctx, now, casts)
	s.nanos.Add(int64(time.Since(t)))
	s.batches.Add(1)
	s.ballots.Add(int64(len(casts)))
	return err
}

func (s *countingStore) reset() { s.batches.Store(0); s.ballots.Store(0); s.nanos.Store(0) }

func (s *countingStore) print() {
	b := s.batches.Load()
	if b == 0 {
		return
	}
	fmt.Printf("                 group commits: %d batches, %.1f ballots per batch, %.2f ms per batch in the store\n",
		b, float64(s.ballots.Load())/float64(b), float64(s.nanos.Load())/float64(b)/1e6)
}

// server is an HTTP server of the API on a free local port.
type server struct {
	url string
	srv *http.Server
}

func (s *server) Close() { s.srv.Close() }

func serve(svc *elections.Service, tokens *jwtauth.Manager) (*server, error) {
	h := api.New(svc, tokens, api.Options{LoginRate: 1e9, LoginBurst: 1 << 30, LoginAccountRate: 1e9, LoginAccountBurst: 1 << 30,
		RequestTimeout: time.Minute, ImportBodyLimit: "64MB"}).Handler()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	return &server{url: "http://" + ln.Addr().String(), srv: srv}, nil
}

// caller makes JSON requests to the API.
type caller struct {
	client  *http.Client
	base    string
	officer string
}

func (c *caller) do(method, path, token string, body any) (int, []byte, error) {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+path, r)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

func (c *caller) json(method, path, token string, body any, want int, out any) error {
	st, b, err := c.do(method, path, token, body)
	if err != nil {
		return err
	}
	if st != want {
		return fmt.Errorf("%s %s: %d, want %d: %s", method, path, st, want, b)
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(b, out)
}

func (c *caller) login() error {
	var tok struct {
		Token string `json:"token"`
	}
	if err := c.json("POST", "/auth/login", "", map[string]string{"email": officerEmail, "password": officerPassword}, 200, &tok); err != nil {
		return err
	}
	c.officer = tok.Token
	return nil
}

// redeemAll issues codes for everyone on the election's rolls and redeems them with clients
// concurrent requests; it returns the member tokens in roll order.
func (c *caller) redeemAll(electionID int64, clients int) ([]string, error) {
	st, raw, err := c.do("POST", fmt.Sprintf("/elections/%d/access-codes", electionID), c.officer, map[string]any{})
	if err != nil || st != 200 {
		return nil, fmt.Errorf("issue codes: %d %v %s", st, err, raw)
	}
	rows, err := csv.NewReader(bytes.NewReader(raw)).ReadAll()
	if err != nil {
		return nil, err
	}
	codes := rows[1:]
	tokens := make([]string, len(codes))
	var next atomic.Int64
	var firstErr error
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(codes) {
					return
				}
				var tok struct {
					Token string `json:"token"`
				}
				if err := c.json("POST", "/auth/redeem", "", map[string]string{"code": codes[i][4]}, 200, &tok); err != nil {
					mu.Lock()
					firstErr = cmpErr(firstErr, err)
					mu.Unlock()
					return
				}
				tokens[i] = tok.Token
			}
		}()
	}
	wg.Wait()
	return tokens, firstErr
}

func cmpErr(old, err error) error {
	if old != nil {
		return old
	}
	return err
}

// castReq is one ballot to cast: the voter's token and the encoded body.
type castReq struct {
	token string
	body  []byte
}

// plan gives every voter a random ranking of some candidates (the same for both runs), and a
// second, different ballot for a share revote of them, cast after everyone's first.
func plan(tokens []string, candidates []int64, revote float64) []castReq {
	rng := mrand.New(mrand.NewPCG(1, 2))
	ballot := func() []byte {
		perm := rng.Perm(len(candidates))
		k := 1 + rng.IntN(len(candidates))
		ranking := make([]int64, k)
		for i := range k {
			ranking[i] = candidates[perm[i]]
		}
		b, _ := json.Marshal(map[string]any{"ranking": ranking})
		return b
	}
	var out []castReq
	for _, t := range tokens {
		out = append(out, castReq{token: t, body: ballot()})
	}
	for _, t := range tokens {
		if rng.Float64() < revote {
			out = append(out, castReq{token: t, body: ballot()})
		}
	}
	return out
}

// runResult is the outcome of casting every planned ballot once.
type runResult struct {
	elapsed   time.Duration
	latencies []time.Duration
	receipts  []string
	failed    int
	firstErr  error
}

func (r *runResult) rate() float64 { return float64(len(r.latencies)) / r.elapsed.Seconds() }

func (r *runResult) print(name string) {
	slices.Sort(r.latencies)
	pct := func(p float64) time.Duration {
		if len(r.latencies) == 0 {
			return 0
		}
		return r.latencies[int(math.Ceil(p*float64(len(r.latencies))))-1]
	}
	fmt.Printf("%-16s %7d ballots acknowledged in %.2fs: %8.0f ballots/s, p50 %6.2f ms, p99 %6.2f ms, max %6.2f ms\n",
		name, len(r.latencies), r.elapsed.Seconds(), r.rate(), ms(pct(0.50)), ms(pct(0.99)), ms(pct(1)))
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// castAll casts every planned ballot from clients concurrent clients; a voter's ballots go in
// plan order (second ballots come after all first ones). Each client is one keep-alive HTTP/1.1
// connection with a minimal client of its own (rawClient): the load generator shares the
// machine's two cores with the server, and Go's http.Client would take a third of them.
func castAll(base, path string, casts []castReq, clients int) *runResult {
	res := &runResult{}
	var next atomic.Int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cl := &rawClient{addr: strings.TrimPrefix(base, "http://"), path: path}
			defer cl.close()
			var lat []time.Duration
			var receipts []string
			var failed int
			var firstErr error
			for {
				i := int(next.Add(1) - 1)
				if i >= len(casts) {
					break
				}
				t := time.Now()
				receipt, err := cl.cast(casts[i])
				if err != nil {
					failed++
					firstErr = cmpErr(firstErr, err)
					continue
				}
				lat = append(lat, time.Since(t))
				receipts = append(receipts, receipt)
			}
			mu.Lock()
			res.latencies = append(res.latencies, lat...)
			res.receipts = append(res.receipts, receipts...)
			res.failed += failed
			res.firstErr = cmpErr(res.firstErr, firstErr)
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	return res
}

// rawClient posts ballots over one keep-alive HTTP/1.1 connection: it writes each request in
// one piece and reads the status line, the headers (for Content-Length and Connection) and the
// body, in which it finds the receipt. A connection the server closes is dialled again.
type rawClient struct {
	addr, path string
	conn       net.Conn
	r          *bufio.Reader
	req        []byte
}

func (c *rawClient) close() {
	if c.conn != nil {
		c.conn.Close()
	}
}

func (c *rawClient) cast(cr castReq) (string, error) {
	if c.conn == nil {
		conn, err := net.Dial("tcp", c.addr)
		if err != nil {
			return "", err
		}
		c.conn, c.r = conn, bufio.NewReaderSize(conn, 4096)
	}
	c.req = append(c.req[:0], "POST "...)
	c.req = append(c.req, c.path...)
	c.req = append(c.req, " HTTP/1.1\r\nHost: "...)
	c.req = append(c.req, c.addr...)
	c.req = append(c.req, "\r\nContent-Type: application/json\r\nAuthorization: Bearer "...)
	c.req = append(c.req, cr.token...)
	c.req = append(c.req, "\r\nContent-Length: "...)
	c.req = strconv.AppendInt(c.req, int64(len(cr.body)), 10)
	c.req = append(c.req, "\r\n\r\n"...)
	c.req = append(c.req, cr.body...)
	if _, err := c.conn.Write(c.req); err != nil {
		c.close()
		c.conn = nil
		return "", err
	}
	status, body, keep, err := c.readResponse()
	if err != nil || !keep {
		c.close()
		c.conn = nil
	}
	if err != nil {
		return "", err
	}
	if status != http.StatusCreated {
		return "", fmt.Errorf("cast: %d %s", status, body)
	}
	const key = `"receipt":"`
	i := bytes.Index(body, []byte(key))
	if i < 0 || len(body) < i+len(key)+64 {
		return "", fmt.Errorf("cast: no receipt in %s", body)
	}
	return string(body[i+len(key) : i+len(key)+64]), nil
}

// readResponse reads one response: its status, its body and whether the connection stays open.
func (c *rawClient) readResponse() (status int, body []byte, keep bool, err error) {
	line, err := c.r.ReadSlice('\n')
	if err != nil {
		return 0, nil, false, err
	}
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.1 ")) {
		return 0, nil, false, fmt.Errorf("bad status line %q", line)
	}
	status, err = strconv.Atoi(string(line[9:12]))
	if err != nil {
		return 0, nil, false, err
	}
	length, keep := -1, true
	for {
		h, err := c.r.ReadSlice('\n')
		if err != nil {
			return 0, nil, false, err
		}
		h = bytes.TrimRight(h, "\r\n")
		if len(h) == 0 {
			break
		}
		name, value, _ := bytes.Cut(h, []byte(":"))
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			if length, err = strconv.Atoi(string(value)); err != nil {
				return 0, nil, false, err
			}
		case bytes.EqualFold(name, []byte("Connection")) && bytes.EqualFold(value, []byte("close")):
			keep = false
		}
	}
	if length < 0 {
		return 0, nil, false, errors.New("response without Content-Length")
	}
	body = make([]byte, length)
	if _, err := io.ReadFull(c.r, body); err != nil {
		return 0, nil, false, err
	}
	return status, body, keep, nil
}

// checkReceipts fetches the contest's published ballots (as an officer, after the count) and
// checks that every acknowledged receipt is among them, counted or superseded.
func checkReceipts(c *caller, contestID int64, receipts []string) error {
	var doc struct {
		Ballots    []struct{ Receipt string } `json:"ballots"`
		Superseded []struct{ Receipt string } `json:"superseded"`
	}
	if err := c.json("GET", fmt.Sprintf("/contests/%d/ballots?format=json", contestID), c.officer, nil, 200, &doc); err != nil {
		return err
	}
	published := make(map[string]bool, len(doc.Ballots)+len(doc.Superseded))
	for _, b := range doc.Ballots {
		published[b.Receipt] = true
	}
	for _, b := range doc.Superseded {
		published[b.Receipt] = true
	}
	var missing []string
	for _, r := range receipts {
		if !published[r] {
			missing = append(missing, r)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%d of %d acknowledged receipts are not published, e.g. %s", len(missing), len(receipts), strings.Join(missing[:min(3, len(missing))], ", "))
	}
	fmt.Printf("receipts: all %d acknowledged receipts are among the %d published ballots (%d counted, %d superseded)\n",
		len(receipts), len(published), len(doc.Ballots), len(doc.Superseded))
	return nil
}
