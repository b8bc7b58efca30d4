package report

import (
	"bytes"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	goldenpkg "github.com/otelbench/otelbench/internal/golden"
	"github.com/otelbench/otelbench/internal/summary"
)

var update = flag.Bool("update", false, "rewrite golden files")

// golden compares got with testdata/name, rewriting it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	goldenpkg.Check(t, filepath.Join("testdata", name), got, *update)
}

// formats are the renderers under test, by golden file extension.
var formats = []struct {
	ext    string
	render func(io.Writer, *summary.Summary) error
}{
	{"txt", Text},
	{"md", Markdown},
}

func TestGolden(t *testing.T) {
	cases := []struct {
		name    string // golden files are testdata/<name>.golden.<ext>
		summary func(*testing.T) *summary.Summary
	}{
		// The recommended variant sets a queue size, a batch timeout,
		// blocking, an exporter timeout and a sample ratio.
		{"report", sampleSummary},
		// No variant qualifies: reasons and rejections, no code.
		{"report-none-qualifies", noneQualifies},
	}
	for _, tc := range cases {
		for _, f := range formats {
			t.Run(tc.name+"."+f.ext, func(t *testing.T) {
				var b bytes.Buffer
				if err := f.render(&b, tc.summary(t)); err != nil {
					t.Fatal(err)
				}
				golden(t, tc.name+".golden."+f.ext, b.Bytes())
			})
		}
	}
}

// TestRecommendationCode checks the code and variables shown for the
// recommended variant, in both formats.
func TestRecommendationCode(t *testing.T) {
	defaults := func(t *testing.T) *summary.Summary {
		s := sampleSummary(t)
		v := sampleVariants(t)["batch"]
		s.Recommendation.Variant, s.Recommendation.Settings, s.Recommendation.Env = v.Name, &v, v.Env()
		return s
	}
	cases := []struct {
		name    string
		summary func(*testing.T) *summary.Summary
		want    []string
		absent  []string
	}{{
		// Every option the sampled variant sets is in the Go code and,
		// except blocking, in the variables.
		name:    "non-default settings",
		summary: sampleSummary,
		want: []string{
			"Use the settings of sampled-10.",
			"otlptracegrpc.WithTimeout(5 * time.Second)",
			"sdktrace.WithMaxQueueSize(64)",
			"sdktrace.WithBatchTimeout(100 * time.Millisecond)",
			"sdktrace.WithBlocking()",
			"sdktrace.ParentBased(sdktrace.TraceIDRatioBased(0.1))",
			"OTEL_BSP_MAX_QUEUE_SIZE=64\n",
			"OTEL_BSP_SCHEDULE_DELAY=100\n",
			"OTEL_EXPORTER_OTLP_TIMEOUT=5000\n",
			"OTEL_TRACES_SAMPLER=parentbased_traceidratio\n",
			"OTEL_TRACES_SAMPLER_ARG=0.1\n",
			"Blocking has no standard variable: it needs sdktrace.WithBlocking() in code.",
		},
		absent: []string{"none to set", "No measured variant qualifies."},
	}, {
		// The SDK's defaults: nothing to set.
		name:    "defaults",
		summary: defaults,
		want: []string{
			"Use the settings of batch.",
			"sdktrace.WithBatcher(exporter), // the SDK's defaults",
			"As environment variables: none to set; the SDK's defaults apply.",
		},
		absent: []string{"OTEL_", "WithSampler", "WithBlocking", "WithTimeout"},
	}, {
		// Nothing qualifies: no code at all.
		name:    "nothing qualifies",
		summary: noneQualifies,
		want:    []string{"No measured variant qualifies.", "sampled-10: p99 overhead +12.1% (360µs) at 3000/s exceeds the 10% budget"},
		absent:  []string{"As Go:", "sdktrace", "OTEL_", "Use the settings"},
	}}
	for _, tc := range cases {
		for _, f := range formats {
			t.Run(tc.name+"."+f.ext, func(t *testing.T) {
				var b bytes.Buffer
				if err := f.render(&b, tc.summary(t)); err != nil {
					t.Fatal(err)
				}
				rec := b.String()[strings.Index(b.String(), "Recommendation"):]
				for _, w := range tc.want {
					if !strings.Contains(rec, w) {
						t.Errorf("the recommendation lacks %q:\n%s", w, rec)
					}
				}
				for _, a := range tc.absent {
					if strings.Contains(rec, a) {
						t.Errorf("the recommendation contains %q:\n%s", a, rec)
					}
				}
			})
		}
	}
}

// splitRow splits a Markdown table line into its cells, honouring \|.
func splitRow(line string) []string {
	line = strings.TrimSpace(line)
	line = strings.TrimPrefix(line, "|")
	line = strings.TrimSuffix(line, "|")
	var cells []string
	var cur strings.Builder
	for i := 0; i < len(line); i++ {
		switch {
		case line[i] == '\\' && i+1 < len(line) && line[i+1] == '|':
			cur.WriteString(`\|`)
			i++
		case line[i] == '|':
			cells = append(cells, strings.TrimSpace(cur.String()))
			cur.Reset()
		default:
			cur.WriteByte(line[i])
		}
	}
	return append(cells, strings.TrimSpace(cur.String()))
}

// checkTables checks every Markdown table in md: a header, a separator of
// the same width, and rows with as many cells as the header. It returns how
// many tables it found.
func checkTables(t *testing.T, md string) int {
	t.Helper()
	lines := strings.Split(md, "\n")
	tables := 0
	for i := 0; i < len(lines); i++ {
		if !strings.HasPrefix(lines[i], "|") {
			continue
		}
		tables++
		header := splitRow(lines[i])
		if i+1 >= len(lines) || !strings.HasPrefix(lines[i+1], "|") {
			t.Errorf("line %d: table without a separator", i+1)
			continue
		}
		sep := splitRow(lines[i+1])
		if len(sep) != len(header) {
			t.Errorf("line %d: separator has %d cells, header %d", i+2, len(sep), len(header))
		}
		for _, c := range sep {
			if strings.Trim(c, "-:") != "" || !strings.Contains(c, "---") {
				t.Errorf("line %d: %q is not a separator cell", i+2, c)
			}
		}
		j := i + 2
		for ; j < len(lines) && strings.HasPrefix(lines[j], "|"); j++ {
			if n := len(splitRow(lines[j])); n != len(header) {
				t.Errorf("line %d has %d cells, its header %d: %s", j+1, n, len(header), lines[j])
			}
		}
		if j < len(lines) && lines[j] != "" {
			t.Errorf("line %d: a table must end with a blank line, got %q", j+1, lines[j])
		}
		i = j
	}
	return tables
}

func TestMarkdownTables(t *testing.T) {
	for _, tc := range []struct {
		name    string
		summary func(*testing.T) *summary.Summary
	}{
		{"report", sampleSummary},
		{"report-none-qualifies", noneQualifies},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := Markdown(&b, tc.summary(t)); err != nil {
				t.Fatal(err)
			}
			// Three tables per rate, then accounting and recovery.
			if n := checkTables(t, b.String()); n != 8 {
				t.Errorf("found %d tables, want 8", n)
			}
		})
	}
}

// TestMarkdownEscape checks that a pipe in a cell stays in its cell.
func TestMarkdownEscape(t *testing.T) {
	var b bytes.Buffer
	m := &markdownRenderer{w: &b}
	m.table(table{header: []string{"a", "b|c"}, rows: [][]string{{"x|y", "z"}, {"", "|"}}})
	if err := m.err(); err != nil {
		t.Fatal(err)
	}
	if n := checkTables(t, b.String()); n != 1 {
		t.Errorf("found %d tables, want 1:\n%s", n, b.String())
	}
	if !strings.Contains(b.String(), `| x\|y | z |`) {
		t.Errorf("pipe not escaped:\n%s", b.String())
	}
}

// failWriter fails every write after the first n bytes.
type failWriter struct{ n int }

func (w *failWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		k := w.n
		w.n = 0
		return k, os.ErrClosed
	}
	w.n -= len(p)
	return len(p), nil
}

// TestWriteError checks that a failing writer's error is returned, whatever
// the write it failed on.
func TestWriteError(t *testing.T) {
	for _, f := range formats {
		for _, n := range []int{0, 100, 1000, 3000} {
			if err := f.render(&failWriter{n: n}, sampleSummary(t)); err == nil {
				t.Errorf("%s: no error from a writer that fails after %d bytes", f.ext, n)
			}
		}
	}
}
