package report

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/otelbench/otelbench/internal/compare"
	"github.com/otelbench/otelbench/internal/results"
)

// versionsProfile measures batch with the module's own SDK and two older
// releases, and 10% sampling with one older release.
const versionsProfile = `name: sdk-versions
rates: [1000]
duration: 1s
warmup: 0s
repetitions: 5
variants:
  - {name: none, kind: none}
  - {name: batch-1.47, kind: batch}
  - {name: batch-1.44, kind: batch, sdk_version: v1.44.0}
  - {name: batch-1.40, kind: batch, sdk_version: v1.40.0}
  - {name: sampled-1.47, kind: sampled, sample_ratio: 0.1}
  - {name: sampled-1.40, kind: sampled, sample_ratio: 0.1, sdk_version: v1.40.0}
`

// TestVersionsSection checks the section that sets SDK releases side by
// side, in text and Markdown (golden files of that section alone), and
// that the HTML page has it and labels variants with their releases.
func TestVersionsSection(t *testing.T) {
	f := sampleFixture(t, versionsProfile)
	for name, rel := range map[string][2]string{
		"none": {"v1.47.0", "v0.72.0"}, "batch-1.47": {"v1.47.0", "v0.72.0"}, "batch-1.44": {"v1.44.0", "v0.69.0"},
		"batch-1.40": {"v1.40.0", "v0.65.0"}, "sampled-1.47": {"v1.47.0", "v0.72.0"}, "sampled-1.40": {"v1.40.0", "v0.65.0"},
	} {
		f.SetModules(name, rel[0], rel[1])
	}
	// Older releases cost more: 20% and 10% more CPU, 2 KiB and 1 KiB more
	// per request, repetitions 2% apart as the sample's.
	for _, c := range f.Cells {
		extra := map[string]float64{"batch-1.40": 1.2, "batch-1.44": 1.1, "sampled-1.40": 1.05}[c.Variant.Name]
		if extra == 0 {
			extra = 1
		}
		c.CPU = time.Duration(float64(c.CPU) * extra)
		bytesPer := uint64(8192 * extra * (1 + 0.01*float64(c.Rep-3)))
		if c.Variant.Name == "none" {
			bytesPer = 3000
		}
		c.Alloc = &results.Alloc{Bytes: bytesPer * uint64(c.N), Objects: bytesPer / 100 * uint64(c.N)}
	}
	a := analyse(t, f)
	for _, fm := range formats {
		var b bytes.Buffer
		if err := fm.render(&b, a); err != nil {
			t.Fatal(err)
		}
		sec := sectionOf(b.String(), "SDK releases")
		if sec == "" {
			t.Fatalf("%s: no SDK releases section:\n%s", fm.ext, b.String())
		}
		golden(t, "versions.golden."+fm.ext, []byte(sec))
		if !strings.Contains(b.String(), "batch-1.40 (otel v1.40.0)") {
			t.Errorf("%s: the rate tables do not label variants with their releases", fm.ext)
		}
	}
	var h bytes.Buffer
	if err := HTML(&h, a); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`id="sdk-releases"`, "batch-1.40 (otel v1.40.0)", "<td>newest</td>"} {
		if !strings.Contains(h.String(), want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
}

// sectionOf returns the level-2 section titled title of a text or
// Markdown report, up to the next one.
func sectionOf(report, title string) string {
	lines := strings.Split(report, "\n")
	var out []string
	in := false
	for i, l := range lines {
		heading := strings.HasPrefix(l, "## ") ||
			(l != "" && i+1 < len(lines) && lines[i+1] == strings.Repeat("-", utf8.RuneCountInString(l)))
		if heading {
			name := strings.TrimPrefix(l, "## ")
			if in {
				break
			}
			in = name == title
		}
		if in {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// TestCompareReleases checks that a comparison says which variants were
// built with other releases, naming otel and otelhttp and counting the
// rest, and whether that is the only difference.
func TestCompareReleases(t *testing.T) {
	rel := []compare.Release{{Variant: "batch", Modules: []compare.ModuleChange{
		{Module: results.ModuleOtelhttp, A: "v0.71.0", B: "v0.72.0"},
		{Module: results.ModuleOtel, A: "v1.46.0", B: "v1.47.0"},
		{Module: "go.opentelemetry.io/otel/sdk", A: "v1.46.0", B: "v1.47.0"},
	}}}
	for _, tc := range []struct {
		name  string
		diffs []compare.Difference
		want  []string
	}{
		// Only releases differ: an upgrade, comparable.
		{"only releases", nil, []string{"The runs differ only in the OpenTelemetry releases", "batch: otel v1.46.0 → v1.47.0, otelhttp v0.71.0 → v0.72.0, 1 other module(s)"}},
		// Something else differs too (compared with -force).
		{"and more", []compare.Difference{{Field: "profile.rates", A: "[1]", B: "[2]"}}, []string{"Their targets were also built with other OpenTelemetry releases"}},
	} {
		c := &compare.Comparison{Releases: rel, Differences: tc.diffs}
		for _, render := range []func(io.Writer, *compare.Comparison, *compare.Verdict) error{CompareText, CompareMarkdown, CompareHTML} {
			var b bytes.Buffer
			if err := render(&b, c, nil); err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(b.String(), w) {
					t.Errorf("%s: the comparison lacks %q:\n%s", tc.name, w, b.String())
				}
			}
		}
	}
}
