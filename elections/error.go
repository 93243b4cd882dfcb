package elections

import (
	"errors"
	"fmt"
)

// Error codes. The set is small and closed; the transport maps each to one HTTP status, and
// clients match on the code, never on the message.
const (
	EINVALID      = "invalid"      // the input breaks a rule; nothing was changed
	ENOTFOUND     = "not_found"    // the thing does not exist (or the caller may not know it does)
	ECONFLICT     = "conflict"     // the state does not allow it (wrong phase, duplicate, …)
	EUNAUTHORIZED = "unauthorized" // no valid credentials
	EFORBIDDEN    = "forbidden"    // valid credentials, not allowed
	ERATELIMITED  = "rate_limited" // too many attempts
	EINTERNAL     = "internal"     // a fault of ours; never shown in detail
)

// Error is a domain error with a stable code and a message that is safe to show to the caller.
type Error struct {
	// Code is one of the E* constants.
	Code string
	// Message says what is wrong in words safe to show to the caller.
	Message string
	// Details are further safe, human-readable problems, e.g. one per invalid field or row.
	Details []string
}

// Error implements the error interface.
func (e *Error) Error() string {
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Errorf returns an *Error with the code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err: the code of the first *Error in its chain, EINTERNAL for
// any other non-nil error, "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message of the first *Error in err's chain, or a generic text for
// other errors so that internal details are never shown.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
