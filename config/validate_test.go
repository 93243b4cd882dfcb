package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/viper"
)

// TestLoadReportsEveryProblem loads configurations with several problems at once and checks
// that each one is reported, naming its key.
func TestLoadReportsEveryProblem(t *testing.T) {
	tests := []struct {
		name string
		file string
		env  []string
		want []string
	}{
		{"postgres without dsn, HS256 without secret, bad log level",
			"db:\n  driver: postgres\nauth:\n  algorithm: HS256\nlog:\n  level: loud\n", noEnv,
			[]string{"auth.hmac_secret", "db.dsn", "log.level"}},
		{"short secret, bad driver, negative limits",
			"db:\n  driver: mysql\n  max_open_conns: -1\nauth:\n  login_rate: -5\n  login_burst: 0\n",
			[]string{"GOVBOARD_AUTH_ALGORITHM=HS256", "GOVBOARD_AUTH_HMAC_SECRET=short"},
			[]string{"auth.hmac_secret", "auth.login_burst", "auth.login_rate", "db.driver", "db.max_open_conns"}},
		{"values of the wrong type",
			"http:\n  read_timeout: 15\n  body_limit: lots\n  import_body_limit: 12 parsecs\nauth:\n  issuer: 2026\n  previous_key_files: [1, 2]\n",
			[]string{"GOVBOARD_HTTP_WRITE_TIMEOUT=soon", "GOVBOARD_DB_AUTO_MIGRATE=maybe", "GOVBOARD_AUTH_LOGIN_RATE=ten"},
			[]string{"auth.issuer", "auth.login_rate", "auth.previous_key_files", "db.auto_migrate",
				"http.body_limit", "http.import_body_limit", "http.read_timeout", "http.write_timeout"}},
		{"zero and negative durations", "http:\n  idle_timeout: 0s\n  shutdown_timeout: -1s\nauth:\n  token_ttl: 0s\ndb:\n  busy_timeout: -2s\n", noEnv,
			[]string{"auth.token_ttl", "db.busy_timeout", "http.idle_timeout", "http.shutdown_timeout"}},
		{"bad address, URL, algorithm, cost, format",
			"http:\n  addr: localhost\n  public_url: vote.example.org\nauth:\n  algorithm: RS256\n  bcrypt_cost: 40\nlog:\n  format: xml\n", noEnv,
			[]string{"auth.algorithm", "auth.bcrypt_cost", "http.addr", "http.public_url", "log.format"}},
		{"secret given for EdDSA, empty names", "data_dir: \"\"\nauth:\n  issuer: \"\"\n  audience: \"\"\n",
			[]string{"GOVBOARD_AUTH_HMAC_SECRET=" + strings.Repeat("x", 32)},
			[]string{"auth.audience", "auth.hmac_secret", "auth.issuer", "auth.signing_key_file", "data_dir", "db.dsn"}},
		{"request timeout not below the write timeout", "http:\n  write_timeout: 10s\n",
			[]string{"GOVBOARD_HTTP_REQUEST_TIMEOUT=10s"}, []string{"http.request_timeout"}},
		{"request timeout zero", "http:\n  request_timeout: 0s\n", noEnv, []string{"http.request_timeout"}},
		{"HS256 secret with a trailing newline",
			"", []string{"GOVBOARD_AUTH_ALGORITHM=HS256", "GOVBOARD_AUTH_HMAC_SECRET=" + strings.Repeat("k", 32) + "\n"},
			[]string{"auth.hmac_secret"}},
		{"HS256 secret with a leading space, quoted in the file",
			"auth:\n  algorithm: HS256\n  hmac_secret: \" " + strings.Repeat("k", 32) + "\"\n", noEnv,
			[]string{"auth.hmac_secret"}},
		{"smtp host without sender, password without user, bad mode, port and timeout",
			"smtp:\n  host: smtp.example.org\n  port: 0\n  tls: ssl\n  timeout: 0s\n",
			[]string{"GOVBOARD_SMTP_PASSWORD=mail-pass"},
			[]string{"smtp.from", "smtp.port", "smtp.timeout", "smtp.tls", "smtp.username"}},
		{"smtp values of the wrong type", "smtp:\n  port: twenty-five\n  timeout: 10\n  from: [a]\n", noEnv,
			[]string{"smtp.from", "smtp.port", "smtp.timeout"}},
		{"port out of range, unknown key and a bad value together", "http:\n  addr: :70000\n  colour: red\n", noEnv,
			[]string{"http.addr", "http.colour"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(Options{File: writeFile(t, tt.file), Env: tt.env})
			if diff := cmp.Diff(tt.want, problemKeys(t, err)); diff != "" {
				t.Errorf("problem keys (-want +got):\n%s\nerror: %v", diff, err)
			}
			if diff := cmp.Diff(Config{}, c); diff != "" {
				t.Errorf("Load returned a config with its error:\n%s", diff)
			}
		})
	}
}

// TestValidate checks configurations built in code.
func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Config)
		want []string
	}{
		{"defaults", func(*Config) {}, nil},
		{"HS256 with a good secret", func(c *Config) {
			c.Auth.Algorithm, c.Auth.HMACSecret = AlgHS256, Secret(strings.Repeat("k", 32))
		}, nil},
		{"HS256 with a 31-byte secret", func(c *Config) {
			c.Auth.Algorithm, c.Auth.HMACSecret = AlgHS256, Secret(strings.Repeat("k", 31))
		}, []string{"auth.hmac_secret"}},
		{"HS256 with a secret ending in a tab", func(c *Config) {
			c.Auth.Algorithm, c.Auth.HMACSecret = AlgHS256, Secret(strings.Repeat("k", 32)+"\t")
		}, []string{"auth.hmac_secret"}},
		{"HS256 with a space inside the secret", func(c *Config) {
			c.Auth.Algorithm, c.Auth.HMACSecret = AlgHS256, Secret(strings.Repeat("k", 16)+" "+strings.Repeat("k", 16))
		}, nil},
		{"request timeout just below the write timeout", func(c *Config) {
			c.HTTP.WriteTimeout, c.HTTP.RequestTimeout = 10*time.Second, 10*time.Second-time.Millisecond
		}, nil},
		{"request timeout equal to the write timeout", func(c *Config) {
			c.HTTP.WriteTimeout, c.HTTP.RequestTimeout = 10*time.Second, 10*time.Second
		}, []string{"http.request_timeout"}},
		{"request timeout above the write timeout", func(c *Config) {
			c.HTTP.RequestTimeout = c.HTTP.WriteTimeout + time.Second
		}, []string{"http.request_timeout"}},
		{"trusted proxies", func(c *Config) {
			c.HTTP.TrustedProxies = []string{"10.0.0.0/8", "192.0.2.7", "2001:db8::/32"}
		}, nil},
		{"a trusted proxy that is no network", func(c *Config) {
			c.HTTP.TrustedProxies = []string{"10.0.0.0/8", "proxy.example.org"}
		}, []string{"http.trusted_proxies"}},
		{"smtp with a sender and credentials over STARTTLS", func(c *Config) {
			c.SMTP.Host, c.SMTP.From, c.SMTP.Username, c.SMTP.Password = "smtp.example.org", "Elections <e@example.org>", "u", "p"
		}, nil},
		{"smtp relay on localhost without TLS, with credentials", func(c *Config) {
			c.SMTP.Host, c.SMTP.From, c.SMTP.TLS, c.SMTP.Port = "localhost", "e@example.org", SMTPNone, 25
			c.SMTP.Username, c.SMTP.Password = "u", "p"
		}, nil},
		{"smtp credentials in clear to another host", func(c *Config) {
			c.SMTP.Host, c.SMTP.From, c.SMTP.TLS = "smtp.example.org", "e@example.org", SMTPNone
			c.SMTP.Username, c.SMTP.Password = "u", "p"
		}, []string{"smtp.tls"}},
		{"smtp sender that is no address, user without password", func(c *Config) {
			c.SMTP.Host, c.SMTP.From, c.SMTP.Username = "smtp.example.org", "elections", "u"
		}, []string{"smtp.from", "smtp.password"}},
		{"smtp password without host", func(c *Config) { c.SMTP.Password = "p" }, []string{"smtp.password"}},
		{"everything wrong", func(c *Config) {
			*c = Config{Auth: Auth{PreviousKeyFiles: []string{""}}}
		}, []string{"audit.min_group_size", "auth.account_login_burst", "auth.account_login_rate", "auth.algorithm", "auth.audience",
			"auth.issuer", "auth.login_burst", "auth.login_max_keys", "auth.login_rate",
			"auth.previous_key_files", "auth.token_ttl", "data_dir", "db.driver", "http.addr", "http.body_limit",
			"http.idle_timeout", "http.import_body_limit", "http.read_timeout", "http.request_timeout", "http.shutdown_timeout", "http.write_timeout",
			"log.format", "log.level", "smtp.port", "smtp.timeout", "smtp.tls",
			"voting.close_check_interval"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Default()
			tt.edit(&c)
			err := c.Validate()
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Validate() = %v", err)
				}
				return
			}
			if diff := cmp.Diff(tt.want, problemKeys(t, err)); diff != "" {
				t.Errorf("problem keys (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSecretIsNeverPrinted prints and logs a Config holding an HMAC secret and a database
// password in every way a caller might, and checks that neither appears while the rest does.
func TestSecretIsNeverPrinted(t *testing.T) {
	const secret = "correct-horse-battery-staple-0123456789"
	const dbPassword = "pg-pass-4f9a"
	const mailPassword = "mail-pass-77d2"
	c, err := Load(Options{Env: []string{"GOVBOARD_AUTH_ALGORITHM=HS256", "GOVBOARD_AUTH_HMAC_SECRET=" + secret,
		"GOVBOARD_SMTP_HOST=smtp.example.org", "GOVBOARD_SMTP_FROM=e@example.org", "GOVBOARD_SMTP_USERNAME=gb",
		"GOVBOARD_SMTP_PASSWORD=" + mailPassword,
		"GOVBOARD_DB_DRIVER=postgres", "GOVBOARD_DB_DSN=host=db.example.org user=gb password=" + dbPassword + " dbname=gb"}})
	if err != nil {
		t.Fatal(err)
	}
	if string(c.Auth.HMACSecret) != secret || !strings.Contains(c.DB.DSN, "password="+dbPassword) ||
		string(c.SMTP.Password) != mailPassword {
		t.Fatalf("secret, DSN = %q, %q; want the configured values", string(c.Auth.HMACSecret), c.DB.DSN)
	}
	var logged bytes.Buffer
	for _, h := range []slog.Handler{slog.NewJSONHandler(&logged, nil), slog.NewTextHandler(&logged, nil)} {
		slog.New(h).Info("config", "cfg", c, "db", c.DB, "secret", c.Auth.HMACSecret, "smtp", c.SMTP)
	}
	js, _ := json.Marshal(c)
	outputs := map[string]string{
		"%v": fmt.Sprintf("%v", c), "%+v": fmt.Sprintf("%+v", c), "%#v": fmt.Sprintf("%#v", c),
		"%s": fmt.Sprintf("%s", c.Auth.HMACSecret), "DB %v": fmt.Sprintf("%v", c.DB), "DB %#v": fmt.Sprintf("%#v", c.DB),
		"DB %s": fmt.Sprintf("%s", c.DB), "json": string(js), "slog": logged.String(),
		"SMTP %+v": fmt.Sprintf("%+v", c.SMTP), "SMTP %#v": fmt.Sprintf("%#v", c.SMTP),
	}
	for how, out := range outputs {
		for _, hidden := range []string{secret, dbPassword, mailPassword} {
			if strings.Contains(out, hidden) {
				t.Errorf("%s prints %q: %s", how, hidden, out)
			}
		}
		if how != "%s" && !strings.HasPrefix(how, "SMTP") && !strings.Contains(out, "host=db.example.org") {
			t.Errorf("%s hides the whole DSN, want only its password hidden: %s", how, out)
		}
	}
	if got := fmt.Sprintf("%#v", c.DB); !strings.HasPrefix(got, "config.DB{Driver:\"postgres\", DSN:") {
		t.Errorf("%%#v of DB = %s, want Go syntax for a config.DB", got)
	}
	var back struct{ DB struct{ Driver, DSN string } }
	if err := json.Unmarshal(js, &back); err != nil || back.DB.Driver != "postgres" {
		t.Errorf("JSON of the config = %s (%v), want a DB object with its fields", js, err)
	}
	// A secret or DSN of the wrong type, or a secret refused for its spaces, is not echoed in
	// the problem report either.
	file := writeFile(t, "auth:\n  hmac_secret: ["+secret+"]\ndb:\n  dsn: [password="+dbPassword+"]\n"+
		"smtp:\n  password: ["+mailPassword+"]\n")
	_, err = Load(Options{File: file, Env: noEnv})
	if diff := cmp.Diff([]string{"auth.hmac_secret", "db.dsn", "smtp.password"}, problemKeys(t, err)); diff != "" ||
		strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), dbPassword) || strings.Contains(err.Error(), mailPassword) {
		t.Errorf("err = %v, want problems that do not show the values", err)
	}
	_, err = Load(Options{Env: []string{"GOVBOARD_AUTH_ALGORITHM=HS256", "GOVBOARD_AUTH_HMAC_SECRET=" + secret + " "}})
	if diff := cmp.Diff([]string{"auth.hmac_secret"}, problemKeys(t, err)); diff != "" || strings.Contains(err.Error(), secret) {
		t.Errorf("err = %v, want a problem that does not show the value", err)
	}
}

func TestRedactDSN(t *testing.T) {
	tests := []struct{ in, want string }{
		{"govboard-data/govboard.db", "govboard-data/govboard.db"},
		{"host=db user=gb dbname=gb", "host=db user=gb dbname=gb"},
		{"host=db password=s3cret dbname=gb", "host=db password=[REDACTED] dbname=gb"},
		{"host=db PASSWORD = s3cret", "host=db PASSWORD = [REDACTED]"},
		{`password='s3 c\'ret' host=db`, "password=[REDACTED] host=db"},
		{"password='unterminated s3cret", "password=[REDACTED]"},
		{"host=db sslpassword=s3cret", "host=db sslpassword=[REDACTED]"},
		{"host=db passfile=/run/pgpass", "host=db passfile=/run/pgpass"},
		{"postgres://gb:s3cret@db:5432/gb?sslmode=verify-full", "postgres://gb:xxxxx@db:5432/gb?sslmode=verify-full"},
		{"postgresql://gb@db/gb?password=s3cret&sslmode=disable", "postgresql://gb@db/gb?password=xxxxx&sslmode=disable"},
		{"postgres://gb:s3cret@db/gb?sslpassword=s3cret", "postgres://gb:xxxxx@db/gb?sslpassword=xxxxx"},
		{"postgres://gb:s3cret@db:port/gb", "[REDACTED]"},
	}
	for _, tt := range tests {
		if got := RedactDSN(tt.in); got != tt.want {
			t.Errorf("RedactDSN(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestExampleYAML keeps config/example.yaml complete and true: it loads to exactly Default(),
// sets every key except the secrets, and names every environment variable and flag.
func TestExampleYAML(t *testing.T) {
	got := mustLoad(t, Options{File: "example.yaml", Env: noEnv})
	if diff := cmp.Diff(Default(), got); diff != "" {
		t.Errorf("example.yaml differs from Default() (-want +got):\n%s", diff)
	}
	data, err := os.ReadFile("example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	v := viper.New()
	v.SetConfigType("yaml")
	if err := v.ReadConfig(bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	inFile := map[string]bool{}
	for _, k := range v.AllKeys() {
		inFile[k] = true
	}
	text := string(data)
	for _, s := range settings() {
		secret := s.key == "auth.hmac_secret" || s.key == "smtp.password"
		if inFile[s.key] == secret {
			t.Errorf("example.yaml: key %s present=%v; every key but the secrets must be set there", s.key, inFile[s.key])
		}
		leaf := s.key[strings.LastIndex(s.key, ".")+1:]
		if secret && !strings.Contains(text, "# "+leaf+":") {
			t.Errorf("example.yaml does not document %s in a comment", s.key)
		}
		if !strings.Contains(text, "Env: "+s.env()) {
			t.Errorf("example.yaml does not name the environment variable %s", s.env())
		}
		if s.flag != "" && !strings.Contains(text, "Flag: --"+s.flag+".") {
			t.Errorf("example.yaml does not name the flag --%s for %s", s.flag, s.key)
		}
	}
}

func TestParseSize(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"1MB", 1 << 20, true}, {"1mb", 1 << 20, true}, {"512KB", 512 << 10, true}, {"2GiB", 2 << 30, true},
		{"1M", 1 << 20, true}, {"100", 100, true}, {"100B", 100, true}, {" 4 KB ", 4 << 10, true},
		{"", 0, false}, {"MB", 0, false}, {"1TB", 0, false}, {"1.5MB", 0, false}, {"lots", 0, false},
		{"9999999999999GB", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseSize(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseSize(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestSlogLevel(t *testing.T) {
	for in, want := range map[string]slog.Level{"debug": slog.LevelDebug, "info": slog.LevelInfo,
		"warn": slog.LevelWarn, "error": slog.LevelError, "bogus": slog.LevelInfo} {
		if got := (Log{Level: in}).SlogLevel(); got != want {
			t.Errorf("SlogLevel(%q) = %v, want %v", in, got, want)
		}
	}
}
