package tune

import (
	"cmp"
	"errors"
	"fmt"
	"github.com/otelbench/otelbench/internal/settings"
	"math"
	"slices"
	"time"

	"github.com/otelbench/otelbench/internal/model"
	"github.com/otelbench/otelbench/internal/profile"
)

// Candidate is one set of batch processor settings worth measuring, with
// what the model predicts for it.
type Candidate struct {
	Name     string         `json:"name"`
	Settings settings.Batch `json:"settings"`
	// Why says where the settings come from, with the model's numbers.
	Why string `json:"why"`
	// Predicted is the model's view at the peak load.
	Predicted model.Prediction `json:"predicted"`
}

// Headroom is the utilisation (span rate over the worker's ceiling) the
// plan aims for at the peak: half, so that a collector twice as slow as
// stated still keeps up.
const Headroom = 0.5

// batchSizes are the batch sizes the plan considers, from the SDK's
// default up.
var batchSizes = []int{512, 1024, 2048, 4096}

// Load returns the model's view of s's load at the peak.
func (s Spec) Load(spansPerRequest int) model.Load {
	l := model.Load{
		RequestsPerSec:  float64(s.PeakRate),
		SpansPerRequest: float64(spansPerRequest),
		SampledShare:    s.SampleRatio,
		ExportLatency:   s.modelLatency(),
	}
	if b := s.Burst; b != nil {
		l.Burst = model.Burst{PeakRequestsPerSec: float64(s.PeakRate) * b.Factor, Length: b.Length.D()}
	}
	return l
}

// modelLatency is the latency the plan sizes for: the p99 when given, so
// that the slow exports do not fill the queue.
func (s Spec) modelLatency() time.Duration {
	return max(s.Latency, s.LatencyP99)
}

// Plan narrows the settings to the few candidates worth measuring: the
// SDK's defaults (as a reference, whatever the model says of them), the
// smallest settings the model says keep up with headroom, and those with
// twice the queue. It never proposes a zero queue, a zero batch timeout or
// a batch timeout that an export outlasts (model.TimerRaces), and it keeps
// the queue's memory within the budget.
func Plan(s Spec, spansPerRequest int) ([]Candidate, error) {
	l := s.Load(spansPerRequest)
	if err := l.Validate(); err != nil {
		return nil, err
	}
	def := settings.DefaultBatch()
	cands := []Candidate{{Name: "defaults", Settings: def, Why: "the SDK's defaults, measured as the reference"}}
	cands[0].Predicted, _ = model.Predict(def, l)

	need, err := model.MinBatchSizeFor(model.PeakSpanRate(l), l.ExportLatency, l.PerSpanExportCost, Headroom)
	if err != nil {
		return nil, fmt.Errorf("no batch size keeps up: %w", err)
	}
	var best *Candidate
	for _, m := range batchSizes {
		if m < need {
			continue
		}
		st := settings.Batch{MaxExportBatchSize: m, BatchTimeout: def.BatchTimeout, ExportTimeout: def.ExportTimeout}
		// Keep the timer away from the export: a batch timeout an export
		// outlasts halves the ceiling.
		if full := l.ExportLatency; full*2 > st.BatchTimeout {
			st.BatchTimeout = (2 * full).Round(time.Millisecond)
		}
		q, err := model.MinQueueFor(st, l)
		if err != nil {
			continue
		}
		// Twice what the burst needs, and never below the default.
		st.QueueSize = max(def.QueueSize, roundUp(2*q, 256))
		p, err := model.Predict(st, l)
		if err != nil || p.Loses || p.TimerRaces {
			continue
		}
		c := Candidate{Name: fmt.Sprintf("q%d-b%d", st.QueueSize, m), Settings: st, Predicted: p,
			Why: fmt.Sprintf("batch %d: ceiling %.0f spans/s at %v per export against a peak of %.0f (utilisation %.2f); queue %d = 2 × the %d a burst needs",
				m, p.Ceiling, l.ExportLatency, model.PeakSpanRate(l), model.PeakSpanRate(l)/p.Ceiling, st.QueueSize, q)}
		best = &c
		break
	}
	if best == nil {
		return nil, fmt.Errorf("no batch size up to %d keeps %.0f spans/s below half the ceiling at %v per export: %w",
			batchSizes[len(batchSizes)-1], model.PeakSpanRate(l), l.ExportLatency, model.ErrNoSolution)
	}
	double := *best
	double.Settings.QueueSize *= 2
	double.Name = fmt.Sprintf("q%d-b%d", double.Settings.QueueSize, double.Settings.MaxExportBatchSize)
	double.Predicted, _ = model.Predict(double.Settings, l)
	if best.Settings == def {
		// The model finds the defaults enough: measure them and the same
		// with twice the queue.
		cands[0].Why = "the SDK's defaults, which the model says keep up: " + best.Why
		double.Why = "the defaults with twice the queue: room for a collector slower than stated"
		cands = append(cands, double)
	} else {
		double.Why = "the same with twice the queue: room for a collector slower than stated"
		cands = append(cands, *best, double)
	}

	if s.Budget.MemoryMiB > 0 {
		cands = slices.DeleteFunc(cands, func(c Candidate) bool {
			return c.Name != "defaults" && float64(queueBytes(c.Settings))/(1<<20) > s.Budget.MemoryMiB
		})
		if len(cands) == 1 {
			return nil, fmt.Errorf("a queue of %d spans needs %.1f MiB, above the memory budget of %.1f MiB: relax -budget-mem or the burst",
				best.Settings.QueueSize, float64(queueBytes(best.Settings))/(1<<20), s.Budget.MemoryMiB)
		}
	}
	for _, c := range cands {
		if err := c.Settings.Validate(); err != nil {
			return nil, errors.Join(fmt.Errorf("plan made invalid settings %s", c.Name), err)
		}
	}
	return slices.CompactFunc(cands, func(a, b Candidate) bool { return a.Settings == b.Settings }), nil
}

// queueBytes is what a full queue holds, by the model's measured bytes per
// span.
func queueBytes(s settings.Batch) int64 {
	return model.MemoryOf(s, model.BytesPerQueuedSpan).Held
}

func roundUp(n, to int) int {
	return int(math.Ceil(float64(n)/float64(to))) * to
}

// Variant returns the profile variant of settings st.
func Variant(name string, st settings.Batch, sampleRatio float64) profile.Variant {
	q, m := st.QueueSize, st.MaxExportBatchSize
	bt, et := profile.Duration(st.BatchTimeout), profile.Duration(st.ExportTimeout)
	v := profile.Variant{Name: name, Kind: profile.KindBatch, QueueSize: &q, MaxExportBatchSize: &m, BatchTimeout: &bt, ExportTimeout: &et, Blocking: st.Blocking}
	if sampleRatio < 1 {
		v.Kind, v.SampleRatio = profile.KindSampled, &sampleRatio
	}
	return v
}

// byQueue orders candidates by queue size, the memory they hold.
func byQueue(a, b Candidate) int { return cmp.Compare(a.Settings.QueueSize, b.Settings.QueueSize) }
