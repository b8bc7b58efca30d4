package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/otelbench/otelbench/internal/analysis"
	goldenpkg "github.com/otelbench/otelbench/internal/golden"
	"github.com/otelbench/otelbench/internal/results/resultstest"
)

var update = flag.Bool("update", false, "rewrite golden files")

// golden compares got with testdata/name, rewriting it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	goldenpkg.Check(t, filepath.Join("testdata", name), got, *update)
}

// sampleProfile is the report's synthetic run: the baseline and an A/A
// control, sync, batch with the defaults and with a small queue, and 10%
// sampling, at two rates with five repetitions (the fewest that can make
// a difference significant).
var sampleProfile = strings.NewReplacer("repetitions: 2", "repetitions: 5",
	"  - name: sync\n", "  - name: none-aa\n    kind: none\n  - name: sync\n").Replace(resultstest.DefaultProfile)

// sampleFixture is sampleProfile with its measurements: exports of 5 ms,
// CPU that varies a little between repetitions, and a few spans lost by
// the small queue at the higher rate.
func sampleFixture(t *testing.T, yaml string) *resultstest.Fixture {
	t.Helper()
	if yaml == "" {
		yaml = sampleProfile
	}
	f := resultstest.New(t, yaml)
	f.SetExport("", 5*time.Millisecond)
	for _, c := range f.Cells {
		// Repetitions 2% apart, not resultstest's 1 ms apart: a quiet
		// machine, as a report usually shows.
		rep, shift := c.Rep, resultstest.Shift[c.Variant.Name][min(slices.Index(f.Profile.Rates, c.Rate), 1)]
		c.Latency = func(i int) time.Duration {
			return time.Duration(float64(time.Millisecond+time.Duration(i)*resultstest.Step)*(1+0.02*float64(rep-3))) + shift
		}
		per := resultstest.CPUPerRequest[c.Variant.Name]
		if per == 0 {
			per = resultstest.CPUPerRequest["none"]
		}
		c.CPU = time.Duration(float64(per)*(1+0.02*float64(c.Rep-3))) * time.Duration(c.N)
		c.OnEndMax = 40 * time.Microsecond
		costs(c)
	}
	// The small queue drops 12 spans at the higher rate, in one repetition.
	if slices.ContainsFunc(f.Cells, func(c *resultstest.Cell) bool { return c.Variant.Name == "batch-q64" && c.Rate == 3000 }) {
		c := f.Cell(t, "batch-q64", 3000, 1)
		c.Spans.ExportedOK -= 12
		c.Spans.Dropped, c.Spans.DropSource = 12, "clean-shutdown"
		f.LoseSpans(t, "batch-q64", 3000, 12)
	}
	return f
}

// analyse writes the fixture's run and analyses it.
func analyse(t *testing.T, f *resultstest.Fixture) *analysis.Analysis {
	t.Helper()
	a, err := analysis.Of(f.Write(t))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// sampleAnalysis is the sample run with a p99 budget of 15%: batch
// qualifies, batch-q64 loses spans, sync is too slow.
func sampleAnalysis(t *testing.T) *analysis.Analysis {
	return analyse(t, sampleFixture(t, strings.Replace(sampleProfile, "p99_overhead_pct: 10", "p99_overhead_pct: 15", 1)))
}

// noneQualifies is the sample run with a p99 budget of 1%, which nothing
// meets.
func noneQualifies(t *testing.T) *analysis.Analysis {
	return analyse(t, sampleFixture(t, strings.Replace(sampleProfile, "p99_overhead_pct: 10", "p99_overhead_pct: 1", 1)))
}

// formats are the renderers under test, by golden file extension.
var formats = []struct {
	ext    string
	render func(io.Writer, *analysis.Analysis) error
}{
	{"txt", Text},
	{"md", Markdown},
}

func TestGolden(t *testing.T) {
	cases := []struct {
		name string // golden files are testdata/<name>.golden.<ext>
		make func(*testing.T) *analysis.Analysis
	}{
		// batch qualifies; batch-q64 loses spans; sync is too slow.
		{"report", sampleAnalysis},
		// Nothing meets a 1% budget: the best measured settings, what they
		// miss, and the run's noise floor.
		{"report-none-qualifies", noneQualifies},
		// noop, ratio 0 and the fully sampled batch: the floor, the cost
		// per sampled span and its predictions, one within and one not.
		{"report-floor", floorAnalysis},
	}
	for _, tc := range cases {
		a := tc.make(t)
		for _, f := range formats {
			t.Run(tc.name+"."+f.ext, func(t *testing.T) {
				var b bytes.Buffer
				if err := f.render(&b, a); err != nil {
					t.Fatal(err)
				}
				golden(t, tc.name+".golden."+f.ext, b.Bytes())
			})
		}
	}
}

// answerLines returns the non-empty lines of report.md's Answer section,
// and whether it is the first section.
func answerLines(md string) ([]string, bool) {
	var lines []string
	first, in := true, false
	for _, l := range strings.Split(md, "\n") {
		switch {
		case strings.HasPrefix(l, "## "):
			if in {
				return lines, first
			}
			in = l == "## Answer"
			if !in {
				first = false
			}
		case in && strings.TrimSpace(l) != "":
			lines = append(lines, l)
		}
	}
	return lines, first
}

// TestAnswerFirst: every report opens, before any table, with the answer:
// the settings as OTEL_* lines, what they cost at each rate, and the
// budget verdict, in 5 to 15 lines; and it is the same answer as
// summary.json's.
func TestAnswerFirst(t *testing.T) {
	for _, tc := range []struct {
		name   string
		a      *analysis.Analysis
		within bool
	}{{"qualifies", sampleAnalysis(t), true}, {"none qualifies", noneQualifies(t), false}} {
		t.Run(tc.name, func(t *testing.T) {
			var md bytes.Buffer
			if err := Markdown(&md, tc.a); err != nil {
				t.Fatal(err)
			}
			lines, first := answerLines(md.String())
			if !first || len(lines) < 5 || len(lines) > 15 {
				t.Fatalf("answer first %v, %d lines, want the first section with 5–15 lines:\n%s", first, len(lines), strings.Join(lines, "\n"))
			}
			text := strings.Join(lines, "\n")
			for k, v := range tc.a.Advice.Env {
				if !strings.Contains(text, k+"="+v) {
					t.Errorf("the answer lacks %s=%s", k, v)
				}
			}
			for _, rate := range []string{"At 1000 requests/s", "At 3000 requests/s"} {
				if !strings.Contains(text, rate) {
					t.Errorf("the answer lacks %q", rate)
				}
			}
			if got := strings.Contains(text, "Within the budgets"); got != tc.within {
				t.Errorf("within the budgets: %v, want %v:\n%s", got, tc.within, text)
			}
			if !tc.within && !strings.Contains(text, "noise floor") {
				t.Errorf("a missed budget without the noise floor beside it:\n%s", text)
			}
			// summary.json carries the same OTEL_BSP_* values.
			data, err := json.Marshal(tc.a)
			if err != nil {
				t.Fatal(err)
			}
			var back struct {
				Recommendation struct {
					Env map[string]string `json:"env"`
				} `json:"recommendation"`
			}
			if err := json.Unmarshal(data, &back); err != nil {
				t.Fatal(err)
			}
			for k, v := range back.Recommendation.Env {
				if strings.HasPrefix(k, "OTEL_BSP_") && !strings.Contains(text, k+"="+v) {
					t.Errorf("summary.json has %s=%s, the answer does not", k, v)
				}
			}
		})
	}
}

// TestWarningsGrouped: a run with warnings of many kinds in many rows shows
// one ⚠ line per kind, with the count and the range, and the details
// beside the numbers.
func TestWarningsGrouped(t *testing.T) {
	f := sampleFixture(t, "")
	for _, c := range f.Cells {
		// Every row noisy: the p50 of repetition 5 is 30% higher.
		if c.Rep == 5 {
			lat := c.Latency
			c.Latency = func(i int) time.Duration { return lat(i) * 13 / 10 }
		}
	}
	f.Cell(t, "batch", 3000, 2).SendRate = 2000
	a := analyse(t, f)
	var md bytes.Buffer
	if err := Markdown(&md, a); err != nil {
		t.Fatal(err)
	}
	var warn []string
	for _, l := range strings.Split(md.String(), "\n") {
		if strings.Contains(l, "⚠") {
			warn = append(warn, l)
		}
	}
	if len(warn) > 15 {
		t.Errorf("%d lines with ⚠, want at most 15:\n%s", len(warn), strings.Join(warn, "\n"))
	}
	kinds := map[string]int{}
	for _, w := range a.AllWarnings() {
		kinds[label(w.Kind)]++
	}
	for k, n := range kinds {
		lines := 0
		for _, w := range warn {
			if strings.HasPrefix(strings.TrimPrefix(w, "- ⚠ "), k+":") {
				lines++
			}
		}
		if lines != 1 {
			t.Errorf("kind %q (%d warnings) has %d ⚠ lines, want 1", k, n, lines)
		}
	}
	if !regexp.MustCompile(`⚠ noisy: \d+ rows \(p50 CV \d+(–\d+)?%`).MatchString(md.String()) {
		t.Errorf("the noisy line lacks its count and range:\n%s", strings.Join(warn, "\n"))
	}
	// Beside the 3000/s tables: which row, which repetition, which figure.
	if !strings.Contains(md.String(), "rate not reached: batch rep 2 (") {
		t.Errorf("the 3000/s section does not name the repetition that fell short")
	}
}

// TestRunningStatus: a run that did not finish says so where it starts.
func TestRunningStatus(t *testing.T) {
	f := sampleFixture(t, "")
	f.Status = "running"
	var b bytes.Buffer
	if err := Text(&b, analyse(t, f)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "status running: still being measured, 60 of 60 cells so far") {
		t.Errorf("a running run's report does not say so:\n%s", firstLines(b.String(), 5))
	}
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	return strings.Join(lines[:min(n, len(lines))], "\n")
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
		name string
		a    func(*testing.T) *analysis.Analysis
	}{
		{"report", sampleAnalysis},
		{"report-none-qualifies", noneQualifies},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := Markdown(&b, tc.a(t)); err != nil {
				t.Fatal(err)
			}
			// Five tables per rate, the senders, allocations (one per
			// rate), accounting (two), model (rows and onsets) and the
			// candidates.
			if n := checkTables(t, b.String()); n != 18 {
				t.Errorf("found %d tables, want 18", n)
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
			if err := f.render(&failWriter{n: n}, sampleAnalysis(t)); err == nil {
				t.Errorf("%s: no error from a writer that fails after %d bytes", f.ext, n)
			}
		}
	}
}

// TestDiedStatus: a run whose process died says so, with what it measured.
func TestDiedStatus(t *testing.T) {
	a := sampleAnalysis(t)
	a.Died, a.LastSeen, a.Cells = true, resultstest.T0.Add(time.Minute), 12
	var b bytes.Buffer
	if err := Text(&b, a); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "status died: the process measuring it is gone (last seen 2025-01-02T03:05:05Z), with 12 of 60 cells measured") {
		t.Errorf("a dead run's report does not say so:\n%s", firstLines(b.String(), 5))
	}
}
