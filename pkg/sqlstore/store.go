// Package sqlstore keeps govboard's data in SQLite (the embedded default) or PostgreSQL through
// gorm. It implements the storage interfaces declared by the elections package with unexported
// row types that are mapped to and from domain types explicitly; rows never leave the package.
//
// The schema is defined by versioned SQL migrations embedded in the binary (migrations/<dialect>/
// NNNN_name.sql), applied in order, each in one transaction together with its row in the
// schema_migrations history table. Migrations are append-only: a released file is never edited,
// a change is a new file. gorm's AutoMigrate is not used.
package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"

	"github.com/govboard/govboard/elections"
)

// The drivers Open accepts, also the names returned by Store.Dialect.
const (
	DriverSQLite   = "sqlite"
	DriverPostgres = "postgres"
)

// Default values of Options.
const (
	DefaultBusyTimeout   = 5 * time.Second
	DefaultSlowThreshold = 200 * time.Millisecond
)

// Errors Open wraps when its options are refused before any connection is made, to be told
// apart with errors.Is.
var (
	// ErrUnknownDriver means Options.Driver is neither DriverSQLite nor DriverPostgres.
	ErrUnknownDriver = errors.New("sqlstore: unknown driver (want sqlite or postgres)")
	// ErrNoDSN means Options.DSN is empty.
	ErrNoDSN = errors.New("sqlstore: no DSN given")
	// ErrBadSQLitePath means the SQLite DSN is not a plain file path: an in-memory database
	// (private to one connection of the pool), a file: URI, or a path with a query string
	// (Open sets the pragmas itself).
	ErrBadSQLitePath = errors.New("sqlstore: the sqlite DSN must be a plain file path")
)

// Options configure Open.
type Options struct {
	// Driver is DriverSQLite or DriverPostgres.
	Driver string
	// DSN locates the database. For SQLite it is a file path (its directory is created; the
	// pragmas are added by Open, so it carries no query string). For PostgreSQL it is a libpq
	// key=value string or a postgres:// URL.
	DSN string
	// BusyTimeout is how long an SQLite connection waits for a lock; DefaultBusyTimeout when 0.
	BusyTimeout time.Duration
	// MaxOpenConns limits the connection pool; 0 leaves it unlimited.
	MaxOpenConns int
	// Logger receives gorm's query log at debug level and slow queries at warn level, always
	// without the values bound to the query (they may be secrets or ballots). Nil discards.
	Logger *slog.Logger
	// SlowThreshold is the duration above which a query is logged as slow;
	// DefaultSlowThreshold when 0.
	SlowThreshold time.Duration
	// Now is the clock for times the store records itself (such as when a migration was
	// applied); the current UTC time when nil.
	Now func() time.Time
}

// maxIdleConns is how many idle connections the pool keeps (at most db.max_open_conns).
const maxIdleConns = 32

// Store is govboard's database. It is safe for concurrent use.
type Store struct {
	db      *gorm.DB
	dialect string
	now     func() time.Time
	// migrations holds one directory of NNNN_name.sql files per dialect.
	migrations fs.FS
	// castStmts holds the statements of CastBallots, prepared once per Store (see ballots.go);
	// the Stores of Tx functions share their parent's.
	castStmts *castStatements
	// gate queues the process's write transactions on SQLite (see writegate.go); nil on
	// PostgreSQL.
	gate *writeGate
	// txEffects is, in the Store passed to a Tx function, what is to be done once the
	// outermost transaction commits; nil outside Tx.
	txEffects *txEffects
}

// txEffects is what the work done in a transaction asks for once the transaction has
// committed, when it can no longer be inside it.
type txEffects struct {
	// truncateWAL is set by ClearVoterKeys on SQLite: the write-ahead log is to be emptied.
	truncateWAL bool
	// events are the audit events appended in the transaction so far, to be appended to the
	// chain at its end (see events.go).
	events []*elections.Event
}

var _ elections.Store = (*Store)(nil)

// Open connects to the database described by opts and checks that it is reachable. For SQLite
// it also checks that foreign keys and write-ahead logging are really on. Open does not
// migrate: call Migrate or CheckSchema.
func Open(ctx context.Context, opts Options) (*Store, error) {
	opts = opts.withDefaults()
	var dialector gorm.Dialector
	switch opts.Driver {
	case DriverSQLite:
		d, err := sqliteDialector(opts)
		if err != nil {
			return nil, err
		}
		dialector = d
	case DriverPostgres:
		if opts.DSN == "" {
			return nil, fmt.Errorf("%w: the postgres driver needs a connection string", ErrNoDSN)
		}
		dialector = postgres.Open(opts.DSN)
	default:
		return nil, fmt.Errorf("%w: %q", ErrUnknownDriver, opts.Driver)
	}
	db, err := gorm.Open(dialector, &gorm.Config{
		Logger:               newGormLogger(opts.Logger, opts.SlowThreshold),
		NowFunc:              opts.Now,
		TranslateError:       true,
		DisableAutomaticPing: true,
	})
	if err != nil {
		return nil, fmt.Errorf("sqlstore: open %s: %w", opts.Driver, err)
	}
	s := &Store{db: db, dialect: opts.Driver, now: opts.Now, migrations: embeddedMigrations(), castStmts: &castStatements{},
		gate: newWriteGate(opts.Driver, opts.BusyTimeout)}
	if err := s.setUp(ctx, opts); err != nil {
		_ = s.Close()
		return nil, err
	}
	return s, nil
}

// withDefaults fills the zero fields of opts.
func (opts Options) withDefaults() Options {
	if opts.BusyTimeout <= 0 {
		opts.BusyTimeout = DefaultBusyTimeout
	}
	if opts.SlowThreshold <= 0 {
		opts.SlowThreshold = DefaultSlowThreshold
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = func() time.Time { return time.Now().UTC() }
	}
	return opts
}

// setUp sizes the pool, pings the database and verifies the SQLite pragmas.
func (s *Store) setUp(ctx context.Context, opts Options) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return fmt.Errorf("sqlstore: %w", err)
	}
	// database/sql keeps only 2 idle connections by default: under concurrent requests (every
	// ballot reads its voter's roll entry) the pool would open and close a connection per
	// query, and opening one (SQLite: the file, the pragmas) costs more than the query.
	idle := maxIdleConns
	if opts.MaxOpenConns > 0 {
		sqlDB.SetMaxOpenConns(opts.MaxOpenConns)
		idle = min(idle, opts.MaxOpenConns)
	}
	sqlDB.SetMaxIdleConns(idle)
	if err := s.Ping(ctx); err != nil {
		return err
	}
	if s.dialect == DriverSQLite {
		return verifySQLitePragmas(ctx, s.db)
	}
	return nil
}

// Close closes all connections.
func (s *Store) Close() error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return fmt.Errorf("sqlstore: %w", err)
	}
	return sqlDB.Close()
}

// Ping checks that the database is reachable.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return fmt.Errorf("sqlstore: %w", err)
	}
	if err := sqlDB.PingContext(ctx); err != nil {
		return fmt.Errorf("sqlstore: ping %s: %w", s.dialect, err)
	}
	return nil
}

// Tx runs fn in one transaction: all of fn's changes are committed, or none when fn returns an
// error (or panics). The Store passed to fn works inside the transaction; a Tx within fn uses
// a savepoint. On SQLite the transaction takes the write lock when it begins, after the
// process's earlier transactions (see writeGate). The audit events fn appends are appended to
// the chain when fn has returned, as the last statements of the outermost transaction (see
// events.go). Once the outermost transaction has committed, and before Tx returns, Tx does
// what fn's work asked for then (see txEffects): on SQLite, after ClearVoterKeys, it empties
// the write-ahead log.
func (s *Store) Tx(ctx context.Context, fn func(tx elections.Store) error) error {
	defer s.enterWriteGate(ctx)()
	effects := s.txEffects
	outermost := effects == nil
	if outermost {
		effects = &txEffects{}
	}
	err := s.db.WithContext(ctx).Transaction(func(gtx *gorm.DB) error {
		inTx := *s
		inTx.db = gtx
		inTx.txEffects = effects
		mark := len(effects.events)
		if err := fn(&inTx); err != nil {
			// The savepoint (or the transaction) is rolled back: so are its events.
			clear(effects.events[mark:])
			effects.events = effects.events[:mark]
			return err
		}
		if !outermost {
			return nil
		}
		return appendChain(ctx, gtx.Statement.ConnPool, s.dialect, effects.events)
	})
	if err != nil && outermost {
		clearChainFields(effects.events)
	}
	if err == nil && outermost && effects.truncateWAL {
		s.truncateWAL(ctx)
	}
	return err
}

// Dialect returns DriverSQLite or DriverPostgres.
func (s *Store) Dialect() string { return s.dialect }
