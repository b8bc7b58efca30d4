package profile

import (
	"encoding/json"
	"errors"
	"flag"
	"io/fs"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	goldenpkg "github.com/otelbench/otelbench/internal/golden"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// lines joins its arguments into a YAML document, one argument per line, so
// that a test's line numbers can be read off its source.
func lines(ls ...string) []byte {
	return []byte(strings.Join(ls, "\n") + "\n")
}

// golden compares got with testdata/name, rewriting it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	goldenpkg.Check(t, filepath.Join("testdata", name), got, *update)
}

func ptr[T any](v T) *T { return &v }

func TestParseGood(t *testing.T) {
	minimal := &Profile{
		Name:        "min",
		Rates:       []int{1000},
		Duration:    Duration(6 * time.Second),
		Warmup:      DefaultWarmup,
		Repetitions: DefaultRepetitions,
		Timeout:     DefaultTimeout,
		MaxWorkers:  DefaultMaxWorkers,
		Budget:      Budget{P99OverheadPct: DefaultP99OverheadPct},
		Collector:   CollectorSink,
		Variants:    []Variant{{Name: "base", Kind: KindNone}},
		Path:        "min.yaml",
	}
	withBlocks := *minimal
	withBlocks.Workload = Workload{CPU: Duration(250 * time.Microsecond)}
	withBlocks.Warmup = 0
	for _, tc := range []struct {
		name string
		data []byte
		want *Profile
	}{
		{
			// Only the required keys: everything else takes its default.
			name: "minimal gets defaults",
			data: lines("name: min", "rates: [1000]", "duration: 6s", "variants:", "  - name: base", "    kind: none"),
			want: minimal,
		},
		{
			// An empty budget block keeps the default budget, a zero warmup
			// is allowed, and "us" is accepted for microseconds.
			name: "partial blocks keep defaults",
			data: lines("name: min", "rates: [1000]", "duration: 6s", "warmup: 0s", "workload:", "  cpu: 250us",
				"budget: {}", "variants:", "  - name: base", "    kind: none"),
			want: &withBlocks,
		},
		{
			// Anchors and aliases resolve to the values they name.
			name: "aliases",
			data: lines("name: min", "rates: [&r 1000]", "duration: &d 6s", "variants:", "  - name: base", "    kind: none"),
			want: minimal,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse("min.yaml", tc.data)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Parse =\n%+v\nwant\n%+v", got, tc.want)
			}
		})
	}
}

func TestParseFull(t *testing.T) {
	p, err := Load(filepath.Join("testdata", "full.yaml"))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	want := &Profile{
		Name:        "full",
		Description: "every key set",
		Rates:       []int{1000, 4000},
		Duration:    Duration(6 * time.Second),
		Warmup:      Duration(500 * time.Millisecond),
		Repetitions: 3,
		Timeout:     Duration(5 * time.Second),
		MaxWorkers:  256,
		Workload:    Workload{CPU: Duration(50 * time.Microsecond), Sleep: Duration(1500 * time.Microsecond), ExtraSpans: 1},
		Sink:        Sink{Delay: Duration(10 * time.Millisecond)},
		Budget:      Budget{P99OverheadPct: 12.5},
		Collector:   CollectorSink,
		Variants: []Variant{
			{Name: "baseline", Kind: KindNone},
			{Name: "sync", Kind: KindSync, ExporterTimeout: ptr(Duration(2 * time.Second))},
			{
				Name: "batch-q64", Kind: KindBatch,
				QueueSize: ptr(64), MaxExportBatchSize: ptr(32),
				BatchTimeout: ptr(Duration(5 * time.Second)), ExportTimeout: ptr(Duration(30 * time.Second)),
				Blocking: true, ExporterTimeout: ptr(Duration(10 * time.Second)),
				ExtraEnv: map[string]string{
					"OTEL_SERVICE_NAME":        "checkout",
					"OTEL_RESOURCE_ATTRIBUTES": "deployment.environment=bench",
				},
			},
			{Name: "sampled-10", Kind: KindSampled, SampleRatio: ptr(0.1)},
		},
		Path: filepath.Join("testdata", "full.yaml"),
	}
	if !reflect.DeepEqual(p, want) {
		t.Fatalf("Load =\n%+v\nwant\n%+v", p, want)
	}

	// Results embed the profile as JSON: check its shape and that it reads
	// back to the same profile.
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "full.golden.json", append(b, '\n'))
	var back Profile
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("unmarshal JSON: %v", err)
	}
	if !reflect.DeepEqual(&back, p) {
		t.Errorf("JSON round trip =\n%+v\nwant\n%+v", &back, p)
	}
}

func TestLoadMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nope.yaml")
	_, err := Load(path)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Load = %v, want fs.ErrNotExist", err)
	}
	if !strings.Contains(err.Error(), path) {
		t.Errorf("error %q does not name %s", err, path)
	}
	var perr *Error
	if errors.As(err, &perr) {
		t.Errorf("an unreadable file is not bad input, but Load returned *Error %v", perr)
	}
}

func TestBaseline(t *testing.T) {
	p := &Profile{Variants: []Variant{{Name: "b", Kind: KindBatch}, {Name: "n1", Kind: KindNone}, {Name: "n2", Kind: KindNone}}}
	if got := p.Baseline(); got == nil || got.Name != "n1" {
		t.Errorf("Baseline = %+v, want the first none variant n1", got)
	}
	if got := (&Profile{Variants: []Variant{{Kind: KindSync}}}).Baseline(); got != nil {
		t.Errorf("Baseline without a none variant = %+v, want nil", got)
	}
}

func TestSpansPerRequest(t *testing.T) {
	w := Workload{ExtraSpans: 3}
	for _, tc := range []struct {
		kind Kind
		want int
	}{
		{KindNone, 0},    // the baseline creates no spans
		{KindSync, 5},    // the two spans of every traced request and three extra
		{KindBatch, 5},   // same for every traced kind
		{KindSampled, 5}, // sampling drops spans after they are created
	} {
		if got := (Variant{Kind: tc.kind}).SpansPerRequest(w); got != tc.want {
			t.Errorf("SpansPerRequest(%s) = %d, want %d", tc.kind, got, tc.want)
		}
	}
}
