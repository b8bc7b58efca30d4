package summary

import "github.com/otelbench/otelbench/internal/stats"

// Noise is how much a run's measurements vary when nothing changes: per
// row the coefficient of variation between repetitions, and per A/A pair
// (two variants with the same settings) their difference, which should
// not be significant.
type Noise struct {
	Rows  []NoiseRow  `json:"rows"`
	Pairs []NoisePair `json:"pairs"`
}

// NoiseRow is one row's spread between repetitions: the coefficient of
// variation (standard deviation over mean) of each repetition's CPU per
// request, p50 and p99.
type NoiseRow struct {
	Variant string  `json:"variant"`
	Rate    int     `json:"rate"`
	Reps    int     `json:"reps"`
	CPU     float64 `json:"cv_cpu_per_request"`
	P50     float64 `json:"cv_p50"`
	P99     float64 `json:"cv_p99"`
	// OtherMax is the largest share of the machine's CPUs that other work
	// used during one of the repetitions (−1: not measured). QuietReps
	// counts the repetitions during which it stayed within OtherCPUShare,
	// and QuietCPU and QuietP50 are the coefficients of variation over
	// those alone (NaN for fewer than two): the spread of the measurement
	// itself, without the machine's other work.
	OtherMax  float64 `json:"other_max"`
	QuietReps int     `json:"quiet_reps"`
	QuietCPU  float64 `json:"-"`
	QuietP50  float64 `json:"-"`
}

// NoisePair is one A/A pair at one rate: B measured again against A.
type NoisePair struct {
	A    string `json:"a"`
	B    string `json:"b"`
	Rate int    `json:"rate"`
	CPU  Delta  `json:"cpu"`
	P50  Delta  `json:"p50"`
	P99  Delta  `json:"p99"`
}

// Significant reports whether any of the pair's differences came out
// significant: for an A/A pair, a false alarm.
func (p NoisePair) Significant() bool {
	return p.CPU.Significant || p.P50.Significant || p.P99.Significant
}

// NoiseOf measures the noise of s: every measured row, and every pair of
// variants whose span pipelines are the same (the first of each setup is
// A, every later one a B against it).
func NoiseOf(s *Summary) Noise {
	var n Noise
	for _, rs := range s.Rates {
		for _, r := range rs.Rows {
			if r.Reps == 0 {
				continue
			}
			n.Rows = append(n.Rows, noiseRow(r, rs.Rate))
		}
	}
	for i, a := range s.Variants {
		for _, b := range s.Variants[i+1:] {
			if !sameSetup(a, b) || !firstOfSetup(s, a) {
				continue
			}
			for _, rs := range s.Rates {
				ra, rb := s.Row(a.Name, rs.Rate), s.Row(b.Name, rs.Rate)
				if ra == nil || rb == nil {
					continue
				}
				n.Pairs = append(n.Pairs, NoisePair{A: a.Name, B: b.Name, Rate: rs.Rate,
					CPU: NewDelta(rb.PerRep.CPUPerReq, ra.PerRep.CPUPerReq),
					P50: NewDelta(rb.PerRep.P50, ra.PerRep.P50),
					P99: NewDelta(rb.PerRep.P99, ra.PerRep.P99)})
			}
		}
	}
	return n
}

// noiseRow measures one row's spread, over every repetition and over the
// quiet ones.
func noiseRow(r Row, rate int) NoiseRow {
	nr := NoiseRow{Variant: r.Variant, Rate: rate, Reps: r.Reps,
		CPU: stats.CV(r.PerRep.CPUPerReq), P50: stats.CV(r.PerRep.P50), P99: stats.CV(r.PerRep.P99), OtherMax: -1}
	var cpu, p50 []float64
	for i, share := range r.PerRep.OtherShare {
		if share < 0 || i >= len(r.PerRep.CPUPerReq) || i >= len(r.PerRep.P50) {
			continue
		}
		nr.OtherMax = max(nr.OtherMax, share)
		if share <= OtherCPUShare {
			cpu, p50 = append(cpu, r.PerRep.CPUPerReq[i]), append(p50, r.PerRep.P50[i])
		}
	}
	nr.QuietReps, nr.QuietCPU, nr.QuietP50 = len(cpu), stats.CV(cpu), stats.CV(p50)
	return nr
}

// sameSetup says two variants run the same span pipeline.
func sameSetup(a, b VariantInfo) bool {
	return a.Kind == b.Kind && a.Settings == b.Settings && a.Observability == b.Observability
}

// firstOfSetup says no earlier variant of s has v's setup.
func firstOfSetup(s *Summary, v VariantInfo) bool {
	for _, u := range s.Variants {
		if u.Name == v.Name {
			return true
		}
		if sameSetup(u, v) {
			return false
		}
	}
	return true
}

// The noise a benchmark on this kind of machine should stay within: the
// coefficient of variation between repetitions of CPU per request and of
// the p50, for the baseline and the batch processor.
const (
	NoiseGoalCPU = 0.03
	NoiseGoalP50 = 0.05
)
