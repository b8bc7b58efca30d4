package profile

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"testing"
)

// FuzzParse feeds arbitrary bytes to Parse; the seed corpus under
// testdata/fuzz/FuzzParse holds the shipped profiles and the bad inputs of
// the tests. Whatever the input, Parse returns a valid profile or only
// *Error values, each with a line unless the problem has no place, and a
// profile it returns keeps every limit the runner relies on.
func FuzzParse(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse("f.yaml", data)
		if (p == nil) == (err == nil) {
			t.Fatalf("Parse returned profile %v and error %v: want exactly one", p != nil, err)
		}
		if err != nil {
			checkErrors(t, data, err)
			if _, again := Parse("f.yaml", data); again == nil || again.Error() != err.Error() {
				t.Fatalf("a second Parse of the same bytes returned\n%v\nwant\n%v", again, err)
			}
			return
		}
		checkProfile(t, p)
		if _, err := json.Marshal(p); err != nil {
			t.Fatalf("json.Marshal of the profile: %v", err)
		}
	})
}

// checkErrors checks that err joins only *Error values of f.yaml whose
// lines exist in data, and that only a problem with no place has line 0.
func checkErrors(t *testing.T, data []byte, err error) {
	t.Helper()
	leaves := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		leaves = j.Unwrap()
	}
	lastLine := lineOf(data, len(data))
	for _, leaf := range leaves {
		var e *Error
		if !errors.As(leaf, &e) || e != leaf {
			t.Fatalf("error %q (%T) is not an *Error", leaf, leaf)
		}
		if e.File != "f.yaml" || e.Line < 0 || e.Line > lastLine || e.Msg == "" {
			t.Fatalf("error %#v: want file f.yaml, a line in 0..%d and a message", e, lastLine)
		}
		noPlace := e.Key == "" && bytes.HasPrefix([]byte(e.Msg), []byte("empty profile")) ||
			slices.Contains([]string{"name", "rates", "duration", "variants"}, e.Key) && bytes.HasPrefix([]byte(e.Msg), []byte("missing required key"))
		if e.Line == 0 && !noPlace {
			t.Fatalf("error without a line: %#v", e)
		}
	}
}

// checkProfile checks the promises of a valid profile.
func checkProfile(t *testing.T, p *Profile) {
	t.Helper()
	if p.Baseline() == nil {
		t.Fatal("no baseline")
	}
	if len(p.Name) > MaxNameLen || len(p.Rates) == 0 || len(p.Rates) > maxRates || len(p.Variants) > maxVariants {
		t.Fatalf("name of %d bytes, %d rates, %d variants", len(p.Name), len(p.Rates), len(p.Variants))
	}
	if n := len(p.Rates) * len(p.Variants) * p.Repetitions; n > MaxCells || p.Repetitions < 1 {
		t.Fatalf("%d cells of %d repetitions", n, p.Repetitions)
	}
	for _, r := range p.Rates {
		if r < 1 || r > MaxRate {
			t.Fatalf("rate %d", r)
		}
	}
	dur := p.Duration
	if dur <= 0 {
		t.Fatalf("duration %v", dur)
	}
	for _, ws := range [][]Window{p.Sink.Outages, p.Sink.BlackHoles} {
		for i, w := range ws {
			switch {
			case w.From < 0 || w.From >= dur || w.To > dur || (w.To != 0 && w.To <= w.From):
				t.Fatalf("window %+v in a measurement of %v", w, dur)
			case i > 0 && (ws[i-1].To == 0 || w.From < ws[i-1].To):
				t.Fatalf("window %+v after %+v", w, ws[i-1])
			}
		}
	}
	if b := p.Burst; b != nil && (b.At+b.Length > dur || b.Length <= 0 || !(b.Factor > 1)) {
		t.Fatalf("burst %+v in a measurement of %v", b, dur)
	}
	for _, v := range p.Variants {
		if len(v.Name) > MaxNameLen {
			t.Fatalf("variant name of %d bytes", len(v.Name))
		}
		if v.MaxExportBatchSize != nil && v.Settings().Batch.MaxExportBatchSize != *v.MaxExportBatchSize {
			t.Fatalf("variant %s: batch %d, but the SDK would use %d", v.Name, *v.MaxExportBatchSize, v.Settings().Batch.MaxExportBatchSize)
		}
	}
}
