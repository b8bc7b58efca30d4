package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/otelbench/otelbench/internal/advise"
	"github.com/otelbench/otelbench/internal/settings"
	"github.com/otelbench/otelbench/internal/summary"
)

// recommendation is the run report's last word: the settings with the
// reasons for each, as Go and variables, and why each other variant was
// not the one to start from.
func recommendation(d *doc, a advise.Advice) {
	sec := d.newSection(secRecommendation, "Recommendation")
	adviceBody(sec, a)
}

// adviceBody writes an advice into a section.
func adviceBody(sec *section, a advise.Advice) {
	if !a.Measured {
		n := advise.Note{Kind: advise.NoteNothingMeasured}
		if hasNote(a, advise.NoteLoadOnly) {
			n.Kind = advise.NoteLoadOnly
		}
		sec.items(item{text: adviceNoteText(n), warn: true})
		return
	}
	sec.para(basisText(a))
	var notes []item
	for _, n := range a.Notes {
		notes = append(notes, item{text: adviceNoteText(n), warn: n.Kind != advise.NoteNotMeasuredAsSuch})
	}
	if len(notes) > 0 {
		sec.items(notes...)
	}
	in := a.Inputs
	inputs := []string{
		fmt.Sprintf("peak: %.0f requests/s × %d spans × %g sampled = %.0f spans/s", in.PeakRequestsPerSec, in.SpansPerRequest, in.SampledShare, in.PeakSpanRate()),
		fmt.Sprintf("export latency: %s (%s)", roundDur(in.ExportLatency), latencySource(in.LatencySource)),
	}
	if in.BurstRequestsPerSec > 0 {
		inputs = append(inputs, fmt.Sprintf("burst: %.0f requests/s for %s", in.BurstRequestsPerSec, in.BurstLength))
	}
	if in.FaultWindow > 0 {
		inputs = append(inputs, fmt.Sprintf("longest sink outage or black hole: %s", in.FaultWindow))
	}
	if a.Sized {
		sec.para("What the sizing worked from:")
		sec.items(plain(inputs...)...)
	}
	sec.para("Each setting and why:")
	sec.items(settingItems(a)...)
	if a.Language == summary.LanguageGo {
		sec.para("As Go:")
		sec.code("go", a.Settings.Go())
	}
	sec.para("As standard environment variables (the SDK reads them; explicit options in code win):")
	sec.code("sh", envBlock(a.Settings))
	if t, ok := candidateTable(a); ok {
		sec.para("The variants measured, and why the settings start from " + a.Choice.Variant + ":")
		sec.addTable(t)
	}
}

// basisText says which measured variant the settings start from and why.
func basisText(a advise.Advice) string {
	ch := a.Choice
	switch ch.Pool {
	case advise.PoolFull:
		return fmt.Sprintf("The settings start from %s, which met the budgets and keeps every trace; the table at the end says why it and not another. The model then sized each setting for the load this run measured.", ch.Variant)
	case advise.PoolSampled:
		return fmt.Sprintf("The settings start from %s: nothing that keeps every trace met the budgets, and it did by sampling. The model then sized each setting for the load this run measured.", ch.Variant)
	case advise.PoolBlocking:
		return fmt.Sprintf("The settings start from %s, measured with blocking, the only variant that met the budgets; blocking itself is not advised. The model then sized each setting for the load this run measured.", ch.Variant)
	}
	return fmt.Sprintf("Nothing met the budgets: the settings start from %s, which missed them by least. The model then sized each setting for the load this run measured.", ch.Variant)
}

// settingItems gives each setting its value and reasons, in order.
func settingItems(a advise.Advice) []item {
	var out []item
	for _, s := range advise.SettingOrder {
		var rs []string
		for _, r := range a.Reasons {
			if r.Setting == s {
				rs = append(rs, reasonText(r))
			}
		}
		if len(rs) == 0 {
			continue
		}
		out = append(out, item{text: fmt.Sprintf("%s = %s: %s", s, settingValue(a.Settings, s), strings.Join(rs, "; "))})
	}
	return out
}

// settingValue renders one advised setting.
func settingValue(t settings.Tracing, s advise.Setting) string {
	b := t.Batch
	switch s {
	case advise.SettingProcessor:
		return string(t.Processor)
	case advise.SettingSampling:
		if !t.Sampled() {
			return "none (every trace kept)"
		}
		return strconv.FormatFloat(t.SampleRatio, 'g', -1, 64)
	case advise.SettingQueue:
		return strconv.Itoa(b.QueueSize)
	case advise.SettingBatch:
		return strconv.Itoa(b.MaxExportBatchSize)
	case advise.SettingDelay:
		return msText(b.BatchTimeout)
	case advise.SettingExportTimeout:
		return msText(b.ExportTimeout)
	case advise.SettingExporterTimeout:
		return msText(t.Exporter.Timeout)
	case advise.SettingRetry:
		rc := t.Exporter.Retry
		if !rc.Enabled {
			return "off"
		}
		return fmt.Sprintf("on, %s initial, %s max interval, %s max elapsed", msText(rc.InitialInterval), msText(rc.MaxInterval), msText(rc.MaxElapsedTime))
	case advise.SettingBlocking:
		return strconv.FormatBool(b.Blocking)
	}
	return "?"
}

// msText writes a duration in milliseconds, the unit of the variables.
func msText(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', -1, 64) + " ms"
}

// envBlock is the settings as OTEL_* lines and a comment for what no
// variable sets.
func envBlock(t settings.Tracing) string {
	lines := envLines(t.Env())
	for _, o := range t.CodeOnly() {
		switch o {
		case settings.OptionRetry:
			lines = append(lines, "# The exporter's retry policy has no standard variable: set it in code (otlptracegrpc.WithRetry).")
		case settings.OptionBlocking:
			lines = append(lines, "# Blocking has no standard variable: it needs sdktrace.WithBlocking() in code.")
		}
	}
	if !t.Batch.Blocking {
		lines = append(lines, "# Blocking stays off, which is the default: nothing to set.")
	}
	return joinLines(lines)
}

var candidateHeader = []string{"variant", "met the budgets", "CPU/req (mean)", "worst p99 change", "headroom", "against the chosen one"}

// candidateTable lists every measured variant: whether it met the
// budgets, what it missed, and why the chosen one was preferred.
func candidateTable(a advise.Advice) (table, bool) {
	t := table{header: candidateHeader}
	why := map[string]string{}
	for _, c := range a.Choice.Against {
		why[c.Other] = comparisonText(c, a.Choice.Variant)
	}
	for _, c := range a.Candidates {
		met := "yes"
		if !c.Qualifies() {
			var ms []string
			for _, m := range c.Misses {
				ms = append(ms, missText(m))
			}
			met = "no: " + strings.Join(ms, "; ")
		}
		w := why[c.Variant]
		switch {
		case c.Variant == a.Choice.Variant:
			w = "chosen"
		case c.Kind == "sync":
			w = "sync is never advised: it exports on the request path"
		case w == "" && c.Settings.Sampled() && a.Choice.Pool == advise.PoolFull:
			w = "samples traces: considered only when nothing that keeps every trace meets the budgets"
		case w == "" && c.Settings.Batch.Blocking:
			w = "measured with blocking, which is never advised: considered only when nothing else meets the budgets"
		case w == "" && !c.Qualifies():
			w = "did not meet the budgets"
		}
		head := "n/a"
		if c.Headroom > 0 {
			head = fmt.Sprintf("%.1f× the peak", c.Headroom)
		}
		cpu := "n/a"
		if c.CPU > 0 {
			cpu = dur(c.CPU)
		}
		t.rows = append(t.rows, []string{c.Variant, met, cpu, fmt.Sprintf("%+.1f%%", c.WorstP99Pct), head, w})
	}
	return t, len(t.rows) > 0
}

// comparisonText says why the chosen variant was preferred to another.
func comparisonText(c advise.Comparison, chosen string) string {
	switch c.By {
	case advise.ByCPU:
		if c.Dominated != "" {
			return fmt.Sprintf("%s costs less CPU than it at %d/s (%s)", c.Dominated, c.Rate, delta(c.CPU))
		}
		return fmt.Sprintf("%s costs less CPU at %d/s (%s)", chosen, c.Rate, delta(c.CPU))
	case advise.ByHeadroom:
		return fmt.Sprintf("CPU a tie (%s): %s has more headroom (%.1f× against %.1f× the peak)", delta(c.CPU), chosen, c.Headroom, c.OtherHeadroom)
	case advise.ByDefaults:
		return fmt.Sprintf("CPU and headroom a tie (%s): %s is the SDK's defaults", delta(c.CPU), chosen)
	case advise.ByQueue:
		return fmt.Sprintf("CPU and headroom a tie (%s): %s has the larger queue (%d against %d)", delta(c.CPU), chosen, c.Queue, c.OtherQueue)
	case advise.ByOrder:
		return fmt.Sprintf("nothing told them apart (%s): %s is listed first", delta(c.CPU), chosen)
	case advise.ByBudgets:
		return fmt.Sprintf("nothing met the budgets: %s missed them by less", chosen)
	}
	return string(c.By)
}

// AdviceText writes what `otelbench recommend` prints for a terminal: the
// answer, each setting with its reasons, and the settings as Go, as OTEL_*
// lines and as JSON.
func AdviceText(w io.Writer, a advise.Advice) error {
	d := &doc{title: fmt.Sprintf("otelbench recommend %s", a.RunID)}
	d.newSection(secIntro, "").para(fmt.Sprintf("Profile %s.", a.Profile))
	answer(d, a)
	if a.Measured {
		adviceBody(d.newSection(secRecommendation, "Settings and why"), a)
		var b strings.Builder
		if err := AdviceJSON(&b, a); err != nil {
			return err
		}
		d.newSection(secOther, "As JSON").code("json", b.String())
	}
	return d.render(&textRenderer{w: w})
}

// AdviceGo renders the advised settings as Go to paste into a service's
// tracing setup.
func AdviceGo(a advise.Advice) string { return a.Settings.Go() }

// AdviceEnv renders the advised settings as standard OTEL_* lines, one
// KEY=VALUE a line, sorted, with a comment for what no variable sets.
func AdviceEnv(a advise.Advice) string { return envBlock(a.Settings) }

// AdviceJSON writes the Advice as indented JSON (its layout is documented
// on advise.Advice).
func AdviceJSON(w io.Writer, a advise.Advice) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(a)
}

// AdviceOtelConf writes the advised settings as an OpenTelemetry
// declarative configuration file (OTEL_CONFIG_FILE) exporting to endpoint.
func AdviceOtelConf(w io.Writer, a advise.Advice, endpoint string) error {
	data, err := a.Settings.OtelConf(endpoint)
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}
