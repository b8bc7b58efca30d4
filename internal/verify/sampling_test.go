package verify

import (
	"fmt"
	"testing"

	"github.com/otelbench/otelbench/internal/sink"
)

// samplingInput builds the three phases: 10 requests with the flag set,
// 10 unset, 100 without a traceparent of which roots are recorded, and
// lets change alter the spans of each.
func samplingInput(ratio float64, roots int, change func(sampled, unsampled, root *[]sink.Span)) SamplingPhases {
	in := SamplingPhases{Ratio: ratio}
	var sSpans, uSpans, rSpans []sink.Span
	for i := range 10 {
		path := fmt.Sprintf("/items/s%d", i)
		in.Sampled.Requests = append(in.Sampled.Requests, req(byte(1+i), 99, path))
		sSpans = append(sSpans, serverSpan(byte(1+i), byte(100+i), 99, path))
		r := req(byte(20+i), 99, fmt.Sprintf("/items/u%d", i))
		r.Sampled = false
		in.Unsampled.Requests = append(in.Unsampled.Requests, r)
	}
	for i := range 100 {
		path := fmt.Sprintf("/items/r%d", i)
		in.Root.Requests = append(in.Root.Requests, Request{Path: path, Status: 200})
		if i < roots {
			rSpans = append(rSpans, serverSpan(byte(i), byte(i), 0, path))
		}
	}
	if change != nil {
		change(&sSpans, &uSpans, &rSpans)
	}
	in.Sampled.Spans, in.Unsampled.Spans, in.Root.Spans = sSpans, uSpans, rSpans
	return in
}

func TestSampling(t *testing.T) {
	tests := []struct {
		name   string
		in     SamplingPhases
		status Status
		want   []string
	}{
		// ParentBased(TraceIDRatio(0.25)) as it should be: 25 of 100 roots.
		{name: "correct", in: samplingInput(0.25, 25, nil), status: StatusPass,
			want: []string{"sampled flag set: 10/10", "unset: 0/10", "25/100", "within"}},
		// One request with the flag set was not recorded.
		{name: "sampled lost", in: samplingInput(0.25, 25, func(s, _, _ *[]sink.Span) { *s = (*s)[1:] }), status: StatusFail,
			want: []string{"9/10 recorded", tid(1).String(), "no span arrived"}},
		// A request with the flag unset was recorded, in its own trace.
		{name: "unsampled recorded", in: samplingInput(0.25, 25, func(_, u, _ *[]sink.Span) {
			*u = append(*u, serverSpan(20, 200, 99, "/items/u0"))
		}), status: StatusFail, want: []string{"unset: 1/10 recorded", tid(20).String()}},
		// ... or in a new trace, because the traceparent was ignored.
		{name: "unsampled recorded elsewhere", in: samplingInput(0.25, 25, func(_, u, _ *[]sink.Span) {
			*u = append(*u, serverSpan(66, 200, 0, "/items/u3"))
		}), status: StatusFail, want: []string{"traceparent ignored", tid(66).String()}},
		// Every root recorded though the ratio is 0.25: outside any interval.
		{name: "ratio ignored", in: samplingInput(0.25, 100, nil), status: StatusFail,
			want: []string{"100/100", "outside", "configured ratio 0.25"}},
		// An unknown ratio is reported, not judged.
		{name: "ratio unknown", in: samplingInput(-1, 100, nil), status: StatusPass, want: []string{"ratio unknown, not judged"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assertCheck(t, Sampling(tc.in), tc.status, tc.want...)
		})
	}
}
