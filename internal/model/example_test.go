package model_test

import (
	"fmt"
	"github.com/otelbench/otelbench/internal/settings"
	"time"

	"github.com/otelbench/otelbench/internal/model"
)

// A service on the SDK defaults sends 3 000 requests/s of 3 spans to a
// collector that takes 100 ms per export.
func ExamplePredict() {
	l := model.Load{
		RequestsPerSec:  3000,
		SpansPerRequest: 3,
		SampledShare:    1,
		ExportLatency:   100 * time.Millisecond,
	}
	p, err := model.Predict(settings.DefaultBatch(), l)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("ceiling %.0f spans/s, utilisation %.2f, regime %v\n", p.Ceiling, p.Utilisation, p.Regime)
	fmt.Printf("loses %.1f%% of spans; loss starts at %.0f requests/s\n", 100*p.LossFraction, p.LossOnsetRequestsPerSec)
	fmt.Printf("first drop %v after the overload starts\n", p.Burst.Absorb.Round(time.Millisecond))
	fmt.Printf("a span that gets in is exported within %v\n", p.Staleness.WorstToDone)
	fmt.Printf("a full queue holds %.1f MB\n", float64(p.Memory.Queue)/1e6)
	// Output:
	// ceiling 5120 spans/s, utilisation 1.76, regime saturated
	// loses 43.1% of spans; loss starts at 1707 requests/s
	// first drop 398ms after the overload starts
	// a span that gets in is exported within 500ms
	// a full queue holds 2.5 MB
}

// The same collector under the SDK defaults, with a 1 s burst to 12 000
// spans/s on top of a steady 1 000.
func ExamplePredict_burst() {
	l := model.Load{
		RequestsPerSec:  1000,
		SpansPerRequest: 1,
		SampledShare:    1,
		ExportLatency:   100 * time.Millisecond,
		Burst:           model.Burst{PeakRequestsPerSec: 12000, Length: time.Second},
	}
	p, _ := model.Predict(settings.DefaultBatch(), l)
	fmt.Printf("steady: loses %v\n", p.Loses)
	fmt.Printf("burst: absorbed for %v, then %.0f spans dropped (%.0f%%)\n",
		p.Burst.Absorb, p.Burst.Dropped, 100*p.Burst.DropFraction)
	// Output:
	// steady: loses false
	// burst: absorbed for 256ms, then 5119 spans dropped (43%)
}

// Export latency at least the batch timeout halves the ceiling: the timer
// fires during every export and splits the next batch at random.
func ExampleTimerRaces() {
	s := settings.DefaultBatch()
	s.BatchTimeout = 10 * time.Millisecond
	l := model.Load{ExportLatency: 20 * time.Millisecond}
	fmt.Println(model.TimerRaces(s, l))
	fmt.Printf("%.0f spans/s, not %.0f\n", model.Ceiling(s, l), 512/0.020)
	// Output:
	// true
	// 12850 spans/s, not 25600
}

// The smallest batch that keeps the worker at most 80% busy with 9 000
// spans/s and a 100 ms collector.
func ExampleMinBatchSizeFor() {
	m, err := model.MinBatchSizeFor(9000, 100*time.Millisecond, 0, 0.8)
	fmt.Println(m, err)
	// Output:
	// 1125 <nil>
}

// The smallest queue that takes a 1 s burst to 10 000 spans/s without a
// drop, with batches of 512 and a 100 ms collector (ceiling 5 120 spans/s).
func ExampleMinQueueFor() {
	s := settings.DefaultBatch() // batch 512; the queue size is ignored
	l := model.Load{
		RequestsPerSec:  1000,
		SpansPerRequest: 1,
		SampledShare:    1,
		ExportLatency:   100 * time.Millisecond,
		Burst:           model.Burst{PeakRequestsPerSec: 10000, Length: time.Second},
	}
	q, err := model.MinQueueFor(s, l)
	fmt.Println(q, err)
	// Output:
	// 5392 <nil>
}

// The longest batch timeout that gets every span to a 100 ms collector
// within 2 s of its end.
func ExampleMaxBatchTimeoutFor() {
	l := model.Load{RequestsPerSec: 100, SpansPerRequest: 2, SampledShare: 1, ExportLatency: 100 * time.Millisecond}
	t, err := model.MaxBatchTimeoutFor(settings.DefaultBatch(), l, 2*time.Second)
	fmt.Println(t, err)
	// Output:
	// 1.9s <nil>
}

// A zero batch timeout is refused, with the reason.
func Example_validate() {
	s := settings.DefaultBatch()
	s.BatchTimeout = 0
	fmt.Println(s.Validate())
	// Output:
	// batch timeout 0s: the timer fires at once and is re-armed with the same delay at every export, so the worker spins a whole core: invalid span processor settings
}

// A worker exporting batches of 64 to a collector that answers in 22 ms,
// with a 10 ms batch timeout: the timer fires during every export. Over a
// 4 s run from idle, the steady ceiling says nothing is lost at 1 200
// spans/s, but the exports of a few spans that the timer race makes let
// the queue of 256 grow, and loss starts lower: at a rate that varies from
// run to run with the race's luck.
func ExamplePredictRun() {
	s := settings.Batch{QueueSize: 256, MaxExportBatchSize: 64, BatchTimeout: 10 * time.Millisecond, ExportTimeout: 30 * time.Second}
	l := model.Load{RequestsPerSec: 400, SpansPerRequest: 3, SampledShare: 1, ExportLatency: 22 * time.Millisecond}
	p, err := model.Predict(s, l)
	if err != nil {
		fmt.Println(err)
		return
	}
	r, err := model.PredictRun(s, l, nil, 4*time.Second)
	if err != nil {
		fmt.Println(err)
		return
	}
	onset, err := model.RunOnsetRequestsPerSec(s, l, nil, 4*time.Second, 0.005)
	if err != nil {
		fmt.Println(err)
		return
	}
	band, err := model.RunOnsetBand(s, l, nil, 4*time.Second, 0.005)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("steady: ceiling %.0f spans/s, loss %.1f%%, onset %.0f requests/s\n", p.Ceiling, 100*p.LossFraction, p.LossOnsetRequestsPerSec)
	fmt.Printf("4 s run: %.0f of %.0f spans dropped (%.1f%%); 0.5%% lost from %.0f requests/s\n", r.Dropped, r.Offered, 100*r.DropFraction, onset)
	fmt.Printf("half the runs lose 0.5%% from %.0f requests/s, a tenth from %.0f, nine tenths from %.0f\n", band.Median, band.Low, band.High)
	// Output:
	// steady: ceiling 1500 spans/s, loss 0.0%, onset 500 requests/s
	// 4 s run: 26 of 4800 spans dropped (0.5%); 0.5% lost from 397 requests/s
	// half the runs lose 0.5% from 435 requests/s, a tenth from 364, nine tenths from 501
}
