package profile

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    time.Duration
		wantErr string
	}{
		{"250us", 250 * time.Microsecond, ""},  // ASCII micro
		{"250µs", 250 * time.Microsecond, ""},  // what String writes
		{"1.5ms", 1500 * time.Microsecond, ""}, // fractions
		{"1m30s", 90 * time.Second, ""},        // compound
		{"0s", 0, ""},                          // zero with a unit
		{"-1s", -time.Second, ""},              // sign is the caller's check
		{"5", 0, "needs a unit"},               // bare number
		{"0", 0, "needs a unit"},               // even zero, which time.ParseDuration accepts
		{"1e3", 0, "needs a unit"},             // any float syntax
		{"5 s", 0, `invalid duration "5 s"`},   // no spaces
		{"", 0, `invalid duration ""`},         // empty
		{"fast", 0, `invalid duration "fast"`}, // words
	} {
		got, err := parseDuration(tc.in)
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("parseDuration(%q): %v", tc.in, err)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("parseDuration(%q) error = %v, want one containing %q", tc.in, err, tc.wantErr)
		case got != tc.want:
			t.Errorf("parseDuration(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestDurationJSON(t *testing.T) {
	type wrap struct {
		D Duration  `json:"d"`
		P *Duration `json:"p,omitempty"`
	}
	for _, tc := range []struct {
		name string
		in   wrap
		json string
	}{
		// A plain value is its string form.
		{"seconds", wrap{D: Duration(5 * time.Second)}, `{"d":"5s"}`},
		// Zero is "0s", which reads back.
		{"zero", wrap{}, `{"d":"0s"}`},
		// Pointers are written when set.
		{"pointer", wrap{D: Duration(time.Millisecond), P: ptr(Duration(90 * time.Second))}, `{"d":"1ms","p":"1m30s"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := json.Marshal(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tc.json {
				t.Errorf("Marshal = %s, want %s", b, tc.json)
			}
			var back wrap
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatalf("Unmarshal(%s): %v", b, err)
			}
			if back.D != tc.in.D || (back.P == nil) != (tc.in.P == nil) || (back.P != nil && *back.P != *tc.in.P) {
				t.Errorf("round trip = %+v, want %+v", back, tc.in)
			}
		})
	}

	// A number has no unit, in JSON as in YAML.
	var w wrap
	if err := json.Unmarshal([]byte(`{"d":"5"}`), &w); err == nil {
		t.Errorf(`Unmarshal {"d":"5"} succeeded, want a missing-unit error`)
	}
}

func TestDurationMethods(t *testing.T) {
	d := Duration(1500 * time.Millisecond)
	if d.D() != 1500*time.Millisecond {
		t.Errorf("D() = %v", d.D())
	}
	if d.String() != "1.5s" {
		t.Errorf("String() = %q, want 1.5s", d.String())
	}
}
