package advise

import (
	"slices"

	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/settings"
	"github.com/otelbench/otelbench/internal/summary"
)

// HeadroomTie: two headrooms within this factor of each other are a tie.
const HeadroomTie = 1.1

// Choice is the measured variant the advice starts from, and how it was
// picked.
type Choice struct {
	// Variant is the chosen variant; "" when nothing was measured that
	// could be advised.
	Variant string `json:"variant"`
	// Qualified says it met every budget. When false it is the best
	// measured variant (Best).
	Qualified bool `json:"qualified"`
	// Pool says which variants it was chosen among (PoolFull, PoolSampled,
	// PoolBlocking or PoolBest).
	Pool Pool `json:"pool"`
	// Against says, for every other candidate of the pool, why the chosen
	// one was preferred.
	Against []Comparison `json:"against,omitempty"`
	// SyncQualified names a sync variant that qualified (and is not
	// advised, whatever it costs).
	SyncQualified string `json:"sync_qualified,omitempty"`
}

// Pool is the set of candidates a Choice was made among.
type Pool string

// The pools, in the order Choose tries them.
const (
	// PoolFull: batch variants that keep every trace and qualified.
	PoolFull Pool = "full"
	// PoolSampled: sampled variants that qualified, when no unsampled one did.
	PoolSampled Pool = "sampled"
	// PoolBlocking: variants measured with blocking, which is never
	// advised: without it their queue may drop spans where it blocked.
	PoolBlocking Pool = "blocking"
	// PoolBest: nothing qualified; the best measured variant, by the
	// budgets it misses.
	PoolBest Pool = "best"
	// PoolNone: nothing measured could be advised.
	PoolNone Pool = "none"
)

// Comparison says why the chosen variant was preferred to another.
type Comparison struct {
	Other string         `json:"other"`
	By    ComparisonKind `json:"by"`
	// Rate and CPU are, for ByCPU, the rate where the chosen one's CPU per
	// request was significantly lower and that difference (chosen against
	// other); for the ties, the largest CPU difference over the rates.
	Rate int           `json:"rate,omitempty"`
	CPU  summary.Delta `json:"cpu"`
	// Dominated names, for ByCPU, a variant that beat Other when it was
	// not the chosen one.
	Dominated string `json:"dominated_by,omitempty"`
	// Headroom and OtherHeadroom are both headrooms (ByHeadroom).
	Headroom      float64 `json:"headroom,omitempty"`
	OtherHeadroom float64 `json:"other_headroom,omitempty"`
	// Queue and OtherQueue are both queues (ByQueue).
	Queue      int `json:"queue,omitempty"`
	OtherQueue int `json:"other_queue,omitempty"`
}

// ComparisonKind says what decided a Comparison.
type ComparisonKind string

// What decides between candidates, in order.
const (
	// ByCPU: significantly less CPU per request at Rate.
	ByCPU ComparisonKind = "cpu"
	// ByHeadroom: a CPU tie; more headroom.
	ByHeadroom ComparisonKind = "headroom"
	// ByDefaults: a tie in CPU and headroom; the SDK's defaults.
	ByDefaults ComparisonKind = "defaults"
	// ByQueue: a tie in CPU and headroom, neither the defaults; the
	// larger queue.
	ByQueue ComparisonKind = "queue"
	// ByOrder: nothing told them apart; the one listed first.
	ByOrder ComparisonKind = "order"
	// ByBudgets: nothing qualified; the chosen one misses the budgets by
	// less.
	ByBudgets ComparisonKind = "budgets"
)

// Choose picks the variant to start from among cands (as Qualify returns
// them) of the run s.
func Choose(s *summary.Summary, cands []Candidate) Choice {
	var full, sampled, blocking []Candidate
	var ch Choice
	for _, c := range cands {
		switch {
		case !c.Qualifies():
		case c.Kind == profile.KindSync:
			ch.SyncQualified = c.Variant
		case c.Settings.Batch.Blocking:
			blocking = append(blocking, c)
		case c.Settings.Sampled():
			sampled = append(sampled, c)
		default:
			full = append(full, c)
		}
	}
	for _, pool := range []struct {
		name Pool
		cs   []Candidate
	}{{PoolFull, full}, {PoolSampled, sampled}, {PoolBlocking, blocking}} {
		if len(pool.cs) > 0 {
			best, against := rank(s, pool.cs)
			ch.Variant, ch.Qualified, ch.Pool, ch.Against = best.Variant, true, pool.name, against
			return ch
		}
	}
	best, against, ok := bestMissing(cands)
	if !ok {
		ch.Pool = PoolNone
		return ch
	}
	ch.Variant, ch.Pool, ch.Against = best.Variant, PoolBest, against
	return ch
}

// rank returns the best of a pool of qualifiers and why it beat each other.
func rank(s *summary.Summary, pool []Candidate) (Candidate, []Comparison) {
	// The frontier: candidates no other is significantly cheaper than.
	beaten := map[string]string{}
	for _, a := range pool {
		for _, b := range pool {
			if a.Variant != b.Variant && beaten[b.Variant] == "" {
				if _, _, ok := cheaper(s, a.Variant, b.Variant); ok {
					beaten[b.Variant] = a.Variant
				}
			}
		}
	}
	var frontier []Candidate
	for _, c := range pool {
		if beaten[c.Variant] == "" {
			frontier = append(frontier, c)
		}
	}
	best := frontier[0]
	for _, c := range frontier[1:] {
		if k := prefer(c, best); k != "" {
			best = c
		}
	}
	var against []Comparison
	for _, c := range pool {
		if c.Variant == best.Variant {
			continue
		}
		cmp := Comparison{Other: c.Variant}
		if rate, d, ok := cheaper(s, best.Variant, c.Variant); ok {
			cmp.By, cmp.Rate, cmp.CPU = ByCPU, rate, d
		} else if by := beaten[c.Variant]; by != "" {
			cmp.By, cmp.Dominated = ByCPU, by
			cmp.Rate, cmp.CPU, _ = cheaper(s, by, c.Variant)
		} else {
			cmp.Rate, cmp.CPU = largestCPUDifference(s, best.Variant, c.Variant)
			cmp.By = prefer(best, c)
			if cmp.By == "" {
				cmp.By = ByOrder
			}
			cmp.Headroom, cmp.OtherHeadroom = best.Headroom, c.Headroom
			cmp.Queue, cmp.OtherQueue = best.Settings.Batch.QueueSize, c.Settings.Batch.QueueSize
		}
		against = append(against, cmp)
	}
	return best, against
}

// cheaper reports whether variant a used significantly less CPU per
// request than b at some rate and significantly more at none; it returns
// the rate where the difference is largest and that difference.
func cheaper(s *summary.Summary, a, b string) (int, summary.Delta, bool) {
	var at int
	var best summary.Delta
	won := false
	for _, rs := range s.Rates {
		ra, rb := s.Row(a, rs.Rate), s.Row(b, rs.Rate)
		if ra == nil || rb == nil {
			continue
		}
		d := summary.NewDelta(ra.PerRep.CPUPerReq, rb.PerRep.CPUPerReq)
		switch {
		case !d.Valid || !d.Significant:
		case d.Pct > 0:
			return 0, summary.Delta{}, false
		case !won || d.Pct < best.Pct:
			at, best, won = rs.Rate, d, true
		}
	}
	return at, best, won
}

// largestCPUDifference is the CPU change of a against b at the rate where
// it is largest in size.
func largestCPUDifference(s *summary.Summary, a, b string) (int, summary.Delta) {
	var at int
	var out summary.Delta
	for _, rs := range s.Rates {
		ra, rb := s.Row(a, rs.Rate), s.Row(b, rs.Rate)
		if ra == nil || rb == nil {
			continue
		}
		if d := summary.NewDelta(ra.PerRep.CPUPerReq, rb.PerRep.CPUPerReq); d.Valid && (!out.Valid || abs(d.Pct) > abs(out.Pct)) {
			at, out = rs.Rate, d
		}
	}
	return at, out
}

// prefer says what makes a better than b when their CPU ties: more
// headroom, then the SDK's defaults, then the larger queue; "" when
// nothing does (b stays).
func prefer(a, b Candidate) ComparisonKind {
	switch {
	case headroomBeyond(a.Headroom, b.Headroom):
		return ByHeadroom
	case headroomBeyond(b.Headroom, a.Headroom):
		return ""
	}
	da, db := isDefault(a.Settings), isDefault(b.Settings)
	switch {
	case da && !db:
		return ByDefaults
	case db && !da:
		return ""
	}
	if a.Settings.Batch.QueueSize > b.Settings.Batch.QueueSize {
		return ByQueue
	}
	return ""
}

// headroomBeyond says headroom a is clearly more than b.
func headroomBeyond(a, b float64) bool {
	return a > 0 && b > 0 && a > HeadroomTie*b
}

// isDefault says t's batch processor and exporter are the SDK's defaults.
func isDefault(t settings.Tracing) bool {
	return t.Batch.IsDefault() && t.Exporter == settings.DefaultExporter()
}

// bestMissing picks, when nothing qualified, the candidate that misses the
// budgets by least: among those that could be advised (not sync; blocking
// only if nothing else was measured), measurable ones first, then those
// that lost no span, then the smallest p99 excess, then the least CPU.
func bestMissing(cands []Candidate) (Candidate, []Comparison, bool) {
	var pool []Candidate
	for _, c := range cands {
		if c.Kind != profile.KindSync && !c.Settings.Batch.Blocking {
			pool = append(pool, c)
		}
	}
	if len(pool) == 0 {
		for _, c := range cands {
			if c.Kind != profile.KindSync {
				pool = append(pool, c)
			}
		}
	}
	if len(pool) == 0 {
		return Candidate{}, nil, false
	}
	slices.SortStableFunc(pool, func(a, b Candidate) int {
		switch {
		case (a.CPU == 0) != (b.CPU == 0): // never measured at all: last
			return boolOrder(a.CPU == 0)
		case a.Unmeasurable() != b.Unmeasurable():
			return boolOrder(a.Unmeasurable())
		case lost(a) != lost(b):
			return boolOrder(lost(a))
		case excess(a) != excess(b):
			return floatOrder(excess(a), excess(b))
		}
		return floatOrder(float64(a.CPU), float64(b.CPU))
	})
	if pool[0].CPU == 0 {
		return Candidate{}, nil, false
	}
	var against []Comparison
	for _, c := range pool[1:] {
		against = append(against, Comparison{Other: c.Variant, By: ByBudgets})
	}
	return pool[0], against, true
}

// lost says a candidate lost spans somewhere.
func lost(c Candidate) bool {
	return slices.ContainsFunc(c.Misses, func(m Miss) bool { return m.Kind == MissLoss || m.Kind == MissTracesMissing })
}

// excess is how far a candidate's worst p99 change is above its budget.
func excess(c Candidate) float64 {
	worst := 0.0
	for _, m := range c.Misses {
		if m.Kind == MissP99 {
			worst = max(worst, m.Over())
		}
	}
	return worst
}

func boolOrder(a bool) int {
	if a {
		return 1
	}
	return -1
}

func floatOrder(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
