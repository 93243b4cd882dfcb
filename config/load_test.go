package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

// noEnv is an empty environment: tests never see the real one.
var noEnv = []string{}

// writeFile writes a YAML file into a fresh directory and returns its path.
func writeFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "govboard.yaml")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// flags returns a flag set with BindFlags' flags parsed from args.
func flags(t *testing.T, args ...string) *pflag.FlagSet {
	t.Helper()
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	BindFlags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return fs
}

func mustLoad(t *testing.T, opts Options) Config {
	t.Helper()
	c, err := Load(opts)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return c
}

func TestDefault(t *testing.T) {
	want := Config{
		DataDir: "./govboard-data",
		HTTP: HTTP{Addr: "127.0.0.1:8080", ReadTimeout: 15 * time.Second, WriteTimeout: 30 * time.Second,
			RequestTimeout: 25 * time.Second, IdleTimeout: time.Minute, ShutdownTimeout: 15 * time.Second, BodyLimit: 1 << 20,
			ImportBodyLimit: 64 << 20, TrustedProxies: []string{}},
		DB: DB{Driver: "sqlite", DSN: filepath.Join("govboard-data", "govboard.db"), AutoMigrate: true,
			BusyTimeout: 5 * time.Second},
		Auth: Auth{Issuer: "govboard", Audience: "govboard", TokenTTL: time.Hour, Algorithm: "EdDSA",
			SigningKeyFile: filepath.Join("govboard-data", "signing-ed25519.pem"), PreviousKeyFiles: []string{},
			LoginRate: 10, LoginBurst: 5, AccountLoginRate: 5, AccountLoginBurst: 10, LoginMaxKeys: 100000},
		Log:    Log{Level: "info", Format: "text"},
		SMTP:   SMTP{Port: 587, TLS: "starttls", Timeout: 10 * time.Second},
		Voting: Voting{CloseCheckInterval: 5 * time.Second},
		Audit:  Audit{MinGroupSize: 10},
	}
	if diff := cmp.Diff(want, Default()); diff != "" {
		t.Errorf("Default() (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(Default(), mustLoad(t, Options{Env: noEnv})); diff != "" {
		t.Errorf("Load with nothing set differs from Default() (-want +got):\n%s", diff)
	}
	if err := Default().Validate(); err != nil {
		t.Errorf("Default().Validate() = %v", err)
	}
}

// everyKey gives each setting a non-default value, as an environment variable would carry it,
// and the Config those values must produce. The test fails when a setting has no entry here.
func everyKey() (map[string]string, Config) {
	values := map[string]string{
		"data_dir": "/srv/govboard", "http.addr": "0.0.0.0:9090", "http.public_url": "https://vote.example.org",
		"http.read_timeout": "1s", "http.write_timeout": "2s", "http.request_timeout": "1500ms", "http.idle_timeout": "3s",
		"http.shutdown_timeout": "4s", "http.body_limit": "256KB", "http.import_body_limit": "8MB", "http.trusted_proxies": "10.0.0.0/8, 192.0.2.7",
		"db.driver": "postgres",
		"db.dsn":    "host=127.0.0.1 dbname=govboard", "db.auto_migrate": "true", "db.max_open_conns": "7",
		"db.busy_timeout": "9s", "auth.issuer": "iss.example", "auth.audience": "aud.example",
		"auth.token_ttl": "15m", "auth.algorithm": "HS256", "auth.signing_key_file": "/keys/new.pem",
		"auth.previous_key_files": "/keys/a.pem, /keys/b.pem", "auth.hmac_secret": strings.Repeat("s", 40),
		"auth.login_rate": "20", "auth.login_burst": "3", "auth.bcrypt_cost": "12",
		"auth.account_login_rate": "6", "auth.account_login_burst": "7", "auth.login_max_keys": "500",
		"log.level": "debug", "log.format": "json",
		"smtp.host": "smtp.example.org", "smtp.port": "465", "smtp.username": "govboard", "smtp.password": "mail-pass-9c1e",
		"smtp.from": "Elections <elections@example.org>", "smtp.tls": "tls", "smtp.timeout": "20s",
		"voting.close_check_interval": "2s", "audit.min_group_size": "3",
	}
	want := Config{
		DataDir: "/srv/govboard",
		HTTP: HTTP{Addr: "0.0.0.0:9090", PublicURL: "https://vote.example.org", ReadTimeout: time.Second,
			WriteTimeout: 2 * time.Second, RequestTimeout: 1500 * time.Millisecond, IdleTimeout: 3 * time.Second, ShutdownTimeout: 4 * time.Second,
			BodyLimit: 256 << 10, ImportBodyLimit: 8 << 20, TrustedProxies: []string{"10.0.0.0/8", "192.0.2.7"}},
		DB: DB{Driver: "postgres", DSN: "host=127.0.0.1 dbname=govboard", AutoMigrate: true, MaxOpenConns: 7,
			BusyTimeout: 9 * time.Second},
		Auth: Auth{Issuer: "iss.example", Audience: "aud.example", TokenTTL: 15 * time.Minute, Algorithm: "HS256",
			SigningKeyFile: "/keys/new.pem", PreviousKeyFiles: []string{"/keys/a.pem", "/keys/b.pem"},
			HMACSecret: Secret(strings.Repeat("s", 40)), LoginRate: 20, LoginBurst: 3, BcryptCost: 12,
			AccountLoginRate: 6, AccountLoginBurst: 7, LoginMaxKeys: 500},
		Log: Log{Level: "debug", Format: "json"},
		SMTP: SMTP{Host: "smtp.example.org", Port: 465, Username: "govboard", Password: "mail-pass-9c1e",
			From: "Elections <elections@example.org>", TLS: "tls", Timeout: 20 * time.Second},
		Voting: Voting{CloseCheckInterval: 2 * time.Second},
		Audit:  Audit{MinGroupSize: 3},
	}
	return values, want
}

// TestLoadEnvEveryKey sets every key through its own environment variable only, with no file
// and no flags: none may be dropped (the AutomaticEnv-without-BindEnv trap).
func TestLoadEnvEveryKey(t *testing.T) {
	values, want := everyKey()
	var env []string
	for _, s := range settings() {
		v, ok := values[s.key]
		if !ok {
			t.Fatalf("everyKey has no value for %s", s.key)
		}
		env = append(env, s.env()+"="+v)
	}
	if len(values) != len(settings()) {
		t.Fatalf("everyKey has %d values for %d settings", len(values), len(settings()))
	}
	got := mustLoad(t, Options{Env: append(env, "UNRELATED=1", "GOVBOARD_TEST_POSTGRES_DSN=x")})
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("config from environment (-want +got):\n%s", diff)
	}
}

func TestLoadFile(t *testing.T) {
	_, want := everyKey()
	path := writeFile(t, `
data_dir: /srv/govboard
http:
  addr: 0.0.0.0:9090
  public_url: https://vote.example.org
  read_timeout: 1s
  write_timeout: 2s
  request_timeout: 1500ms
  idle_timeout: 3s
  shutdown_timeout: 4s
  body_limit: 262144
  import_body_limit: 8MB
  trusted_proxies: [10.0.0.0/8, 192.0.2.7]
db:
  driver: Postgres
  dsn: host=127.0.0.1 dbname=govboard
  auto_migrate: true
  max_open_conns: 7
  busy_timeout: 9s
auth:
  issuer: iss.example
  audience: aud.example
  token_ttl: 15m
  algorithm: hs256
  signing_key_file: /keys/new.pem
  previous_key_files: [/keys/a.pem, /keys/b.pem]
  hmac_secret: ssssssssssssssssssssssssssssssssssssssss
  login_rate: 20
  login_burst: 3
  account_login_rate: 6
  account_login_burst: 7
  login_max_keys: 500
  bcrypt_cost: 12
log:
  level: DEBUG
  format: json
smtp:
  host: smtp.example.org
  port: 465
  username: govboard
  password: mail-pass-9c1e
  from: Elections <elections@example.org>
  tls: TLS
  timeout: 20s
voting:
  close_check_interval: 2s
audit:
  min_group_size: 3
`)
	got := mustLoad(t, Options{File: path, Env: noEnv})
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("config from file (-want +got):\n%s", diff)
	}
	viaEnv := mustLoad(t, Options{Env: []string{"GOVBOARD_CONFIG=" + path}})
	if diff := cmp.Diff(want, viaEnv); diff != "" {
		t.Errorf("config from GOVBOARD_CONFIG (-want +got):\n%s", diff)
	}
}

func TestLoadFlags(t *testing.T) {
	fs := flags(t, "--data-dir", "/d", "--http", ":9999", "--db-driver", "postgres",
		"--db-dsn", "host=x", "--log-level", "warn")
	got := mustLoad(t, Options{Flags: fs, Env: noEnv})
	want := Default()
	want.DataDir = "/d"
	want.HTTP.Addr = ":9999"
	want.DB = DB{Driver: "postgres", DSN: "host=x", AutoMigrate: false, BusyTimeout: 5 * time.Second}
	want.Auth.SigningKeyFile = filepath.Join("/d", "signing-ed25519.pem")
	want.Log.Level = "warn"
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("config from flags (-want +got):\n%s", diff)
	}
}

func TestBindFlags(t *testing.T) {
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	BindFlags(fs)
	var names []string
	fs.VisitAll(func(f *pflag.Flag) { names = append(names, f.Name) })
	want := []string{"data-dir", "db-driver", "db-dsn", "http", "log-level"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("flags (-want +got):\n%s", diff)
	}
}

func TestPrecedence(t *testing.T) {
	file := writeFile(t, "http:\n  addr: file:1\n")
	tests := []struct {
		name  string
		file  string
		env   []string
		flags []string
		want  string
	}{
		{"default", "", noEnv, nil, "127.0.0.1:8080"},
		{"file over default", file, noEnv, nil, "file:1"},
		{"env over file", file, []string{"GOVBOARD_HTTP_ADDR=env:2"}, nil, "env:2"},
		{"empty env is unset", file, []string{"GOVBOARD_HTTP_ADDR="}, nil, "file:1"},
		{"flag over env", file, []string{"GOVBOARD_HTTP_ADDR=env:2"}, []string{"--http", "flag:3"}, "flag:3"},
		{"flag over file", file, noEnv, []string{"--http=flag:3"}, "flag:3"},
		{"unset flag does not count", file, []string{"GOVBOARD_HTTP_ADDR=env:2"}, []string{"--log-level", "info"}, "env:2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mustLoad(t, Options{File: tt.file, Env: tt.env, Flags: flags(t, tt.flags...)})
			if got.HTTP.Addr != tt.want {
				t.Errorf("http.addr = %q, want %q", got.HTTP.Addr, tt.want)
			}
		})
	}
}

func TestDerivedDefaults(t *testing.T) {
	tests := []struct {
		name    string
		env     []string
		dsn     string
		keyFile string
		migrate bool
	}{
		{"data dir moves the database and the key", []string{"GOVBOARD_DATA_DIR=/var/lib/gb"},
			"/var/lib/gb/govboard.db", "/var/lib/gb/signing-ed25519.pem", true},
		{"explicit dsn and key file win", []string{"GOVBOARD_DATA_DIR=/x", "GOVBOARD_DB_DSN=/y/db.sqlite", "GOVBOARD_AUTH_SIGNING_KEY_FILE=/k.pem"},
			"/y/db.sqlite", "/k.pem", true},
		{"sqlite with auto_migrate off", []string{"GOVBOARD_DB_AUTO_MIGRATE=false"},
			"govboard-data/govboard.db", "govboard-data/signing-ed25519.pem", false},
		{"postgres does not migrate by default", []string{"GOVBOARD_DB_DRIVER=postgres", "GOVBOARD_DB_DSN=host=pg"},
			"host=pg", "govboard-data/signing-ed25519.pem", false},
		{"postgres with auto_migrate on", []string{"GOVBOARD_DB_DRIVER=postgres", "GOVBOARD_DB_DSN=host=pg", "GOVBOARD_DB_AUTO_MIGRATE=1"},
			"host=pg", "govboard-data/signing-ed25519.pem", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mustLoad(t, Options{Env: tt.env})
			got := []any{c.DB.DSN, c.Auth.SigningKeyFile, c.DB.AutoMigrate}
			want := []any{filepath.FromSlash(tt.dsn), filepath.FromSlash(tt.keyFile), tt.migrate}
			if tt.dsn == "host=pg" {
				want[0] = tt.dsn
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("dsn, key file, auto_migrate (-want +got):\n%s", diff)
			}
		})
	}
	file := writeFile(t, "db:\n  driver: postgres\n  dsn: host=pg\n  auto_migrate: true\n")
	if c := mustLoad(t, Options{File: file, Env: noEnv}); !c.DB.AutoMigrate {
		t.Error("auto_migrate: true in the file was not honoured for postgres")
	}
}

func TestLoadFileErrors(t *testing.T) {
	_, err := Load(Options{File: filepath.Join(t.TempDir(), "missing.yaml"), Env: noEnv})
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "missing.yaml") {
		t.Errorf("missing file: err = %v, want fs.ErrNotExist naming the file", err)
	}
	_, err = Load(Options{Env: []string{"GOVBOARD_CONFIG=/nonexistent/govboard.yaml"}})
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing GOVBOARD_CONFIG file: err = %v, want fs.ErrNotExist", err)
	}
	bad := writeFile(t, "http:\n  addr: [unclosed\n")
	_, err = Load(Options{File: bad, Env: noEnv})
	var cfgErr *Error
	if err == nil || errors.As(err, &cfgErr) || !strings.Contains(err.Error(), bad) {
		t.Errorf("YAML syntax error: err = %v, want a file error naming %s", err, bad)
	}
}

// problemKeys returns the keys of the problems in err, which must be an *Error.
func problemKeys(t *testing.T, err error) []string {
	t.Helper()
	var cfgErr *Error
	if !errors.As(err, &cfgErr) {
		t.Fatalf("err = %v, want *config.Error", err)
	}
	var keys []string
	for _, p := range cfgErr.Problems {
		keys = append(keys, p.Key)
	}
	slices.Sort(keys)
	return keys
}

func TestUnknownKeysInFile(t *testing.T) {
	path := writeFile(t, `
data_dir: /d
http:
  adress: 0.0.0.0:1
  addr: 127.0.0.1:1
logging:
  level: debug
db:
  driver: sqlite
  pool:
    size: 3
auth: 5
log:
`)
	_, err := Load(Options{File: path, Env: noEnv})
	want := []string{"auth", "db.pool.size", "http.adress", "logging.level"}
	if diff := cmp.Diff(want, problemKeys(t, err)); diff != "" {
		t.Errorf("problem keys (-want +got):\n%s", diff)
	}
	if !strings.Contains(err.Error(), "http.adress") || !strings.Contains(err.Error(), path) {
		t.Errorf("error %q does not name the key and the file", err)
	}
}

// TestReadFile checks that the file's values are merged over the defaults already set, that
// only the keys in the file count as coming from it, and that unknown keys are reported.
func TestReadFile(t *testing.T) {
	path := writeFile(t, "http:\n  addr: file:1\n  colour: red\nlog:\nextra: 1\n")
	v := viper.New()
	v.SetDefault("http.addr", "default:0")
	v.SetDefault("http.read_timeout", "15s")
	problems, err := readFile(v, path)
	if err != nil {
		t.Fatalf("readFile: %v", err)
	}
	got := []any{v.Get("http.addr"), v.Get("http.read_timeout"), v.InConfig("http.addr"), v.InConfig("http.read_timeout")}
	if diff := cmp.Diff([]any{"file:1", "15s", true, false}, got); diff != "" {
		t.Errorf("addr, read_timeout, in file? (-want +got):\n%s", diff)
	}
	src := "config file " + path
	want := []Problem{{Key: "extra", Source: src, Message: "unknown key"}, {Key: "http.colour", Source: src, Message: "unknown key"}}
	if diff := cmp.Diff(want, problems); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}
