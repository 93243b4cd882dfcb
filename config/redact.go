package config

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// dsnPassword matches a password in a libpq key=value connection string ("password=x",
// "password = 'a b'", also sslpassword), quoted or not; an unterminated quoted value runs to
// the end of the string.
var dsnPassword = regexp.MustCompile(`(?i)\b((?:ssl)?password\s*=\s*)('(?:[^'\\]|\\.?)*'?|\S*)`)

// RedactDSN returns dsn with its passwords replaced by a placeholder, for logs and messages: in
// a PostgreSQL key=value string the values of password and sslpassword, in a postgres:// URL
// the password of the user information and of the password and sslpassword parameters. A
// SQLite file path is returned unchanged, and a URL that cannot be parsed is replaced whole.
func RedactDSN(dsn string) string {
	lower := strings.ToLower(dsn)
	if !strings.HasPrefix(lower, "postgres://") && !strings.HasPrefix(lower, "postgresql://") {
		return dsnPassword.ReplaceAllString(dsn, "${1}"+redacted)
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return redacted
	}
	if u.User != nil {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
		}
	}
	q := u.Query()
	for _, k := range []string{"password", "sslpassword"} {
		if q.Has(k) {
			q.Set(k, "xxxxx")
		}
	}
	if strings.Contains(strings.ToLower(u.RawQuery), "password") {
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// plainDB has DB's fields without its methods, so that they can print it.
type plainDB DB

// redacted returns d with the password in its DSN replaced.
func (d DB) redacted() plainDB {
	d.DSN = RedactDSN(d.DSN)
	return plainDB(d)
}

// String formats d as %+v would, with the password in the DSN replaced. It is what fmt and
// slog's text handler show for a DB, or for a Config containing one.
func (d DB) String() string { return fmt.Sprintf("%+v", d.redacted()) }

// GoString formats d as %#v would, with the password in the DSN replaced.
func (d DB) GoString() string {
	return "config.DB" + strings.TrimPrefix(fmt.Sprintf("%#v", d.redacted()), "config.plainDB")
}

// MarshalJSON encodes d with the password in the DSN replaced. It is what encoding/json and
// slog's JSON handler show.
func (d DB) MarshalJSON() ([]byte, error) { return json.Marshal(d.redacted()) }
