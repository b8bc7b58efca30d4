package model

import (
	"github.com/otelbench/otelbench/internal/settings"
	"math"
	"time"
)

// BurstPrediction describes what a burst (Load.Burst, or the steady rate when
// there is none) does to the queue.
type BurstPrediction struct {
	// PeakSpanRate is the span rate during the burst.
	PeakSpanRate float64
	// Absorb is how long the peak can last before the first span is dropped
	// (or, with Blocking, before OnEnd first waits), when it starts at the
	// worst moment: as an export begins, with an empty queue. Forever when
	// the peak does not exceed the Ceiling.
	Absorb time.Duration
	// AbsorbFromIdle is the same when the burst finds the worker idle with
	// an empty batch: MaxExportBatchSize spans later than Absorb.
	AbsorbFromIdle time.Duration
	// Dropped is the number of spans dropped during a burst of Load.Burst.Length
	// (worst moment); 0 with Blocking, and 0 when the length is zero (unknown).
	Dropped float64
	// DropFraction is Dropped as a share of the burst's spans, or for a burst
	// without end the steady share 1 − μ/peak.
	DropFraction float64
	// MaxBlock is, with Blocking, how long OnEnd waits at the end of the
	// burst: the spans in excess of what the queue absorbs, divided by the
	// Ceiling. Forever for a burst without end; 0 without Blocking.
	MaxBlock time.Duration
}

// AbsorbedSpans returns how many spans arriving at peak spans/s a processor
// holding maxBatch-span batches takes in before it first drops one, when the
// burst starts as an export of exportSeconds begins and the queue is empty,
// and the ceiling is maxBatch/exportSeconds. Each export lets peak ×
// exportSeconds spans into the queue and then removes maxBatch, so the queue
// grows by g = peak × exportSeconds − maxBatch per export but, within one,
// peaks peak × exportSeconds above where it started. The first drop comes in
// export n*, the smallest n ≥ 0 with n × g + peak × exportSeconds > queue, after
// queue + n* × maxBatch spans. It returns +Inf when peak does not exceed the
// ceiling (g ≤ 0).
func AbsorbedSpans(queue int, maxBatch, exportSeconds, peak float64) float64 {
	inOneExport := peak * exportSeconds
	g := inOneExport - maxBatch
	if g <= 0 || peak <= 0 {
		return math.Inf(1)
	}
	q := float64(queue)
	n := 0.0
	if inOneExport <= q {
		n = math.Floor((q-inOneExport)/g) + 1
	}
	return q + n*maxBatch
}

// PeakQueue returns the most spans the queue holds during a burst of peak
// spans/s lasting length seconds that starts as an export of exportSeconds
// begins with an empty queue, the worker removing maxBatch spans after each
// export: after n whole exports and τ seconds into the next, the queue holds
// n × (peak × exportSeconds − maxBatch) + peak × τ, highest just before a
// removal or at the end. A queue of at least this size never drops. It
// assumes a saturating peak (above maxBatch/exportSeconds); below it, each
// export's arrivals fit in one batch and the answer is at most maxBatch.
func PeakQueue(maxBatch, exportSeconds, peak, length float64) float64 {
	if peak <= 0 || length <= 0 {
		return 0
	}
	inOneExport := peak * exportSeconds
	if exportSeconds <= 0 {
		return 0
	}
	if inOneExport <= maxBatch { // each export's arrivals leave in the next batch
		return math.Min(inOneExport, peak*length)
	}
	g := inOneExport - maxBatch
	n := math.Floor(length / exportSeconds)
	tau := length - n*exportSeconds
	peakQ := n*g + peak*tau // at the end of the burst
	if n >= 1 {
		peakQ = math.Max(peakQ, (n-1)*g+inOneExport) // just before the last removal
	}
	return peakQ
}

// burstAt predicts the burst of l (or its steady rate) for settings s.
func burstAt(s settings.Batch, l Load) BurstPrediction {
	peak := PeakSpanRate(l)
	b := BurstPrediction{PeakSpanRate: peak, Absorb: Forever, AbsorbFromIdle: Forever}
	mu := Ceiling(s, l)
	if peak <= mu || peak <= 0 {
		return b
	}
	batch, d := saturatedBatch(s, l)
	absorbed := AbsorbedSpans(s.QueueSize, batch, d, peak)
	absorb := absorbed / peak
	b.Absorb = seconds(absorb)
	b.AbsorbFromIdle = seconds((absorbed + float64(s.MaxExportBatchSize)) / peak)
	length := l.Burst.Length.Seconds()
	if l.Burst.PeakRequestsPerSec <= 0 || length <= 0 {
		// The peak does not end: the steady state.
		if s.Blocking {
			b.MaxBlock = Forever
		} else {
			b.DropFraction = 1 - mu/peak
		}
		return b
	}
	excess := (peak - mu) * math.Max(0, length-absorb)
	if s.Blocking {
		b.MaxBlock = seconds(excess / mu)
		return b
	}
	b.Dropped = excess
	b.DropFraction = excess / (peak * length)
	return b
}
