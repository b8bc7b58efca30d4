package compare

import (
	"strings"
	"testing"

	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/results"
)

// baseYAML is the profile the cases of TestDifferences edit.
const baseYAML = `name: base
description: the profile as run first
rates: [1000, 3000]
duration: 10s
warmup: 1s
repetitions: 5
seed: 7
workload:
  cpu: 100us
  extra_spans: 1
sink:
  delay: 1ms
budget:
  p99_overhead_pct: 10
variants:
  - name: none
    kind: none
  - name: batch
    kind: batch
    queue_size: 2048
    env:
      OTEL_SERVICE_NAME: svc
`

// testRun is a run.json of the profile yaml on the synthetic machine.
func testRun(t *testing.T, yaml string) *results.Run {
	t.Helper()
	p, err := profile.Parse("test.yaml", []byte(yaml))
	if err != nil {
		t.Fatalf("parsing %q: %v", yaml, err)
	}
	return &results.Run{
		Profile: p,
		Environment: results.Environment{GoVersion: "go1.26.0", OS: "linux", Arch: "amd64",
			CPUModel: "Synthetic CPU", NumCPU: 8, GOMAXPROCS: 8, Commit: "aaaa"},
		Sink: results.SinkInfo{Kind: "embedded", Endpoint: "127.0.0.1:4317"},
	}
}

func TestDifferences(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		// yaml replaces old with new in baseYAML for run B.
		old, new string
		// env changes B's environment.
		env  func(e *results.Environment)
		want []string // Difference.String() of every difference, in order
	}{{
		// The same profile on the same machine.
		name: "identical",
	}, {
		// The profile's labels, the commit and the host do not change
		// what a number means: a change of code is what one compares.
		name: "labels, commit and host",
		old:  "name: base\ndescription: the profile as run first\n",
		new:  "name: other\ndescription: again\n",
		env: func(e *results.Environment) {
			e.Commit, e.Dirty, e.Hostname, e.Kernel = "bbbb", true, "elsewhere", "6.9"
		},
	}, {
		// More repetitions are more samples, which the statistics account
		// for; the seed only orders the cells.
		name: "repetitions and seed",
		old:  "repetitions: 5\nseed: 7\n",
		new:  "repetitions: 10\n",
	}, {
		// The budget only drives the recommendation.
		name: "budget",
		old:  "p99_overhead_pct: 10",
		new:  "p99_overhead_pct: 5",
	}, {
		// A rate list that differs is one difference, both lists shown.
		name: "rates",
		old:  "rates: [1000, 3000]",
		new:  "rates: [1000]",
		want: []string{"profile.rates: A [1000,3000], B [1000]"},
	}, {
		// A duration is named by its key and shown as in the profile.
		name: "duration",
		old:  "duration: 10s\nwarmup: 1s\n",
		new:  "duration: 20s\nwarmup: 1s\n",
		want: []string{`profile.duration: A "10s", B "20s"`},
	}, {
		// A nested key is named by its path.
		name: "workload",
		old:  "  cpu: 100us\n  extra_spans: 1\n",
		new:  "  cpu: 200us\n  extra_spans: 1\n",
		want: []string{`profile.workload.cpu: A "100µs", B "200µs"`},
	}, {
		// The sink's answer delay changes every exporting variant.
		name: "sink delay",
		old:  "delay: 1ms",
		new:  "delay: 5ms",
		want: []string{`profile.sink.delay: A "1ms", B "5ms"`},
	}, {
		// A variant's option, set in one run and not the other.
		name: "variant option",
		old:  "    queue_size: 2048\n",
		new:  "    queue_size: 2048\n    batch_timeout: 1s\n",
		want: []string{`profile.variants.batch.batch_timeout: A (unset), B "1s"`},
	}, {
		// The same name on another kind, and a changed variable.
		name: "variant kind and env",
		old:  "    kind: batch\n    queue_size: 2048\n    env:\n      OTEL_SERVICE_NAME: svc\n",
		new:  "    kind: sync\n    env:\n      OTEL_SERVICE_NAME: other\n",
		want: []string{
			`profile.variants.batch.env.OTEL_SERVICE_NAME: A "svc", B "other"`,
			`profile.variants.batch.kind: A "batch", B "sync"`,
			`profile.variants.batch.queue_size: A 2048, B (unset)`,
		},
	}, {
		// A variant only B has is no difference: its rows are unmatched.
		name: "added variant",
		old:  "  - name: none\n    kind: none\n",
		new:  "  - name: none\n    kind: none\n  - name: sync\n    kind: sync\n",
	}, {
		// Each difference of the machine is named.
		name: "machine",
		env: func(e *results.Environment) {
			e.CPUModel, e.NumCPU, e.GOMAXPROCS, e.GoVersion = "Other CPU", 16, 4, "go1.25.1"
		},
		want: []string{
			`environment.cpu_model: A "Synthetic CPU", B "Other CPU"`,
			`environment.num_cpu: A 8, B 16`,
			`environment.gomaxprocs: A 8, B 4`,
			`environment.go_version: A "go1.26.0", B "go1.25.1"`,
		},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := testRun(t, baseYAML)
			if !strings.Contains(baseYAML, tc.old) {
				t.Fatalf("baseYAML lacks %q", tc.old)
			}
			b := testRun(t, strings.Replace(baseYAML, tc.old, tc.new, 1))
			if tc.env != nil {
				tc.env(&b.Environment)
			}
			var got []string
			for _, d := range Differences(a, b) {
				got = append(got, d.String())
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("differences:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// TestMismatchError checks that the error names both runs and every
// difference.
func TestMismatchError(t *testing.T) {
	t.Parallel()
	c := &Comparison{
		A: Side{Path: "results/a"}, B: Side{Path: "results/b"},
		Differences: []Difference{
			{Field: "profile.rates", A: "[1000]", B: "[2000]"},
			{Field: "environment.num_cpu", A: "8", B: "16"},
		},
	}
	err := c.Comparable()
	if err == nil {
		t.Fatal("Comparable() = nil for runs that differ")
	}
	want := "results/a and results/b are not comparable: 2 difference(s) in what was measured or where\n" +
		"  profile.rates: A [1000], B [2000]\n" +
		"  environment.num_cpu: A 8, B 16"
	if err.Error() != want {
		t.Errorf("error:\n%s\nwant:\n%s", err, want)
	}
	c.Differences = nil
	if err := c.Comparable(); err != nil {
		t.Errorf("Comparable() = %v for runs that do not differ", err)
	}
}
