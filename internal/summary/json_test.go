package summary

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/otelbench/otelbench/internal/results"
)

// TestSummaryJSON checks that summaries with rows that have nothing to
// compare or nothing at all marshal to JSON (no NaN or Inf anywhere, which
// json.Marshal refuses) and read back to the same JSON.
func TestSummaryJSON(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		tweak func(t *testing.T, f *fixture)
		check func(t *testing.T, s *Summary)
	}{{
		// Everything measured.
		name: "complete",
	}, {
		// The baseline failed at 3000/s: no overhead at that rate.
		name: "no baseline at a rate",
		tweak: func(t *testing.T, f *fixture) {
			f.each("none", 3000, func(c *cellSpec) { c.status, c.err = results.StatusFailed, "target crashed" })
		},
		check: func(t *testing.T, s *Summary) {
			if r := row(t, s, "none", 3000); r.Reps != 0 || r.Failed != 2 {
				t.Errorf("baseline at 3000/s: reps %d, failed %d", r.Reps, r.Failed)
			}
			r := row(t, s, "batch", 3000)
			if r.P99Overhead != 0 || r.P99OverheadPct != 0 || r.CPUOverheadPct != 0 {
				t.Errorf("batch at 3000/s has overheads without a baseline: %+v", r)
			}
			if m := containsAll(r.Warnings, []string{"no baseline measured at this rate: no overhead"}); len(m) > 0 {
				t.Errorf("batch at 3000/s: warnings %q", r.Warnings)
			}
		},
	}, {
		// batch has no repetition at 1000/s: a row of zeros.
		name: "row with zero repetitions",
		tweak: func(t *testing.T, f *fixture) {
			f.each("batch", 1000, func(c *cellSpec) { c.unfinished = true })
		},
		check: func(t *testing.T, s *Summary) {
			if r := row(t, s, "batch", 1000); r.Reps != 0 || r.Requests != 0 || r.AchievedRate != 0 {
				t.Errorf("batch at 1000/s: %+v", r)
			}
		},
	}, {
		// Nothing finished at all: no baseline, no repetition, no variant.
		name: "nothing measured",
		tweak: func(t *testing.T, f *fixture) {
			f.status = results.StatusInterrupted
			for _, c := range f.cells {
				c.unfinished = true
			}
		},
		check: func(t *testing.T, s *Summary) {
			if s.Recommendation.Variant != "" {
				t.Errorf("recommended %q with nothing measured", s.Recommendation.Variant)
			}
		},
	}, {
		// Requests with zero latency and zero CPU: every ratio's
		// denominator is zero.
		name: "zero latency and CPU",
		tweak: func(t *testing.T, f *fixture) {
			for _, c := range f.cells {
				c.latency = func(int) time.Duration { return 0 }
				c.cpu = 0
				c.onEnd.Counts = []uint64{0, 0, 0, 0} // every observation above the last bound
			}
		},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, "")
			if tc.tweak != nil {
				tc.tweak(t, f)
			}
			s := f.build(t)
			if tc.check != nil {
				tc.check(t, s)
			}
			data, err := json.Marshal(s)
			if err != nil {
				t.Fatalf("json.Marshal: %v", err)
			}
			var back Summary
			if err := json.Unmarshal(data, &back); err != nil {
				t.Fatalf("json.Unmarshal: %v", err)
			}
			// Compared as JSON: an empty map or slice comes back nil.
			again, err := json.Marshal(&back)
			if err != nil {
				t.Fatalf("json.Marshal after a round trip: %v", err)
			}
			if !bytes.Equal(again, data) {
				t.Errorf("the summary changed through JSON\n got %s\nwant %s", again, data)
			}
		})
	}
}
