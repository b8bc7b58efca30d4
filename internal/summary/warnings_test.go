package summary

import (
	"net/http"
	"testing"
	"time"

	"github.com/otelbench/otelbench/internal/results"
	"github.com/otelbench/otelbench/internal/results/resultstest"
)

// matches reports whether got has every field that want sets (its kind,
// and each non-zero field).
func matches(got, want Warning) bool {
	switch {
	case got.Kind != want.Kind,
		want.Variant != "" && got.Variant != want.Variant,
		want.Rate != 0 && got.Rate != want.Rate,
		want.Rep != 0 && got.Rep != want.Rep,
		want.Cell != "" && got.Cell != want.Cell,
		want.Metric != "" && got.Metric != want.Metric,
		want.N != 0 && got.N != want.N,
		want.Of != 0 && got.Of != want.Of,
		want.Detail != "" && got.Detail != want.Detail,
		want.Value != 0 && !closeTo(got.Value, want.Value),
		want.Limit != 0 && !closeTo(got.Limit, want.Limit):
		return false
	}
	return true
}

// closeTo compares within a relative 1e-3.
func closeTo(a, b float64) bool {
	d := a - b
	if d < 0 {
		d = -d
	}
	return d <= 1e-3*max(abs64(a), abs64(b), 1e-9)
}

func abs64(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// missing returns the wanted warnings that no warning of got matches.
func missing(got, want []Warning) []Warning {
	var out []Warning
	for _, w := range want {
		found := false
		for _, g := range got {
			found = found || matches(g, w)
		}
		if !found {
			out = append(out, w)
		}
	}
	return out
}

// ofKinds returns the warnings of got of one of kinds.
func ofKinds(got []Warning, kinds ...WarningKind) []Warning {
	var out []Warning
	for _, g := range got {
		for _, k := range kinds {
			if g.Kind == k {
				out = append(out, g)
			}
		}
	}
	return out
}

func TestBuildWarnings(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		tweak func(t *testing.T, f *resultstest.Fixture)
		// variant and rate name the row whose warnings are checked.
		variant string
		rate    int
		want    []Warning     // warnings of the row
		absent  []WarningKind // kinds no warning of the row may have
		run     []Warning     // warnings of the run
		check   func(t *testing.T, s *Summary)
	}{{
		// As planned: 1,000 requests are too few for a p99.9, and that is
		// the only warning.
		name:    "defaults",
		variant: "batch", rate: 1000,
		want:   []Warning{{Kind: WarnTailUnreliable, Variant: "batch", Rate: 1000, N: 1000, Of: 10000}},
		absent: []WarningKind{WarnRateNotReached, WarnRequestsFailed, WarnMatchingDisagrees, WarnNoBaseline, WarnTargetFailed},
	}, {
		// 10,000 requests leave exactly 10 beyond the p99.9: enough.
		name: "10000 requests",
		tweak: func(t *testing.T, f *resultstest.Fixture) {
			f.Each("batch", 1000, func(c *resultstest.Cell) { c.N = 5000 })
		},
		variant: "batch", rate: 1000,
		absent: []WarningKind{WarnTailUnreliable},
	}, {
		// 9,998 requests leave fewer than 10.
		name: "9998 requests",
		tweak: func(t *testing.T, f *resultstest.Fixture) {
			f.Each("batch", 1000, func(c *resultstest.Cell) { c.N = 4999 })
		},
		variant: "batch", rate: 1000,
		want: []Warning{{Kind: WarnTailUnreliable, N: 9998}},
	}, {
		// Repetition 2 sent at 900/s: vegeta measures 901.8/s, below 97%
		// of 1000/s; the row keeps the lowest rate of its repetitions.
		name: "rate not reached",
		tweak: func(t *testing.T, f *resultstest.Fixture) {
			f.Cell(t, "batch", 1000, 2).SendRate = 900
		},
		variant: "batch", rate: 1000,
		want: []Warning{{Kind: WarnRateNotReached, Rep: 2, Value: 900 * 500.0 / 499, Limit: 1000}},
		check: func(t *testing.T, s *Summary) {
			if r := row(t, s, "batch", 1000); r.AchievedRate > 902 || r.AchievedRate < 901 {
				t.Errorf("AchievedRate = %v, want the slowest repetition's 901.8", r.AchievedRate)
			}
		},
	}, {
		// Other work used a whole CPU of two during repetition 2's
		// 500 ms attack: the machine was shared then.
		name: "machine shared",
		tweak: func(t *testing.T, f *resultstest.Fixture) {
			f.Cell(t, "batch", 1000, 2).Other = 500 * time.Millisecond
		},
		variant: "batch", rate: 1000,
		want: []Warning{{Kind: WarnMachineShared, Rep: 2, Value: 0.5 * 500 / 499, Limit: OtherCPUShare, N: 2}},
		check: func(t *testing.T, s *Summary) {
			if h := row(t, s, "batch", 1000).Harness; !h.OtherKnown || h.OtherShare < 0.49 || h.OtherShare > 0.51 {
				t.Errorf("harness %+v: want the busiest repetition's 50%% of the machine", h)
			}
		},
	}, {
		// 97.5% of the requested rate is enough.
		name: "rate barely reached",
		tweak: func(t *testing.T, f *resultstest.Fixture) {
			f.Cell(t, "batch", 1000, 2).SendRate = 975
		},
		variant: "batch", rate: 1000,
		absent: []WarningKind{WarnRateNotReached},
	}, {
		// One request in a hundred of repetition 1 answered 500: the row
		// counts 5 failures over both repetitions and names the first error.
		name: "request errors",
		tweak: func(t *testing.T, f *resultstest.Fixture) {
			f.Cell(t, "batch", 1000, 1).Code = func(i int) uint16 {
				if i%100 == 99 {
					return http.StatusInternalServerError
				}
				return http.StatusOK
			}
		},
		variant: "batch", rate: 1000,
		want: []Warning{{Kind: WarnRequestsFailed, N: 5, Of: 1000, Detail: "500 Internal Server Error"}},
		check: func(t *testing.T, s *Summary) {
			if r := row(t, s, "batch", 1000); r.Errors != 5 || r.Requests != 2*resultstest.N {
				t.Errorf("Errors %d of %d, want 5 of %d", r.Errors, r.Requests, 2*resultstest.N)
			}
		},
	}, {
		// Trace matching finds 4 spans missing, yet ended − received is 0.
		name: "accounting disagrees",
		tweak: func(t *testing.T, f *resultstest.Fixture) {
			f.Cell(t, "batch", 1000, 1).Spans.MissingSpans = 4
		},
		variant: "batch", rate: 1000,
		want: []Warning{{Kind: WarnMatchingDisagrees, N: 4}},
	}, {
		// Without trace matching (sampled) the two counts are not compared.
		name: "no matching, no disagreement",
		tweak: func(t *testing.T, f *resultstest.Fixture) {
			f.Cell(t, "sampled-10", 1000, 1).Spans.MissingSpans = 4
		},
		variant: "sampled-10", rate: 1000,
		absent: []WarningKind{WarnMatchingDisagrees},
	}, {
		// Lost and missing agree: a loss, not a disagreement.
		name: "accounting agrees",
		tweak: func(t *testing.T, f *resultstest.Fixture) {
			c := f.Cell(t, "batch", 1000, 1)
			c.Spans.Received -= 4
			c.Spans.ExportedOK -= 4
			c.Spans.Dropped, c.Spans.DropSource = 4, "clean-shutdown"
			c.Spans.Lost, c.Spans.MissingSpans, c.Spans.MissingTraces = 4, 4, 2
		},
		variant: "batch", rate: 1000,
		absent: []WarningKind{WarnMatchingDisagrees},
	}, {
		// The sink saw more spans than the target ended.
		name: "more received than ended",
		tweak: func(t *testing.T, f *resultstest.Fixture) {
			c := f.Cell(t, "sync", 3000, 2)
			c.Spans.Received += 3
			c.Spans.Lost = -3
		},
		variant: "sync", rate: 3000,
		want: []Warning{{Kind: WarnSinkExtra, N: 3}},
	}, {
		// A failed repetition is counted, not averaged, and the run says so.
		name: "failed cell",
		tweak: func(t *testing.T, f *resultstest.Fixture) {
			c := f.Cell(t, "batch", 3000, 2)
			c.Status, c.Err = results.StatusFailed, "starting target: exit status 1"
		},
		variant: "batch", rate: 3000,
		want: []Warning{{Kind: WarnTargetFailed, N: 1}},
		run:  []Warning{{Kind: WarnCellFailed, Cell: "017-batch-r3000-rep2", Detail: "starting target: exit status 1"}},
		check: func(t *testing.T, s *Summary) {
			if r := row(t, s, "batch", 3000); r.Reps != 1 || r.Failed != 1 || r.Requests != resultstest.N {
				t.Errorf("reps %d, failed %d, requests %d; want 1, 1, %d", r.Reps, r.Failed, r.Requests, resultstest.N)
			}
		},
	}, {
		// Both repetitions failed: nothing to aggregate.
		name: "every repetition failed",
		tweak: func(t *testing.T, f *resultstest.Fixture) {
			f.Each("batch", 3000, func(c *resultstest.Cell) { c.Status, c.Err = results.StatusFailed, "target crashed" })
		},
		variant: "batch", rate: 3000,
		want: []Warning{{Kind: WarnNoRepetition}, {Kind: WarnTargetFailed, N: 2}},
		run: []Warning{{Kind: WarnCellFailed, Cell: "007-batch-r3000-rep1", Detail: "target crashed"},
			{Kind: WarnCellFailed, Cell: "017-batch-r3000-rep2", Detail: "target crashed"}},
		check: func(t *testing.T, s *Summary) {
			if r := row(t, s, "batch", 3000); r.Reps != 0 || r.Failed != 2 || r.AchievedRate != 0 {
				t.Errorf("reps %d, failed %d, achieved %v; want 0, 2, 0", r.Reps, r.Failed, r.AchievedRate)
			}
		},
	}, {
		// An interrupted run: its last two cells wrote no cell.json.
		name: "unfinished cells",
		tweak: func(t *testing.T, f *resultstest.Fixture) {
			f.Status = results.StatusInterrupted
			f.Cells[len(f.Cells)-1].Unfinished = true
			f.Cells[len(f.Cells)-2].Unfinished = true
		},
		variant: "batch-q64", rate: 3000,
		run: []Warning{{Kind: WarnCellsMissing, N: 2, Of: 20, Detail: "interrupted"}},
		check: func(t *testing.T, s *Summary) {
			if r := row(t, s, "batch-q64", 3000); r.Reps != 1 || r.Failed != 0 {
				t.Errorf("reps %d, failed %d; want 1 and 0", r.Reps, r.Failed)
			}
		},
	}, {
		// A cell without its results.gob counts as failed: never as zero
		// latency. The row counts failed requests only among the results
		// it read.
		name: "missing results",
		tweak: func(t *testing.T, f *resultstest.Fixture) {
			f.Cell(t, "batch", 1000, 1).NoGob = true
			f.Cell(t, "batch", 1000, 2).Code = func(i int) uint16 {
				if i < 10 {
					return http.StatusServiceUnavailable
				}
				return http.StatusOK
			}
		},
		variant: "batch", rate: 1000,
		want: []Warning{{Kind: WarnResultsUnreadable, Rep: 1, Detail: "no results.gob"},
			{Kind: WarnRequestsFailed, N: 10, Of: 500, Detail: "503 Service Unavailable"}},
		absent: []WarningKind{WarnTargetFailed},
		check: func(t *testing.T, s *Summary) {
			r := row(t, s, "batch", 1000)
			if r.Errors != 10 || r.Requests != resultstest.N || r.Reps != 1 || r.Failed != 1 {
				t.Errorf("Errors %d of %d requests, reps %d, failed %d; want 10 of %d, 1, 1", r.Errors, r.Requests, r.Reps, r.Failed, resultstest.N)
			}
			if r.Latency.P50 == 0 || r.Latency.Min == 0 {
				t.Errorf("latency %+v: the missing cell must not count as zero", r.Latency)
			}
		},
	}, {
		// Garbled results of every repetition: the row has no repetition,
		// so no latency at all rather than zeros.
		name: "garbled results",
		tweak: func(t *testing.T, f *resultstest.Fixture) {
			f.Each("batch", 1000, func(c *resultstest.Cell) { c.Garbage = true })
		},
		variant: "batch", rate: 1000,
		want: []Warning{{Kind: WarnResultsUnreadable, Rep: 1}, {Kind: WarnResultsUnreadable, Rep: 2}, {Kind: WarnNoRepetition}},
		check: func(t *testing.T, s *Summary) {
			if r := s.Row("batch", 1000); r != nil {
				t.Errorf("batch at 1000/s is measured: %+v", r)
			}
			for _, rs := range s.Rates {
				for _, r := range rs.Rows {
					if r.Variant == "batch" && rs.Rate == 1000 && (r.Failed != 2 || r.Latency.P50 != 0 || len(r.Cells) != 2 || r.Cells[0].Status != results.StatusFailed) {
						t.Errorf("row %+v: want 2 failed cells and no latency", r)
					}
				}
			}
		},
	}, {
		// Repetitions whose OnEnd histograms have different buckets.
		name: "different histogram buckets",
		tweak: func(t *testing.T, f *resultstest.Fixture) {
			c := f.Cell(t, "batch", 1000, 2)
			c.OnEnd.Bounds = []float64{1e-6, 2e-6, 4e-6, 16e-6}
		},
		variant: "batch", rate: 1000,
		want: []Warning{{Kind: WarnHistogramsMixed}},
		check: func(t *testing.T, s *Summary) {
			if r := row(t, s, "batch", 1000); r.OnEndCount != 0 || r.OnEndP99 != 0 {
				t.Errorf("OnEnd count %d, p99 %v; want none", r.OnEndCount, r.OnEndP99)
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
			var got []Warning
			for _, rs := range s.Rates {
				for _, r := range rs.Rows {
					if r.Variant == tc.variant && rs.Rate == tc.rate {
						got = r.Warnings
					}
				}
			}
			if m := missing(got, tc.want); len(m) > 0 {
				t.Errorf("%s at %d/s: warnings %+v\nlack %+v", tc.variant, tc.rate, got, m)
			}
			if bad := ofKinds(got, tc.absent...); len(bad) > 0 {
				t.Errorf("%s at %d/s: unexpected warnings %+v", tc.variant, tc.rate, bad)
			}
			if m := missing(s.Warnings, tc.run); len(m) > 0 {
				t.Errorf("run warnings %+v\nlack %+v", s.Warnings, m)
			}
			if len(tc.run) == 0 && len(s.Warnings) > 0 {
				t.Errorf("unexpected run warnings %+v", s.Warnings)
			}
			if tc.check != nil {
				tc.check(t, s)
			}
		})
	}
}

// TestBuildUnfinishedWithoutPlan counts the planned cells when run.json
// lists none and Open falls back to the cell directories on disk.
func TestBuildUnfinishedWithoutPlan(t *testing.T) {
	t.Parallel()
	f := resultstest.New(t, "")
	f.Status, f.NoPlan = results.StatusInterrupted, true
	f.Cells[len(f.Cells)-1].Unfinished = true
	s := build(t, f)
	want := Warning{Kind: WarnCellsMissing, N: 1, Of: int64(len(f.Cells))}
	if m := missing(s.Warnings, []Warning{want}); len(m) > 0 {
		t.Errorf("run warnings %+v, want %+v", s.Warnings, want)
	}
}
