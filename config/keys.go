package config

import (
	"strings"

	"github.com/spf13/pflag"
)

// EnvPrefix starts the name of every environment variable govboard reads.
const EnvPrefix = "GOVBOARD_"

// setting describes one configuration key.
type setting struct {
	// key is the dotted key, as nested in YAML.
	key string
	// def is the default as YAML would hold it. nil means the default is derived from other
	// keys after loading (see resolve), or that the key is a secret without a default.
	def any
	// flag is the command-line flag that sets the key, if any (see BindFlags).
	flag string
	// usage describes the flag.
	usage string
}

// env returns the environment variable for s: GOVBOARD_ and the key in upper case with dots
// replaced by underscores (http.addr → GOVBOARD_HTTP_ADDR).
func (s setting) env() string {
	return EnvPrefix + strings.ToUpper(strings.ReplaceAll(s.key, ".", "_"))
}

// settings lists every key govboard reads. example.yaml documents each; a test keeps them in step.
func settings() []setting {
	return []setting{
		{key: "data_dir", def: "./govboard-data", flag: "data-dir",
			usage: "directory for the SQLite database and the signing key (env GOVBOARD_DATA_DIR; default ./govboard-data)"},
		{key: "http.addr", def: "127.0.0.1:8080", flag: "http",
			usage: "listen address host:port (env GOVBOARD_HTTP_ADDR; default 127.0.0.1:8080)"},
		{key: "http.public_url", def: ""},
		{key: "http.read_timeout", def: "15s"},
		{key: "http.write_timeout", def: "30s"},
		{key: "http.request_timeout", def: "25s"},
		{key: "http.idle_timeout", def: "60s"},
		{key: "http.shutdown_timeout", def: "15s"},
		{key: "http.body_limit", def: "1MB"},
		{key: "http.import_body_limit", def: "64MB"},
		{key: "http.trusted_proxies", def: []string{}},
		{key: "db.driver", def: DriverSQLite, flag: "db-driver",
			usage: "database driver, sqlite or postgres (env GOVBOARD_DB_DRIVER; default sqlite)"},
		{key: "db.dsn", def: "", flag: "db-dsn",
			usage: "database file (sqlite) or connection string (postgres) (env GOVBOARD_DB_DSN; default <data-dir>/govboard.db)"},
		{key: "db.auto_migrate", def: nil},
		{key: "db.max_open_conns", def: 0},
		{key: "db.busy_timeout", def: "5s"},
		{key: "auth.issuer", def: "govboard"},
		{key: "auth.audience", def: "govboard"},
		{key: "auth.token_ttl", def: "1h"},
		{key: "auth.algorithm", def: AlgEdDSA},
		{key: "auth.signing_key_file", def: ""},
		{key: "auth.previous_key_files", def: []string{}},
		{key: "auth.hmac_secret", def: nil}, // a secret: no default, ever
		{key: "auth.login_rate", def: 10},
		{key: "auth.login_burst", def: 5},
		{key: "auth.account_login_rate", def: 5},
		{key: "auth.account_login_burst", def: 10},
		{key: "auth.login_max_keys", def: 100000},
		{key: "auth.bcrypt_cost", def: 0},
		{key: "log.level", def: "info", flag: "log-level",
			usage: "log level: debug, info, warn or error (env GOVBOARD_LOG_LEVEL; default info)"},
		{key: "log.format", def: "text"},
		{key: "smtp.host", def: ""},
		{key: "smtp.port", def: 587},
		{key: "smtp.username", def: ""},
		{key: "smtp.password", def: nil}, // a secret: no default, ever
		{key: "smtp.from", def: ""},
		{key: "smtp.tls", def: SMTPStartTLS},
		{key: "smtp.timeout", def: "10s"},
		{key: "voting.close_check_interval", def: "5s"},
		{key: "audit.min_group_size", def: 10},
	}
}

// BindFlags registers on fs the configuration flags every command accepts: --data-dir, --http,
// --db-driver, --db-dsn and --log-level. They carry no default of their own: Load reads a flag
// only when it was given, so the file and the environment apply otherwise. --config is the
// CLI's own flag (it becomes Options.File).
func BindFlags(fs *pflag.FlagSet) {
	for _, s := range settings() {
		if s.flag != "" {
			fs.String(s.flag, "", s.usage)
		}
	}
}
