package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// gormLogger sends gorm's log to slog: every query at debug level, slow queries at warn level.
// Queries are logged with their placeholders only (see ParamsFilter): bound values include
// password hashes, access codes and ballots.
//
// Failed queries are logged at debug level too: most failures are expected outcomes (a taken
// e-mail address, a missing row) that the caller turns into a domain error, and the others are
// returned to a caller that logs them with the request they belong to.
type gormLogger struct {
	log   *slog.Logger
	slow  time.Duration
	level logger.LogLevel
}

var (
	_ logger.Interface  = gormLogger{}
	_ gorm.ParamsFilter = gormLogger{}
)

func newGormLogger(log *slog.Logger, slow time.Duration) gormLogger {
	return gormLogger{log: log, slow: slow, level: logger.Info}
}

// LogMode returns a copy of the logger at the given gorm level.
func (l gormLogger) LogMode(level logger.LogLevel) logger.Interface {
	l.level = level
	return l
}

// Info logs a gorm message at info level.
func (l gormLogger) Info(ctx context.Context, msg string, data ...any) {
	if l.level >= logger.Info {
		l.log.InfoContext(ctx, fmt.Sprintf(msg, data...), "component", "gorm")
	}
}

// Warn logs a gorm message at warn level.
func (l gormLogger) Warn(ctx context.Context, msg string, data ...any) {
	if l.level >= logger.Warn {
		l.log.WarnContext(ctx, fmt.Sprintf(msg, data...), "component", "gorm")
	}
}

// Error logs a gorm message at error level.
func (l gormLogger) Error(ctx context.Context, msg string, data ...any) {
	if l.level >= logger.Error {
		l.log.ErrorContext(ctx, fmt.Sprintf(msg, data...), "component", "gorm")
	}
}

// Trace logs one executed query.
func (l gormLogger) Trace(ctx context.Context, begin time.Time, fc func() (string, int64), err error) {
	if l.level <= logger.Silent {
		return
	}
	elapsed := time.Since(begin)
	level, msg := slog.LevelDebug, "sql query"
	if l.slow > 0 && elapsed > l.slow {
		level, msg = slog.LevelWarn, "slow sql query"
	}
	if !l.log.Enabled(ctx, level) {
		return
	}
	sql, rows := fc()
	attrs := []slog.Attr{
		slog.String("component", "gorm"),
		slog.String("sql", sql),
		slog.Duration("elapsed", elapsed),
		slog.Int64("rows", rows),
	}
	if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	l.log.LogAttrs(ctx, level, msg, attrs...)
}

// ParamsFilter drops the values bound to a query so that they never reach the log.
func (gormLogger) ParamsFilter(_ context.Context, sql string, _ ...any) (string, []any) {
	return sql, nil
}
