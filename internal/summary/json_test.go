package summary

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/otelbench/otelbench/internal/results"
	"github.com/otelbench/otelbench/internal/results/resultstest"
)

// TestSummaryJSON checks that summaries with rows that have nothing to
// compare or nothing at all marshal to JSON (no NaN or Inf anywhere, which
// json.Marshal refuses) and read back to the same JSON.
func TestSummaryJSON(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		tweak func(t *testing.T, f *resultstest.Fixture)
		check func(t *testing.T, s *Summary)
	}{{
		// Everything measured.
		name: "complete",
	}, {
		// The baseline failed at 3000/s: no overhead at that rate.
		name: "no baseline at a rate",
		tweak: func(t *testing.T, f *resultstest.Fixture) {
			f.Each("none", 3000, func(c *resultstest.Cell) { c.Status, c.Err = results.StatusFailed, "target crashed" })
		},
		check: func(t *testing.T, s *Summary) {
			if r := row(t, s, "none", 3000); r.Reps != 0 || r.Failed != 2 {
				t.Errorf("baseline at 3000/s: reps %d, failed %d", r.Reps, r.Failed)
			}
			r := row(t, s, "batch", 3000)
			if r.P99Overhead != 0 || r.P99OverheadPct != 0 || r.CPUOverheadPct != 0 {
				t.Errorf("batch at 3000/s has overheads without a baseline: %+v", r)
			}
			if m := missing(r.Warnings, []Warning{{Kind: WarnNoBaseline, Rate: 3000}}); len(m) > 0 {
				t.Errorf("batch at 3000/s: warnings %+v", r.Warnings)
			}
		},
	}, {
		// batch has no repetition at 1000/s: a row of zeros.
		name: "row with zero repetitions",
		tweak: func(t *testing.T, f *resultstest.Fixture) {
			f.Each("batch", 1000, func(c *resultstest.Cell) { c.Unfinished = true })
		},
		check: func(t *testing.T, s *Summary) {
			if r := row(t, s, "batch", 1000); r.Reps != 0 || r.Requests != 0 || r.AchievedRate != 0 {
				t.Errorf("batch at 1000/s: %+v", r)
			}
		},
	}, {
		// Nothing finished at all: no baseline, no repetition, no variant.
		name: "nothing measured",
		tweak: func(t *testing.T, f *resultstest.Fixture) {
			f.Status = results.StatusInterrupted
			for _, c := range f.Cells {
				c.Unfinished = true
			}
		},
		check: func(t *testing.T, s *Summary) {
			if s.Measured() {
				t.Error("Measured() with nothing measured")
			}
		},
	}, {
		// Requests with zero latency and zero CPU: every ratio's
		// denominator is zero.
		name: "zero latency and CPU",
		tweak: func(t *testing.T, f *resultstest.Fixture) {
			for _, c := range f.Cells {
				c.Latency = func(int) time.Duration { return 0 }
				c.CPU = 0
				c.OnEnd.Counts = []uint64{0, 0, 0, 0} // every observation above the last bound
			}
		},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := resultstest.New(t, "")
			if tc.tweak != nil {
				tc.tweak(t, f)
			}
			s := build(t, f)
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
