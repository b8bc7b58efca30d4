package compare

import (
	"fmt"

	"github.com/otelbench/otelbench/internal/results"
	"github.com/otelbench/otelbench/internal/stats"
	"github.com/otelbench/otelbench/internal/summary"
)

// Comparison is run B set against run A, rate by rate and variant by variant.
type Comparison struct {
	A, B Side
	// Differences lists what makes the runs incomparable (see Differences);
	// empty when they are comparable.
	Differences []Difference
	// Releases lists the variants built with other OpenTelemetry releases
	// in B than in A (see Releases): comparable, and said.
	Releases []Release
	// Rates holds every rate of either run: A's in its profile's order, then
	// those only B measured.
	Rates []Rate
}

// Side describes one of the two runs.
type Side struct {
	Path    string
	ID      string
	Profile string
	Commit  string
	Dirty   bool
	// Repetitions is the profile's repetitions per rate and variant.
	Repetitions int
	// Warnings are the run's own warnings (unfinished or failed cells).
	Warnings []summary.Warning
}

// Rate holds the rows of one requested rate.
type Rate struct {
	Rate int
	Rows []Row
}

// Row is one variant at one rate in both runs.
type Row struct {
	Variant string
	// A and B are the run's row, nil when its profile has no such rate or
	// variant. A row with no successful repetition (Reps == 0) was planned
	// but not measured.
	A, B *summary.Row
	// Changes holds p50, p99 and CPU per request, in that order, when both
	// runs measured the row; nil otherwise.
	Changes []Change
	// Loss is the share of spans lost in each run, when both measured the
	// row and its variant produces spans.
	Loss *Loss
}

// Presence says which runs measured a row.
type Presence int

// The presences of a row.
const (
	InBoth Presence = iota
	OnlyA
	OnlyB
	InNeither
)

// Presence says which runs measured the row: have a row for it with at
// least one successful repetition.
func (r Row) Presence() Presence {
	a, b := measured(r.A), measured(r.B)
	switch {
	case a && b:
		return InBoth
	case a:
		return OnlyA
	case b:
		return OnlyB
	default:
		return InNeither
	}
}

func measured(r *summary.Row) bool { return r != nil && r.Reps > 0 }

// Metric names a compared quantity. For every metric, higher is worse.
type Metric string

// The compared metrics, in the order of Row.Changes.
const (
	P50 Metric = "p50"
	P99 Metric = "p99"
	CPU Metric = "CPU/req"
)

// Change is one metric of a row in both runs.
type Change struct {
	Metric Metric
	// A and B are the medians of the repetitions' values, in nanoseconds.
	A, B float64
	// Delta is B against A: positive when B is higher (worse).
	Delta summary.Delta
}

// Loss is the percentage of ended spans that never reached the sink, over
// every repetition: no test of significance applies to it.
type Loss struct {
	A, B float64
	// Points is B − A, in percentage points.
	Points float64
}

// New summarises both runs and sets B against A. It compares whatever it is
// given: Comparable says whether it should have been.
func New(a, b *results.Loaded) (*Comparison, error) {
	sa, err := summary.Build(a)
	if err != nil {
		return nil, fmt.Errorf("summarising run A: %w", err)
	}
	sb, err := summary.Build(b)
	if err != nil {
		return nil, fmt.Errorf("summarising run B: %w", err)
	}
	c := &Comparison{
		A:           side(a, sa),
		B:           side(b, sb),
		Differences: Differences(&a.Run, &b.Run),
		Releases:    Releases(&a.Run, &b.Run),
	}
	c.Rates = match(sa, sb)
	return c, nil
}

// Comparable returns a *MismatchError naming every difference that makes the
// runs incomparable, or nil.
func (c *Comparison) Comparable() error {
	if len(c.Differences) == 0 {
		return nil
	}
	return &MismatchError{A: c.A.Path, B: c.B.Path, Differences: c.Differences}
}

func side(l *results.Loaded, s *summary.Summary) Side {
	sd := Side{
		Path:     l.Path,
		ID:       l.Run.ID,
		Profile:  s.Profile,
		Commit:   l.Run.Environment.Commit,
		Dirty:    l.Run.Environment.Dirty,
		Warnings: s.Warnings,
	}
	if l.Run.Profile != nil {
		sd.Repetitions = l.Run.Profile.Repetitions
	}
	return sd
}

// match pairs the rows of a and b by rate and variant name: A's order first,
// then what only B has.
func match(a, b *summary.Summary) []Rate {
	type key struct {
		rate    int
		variant string
	}
	rowsOf := func(s *summary.Summary) (map[key]*summary.Row, []int, map[int][]string) {
		rows, variants := map[key]*summary.Row{}, map[int][]string{}
		var rates []int
		for i := range s.Rates {
			rs := &s.Rates[i]
			rates = append(rates, rs.Rate)
			for j := range rs.Rows {
				r := &rs.Rows[j]
				rows[key{rs.Rate, r.Variant}] = r
				variants[rs.Rate] = append(variants[rs.Rate], r.Variant)
			}
		}
		return rows, rates, variants
	}
	rowsA, ratesA, variantsA := rowsOf(a)
	rowsB, ratesB, variantsB := rowsOf(b)
	var out []Rate
	for _, rate := range union(ratesA, ratesB) {
		rs := Rate{Rate: rate}
		for _, v := range union(variantsA[rate], variantsB[rate]) {
			k := key{rate, v}
			rs.Rows = append(rs.Rows, newRow(v, rowsA[k], rowsB[k]))
		}
		out = append(out, rs)
	}
	return out
}

// union returns the elements of a, then those of b not in a.
func union[T comparable](a, b []T) []T {
	seen := map[T]bool{}
	var out []T
	for _, xs := range [][]T{a, b} {
		for _, x := range xs {
			if !seen[x] {
				seen[x] = true
				out = append(out, x)
			}
		}
	}
	return out
}

func newRow(variant string, a, b *summary.Row) Row {
	r := Row{Variant: variant, A: a, B: b}
	if r.Presence() != InBoth {
		return r
	}
	for _, m := range []struct {
		metric Metric
		a, b   []float64
	}{
		{P50, a.PerRep.P50, b.PerRep.P50},
		{P99, a.PerRep.P99, b.PerRep.P99},
		{CPU, a.PerRep.CPUPerReq, b.PerRep.CPUPerReq},
	} {
		r.Changes = append(r.Changes, Change{
			Metric: m.metric,
			A:      stats.Median(m.a),
			B:      stats.Median(m.b),
			Delta:  summary.NewDelta(m.b, m.a),
		})
	}
	if a.Spans.PerRequest > 0 || b.Spans.PerRequest > 0 {
		r.Loss = &Loss{A: a.Spans.LossPct, B: b.Spans.LossPct, Points: b.Spans.LossPct - a.Spans.LossPct}
	}
	return r
}
