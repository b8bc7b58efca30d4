package report

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/results"
	"github.com/otelbench/otelbench/internal/summary"
)

// TestHTMLGolden renders the default fixture; refresh with -update and
// look at the page (or its screenshot in TestHTMLInChromium) when it changes.
func TestHTMLGolden(t *testing.T) {
	_, page := htmlReport(t, htmlRun(t, "", htmlDefaultEdit))
	golden(t, "html-report.golden.html", page)
}

// chartCounts is what checkPage found: per kind of chart (the start of its
// aria-label), how many SVGs and how many of their data marks.
type chartCounts struct {
	svgs  map[string]int
	marks map[string]int
}

// chartKinds names the charts by the start of their aria-label.
var chartKinds = []string{"latency by percentile", "overhead against", "CPU per request", "peak RSS", "spans lost", "timeline"}

// chartKind returns which of chartKinds an SVG's label names; timelines are
// labelled "<variant> at <rate> requests/s, rep <k>".
func chartKind(label string) string {
	for _, k := range chartKinds {
		if strings.HasPrefix(label, k) {
			return k
		}
	}
	if strings.Contains(label, ", rep ") {
		return "timeline"
	}
	return label
}

// dataClasses are the classes of the elements that draw data (not axes,
// grids or legends).
var dataClasses = map[string]bool{"series": true, "marker": true, "bar": true, "spark-line": true}

// checkPage parses page as HTML and checks that it is self-contained: no
// script with a source, no link, image, frame or object, no href out of
// the page, no URL in any attribute or style. It returns its charts.
func checkPage(t *testing.T, page []byte) chartCounts {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatalf("parsing the page: %v", err)
	}
	cc := chartCounts{svgs: map[string]int{}, marks: map[string]int{}}
	var walk func(n *html.Node, svg string)
	walk = func(n *html.Node, svg string) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "link", "img", "iframe", "object", "embed", "video", "audio", "source", "base", "script":
				t.Errorf("the page has a <%s> element", n.Data)
			case "svg":
				svg = chartKind(attr(n, "aria-label"))
				cc.svgs[svg]++
			}
			for _, a := range n.Attr {
				v := strings.ToLower(a.Val)
				switch {
				case a.Key == "src":
					t.Errorf("<%s src=%q>: the page must load nothing", n.Data, a.Val)
				case a.Key == "href" && !strings.HasPrefix(a.Val, "#"):
					t.Errorf("<%s href=%q> points out of the page", n.Data, a.Val)
				case strings.Contains(v, "http:") || strings.Contains(v, "https:") || strings.Contains(v, "url(") || strings.Contains(v, "//"):
					t.Errorf("<%s %s=%q> names a URL", n.Data, a.Key, a.Val)
				}
			}
			if svg != "" && dataClasses[attr(n, "class")] && (n.Data == "path" || n.Data == "circle" || n.Data == "rect") {
				cc.marks[svg]++
			}
		}
		if n.Type == html.ElementNode && n.Data == "style" && n.FirstChild != nil {
			css := strings.ToLower(n.FirstChild.Data)
			for _, bad := range []string{"url(", "@import", "http:", "https:"} {
				if strings.Contains(css, bad) {
					t.Errorf("the style sheet contains %q", bad)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, svg)
		}
	}
	walk(doc, "")
	return cc
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// wantCharts checks that every kind of chart is there as often as the run
// asks, each with data marks.
func wantCharts(t *testing.T, cc chartCounts, s *summary.Summary, l *results.Loaded) {
	t.Helper()
	ok := 0
	for _, c := range l.Cells {
		if c.Status == results.StatusOK {
			ok++
		}
	}
	want := map[string]int{
		"latency by percentile": len(s.Rates), "overhead against": len(s.Rates),
		"CPU per request": 1, "peak RSS": 1, "spans lost": 1, "timeline": ok,
	}
	for _, k := range chartKinds {
		if cc.svgs[k] != want[k] {
			t.Errorf("%d SVGs of %q, want %d", cc.svgs[k], k, want[k])
		}
		if want[k] > 0 && cc.marks[k] < want[k] {
			t.Errorf("%q charts draw %d data marks, want at least one each (%d)", k, cc.marks[k], want[k])
		}
	}
	for k := range cc.svgs {
		if want[k] == 0 {
			t.Errorf("unexpected SVG %q", k)
		}
	}
}

// TestHTMLCharts checks the page's structure: well-formed, self-contained,
// and every chart there with data.
func TestHTMLCharts(t *testing.T) {
	t.Parallel()
	l := htmlRun(t, "", htmlDefaultEdit)
	s, page := htmlReport(t, l)
	cc := checkPage(t, page)
	wantCharts(t, cc, s, l)
	// One spectrum line per variant and rate; two markers (p50, p99) per
	// variant measured besides the baseline; a CPU and a RSS bar per row
	// measured, a loss bar per instrumented row; two lines per timeline.
	rows, instrumented, measured := 0, 0, 0
	for _, rs := range s.Rates {
		for _, r := range rs.Rows {
			if r.Reps > 0 {
				rows++
				if !r.Baseline {
					measured++
				}
				if r.Kind != profile.KindNone {
					instrumented++
				}
			}
		}
	}
	for kind, want := range map[string]int{
		"latency by percentile": rows + rows*spectrumPoints, // a path and its points; short pools have fewer
		"overhead against":      2 * measured,
		"CPU per request":       rows,
		"peak RSS":              rows,
		"spans lost":            instrumented,
		"timeline":              2 * cc.svgs["timeline"],
	} {
		got := cc.marks[kind]
		if kind == "latency by percentile" {
			if got < rows || got > want {
				t.Errorf("%s: %d marks, want %d lines and up to %d points", kind, got, rows, want-rows)
			}
			continue
		}
		if got != want {
			t.Errorf("%s: %d data marks, want %d", kind, got, want)
		}
	}
	for _, w := range []string{
		// The header: environment, warnings, the verdict.
		"Synthetic CPU @ 3.00GHz", "go1.26.0", "8 (GOMAXPROCS 8)",
		"cell 013-sync-r1000-rep2 failed: starting target: exit status 1",
		// The tables of the text report and the span accounting.
		"<th>p99 intended</th>", "<th>OnEnd p99</th>", "<th>queue size</th>", "<td>2048 (default)</td>", "<td>64</td>", "<td>none (sync)</td>",
		// The loss chart says what the sink did.
		"Spans lost by queue size (sink delay 2.00ms)",
		// How to read, and the recommendation with its code or its rejections.
		"How to read the span columns", "id=\"recommendation\"", "Not chosen:",
	} {
		if !bytes.Contains(page, []byte(html.EscapeString(w))) && !bytes.Contains(page, []byte(w)) {
			t.Errorf("the page does not contain %q", w)
		}
	}
}

// TestHTMLRecommendation checks the code and the variables of a
// recommendation, as the text report shows them.
func TestHTMLRecommendation(t *testing.T) {
	t.Parallel()
	// A generous budget: the batch variants qualify.
	yaml := strings.Replace(htmlProfile, "p99_overhead_pct: 10", "p99_overhead_pct: 400", 1)
	l := htmlRun(t, yaml, nil)
	s, page := htmlReport(t, l)
	if s.Recommendation.Variant == "" {
		t.Fatalf("no recommendation: %v", s.Recommendation.Reasons)
	}
	text := html.UnescapeString(string(page))
	for _, w := range []string{
		"Recommended: <a href=\"#recommendation\">" + s.Recommendation.Variant + "</a>",
		"Use the settings of " + s.Recommendation.Variant + ".",
		"tp := sdktrace.NewTracerProvider(",
	} {
		if !strings.Contains(text, w) {
			t.Errorf("the page does not contain %q", w)
		}
	}
	for _, line := range envLines(s.Recommendation.Env) {
		if !strings.Contains(text, line) {
			t.Errorf("the page does not contain the variable %q", line)
		}
	}
	for _, r := range s.Recommendation.Reasons {
		if !strings.Contains(text, r) {
			t.Errorf("the page does not give the reason %q", r)
		}
	}
}

// TestHTMLWithoutRaw checks the cases where the charts of raw results have
// nothing to draw: they say why, and everything else is there.
func TestHTMLWithoutRaw(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		// prepare returns the run to render (nil: only the summary).
		prepare func(t *testing.T, l *results.Loaded) *results.Loaded
		want    []string
	}{{
		// No run: only the Summary's charts.
		name:    "no run",
		prepare: func(*testing.T, *results.Loaded) *results.Loaded { return nil },
		want:    []string{"No raw results (results.gob) to draw from.", "No raw results to draw from."},
	}, {
		// A cell's results.gob is gone: the page says so, and draws the rest.
		name: "missing results",
		prepare: func(t *testing.T, l *results.Loaded) *results.Loaded {
			if err := os.Remove(l.CellPath(l.Cells[0], results.ResultsGob)); err != nil {
				t.Fatal(err)
			}
			return l
		},
		want: []string{"charts: cell 000-none-r500-rep1: no results.gob"},
	}, {
		// No results.gob at all: no spectrum, no timeline, and no hang
		// on scales of nothing.
		name: "no results",
		prepare: func(t *testing.T, l *results.Loaded) *results.Loaded {
			for _, c := range l.Cells {
				if err := os.Remove(l.CellPath(c, results.ResultsGob)); err != nil {
					t.Fatal(err)
				}
			}
			return l
		},
		want: []string{"No raw results (results.gob) to draw from.", "charts: cell 015-batch-q64-r1000-rep2: no results.gob", "no results"},
	}, {
		// A truncated results.gob: what it holds is drawn, and the page says so.
		name: "truncated results",
		prepare: func(t *testing.T, l *results.Loaded) *results.Loaded {
			path := l.CellPath(l.Cells[1], results.ResultsGob)
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, b[:len(b)/2], 0o644); err != nil {
				t.Fatal(err)
			}
			return l
		},
		want: []string{"charts: cell 001-sync-r500-rep1: reading results.gob after"},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			l := htmlRun(t, "", nil)
			s, err := summary.Build(l)
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			if err := HTML(&b, s, tc.prepare(t, l)); err != nil {
				t.Fatal(err)
			}
			cc := checkPage(t, b.Bytes())
			for _, k := range []string{"overhead against", "CPU per request", "peak RSS", "spans lost"} {
				if cc.svgs[k] == 0 || cc.marks[k] == 0 {
					t.Errorf("no %q chart with data", k)
				}
			}
			for _, w := range tc.want {
				if !strings.Contains(html.UnescapeString(b.String()), w) {
					t.Errorf("the page does not say %q", w)
				}
			}
		})
	}
}

// TestHTMLWriteError checks that a failing writer's error is returned.
func TestHTMLWriteError(t *testing.T) {
	t.Parallel()
	l := htmlRun(t, "", nil)
	s, err := summary.Build(l)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{0, 1000, 100000} {
		if err := HTML(&failWriter{n: n}, s, l); err == nil {
			t.Errorf("no error from a writer that fails after %d bytes", n)
		}
	}
}

// TestHTMLSize checks that a run of 100 cells of 30 s (120 timeline bins
// each) gives a page that opens quickly: under 2 MB. The size grows with
// cells and bins, not with requests, so the rates are low.
func TestHTMLSize(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 100 cells of results")
	}
	t.Parallel()
	yaml := `name: big
rates: [20, 40]
duration: 30s
warmup: 0s
repetitions: 10
variants:
  - name: none
    kind: none
  - name: sync
    kind: sync
  - name: batch
    kind: batch
  - name: batch-q64
    kind: batch
    queue_size: 64
  - name: batch-q4096
    kind: batch
    queue_size: 4096
`
	l := htmlRun(t, yaml, nil)
	if len(l.Cells) != 100 {
		t.Fatalf("%d cells, want 100", len(l.Cells))
	}
	s, page := htmlReport(t, l)
	t.Logf("100 cells: %d bytes", len(page))
	if len(page) > 2<<20 {
		t.Errorf("the page is %d bytes, want under 2 MiB", len(page))
	}
	wantCharts(t, checkPage(t, page), s, l)
}

// TestHTMLID checks the section ids the navigation links to.
func TestHTMLID(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"1000 requests/s", "1000-requests-s"},
		{"How to read the span columns", "how-to-read-the-span-columns"},
		{"Recommendation", "recommendation"},
		// Leading and trailing punctuation leaves no dash.
		{"  Δ (noise) ", "noise"},
	} {
		if got := htmlID(tc.in); got != tc.want {
			t.Errorf("htmlID(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// ExampleHTML is how otelbench writes report.html next to report.md.
func ExampleHTML() {
	l, err := results.Open("results/20250102T030405Z-default")
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := summary.Build(l)
	if err != nil {
		fmt.Println(err)
		return
	}
	f, err := os.Create(filepath.Join(l.Path, HTMLFile))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	if err := HTML(f, s, l); err != nil {
		fmt.Println(err)
	}
}
