package shard

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/otelbench/otelbench/internal/results"
)

// Run is one shard's attack: it waits for o.StartAt, warms up when
// o.Warmup is set, then attacks for o.Duration and writes every measured
// result to out in vegeta's gob encoding, in the order they complete, each
// with its Seq in the whole cell's schedule (Pacer). It returns the
// shard's record. When ctx ends, the attack stops: the record says
// Interrupted, and the results written until then are whole. The error is
// one of validating o or of writing the results.
func Run(ctx context.Context, o Options, out io.Writer) (results.Shard, error) {
	if err := o.Validate(); err != nil {
		return results.Shard{}, err
	}
	rec := results.Shard{
		Schema: results.ShardSchema, Index: o.Shard, Of: o.Shards,
		Run: o.Run, Cell: o.Cell, Host: o.Host, URL: o.URL,
		FirstItem: max(o.FirstItem, 1), TracePrefix: o.TracePrefix,
		RequestedRate: o.Rate, StartAt: o.StartAt.UTC(), CPUs: usableCPUs(),
	}
	var next atomic.Uint64 // this shard's requests so far, warm-up included
	tr := o.targeter(&next)
	pacer := Pacer{Total: o.Rate * float64(o.Shards), Burst: o.Burst, Shard: o.Shard, Shards: o.Shards, Duration: o.Duration}
	measuredAt := o.StartAt
	if o.Warmup > 0 {
		if !sleepUntil(ctx, o.StartAt) {
			rec.Interrupted = true
			return rec, nil
		}
		warm := Pacer{Total: pacer.Total, Shard: o.Shard, Shards: o.Shards, Duration: o.Warmup}
		o.attack(ctx, tr, warm, o.Warmup, "warmup", func(*vegeta.Result) { rec.WarmupRequests++ })
		measuredAt = o.StartAt.Add(o.Warmup)
		rec.StartAt = measuredAt.UTC()
	}
	if !sleepUntil(ctx, measuredAt) {
		rec.Interrupted = true
		return rec, nil
	}
	bw := bufio.NewWriterSize(out, 256*1024)
	enc := vegeta.NewEncoder(bw)
	var m vegeta.Metrics
	var encErr error
	cpu0 := selfCPU()
	started := time.Now()
	rec.Started = started.UTC()
	rec.Skew = started.Round(0).Sub(measuredAt.Round(0)) // wall clock against wall clock
	pacer.Late = max(rec.Skew, 0)
	o.attack(ctx, tr, pacer, o.Duration, "measure", func(res *vegeta.Result) {
		res.Seq = pacer.global(res.Seq)
		m.Add(res)
		if res.Code >= 200 && res.Code < 400 { // vegeta's own definition of success
			rec.Successes++
		}
		if encErr == nil {
			encErr = enc.Encode(res)
		}
	})
	if err := bw.Flush(); err != nil && encErr == nil {
		encErr = err
	}
	rec.CPU = selfCPU() - cpu0
	rec.Ended = time.Now().UTC()
	m.Close()
	rec.AchievedRate, rec.Requests, rec.Duration = m.Rate, m.Requests, m.Duration
	rec.Interrupted = ctx.Err() != nil
	return rec, encErr
}

// attack runs one attack with a new Attacker (one cannot be reused) and
// passes each result to each, on this goroutine, until the attack is over
// or ctx ends.
func (o Options) attack(ctx context.Context, tr vegeta.Targeter, p vegeta.Pacer, du time.Duration, name string, each func(*vegeta.Result)) {
	timeout, workers := o.Timeout, o.MaxWorkers
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	if workers == 0 {
		workers = DefaultMaxWorkers
	}
	atk := vegeta.NewAttacker(
		vegeta.Timeout(timeout),
		vegeta.MaxWorkers(uint64(workers)),
		vegeta.MaxBody(0),
		vegeta.KeepAlive(true),
	)
	stop := context.AfterFunc(ctx, func() { atk.Stop() })
	defer stop()
	for res := range atk.Attack(tr, p, du, name) {
		each(res)
	}
}

// targeter returns a vegeta Targeter, safe for concurrent use, that asks
// for the shard's next item, numbered from next.
func (o Options) targeter(next *atomic.Uint64) vegeta.Targeter {
	return func(t *vegeta.Target) error {
		n := o.item(next.Add(1) - 1)
		t.Method = http.MethodGet
		t.URL = o.urlFor(n)
		h := make(http.Header, 1) // fresh per request: vegeta may reuse targets
		if o.Traceparent != nil {
			h["Traceparent"] = []string{o.Traceparent(n)}
		}
		t.Header = h
		return nil
	}
}

// sleepUntil waits until t by the wall clock, and reports false when ctx
// ended first.
func sleepUntil(ctx context.Context, t time.Time) bool {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err() == nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		return false
	}
}
