package config

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

// Options says where Load looks besides the defaults.
type Options struct {
	// File is a YAML configuration file; empty means the file named by GOVBOARD_CONFIG, if any,
	// and otherwise none. A named file that does not exist is an error.
	File string
	// Flags holds the flags registered by BindFlags, already parsed; nil means none. Only flags
	// that were given on the command line are read.
	Flags *pflag.FlagSet
	// Env is the environment as "KEY=value" strings; nil means os.Environ(). An empty value
	// counts as unset.
	Env []string
}

// Load builds the configuration from, in decreasing precedence, the flags, the GOVBOARD_*
// environment variables, the YAML file and the defaults, computes the derived defaults
// (db.dsn, db.auto_migrate, auth.signing_key_file) and validates the result. A file or YAML
// syntax error is returned alone; every other problem — unknown keys in the file, values of the
// wrong type, invalid values and combinations — is reported together in one *Error.
//
// Each key is looked up under its own environment variable (GOVBOARD_ + the key in upper case,
// dots as underscores, e.g. GOVBOARD_HTTP_ADDR); there is no automatic mapping, so no value is
// picked up by one code path and dropped by another. List values (auth.previous_key_files) are
// comma-separated in the environment.
func Load(opts Options) (Config, error) {
	env := environ(opts.Env)
	v := viper.New()
	for _, s := range settings() {
		if s.def != nil {
			v.SetDefault(s.key, s.def)
		}
	}
	src := map[string]string{}
	var problems []Problem
	file := opts.File
	if file == "" {
		file = env[EnvPrefix+"CONFIG"]
	}
	if file != "" {
		unknown, err := readFile(v, file)
		if err != nil {
			return Config{}, err
		}
		problems = append(problems, unknown...)
		for _, s := range settings() {
			if v.InConfig(s.key) {
				src[s.key] = "config file " + file
			}
		}
	}
	override(v, env, opts.Flags, src)
	d := &decoder{v: v, src: src, failed: map[string]bool{}}
	for _, p := range problems { // a section that is not a mapping hides its keys: say it once
		for _, s := range settings() {
			if strings.HasPrefix(s.key, p.Key+".") {
				d.failed[s.key] = true
			}
		}
	}
	c := d.config()
	c.resolve(v.Get("db.auto_migrate") == nil)
	problems = append(problems, d.problems...)
	for _, p := range validate(c) {
		if !d.failed[p.Key] {
			p.Source = src[p.Key]
			problems = append(problems, p)
		}
	}
	if len(problems) > 0 {
		return Config{}, &Error{Problems: problems}
	}
	return c, nil
}

// override sets in v the keys given in the environment, then those given as flags, so that
// flags win; src records where each value came from. Viper's own BindEnv is not used because it
// reads the process environment directly, and Options.Env must be honoured.
func override(v *viper.Viper, env map[string]string, fs *pflag.FlagSet, src map[string]string) {
	for _, s := range settings() {
		if val := env[s.env()]; val != "" {
			v.Set(s.key, val)
			src[s.key] = "environment variable " + s.env()
		}
		if f := givenFlag(fs, s.flag); f != nil {
			v.Set(s.key, f.Value.String())
			src[s.key] = "flag --" + s.flag
		}
	}
}

// environ turns "KEY=value" strings into a map; nil means the process environment.
func environ(list []string) map[string]string {
	if list == nil {
		list = os.Environ()
	}
	env := make(map[string]string, len(list))
	for _, kv := range list {
		if k, val, ok := strings.Cut(kv, "="); ok {
			env[k] = val
		}
	}
	return env
}

// givenFlag returns the flag called name when it was set on the command line.
func givenFlag(fs *pflag.FlagSet, name string) *pflag.Flag {
	if fs == nil || name == "" {
		return nil
	}
	if f := fs.Lookup(name); f != nil && f.Changed {
		return f
	}
	return nil
}

// readFile merges the YAML file at path into v and returns a problem for each key in the file
// that govboard does not know. The file is parsed once, into a viper instance of its own so
// that its keys can be listed apart from the defaults already in v.
func readFile(v *viper.Viper, path string) ([]Problem, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config file: %w", err)
	}
	file := viper.New()
	file.SetConfigType("yaml")
	if err := file.ReadConfig(bytes.NewReader(data)); err != nil {
		return nil, fmt.Errorf("config file %s: %w", path, err)
	}
	if err := v.MergeConfigMap(file.AllSettings()); err != nil {
		return nil, fmt.Errorf("config file %s: %w", path, err)
	}
	return unknownKeys(file, path), nil
}

// unknownKeys returns a problem for each key in file that govboard does not know, in order.
func unknownKeys(file *viper.Viper, path string) []Problem {
	known := map[string]bool{}
	sections := map[string]bool{}
	for _, s := range settings() {
		known[s.key] = true
		if section, _, nested := strings.Cut(s.key, "."); nested {
			sections[section] = true
		}
	}
	keys := file.AllKeys()
	slices.Sort(keys)
	var problems []Problem
	for _, k := range keys {
		switch {
		case known[k]:
		case sections[k] && file.Get(k) == nil: // an empty section
		case sections[k]:
			problems = append(problems, Problem{Key: k, Source: "config file " + path, Message: "must be a mapping of keys"})
		default:
			problems = append(problems, Problem{Key: k, Source: "config file " + path, Message: "unknown key"})
		}
	}
	return problems
}

// resolve computes the defaults that depend on other keys.
func (c *Config) resolve(autoMigrateUnset bool) {
	if c.DB.DSN == "" && c.DB.Driver == DriverSQLite && c.DataDir != "" {
		c.DB.DSN = filepath.Join(c.DataDir, "govboard.db")
	}
	if c.Auth.SigningKeyFile == "" && c.DataDir != "" {
		c.Auth.SigningKeyFile = filepath.Join(c.DataDir, "signing-ed25519.pem")
	}
	if autoMigrateUnset {
		c.DB.AutoMigrate = c.DB.Driver == DriverSQLite
	}
}
