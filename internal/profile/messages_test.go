package profile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestErrorStrings(t *testing.T) {
	for _, tc := range []struct {
		name, file string
		data       []byte
		want       string
	}{
		{
			// The common case: file, line, and a suggestion.
			name: "misspelt option", file: "profiles/x.yaml",
			data: doc("  - name: v", "    kind: batch", "    qeue_size: 64"),
			want: `profiles/x.yaml: line 9: unknown key "qeue_size" (did you mean "queue_size"?)`,
		},
		{
			// A value error names its short key and says why.
			name: "zero batch_timeout", file: "profiles/x.yaml",
			data: doc("  - name: v", "    kind: batch", "    batch_timeout: 0s"),
			want: `profiles/x.yaml: line 9: key "batch_timeout": must be greater than 0 (0 makes the SDK's worker spin a whole core)`,
		},
		{
			// Unnamed bytes leave the file out.
			name: "no file name", file: "",
			data: doc("warmup: 5"),
			want: `line 7: key "warmup": duration 5 needs a unit, such as "5s" or "250ms"`,
		},
		{
			// No line when the problem has no single place.
			name: "empty", file: "e.yaml",
			data: nil,
			want: `e.yaml: empty profile: want a mapping with at least name, rates, duration and variants`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.file, tc.data)
			if err == nil || err.Error() != tc.want {
				t.Errorf("Parse error =\n%v\nwant\n%s", err, tc.want)
			}
		})
	}
}

// TestParseReportsAll checks that every problem in a bad profile is
// reported, in line order, against a golden file.
func TestParseReportsAll(t *testing.T) {
	path := filepath.Join("testdata", "bad.yaml")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	errs := parseErrors(t, path, data)
	var b strings.Builder
	last := 0
	for _, e := range errs {
		if e.Line < last {
			t.Errorf("error on line %d after one on line %d: want line order", e.Line, last)
		}
		last = e.Line
		b.WriteString(e.Error())
		b.WriteByte('\n')
	}
	golden(t, "bad.golden", []byte(b.String()))
}

func TestSuggest(t *testing.T) {
	known := []string{"queue_size", "max_export_batch_size", "batch_timeout"}
	for _, tc := range []struct {
		key, want string
	}{
		{"qeue_size", "queue_size"},                        // one letter dropped
		{"queue-size", "queue_size"},                       // dash for underscore
		{"Queue_Size", "queue_size"},                       // case is ignored
		{"batch_timout", "batch_timeout"},                  // one letter dropped
		{"batchtimeout_ms", ""},                            // too far from anything
		{"max_export_batch", ""},                           // a prefix is not close enough
		{"max_export_bacth_size", "max_export_batch_size"}, // transposition costs 2
	} {
		if got := suggest(tc.key, known); got != tc.want {
			t.Errorf("suggest(%q) = %q, want %q", tc.key, got, tc.want)
		}
	}
}
