package summary

import "github.com/otelbench/otelbench/internal/profile"

// Row returns the row of variant at rate, or nil when it has no measured
// repetition there.
func (s *Summary) Row(variant string, rate int) *Row {
	for i := range s.Rates {
		if s.Rates[i].Rate != rate {
			continue
		}
		for j := range s.Rates[i].Rows {
			if r := &s.Rates[i].Rows[j]; r.Variant == variant && r.Reps > 0 {
				return r
			}
		}
	}
	return nil
}

// BaselineAt returns the measured baseline row of a rate, or nil.
func (s *Summary) BaselineAt(rate int) *Row {
	return s.Row(s.Baseline, rate)
}

// ControlAt returns the first measured A/A control row of a rate (a
// further variant of kind none), or nil when the profile has none.
func (s *Summary) ControlAt(rate int) *Row {
	for i := range s.Rates {
		if s.Rates[i].Rate != rate {
			continue
		}
		for j := range s.Rates[i].Rows {
			if r := &s.Rates[i].Rows[j]; r.Control && r.Reps > 0 {
				return r
			}
		}
	}
	return nil
}

// PeakRate is the highest rate of the run, 0 for none.
func (s *Summary) PeakRate() int {
	if len(s.Rates) == 0 {
		return 0
	}
	return s.Rates[len(s.Rates)-1].Rate
}

// LowRate is the lowest rate of the run, 0 for none.
func (s *Summary) LowRate() int {
	if len(s.Rates) == 0 {
		return 0
	}
	return s.Rates[0].Rate
}

// RateList returns the run's rates, lowest first.
func (s *Summary) RateList() []int {
	out := make([]int, len(s.Rates))
	for i, rs := range s.Rates {
		out[i] = rs.Rate
	}
	return out
}

// Variant returns the variant named name.
func (s *Summary) Variant(name string) (VariantInfo, bool) {
	for _, v := range s.Variants {
		if v.Name == name {
			return v, true
		}
	}
	return VariantInfo{}, false
}

// Instrumented reports whether a variant of kind k traces.
func Instrumented(k profile.Kind) bool { return k != profile.KindNone }

// Measured reports whether any row of s has a measured repetition.
func (s *Summary) Measured() bool {
	for _, rs := range s.Rates {
		for _, r := range rs.Rows {
			if r.Reps > 0 {
				return true
			}
		}
	}
	return false
}
