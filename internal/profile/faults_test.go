package profile

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseFaults(t *testing.T) {
	data := doc(
		"sink:",
		"  latency: {p50: 5ms, p99: 50ms}",
		"  spikes: {probability: 0.01, length: 200ms}",
		"  errors: {rate: 0.2, code: RESOURCE_EXHAUSTED, retry_after: 50ms}",
		"  outages: [{from: 200ms, to: 600ms}]",
		"  black_holes: [{from: 700ms}]",
		"  cap_spans_per_sec: 2500",
		"  cap_burst: 100",
		"  seed: 7",
		"burst: {at: 300ms, length: 200ms, factor: 4}",
		"  - name: obs",
		"    kind: batch",
		"    observability: true",
	)
	// The variant lines belong to the variants list: move them there.
	p, err := Parse("f.yaml", reorder(data))
	if err != nil {
		t.Fatal(err)
	}
	ms := func(n int) Duration { return Duration(time.Duration(n) * time.Millisecond) }
	want := Sink{
		Latency:        &LatencyDist{P50: ms(5), P99: ms(50)},
		Spikes:         &Spikes{Probability: 0.01, Length: ms(200)},
		Errors:         &Errors{Rate: 0.2, Code: "RESOURCE_EXHAUSTED", RetryAfter: ms(50)},
		Outages:        []Window{{From: ms(200), To: ms(600)}},
		BlackHoles:     []Window{{From: ms(700)}},
		CapSpansPerSec: 2500,
		CapBurst:       100,
		Seed:           7,
	}
	if !reflect.DeepEqual(p.Sink, want) {
		t.Errorf("Sink = %+v\nwant %+v", p.Sink, want)
	}
	if !p.Sink.HasFaults() {
		t.Error("HasFaults = false")
	}
	if b := p.Burst; b == nil || *b != (Burst{At: ms(300), Length: ms(200), Factor: 4}) {
		t.Errorf("Burst = %+v", b)
	}
	v := p.Variants[1]
	if !v.Observability || v.Env()[EnvObservability] != "true" {
		t.Errorf("observability variant: %+v, env %v", v, v.Env())
	}
	if _, ok := p.Variants[0].Env()[EnvObservability]; ok {
		t.Error("baseline got the observability variable")
	}
}

// reorder moves lines that start with "  - " (and the indented lines after
// them) to follow the head's variants list, so a test can write them last.
func reorder(data []byte) []byte {
	ls := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	var top, vars []string
	inVar := false
	for i, l := range ls {
		switch {
		case i < len(head):
			top = append(top, l)
		case strings.HasPrefix(l, "  - "):
			inVar = true
			vars = append(vars, l)
		case inVar && strings.HasPrefix(l, "    "):
			vars = append(vars, l)
		default:
			inVar = false
			top = append(top, l)
		}
	}
	// head ends with the variants list: insert the extra variants after it.
	out := append(append(append([]string{}, top[:len(head)]...), vars...), top[len(head):]...)
	return []byte(strings.Join(out, "\n") + "\n")
}

// TestParseWindowsGood checks the windows that the sink can apply: ending
// with the measurement, one right after another, an open one last, and an
// outage over a black hole (the sink applies each list on its own).
func TestParseWindowsGood(t *testing.T) {
	data := doc(
		"sink:",
		"  outages: [{from: 0s, to: 300ms}, {from: 300ms, to: 1s}]",
		"  black_holes: [{from: 200ms, to: 400ms}, {from: 500ms}]",
		"burst: {at: 500ms, length: 500ms, factor: 2}",
	)
	if _, err := Parse("f.yaml", data); err != nil {
		t.Fatal(err)
	}
}

func TestParseFaultErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
		line int
		key  string
		msg  string
	}{
		{"p99 below p50", doc("sink:", "  latency: {p50: 50ms, p99: 5ms}"), 8, "sink.latency.p99", "is below p50"},
		{"latency and delay", doc("sink:", "  delay: 5ms", "  latency: {p50: 5ms, p99: 9ms}"), 9, "sink.latency", "excludes delay"},
		{"latency missing p99", doc("sink:", "  latency: {p50: 5ms}"), 8, "sink.latency.p99", `missing required key "p99"`},
		{"spike probability", doc("sink:", "  spikes: {probability: 1.5, length: 1s}"), 8, "sink.spikes.probability", "between 0 and 1"},
		{"unknown code", doc("sink:", "  errors: {rate: 0.1, code: UNAVAILBLE}"), 8, "sink.errors.code", `did you mean "UNAVAILABLE"?`},
		{"retry_after on internal", doc("sink:", "  errors: {rate: 0.1, code: INTERNAL, retry_after: 1s}"), 8, "sink.errors.retry_after", "does not apply to INTERNAL"},
		{"window order", doc("sink:", "  outages:", "    - {from: 2s, to: 1s}"), 9, "sink.outages[0].to", "must be after from"},
		{"window outside", doc("sink:", "  black_holes:", "    - {from: 5s}"), 9, "sink.black_holes[0].from", "not inside the measurement"},
		{"window not a list", doc("sink:", "  outages: {from: 1s}"), 8, "sink.outages", "must be a list of windows"},
		// A window that ends after the measured attack (duration 1s).
		{"window ends after", doc("sink:", "  outages:", "    - {from: 200ms, to: 2s}"), 9, "sink.outages[0].to", "after the end of the measurement (duration 1s)"},
		// Windows that overlap, or come out of order, in either list.
		{"windows overlap", doc("sink:", "  outages:", "    - {from: 100ms, to: 500ms}", "    - {from: 400ms, to: 800ms}"), 10, "sink.outages[1].from", "before sink.outages[0] ends (500ms, line 9)"},
		{"windows out of order", doc("sink:", "  black_holes:", "    - {from: 600ms, to: 800ms}", "    - {from: 100ms, to: 200ms}"), 10, "sink.black_holes[1].from", "must be in order"},
		// A window without from is reported once, whatever follows it.
		{"window without from", doc("sink:", "  outages:", "    - {to: 500ms}", "    - {from: 100ms, to: 200ms}"), 9, "sink.outages[0].from", `missing required key "from"`},
		// A window without an end lasts to the end: only the last may have none.
		{"open window not last", doc("sink:", "  outages:", "    - {from: 100ms}", "    - {from: 600ms, to: 800ms}"), 9, "sink.outages[0].to", "only the last window may leave it out"},
		{"cap zero", doc("sink:", "  cap_spans_per_sec: 0"), 8, "sink.cap_spans_per_sec", "greater than 0"},
		{"cap_burst alone", doc("sink:", "  cap_burst: 10"), 8, "sink.cap_burst", "needs cap_spans_per_sec"},
		{"unknown collector", doc("collector: jaeger"), 7, "collector", `unknown collector "jaeger"`},
		{"otelcol with faults", doc("sink:", "  cap_spans_per_sec: 10", "collector: otelcol"), 9, "collector", "cannot misbehave"},
		{"burst factor", doc("burst: {at: 100ms, length: 1s, factor: 1}"), 7, "burst.factor", "greater than 1"},
		{"burst outside", doc("burst: {at: 1s, length: 1s, factor: 2}"), 7, "burst.at", "not inside the measurement"},
		{"burst ends after", doc("burst: {at: 500ms, length: 1s, factor: 2}"), 7, "burst.length", "ends at 1.5s, after the end of the measurement (duration 1s)"},
		{"observability on none", doc("  - name: n2", "    kind: none", "    observability: true"), 9, "variants[1].observability", "applies only to kind"},
		{"observability in env", doc("  - name: b", "    kind: batch", "    env: {OTEL_GO_X_OBSERVABILITY: \"true\"}"), 9, "variants[1].env.OTEL_GO_X_OBSERVABILITY", `variant option "observability"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := tc.data
			if strings.Contains(string(data), "\n  - name: ") {
				data = reorder(data)
			}
			errs := parseErrors(t, "f.yaml", data)
			var got []string
			for _, e := range errs {
				got = append(got, e.Error())
				if e.Line == tc.line && e.Key == tc.key && strings.Contains(e.Msg, tc.msg) {
					return
				}
			}
			t.Errorf("no error at line %d key %q containing %q; got:\n%s", tc.line, tc.key, tc.msg, strings.Join(got, "\n"))
		})
	}
}
