package summary

import (
	"testing"

	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/results"
)

func TestAccount(t *testing.T) {
	base := results.Spans{Ended: 1000, ExportedOK: 900, ExportFailed: 40, Dropped: 60, Received: 900,
		DropSource: string(results.DropCleanShutdown), ShutdownClean: true, FailedByCode: map[string]int64{"Unavailable": 30, "DeadlineExceeded": 10}}
	for _, tc := range []struct {
		name        string
		tweak       func(*results.Spans)
		adds, indep bool
		warn        WarningKind // kind of the only warning; "" for none
	}{
		{"adds up after a clean shutdown", nil, true, true, ""},
		{"one span unaccounted", func(s *results.Spans) { s.Ended++ }, false, true, WarnSpansDontAddUp},
		{"sdk counter agrees", func(s *results.Spans) {
			s.DropSource, s.Dropped, s.LostAtShutdown, s.SDKDropped, s.SDKQueued = string(results.DropSDK), 50, 10, 50, 10
		}, true, true, ""},
		{"sdk queue disagrees", func(s *results.Spans) {
			s.DropSource, s.Dropped, s.LostAtShutdown, s.SDKDropped, s.SDKQueued = string(results.DropSDK), 50, 10, 50, 7
		}, true, true, WarnSDKQueueDisagrees},
		{"sdk drop count disagrees after a drained queue", func(s *results.Spans) {
			s.Observability, s.SDKDropped = true, 59
		}, true, true, WarnSDKDropsDisagree},
		{"sdk drop count agrees after a drained queue", func(s *results.Spans) {
			s.Observability, s.SDKDropped = true, 60
		}, true, true, ""},
		{"split unknown", func(s *results.Spans) { s.DropSource = string(results.DropUnknown) }, true, false, WarnDropsUnknown},
		{"sink has fewer than exported", func(s *results.Spans) { s.Received = 899 }, true, true, WarnSinkExporterDisagree},
		{"sink got a failed export", func(s *results.Spans) { s.Received = 905 }, true, true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := base
			if tc.tweak != nil {
				tc.tweak(&s)
			}
			a := account(results.Cell{Dir: "c", Kind: profile.KindBatch, Spans: s}, nil, nil, 0)
			if a.Adds != tc.adds || a.Independent != tc.indep {
				t.Errorf("adds %v independent %v, want %v %v", a.Adds, a.Independent, tc.adds, tc.indep)
			}
			switch {
			case tc.warn == "" && len(a.Warnings) > 0:
				t.Errorf("unexpected warnings %+v", a.Warnings)
			case tc.warn != "" && (len(a.Warnings) != 1 || a.Warnings[0].Kind != tc.warn || a.Warnings[0].Cell != "c"):
				t.Errorf("warnings %+v, want one of kind %q about cell c", a.Warnings, tc.warn)
			}
			if a.Handed != s.ExportedOK+s.ExportFailed {
				t.Errorf("handed %d", a.Handed)
			}
		})
	}
}
