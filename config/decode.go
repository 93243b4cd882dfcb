package config

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/viper"
)

// decoder reads typed values out of a viper instance, collecting a Problem for each value of
// the wrong type instead of stopping at the first.
type decoder struct {
	v        *viper.Viper
	src      map[string]string
	problems []Problem
	failed   map[string]bool
}

// config reads every key into a Config.
func (d *decoder) config() Config {
	return Config{
		DataDir: d.str("data_dir"),
		HTTP: HTTP{
			Addr:            d.str("http.addr"),
			PublicURL:       d.str("http.public_url"),
			ReadTimeout:     d.duration("http.read_timeout"),
			WriteTimeout:    d.duration("http.write_timeout"),
			RequestTimeout:  d.duration("http.request_timeout"),
			IdleTimeout:     d.duration("http.idle_timeout"),
			ShutdownTimeout: d.duration("http.shutdown_timeout"),
			BodyLimit:       d.size("http.body_limit"),
			ImportBodyLimit: d.size("http.import_body_limit"),
			TrustedProxies:  d.list("http.trusted_proxies"),
		},
		DB: DB{
			Driver:       canonical(d.str("db.driver"), DriverSQLite, DriverPostgres),
			DSN:          d.str("db.dsn"),
			AutoMigrate:  d.boolean("db.auto_migrate"),
			MaxOpenConns: d.integer("db.max_open_conns"),
			BusyTimeout:  d.duration("db.busy_timeout"),
		},
		Auth: Auth{
			Issuer:            d.str("auth.issuer"),
			Audience:          d.str("auth.audience"),
			TokenTTL:          d.duration("auth.token_ttl"),
			Algorithm:         canonical(d.str("auth.algorithm"), AlgEdDSA, AlgHS256),
			SigningKeyFile:    d.str("auth.signing_key_file"),
			PreviousKeyFiles:  d.list("auth.previous_key_files"),
			HMACSecret:        Secret(d.exact("auth.hmac_secret")),
			LoginRate:         d.integer("auth.login_rate"),
			LoginBurst:        d.integer("auth.login_burst"),
			AccountLoginRate:  d.integer("auth.account_login_rate"),
			AccountLoginBurst: d.integer("auth.account_login_burst"),
			LoginMaxKeys:      d.integer("auth.login_max_keys"),
			BcryptCost:        d.integer("auth.bcrypt_cost"),
		},
		Log: Log{
			Level:  canonical(d.str("log.level"), "debug", "info", "warn", "error"),
			Format: canonical(d.str("log.format"), "text", "json"),
		},
		SMTP: SMTP{
			Host:     d.str("smtp.host"),
			Port:     d.integer("smtp.port"),
			Username: d.str("smtp.username"),
			Password: Secret(d.exact("smtp.password")),
			From:     d.str("smtp.from"),
			TLS:      canonical(d.str("smtp.tls"), SMTPStartTLS, SMTPTLS, SMTPNone),
			Timeout:  d.duration("smtp.timeout"),
		},
		Voting: Voting{
			CloseCheckInterval: d.duration("voting.close_check_interval"),
		},
		Audit: Audit{MinGroupSize: d.integer("audit.min_group_size")},
	}
}

// fail records that the value of key could not be read.
func (d *decoder) fail(key string, raw any, want string) {
	if d.failed[key] {
		return
	}
	d.failed[key] = true
	shown := fmt.Sprintf("%v", raw)
	if key == "auth.hmac_secret" || key == "smtp.password" || key == "db.dsn" { // a DSN may hold a password
		shown = redacted
	}
	d.problems = append(d.problems, Problem{Key: key, Source: d.src[key],
		Message: fmt.Sprintf("%q is not %s", shown, want)})
}

// str reads a string; YAML numbers and booleans are refused rather than converted, so that a
// value such as 0123 is never silently changed.
func (d *decoder) str(key string) string {
	switch x := d.v.Get(key).(type) {
	case nil:
		return ""
	case string:
		return strings.TrimSpace(x)
	default:
		d.fail(key, x, "a string (quote it in YAML)")
		return ""
	}
}

// exact reads a string like str, but as it is, without trimming spaces: for a secret, where a
// stray space is either meant or a mistake to be reported (see checkAuth), never to be
// silently changed.
func (d *decoder) exact(key string) string {
	switch x := d.v.Get(key).(type) {
	case nil:
		return ""
	case string:
		return x
	default:
		d.fail(key, x, "a string (quote it in YAML)")
		return ""
	}
}

// duration reads a Go duration such as "15s" or "1m30s".
func (d *decoder) duration(key string) time.Duration {
	raw := d.v.Get(key)
	if s, ok := raw.(string); ok {
		if dur, err := time.ParseDuration(strings.TrimSpace(s)); err == nil {
			return dur
		}
	}
	d.fail(key, raw, "a duration with a unit, such as 15s, 1m30s or 2h")
	return 0
}

// integer reads a whole number, from YAML or as a decimal string.
func (d *decoder) integer(key string) int {
	switch x := d.v.Get(key).(type) {
	case int:
		return x
	case int64:
		if x >= math.MinInt && x <= math.MaxInt {
			return int(x)
		}
	case uint64:
		if x <= math.MaxInt {
			return int(x)
		}
	case string:
		if n, err := strconv.Atoi(strings.TrimSpace(x)); err == nil {
			return n
		}
	}
	d.fail(key, d.v.Get(key), "a whole number")
	return 0
}

// boolean reads true or false (from the environment also 1, 0, t, f).
func (d *decoder) boolean(key string) bool {
	switch x := d.v.Get(key).(type) {
	case nil:
		return false
	case bool:
		return x
	case string:
		if b, err := strconv.ParseBool(strings.TrimSpace(x)); err == nil {
			return b
		}
	}
	d.fail(key, d.v.Get(key), "true or false")
	return false
}

// list reads a list of strings: a YAML sequence, or a comma-separated string from the
// environment or a flag. Empty items are dropped.
func (d *decoder) list(key string) []string {
	out := []string{}
	switch x := d.v.Get(key).(type) {
	case nil:
	case []string:
		out = append(out, x...)
	case string:
		for item := range strings.SplitSeq(x, ",") {
			if item = strings.TrimSpace(item); item != "" {
				out = append(out, item)
			}
		}
	case []any:
		for _, item := range x {
			s, ok := item.(string)
			if !ok {
				d.fail(key, x, "a list of strings")
				return []string{}
			}
			out = append(out, s)
		}
	default:
		d.fail(key, x, "a list of strings")
	}
	return out
}

// size reads a byte count: a whole number of bytes or a number with a unit B, KB, MB or GB
// (powers of 1024; KiB, MiB, GiB, K, M and G are accepted too).
func (d *decoder) size(key string) int64 {
	raw := d.v.Get(key)
	switch x := raw.(type) {
	case int:
		return int64(x)
	case string:
		if n, ok := parseSize(x); ok {
			return n
		}
	}
	d.fail(key, raw, "a size such as 512KB or 1MB")
	return 0
}

// parseSize parses the sizes size accepts.
func parseSize(s string) (int64, bool) {
	s = strings.ToUpper(strings.TrimSpace(s))
	digits := strings.TrimRight(s, "KMGIB ")
	unit := strings.TrimSpace(s[len(digits):])
	mult := map[string]int64{"": 1, "B": 1, "K": 1 << 10, "KB": 1 << 10, "KIB": 1 << 10,
		"M": 1 << 20, "MB": 1 << 20, "MIB": 1 << 20, "G": 1 << 30, "GB": 1 << 30, "GIB": 1 << 30}[unit]
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || mult == 0 || n > math.MaxInt64/mult {
		return 0, false
	}
	return n * mult, true
}

// canonical returns the option that equals s ignoring case, or s unchanged (Validate then
// reports it).
func canonical(s string, options ...string) string {
	for _, o := range options {
		if strings.EqualFold(s, o) {
			return o
		}
	}
	return s
}
