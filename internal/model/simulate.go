package model

import (
	"errors"
	"fmt"
	"github.com/otelbench/otelbench/internal/settings"
	"math"
	"math/rand/v2"
	"slices"
	"time"
)

// SimulatedRuns is how many runs RunOnsetBand simulates at each rate, as
// long as they export at most simulationBudget times in all (fewer, but at
// least minSimulatedRuns, for long runs of short exports).
const SimulatedRuns = 200

const (
	simulationBudget = 1_000_000
	minSimulatedRuns = 50
)

// SimulateRuns plays the processor of PredictRun runs times, each run
// drawing its own export durations from lat (l.ExportLatency alone when lat
// is empty) and its own splits of the timer race, and returns the share of
// spans each run dropped, in increasing order. PredictRun's DropFraction is
// their expectation; these show how far single runs stray from it: a rare
// slow export, or a few unlucky timer races in a row, make some runs lose
// while most do not. The same seed gives the same runs, and at two rates
// the same draws (common random numbers), so that the runs of a higher
// rate lose at least about as much.
func SimulateRuns(s settings.Batch, l Load, lat []LatencyPoint, d time.Duration, runs int, seed uint64) ([]float64, error) {
	if err := errors.Join(s.Validate(), l.Validate(), validateLatencies(lat)); err != nil {
		return nil, err
	}
	if d <= 0 {
		return nil, fmt.Errorf("run length %v: want a positive duration: %w", d, ErrInvalidLoad)
	}
	if runs <= 0 {
		return nil, fmt.Errorf("%d runs: want at least one: %w", runs, ErrInvalidLoad)
	}
	out := make([]float64, runs)
	lam := SpanRate(l)
	points := exportPoints(s, l, lat)
	if lam <= 0 || points == nil || s.Blocking {
		return out, nil
	}
	sim := newSimulation(s, lam, points)
	rng := rand.New(rand.NewPCG(seed, 0x6f74656c))
	if sim.certain() {
		// Nothing is left to chance: every run is the first.
		first := sim.run(d.Seconds(), rng)
		for i := range out {
			out[i] = first
		}
		return out, nil
	}
	for i := range out {
		out[i] = sim.run(d.Seconds(), rng)
	}
	slices.Sort(out)
	return out, nil
}

// certain reports whether every run is the same: one export duration, and
// no timer race.
func (sim *simulation) certain() bool {
	return len(sim.durations) == 1 && sim.durations[0] < sim.t
}

// simulation is one worker's state for SimulateRuns.
type simulation struct {
	q, m, t, lam float64
	durations    []float64 // export durations, seconds
	cumulative   []float64 // their cumulative probabilities
}

func newSimulation(s settings.Batch, lam float64, points []latencyPoint) *simulation {
	sim := &simulation{q: float64(s.QueueSize), m: float64(s.MaxExportBatchSize), t: s.BatchTimeout.Seconds(), lam: lam}
	total := 0.0
	for _, p := range points {
		total += p.p
		sim.durations = append(sim.durations, p.d)
		sim.cumulative = append(sim.cumulative, total)
	}
	return sim
}

// run plays one run of horizon seconds from an idle worker and returns the
// share of spans it dropped. Arrivals are a steady stream; an export that
// runs past the end counts up to the end.
func (sim *simulation) run(horizon float64, rng *rand.Rand) float64 {
	elapsed := math.Min(math.Min(sim.m/sim.lam, sim.t), horizon)
	offered, dropped, queue := sim.lam*elapsed, 0.0, 0.0
	for elapsed < horizon {
		i, _ := slices.BinarySearch(sim.cumulative, rng.Float64()*sim.cumulative[len(sim.cumulative)-1])
		d := sim.durations[min(i, len(sim.durations)-1)]
		inside := math.Min(d, horizon-elapsed)
		offered += sim.lam * inside
		dropped += math.Max(0, queue+sim.lam*inside-sim.q)
		held := math.Min(queue+sim.lam*d, sim.q)
		elapsed += d
		wait := sim.t - d // the timer restarted as the export began
		if d >= sim.t {
			// The timer fired during the export: the select takes j spans,
			// each with probability 1/2, before it picks the timer.
			top := math.Min(math.Floor(held), sim.m)
			j := 0.0
			for j < top && rng.Uint64()&1 == 1 {
				j++
			}
			if j > 0 {
				queue = held - j
				continue
			}
			wait = sim.t // an empty batch: the timer restarts
		}
		if held >= sim.m {
			queue = held - sim.m
			continue
		}
		fill := math.Min((sim.m-held)/sim.lam, wait)
		fill = math.Max(0, math.Min(fill, horizon-elapsed))
		offered += sim.lam * fill
		elapsed += fill
		queue = 0
	}
	if offered <= 0 {
		return 0
	}
	return dropped / offered
}

// OnsetBand is where a run of given length starts to lose, run to run: the
// request rates at which a tenth, half and nine tenths of the runs lose
// more than the threshold.
type OnsetBand struct {
	Low, Median, High float64
}

// RunOnsetBand returns the OnsetBand of runs of length d (see SimulateRuns)
// for a loss threshold (a share, e.g. 0.005). Each is +Inf when no rate up
// to 64 times the steady LossOnsetRequestsPerSec reaches it, or when no span
// reaches the processor.
func RunOnsetBand(s settings.Batch, l Load, lat []LatencyPoint, d time.Duration, threshold float64) (OnsetBand, error) {
	inf := math.Inf(1)
	if math.IsNaN(threshold) || threshold < 0 || threshold >= 1 {
		return OnsetBand{}, fmt.Errorf("loss threshold %v: want a share from 0 to 1: %w", threshold, ErrInvalidLoad)
	}
	l.Burst = Burst{}
	// share returns the share of runs at rate that lose more than
	// threshold; the three searches below share the rates they try.
	shares := map[float64]float64{}
	runs := SimulatedRuns
	share := func(rate float64) (float64, error) {
		if sh, ok := shares[rate]; ok {
			return sh, nil
		}
		ll := l
		ll.RequestsPerSec = rate
		drops, err := SimulateRuns(s, ll, lat, d, runs, 1)
		if err != nil {
			return 0, err
		}
		n := len(drops) - sortedAbove(drops, threshold)
		shares[rate] = float64(n) / float64(len(drops))
		return shares[rate], nil
	}
	if _, err := share(0); err != nil {
		return OnsetBand{}, err
	}
	if spansPerRequest(l) <= 0 || s.Blocking {
		return OnsetBand{inf, inf, inf}, nil
	}
	ll := l
	if len(lat) > 0 {
		ll.ExportLatency = meanLatency(lat)
	}
	if mean := exportSeconds(s, ll, float64(s.MaxExportBatchSize)); mean > 0 {
		runs = int(min(float64(SimulatedRuns), max(minSimulatedRuns, simulationBudget*mean/d.Seconds())))
	}
	steady := LossOnsetRequestsPerSec(s, ll)
	if math.IsInf(steady, 1) || steady <= 0 {
		return OnsetBand{steady, steady, steady}, nil
	}
	var band OnsetBand
	for _, b := range []struct {
		share float64
		into  *float64
	}{{0.1, &band.Low}, {0.5, &band.Median}, {0.9, &band.High}} {
		rate, err := bisectRate(steady, func(r float64) (bool, error) {
			sh, err := share(r)
			return sh >= b.share, err
		})
		if err != nil {
			return OnsetBand{}, err
		}
		*b.into = rate
	}
	return band, nil
}

// sortedAbove returns the index of the first value of sorted xs above x.
func sortedAbove(xs []float64, x float64) int {
	i, _ := slices.BinarySearchFunc(xs, x, func(v, t float64) int {
		if v <= t {
			return -1
		}
		return 1
	})
	return i
}

// bisectRate returns the lowest rate, to 0.5%, at which lossy holds,
// searching up from start (doubling up to 64 times start): +Inf when it
// never does.
func bisectRate(start float64, lossy func(rate float64) (bool, error)) (float64, error) {
	lo, hi := 0.0, start
	for {
		ok, err := lossy(hi)
		if err != nil {
			return 0, err
		}
		if ok {
			break
		}
		lo, hi = hi, 2*hi
		if hi > 64*start {
			return math.Inf(1), nil
		}
	}
	for hi-lo > 5e-3*hi {
		mid := (lo + hi) / 2
		ok, err := lossy(mid)
		if err != nil {
			return 0, err
		}
		if ok {
			hi = mid
		} else {
			lo = mid
		}
	}
	return (lo + hi) / 2, nil
}
