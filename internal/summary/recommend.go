package summary

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/otelbench/otelbench/internal/profile"
)

// Recommendation is the first answer to "what should I set": among the
// measured variants, the cheapest that lost no span, failed no request and
// kept its p99 overhead within the profile's budget at every rate.
type Recommendation struct {
	// Variant is the chosen variant's name; empty when none qualified.
	Variant string `json:"variant,omitempty"`
	// Settings are the chosen variant's processor settings.
	Settings *profile.Variant `json:"settings,omitempty"`
	// Env is the chosen variant's settings as standard OTEL_* variables.
	Env map[string]string `json:"env,omitempty"`
	// Reasons say, with numbers, why the choice was made.
	Reasons []string `json:"reasons"`
	// Rejected says why each other instrumented variant was not chosen.
	Rejected []Rejection `json:"rejected,omitempty"`
}

// Rejection is a variant that did not qualify, and why.
type Rejection struct {
	Variant string   `json:"variant"`
	Reasons []string `json:"reasons"`
}

type candidate struct {
	v       profile.Variant
	cpu     time.Duration // mean CPU per request over the rates
	worstPc float64       // worst p99 overhead over the rates
}

func recommend(s *Summary, p *profile.Profile) Recommendation {
	var rec Recommendation
	full, sampled, rejected := qualifiers(s, p)
	rec.Rejected = rejected
	pool := full
	if len(pool) == 0 && len(sampled) > 0 {
		pool = sampled
		rec.Reasons = append(rec.Reasons, "no variant that keeps every trace met the budget; only sampling did, which discards traces by design")
	}
	if len(pool) == 0 {
		rec.Reasons = append(rec.Reasons, fmt.Sprintf("no measured variant kept every span and its p99 overhead within %.0f%% at every rate; see why each was rejected, and relax the budget or measure other settings", p.Budget.P99OverheadPct))
		return rec
	}
	best := pool[0]
	v := best.v
	rec.Variant = v.Name
	rec.Settings = &v
	rec.Env = v.Env()
	rec.Reasons = append(rec.Reasons, fmt.Sprintf("%s lost no spans, failed no request and its worst p99 overhead was %+.1f%% (budget %.0f%%) at rates %s",
		v.Name, best.worstPc, p.Budget.P99OverheadPct, rateList(p.Rates)))
	if len(pool) > 1 {
		rec.Reasons = append(rec.Reasons, fmt.Sprintf("cheapest of %d that qualified: %s CPU per request on average, against %s for %s",
			len(pool), roundDur(best.cpu), roundDur(pool[1].cpu), pool[1].v.Name))
	}
	if v.Kind != profile.KindSampled {
		rec.Reasons = append(rec.Reasons, "it keeps every trace (no sampling)")
	}
	return rec
}

// qualifiers checks every instrumented variant at every rate. It returns
// those that qualify, split into those that keep every trace and sampled
// ones, each cheapest first (mean CPU per request), and why each other was
// rejected, in profile order.
func qualifiers(s *Summary, p *profile.Profile) (full, sampled []candidate, rejected []Rejection) {
	for _, v := range p.Variants {
		if v.Kind == profile.KindNone {
			continue
		}
		c, why := qualify(s, v, p.Budget.P99OverheadPct)
		if len(why) > 0 {
			rejected = append(rejected, Rejection{Variant: v.Name, Reasons: why})
			continue
		}
		if v.Kind == profile.KindSampled {
			sampled = append(sampled, c)
		} else {
			full = append(full, c)
		}
	}
	byCPU := func(cs []candidate) {
		sort.SliceStable(cs, func(i, j int) bool { return cs[i].cpu < cs[j].cpu })
	}
	byCPU(full)
	byCPU(sampled)
	return full, sampled, rejected
}

// qualify checks a variant at every rate; it returns the reasons it fails.
func qualify(s *Summary, v profile.Variant, budget float64) (candidate, []string) {
	c := candidate{v: v, worstPc: math.Inf(-1)}
	var why []string
	var cpuSum time.Duration
	n := 0
	for _, rs := range s.Rates {
		for _, r := range rs.Rows {
			if r.Variant != v.Name {
				continue
			}
			at := fmt.Sprintf("at %d/s", rs.Rate)
			switch {
			case r.Reps == 0:
				why = append(why, "not measured "+at)
				continue
			case r.Failed > 0:
				why = append(why, fmt.Sprintf("its target failed in %d repetition(s) %s", r.Failed, at))
			}
			// Without a baseline the overheads are zero, not within budget.
			if !baselineMeasured(rs) {
				why = append(why, fmt.Sprintf("no overhead known %s: the baseline was not measured", at))
			}
			switch {
			case r.Spans.Lost != 0:
				why = append(why, fmt.Sprintf("lost %d of %d spans (%.2f%%) %s", r.Spans.Lost, r.Spans.Ended, r.Spans.LossPct, at))
			case r.Spans.MissingSpans != 0:
				why = append(why, fmt.Sprintf("trace matching finds %d spans missing %s", r.Spans.MissingSpans, at))
			}
			if r.Errors > 0 {
				why = append(why, fmt.Sprintf("%d of %d requests failed %s", r.Errors, r.Requests, at))
			}
			if r.AchievedRate < RateShortfall*r.RequestedRate {
				why = append(why, fmt.Sprintf("the requested rate was not reached %s (%.0f/s)", at, r.AchievedRate))
			}
			if r.P99OverheadPct > budget {
				why = append(why, fmt.Sprintf("p99 overhead %+.1f%% (%s) %s exceeds the %.0f%% budget", r.P99OverheadPct, roundDur(r.P99Overhead), at, budget))
			}
			c.worstPc = math.Max(c.worstPc, r.P99OverheadPct)
			cpuSum += r.CPUPerRequest
			n++
		}
	}
	if n > 0 {
		c.cpu = cpuSum / time.Duration(n)
	}
	return c, why
}

// baselineMeasured says whether the overheads of a rate were measured.
func baselineMeasured(rs RateSummary) bool {
	for _, r := range rs.Rows {
		if r.Baseline && r.Reps > 0 {
			return true
		}
	}
	return false
}

func rateList(rates []int) string {
	s := make([]string, len(rates))
	for i, r := range rates {
		s[i] = fmt.Sprintf("%d/s", r)
	}
	return strings.Join(s, ", ")
}

// roundDur keeps three or four significant figures of a duration in a reason.
func roundDur(d time.Duration) time.Duration {
	switch a := max(d, -d); {
	case a >= time.Second:
		return d.Round(time.Millisecond)
	case a >= time.Millisecond:
		return d.Round(time.Microsecond)
	default:
		return d.Round(100 * time.Nanosecond)
	}
}
