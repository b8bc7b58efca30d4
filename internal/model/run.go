package model

import (
	"errors"
	"fmt"
	"github.com/otelbench/otelbench/internal/settings"
	"math"
	"time"
)

// LatencyPoint is one value of a distribution of export durations: exports
// take Duration with a probability proportional to Weight.
type LatencyPoint struct {
	Duration time.Duration
	Weight   float64
}

// RunPrediction is what a processor does over a run of finite length that
// starts idle with an empty queue (see PredictRun).
type RunPrediction struct {
	// Offered is the number of spans that reach the processor in the run.
	Offered float64
	// Dropped is the expected number of spans dropped at a full queue.
	Dropped float64
	// DropFraction is Dropped / Offered.
	DropFraction float64
	// Exports is the expected number of ExportSpans calls.
	Exports float64
}

// Limits of PredictRun's computation.
const (
	// maxRunStates bounds the queue lengths PredictRun tracks; a longer
	// queue is tracked in steps of several spans.
	maxRunStates = 2048
	// maxRunSteps bounds the exports PredictRun follows one by one; beyond
	// them (or once the queue's distribution no longer changes) it
	// extrapolates the last export's drops and arrivals to the end.
	maxRunSteps = 20000
	// raceTail is the probability below which the timer race's geometric
	// split is cut off (the rest goes to the last split).
	raceTail = 1e-12
)

// PredictRun returns the expected drops of a processor with settings s
// that starts idle with an empty queue and receives SpanRate(l) spans per
// second, as a steady stream, for d. Unlike Predict, it takes the spread of
// export durations into account, each export's duration drawn
// independently from lat (l.ExportLatency alone when lat is empty), plus
// MaxExportBatchSize × PerSpanExportCost, cut at ExportTimeout; and the
// start of the run, when the empty queue absorbs spans that a steady state
// would drop. Load.Burst is ignored. With Blocking nothing is dropped.
//
// It follows the distribution of the queue's length at the start of each
// export, export by export (a Markov chain), as the worker in
// sdk/trace/batch_span_processor.go runs: during an export of duration D,
// λ·D spans enter the queue and what exceeds QueueSize is dropped; then the
// worker takes a full batch if the queue holds one, or takes what it holds
// and waits for the batch to fill or the timer to fire (BatchTimeout after
// the export started). When D ≥ BatchTimeout the timer has fired during the
// export and the worker's select picks the timer or the queue at random:
// with probability 2^-(j+1) it takes j spans and exports them (j ≥ 1), or
// finds its batch empty (j = 0), restarts the timer and fills a batch as
// above. So a slow export here and there overflows a short queue even when
// the mean export leaves room, and under a timer race the exports of a few
// spans make the loss start below Ceiling.
//
// The time axis is the expected one: the run ends after as many exports as
// take d on average.
func PredictRun(s settings.Batch, l Load, lat []LatencyPoint, d time.Duration) (RunPrediction, error) {
	if err := errors.Join(s.Validate(), l.Validate(), validateLatencies(lat)); err != nil {
		return RunPrediction{}, err
	}
	if d <= 0 {
		return RunPrediction{}, fmt.Errorf("run length %v: want a positive duration: %w", d, ErrInvalidLoad)
	}
	lam := SpanRate(l)
	horizon := d.Seconds()
	if lam <= 0 {
		return RunPrediction{}, nil
	}
	points := exportPoints(s, l, lat)
	if points == nil || s.Blocking {
		return RunPrediction{Offered: lam * horizon}, nil
	}
	c := newChain(s, lam, points)
	return c.run(horizon), nil
}

// validateLatencies rejects negative durations and weights and a
// distribution without weight.
func validateLatencies(lat []LatencyPoint) error {
	if len(lat) == 0 {
		return nil
	}
	total := 0.0
	for _, p := range lat {
		if p.Duration < 0 || p.Weight < 0 || math.IsNaN(p.Weight) || math.IsInf(p.Weight, 0) {
			return fmt.Errorf("export latency %v with weight %v: want both ≥ 0 and finite: %w", p.Duration, p.Weight, ErrInvalidLoad)
		}
		total += p.Weight
	}
	if total <= 0 {
		return fmt.Errorf("export latencies with no weight: %w", ErrInvalidLoad)
	}
	return nil
}

// latencyPoint is an export duration in seconds and its probability.
type latencyPoint struct{ d, p float64 }

// exportPoints returns the distribution of export durations, in seconds,
// with probabilities that add up to 1; nil when every export takes no time
// (no ceiling: nothing is ever dropped).
func exportPoints(s settings.Batch, l Load, lat []LatencyPoint) []latencyPoint {
	if len(lat) == 0 {
		lat = []LatencyPoint{{Duration: l.ExportLatency, Weight: 1}}
	}
	total := 0.0
	for _, p := range lat {
		total += p.Weight
	}
	var pts []latencyPoint
	anyTime := false
	for _, p := range lat {
		if p.Weight == 0 {
			continue
		}
		ll := l
		ll.ExportLatency = p.Duration
		d := exportSeconds(s, ll, float64(s.MaxExportBatchSize))
		anyTime = anyTime || d > 0
		pts = append(pts, latencyPoint{d: d, p: p.Weight / total})
	}
	if !anyTime {
		return nil
	}
	return pts
}

// chain is the distribution of the queue's length at the start of an
// export, on a grid of states 0, step, 2·step, …, QueueSize.
type chain struct {
	q, m, t, lam float64 // QueueSize, MaxExportBatchSize, BatchTimeout (s), λ
	step         float64
	points       []latencyPoint
	// p is the distribution at the start of an export, next the one being
	// built, held the queue's length when an export ends, race the
	// timer race's geometric split.
	p, next, held, race []float64
}

func newChain(s settings.Batch, lam float64, points []latencyPoint) *chain {
	n := min(s.QueueSize, maxRunStates)
	c := &chain{q: float64(s.QueueSize), m: float64(s.MaxExportBatchSize), t: s.BatchTimeout.Seconds(), lam: lam,
		step: float64(s.QueueSize) / float64(n), points: points}
	c.p = make([]float64, n+1)
	c.next = make([]float64, n+1)
	c.held = make([]float64, n+1)
	c.race = make([]float64, n+1)
	return c
}

// put adds probability w to queue length x in dist, split between the two
// nearest states so that the mean length is kept.
func (c *chain) put(dist []float64, x, w float64) {
	i := x / c.step
	lo := math.Floor(i)
	if int(lo) >= len(dist)-1 {
		dist[len(dist)-1] += w
		return
	}
	f := i - lo
	dist[int(lo)] += w * (1 - f)
	dist[int(lo)+1] += w * f
}

// cycle is what one export of the chain adds up to, in expectation.
type cycle struct{ dropped, arrived, seconds float64 }

func (a *cycle) add(w, dropped, arrived, seconds float64) {
	a.dropped += w * dropped
	a.arrived += w * arrived
	a.seconds += w * seconds
}

// take accounts for the worker after an export that left held spans in
// the queue, with probability w, when it fills its batch from the queue: a
// full batch at once if the queue holds one, else all it holds, and it
// waits up to wait seconds for the batch to fill (the next export then
// starts with an empty queue).
func (c *chain) take(acc *cycle, w, held, wait float64) {
	if held >= c.m {
		c.put(c.next, held-c.m, w)
		return
	}
	fill := min((c.m-held)/c.lam, max(wait, 0))
	acc.add(w, 0, c.lam*fill, fill)
	c.next[0] += w
}

// advance moves the chain on by one export and returns its expectations.
func (c *chain) advance() cycle {
	var acc cycle
	clear(c.next)
	for _, pt := range c.points {
		// The export: λ·d spans arrive, what exceeds the queue is dropped.
		clear(c.held)
		for i, w := range c.p {
			if w < 1e-300 {
				continue
			}
			w *= pt.p
			held := float64(i)*c.step + c.lam*pt.d
			acc.add(w, max(0, held-c.q), c.lam*pt.d, pt.d)
			c.put(c.held, min(held, c.q), w)
		}
		// The worker's next batch.
		if pt.d < c.t { // the timer has not fired
			for i, w := range c.held {
				if w > 0 {
					c.take(&acc, w, float64(i)*c.step, c.t-pt.d)
				}
			}
			continue
		}
		c.raceSplit(&acc)
	}
	c.p, c.next = c.next, c.p
	return acc
}

// raceSplit is the worker after an export during which the timer fired:
// its select picks the timer or the queue at random, so it takes j spans
// with probability 2^-(j+1) and exports them (j ≥ 1), or finds its batch
// empty (j = 0), restarts the timer and fills a batch. j stops at the batch
// size and at the spans the queue holds, which take the rest.
func (c *chain) raceSplit(acc *cycle) {
	for i, w := range c.held {
		if w == 0 {
			continue
		}
		held := float64(i) * c.step
		if math.Min(math.Floor(held), c.m) >= 1 {
			w /= 2
		}
		c.take(acc, w, held, c.t)
	}
	if c.step != 1 {
		// A long queue on a coarse grid: split state by state.
		for i, w := range c.held {
			held := float64(i) * c.step
			top := math.Min(math.Floor(held), c.m)
			rest := w / 2
			for j := 1.0; j <= top && rest > 0; j++ {
				wj := w * math.Ldexp(1, -int(j)-1)
				if j == top || rest-wj < raceTail*w {
					wj = rest
				}
				c.put(c.next, held-j, wj)
				rest -= wj
			}
		}
		return
	}
	// On a grid of single spans, in one pass from the top: a queue of k
	// spans sends 2^-(j+1) of its weight to k − j for 1 ≤ j < min(k, M),
	// and the rest, 2^-min(k, M), to k − min(k, M).
	n := len(c.held) - 1
	m := int(c.m)
	c.race[n] = 0
	for x := n - 1; x >= 1; x-- {
		r := c.held[x+1]/4 + c.race[x+1]/2
		if x+m <= n {
			r -= math.Ldexp(c.held[x+m], -m-1)
		}
		c.race[x] = max(r, 0)
		c.next[x] += c.race[x]
	}
	for k := 1; k <= n; k++ {
		top := min(k, m)
		c.next[k-top] += math.Ldexp(c.held[k], -top)
	}
}

// run follows the chain for horizon seconds from an idle worker with an
// empty queue and batch.
func (c *chain) run(horizon float64) RunPrediction {
	clear(c.p)
	c.p[0] = 1
	// The first batch fills, or the timer fires, before the first export.
	first := math.Min(c.m/c.lam, c.t)
	elapsed := math.Min(first, horizon)
	r := RunPrediction{Offered: c.lam * elapsed}
	for steps := 0; elapsed < horizon; steps++ {
		prev := append([]float64(nil), c.p...)
		acc := c.advance()
		if acc.seconds <= 0 {
			break
		}
		if steps >= maxRunSteps || settled(prev, c.p) {
			// Extrapolate this export's rates to the end of the run.
			n := (horizon - elapsed) / acc.seconds
			r.Dropped += n * acc.dropped
			r.Offered += n * acc.arrived
			r.Exports += n
			break
		}
		// The last export may run past the end: count the part inside.
		part := math.Min(1, (horizon-elapsed)/acc.seconds)
		r.Dropped += part * acc.dropped
		r.Offered += part * acc.arrived
		r.Exports += part
		elapsed += acc.seconds
	}
	if r.Offered > 0 {
		r.DropFraction = r.Dropped / r.Offered
	}
	return r
}

// settled reports whether two distributions differ by less than 1e-9 in
// total.
func settled(a, b []float64) bool {
	diff := 0.0
	for i := range a {
		diff += math.Abs(a[i] - b[i])
	}
	return diff < 1e-9
}

// RunOnsetRequestsPerSec returns the request rate at which PredictRun's
// drop fraction over a run of length d first exceeds threshold (a share,
// e.g. 0.005): the loss onset a benchmark of runs that long should
// measure, with the spread of export durations in lat. It searches up to
// 64 times the steady LossOnsetRequestsPerSec and returns +Inf when no
// rate up to there loses that much, or when no span reaches the processor.
func RunOnsetRequestsPerSec(s settings.Batch, l Load, lat []LatencyPoint, d time.Duration, threshold float64) (float64, error) {
	if math.IsNaN(threshold) || threshold < 0 || threshold >= 1 {
		return 0, fmt.Errorf("loss threshold %v: want a share from 0 to 1: %w", threshold, ErrInvalidLoad)
	}
	l.Burst = Burst{}
	lossAt := func(rate float64) (float64, error) {
		ll := l
		ll.RequestsPerSec = rate
		r, err := PredictRun(s, ll, lat, d)
		return r.DropFraction, err
	}
	if _, err := lossAt(0); err != nil {
		return 0, err
	}
	if spansPerRequest(l) <= 0 || s.Blocking {
		return math.Inf(1), nil
	}
	ll := l
	if len(lat) > 0 {
		ll.ExportLatency = meanLatency(lat)
	}
	steady := LossOnsetRequestsPerSec(s, ll)
	if math.IsInf(steady, 1) || steady <= 0 {
		return steady, nil
	}
	return bisectRate(steady, func(rate float64) (bool, error) {
		loss, err := lossAt(rate)
		return loss > threshold, err
	})
}

// meanLatency returns the weighted mean of lat.
func meanLatency(lat []LatencyPoint) time.Duration {
	sum, total := 0.0, 0.0
	for _, p := range lat {
		sum += p.Weight * p.Duration.Seconds()
		total += p.Weight
	}
	return seconds(sum / total)
}
