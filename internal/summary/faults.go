package summary

import "time"

// FaultTotals adds up what one variant's cells at one rate lost while the
// sink misbehaved, and when their spans came back.
type FaultTotals struct {
	// Cells counts the cells added up.
	Cells int
	// Ended, Dropped and Failed add up the cells' accounting; Lost is every
	// span that never reached the collector (dropped, failed, lost at
	// shutdown).
	Ended, Dropped, Failed, Lost int64
	// Recovered says a timeline measured when spans came back; SpansBack
	// is the slowest such recovery, −1 when a cell's spans did not come
	// back before its attack ended.
	Recovered bool
	SpansBack time.Duration
}

// FaultTotals adds up the accounting of a variant's cells at a rate.
func (s *Summary) FaultTotals(variant string, rate int) FaultTotals {
	var t FaultTotals
	for _, a := range s.Accounting {
		if a.Variant != variant || a.Rate != rate {
			continue
		}
		t.Cells++
		t.Ended += a.Ended
		t.Dropped += a.Dropped
		t.Failed += a.Failed
		t.Lost += a.Dropped + a.Failed + a.LostAtShutdown
		if rc := a.Recovery; rc != nil && rc.Known && !rc.NoArrivals {
			switch {
			case rc.Spans < 0 || t.SpansBack < 0:
				t.SpansBack = -1
			default:
				t.SpansBack = max(t.SpansBack, rc.Spans)
			}
			t.Recovered = true
		}
	}
	return t
}
