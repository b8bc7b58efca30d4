package summary

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/settings"
)

func TestVariantSettings(t *testing.T) {
	n := func(x int) *int { return &x }
	ms := func(x int) *profile.Duration { d := profile.Duration(time.Duration(x) * time.Millisecond); return &d }
	ready := json.RawMessage(`{"event":"ready","processor":{"Type":"BatchSpanProcessor","Config":{"MaxQueueSize":64,"BatchTimeout":5000000000,"ExportTimeout":30000000000,"MaxExportBatchSize":16,"BlockOnQueueFull":true}}}`)
	tests := []struct {
		name  string
		v     profile.Variant
		ready json.RawMessage
		want  settings.Batch // the batch processor of the settings
		from  string
	}{
		// The target's ready line wins: it is what the SDK used.
		{"ready line", profile.Variant{Kind: profile.KindBatch, QueueSize: n(999)}, ready,
			settings.Batch{QueueSize: 64, MaxExportBatchSize: 16, BatchTimeout: 5 * time.Second, ExportTimeout: 30 * time.Second, Blocking: true},
			SettingsFromTarget},
		// No ready line: nil options are the SDK's defaults.
		{"defaults", profile.Variant{Kind: profile.KindBatch}, nil, settings.DefaultBatch(), SettingsFromProfile},
		// The profile's options, the rest defaults.
		{"options", profile.Variant{Kind: profile.KindBatch, QueueSize: n(128), MaxExportBatchSize: n(32), BatchTimeout: ms(10), ExportTimeout: ms(500), Blocking: true}, nil,
			settings.Batch{QueueSize: 128, MaxExportBatchSize: 32, BatchTimeout: 10 * time.Millisecond, ExportTimeout: 500 * time.Millisecond, Blocking: true},
			SettingsFromProfile},
		// A queue below the default batch: the SDK clamps the batch to it.
		{"clamped batch", profile.Variant{Kind: profile.KindBatch, QueueSize: n(64)}, nil,
			settings.Batch{QueueSize: 64, MaxExportBatchSize: 64, BatchTimeout: 5 * time.Second, ExportTimeout: 30 * time.Second},
			SettingsFromProfile},
		// A ready line without the batch processor's config (sync, or an
		// older target): the profile.
		{"ready line without config", profile.Variant{Kind: profile.KindBatch, QueueSize: n(256)}, json.RawMessage(`{"processor":{"Type":"SimpleSpanProcessor"}}`),
			settings.Batch{QueueSize: 256, MaxExportBatchSize: 256, BatchTimeout: 5 * time.Second, ExportTimeout: 30 * time.Second},
			SettingsFromProfile},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t2, from := variantSettings(tc.v, tc.ready)
			if got := t2.Batch; got != tc.want || from != tc.from {
				t.Errorf("got %+v from %s, want %+v from %s", got, from, tc.want, tc.from)
			}
		})
	}
}
