package verify

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/otelbench/otelbench/internal/wire"
	"github.com/otelbench/otelbench/targets"
)

const (
	// restartRate is the load, in requests per second, under which the
	// service is stopped.
	restartRate = 200
	// restartBefore is how long the load runs before the signal: about
	// 100 requests, few enough spans (with two or three per request) that
	// the batch processor, which exports at 512, still holds them all.
	restartBefore = 500 * time.Millisecond
	// restartLoadLimit bounds the whole load of a run.
	restartLoadLimit = 30 * time.Second
	// restartQuiet is how long the sink must stay quiet after the service
	// has gone: nothing can come from a process that has exited but the
	// last answers in flight.
	restartQuiet = 300 * time.Millisecond
)

// stopMode is how a restart run stops the service.
type stopMode int

const (
	// stopGraceful sends SIGTERM to a service that flushes (the bundled
	// target in its -mistake, or the user's service as it is).
	stopGraceful stopMode = iota
	// stopNoFlush sends SIGTERM to the bundled target built with
	// -mistake no-flush.
	stopNoFlush
	// stopKill sends SIGKILL.
	stopKill
)

// runRestart makes the restart runs: for the bundled target with flush,
// without it, and SIGKILL; for a user's service one SIGTERM.
func (v *verifier) runRestart(ctx context.Context) Check {
	var runs []RestartRun
	if v.opts.user() {
		runs = append(runs, v.restartRun(ctx, "SIGTERM under load", stopGraceful))
	} else {
		runs = append(runs,
			v.restartRun(ctx, "SIGTERM (target flushes)", stopGraceful),
			v.restartRun(ctx, "SIGTERM with -mistake no-flush", stopNoFlush),
			v.restartRun(ctx, "SIGKILL", stopKill),
		)
		if v.opts.Mistake == string(targets.MistakeNoFlush) {
			runs[0].Name = "SIGTERM (-mistake no-flush)"
		}
	}
	return Restart(runs)
}

// restartRun starts a fresh service whose batch processor waits a minute
// between exports, loads it, stops it as mode says, and counts the spans it
// ended against those that arrived.
func (v *verifier) restartRun(ctx context.Context, name string, mode stopMode) RestartRun {
	run := RestartRun{Name: name, ExpectLoss: mode != stopGraceful}
	v.sink.TakeSpans()
	mistake, final := v.opts.Mistake, ""
	if !v.opts.user() {
		if mode == stopNoFlush {
			mistake = string(targets.MistakeNoFlush)
		}
		if mode != stopKill {
			final = filepath.Join(v.tmpDir, fmt.Sprintf("restart-%d.prom", mode))
		}
	}
	svc, tmpl, err := v.startService(ctx, true, mistake, final)
	if err != nil {
		run.Err = err.Error()
		return run
	}
	defer svc.kill()

	ld := startLoad(tmpl, restartRate)
	sleep(ctx, restartBefore)
	var reqs []Request
	switch mode {
	case stopKill:
		reqs = ld.stop()
		ended, err := scrapeSpansEnded(ctx, "http://"+svc.addr+"/metrics")
		if err != nil {
			run.Err = err.Error()
			return run
		}
		run.Ended, run.EndedFrom = ended, "its /metrics just before SIGKILL"
		svc.kill()
	default:
		gone := svc.stop(stopLimit)
		reqs = ld.stop()
		if !gone {
			run.Err = fmt.Sprintf("the service did not exit within %v of SIGTERM%s", stopLimit, svc.tail())
			return run
		}
	}
	settle(ctx, v.sink, 0, restartQuiet, restartQuiet+2*time.Second)
	spans := v.sink.TakeSpans().Spans

	for _, r := range reqs {
		if r.Status >= 200 && r.Status < 300 {
			run.Answered++
		}
	}
	run.Received = int64(len(spans))
	run.Language = languageOf(spans)
	if run.Language == "" {
		run.Language = v.language
	}
	run.Missing = missingServers(reqs, spans)
	switch {
	case mode == stopKill:
	case v.opts.user():
		per := max(v.spansPerRequest, 1)
		run.Ended = int64(run.Answered * per)
		run.EndedFrom = fmt.Sprintf("estimated: %d answered × %d spans per request seen earlier", run.Answered, per)
		if v.spansPerRequest == 0 {
			run.EndedFrom = fmt.Sprintf("estimated: at least one span for each of %d answered requests", run.Answered)
		}
	default:
		ended, err := spansEndedFromFile(final)
		if err != nil {
			run.Err = err.Error()
			return run
		}
		run.Ended, run.EndedFrom = ended, "its final metrics"
	}
	v.logf("restart %s: %d requests answered, %d spans ended, %d received", name, run.Answered, run.Ended, run.Received)
	return run
}

// load is a vegeta attack at a constant rate, each request with a fresh
// sampled traceparent, remembered by URL so its answer can be matched.
type load struct {
	atk  *vegeta.Attacker
	tr   *http.Transport
	done chan struct{}

	mu    sync.Mutex
	byURL map[string]*Request
	order []*Request
}

// startLoad starts attacking the URL template at rate requests per second
// until stop (or restartLoadLimit).
func startLoad(tmpl string, rate int) *load {
	tr := &http.Transport{MaxIdleConnsPerHost: 16, DisableCompression: true}
	l := &load{
		atk:   vegeta.NewAttacker(vegeta.Client(&http.Client{Transport: tr, Timeout: 5 * time.Second}), vegeta.MaxBody(0)),
		tr:    tr,
		done:  make(chan struct{}),
		byURL: map[string]*Request{},
	}
	var next atomic.Int64
	next.Store(idsRestart - 1)
	targeter := func(t *vegeta.Target) error {
		r := sampledRequest(expand(tmpl, strconv.FormatInt(next.Add(1), 10)))
		l.mu.Lock()
		l.byURL[r.URL] = &r
		l.order = append(l.order, &r)
		l.mu.Unlock()
		t.Method = http.MethodGet
		t.URL = r.URL
		t.Header = r.header() // fresh per request
		return nil
	}
	results := l.atk.Attack(targeter, vegeta.ConstantPacer{Freq: rate, Per: time.Second}, restartLoadLimit, "otelbench-verify")
	go func() {
		defer close(l.done)
		for res := range results {
			l.mu.Lock()
			if r := l.byURL[res.URL]; r != nil {
				r.Status = int(res.Code)
				if res.Code == 0 {
					r.Err = res.Error
				}
			}
			l.mu.Unlock()
		}
	}()
	return l
}

// stop ends the attack, waits for its last answers and returns every
// request made, in order.
func (l *load) stop() []Request {
	l.atk.Stop()
	<-l.done
	l.tr.CloseIdleConnections()
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]Request, len(l.order))
	for i, r := range l.order {
		out[i] = *r
	}
	return out
}

// scrapeSpansEnded reads the target's spans-ended counter from its
// /metrics.
func scrapeSpansEnded(ctx context.Context, url string) (int64, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	resp, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Do(req)
	if err != nil {
		return 0, fmt.Errorf("scraping %s: %w", url, err)
	}
	defer resp.Body.Close()
	n, err := spansEnded(bufio.NewScanner(resp.Body))
	if err != nil {
		return 0, fmt.Errorf("scraping %s: %w", url, err)
	}
	return n, nil
}

// spansEndedFromFile reads the spans-ended counter from a final metrics
// file.
func spansEndedFromFile(path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("reading the target's final metrics: %w", err)
	}
	defer f.Close()
	n, err := spansEnded(bufio.NewScanner(f))
	if err != nil {
		return 0, fmt.Errorf("reading %s: %w", path, err)
	}
	return n, nil
}

// spansEnded finds the value of wire.MetricSpansEnded in the Prometheus
// text format.
func spansEnded(sc *bufio.Scanner) (int64, error) {
	prefix := wire.MetricSpansEnded + " "
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), prefix); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				return 0, fmt.Errorf("%s: value %q: %w", wire.MetricSpansEnded, v, err)
			}
			return int64(f), nil
		}
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("no %s line", wire.MetricSpansEnded)
}
