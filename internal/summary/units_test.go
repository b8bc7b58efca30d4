package summary

import (
	"testing"
	"time"

	"github.com/otelbench/otelbench/internal/profile"
)

// TestTimeoutUnitWarnings checks that an exporter_timeout is flagged only
// for an SDK that reads the variable in seconds, with the milliseconds
// written.
func TestTimeoutUnitWarnings(t *testing.T) {
	d := profile.Duration(1500 * time.Millisecond)
	p := &profile.Profile{Variants: []profile.Variant{
		{Name: "none", Kind: profile.KindNone},
		{Name: "batch", Kind: profile.KindBatch, ExporterTimeout: &d},
		{Name: "plain", Kind: profile.KindBatch},
	}}
	for _, tc := range []struct {
		lang string
		want int
	}{{"python", 1}, {"nodejs", 0}, {"go", 0}, {"", 0}} {
		infos := []VariantInfo{{Name: "none"}, {Name: "batch", Language: tc.lang}, {Name: "plain", Language: tc.lang}}
		ws := timeoutUnitWarnings(p, infos)
		if len(ws) != tc.want {
			t.Fatalf("%q: %d warnings %+v, want %d", tc.lang, len(ws), ws, tc.want)
		}
		if tc.want == 1 && (ws[0].Kind != WarnTimeoutSeconds || ws[0].Variant != "batch" || ws[0].Value != 1500 || ws[0].Detail != "python") {
			t.Errorf("%q: %+v", tc.lang, ws[0])
		}
	}
}
