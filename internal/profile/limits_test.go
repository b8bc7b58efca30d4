package profile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// intList returns "[1, 2, …, n]".
func intList(n int) string {
	s := make([]string, n)
	for i := range s {
		s[i] = fmt.Sprint(i + 1)
	}
	return "[" + strings.Join(s, ", ") + "]"
}

// variantLines returns n more variants of kind batch, one line each.
func variantLines(n int) []string {
	var ls []string
	for i := range n {
		ls = append(ls, fmt.Sprintf("  - {name: v%d, kind: batch}", i))
	}
	return ls
}

// TestParseLimits checks the limits on sizes and counts: each is one error
// with the line and key, before a run writes anything.
func TestParseLimits(t *testing.T) {
	long := func(n int) string { return strings.Repeat("a", n) }
	for _, tc := range []struct {
		name string
		data []byte
		line int
		key  string
		msg  string
	}{
		{
			// The profile's name becomes the run directory's name, after
			// the time: it must leave room within a file name's 255 bytes.
			name: "long profile name",
			data: lines("name: "+long(240), "rates: [1]", "duration: 1s", "variants: [{name: b, kind: none}]"),
			line: 1, key: "name", msg: fmt.Sprintf("is 240 bytes long; at most %d", MaxNameLen),
		},
		{
			// A variant's name becomes part of each cell's directory name.
			name: "long variant name", data: doc("  - name: "+long(300), "    kind: batch"),
			line: 7, key: "variants[1].name", msg: fmt.Sprintf("is 300 bytes long; at most %d", MaxNameLen),
		},
		{
			// 5,000 rates would be 5,000 cells per variant.
			name: "too many rates",
			data: lines("name: t", "rates: "+intList(5000), "duration: 1s", "variants: [{name: b, kind: none}]"),
			line: 2, key: "rates", msg: fmt.Sprintf("lists 5000 rates; at most %d", maxRates),
		},
		{
			// Variants are capped like rates.
			name: "too many variants", data: doc(variantLines(maxVariants)...),
			line: 4, key: "variants", msg: fmt.Sprintf("lists %d variants; at most %d", maxVariants+1, maxVariants),
		},
		{
			// Repetitions keep their own limit.
			name: "too many repetitions", data: doc("repetitions: 101"),
			line: 7, key: "repetitions", msg: fmt.Sprintf("must be between 1 and %d (got 101)", MaxRepetitions),
		},
		{
			// Each count within its limit can still make too many cells.
			name: "too many cells", data: lines("name: t", "rates: "+intList(20), "duration: 1s", "repetitions: 26",
				"variants:", "  - {name: b, kind: none}", "  - {name: c, kind: sync}"),
			line: 4, key: "repetitions", msg: fmt.Sprintf("20 rates × 2 variants × 26 repetitions make 1040 cells; at most %d", MaxCells),
		},
		{
			// Without repetitions, the error points at the variants.
			name: "too many cells without repetitions", data: lines(append([]string{"name: t", "rates: " + intList(30), "duration: 1s",
				"variants:", "  - {name: b, kind: none}"}, variantLines(40)...)...),
			line: 4, key: "variants", msg: "30 rates × 41 variants × 1 repetitions make 1230 cells",
		},
		{
			// Fault windows are capped per list.
			name: "too many windows", data: doc("sink:", "  outages: ["+strings.Repeat("{from: 0s, to: 1ms}, ", maxWindows)+"{from: 0s, to: 1ms}]"),
			line: 8, key: "sink.outages", msg: fmt.Sprintf("lists %d windows; at most %d", maxWindows+1, maxWindows),
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			errs := parseErrors(t, "p.yaml", tc.data)
			if len(errs) != 1 {
				t.Fatalf("got %d errors, want 1:\n%v", len(errs), asErrors(errs))
			}
			e := errs[0]
			if e.Line != tc.line || e.Key != tc.key || !strings.Contains(e.Msg, tc.msg) {
				t.Errorf("got %#v\nwant line %d, key %q, msg containing %q", e, tc.line, tc.key, tc.msg)
			}
		})
	}
}

// TestParseAtLimits checks that the limits themselves are allowed.
func TestParseAtLimits(t *testing.T) {
	data := lines(append([]string{"name: " + strings.Repeat("a", MaxNameLen), "rates: " + intList(10), "duration: 1s",
		fmt.Sprintf("repetitions: %d", MaxCells/10/5), "variants:",
		"  - {name: " + strings.Repeat("b", MaxNameLen) + ", kind: none}"}, variantLines(4)...)...)
	p, err := Parse("p.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(p.Rates) * len(p.Variants) * p.Repetitions; n != MaxCells {
		t.Errorf("%d cells, want %d", n, MaxCells)
	}
}

// TestLoadFiles checks the files Load refuses: a directory, and one larger
// than MaxFileSize, which it must not read to the end (/dev/zero has none).
func TestLoadFiles(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.yaml")
	data := append(doc(), "# "+strings.Repeat("x", MaxFileSize)+"\n"...)
	if err := os.WriteFile(big, data, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, path, msg string
	}{
		{"directory", dir, "is a directory, not a profile file"},
		{"too large", big, "is larger than 1 MiB; a profile is a short YAML file"},
		{"endless", "/dev/zero", "is larger than 1 MiB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := os.Stat(tc.path); err != nil {
				t.Skip(err)
			}
			p, err := Load(tc.path)
			var pe *Error
			if !errors.As(err, &pe) || pe.File != tc.path || !strings.Contains(pe.Msg, tc.msg) {
				t.Fatalf("Load(%s) = %v, %v; want an *Error for %s containing %q", tc.path, p, err, tc.path, tc.msg)
			}
		})
	}
	// Parse applies the same limit to bytes.
	if _, err := Parse("big.yaml", data); err == nil || !strings.Contains(err.Error(), "is larger than 1 MiB") {
		t.Errorf("Parse of %d bytes: %v", len(data), err)
	}
}

// TestParseManyErrors checks that a profile with a great many problems,
// such as aliases that repeat a bad block, reports the first maxErrors and
// says how many more there are, from which line.
func TestParseManyErrors(t *testing.T) {
	var b strings.Builder
	b.WriteString("x: &bad {")
	for i := range 200 {
		fmt.Fprintf(&b, "k%d: 1, ", i)
	}
	b.WriteString("}\n")
	data := append([]byte(b.String()), doc("workload: *bad", "budget: *bad")...)
	errs := parseErrors(t, "p.yaml", data)
	if len(errs) != maxErrors+1 {
		t.Fatalf("%d errors, want %d", len(errs), maxErrors+1)
	}
	// 1 for x, 200 for each of workload and budget.
	last := errs[len(errs)-1]
	if want := fmt.Sprintf("%d more problems not shown", 1+2*200-maxErrors); last.Line != 1 || !strings.Contains(last.Msg, want) {
		t.Errorf("last error %#v, want one on line 1 containing %q", last, want)
	}
}
