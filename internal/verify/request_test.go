package verify

import (
	"slices"
	"strings"
	"testing"

	"github.com/otelbench/otelbench/internal/sink"
)

func TestTraceparent(t *testing.T) {
	tid, sid := newIDs()
	if tid == (sink.TraceID{}) || sid == (sink.SpanID{}) {
		t.Fatal("newIDs returned a zero id")
	}
	tests := []struct {
		name    string
		r       Request
		want    string
		wantHdr []string // header names set
	}{
		// Sampled, with state and baggage.
		{name: "sampled", r: Request{TraceID: tid, ParentID: sid, Sampled: true, TraceState: "a=b", Baggage: "k=v"},
			want: "00-" + tid.String() + "-" + sid.String() + "-01", wantHdr: []string{"Traceparent", "Tracestate", "Baggage"}},
		// Flag unset.
		{name: "unsampled", r: Request{TraceID: tid, ParentID: sid}, want: "00-" + tid.String() + "-" + sid.String() + "-00", wantHdr: []string{"Traceparent"}},
		// No traceparent at all.
		{name: "none", r: Request{}, want: ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.r.Traceparent(); got != tc.want {
				t.Errorf("Traceparent = %q, want %q", got, tc.want)
			}
			h := tc.r.header()
			if len(h) != len(tc.wantHdr) {
				t.Errorf("header = %v, want %v", h, tc.wantHdr)
			}
			if tc.want == "" {
				return
			}
			gotT, gotS, ok := parseTraceparent(tc.want)
			if !ok || gotT != tid || gotS != sid {
				t.Errorf("parseTraceparent(%q) = %s %s %v", tc.want, gotT, gotS, ok)
			}
		})
	}
	for _, bad := range []string{"", "00-xyz-abc-01", "00-" + strings.Repeat("g", 32) + "-" + strings.Repeat("0", 16) + "-01"} {
		if _, _, ok := parseTraceparent(bad); ok {
			t.Errorf("parseTraceparent(%q) accepted", bad)
		}
	}
}

func TestFindingsAndReport(t *testing.T) {
	f := findings{what: "things"}
	for i := range 5 {
		f.add("thing %d", i)
	}
	ev := f.evidence()
	if len(ev) != 1+maxExamples+1 || ev[0] != "5 things, e.g.:" || ev[len(ev)-1] != "  … and 2 more" {
		t.Errorf("evidence = %q", ev)
	}
	r := Report{Checks: []Check{{Name: "a", Status: StatusPass}, {Name: "b", Status: StatusFail}, {Name: "c", Status: StatusNA}}}
	if r.Count(StatusPass) != 1 || r.Count(StatusWarn) != 0 || !slices.Equal(r.Failed(), []string{"b"}) {
		t.Errorf("Count/Failed wrong: %v", r.Failed())
	}
	for s, want := range map[Status]string{StatusPass: "pass", StatusFail: "fail", StatusWarn: "warn", StatusNA: "n/a"} {
		if s.String() != want {
			t.Errorf("%d.String() = %q", s, s.String())
		}
	}
}
