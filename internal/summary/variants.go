package summary

import (
	"encoding/json"

	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/results"
	"github.com/otelbench/otelbench/internal/settings"
	"github.com/otelbench/otelbench/internal/wire"
)

// readyLineOf returns the ready line the target of the named variant
// reported, nil if run.json has none.
func readyLineOf(l *results.Loaded, variant string) json.RawMessage {
	for _, vs := range l.Run.Variants {
		if vs.Name == variant {
			return vs.Effective
		}
	}
	return nil
}

// variantSettings returns the span pipeline of v: its batch processor as
// its target reported it in effect when the ready line holds it, else the
// profile's with the SDK's defaults for what it leaves out.
func variantSettings(v profile.Variant, ready json.RawMessage) (settings.Tracing, string) {
	t := v.Settings()
	var r wire.Ready
	if t.Processor != settings.ProcessorBatch || len(ready) == 0 || json.Unmarshal(ready, &r) != nil {
		return t, SettingsFromProfile
	}
	if p, err := r.DecodeProcessor(); err == nil && p != nil {
		if c := p.Config; c != nil && c.MaxQueueSize > 0 && c.MaxExportBatchSize > 0 {
			t.Batch = settings.Batch{QueueSize: c.MaxQueueSize, MaxExportBatchSize: c.MaxExportBatchSize,
				BatchTimeout: c.BatchTimeout, ExportTimeout: c.ExportTimeout, Blocking: c.BlockOnQueueFull}
			return t, SettingsFromTarget
		}
	}
	return t, SettingsFromProfile
}
