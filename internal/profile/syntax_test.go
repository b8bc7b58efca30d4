package profile

import (
	"errors"
	"strings"
	"testing"
)

// TestParseSyntaxLines checks that errors the YAML library reports without
// a line get one: bad encoding, unknown aliases, a problem on line 1.
func TestParseSyntaxLines(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
		line int
		msg  string
	}{
		{
			// A Latin-1 byte in a UTF-8 file.
			name: "invalid UTF-8", data: lines("name: t", "rates: [1]", "duration: 1s", "description: caf\xe9", "variants: [{name: b, kind: none}]"),
			line: 4, msg: "invalid UTF-8 (byte 0xe9 in column 17); a profile must be UTF-8",
		},
		{
			// A control character YAML does not allow, even in a string.
			name: "control character", data: lines("name: t", "rates: [1]", "duration: 1s", "description: \"a\x01b\"", "variants: [{name: b, kind: none}]"),
			line: 4, msg: "control character U+0001 in column 16 is not allowed in YAML",
		},
		{
			// A NUL byte, as in a binary file.
			name: "NUL", data: []byte("name: t\nrates: [1]\n\x00"),
			line: 3, msg: "control character U+0000 in column 1",
		},
		{
			// An alias to an anchor that was never defined.
			name: "unknown alias", data: lines("name: t", "rates: [1]", "duration: 1s", "warmup: *half", "variants: [{name: b, kind: none}]"),
			line: 4, msg: `invalid YAML: unknown anchor 'half' referenced`,
		},
		{
			// The library leaves out the line of a problem on line 1.
			name: "syntax error on line 1", data: lines("@name: t", "rates: [1]"),
			line: 1, msg: "invalid YAML: found character that cannot start any token",
		},
		{
			// A directive the library does not know, on line 1.
			name: "unknown directive", data: lines("%FOO bar", "name: t"),
			line: 1, msg: "invalid YAML: found unknown directive name",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			errs := parseErrors(t, "p.yaml", tc.data)
			if len(errs) != 1 {
				t.Fatalf("got %d errors, want 1:\n%v", len(errs), errors.Join(asErrors(errs)...))
			}
			if e := errs[0]; e.Line != tc.line || !strings.Contains(e.Msg, tc.msg) {
				t.Errorf("got %#v\nwant line %d, msg containing %q", e, tc.line, tc.msg)
			}
		})
	}
}
