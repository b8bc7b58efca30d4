package profile

import (
	"fmt"
	"math"
	"time"

	yaml "go.yaml.in/yaml/v3"
)

// Limits on the top-level keys and blocks. They catch typos (a rate of
// 1000000, a duration of 10h) before a run wastes an afternoon.
const (
	maxRate        = 100_000
	maxDuration    = 10 * time.Minute
	maxWarmup      = 5 * time.Minute
	maxRepetitions = 100
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
	topKeys = []string{"name", "description", "rates", "duration", "warmup", "repetitions",
		"timeout", "max_workers", "seed", "workload", "sink", "budget", "variants"}
	workloadKeys = []string{"cpu", "sleep", "extra_spans"}
	sinkKeys     = []string{"delay"}
	budgetKeys   = []string{"p99_overhead_pct"}
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
	if e, ok := m["repetitions"]; ok {
		p.Repetitions, _ = d.integer(e, 1, maxRepetitions)
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
		d.sink(e, &p.Sink)
	}
	if e, ok := m["budget"]; ok {
		d.budget(e, &p.Budget)
	}
	if e, ok := m["variants"]; ok {
		p.Variants = d.variants(e)
	}
	return p
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
	var rates []int
	first := map[int]int{} // rate -> line
	for i, n := range e.val.Content {
		n = resolve(n)
		el := entry{key: n, val: n, path: fmt.Sprintf("%s[%d]", e.path, i)}
		r, ok := d.integer(el, 1, maxRate)
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

// sink decodes the sink block into s.
func (d *decoder) sink(e entry, s *Sink) {
	m := d.fields(e, sinkKeys, nil)
	if e, ok := m["delay"]; ok {
		s.Delay, _ = d.duration(e, durRule{max: maxSinkDelay})
	}
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
