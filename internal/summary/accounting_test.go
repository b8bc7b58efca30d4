package summary

import (
	"strings"
	"testing"

	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/results"
)

func TestAccount(t *testing.T) {
	base := results.Spans{Ended: 1000, ExportedOK: 900, ExportFailed: 40, Dropped: 60, Received: 900,
		DropSource: DropCleanShutdown, ShutdownClean: true, FailedByCode: map[string]int64{"Unavailable": 30, "DeadlineExceeded": 10}}
	for _, tc := range []struct {
		name        string
		tweak       func(*results.Spans)
		adds, indep bool
		warn        string // substring of the only warning; "" for none
	}{
		{"adds up after a clean shutdown", nil, true, true, ""},
		{"one span unaccounted", func(s *results.Spans) { s.Ended++ }, false, true, "off by 1"},
		{"sdk counter agrees", func(s *results.Spans) {
			s.DropSource, s.Dropped, s.LostAtShutdown, s.SDKDropped, s.SDKQueued = DropSDK, 50, 10, 50, 10
		}, true, true, ""},
		{"sdk queue disagrees", func(s *results.Spans) {
			s.DropSource, s.Dropped, s.LostAtShutdown, s.SDKDropped, s.SDKQueued = DropSDK, 50, 10, 50, 7
		}, true, true, "queue held 7 spans at exit"},
		{"sdk drop count disagrees after a drained queue", func(s *results.Spans) {
			s.Observability, s.SDKDropped = true, 59
		}, true, true, "the SDK counts 59 spans dropped on a full queue; the accounting finds 60"},
		{"sdk drop count agrees after a drained queue", func(s *results.Spans) {
			s.Observability, s.SDKDropped = true, 60
		}, true, true, ""},
		{"split unknown", func(s *results.Spans) { s.DropSource = DropUnknown }, true, false, "cannot be told apart"},
		{"sink has fewer than exported", func(s *results.Spans) { s.Received = 899 }, true, true, "the sink received 899 distinct spans but the exporter reports 900"},
		{"sink got a failed export", func(s *results.Spans) { s.Received = 905 }, true, true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := base
			if tc.tweak != nil {
				tc.tweak(&s)
			}
			a := account(results.Cell{Dir: "c", Kind: profile.KindBatch, Spans: s}, nil)
			if a.Adds != tc.adds || a.Independent != tc.indep {
				t.Errorf("adds %v independent %v, want %v %v", a.Adds, a.Independent, tc.adds, tc.indep)
			}
			switch {
			case tc.warn == "" && len(a.Warnings) > 0:
				t.Errorf("unexpected warnings %q", a.Warnings)
			case tc.warn != "" && (len(a.Warnings) != 1 || !strings.Contains(a.Warnings[0], tc.warn)):
				t.Errorf("warnings %q, want one containing %q", a.Warnings, tc.warn)
			}
			if a.Handed != s.ExportedOK+s.ExportFailed {
				t.Errorf("handed %d", a.Handed)
			}
		})
	}
	a := account(results.Cell{Kind: profile.KindBatch, Spans: base}, nil)
	if got := a.Codes(); got != "DeadlineExceeded 10, Unavailable 30" {
		t.Errorf("Codes() = %q", got)
	}
}
