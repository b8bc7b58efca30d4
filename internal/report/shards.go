package report

import (
	"fmt"
	"time"

	"github.com/otelbench/otelbench/internal/summary"
)

var shardsHeader = []string{"cell", "shard", "host", "rate ach/req", "requests", "CPU/req", "start skew"}

// shardsSection lays out the attack processes of every sharded cell, one
// row each: what each sent against its share, what it cost, and how far
// from the common start it began.
func shardsSection(d *doc, s *summary.Summary) {
	if len(s.Shards) == 0 {
		return
	}
	t := table{header: shardsHeader}
	for _, c := range s.Shards {
		for _, r := range c.Shards {
			rate := fmt.Sprintf("%.1f/%.1f", r.AchievedRate, r.RequestedRate)
			if r.AchievedRate < summary.RateShortfall*r.RequestedRate {
				rate += " (behind)"
			}
			cpu := "n/a (no requests)"
			if r.Requests > 0 {
				cpu = dur(r.CPUPerRequest)
			}
			host := r.Host
			if host == "" {
				host = "–"
			}
			t.rows = append(t.rows, []string{c.Cell, fmt.Sprint(r.Index), host, rate, fmt.Sprint(r.Requests), cpu, signedDur(r.Skew)})
		}
	}
	sec := d.newSection(secOther, "Shards")
	sec.para(fmt.Sprintf("Each cell's measured attack came from %d attack processes, merged in timestamp order; every latency above is over the merged requests. CPU/req is each attack process's own CPU per request it sent; start skew is when it began against the common start, by its own clock (beyond ±%s it is a warning).",
		len(s.Shards[0].Shards), dur(summary.MaxShardSkew)))
	sec.addTable(t)
}

// skewText formats a start skew for warnings.
func skewText(ns float64) string { return signedDur(time.Duration(ns)) }

// loadOnlyNA stands for a figure of the target's in a load-only row.
const loadOnlyNA = "n/a (load only: the target was not measured)"

// loadOnlyChangeCells are a load-only row's changes: latency against the
// baseline's, measured; CPU, not.
func loadOnlyChangeCells(name string, r summary.Row) []string {
	c := changeCells(name, r)
	c[3], c[4] = "n/a", ""
	return c
}
