package model

import (
	"github.com/otelbench/otelbench/internal/settings"
	"testing"
)

func TestMemoryOf(t *testing.T) {
	tests := []struct {
		name string
		s    settings.Batch
		per  int64
		want Memory
	}{
		// Defaults, request-shaped spans: 2 560 slots of 16 bytes; 2 048 ×
		// 1 236 in a full queue; 2 560 × 1 236 + slots when saturated.
		{"defaults", settings.DefaultBatch(), BytesPerQueuedSpan, Memory{Slots: 40_960, Queue: 2_531_328, Held: 3_205_120}},
		// A 100 000-span queue of server spans: 193 MB.
		{"large queue", batchOf(100_000, 512, 1), BytesPerQueuedServerSpan, Memory{Slots: 1_608_192, Queue: 192_800_000, Held: 193_787_136 + 1_608_192}},
		// Invalid sizes count as empty, not negative.
		{"negative", batchOf(-1, -1, 1), BytesPerQueuedSpan, Memory{}},
	}
	for _, tt := range tests {
		if got := MemoryOf(tt.s, tt.per); got != tt.want {
			t.Errorf("%s: MemoryOf = %+v, want %+v", tt.name, got, tt.want)
		}
	}
}
