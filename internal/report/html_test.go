package report

import (
	"bytes"
	"html"
	"strings"
	"testing"
	"time"

	xhtml "golang.org/x/net/html"

	"github.com/otelbench/otelbench/internal/analysis"
	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/results"
	"github.com/otelbench/otelbench/internal/results/resultstest"
)

// failedCell is the cell htmlAnalysis fails.
var failedCell string

// htmlAnalysis is the sample run with what the page must also show: a
// cell that failed, and timelines with failed requests.
func htmlAnalysis(t *testing.T) *analysis.Analysis {
	t.Helper()
	f := sampleFixture(t, "")
	c := f.Cell(t, "sync", 1000, 2)
	c.Status, c.Err = results.StatusFailed, "starting target: exit status 1"
	failedCell = c.Dir()
	b := f.Cell(t, "batch", 3000, 1)
	b.Code = func(i int) uint16 {
		if i > 100 && i < 110 {
			return 500
		}
		return 200
	}
	for _, c := range f.Cells {
		c.Timeline = &results.Timeline{Start: c.Start(), Bucket: 100 * time.Millisecond, Arrivals: []int64{3, 3, 3}}
	}
	return analyse(t, f)
}

// TestHTMLGolden renders the sample run; refresh with -update and look at
// the page (or its screenshot in TestHTMLInChromium) when it changes.
func TestHTMLGolden(t *testing.T) {
	var b bytes.Buffer
	if err := HTML(&b, htmlAnalysis(t)); err != nil {
		t.Fatal(err)
	}
	golden(t, "html-report.golden.html", b.Bytes())
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
	doc, err := xhtml.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatalf("parsing the page: %v", err)
	}
	cc := chartCounts{svgs: map[string]int{}, marks: map[string]int{}}
	var walk func(n *xhtml.Node, svg string)
	walk = func(n *xhtml.Node, svg string) {
		if n.Type == xhtml.ElementNode {
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
		if n.Type == xhtml.ElementNode && n.Data == "style" && n.FirstChild != nil {
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

func attr(n *xhtml.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// wantCharts checks that every kind of chart is there as often as the run
// asks, each with data marks.
func wantCharts(t *testing.T, cc chartCounts, a *analysis.Analysis) {
	t.Helper()
	ok := 0
	for _, rs := range a.Rates {
		for _, r := range rs.Rows {
			for _, c := range r.Cells {
				if c.Status == results.StatusOK {
					ok++
				}
			}
		}
	}
	want := map[string]int{
		"latency by percentile": len(a.Rates), "overhead against": len(a.Rates),
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
// the answer first, and every chart there with data.
func TestHTMLCharts(t *testing.T) {
	t.Parallel()
	a := htmlAnalysis(t)
	var b bytes.Buffer
	if err := HTML(&b, a); err != nil {
		t.Fatal(err)
	}
	page := b.Bytes()
	cc := checkPage(t, page)
	wantCharts(t, cc, a)
	rows, instrumented, measured := 0, 0, 0
	for _, rs := range a.Rates {
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
		"overhead against": 2 * measured,
		"CPU per request":  rows,
		"peak RSS":         rows,
		"spans lost":       instrumented,
		"timeline":         2 * cc.svgs["timeline"],
	} {
		if got := cc.marks[kind]; got != want {
			t.Errorf("%s: %d data marks, want %d", kind, got, want)
		}
	}
	text := html.UnescapeString(string(page))
	for _, w := range []string{
		// The header: environment and the answer in a few words.
		"Synthetic CPU", "go1.26.0", "8 (GOMAXPROCS 8)", `<a href="#answer">Answer: the settings below`,
		// The answer's variables, first of all sections.
		"<h2>Answer</h2>", "OTEL_BSP_MAX_QUEUE_SIZE=" + a.Advice.Env["OTEL_BSP_MAX_QUEUE_SIZE"],
		// The warnings by kind, their details folded.
		"cells failed: 1 cell", "<summary>1 in detail</summary>", failedCell + ": failed: starting target: exit status 1",
		// The tables and the span accounting.
		"<th>p99 intended</th>", "<th>OnEnd p99</th>", "<th>queue size</th>", "<td>2048 (default)</td>", "<td>64</td>", "<td>none (sync)</td>",
		"Spans lost by queue size (sink delay 0)",
		"How to read the tables", `id="recommendation"`, "tp := sdktrace.NewTracerProvider(",
	} {
		if !strings.Contains(text, w) {
			t.Errorf("the page does not contain %q", w)
		}
	}
	if i, j := strings.Index(text, "<h2>Answer</h2>"), strings.Index(text, "<table"); i < 0 || j < i {
		t.Errorf("the answer (at %d) does not come before the first table (at %d)", i, j)
	}
}

// TestHTMLWriteError checks that a failing writer's error is returned.
func TestHTMLWriteError(t *testing.T) {
	t.Parallel()
	a := htmlAnalysis(t)
	for _, n := range []int{0, 1000, 100000} {
		if err := HTML(&failWriter{n: n}, a); err == nil {
			t.Errorf("no error from a writer that fails after %d bytes", n)
		}
	}
}

// TestHTMLSize checks that a run of 100 cells of 30 s (300 timeline
// buckets each) gives a page that opens quickly: under 3 MB. The size
// grows with cells and buckets, not with requests, so the rates are low.
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
	f := resultstest.New(t, yaml)
	for _, c := range f.Cells {
		c.N = c.Rate * 30
	}
	a := analyse(t, f)
	var b bytes.Buffer
	if err := HTML(&b, a); err != nil {
		t.Fatal(err)
	}
	t.Logf("100 cells: %d bytes", b.Len())
	if b.Len() > 3<<20 {
		t.Errorf("the page is %d bytes, want under 3 MiB", b.Len())
	}
	wantCharts(t, checkPage(t, b.Bytes()), a)
}

// TestHTMLID checks the section ids the navigation links to.
func TestHTMLID(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"1000 requests/s", "1000-requests-s"},
		{"How to read the tables", "how-to-read-the-tables"},
		{"Recommendation", "recommendation"},
		// Leading and trailing punctuation leaves no dash.
		{"  Δ (noise) ", "noise"},
	} {
		if got := htmlID(tc.in); got != tc.want {
			t.Errorf("htmlID(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
