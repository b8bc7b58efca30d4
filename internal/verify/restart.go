package verify

import (
	"fmt"
	"strings"

	"github.com/otelbench/otelbench/internal/sink"
)

// RestartRun is one run of the graceful-restart check: a fresh service
// under load, stopped by a signal, and what became of the spans it ended.
type RestartRun struct {
	// Name says how the service was stopped, e.g. "SIGTERM with flush".
	Name string
	// ExpectLoss is true for the runs that show what a lost flush costs
	// (no flush, SIGKILL): there a loss is expected, not a failure.
	ExpectLoss bool
	// Answered is how many requests were answered 2xx before the exit.
	Answered int
	// Ended is how many spans the service ended; EndedFrom says how that
	// is known (its final metrics, its /metrics just before SIGKILL, or an
	// estimate from the requests answered).
	Ended     int64
	EndedFrom string
	// Received is how many of the service's spans reached the sink.
	Received int64
	// Missing lists answered requests whose server span never arrived in
	// their trace: evidence of a loss, named by trace id.
	Missing []Request
	// Err is set when the run could not be made; the run then fails.
	Err string
	// Language is the telemetry.sdk.language of the spans received, for
	// the advice on flushing ("" when none said).
	Language string
}

// Lost returns how many ended spans never arrived (never negative).
func (r RestartRun) Lost() int64 {
	return max(r.Ended-r.Received, 0)
}

// Restart checks claim 8: in each run that expects no loss, every span the
// service ended before it exited reached the sink (Received is at least
// Ended); the runs that expect a loss only report it. Missing requests
// only serve as evidence: a service that ignores the traceparent records
// its spans in other traces.
func Restart(runs []RestartRun) Check {
	c := Check{Name: CheckRestart}
	if len(runs) == 0 {
		c.Status = StatusNA
		c.Summary = "no restart run"
		return c
	}
	c.Status = StatusPass
	var parts []string
	for _, r := range runs {
		if r.Err != "" {
			c.Status = StatusFail
			parts = append(parts, fmt.Sprintf("%s: could not run", r.Name))
			c.Evidence = append(c.Evidence, fmt.Sprintf("%s: %s", r.Name, r.Err))
			continue
		}
		lost := r.Lost()
		part := fmt.Sprintf("%s: %d of %d ended spans lost", r.Name, lost, r.Ended)
		switch {
		case !r.ExpectLoss && lost > 0:
			c.Status = StatusFail
			part += " (want 0)"
			c.Evidence = append(c.Evidence, restartEvidence(r)...)
		case r.ExpectLoss && lost > 0:
			part += " (expected)"
		case r.ExpectLoss:
			part += " (no loss, though one was expected: were the spans exported before the signal?)"
		}
		parts = append(parts, part)
	}
	c.Summary = strings.Join(parts, "; ")
	return c
}

// restartEvidence explains a loss that was not expected.
func restartEvidence(r RestartRun) []string {
	out := []string{fmt.Sprintf("%s: %d requests answered, %d spans ended (%s), %d received: spans still queued at the signal were never exported; %s",
		r.Name, r.Answered, r.Ended, r.EndedFrom, r.Received, fix(fixFlush, r.Language))}
	f := findings{what: "answered requests whose server span never arrived"}
	for _, q := range r.Missing {
		f.add("%s, answered %d", q, q.Status)
	}
	return append(out, f.evidence()...)
}

// missingServers returns the answered requests, each with a traceparent,
// that have no server span among spans.
func missingServers(reqs []Request, spans []sink.Span) []Request {
	ix := newSpanIndex(spans)
	var out []Request
	for _, r := range reqs {
		if r.Answered() && r.HasTraceparent() && r.Status < 300 && len(ix.servers(r.TraceID)) == 0 {
			out = append(out, r)
		}
	}
	return out
}
