package profile

import (
	"fmt"
	"slices"
	"strings"
	"time"

	yaml "go.yaml.in/yaml/v3"
)

// Limits on the sink's fault keys.
const (
	maxSpikeLen   = time.Minute
	maxRetryAfter = time.Minute
	maxCapRate    = 100_000_000
	maxWindows    = 100 // per list: outages, black_holes
)

// The keys of the sink block and of its fault sub-blocks, in the order they
// are documented.
var (
	latencyKeys = []string{"p50", "p99"}
	spikeKeys   = []string{"probability", "length"}
	errorKeys   = []string{"rate", "code", "retry_after"}
	windowKeys  = []string{"from", "to"}
)

// ErrorCodes are the gRPC status codes the sink can answer an export
// with, as a profile writes them in sink.errors.code.
var ErrorCodes = []string{"UNAVAILABLE", "RESOURCE_EXHAUSTED", "INTERNAL"}

// LatencyDist is a lognormal export latency given its median and 99th
// percentile.
type LatencyDist struct {
	P50 Duration `json:"p50"`
	P99 Duration `json:"p99"`
}

// Spikes are occasional extra latency on an export.
type Spikes struct {
	// Probability is the chance, in [0, 1], that an export is a spike.
	Probability float64 `json:"probability"`
	// Length is the latency a spike adds.
	Length Duration `json:"length"`
}

// Errors answers a fraction of exports with a gRPC error.
type Errors struct {
	// Rate is the fraction of exports, in (0, 1], answered with Code.
	Rate float64 `json:"rate"`
	// Code is one of ErrorCodes.
	Code string `json:"code"`
	// RetryAfter, when set, attaches a RetryInfo with this delay (not
	// with INTERNAL): the exporter then retries RESOURCE_EXHAUSTED too.
	RetryAfter Duration `json:"retry_after,omitempty"`
}

// Window is a span of time on a measurement's timeline: from From to To
// after the measured attack starts. A zero To means until its end.
type Window struct {
	From Duration `json:"from"`
	To   Duration `json:"to,omitempty"`
}

// HasFaults reports whether the sink block asks for any misbehaviour
// beyond a fixed delay.
func (s Sink) HasFaults() bool {
	return s.Latency != nil || s.Spikes != nil || s.Errors != nil ||
		len(s.Outages) > 0 || len(s.BlackHoles) > 0 || s.CapSpansPerSec > 0
}

// latency decodes sink.latency.
func (d *decoder) latency(e entry) *LatencyDist {
	m := d.fields(e, latencyKeys, nil)
	if m == nil {
		return nil
	}
	d.require(m, e.key.Line, e.path, latencyKeys...)
	var l LatencyDist
	okP50, okP99 := false, false
	if pe, ok := m["p50"]; ok {
		l.P50, okP50 = d.duration(pe, durRule{positive: true, max: maxSinkDelay})
	}
	if pe, ok := m["p99"]; ok {
		l.P99, okP99 = d.duration(pe, durRule{positive: true, max: maxSinkDelay})
	}
	if !okP50 || !okP99 {
		return nil
	}
	if l.P99 < l.P50 {
		d.keyErrorf(m["p99"], "%s is below p50 %s", l.P99, l.P50)
		return nil
	}
	return &l
}

// spikes decodes sink.spikes.
func (d *decoder) spikes(e entry) *Spikes {
	m := d.fields(e, spikeKeys, nil)
	if m == nil {
		return nil
	}
	d.require(m, e.key.Line, e.path, spikeKeys...)
	var s Spikes
	ok1, ok2 := false, false
	if pe, ok := m["probability"]; ok {
		s.Probability, ok1 = d.fraction(pe)
	}
	if le, ok := m["length"]; ok {
		s.Length, ok2 = d.duration(le, durRule{positive: true, max: maxSpikeLen})
	}
	if !ok1 || !ok2 {
		return nil
	}
	return &s
}

// errorsBlock decodes sink.errors.
func (d *decoder) errorsBlock(e entry) *Errors {
	m := d.fields(e, errorKeys, nil)
	if m == nil {
		return nil
	}
	d.require(m, e.key.Line, e.path, "rate", "code")
	var x Errors
	ok1, ok2, ok3 := false, false, true
	if re, ok := m["rate"]; ok {
		x.Rate, ok1 = d.fraction(re)
	}
	if ce, ok := m["code"]; ok {
		if s, ok := d.str(ce); ok {
			if slices.Contains(ErrorCodes, s) {
				x.Code, ok2 = s, true
			} else {
				msg := fmt.Sprintf("unknown gRPC code %q (want UNAVAILABLE, RESOURCE_EXHAUSTED or INTERNAL", s)
				lower := make([]string, len(ErrorCodes))
				for i, c := range ErrorCodes {
					lower[i] = strings.ToLower(c)
				}
				if sug := suggest(s, lower); sug != "" {
					msg += fmt.Sprintf("; did you mean %q?", strings.ToUpper(sug))
				}
				d.keyErrorf(ce, "%s)", msg)
			}
		}
	}
	if ra, ok := m["retry_after"]; ok {
		x.RetryAfter, ok3 = d.duration(ra, durRule{positive: true, max: maxRetryAfter})
		if ok3 && x.Code == "INTERNAL" {
			d.keyErrorf(ra, "does not apply to INTERNAL (the exporter never retries it)")
			ok3 = false
		}
	}
	if !ok1 || !ok2 || !ok3 {
		return nil
	}
	return &x
}

// fraction decodes e as a number in [0, 1].
func (d *decoder) fraction(e entry) (float64, bool) {
	v, ok := d.number(e)
	if !ok {
		return 0, false
	}
	if !(v >= 0 && v <= 1) {
		d.keyErrorf(e, "must be between 0 and 1 (got %s)", e.val.Value)
		return 0, false
	}
	return v, true
}

// windows decodes a list of {from, to} windows, each inside a measurement
// of length dur (0 when the duration is unknown), in order and apart, as
// the sink applies them: only the last may leave out "to". Outages and
// black holes are separate lists that the sink applies each on its own, so
// one may overlap the other.
func (d *decoder) windows(e entry, dur time.Duration) []Window {
	if e.val.Kind != yaml.SequenceNode {
		d.keyErrorf(e, "must be a list of windows such as [{from: 2s, to: 5s}], got %s", describe(e.val))
		return nil
	}
	if len(e.val.Content) > maxWindows {
		d.keyErrorf(e, "lists %d windows; at most %d", len(e.val.Content), maxWindows)
		return nil
	}
	var ws []Window
	var prev entry // the last window decoded, for order checks
	for i, n := range e.val.Content {
		n = resolve(n)
		el := entry{key: n, val: n, path: fmt.Sprintf("%s[%d]", e.path, i)}
		m := d.fields(el, windowKeys, nil)
		if m == nil {
			continue
		}
		d.require(m, n.Line, el.path, "from")
		var w Window
		fe, ok := m["from"]
		if ok {
			w.From, ok = d.duration(fe, durRule{max: maxDuration})
		}
		if te, has := m["to"]; has {
			var okTo bool
			w.To, okTo = d.duration(te, durRule{positive: true, max: maxDuration})
			switch {
			case !okTo:
				ok = false
			case ok && w.To <= w.From:
				d.keyErrorf(te, "%s must be after from %s", w.To, w.From)
				ok = false
			case dur > 0 && w.To.D() > dur:
				d.keyErrorf(te, "%s is after the end of the measurement (duration %s)", w.To, Duration(dur))
				ok = false
			}
		}
		if ok && dur > 0 && w.From.D() >= dur {
			d.keyErrorf(fe, "%s is not inside the measurement (duration %s): the window would never open", w.From, Duration(dur))
			ok = false
		}
		if !ok {
			continue
		}
		if len(ws) > 0 {
			last := ws[len(ws)-1]
			switch {
			case last.To == 0:
				d.errorf(prev.key.Line, prev.path+".to", "missing key %q in %s: a window without it lasts to the end of the measurement, so only the last window may leave it out (%s follows on line %d)",
					"to", prev.path, el.path, n.Line)
			case w.From < last.To:
				d.keyErrorf(fe, "%s is before %s ends (%s, line %d): windows must be in order and must not overlap",
					w.From, prev.path, last.To, prev.key.Line)
			}
		}
		ws = append(ws, w)
		prev = el
	}
	return ws
}
