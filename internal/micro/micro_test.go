package micro

import (
	"strings"
	"testing"
	"time"
)

const sample = `goos: linux
goarch: amd64
pkg: github.com/otelbench/otelbench/targets
BenchmarkMicro/cpu=20us/extra=1/bare-2         	   52156	     23182 ns/op	     19557 app-ns/op	     20723 cpu-ns/op
runtime: cannot set cpu profile rate until previous profile has finished.
BenchmarkMicro/cpu=20us/extra=1/bare-2         	   52000	     23000 ns/op	     19000 app-ns/op	     20000 cpu-ns/op
BenchmarkMicro/cpu=20us/extra=1/bare-2         	   52000	     23500 ns/op	     19900 app-ns/op	     21000 cpu-ns/op
BenchmarkMicro/cpu=20us/extra=1/sdk-otlp-2     	   21768	     71522 ns/op	     4135 export-ns/op	     44596 cpu-ns/op
PASS
ok  	github.com/otelbench/otelbench/targets	4.784s
`

func TestParse(t *testing.T) {
	r, err := Parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	if r.CPU != 20*time.Microsecond || r.ExtraSpans != 1 || len(r.Setups) != 2 {
		t.Fatalf("got %+v", r)
	}
	bare, ok := r.Setup(SetupBare)
	if !ok || bare.Runs != 3 {
		t.Fatalf("bare: %+v", bare)
	}
	if m, _ := bare.Median(UnitCPU); m != 20723 {
		t.Errorf("bare cpu median %g, want 20723", m)
	}
	if _, ok := bare.Median("export-ns/op"); ok {
		t.Error("bare has an export figure it never reported")
	}
	otlp, _ := r.Setup(SetupSDKOTLP)
	if m, _ := otlp.Median("export" + ComponentSuffix); m != 4135 {
		t.Errorf("sdk-otlp export %g, want 4135", m)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		// Nothing of ours in the file.
		{"empty", "PASS\n", "no BenchmarkMicro line"},
		// A run of another workload cannot be mixed in.
		{"two workloads", "BenchmarkMicro/cpu=20us/extra=1/bare-2 1 2 ns/op\nBenchmarkMicro/cpu=50us/extra=1/bare-2 1 2 ns/op\n", "line 2: workload cpu=50us/extra=1 after cpu=20us/extra=1"},
		// A value that is not a number names its line.
		{"bad value", "BenchmarkMicro/cpu=20us/extra=1/bare-2 1 x ns/op\n", "line 1: value \"x\" of ns/op"},
		// A name without the workload.
		{"bad name", "BenchmarkMicro/bare-2 1 2 ns/op\n", "want BenchmarkMicro/cpu=…/extra=…/SETUP"},
		{"bad workload", "BenchmarkMicro/cpu=fast/extra=1/bare-2 1 2 ns/op\n", "workload \"cpu=fast/extra=1\""},
		// An odd number of fields: a value without its unit.
		{"unpaired", "BenchmarkMicro/cpu=20us/extra=1/bare-2 1 2\n", "line 1: want a name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse: %v, want an error containing %q", err, tt.want)
			}
		})
	}
}
