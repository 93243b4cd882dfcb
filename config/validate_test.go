package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"testing"

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
			"http:\n  read_timeout: 15\n  body_limit: lots\nauth:\n  issuer: 2026\n  previous_key_files: [1, 2]\n",
			[]string{"GOVBOARD_HTTP_WRITE_TIMEOUT=soon", "GOVBOARD_DB_AUTO_MIGRATE=maybe", "GOVBOARD_AUTH_LOGIN_RATE=ten"},
			[]string{"auth.issuer", "auth.login_rate", "auth.previous_key_files", "db.auto_migrate",
				"http.body_limit", "http.read_timeout", "http.write_timeout"}},
		{"zero and negative durations", "http:\n  idle_timeout: 0s\n  shutdown_timeout: -1s\nauth:\n  token_ttl: 0s\ndb:\n  busy_timeout: -2s\n", noEnv,
			[]string{"auth.token_ttl", "db.busy_timeout", "http.idle_timeout", "http.shutdown_timeout"}},
		{"bad address, URL, algorithm, cost, format",
			"http:\n  addr: localhost\n  public_url: vote.example.org\nauth:\n  algorithm: RS256\n  bcrypt_cost: 40\nlog:\n  format: xml\n", noEnv,
			[]string{"auth.algorithm", "auth.bcrypt_cost", "http.addr", "http.public_url", "log.format"}},
		{"secret given for EdDSA, empty names", "data_dir: \"\"\nauth:\n  issuer: \"\"\n  audience: \"\"\n",
			[]string{"GOVBOARD_AUTH_HMAC_SECRET=" + strings.Repeat("x", 32)},
			[]string{"auth.audience", "auth.hmac_secret", "auth.issuer", "auth.signing_key_file", "data_dir", "db.dsn"}},
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
		{"trusted proxies", func(c *Config) {
			c.HTTP.TrustedProxies = []string{"10.0.0.0/8", "192.0.2.7", "2001:db8::/32"}
		}, nil},
		{"a trusted proxy that is no network", func(c *Config) {
			c.HTTP.TrustedProxies = []string{"10.0.0.0/8", "proxy.example.org"}
		}, []string{"http.trusted_proxies"}},
		{"everything wrong", func(c *Config) {
			*c = Config{Auth: Auth{PreviousKeyFiles: []string{""}}}
		}, []string{"auth.algorithm", "auth.audience", "auth.issuer", "auth.login_burst", "auth.login_rate",
			"auth.previous_key_files", "auth.token_ttl", "data_dir", "db.driver", "http.addr", "http.body_limit",
			"http.idle_timeout", "http.read_timeout", "http.shutdown_timeout", "http.write_timeout",
			"log.format", "log.level"}},
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

func TestSecretIsNeverPrinted(t *testing.T) {
	const secret = "correct-horse-battery-staple-0123456789"
	c, err := Load(Options{Env: []string{"GOVBOARD_AUTH_ALGORITHM=HS256", "GOVBOARD_AUTH_HMAC_SECRET=" + secret}})
	if err != nil {
		t.Fatal(err)
	}
	if string(c.Auth.HMACSecret) != secret {
		t.Fatalf("secret = %q, want the configured value", string(c.Auth.HMACSecret))
	}
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("config", "cfg", c, "secret", c.Auth.HMACSecret)
	slog.New(slog.NewTextHandler(&logged, nil)).Info("config", "cfg", c, "secret", c.Auth.HMACSecret)
	js, _ := json.Marshal(c)
	outputs := map[string]string{
		"%v": fmt.Sprintf("%v", c), "%+v": fmt.Sprintf("%+v", c), "%#v": fmt.Sprintf("%#v", c),
		"%s": fmt.Sprintf("%s", c.Auth.HMACSecret), "json": string(js), "slog": logged.String(),
	}
	for how, out := range outputs {
		if strings.Contains(out, secret) {
			t.Errorf("%s prints the secret: %s", how, out)
		}
	}
	// A secret of the wrong type is not echoed in the problem report either.
	_, err = Load(Options{File: writeFile(t, "auth:\n  hmac_secret: ["+secret+"]\n"), Env: noEnv})
	if diff := cmp.Diff([]string{"auth.hmac_secret"}, problemKeys(t, err)); diff != "" || strings.Contains(err.Error(), secret) {
		t.Errorf("err = %v, want a problem that does not show the value", err)
	}
}

// TestExampleYAML keeps config/example.yaml complete and true: it loads to exactly Default(),
// sets every key except the secret, and names every environment variable and flag.
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
		secret := s.key == "auth.hmac_secret"
		if inFile[s.key] == secret {
			t.Errorf("example.yaml: key %s present=%v; every key but the secret must be set there", s.key, inFile[s.key])
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
