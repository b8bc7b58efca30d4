package sink

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
)

// TestFaultsValidate checks that each bad value is refused with an error
// naming its field, and that good values pass.
func TestFaultsValidate(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name   string
		faults Faults
		want   string // in the error; "" for valid
	}{
		// The zero value is a well-behaved sink.
		{name: "zero", faults: Faults{}},
		// Everything at once, well formed.
		{name: "all valid", faults: Faults{
			Latency: LatencyDist{P50: 2 * ms, P99: 20 * ms}, SpikeProb: 0.01, SpikeLen: 500 * ms,
			ErrorRate: 0.1, ErrorCode: codes.ResourceExhausted, RetryAfter: time.Second,
			Outages:        []Window{{From: time.Second, To: 2 * time.Second}, {From: 2 * time.Second, To: 3 * time.Second}},
			BlackHoles:     []Window{{From: 5 * time.Second}},
			CapSpansPerSec: 1000, CapBurst: 50, Seed: 9,
		}},
		// Equal quantiles: a fixed latency, allowed.
		{name: "P50 equals P99", faults: Faults{Latency: LatencyDist{P50: ms, P99: ms}}},
		// A spike length without probability is off, not wrong.
		{name: "SpikeLen alone", faults: Faults{SpikeLen: ms}},
		// A negative fixed latency.
		{name: "negative Fixed", faults: Faults{Latency: LatencyDist{Fixed: -ms}}, want: "Latency"},
		// Fixed and a distribution at once.
		{name: "Fixed and P50", faults: Faults{Latency: LatencyDist{Fixed: ms, P50: ms, P99: 2 * ms}}, want: "Latency.Fixed"},
		// Half a distribution.
		{name: "P50 without P99", faults: Faults{Latency: LatencyDist{P50: ms}}, want: "Latency.P50"},
		// A tail below the median.
		{name: "P99 below P50", faults: Faults{Latency: LatencyDist{P50: 2 * ms, P99: ms}}, want: "Latency.P99"},
		// Probabilities are in [0, 1].
		{name: "SpikeProb above 1", faults: Faults{SpikeProb: 1.5, SpikeLen: ms}, want: "SpikeProb"},
		// A spike of nothing.
		{name: "SpikeProb without SpikeLen", faults: Faults{SpikeProb: 0.5}, want: "SpikeLen"},
		// A negative spike.
		{name: "negative SpikeLen", faults: Faults{SpikeLen: -ms}, want: "SpikeLen"},
		// A negative error rate.
		{name: "negative ErrorRate", faults: Faults{ErrorRate: -0.1, ErrorCode: codes.Internal}, want: "ErrorRate"},
		// NaN is no rate.
		{name: "NaN ErrorRate", faults: Faults{ErrorRate: math.NaN(), ErrorCode: codes.Internal}, want: "ErrorRate"},
		// An error rate needs a code.
		{name: "ErrorRate without ErrorCode", faults: Faults{ErrorRate: 0.5}, want: "ErrorCode"},
		// Only the three codes are injected.
		{name: "unsupported ErrorCode", faults: Faults{ErrorRate: 0.5, ErrorCode: codes.NotFound}, want: "ErrorCode"},
		// A negative retry delay.
		{name: "negative RetryAfter", faults: Faults{RetryAfter: -ms}, want: "RetryAfter"},
		// RetryInfo on an error nobody retries.
		{name: "RetryAfter with INTERNAL", faults: Faults{ErrorRate: 1, ErrorCode: codes.Internal, RetryAfter: ms}, want: "RetryAfter"},
		// A window before the timeline.
		{name: "negative From", faults: Faults{Outages: []Window{{From: -ms, To: ms}}}, want: "Outages[0].From"},
		// A window that ends before it begins.
		{name: "To before From", faults: Faults{BlackHoles: []Window{{From: 2 * ms, To: ms}}}, want: "BlackHoles[0]"},
		// Windows out of order.
		{name: "unordered windows", faults: Faults{Outages: []Window{{From: 5 * ms, To: 6 * ms}, {From: ms, To: 2 * ms}}}, want: "Outages[1]"},
		// Overlapping windows.
		{name: "overlapping windows", faults: Faults{BlackHoles: []Window{{From: ms, To: 5 * ms}, {From: 4 * ms, To: 6 * ms}}}, want: "BlackHoles[1] begins"},
		// An endless window followed by another.
		{name: "endless window not last", faults: Faults{Outages: []Window{{From: ms}, {From: 5 * ms, To: 6 * ms}}}, want: "Outages[0] has no end"},
		// A negative cap.
		{name: "negative cap", faults: Faults{CapSpansPerSec: -1}, want: "CapSpansPerSec"},
		// An infinite cap.
		{name: "infinite cap", faults: Faults{CapSpansPerSec: math.Inf(1)}, want: "CapSpansPerSec"},
		// A burst without a cap.
		{name: "burst without cap", faults: Faults{CapBurst: 10}, want: "CapBurst"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.faults.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Validate() = %v, want nil", err)
			case tt.want != "" && err == nil:
				t.Errorf("Validate() = nil, want an error naming %q", tt.want)
			case tt.want != "" && !strings.Contains(err.Error(), tt.want):
				t.Errorf("Validate() = %v, want an error naming %q", err, tt.want)
			}
		})
	}
}

// TestBadFaultsRefused checks that Start and SetFaults refuse bad faults,
// and that a refused SetFaults changes nothing.
func TestBadFaultsRefused(t *testing.T) {
	bad := Faults{ErrorRate: 2, ErrorCode: codes.Unavailable}
	if s, err := Start(t.Context(), Options{Faults: bad}); err == nil {
		s.Close()
		t.Errorf("Start with ErrorRate 2 succeeded")
	}
	if s, err := Start(t.Context(), Options{Delay: time.Second, Faults: Faults{Latency: LatencyDist{Fixed: time.Second}}}); err == nil {
		s.Close()
		t.Errorf("Start with both Options.Delay and Faults.Latency succeeded")
	} else if !strings.Contains(err.Error(), "Options.Delay") {
		t.Errorf("Start with both delays: %v, want an error naming Options.Delay", err)
	}

	s := startSink(t, Options{Delay: time.Millisecond})
	if err := s.SetFaults(bad); err == nil || !strings.Contains(err.Error(), "ErrorRate") {
		t.Errorf("SetFaults(ErrorRate 2) = %v, want an error naming ErrorRate", err)
	}
	if got := s.Faults(); got.Latency.Fixed != time.Millisecond || got.ErrorRate != 0 {
		t.Errorf("Faults() after a refused SetFaults = %+v, want the 1ms delay alone", got)
	}
}

// TestFaultsAccessors checks that Faults reports what is in effect, that
// SetDelay replaces a distribution, and that the sink keeps no reference
// to the caller's slices.
func TestFaultsAccessors(t *testing.T) {
	s := startSink(t, Options{})
	in := Faults{Latency: LatencyDist{P50: time.Millisecond, P99: 5 * time.Millisecond}, Outages: []Window{{From: time.Hour, To: 2 * time.Hour}}}
	if err := s.SetFaults(in); err != nil {
		t.Fatalf("SetFaults: %v", err)
	}
	in.Outages[0].From = 0 // the caller changes its copy
	got := s.Faults()
	if got.Outages[0].From != time.Hour {
		t.Errorf("the sink's outage moved with the caller's slice: %+v", got.Outages)
	}
	s.SetDelay(3 * time.Millisecond)
	if got := s.Faults(); got.Latency != (LatencyDist{Fixed: 3 * time.Millisecond}) || len(got.Outages) != 1 {
		t.Errorf("Faults() after SetDelay = %+v, want a fixed 3ms and the outage kept", got)
	}
}

// TestFaultsActive checks the descriptions a report lists.
func TestFaultsActive(t *testing.T) {
	tests := []struct {
		name   string
		faults Faults
		want   []string
	}{
		// Nothing configured, nothing listed.
		{name: "zero", faults: Faults{}, want: nil},
		// A fixed latency needs no seed.
		{name: "fixed", faults: Faults{Latency: LatencyDist{Fixed: 150 * time.Millisecond}}, want: []string{"latency: 150ms per export"}},
		// Random faults list their seed.
		{
			name: "random",
			faults: Faults{
				Latency:   LatencyDist{P50: 2 * time.Millisecond, P99: 20 * time.Millisecond},
				SpikeProb: 0.07, SpikeLen: 500 * time.Millisecond,
				ErrorRate: 0.5, ErrorCode: codes.ResourceExhausted, RetryAfter: time.Second,
				Seed: 42,
			},
			want: []string{
				"latency: lognormal per export, p50 2ms, p99 20ms",
				"latency spikes: +500ms on 7% of exports",
				"errors: 50% of exports answered RESOURCE_EXHAUSTED with RetryInfo 1s",
				"seed: 42",
			},
		},
		// Windows and the cap.
		{
			name: "windows and cap",
			faults: Faults{
				Outages:        []Window{{From: 10 * time.Second, To: 20 * time.Second}},
				BlackHoles:     []Window{{From: 30 * time.Second}},
				CapSpansPerSec: 2000,
			},
			want: []string{
				"outage: 10s to 20s (connections refused)",
				"black hole: 30s to the end (exports never answered)",
				"throughput cap: 2000 spans/s, burst 2000 spans, after the latency",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.faults.Active(); !slices.Equal(got, tt.want) {
				t.Errorf("Active() =\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}
