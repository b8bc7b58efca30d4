package report

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/otelbench/otelbench/internal/compare"
	"github.com/otelbench/otelbench/internal/results"
	"github.com/otelbench/otelbench/internal/summary"
)

// CompareText writes a comparison of two runs for a terminal. v is the
// outcome of a regression check, nil when none was asked for.
func CompareText(w io.Writer, c *compare.Comparison, v *compare.Verdict) error {
	r := &textRenderer{w: w}
	compareDocument(c, v).render(r)
	return r.err()
}

// CompareMarkdown writes a comparison of two runs as Markdown.
func CompareMarkdown(w io.Writer, c *compare.Comparison, v *compare.Verdict) error {
	r := &markdownRenderer{w: w}
	compareDocument(c, v).render(r)
	return r.err()
}

// compareLayout is a comparison laid out once for every format: the text
// and Markdown renderers, and the HTML template (hence exported fields).
type compareLayout struct {
	Title string
	Runs  []string
	// ReleasesIntro and Releases say which variants B built with other
	// OpenTelemetry releases than A: one line each.
	ReleasesIntro string
	Releases      []string
	Warnings      []string
	Notes         []string
	Rates         []compareSection
	Verdict       *compareVerdict
}

// compareSection is one rate: a heading and its table.
type compareSection struct {
	Heading string
	Header  []string
	Rows    [][]string
}

// compareVerdict is the outcome of -fail-on.
type compareVerdict struct {
	Heading string
	Summary string
	Items   []string
}

var compareHeader = []string{"variant", "metric", "A", "B", "B vs A"}

func compareDocument(c *compare.Comparison, v *compare.Verdict) compareLayout {
	d := compareLayout{
		Title: fmt.Sprintf("otelbench compare: %s → %s", c.A.ID, c.B.ID),
		Runs:  []string{"A: " + sideLine(c.A), "B: " + sideLine(c.B)},
		Notes: []string{
			"A, B: the median of the repetitions' values (each repetition's p50, p99, and target CPU time per request); span loss is the share of ended spans that never reached the sink, over every repetition, and its change in percentage points (pp), untested.",
			fmt.Sprintf("B vs A: the change of B's median against A's with a %.0f%% bootstrap confidence interval, when a Mann–Whitney U test over the repetitions finds it significant (p < %.2f); \"~\" means not significant, with the p-value and the repetitions compared. Higher is worse for every metric.", 100*summary.Confidence, summary.Alpha),
		},
	}
	for _, diff := range c.Differences {
		d.Warnings = append(d.Warnings, "the runs differ (compared anyway): "+diff.String())
	}
	d.ReleasesIntro, d.Releases = releaseLines(c)
	for _, s := range []struct {
		name string
		side compare.Side
	}{{"A", c.A}, {"B", c.B}} {
		for _, w := range s.side.Warnings {
			d.Warnings = append(d.Warnings, s.name+": "+warningText(w))
		}
	}
	for _, rs := range c.Rates {
		sec := compareSection{Heading: fmt.Sprintf("%d requests/s", rs.Rate), Header: compareHeader}
		for _, row := range rs.Rows {
			sec.Rows = append(sec.Rows, compareRows(row)...)
		}
		d.Rates = append(d.Rates, sec)
	}
	if v != nil {
		d.Verdict = verdictLayout(*v)
	}
	return d
}

func (d compareLayout) render(r renderer) {
	r.heading(1, d.Title)
	r.list(plain(d.Runs...))
	if len(d.Releases) > 0 {
		r.para(d.ReleasesIntro)
		r.list(plain(d.Releases...))
	}
	if len(d.Warnings) > 0 {
		var ws []item
		for _, w := range d.Warnings {
			ws = append(ws, item{text: w, warn: true})
		}
		r.list(ws)
	}
	r.list(plain(d.Notes...))
	for _, s := range d.Rates {
		r.heading(2, s.Heading)
		r.table(table{header: s.Header, rows: s.Rows})
	}
	if v := d.Verdict; v != nil {
		r.heading(2, v.Heading)
		r.para(v.Summary)
		if len(v.Items) > 0 {
			r.list(plain(v.Items...))
		}
	}
}

// releaseLines says which variants' targets B built with other
// OpenTelemetry releases than A: otel and otelhttp by name, the other
// modules counted.
func releaseLines(c *compare.Comparison) (string, []string) {
	if len(c.Releases) == 0 {
		return "", nil
	}
	intro := "The runs differ only in the OpenTelemetry releases their targets were built with: an upgrade, which they are comparable across. B against A:"
	if len(c.Differences) > 0 {
		intro = "Their targets were also built with other OpenTelemetry releases. B against A:"
	}
	var lines []string
	for _, r := range c.Releases {
		var parts []string
		named := 0
		for _, m := range []struct{ module, label string }{
			{results.ModuleOtel, "otel"}, {results.ModuleOtelhttp, "otelhttp"},
			{"sdk_version", "sdk_version"}, {"otelhttp_version", "otelhttp_version"},
		} {
			if ch, ok := r.Version(m.module); ok {
				parts = append(parts, fmt.Sprintf("%s %s → %s", m.label, ownRelease(ch.A), ownRelease(ch.B)))
				named++
			}
		}
		if more := len(r.Modules) - named; more > 0 {
			parts = append(parts, fmt.Sprintf("%d other module(s)", more))
		}
		lines = append(lines, r.Variant+": "+strings.Join(parts, ", "))
	}
	return intro, lines
}

// ownRelease names a release a run's profile left unset: the one of
// otelbench's own go.mod.
func ownRelease(v string) string {
	if v == compare.Unset {
		return "the module's own"
	}
	return v
}

func sideLine(s compare.Side) string {
	commit := s.Commit
	if commit == "" {
		commit = "unknown"
	}
	if s.Dirty {
		commit += " (dirty)"
	}
	return fmt.Sprintf("%s: profile %s, commit %s, %d repetitions (%s)", s.ID, s.Profile, commit, s.Repetitions, s.Path)
}

// compareRows lays out one variant: a line per metric when both runs
// measured it, else one line saying which did.
func compareRows(row compare.Row) [][]string {
	switch row.Presence() {
	case compare.OnlyA:
		return [][]string{{row.Variant, "", sideState(row.A), sideState(row.B), "only in A"}}
	case compare.OnlyB:
		return [][]string{{row.Variant, "", sideState(row.A), sideState(row.B), "only in B"}}
	case compare.InNeither:
		return [][]string{{row.Variant, "", sideState(row.A), sideState(row.B), "in neither"}}
	}
	var out [][]string
	for i, ch := range row.Changes {
		name := ""
		if i == 0 {
			name = row.Variant
		}
		out = append(out, []string{name, string(ch.Metric), nsDur(ch.A), nsDur(ch.B), delta(ch.Delta)})
	}
	if l := row.Loss; l != nil {
		out = append(out, []string{"", "span loss", fmt.Sprintf("%.2f%%", l.A), fmt.Sprintf("%.2f%%", l.B), fmt.Sprintf("%+.2f pp", l.Points)})
	}
	return out
}

// sideState says what one run has of a row it did not measure in both.
func sideState(r *summary.Row) string {
	switch {
	case r == nil:
		return "not in profile"
	case r.Reps == 0:
		return "not measured"
	default:
		return fmt.Sprintf("%d reps", r.Reps)
	}
}

// nsDur formats a median in nanoseconds.
func nsDur(ns float64) string {
	if math.IsNaN(ns) {
		return "?"
	}
	return dur(time.Duration(math.Round(ns)))
}

func verdictLayout(v compare.Verdict) *compareVerdict {
	th := strconv.FormatFloat(v.ThresholdPct, 'f', -1, 64) + "%"
	out := &compareVerdict{Heading: "Regressions beyond " + th}
	if !v.Failed() {
		out.Summary = fmt.Sprintf("No significant regression of B against A beyond %s.", th)
		return out
	}
	out.Summary = fmt.Sprintf("%d significant regression(s) of B against A beyond %s:", len(v.Regressions), th)
	for _, r := range v.Regressions {
		out.Items = append(out.Items, fmt.Sprintf("%s of %s at %d/s: %s", r.Change.Metric, r.Variant, r.Rate, delta(r.Change.Delta)))
	}
	return out
}
