package profile

import (
	"errors"
	"strings"
	"testing"
)

// head is a valid profile of six lines; cases append to it from line 7,
// either top-level keys or further variants.
var head = []string{
	"name: t",
	"rates: [1000]",
	"duration: 1s",
	"variants:",
	"  - name: base",
	"    kind: none",
}

// doc returns head followed by more lines.
func doc(more ...string) []byte {
	return lines(append(append([]string(nil), head...), more...)...)
}

// parseErrors parses data and returns its *Error values, failing the test
// if the error is anything else.
func parseErrors(t *testing.T, name string, data []byte) []*Error {
	t.Helper()
	p, err := Parse(name, data)
	if err == nil {
		t.Fatalf("Parse succeeded with %+v, want an error", p)
	}
	if p != nil {
		t.Errorf("Parse returned a profile with an error")
	}
	var one *Error
	if !errors.As(err, &one) {
		t.Fatalf("Parse error %v is not an *Error", err)
	}
	joined, ok := err.(interface{ Unwrap() []error })
	if !ok {
		t.Fatalf("Parse error %T is not an errors.Join", err)
	}
	var errs []*Error
	for _, e := range joined.Unwrap() {
		var pe *Error
		if !errors.As(e, &pe) {
			t.Fatalf("joined error %v is not an *Error", e)
		}
		errs = append(errs, pe)
	}
	return errs
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
		line int
		key  string
		msg  string // a substring of Msg
	}{
		// Unknown keys.
		{
			// A misspelt top-level key gets the nearest key as a suggestion.
			name: "unknown top-level key", data: doc("durration: 2s"),
			line: 7, key: "durration", msg: `unknown key "durration" (did you mean "duration"?)`,
		},
		{
			// With nothing close, the message lists the keys instead.
			name: "unknown key far from any", data: doc("colour: red"),
			line: 7, key: "colour", msg: `unknown key "colour" (known keys: name, description, rates,`,
		},
		{
			// A block's key at the top level points at its block.
			name: "block key at top level", data: doc("extra_spans: 1"),
			line: 7, key: "extra_spans", msg: `(did you mean "workload.extra_spans"?)`,
		},
		{
			// A misspelt variant option is suggested the right spelling.
			name: "unknown key in variant", data: doc("  - name: v", "    kind: batch", "    qeue_size: 64"),
			line: 9, key: "variants[1].qeue_size", msg: `unknown key "qeue_size" (did you mean "queue_size"?)`,
		},
		{
			// Unknown keys inside blocks are caught too.
			name: "unknown key in workload", data: doc("workload:", "  spans: 1"),
			line: 8, key: "workload.spans", msg: `unknown key "spans"`,
		},
		{
			// A key given twice is an error, not a silent override.
			name: "duplicate key", data: doc("rates: [2000]"),
			line: 7, key: "rates", msg: `duplicate key "rates" (first on line 2)`,
		},
		{
			// Merge keys would hide where values come from.
			name: "merge key", data: doc("  - <<: {kind: sync}", "    name: v", "    kind: sync"),
			line: 7, key: "variants[1].<<", msg: "merge keys (<<) are not supported",
		},

		// Types.
		{
			// An integer key given a word.
			name: "wrong type", data: doc("repetitions: three"),
			line: 7, key: "repetitions", msg: `must be an integer, got string "three"`,
		},
		{
			// A quoted number is a string, not an integer.
			name: "quoted integer", data: doc("max_workers: \"64\""),
			line: 7, key: "max_workers", msg: `must be an integer, got string "64" (remove the quotes)`,
		},
		{
			// A block must be a mapping.
			name: "block not a mapping", data: doc("workload: 5"),
			line: 7, key: "workload", msg: "must be a mapping of keys, got integer 5",
		},
		{
			// YAML 1.1 booleans such as yes are strings in YAML 1.2.
			name: "yes is not a boolean", data: doc("  - name: v", "    kind: batch", "    blocking: yes"),
			line: 9, key: "variants[1].blocking", msg: `must be true or false, got string "yes"`,
		},
		{
			// A name must be a string.
			name: "numeric name", data: lines("name: 5", "rates: [1]", "duration: 1s", "variants: [{name: b, kind: none}]"),
			line: 1, key: "name", msg: "must be a string, got integer 5",
		},
		{
			// Names end up in file names and labels.
			name: "bad profile name", data: lines("name: My Profile", "rates: [1]", "duration: 1s", "variants: [{name: b, kind: none}]"),
			line: 1, key: "name", msg: `"My Profile" must match [a-z0-9][a-z0-9._-]*`,
		},

		// Durations.
		{
			// A bare number has no unit.
			name: "bare-number duration", data: doc("warmup: 5"),
			line: 7, key: "warmup", msg: `duration 5 needs a unit, such as "5s"`,
		},
		{
			// Even a large one: 5000 of what?
			name: "bare large number", data: doc("timeout: 5000"),
			line: 7, key: "timeout", msg: `duration 5000 needs a unit`,
		},
		{
			// A quoted bare number has no unit either.
			name: "quoted bare number", data: doc("  - name: v", "    kind: sync", "    exporter_timeout: \"10\""),
			line: 9, key: "variants[1].exporter_timeout", msg: `duration 10 needs a unit`,
		},
		{
			// The longest warm-up is shorter than the shortest.
			name: "warmup_max below warmup", data: doc("warmup: 2s", "warmup_max: 1s"),
			line: 8, key: "warmup_max", msg: "1s is shorter than warmup 2s",
		}, {
			// Gibberish is not a duration.
			name: "invalid duration", data: doc("warmup: soon"),
			line: 7, key: "warmup", msg: `invalid duration "soon"`,
		},
		{
			// Durations cannot be negative.
			name: "negative duration", data: doc("warmup: -1s"),
			line: 7, key: "warmup", msg: "must not be negative (got -1s)",
		},
		{
			// The per-request timeout must be positive.
			name: "zero timeout", data: doc("timeout: 0s"),
			line: 7, key: "timeout", msg: "must be greater than 0",
		},
		{
			// Limits catch a unit typo.
			name: "duration too long", data: lines("name: t", "rates: [1]", "duration: 1h", "variants: [{name: b, kind: none}]"),
			line: 3, key: "duration", msg: "must be at most 10m (got 1h)",
		},
		{
			// The busy loop is capped at a second per request.
			name: "cpu too long", data: doc("workload:", "  cpu: 2s"),
			line: 8, key: "workload.cpu", msg: "must be at most 1s (got 2s)",
		},

		// Numbers.
		{
			// Repetitions start at 1.
			name: "zero repetitions", data: doc("repetitions: 0"),
			line: 7, key: "repetitions", msg: "must be between 1 and 100 (got 0)",
		},
		{
			// Extra spans are capped.
			name: "too many extra spans", data: doc("workload:", "  extra_spans: 101"),
			line: 8, key: "workload.extra_spans", msg: "must be between 0 and 100 (got 101)",
		},
		{
			// NaN is no budget.
			name: "nan budget", data: doc("budget:", "  p99_overhead_pct: .nan"),
			line: 8, key: "budget.p99_overhead_pct", msg: "must be between 0 and 10000 percent",
		},

		// Rates.
		{
			// At least one rate is needed.
			name: "empty rates", data: lines("name: t", "rates: []", "duration: 1s", "variants: [{name: b, kind: none}]"),
			line: 2, key: "rates", msg: "must list at least one rate",
		},
		{
			// Each rate once.
			name: "duplicate rate", data: lines("name: t", "rates: [1000, 2000, 1000]", "duration: 1s", "variants: [{name: b, kind: none}]"),
			line: 2, key: "rates[2]", msg: "rate 1000 is listed twice (first on line 2)",
		},
		{
			// Rates are at least one per second.
			name: "zero rate", data: lines("name: t", "rates:", "  - 500", "  - 0", "duration: 1s", "variants: [{name: b, kind: none}]"),
			line: 4, key: "rates[1]", msg: "must be between 1 and 100000 (got 0)",
		},
		{
			// A single rate is still a list.
			name: "rates not a list", data: lines("name: t", "rates: 1000", "duration: 1s", "variants: [{name: b, kind: none}]"),
			line: 2, key: "rates", msg: "must be a list of requests per second",
		},

		// Variants.
		{
			// Overhead is measured against a baseline.
			name: "no none variant", data: lines("name: t", "rates: [1]", "duration: 1s", "variants:", "  - name: b", "    kind: batch"),
			line: 4, key: "variants", msg: "no variant of kind none",
		},
		{
			// At least one variant.
			name: "empty variants", data: lines("name: t", "rates: [1]", "duration: 1s", "variants: []"),
			line: 4, key: "variants", msg: "must list at least one variant",
		},
		{
			// Variant names identify results.
			name: "duplicate variant names", data: doc("  - name: base", "    kind: sync"),
			line: 7, key: "variants[1].name", msg: `variant name "base" is already used on line 5`,
		},
		{
			// A variant needs a name.
			name: "missing variant name", data: doc("  - kind: sync"),
			line: 7, key: "variants[1].name", msg: `missing required key "name" in variants[1]`,
		},
		{
			// A misspelt kind is suggested the right one.
			name: "unknown kind", data: doc("  - name: v", "    kind: bacth"),
			line: 8, key: "variants[1].kind", msg: `unknown kind "bacth" (want none, noop, sync, batch or sampled; did you mean "batch"?)`,
		},
		{
			// The exporter speaks one of the three OTLP protocols.
			name: "unknown protocol", data: doc("  - name: v", "    kind: batch", "    protocol: http"),
			line: 9, key: "variants[1].protocol", msg: `unknown protocol "http" (want grpc, http/protobuf, http/json)`,
		},
		{
			// The protocol is a typed option, not an env entry.
			name: "protocol in env", data: doc("  - name: v", "    kind: batch", "    env:", "      OTEL_EXPORTER_OTLP_PROTOCOL: grpc"),
			line: 10, key: "variants[1].env.OTEL_EXPORTER_OTLP_PROTOCOL", msg: `controlled by the variant option "protocol"; use it instead of env`,
		},
		{
			// Kind none takes no options.
			name: "option on kind none", data: doc("  - name: v", "    kind: none", "    exporter_timeout: 1s"),
			line: 9, key: "variants[1].exporter_timeout", msg: "applies only to kind sync, batch or sampled (this variant is kind none)",
		},
		{
			// Batch processor options make no sense for sync export.
			name: "batch option on sync", data: doc("  - name: v", "    kind: sync", "    blocking: true"),
			line: 9, key: "variants[1].blocking", msg: "applies only to kind batch or sampled (this variant is kind sync)",
		},
		{
			// A zero queue cannot hold a span.
			name: "zero queue_size", data: doc("  - name: v", "    kind: batch", "    queue_size: 0"),
			line: 9, key: "variants[1].queue_size", msg: "must be between 1 and 10000000 (got 0)",
		},
		{
			// A zero schedule delay makes the SDK's worker busy-loop.
			name: "zero batch_timeout", data: doc("  - name: v", "    kind: batch", "    batch_timeout: 0s"),
			line: 9, key: "variants[1].batch_timeout", msg: "must be greater than 0 (0 makes the SDK's worker spin a whole core)",
		},
		{
			// The SDK reads OTEL_BSP_SCHEDULE_DELAY in whole milliseconds.
			name: "non-millisecond batch_timeout", data: doc("  - name: v", "    kind: batch", "    batch_timeout: 1500us"),
			line: 9, key: "variants[1].batch_timeout", msg: "1500us is not a whole number of milliseconds (the SDK reads OTEL_BSP_SCHEDULE_DELAY as integer milliseconds)",
		},
		{
			// The SDK silently replaces a batch larger than its queue by
			// min(512, queue) when it reads OTEL_BSP_*.
			name: "batch larger than queue", data: doc("  - name: v", "    kind: batch", "    queue_size: 64", "    max_export_batch_size: 512"),
			line: 10, key: "variants[1].max_export_batch_size", msg: "512 is larger than queue_size 64 (the SDK would silently use 64 instead)",
		},
		{
			// Without queue_size, the batch is checked against the SDK's
			// default queue, 2048, which it would shrink to 512.
			name: "batch larger than the default queue", data: doc("  - name: v", "    kind: batch", "    max_export_batch_size: 4096"),
			line: 9, key: "variants[1].max_export_batch_size", msg: "4096 is larger than the SDK's default queue size 2048 (queue_size is not set; the SDK would silently use 512 instead)",
		},
		{
			// Only kind sampled samples.
			name: "sample_ratio on batch", data: doc("  - name: v", "    kind: batch", "    sample_ratio: 0.5"),
			line: 9, key: "variants[1].sample_ratio", msg: "applies only to kind sampled (this variant is kind batch)",
		},
		{
			// Kind sampled needs its ratio.
			name: "missing sample_ratio", data: doc("  - name: v", "    kind: sampled"),
			line: 7, key: "variants[1].sample_ratio", msg: `missing required key "sample_ratio" in variants[1] (kind sampled needs it)`,
		},
		{
			// A ratio is not negative (0, the SDK's floor, is valid).
			name: "ratio -0.1", data: doc("  - name: v", "    kind: sampled", "    sample_ratio: -0.1"),
			line: 9, key: "variants[1].sample_ratio", msg: "must be from 0 to 1 (got -0.1)",
		},
		{
			// A ratio is at most 1.
			name: "ratio 1.5", data: doc("  - name: v", "    kind: sampled", "    sample_ratio: 1.5"),
			line: 9, key: "variants[1].sample_ratio", msg: "must be from 0 to 1 (got 1.5)",
		},

		// Kind noop: the instrumentation with no SDK has no pipeline.
		{
			// No processor to size.
			name: "queue_size on noop", data: doc("  - name: v", "    kind: noop", "    queue_size: 64"),
			line: 9, key: "variants[1].queue_size", msg: "applies only to kind batch or sampled (this variant is kind noop)",
		},
		{
			// No exporter to choose a protocol for.
			name: "protocol on noop", data: doc("  - name: v", "    kind: noop", "    protocol: grpc"),
			line: 9, key: "variants[1].protocol", msg: "applies only to kind sync, batch or sampled (this variant is kind noop)",
		},
		{
			// No SDK to rebuild against another release.
			name: "sdk_version on noop", data: doc("  - name: v", "    kind: noop", "    sdk_version: v1.40.0"),
			line: 9, key: "variants[1].sdk_version", msg: "applies only to kind sync, batch or sampled (this variant is kind noop)",
		},

		// compression.
		{
			// gzip or none, as OTEL_EXPORTER_OTLP_COMPRESSION spells them.
			name: "unknown compression", data: doc("  - name: v", "    kind: batch", "    compression: zstd"),
			line: 9, key: "variants[1].compression", msg: `unknown compression "zstd" (want gzip or none)`,
		},
		{
			// The baseline exports nothing to compress.
			name: "compression on none", data: doc("  - name: v", "    kind: none", "    compression: gzip"),
			line: 9, key: "variants[1].compression", msg: "applies only to kind sync, batch or sampled (this variant is kind none)",
		},
		{
			// The typed option owns the variable.
			name: "env sets the compression", data: doc("  - name: v", "    kind: batch", "    env: {OTEL_EXPORTER_OTLP_COMPRESSION: gzip}"),
			line: 9, key: "variants[1].env.OTEL_EXPORTER_OTLP_COMPRESSION", msg: `controlled by the variant option "compression"`,
		},

		// The env block.
		{
			// Typed options own their variables.
			name: "env sets a typed option", data: doc("  - name: v", "    kind: batch", "    env:", "      OTEL_BSP_SCHEDULE_DELAY: \"5000\""),
			line: 10, key: "variants[1].env.OTEL_BSP_SCHEDULE_DELAY", msg: `controlled by the variant option "batch_timeout"; use it instead of env`,
		},
		{
			// The sampler comes from the kind.
			name: "env sets the sampler", data: doc("  - name: v", "    kind: sync", "    env: {OTEL_TRACES_SAMPLER: always_off}"),
			line: 9, key: "variants[1].env.OTEL_TRACES_SAMPLER", msg: `controlled by kind sampled and "sample_ratio"`,
		},
		{
			// The runner points the target at its own sink.
			name: "env sets the endpoint", data: doc("  - name: v", "    kind: sync", "    env:", "      OTEL_EXPORTER_OTLP_ENDPOINT: http://x:4317"),
			line: 10, key: "variants[1].env.OTEL_EXPORTER_OTLP_ENDPOINT", msg: "the runner sets this variable",
		},
		{
			// Environment variable names are upper case.
			name: "env bad name", data: doc("  - name: v", "    kind: sync", "    env:", "      otel_service_name: x"),
			line: 10, key: "variants[1].env.otel_service_name", msg: "environment variable names must match [A-Z_][A-Z0-9_]*",
		},
		{
			// An empty value is written "", not left out.
			name: "env null value", data: doc("  - name: v", "    kind: sync", "    env:", "      OTEL_SERVICE_NAME:"),
			line: 10, key: "variants[1].env.OTEL_SERVICE_NAME", msg: "must be a string, got null",
		},

		// Documents.
		{
			// Nothing to run.
			name: "empty file", data: []byte(""),
			line: 0, key: "", msg: "empty profile",
		},
		{
			// Comments alone are empty too.
			name: "only comments", data: lines("# a profile", "# to be written"),
			line: 0, key: "", msg: "empty profile",
		},
		{
			// A profile is a mapping, not a list of them.
			name: "list at top level", data: lines("- name: a", "- name: b"),
			line: 1, key: "", msg: "the top level must be a mapping of keys such as name, rates and variants, got a list",
		},
		{
			// One profile per file.
			name: "two documents", data: doc("---", "name: u"),
			line: 7, key: "", msg: "a second YAML document starts here",
		},
		{
			// Syntax errors keep the YAML library's line.
			name: "syntax error", data: lines("name: t", "rates: [1000]", "duration: 1s", "  warmup: 1s"),
			line: 4, key: "", msg: "invalid YAML: mapping values are not allowed in this context",
		},
		{
			// A required top-level key has no line to point at.
			name: "missing duration", data: lines("name: t", "rates: [1]", "variants: [{name: b, kind: none}]"),
			line: 0, key: "duration", msg: `missing required key "duration"`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			errs := parseErrors(t, "p.yaml", tc.data)
			if len(errs) != 1 {
				t.Fatalf("got %d errors, want 1:\n%v", len(errs), errors.Join(asErrors(errs)...))
			}
			e := errs[0]
			if e.File != "p.yaml" || e.Line != tc.line || e.Key != tc.key || !strings.Contains(e.Msg, tc.msg) {
				t.Errorf("got %#v\nwant line %d, key %q, msg containing %q", e, tc.line, tc.key, tc.msg)
			}
		})
	}
}

func asErrors(errs []*Error) []error {
	out := make([]error, len(errs))
	for i, e := range errs {
		out[i] = e
	}
	return out
}
