package summary

import (
	"math"
	"time"

	"github.com/otelbench/otelbench/internal/results"
)

// MaxShardSkew: a shard of a sharded cell that started further than this
// from the common start (by its own clock) sent its requests that much off
// the schedule the others kept; latency from the intended send time
// counts it, and a clock that is off skews the merged rate and duration.
const MaxShardSkew = 5 * time.Millisecond

// The kinds of warnings about the shards of a sharded cell (run -shards,
// otelbench merge).
const (
	// WarnShardBehind: in Cell (repetition Rep), shard N sent Value
	// requests/s of the Limit it was asked: it fell behind its share.
	WarnShardBehind WarningKind = "shard-behind"
	// WarnShardSkew: in Cell, shard N started Value ns from the common
	// start (negative: early), beyond ±Limit ns.
	WarnShardSkew WarningKind = "shard-skew"
)

// ShardCell is one sharded cell's attack processes, one row each.
type ShardCell struct {
	Cell    string     `json:"cell"`
	Variant string     `json:"variant"`
	Rate    int        `json:"rate"`
	Rep     int        `json:"rep"`
	Shards  []ShardRow `json:"shards"`
}

// ShardRow is what one shard measured of itself.
type ShardRow struct {
	Index int    `json:"shard"`
	Host  string `json:"host,omitempty"`
	// RequestedRate and AchievedRate are the shard's share of the cell's
	// rate and what it sent, in requests per second.
	RequestedRate float64 `json:"requested_rate"`
	AchievedRate  float64 `json:"achieved_rate"`
	Requests      uint64  `json:"requests"`
	// CPUPerRequest is the attack process's CPU time per request it sent.
	CPUPerRequest time.Duration `json:"cpu_per_request"`
	// Skew is how late the shard started against the common start.
	Skew time.Duration `json:"start_skew"`
}

// shardCell lays out the shards of one cell; false for a cell that had
// none (the in-process attacker).
func shardCell(c results.Cell) (ShardCell, bool) {
	if len(c.Shards) == 0 {
		return ShardCell{}, false
	}
	sc := ShardCell{Cell: c.Dir, Variant: c.Variant, Rate: c.Rate, Rep: c.Rep}
	for _, s := range c.Shards {
		sc.Shards = append(sc.Shards, ShardRow{Index: s.Index, Host: s.Host, RequestedRate: s.RequestedRate,
			AchievedRate: s.AchievedRate, Requests: s.Requests, CPUPerRequest: s.CPUPerRequest(), Skew: s.Skew})
	}
	return sc, true
}

// shardWarnings are the warnings about one cell's shards: each that fell
// behind its share of the rate, and each that started too far from the
// common start.
func shardWarnings(c results.Cell) []Warning {
	var out []Warning
	for _, s := range c.Shards {
		if s.AchievedRate < RateShortfall*s.RequestedRate {
			out = append(out, Warning{Kind: WarnShardBehind, Variant: c.Variant, Rate: c.Rate, Rep: c.Rep, Cell: c.Dir,
				N: int64(s.Index), Value: s.AchievedRate, Limit: s.RequestedRate})
		}
		if math.Abs(float64(s.Skew)) > float64(MaxShardSkew) {
			out = append(out, Warning{Kind: WarnShardSkew, Variant: c.Variant, Rate: c.Rate, Rep: c.Rep, Cell: c.Dir,
				N: int64(s.Index), Value: float64(s.Skew), Limit: float64(MaxShardSkew)})
		}
	}
	return out
}

// WarnLoadOnly: N of the Of cells hold the load generator's view alone
// (merged from shard folders): their target CPU, memory and spans were not
// measured.
const WarnLoadOnly WarningKind = "load-only"

// LoadOnly reports whether some row holds the load generator's view alone:
// then no cost of tracing was measured, and nothing can be advised.
func (s *Summary) LoadOnly() bool {
	for _, rs := range s.Rates {
		for _, r := range rs.Rows {
			if r.LoadOnly {
				return true
			}
		}
	}
	return false
}
