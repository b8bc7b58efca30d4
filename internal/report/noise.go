package report

import (
	"fmt"
	"io"

	"github.com/otelbench/otelbench/internal/summary"
)

// NoiseText writes the noise floor of a run for a terminal (`otelbench
// report -format noise`, `make noise`): per variant and rate the
// coefficients of variation between repetitions of CPU per request, p50 and
// p99, then every A/A pair's differences, which should not be significant,
// and how that compares with the goal.
func NoiseText(w io.Writer, s *summary.Summary) error {
	n := summary.NoiseOf(s)
	d := &doc{title: fmt.Sprintf("otelbench noise %s", s.RunID)}
	d.newSection(secIntro, "").para(fmt.Sprintf("Profile %s. How much the measurements vary when nothing changes. Goal: a coefficient of variation (standard deviation over mean, between repetitions) of CPU per request at most %.0f%% and of the p50 at most %.0f%%, and no A/A pair significant.",
		s.Profile, 100*summary.NoiseGoalCPU, 100*summary.NoiseGoalP50))
	t := table{header: []string{"variant", "rate", "reps", "CV CPU/req", "CV p50", "CV p99", "goal", "others' CPU (max)", "quiet reps", "their CV CPU/req", "their CV p50"}}
	worstCPU, worstP50 := 0.0, 0.0
	for _, r := range n.Rows {
		goal := "met"
		if r.CPU > summary.NoiseGoalCPU || r.P50 > summary.NoiseGoalP50 {
			goal = "missed"
		}
		worstCPU, worstP50 = max(worstCPU, r.CPU), max(worstP50, r.P50)
		others, quiet, qCPU, qP50 := "n/a", "n/a", "n/a", "n/a"
		if r.OtherMax >= 0 {
			others, quiet = pctText(r.OtherMax), fmt.Sprint(r.QuietReps)
			if r.QuietReps >= 2 {
				qCPU, qP50 = pctText(r.QuietCPU), pctText(r.QuietP50)
			}
		}
		t.rows = append(t.rows, []string{r.Variant, fmt.Sprintf("%d/s", r.Rate), fmt.Sprint(r.Reps),
			pctText(r.CPU), pctText(r.P50), pctText(r.P99), goal, others, quiet, qCPU, qP50})
	}
	sec := d.newSection(secOther, "Spread between repetitions")
	sec.addTable(t)
	sec.para(fmt.Sprintf("others' CPU: the largest share of the machine's CPUs that anything but the target and otelbench used during one repetition's attack (from /proc/stat, sampled at the kernel's tick: it shows other work of a few percent and more, and cannot see a hypervisor's other guests unless it reports steal); quiet reps: the repetitions in which it stayed within %.0f%%, and the spread over those alone. The goal is judged on every repetition.", 100*summary.OtherCPUShare))
	pt := table{header: []string{"A/A pair", "rate", "ΔCPU/req", "Δp50", "Δp99", "false alarm"}}
	alarms := 0
	for _, p := range n.Pairs {
		alarm := "no"
		if p.Significant() {
			alarm, alarms = "YES", alarms+1
		}
		pt.rows = append(pt.rows, []string{p.B + " vs " + p.A, fmt.Sprintf("%d/s", p.Rate), delta(p.CPU), delta(p.P50), delta(p.P99), alarm})
	}
	sec = d.newSection(secOther, "A/A pairs")
	if len(pt.rows) == 0 {
		sec.para("The profile has no A/A pair (two variants with the same settings): n/a.")
	} else {
		sec.addTable(pt)
	}
	sec = d.newSection(secOther, "Against the goal")
	sec.items(plain(
		fmt.Sprintf("worst CV of CPU per request %s (goal %.0f%%), of the p50 %s (goal %.0f%%)", pctText(worstCPU), 100*summary.NoiseGoalCPU, pctText(worstP50), 100*summary.NoiseGoalP50),
		fmt.Sprintf("%d of %d A/A comparisons significant (goal 0)", alarms, len(n.Pairs)),
	)...)
	return d.render(&textRenderer{w: w})
}

// pctText writes a fraction as a percentage with one decimal.
func pctText(x float64) string { return fmt.Sprintf("%.1f%%", 100*x) }
