package report

import (
	"go/parser"
	"go/token"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/otelbench/otelbench/internal/profile"
)

func TestDur(t *testing.T) {
	cases := []struct {
		name string
		d    time.Duration
		want string
	}{
		// Zero has no unit.
		{"zero", 0, "0"},
		// Under a microsecond: whole nanoseconds.
		{"nanoseconds", 850, "850ns"},
		{"just under a microsecond", 999, "999ns"},
		// Three significant figures from there on.
		{"one microsecond", time.Microsecond, "1.00µs"},
		{"microseconds", 1500, "1.50µs"},
		{"tens of microseconds", 60 * time.Microsecond, "60.0µs"},
		{"hundreds of microseconds", 123456, "123µs"},
		{"milliseconds", 12340 * time.Microsecond, "12.3ms"},
		{"seconds", 2500 * time.Millisecond, "2.50s"},
		{"minutes stay in seconds", 90 * time.Second, "90.0s"},
		// Negative differences keep their sign and their unit.
		{"negative", -1500 * time.Microsecond, "-1.50ms"},
		{"negative nanoseconds", -5, "-5ns"},
		// The largest duration stands for "beyond the histogram".
		{"infinite", time.Duration(math.MaxInt64), "∞"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := dur(tc.d); got != tc.want {
				t.Errorf("dur(%d) = %q, want %q", int64(tc.d), got, tc.want)
			}
		})
	}
}

func TestSignedDur(t *testing.T) {
	cases := []struct {
		name string
		d    time.Duration
		want string
	}{
		// A positive difference shows its plus sign.
		{"positive", 150 * time.Microsecond, "+150µs"},
		// No difference has no sign.
		{"zero", 0, "0"},
		// A negative one its minus sign, once.
		{"negative", -2 * time.Microsecond, "-2.00µs"},
		{"large", 2 * time.Second, "+2.00s"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := signedDur(tc.d); got != tc.want {
				t.Errorf("signedDur(%v) = %q, want %q", tc.d, got, tc.want)
			}
		})
	}
}

func TestSignedPct(t *testing.T) {
	cases := []struct {
		name string
		p    float64
		want string
	}{
		// One decimal, always signed.
		{"positive", 33.56, "+33.6%"},
		{"zero", 0, "+0.0%"},
		{"negative", -0.07, "-0.1%"},
		{"large", 1234.5, "+1234.5%"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := signedPct(tc.p); got != tc.want {
				t.Errorf("signedPct(%v) = %q, want %q", tc.p, got, tc.want)
			}
		})
	}
}

func TestBytesIEC(t *testing.T) {
	cases := []struct {
		name string
		b    int64
		want string
	}{
		// Unknown (never measured) shows a dash.
		{"zero", 0, "–"},
		{"negative", -1, "–"},
		// Everything else in MiB with one decimal.
		{"one MiB", 1 << 20, "1.0 MiB"},
		{"fraction", 21495808, "20.5 MiB"},
		{"GiB stay in MiB", 3 << 30, "3072.0 MiB"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := bytesIEC(tc.b); got != tc.want {
				t.Errorf("bytesIEC(%d) = %q, want %q", tc.b, got, tc.want)
			}
		})
	}
}

func TestGoDuration(t *testing.T) {
	cases := []struct {
		name string
		d    time.Duration
		want string
	}{
		// A whole number of the largest unit that divides it.
		{"seconds", 5 * time.Second, "5 * time.Second"},
		// One unit is the constant itself.
		{"one second", time.Second, "time.Second"},
		{"one hour", time.Hour, "time.Hour"},
		// Not a whole number of seconds: milliseconds.
		{"milliseconds", 1500 * time.Millisecond, "1500 * time.Millisecond"},
		{"batch timeout", 100 * time.Millisecond, "100 * time.Millisecond"},
		// 90s is not a whole number of minutes.
		{"90 seconds", 90 * time.Second, "90 * time.Second"},
		{"minutes", 2 * time.Minute, "2 * time.Minute"},
		{"microseconds", 250 * time.Microsecond, "250 * time.Microsecond"},
		{"nanoseconds", 1500, "1500 * time.Nanosecond"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := goDuration(tc.d); got != tc.want {
				t.Errorf("goDuration(%v) = %q, want %q", tc.d, got, tc.want)
			}
		})
	}
}

func TestGoCode(t *testing.T) {
	ptr := func(n int) *int { return &n }
	pdur := func(d time.Duration) *profile.Duration { x := profile.Duration(d); return &x }
	ratio := 0.25
	cases := []struct {
		name string
		v    profile.Variant
		want string
	}{{
		// The synchronous exporter: WithSyncer, no processor options.
		name: "sync",
		v:    profile.Variant{Name: "sync", Kind: profile.KindSync, ExporterTimeout: pdur(2 * time.Second)},
		want: `exporter, err := otlptracegrpc.New(ctx, otlptracegrpc.WithTimeout(2 * time.Second))
if err != nil {
	return err
}
tp := sdktrace.NewTracerProvider(
	sdktrace.WithSyncer(exporter),
)
`,
	}, {
		// The batch processor with the SDK's defaults says so.
		name: "batch defaults",
		v:    profile.Variant{Name: "batch", Kind: profile.KindBatch},
		want: `exporter, err := otlptracegrpc.New(ctx)
if err != nil {
	return err
}
tp := sdktrace.NewTracerProvider(
	sdktrace.WithBatcher(exporter), // the SDK's defaults
)
`,
	}, {
		// Every batch option, in the order the SDK documents them.
		name: "batch options",
		v: profile.Variant{Name: "batch-q64", Kind: profile.KindBatch, QueueSize: ptr(64), MaxExportBatchSize: ptr(32),
			BatchTimeout: pdur(100 * time.Millisecond), ExportTimeout: pdur(1500 * time.Millisecond), Blocking: true},
		want: `exporter, err := otlptracegrpc.New(ctx)
if err != nil {
	return err
}
tp := sdktrace.NewTracerProvider(
	sdktrace.WithBatcher(exporter,
		sdktrace.WithMaxQueueSize(64),
		sdktrace.WithMaxExportBatchSize(32),
		sdktrace.WithBatchTimeout(100 * time.Millisecond),
		sdktrace.WithExportTimeout(1500 * time.Millisecond),
		sdktrace.WithBlocking(),
	),
)
`,
	}, {
		// Sampling adds the parent-based ratio sampler.
		name: "sampled",
		v:    profile.Variant{Name: "sampled", Kind: profile.KindSampled, SampleRatio: &ratio},
		want: `exporter, err := otlptracegrpc.New(ctx)
if err != nil {
	return err
}
tp := sdktrace.NewTracerProvider(
	sdktrace.WithBatcher(exporter), // the SDK's defaults
	sdktrace.WithSampler(sdktrace.ParentBased(sdktrace.TraceIDRatioBased(0.25))),
)
`,
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := goCode(tc.v)
			if got != tc.want {
				t.Errorf("goCode:\n%s\nwant:\n%s", got, tc.want)
			}
			// What a user pastes must be valid Go inside a function body.
			// (gofmt would still write 100*time.Millisecond inside the
			// nested calls; the spaced form reads better on its own.)
			var body strings.Builder
			for _, line := range strings.SplitAfter(got, "\n") {
				if line != "" {
					body.WriteString("\t" + line)
				}
			}
			src := "package p\n\nfunc setup() error {\n" + body.String() + "\t_ = tp\n\treturn nil\n}\n"
			if _, err := parser.ParseFile(token.NewFileSet(), "setup.go", src, 0); err != nil {
				t.Errorf("not valid Go: %v\n%s", err, src)
			}
		})
	}
}
