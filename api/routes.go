package api

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/govboard/govboard/elections"
)

// Route is one entry of the route table.
type Route struct {
	// Method is the HTTP method, e.g. "GET".
	Method string
	// Path is the echo path template, e.g. "/api/v1/users/:id".
	Path string
	// Roles are the roles admitted, each with a valid bearer token. Roles are not
	// hierarchical: an admin is not an officer. A route has Roles or is Public, never both.
	Roles []elections.Role
	// Public says that the route needs no token. It must be said: a route without Roles is
	// not public by default, New panics on it.
	Public bool
	// Handler serves the route.
	Handler echo.HandlerFunc
	// Summary says in a few words what the route does.
	Summary string
	// middleware runs after the role check and before Handler (e.g. the login rate limit).
	middleware []echo.MiddlewareFunc
	// bodyLimit, when set, replaces Options.BodyLimit for this route (the imports), in the
	// syntax of Options.BodyLimit.
	bodyLimit string
}

// check panics unless r is either public or admits some roles: a route table that leaves a
// route open by omission is a programming error, which the tests catch.
func (r Route) check() {
	switch {
	case r.Public && len(r.Roles) > 0:
		panic("api: route " + r.Method + " " + r.Path + " has Roles and is Public; choose one")
	case !r.Public && len(r.Roles) == 0:
		panic("api: route " + r.Method + " " + r.Path + " has no Roles and is not Public")
	}
}

// Role sets used in the route table.
var (
	anySignedIn       = []elections.Role{elections.RoleMember, elections.RoleOfficer, elections.RoleAuditor, elections.RoleAdmin}
	adminOnly         = []elections.Role{elections.RoleAdmin}
	officerAndAuditor = []elections.Role{elections.RoleOfficer, elections.RoleAuditor}
	officerOnly       = []elections.Role{elections.RoleOfficer}
	memberOnly        = []elections.Role{elections.RoleMember}

	memberOfficerAndAuditor = []elections.Role{elections.RoleMember, elections.RoleOfficer, elections.RoleAuditor}
	officerAuditorAndAdmin  = []elections.Role{elections.RoleOfficer, elections.RoleAuditor, elections.RoleAdmin}
)

// routeTable is THE list of routes and who may call them.
func (s *Server) routeTable() []Route {
	const v1 = "/api/v1"
	return []Route{
		{Method: http.MethodPost, Path: v1 + "/auth/login", Public: true, Handler: s.login,
			Summary:    "Log in with e-mail address and password; returns an access token",
			middleware: []echo.MiddlewareFunc{s.limits.byAddress}},
		{Method: http.MethodPost, Path: v1 + "/auth/redeem", Public: true, Handler: s.redeem,
			Summary:    "Redeem a member's one-time access code; returns an access token for its election",
			middleware: []echo.MiddlewareFunc{s.limits.byAddress}},
		{Method: http.MethodGet, Path: v1 + "/auth/me", Roles: anySignedIn, Handler: s.me,
			Summary: "The caller's identity and role"},
		{Method: http.MethodGet, Path: v1 + "/auth/keys", Public: true, Handler: s.keys,
			Summary: "Public keys that verify access tokens (JWKS)"},

		{Method: http.MethodGet, Path: v1 + "/users", Roles: adminOnly, Handler: s.listUsers,
			Summary: "List officer, auditor and admin accounts"},
		{Method: http.MethodPost, Path: v1 + "/users", Roles: adminOnly, Handler: s.createUser,
			Summary: "Create an officer, auditor or admin account"},
		{Method: http.MethodGet, Path: v1 + "/users/:id", Roles: adminOnly, Handler: s.getUser,
			Summary: "One account"},

		{Method: http.MethodGet, Path: v1 + "/audit/events", Roles: officerAndAuditor, Handler: s.listEvents,
			Summary: "The audit trail, oldest first, one page at a time"},
		{Method: http.MethodGet, Path: v1 + "/audit/verify", Roles: officerAuditorAndAdmin, Handler: s.verifyAudit,
			Summary: "Recompute the audit chain's hashes and report the first broken link"},

		{Method: http.MethodGet, Path: v1 + "/board", Public: true, Handler: s.getBoard,
			Summary: "The charter in force on a day (default today)"},
		{Method: http.MethodGet, Path: v1 + "/board/charters", Public: true, Handler: s.listCharters,
			Summary: "Every charter version, oldest first"},
		{Method: http.MethodPost, Path: v1 + "/board/charters", Roles: officerOnly, Handler: s.applyCharter,
			Summary: "Apply a charter (YAML or JSON) as the next version"},
		{Method: http.MethodGet, Path: v1 + "/board/charters/:version", Public: true, Handler: s.getCharter,
			Summary: "One charter version"},
		{Method: http.MethodGet, Path: v1 + "/board/seats", Public: true, Handler: s.listSeats,
			Summary: "The seats of the charter in force on a day"},
		{Method: http.MethodGet, Path: v1 + "/board/seats/:seat", Public: true, Handler: s.getSeat,
			Summary: "One seat and the history of its terms"},
		{Method: http.MethodPost, Path: v1 + "/board/seats/:seat/terms", Roles: officerOnly, Handler: s.recordTerm,
			Summary: "Record a term of office on a seat"},
		{Method: http.MethodPost, Path: v1 + "/board/seats/:seat/vacate", Roles: officerOnly, Handler: s.vacateSeat,
			Summary: "End the term on a seat early (resignation or removal)"},
		{Method: http.MethodPost, Path: v1 + "/board/seats/:seat/representative", Roles: officerOnly, Handler: s.replaceSeatRepresentative,
			Summary: "Replace the person sitting for the organisation holding a seat"},
		{Method: http.MethodGet, Path: v1 + "/board/roster", Public: true, Handler: s.roster,
			Summary: "Who holds every seat on a day (default today)"},
		{Method: http.MethodGet, Path: v1 + "/board/seats-up", Public: true, Handler: s.seatsUp,
			Summary: "The seats each constituency elects in a year, and for how long"},

		{Method: http.MethodGet, Path: v1 + "/members", Roles: officerAndAuditor, Handler: s.listMembers,
			Summary: "The member roll, one page at a time"},
		{Method: http.MethodPost, Path: v1 + "/members", Roles: officerOnly, Handler: s.createMember,
			Summary: "Add a member"},
		{Method: http.MethodPost, Path: v1 + "/members/import", Roles: officerOnly, Handler: s.importMembers,
			Summary: "Import members from CSV or JSON, all or nothing", bodyLimit: s.opts.ImportBodyLimit},
		{Method: http.MethodGet, Path: v1 + "/members/:id", Roles: officerAndAuditor, Handler: s.getMember,
			Summary: "One member"},
		{Method: http.MethodPatch, Path: v1 + "/members/:id", Roles: officerOnly, Handler: s.updateMember,
			Summary: "Change some fields of a member"},
		{Method: http.MethodPost, Path: v1 + "/members/:id/representative", Roles: officerOnly, Handler: s.replaceRepresentative,
			Summary: "Designate a new representative of a member organisation"},
		{Method: http.MethodGet, Path: v1 + "/members/:id/representatives", Roles: officerAndAuditor, Handler: s.listRepresentatives,
			Summary: "The representatives of a member organisation, oldest first"},
		{Method: http.MethodGet, Path: v1 + "/members/:id/donations", Roles: officerAndAuditor, Handler: s.listDonations,
			Summary: "A member's donations, by date"},
		{Method: http.MethodGet, Path: v1 + "/members/:id/eligibility", Roles: officerAndAuditor, Handler: s.eligibility,
			Summary: "Whether a member may vote and stand in a constituency on a day, and why not"},
		{Method: http.MethodPost, Path: v1 + "/donations/import", Roles: officerOnly, Handler: s.importDonations,
			Summary: "Import donations from CSV or JSON, all or nothing", bodyLimit: s.opts.ImportBodyLimit},

		{Method: http.MethodPost, Path: v1 + "/elections", Roles: officerOnly, Handler: s.createElection,
			Summary: "Create the election of a year, with a contest per constituency with seats up"},
		{Method: http.MethodGet, Path: v1 + "/elections", Public: true, Handler: s.listElections,
			Summary: "Every election, newest year first"},
		{Method: http.MethodGet, Path: v1 + "/elections/:id", Public: true, Handler: s.getElection,
			Summary: "One election: its calendar, phase and contests"},
		{Method: http.MethodPut, Path: v1 + "/elections/:id/schedule", Roles: officerOnly, Handler: s.updateSchedule,
			Summary: "Change an election's calendar"},
		{Method: http.MethodPost, Path: v1 + "/elections/:id/nominations", Roles: memberOnly, Handler: s.nominate,
			Summary: "Nominate a member of your constituency, or yourself"},
		{Method: http.MethodGet, Path: v1 + "/elections/:id/nominations", Roles: officerAndAuditor, Handler: s.listNominations,
			Summary: "Every nomination of an election"},
		{Method: http.MethodPost, Path: v1 + "/elections/:id/access-codes", Roles: officerOnly, Handler: s.issueAccessCodes,
			Summary: "Issue one-time access codes to members, as CSV, and mail them on request"},
		{Method: http.MethodPost, Path: v1 + "/elections/:id/rounds", Roles: officerOnly, Handler: s.openRound,
			Summary: "Open a voting round: freeze the rolls, fix the ballots, commit to the tie-break seed"},
		{Method: http.MethodGet, Path: v1 + "/elections/:id/rounds", Public: true, Handler: s.listRounds,
			Summary: "The voting rounds of an election, by number"},
		{Method: http.MethodPost, Path: v1 + "/elections/:id/count", Roles: officerOnly, Handler: s.countElection,
			Summary: "Count every contest of an election once its rounds are closed"},
		{Method: http.MethodGet, Path: v1 + "/elections/:id/results", Public: true, Handler: s.getResults,
			Summary: "The results of an election: to officers and auditors once counted, to everyone once certified"},
		{Method: http.MethodPost, Path: v1 + "/elections/:id/certify", Roles: officerOnly, Handler: s.certifyElection,
			Summary: "Certify a counted election: seat the winners and publish results and ballots"},
		{Method: http.MethodGet, Path: v1 + "/elections/:id/bundle", Public: true, Handler: s.getBundle,
			Summary: "An election's signed results bundle (tar.gz) for `govboard verify`: to officers and auditors once counted, to everyone once certified"},
		{Method: http.MethodGet, Path: v1 + "/elections/:id/turnout", Roles: officerAndAuditor, Handler: s.getTurnout,
			Summary: "Turnout of each contest, round by round; groups below the minimum size suppressed"},
		{Method: http.MethodGet, Path: v1 + "/elections/:id/officer-actions", Roles: officerAndAuditor, Handler: s.getOfficerActions,
			Summary: "The audit entries of an election made by officers, admins and the command line"},
		{Method: http.MethodGet, Path: v1 + "/rounds/:id", Public: true, Handler: s.getRound,
			Summary: "One voting round"},
		{Method: http.MethodPost, Path: v1 + "/rounds/:id/extend", Roles: officerOnly, Handler: s.extendRound,
			Summary: "Move an open round's close later, with a reason"},
		{Method: http.MethodPost, Path: v1 + "/rounds/:id/close", Roles: officerOnly, Handler: s.closeRound,
			Summary: "Close an open round now and reveal its seed"},
		{Method: http.MethodGet, Path: v1 + "/contests/:id", Public: true, Handler: s.getContest,
			Summary: "One contest: its seats, counting method and outcome"},
		{Method: http.MethodPatch, Path: v1 + "/contests/:id", Roles: officerOnly, Handler: s.updateContest,
			Summary: "Change a contest's counting method, uncontested policy or seats"},
		{Method: http.MethodGet, Path: v1 + "/contests/:id/candidates", Public: true, Handler: s.listCandidates,
			Summary: "The accepted candidates of a contest, once nominations have closed"},
		{Method: http.MethodGet, Path: v1 + "/contests/:id/roll", Roles: officerAndAuditor, Handler: s.getRoll,
			Summary: "A contest's voter roll: the frozen roll, or a preview with who is left off and why"},
		{Method: http.MethodPost, Path: v1 + "/contests/:id/roll", Roles: officerOnly, Handler: s.addToRoll,
			Summary: "Add a member to a contest's frozen roll, where the charter allows it"},
		{Method: http.MethodGet, Path: v1 + "/contests/:id/ballot", Roles: memberOnly, Handler: s.getBallotForm,
			Summary: "Your ballot form in a contest whose round is open"},
		{Method: http.MethodPost, Path: v1 + "/contests/:id/ballots", Roles: memberOnly, Handler: s.castBallot,
			Summary: "Cast your ballot in a contest; returns its receipt"},
		{Method: http.MethodGet, Path: v1 + "/contests/:id/participation", Roles: memberOnly, Handler: s.getParticipation,
			Summary: "Whether you have voted in a contest (never how)"},
		{Method: http.MethodGet, Path: v1 + "/contests/:id/ballots", Public: true, Handler: s.getContestBallots,
			Summary: "A contest's anonymised ballots with receipts, as JSON, BLT or CSV: to officers and auditors once counted, to everyone once certified"},
		{Method: http.MethodGet, Path: v1 + "/contests/:id/report", Public: true, Handler: s.getReport,
			Summary: "A contest's count report, as JSON, text or CSV: to officers and auditors once counted, to everyone once certified"},
		{Method: http.MethodGet, Path: v1 + "/nominations/:id", Roles: memberOfficerAndAuditor, Handler: s.getNomination,
			Summary: "One nomination, to its nominee or nominator, officers and auditors"},
		{Method: http.MethodPost, Path: v1 + "/nominations/:id/consent", Roles: memberOnly, Handler: s.consent,
			Summary: "Consent to your nomination, optionally changing your profile"},
		{Method: http.MethodPost, Path: v1 + "/nominations/:id/decline", Roles: memberOnly, Handler: s.decline,
			Summary: "Decline your nomination"},
		{Method: http.MethodPost, Path: v1 + "/nominations/:id/withdraw", Roles: memberOnly, Handler: s.withdraw,
			Summary: "Withdraw your nomination or candidacy"},
		{Method: http.MethodPost, Path: v1 + "/nominations/:id/accept", Roles: officerOnly, Handler: s.acceptNomination,
			Summary: "Accept a consented nomination"},
		{Method: http.MethodPost, Path: v1 + "/nominations/:id/reject", Roles: officerOnly, Handler: s.rejectNomination,
			Summary: "Reject a nomination, with a reason"},

		{Method: http.MethodGet, Path: v1 + "/openapi.json", Public: true, Handler: s.openAPI,
			Summary: "This API's OpenAPI 3 document"},
		{Method: http.MethodGet, Path: "/healthz", Public: true, Handler: s.healthz,
			Summary: "The process is up"},
		{Method: http.MethodGet, Path: "/readyz", Public: true, Handler: s.readyz,
			Summary: "The service can serve: database reachable, schema current"},
		{Method: http.MethodGet, Path: "/metrics", Public: true, Handler: s.metricsHandler(),
			Summary: "Prometheus metrics"},
	}
}

// routeMiddleware returns the middleware of r: the role check for non-public routes, then
// r's own.
func (s *Server) routeMiddleware(r Route) []echo.MiddlewareFunc {
	var mw []echo.MiddlewareFunc
	if !r.Public {
		mw = append(mw, s.requireRole(r.Roles))
	}
	if r.bodyLimit != "" {
		mw = append(mw, middleware.BodyLimit(r.bodyLimit))
	}
	return append(mw, r.middleware...)
}
