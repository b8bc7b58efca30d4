package results

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
)

// InvalidRunError is a directory that Open cannot read as a run: not a
// directory, no run.json, or a run.json or cell.json that is empty, null,
// not JSON, of another schema or, for run.json, without a profile.
// Commands report it as bad input (exit code 2); other errors of Open are
// failures to read.
type InvalidRunError struct {
	// Path is the run directory, or the file at fault in it.
	Path string
	// Reason says what is wrong with Path, such as "is null" or "has
	// schema 99; this otelbench reads schema 1".
	Reason string
	// Err is the error underneath, such as a JSON syntax error; nil when
	// Reason says it all.
	Err error
}

// Error returns "path reason", followed by the error underneath if any.
func (e *InvalidRunError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s %s: %v", e.Path, e.Reason, e.Err)
	}
	return e.Path + " " + e.Reason
}

// Unwrap returns the error underneath.
func (e *InvalidRunError) Unwrap() error { return e.Err }

// readRunFile reads run.json or cell.json at path into v, whose schema
// version is at *schema once decoded, and refuses, as an
// *InvalidRunError, a file that does not hold one: empty, null, not a
// JSON object of v's type, or of a schema other than SchemaVersion. Errors
// reading the file are returned as they are.
func readRunFile(path string, v any, schema *int) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	invalid := func(err error, format string, args ...any) error {
		return &InvalidRunError{Path: path, Reason: fmt.Sprintf(format, args...), Err: err}
	}
	switch trimmed := bytes.TrimSpace(data); {
	case len(trimmed) == 0:
		return invalid(nil, "is empty")
	case bytes.Equal(trimmed, []byte("null")):
		return invalid(nil, "is null")
	}
	if err := json.Unmarshal(data, v); err != nil {
		var syntax *json.SyntaxError
		if errors.As(err, &syntax) {
			return invalid(err, "is not valid JSON (at byte %d)", syntax.Offset)
		}
		return invalid(err, "is not a run's JSON")
	}
	switch {
	case *schema == 0:
		return invalid(nil, "has no schema; this otelbench reads schema %d", SchemaVersion)
	case *schema != SchemaVersion:
		return invalid(nil, "has schema %d; this otelbench reads schema %d", *schema, SchemaVersion)
	}
	return nil
}
