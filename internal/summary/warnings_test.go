package summary

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/otelbench/otelbench/internal/results"
)

// containsAll reports which of wants is not a substring of any of got.
func containsAll(got, wants []string) []string {
	var missing []string
	for _, w := range wants {
		found := false
		for _, g := range got {
			found = found || strings.Contains(g, w)
		}
		if !found {
			missing = append(missing, w)
		}
	}
	return missing
}

// containsAny returns the elements of got that contain one of bad.
func containsAny(got, bad []string) []string {
	var found []string
	for _, g := range got {
		for _, b := range bad {
			if strings.Contains(g, b) {
				found = append(found, g)
			}
		}
	}
	return found
}

// p999Warning is the start of the warning about too few requests for p99.9.
const p999Warning = "p99.9 is not reliable"

func TestBuildWarnings(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		tweak func(t *testing.T, f *fixture)
		// variant and rate name the row whose warnings are checked.
		variant string
		rate    int
		want    []string // substrings of the row's warnings
		absent  []string // substrings no warning of the row may contain
		run     []string // substrings of the run's warnings
		check   func(t *testing.T, s *Summary, f *fixture)
	}{{
		// As planned: 1,000 requests are too few for a p99.9, and that is
		// the only warning.
		name:    "defaults",
		variant: "batch", rate: 1000,
		want:   []string{"p99.9 is not reliable: 1000 requests leave fewer than 10 beyond it (needs 10000)"},
		absent: []string{"rate", "failed", "accounting", "baseline"},
	}, {
		// 10,000 requests leave exactly 10 beyond the p99.9: enough.
		name: "10000 requests",
		tweak: func(t *testing.T, f *fixture) {
			f.each("batch", 1000, func(c *cellSpec) { c.n = 5000 })
		},
		variant: "batch", rate: 1000,
		absent: []string{p999Warning},
	}, {
		// 9,998 requests leave fewer than 10.
		name: "9998 requests",
		tweak: func(t *testing.T, f *fixture) {
			f.each("batch", 1000, func(c *cellSpec) { c.n = 4999 })
		},
		variant: "batch", rate: 1000,
		want: []string{"p99.9 is not reliable: 9998 requests"},
	}, {
		// Repetition 2 sent at 900/s: vegeta measures 901.8/s, below 97%
		// of 1000/s; the row keeps the lowest rate of its repetitions.
		name: "rate not reached",
		tweak: func(t *testing.T, f *fixture) {
			f.cell(t, "batch", 1000, 2).sendRate = 900
		},
		variant: "batch", rate: 1000,
		want: []string{"rate not reached in rep 2: 902/s of 1000/s (the target could not keep up or the load generator saturated)"},
		check: func(t *testing.T, s *Summary, f *fixture) {
			if r := row(t, s, "batch", 1000); r.AchievedRate > 902 || r.AchievedRate < 901 {
				t.Errorf("AchievedRate = %v, want the slowest repetition's 901.8", r.AchievedRate)
			}
		},
	}, {
		// 97.5% of the requested rate is enough.
		name: "rate barely reached",
		tweak: func(t *testing.T, f *fixture) {
			f.cell(t, "batch", 1000, 2).sendRate = 975
		},
		variant: "batch", rate: 1000,
		absent: []string{"rate not reached"},
	}, {
		// One request in a hundred of repetition 1 answered 500: the row
		// counts 5 failures over both repetitions and names the first error.
		name: "request errors",
		tweak: func(t *testing.T, f *fixture) {
			f.cell(t, "batch", 1000, 1).code = func(i int) uint16 {
				if i%100 == 99 {
					return http.StatusInternalServerError
				}
				return http.StatusOK
			}
		},
		variant: "batch", rate: 1000,
		want: []string{"5 of 1000 requests failed (0.50%): 500 Internal Server Error"},
		check: func(t *testing.T, s *Summary, f *fixture) {
			if r := row(t, s, "batch", 1000); r.Errors != 5 || r.Requests != 2*fixtureN {
				t.Errorf("Errors %d of %d, want 5 of %d", r.Errors, r.Requests, 2*fixtureN)
			}
		},
	}, {
		// Trace matching finds 4 spans missing, yet ended − received is 0.
		name: "accounting disagrees",
		tweak: func(t *testing.T, f *fixture) {
			f.cell(t, "batch", 1000, 1).spans.MissingSpans = 4
		},
		variant: "batch", rate: 1000,
		want: []string{"accounting disagrees: trace matching finds 4 spans missing, ended − received is 0"},
	}, {
		// Without trace matching (sampled) the two counts are not compared.
		name: "no matching, no disagreement",
		tweak: func(t *testing.T, f *fixture) {
			f.cell(t, "sampled-10", 1000, 1).spans.MissingSpans = 4
		},
		variant: "sampled-10", rate: 1000,
		absent: []string{"accounting disagrees"},
	}, {
		// Lost and missing agree: a loss, not a disagreement.
		name: "accounting agrees",
		tweak: func(t *testing.T, f *fixture) {
			c := f.cell(t, "batch", 1000, 1)
			c.spans.Received -= 4
			c.spans.ExportedOK -= 4
			c.spans.Dropped, c.spans.DropSource = 4, "clean-shutdown"
			c.spans.Lost, c.spans.MissingSpans, c.spans.MissingTraces = 4, 4, 2
		},
		variant: "batch", rate: 1000,
		absent: []string{"accounting disagrees"},
	}, {
		// The sink saw more spans than the target ended.
		name: "more received than ended",
		tweak: func(t *testing.T, f *fixture) {
			c := f.cell(t, "sync", 3000, 2)
			c.spans.Received += 3
			c.spans.Lost = -3
		},
		variant: "sync", rate: 3000,
		want: []string{"the sink received 3 more spans than the target ended"},
		run:  []string{"016-sync-r3000-rep2: the sink received 1203 distinct spans but the exporter reports 1200 exported (and 0 failed)"},
	}, {
		// A failed repetition is counted, not averaged, and the run says so.
		name: "failed cell",
		tweak: func(t *testing.T, f *fixture) {
			c := f.cell(t, "batch", 3000, 2)
			c.status, c.err = results.StatusFailed, "starting target: exit status 1"
		},
		variant: "batch", rate: 3000,
		want: []string{"the target failed in 1 repetition(s)"},
		run:  []string{"cell 017-batch-r3000-rep2 failed: starting target: exit status 1"},
		check: func(t *testing.T, s *Summary, f *fixture) {
			if r := row(t, s, "batch", 3000); r.Reps != 1 || r.Failed != 1 || r.Requests != fixtureN {
				t.Errorf("reps %d, failed %d, requests %d; want 1, 1, %d", r.Reps, r.Failed, r.Requests, fixtureN)
			}
		},
	}, {
		// Both repetitions failed: nothing to aggregate.
		name: "every repetition failed",
		tweak: func(t *testing.T, f *fixture) {
			f.each("batch", 3000, func(c *cellSpec) { c.status, c.err = results.StatusFailed, "target crashed" })
		},
		variant: "batch", rate: 3000,
		want: []string{"no successful repetition"},
		run:  []string{"cell 007-batch-r3000-rep1 failed: target crashed", "cell 017-batch-r3000-rep2 failed: target crashed"},
		check: func(t *testing.T, s *Summary, f *fixture) {
			if r := row(t, s, "batch", 3000); r.Reps != 0 || r.Failed != 2 || r.AchievedRate != 0 {
				t.Errorf("reps %d, failed %d, achieved %v; want 0, 2, 0", r.Reps, r.Failed, r.AchievedRate)
			}
		},
	}, {
		// An interrupted run: its last two cells wrote no cell.json.
		name: "unfinished cells",
		tweak: func(t *testing.T, f *fixture) {
			f.status = results.StatusInterrupted
			f.cells[len(f.cells)-1].unfinished = true
			f.cells[len(f.cells)-2].unfinished = true
		},
		variant: "batch-q64", rate: 3000,
		run: []string{"2 of 20 planned cells have no results (run interrupted)"},
		check: func(t *testing.T, s *Summary, f *fixture) {
			if r := row(t, s, "batch-q64", 3000); r.Reps != 1 || r.Failed != 0 {
				t.Errorf("reps %d, failed %d; want 1 and 0", r.Reps, r.Failed)
			}
		},
	}, {
		// A cell without its results.gob: the row says which repetition,
		// and counts failed requests only among the results it read.
		name: "missing results",
		tweak: func(t *testing.T, f *fixture) {
			f.cell(t, "batch", 1000, 1).noGob = true
			f.cell(t, "batch", 1000, 2).code = func(i int) uint16 {
				if i < 10 {
					return http.StatusServiceUnavailable
				}
				return http.StatusOK
			}
		},
		variant: "batch", rate: 1000,
		want: []string{"rep 1: open ", "results.gob: no such file or directory",
			"10 of 500 requests failed (2.00%): 503 Service Unavailable"},
		check: func(t *testing.T, s *Summary, f *fixture) {
			if r := row(t, s, "batch", 1000); r.Errors != 10 || r.Requests != fixtureN {
				t.Errorf("Errors %d of %d requests, want 10 of %d", r.Errors, r.Requests, fixtureN)
			}
		},
	}, {
		// Repetitions whose OnEnd histograms have different buckets.
		name: "different histogram buckets",
		tweak: func(t *testing.T, f *fixture) {
			c := f.cell(t, "batch", 1000, 2)
			c.onEnd.Bounds = []float64{1e-6, 2e-6, 4e-6, 16e-6}
		},
		variant: "batch", rate: 1000,
		want: []string{"OnEnd histograms of the repetitions have different buckets; not merged"},
		check: func(t *testing.T, s *Summary, f *fixture) {
			if r := row(t, s, "batch", 1000); r.OnEndCount != 0 || r.OnEndP99 != 0 {
				t.Errorf("OnEnd count %d, p99 %v; want none", r.OnEndCount, r.OnEndP99)
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
			r := row(t, s, tc.variant, tc.rate)
			if m := containsAll(r.Warnings, tc.want); len(m) > 0 {
				t.Errorf("%s at %d/s: warnings %q\nlack %q", tc.variant, tc.rate, r.Warnings, m)
			}
			if bad := containsAny(r.Warnings, tc.absent); len(bad) > 0 {
				t.Errorf("%s at %d/s: unexpected warnings %q", tc.variant, tc.rate, bad)
			}
			if m := containsAll(s.Warnings, tc.run); len(m) > 0 {
				t.Errorf("run warnings %q\nlack %q", s.Warnings, m)
			}
			if len(tc.run) == 0 && len(s.Warnings) > 0 {
				t.Errorf("unexpected run warnings %q", s.Warnings)
			}
			if tc.check != nil {
				tc.check(t, s, f)
			}
		})
	}
}

// TestBuildUnfinishedWithoutPlan counts the planned cells when run.json
// lists none and Open falls back to the cell directories on disk.
func TestBuildUnfinishedWithoutPlan(t *testing.T) {
	t.Parallel()
	f := newFixture(t, "")
	f.status, f.noPlan = results.StatusInterrupted, true
	f.cells[len(f.cells)-1].unfinished = true
	s := f.build(t)
	want := fmt.Sprintf("1 of %d planned cells have no results (run interrupted)", len(f.cells))
	if m := containsAll(s.Warnings, []string{want}); len(m) > 0 {
		t.Errorf("run warnings %q, want %q", s.Warnings, want)
	}
}
