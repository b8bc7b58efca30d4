package profile

import (
	"fmt"
	"math"
	"time"

	yaml "go.yaml.in/yaml/v3"
)

// Limits that bound what a run writes. Package results checks in its tests
// that the longest names they allow fit a file system.
const (
	// MaxNameLen is the longest profile or variant name, in bytes. Names
	// become directory names, the run's <time>-<name> and each cell's
	// NNN-<variant>-r<rate>-rep<k>, which file systems limit to 255 bytes.
	MaxNameLen = 100
	// MaxRate is the highest request rate, per second.
	MaxRate = 100_000
	// MaxRepetitions is the most repetitions of each cell.
	MaxRepetitions = 100
	// MaxCells is the most cells a profile may plan, rates × variants ×
	// repetitions: the cell index of a directory name keeps three digits,
	// so that cells/ lists in planned order.
	MaxCells = 1000
	// MaxFileSize is the largest profile, in bytes, that Parse and Load
	// accept: a profile is a short YAML file.
	MaxFileSize = 1 << 20
)

// Limits on the top-level keys and blocks. They catch typos (a rate of
// 1000000, a duration of 10h) before a run wastes an afternoon.
const (
	maxRates       = 50
	maxVariants    = 50
	maxDuration    = 10 * time.Minute
	maxWarmup      = 5 * time.Minute
	maxTimeout     = 2 * time.Minute
	maxMaxWorkers  = 100_000
	maxCPU         = time.Second
	maxSleep       = 10 * time.Second
	maxExtraSpans  = 100
	maxSinkDelay   = 60 * time.Second
	maxOverheadPct = 10_000
)

// The keys each mapping accepts, in the order they are documented.
var (
	topKeys = []string{"name", "description", "rates", "duration", "warmup", "warmup_max", "repetitions",
		"timeout", "max_workers", "seed", "workload", "sink", "collector", "burst", "budget", "variants"}
	workloadKeys = []string{"cpu", "sleep", "extra_spans"}
	sinkKeys     = []string{"delay", "latency", "spikes", "errors", "outages", "black_holes",
		"cap_spans_per_sec", "cap_burst", "seed"}
	burstKeys  = []string{"at", "length", "factor"}
	budgetKeys = []string{"p99_overhead_pct"}
)

// blockHint suggests the block a misplaced top-level key belongs to, such as
// "workload.cpu" for "cpu".
func blockHint(key string) string {
	for _, b := range []struct {
		name string
		keys []string
	}{{"workload", workloadKeys}, {"sink", sinkKeys}, {"budget", budgetKeys}} {
		if s := suggest(key, b.keys); s != "" {
			return b.name + "." + s
		}
	}
	return ""
}

// profile decodes the top-level mapping, starting from the defaults.
func (d *decoder) profile(root *yaml.Node) *Profile {
	p := &Profile{
		Warmup:      DefaultWarmup,
		Repetitions: DefaultRepetitions,
		Timeout:     DefaultTimeout,
		MaxWorkers:  DefaultMaxWorkers,
		Budget:      Budget{P99OverheadPct: DefaultP99OverheadPct},
	}
	m := d.fields(entry{key: root, val: root}, topKeys, blockHint)
	d.require(m, 0, "", "name", "rates", "duration", "variants")
	if e, ok := m["name"]; ok {
		p.Name, _ = d.ident(e)
	}
	if e, ok := m["description"]; ok {
		p.Description, _ = d.str(e)
	}
	if e, ok := m["rates"]; ok {
		p.Rates = d.rates(e)
	}
	if e, ok := m["duration"]; ok {
		p.Duration, _ = d.duration(e, durRule{positive: true, max: maxDuration})
	}
	if e, ok := m["warmup"]; ok {
		p.Warmup, _ = d.duration(e, durRule{max: maxWarmup})
	}
	if e, ok := m["warmup_max"]; ok {
		if t, ok := d.duration(e, durRule{positive: true, max: maxWarmup}); ok {
			if t < p.Warmup {
				d.keyErrorf(e, "%s is shorter than warmup %s: warmup is the shortest warm-up, warmup_max the longest", t, p.Warmup)
			}
			p.WarmupMax = t
		}
	}
	if e, ok := m["repetitions"]; ok {
		p.Repetitions, _ = d.integer(e, 1, MaxRepetitions)
	}
	if e, ok := m["timeout"]; ok {
		p.Timeout, _ = d.duration(e, durRule{positive: true, max: maxTimeout})
	}
	if e, ok := m["max_workers"]; ok {
		p.MaxWorkers, _ = d.integer(e, 1, maxMaxWorkers)
	}
	if e, ok := m["seed"]; ok {
		p.Seed, _ = d.integer(e, 1, math.MaxInt)
	}
	if e, ok := m["workload"]; ok {
		d.workload(e, &p.Workload)
	}
	if e, ok := m["sink"]; ok {
		d.sink(e, &p.Sink, p.Duration.D())
	}
	p.Collector = CollectorSink
	if e, ok := m["collector"]; ok {
		p.Collector = d.collector(e)
		if p.Collector == CollectorOtelcol && p.Sink.HasFaults() {
			d.keyErrorf(e, "otelcol cannot misbehave on purpose: the sink's faults (latency, spikes, errors, outages, black_holes, cap) apply only to the embedded sink")
		}
		if p.Collector == CollectorOtelcol && p.Sink.Delay > 0 {
			d.keyErrorf(e, "otelcol has no delay: remove sink.delay or use the embedded sink")
		}
	}
	if e, ok := m["burst"]; ok {
		p.Burst = d.burst(e, p.Duration.D())
	}
	if e, ok := m["budget"]; ok {
		d.budget(e, &p.Budget)
	}
	if e, ok := m["variants"]; ok {
		p.Variants = d.variants(e)
	}
	d.cells(p, m)
	return p
}

// cells reports a profile whose rates, variants and repetitions plan more
// than MaxCells cells, at its repetitions key or else its variants.
func (d *decoder) cells(p *Profile, m map[string]entry) {
	n := len(p.Rates) * len(p.Variants) * p.Repetitions
	if n <= MaxCells {
		return
	}
	e, ok := m["repetitions"]
	if !ok {
		e = m["variants"]
	}
	d.keyErrorf(e, "%d rates × %d variants × %d repetitions make %d cells; at most %d",
		len(p.Rates), len(p.Variants), p.Repetitions, n, MaxCells)
}

// rates decodes the list of request rates: at least one, each in range,
// none twice.
func (d *decoder) rates(e entry) []int {
	if e.val.Kind != yaml.SequenceNode {
		d.keyErrorf(e, "must be a list of requests per second, such as [1000, 4000], got %s", describe(e.val))
		return nil
	}
	if len(e.val.Content) == 0 {
		d.keyErrorf(e, "must list at least one rate")
		return nil
	}
	if len(e.val.Content) > maxRates {
		d.keyErrorf(e, "lists %d rates; at most %d", len(e.val.Content), maxRates)
		return nil
	}
	var rates []int
	first := map[int]int{} // rate -> line
	for i, n := range e.val.Content {
		n = resolve(n)
		el := entry{key: n, val: n, path: fmt.Sprintf("%s[%d]", e.path, i)}
		r, ok := d.integer(el, 1, MaxRate)
		if !ok {
			continue
		}
		if line, dup := first[r]; dup {
			d.keyErrorf(el, "rate %d is listed twice (first on line %d)", r, line)
			continue
		}
		first[r] = n.Line
		rates = append(rates, r)
	}
	return rates
}

// workload decodes the workload block into w.
func (d *decoder) workload(e entry, w *Workload) {
	m := d.fields(e, workloadKeys, nil)
	if e, ok := m["cpu"]; ok {
		w.CPU, _ = d.duration(e, durRule{max: maxCPU})
	}
	if e, ok := m["sleep"]; ok {
		w.Sleep, _ = d.duration(e, durRule{max: maxSleep})
	}
	if e, ok := m["extra_spans"]; ok {
		w.ExtraSpans, _ = d.integer(e, 0, maxExtraSpans)
	}
}

// sink decodes the sink block into s; dur is the measurement's length, which
// fault windows must start inside.
func (d *decoder) sink(e entry, s *Sink, dur time.Duration) {
	m := d.fields(e, sinkKeys, nil)
	if e, ok := m["delay"]; ok {
		s.Delay, _ = d.duration(e, durRule{max: maxSinkDelay})
	}
	if le, ok := m["latency"]; ok {
		s.Latency = d.latency(le)
		if s.Latency != nil && s.Delay > 0 {
			d.keyErrorf(le, "excludes delay (a fixed latency); give one or the other")
		}
	}
	if se, ok := m["spikes"]; ok {
		s.Spikes = d.spikes(se)
	}
	if ee, ok := m["errors"]; ok {
		s.Errors = d.errorsBlock(ee)
	}
	if oe, ok := m["outages"]; ok {
		s.Outages = d.windows(oe, dur)
	}
	if be, ok := m["black_holes"]; ok {
		s.BlackHoles = d.windows(be, dur)
	}
	if ce, ok := m["cap_spans_per_sec"]; ok {
		if v, ok := d.number(ce); ok {
			if !(v > 0 && v <= maxCapRate) {
				d.keyErrorf(ce, "must be greater than 0 and at most %d spans per second (got %s)", maxCapRate, ce.val.Value)
			} else {
				s.CapSpansPerSec = v
			}
		}
	}
	if ce, ok := m["cap_burst"]; ok {
		if v, ok := d.number(ce); ok {
			switch {
			case !(v >= 0 && v <= maxCapRate):
				d.keyErrorf(ce, "must be between 0 and %d spans (got %s)", maxCapRate, ce.val.Value)
			case s.CapSpansPerSec == 0:
				d.keyErrorf(ce, "needs cap_spans_per_sec")
			default:
				s.CapBurst = v
			}
		}
	}
	if se, ok := m["seed"]; ok {
		if v, ok := d.integer(se, 0, math.MaxInt); ok {
			s.Seed = uint64(v)
		}
	}
}

// collector decodes the collector key.
func (d *decoder) collector(e entry) Collector {
	s, ok := d.str(e)
	if !ok {
		return CollectorSink
	}
	switch c := Collector(s); c {
	case CollectorSink, CollectorOtelcol:
		return c
	}
	d.keyErrorf(e, "unknown collector %q (want sink, the embedded one, or otelcol, built by `make collector`)", s)
	return CollectorSink
}

// burst decodes the burst block; dur is the measurement's length, which the
// burst must lie inside.
func (d *decoder) burst(e entry, dur time.Duration) *Burst {
	m := d.fields(e, burstKeys, nil)
	if m == nil {
		return nil
	}
	d.require(m, e.key.Line, e.path, burstKeys...)
	var b Burst
	ok1, ok2, ok3 := false, false, false
	if ae, ok := m["at"]; ok {
		b.At, ok1 = d.duration(ae, durRule{max: maxDuration})
		if ok1 && dur > 0 && b.At.D() >= dur {
			d.keyErrorf(ae, "%s is not inside the measurement (duration %s)", b.At, Duration(dur))
			ok1 = false
		}
	}
	if le, ok := m["length"]; ok {
		b.Length, ok2 = d.duration(le, durRule{positive: true, max: maxDuration})
		if end := b.At + b.Length; ok1 && ok2 && dur > 0 && end.D() > dur {
			d.keyErrorf(le, "the burst ends at %s, after the end of the measurement (duration %s)", end, Duration(dur))
			ok2 = false
		}
	}
	if fe, ok := m["factor"]; ok {
		if v, ok := d.number(fe); ok {
			if !(v > 1 && v <= 100) {
				d.keyErrorf(fe, "must be greater than 1 and at most 100 (got %s): the burst multiplies the cell's rate", fe.val.Value)
			} else {
				b.Factor, ok3 = v, true
			}
		}
	}
	if !ok1 || !ok2 || !ok3 {
		return nil
	}
	return &b
}

// budget decodes the budget block into b.
func (d *decoder) budget(e entry, b *Budget) {
	m := d.fields(e, budgetKeys, nil)
	if e, ok := m["p99_overhead_pct"]; ok {
		v, ok := d.number(e)
		switch {
		case !ok:
		case !(v >= 0 && v <= maxOverheadPct):
			d.keyErrorf(e, "must be between 0 and %d percent (got %s)", maxOverheadPct, e.val.Value)
		default:
			b.P99OverheadPct = v
		}
	}
}
