package report

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/otelbench/otelbench/internal/compare"
	"github.com/otelbench/otelbench/internal/compare/comparetest"
)

// compareFormats are the renderers of a comparison, by golden file extension.
var compareFormats = []struct {
	ext    string
	render func(io.Writer, *compare.Comparison, *compare.Verdict) error
}{
	{"txt", CompareText},
	{"md", CompareMarkdown},
	{"html", CompareHTML},
}

// newCompare writes runs a and b, compares them and names their paths as
// the user would have typed them, so that the output does not depend on the
// temporary directory.
func newCompare(t *testing.T, a, b comparetest.Run) *compare.Comparison {
	t.Helper()
	dir := t.TempDir()
	c, err := compare.New(comparetest.Write(t, dir, a), comparetest.Write(t, dir, b))
	if err != nil {
		t.Fatal(err)
	}
	c.A.Path, c.B.Path = "results/"+a.ID, "results/"+b.ID
	return c
}

// regressedComparison: B's batch at 1000/s is 20% slower in its slowest 5%
// of requests and loses spans; checked against 5%.
func regressedComparison(t *testing.T) (*compare.Comparison, *compare.Verdict) {
	c := newCompare(t,
		comparetest.Run{ID: "before", Seed: 1},
		comparetest.Run{ID: "after", Seed: 3, Tweak: func(c *comparetest.Cell) {
			if c.Variant.Name == "batch" && c.Rate == 1000 {
				c.Tail, c.Lost = 1.2, 8
			}
		}})
	v := c.Check(5)
	return c, &v
}

// forcedComparison: runs on different machines whose rows do not all
// match, compared with -force: B measures a rate and a variant A does not,
// and A left sync at 3000/s unmeasured.
func forcedComparison(t *testing.T) (*compare.Comparison, *compare.Verdict) {
	env := comparetest.DefaultEnvironment()
	env.CPUModel, env.Commit, env.Dirty = "Other CPU", "fedcba987654", true
	c := newCompare(t,
		comparetest.Run{ID: "before", Seed: 1, Tweak: func(c *comparetest.Cell) {
			c.Unfinished = c.Variant.Name == "sync" && c.Rate == 3000
		}},
		comparetest.Run{ID: "after", Seed: 3, Environment: env,
			Profile: strings.Replace(comparetest.DefaultProfile, "rates: [1000, 3000]", "rates: [1000, 3000, 5000]", 1) +
				"  - name: batch-q64\n    kind: batch\n    queue_size: 64\n"})
	return c, nil
}

func TestCompareGolden(t *testing.T) {
	cases := []struct {
		name string // golden files are testdata/<name>.golden.<ext>
		make func(*testing.T) (*compare.Comparison, *compare.Verdict)
	}{
		// A significant p99 regression beyond the threshold, and span loss.
		{"compare", regressedComparison},
		// Differences shown as warnings, unmatched rows, no threshold.
		{"compare-forced", forcedComparison},
	}
	for _, tc := range cases {
		c, v := tc.make(t)
		for _, f := range compareFormats {
			t.Run(tc.name+"."+f.ext, func(t *testing.T) {
				var b bytes.Buffer
				if err := f.render(&b, c, v); err != nil {
					t.Fatal(err)
				}
				golden(t, tc.name+".golden."+f.ext, b.Bytes())
			})
		}
	}
}

// TestCompareContent checks the lines that matter in every format: the
// regression and its verdict, the unmatched rows and the warnings.
func TestCompareContent(t *testing.T) {
	regressed, rv := regressedComparison(t)
	forced, _ := forcedComparison(t)
	passed := regressed.Check(50)
	cases := []struct {
		name   string
		c      *compare.Comparison
		v      *compare.Verdict
		want   []string
		absent []string
	}{{
		// The regression is in the table and in the verdict.
		name: "regression",
		c:    regressed, v: rv,
		want: []string{"Regressions beyond 5%", "1 significant regression(s) of B against A beyond 5%",
			"p99 of batch at 1000/s: +", "(p=0.008)", "+2.00 pp", "~ (p="},
		absent: []string{"⚠", "only in"},
	}, {
		// Within the threshold: a verdict that says so.
		name: "within the threshold",
		c:    regressed, v: &passed,
		want:   []string{"Regressions beyond 50%", "No significant regression of B against A beyond 50%."},
		absent: []string{"p99 of batch at 1000/s"},
	}, {
		// Without -fail-on there is no verdict; the differences are warnings.
		name: "forced",
		c:    forced,
		want: []string{`⚠ the runs differ (compared anyway): environment.cpu_model: A "Synthetic CPU", B "Other CPU"`,
			"⚠ A: 5 of 30 planned cells have no results (run complete)",
			"commit fedcba987654 (dirty)", "only in B", "not in profile", "not measured", "5000 requests/s"},
		absent: []string{"Regressions"},
	}}
	for _, tc := range cases {
		for _, f := range compareFormats {
			t.Run(tc.name+"."+f.ext, func(t *testing.T) {
				var b bytes.Buffer
				if err := f.render(&b, tc.c, tc.v); err != nil {
					t.Fatal(err)
				}
				out := b.String()
				if f.ext == "html" {
					out = htmlUnescape(out)
				}
				for _, w := range tc.want {
					if !strings.Contains(out, w) {
						t.Errorf("output lacks %q:\n%s", w, out)
					}
				}
				for _, a := range tc.absent {
					if strings.Contains(out, a) {
						t.Errorf("output contains %q:\n%s", a, out)
					}
				}
			})
		}
	}
}

// htmlUnescape undoes the escapes html/template applies to the strings
// TestCompareContent looks for.
func htmlUnescape(s string) string {
	return strings.NewReplacer("&#43;", "+", "&#34;", `"`, "&#39;", "'", "&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(s)
}

// TestCompareMarkdownTables checks every table of the Markdown comparison:
// one per rate, each row as wide as its header.
func TestCompareMarkdownTables(t *testing.T) {
	for _, tc := range []struct {
		name   string
		make   func(*testing.T) (*compare.Comparison, *compare.Verdict)
		tables int
	}{{"compare", regressedComparison, 2}, {"compare-forced", forcedComparison, 3}} {
		t.Run(tc.name, func(t *testing.T) {
			c, v := tc.make(t)
			var b bytes.Buffer
			if err := CompareMarkdown(&b, c, v); err != nil {
				t.Fatal(err)
			}
			if n := checkTables(t, b.String()); n != tc.tables {
				t.Errorf("found %d tables, want %d", n, tc.tables)
			}
		})
	}
}

// TestCompareHTMLSelfContained checks that the page loads nothing: no
// script, no link, no external source.
func TestCompareHTMLSelfContained(t *testing.T) {
	c, v := regressedComparison(t)
	var b bytes.Buffer
	if err := CompareHTML(&b, c, v); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"<script", "<link", "src=", "href=", "@import", "url("} {
		if strings.Contains(b.String(), bad) {
			t.Errorf("the page contains %q", bad)
		}
	}
}

// TestCompareWriteError checks that a failing writer's error is returned.
func TestCompareWriteError(t *testing.T) {
	c, v := regressedComparison(t)
	for _, f := range compareFormats {
		for _, n := range []int{0, 100, 1000} {
			if err := f.render(&failWriter{n: n}, c, v); err == nil {
				t.Errorf("%s: no error from a writer that fails after %d bytes", f.ext, n)
			}
		}
	}
}
