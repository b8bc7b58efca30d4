package settings

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func batchOf(q, m int, t time.Duration) Batch {
	return Batch{QueueSize: q, MaxExportBatchSize: m, BatchTimeout: t, ExportTimeout: 30 * time.Second}
}

func TestBatchValidate(t *testing.T) {
	tests := []struct {
		name string
		b    Batch
		want []string // substrings of the error, none when valid
	}{
		// The SDK defaults are valid.
		{"defaults", DefaultBatch(), nil},
		// No export timeout is what the SDK does with 0: valid.
		{"no export timeout", Batch{QueueSize: 1, MaxExportBatchSize: 1, BatchTimeout: time.Millisecond}, nil},
		// A negative export timeout also means none.
		{"negative export timeout", Batch{QueueSize: 8, MaxExportBatchSize: 8, BatchTimeout: time.Second, ExportTimeout: -1}, nil},
		// Queue 0 is an unbuffered channel.
		{"queue 0", batchOf(0, 512, time.Second), []string{"queue size 0: the queue becomes an unbuffered channel"}},
		// A negative queue panics in make(chan).
		{"queue negative", batchOf(-1, 512, time.Second), []string{"queue size -1: negative"}},
		// Batch 0 exports every span alone.
		{"batch 0", batchOf(2048, 0, time.Second), []string{"max export batch size 0"}},
		// A negative batch panics in make([]…).
		{"batch negative", batchOf(2048, -5, time.Second), []string{"max export batch size -5: negative"}},
		// A batch above the queue is accepted by the SDK but not modelled.
		{"batch above queue", batchOf(100, 512, time.Second), []string{"max export batch size 512 above queue size 100"}},
		// A zero batch timeout spins the worker.
		{"timeout 0", batchOf(2048, 512, 0), []string{"batch timeout 0s: the timer fires at once", "spins a whole core"}},
		// So does a negative one.
		{"timeout negative", batchOf(2048, 512, -time.Millisecond), []string{"batch timeout -1ms"}},
		// Every problem is reported, not only the first.
		{"all wrong", Batch{}, []string{"queue size 0", "max export batch size 0", "batch timeout 0s"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.b.Validate()
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Validate() = %v, want an error wrapping ErrInvalid", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Validate() = %q, want it to contain %q", err, w)
				}
			}
		})
	}
}

func TestDefaultBatchIsTheSDKs(t *testing.T) {
	// sdk/trace DefaultMaxQueueSize, DefaultMaxExportBatchSize,
	// DefaultScheduleDelay (ms), DefaultExportTimeout (ms), blocking off:
	// the SDK's constants are in ms, and a unit slip would show here.
	want := Batch{QueueSize: 2048, MaxExportBatchSize: 512, BatchTimeout: 5 * time.Second, ExportTimeout: 30 * time.Second}
	if got := DefaultBatch(); got != want {
		t.Errorf("DefaultBatch() = %+v, want %+v", got, want)
	}
	if !want.IsDefault() || batchOf(2048, 512, time.Second).IsDefault() {
		t.Error("IsDefault disagrees with DefaultBatch")
	}
}

func TestBatchClamped(t *testing.T) {
	tests := []struct {
		name string
		in   Batch
		want int // MaxExportBatchSize after the clamp
	}{
		// Within the queue: kept.
		{"within", batchOf(2048, 1024, time.Second), 1024},
		// Equal to the queue: kept.
		{"equal", batchOf(64, 64, time.Second), 64},
		// Above a small queue: the queue.
		{"above small queue", batchOf(100, 4096, time.Second), 100},
		// Above a queue larger than 512: 512, as the SDK does.
		{"above large queue", batchOf(1000, 4096, time.Second), 512},
	}
	for _, tt := range tests {
		if got := tt.in.Clamped().MaxExportBatchSize; got != tt.want {
			t.Errorf("%s: Clamped() batch = %d, want %d", tt.name, got, tt.want)
		}
	}
}

func TestBatchJSONInMilliseconds(t *testing.T) {
	b := Batch{QueueSize: 4096, MaxExportBatchSize: 256, BatchTimeout: 1500 * time.Millisecond, ExportTimeout: 2 * time.Second, Blocking: true}
	data, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"max_queue_size":4096,"max_export_batch_size":256,"schedule_delay_ms":1500,"export_timeout_ms":2000,"blocking":true}`
	if string(data) != want {
		t.Errorf("JSON = %s, want %s", data, want)
	}
	var back Batch
	if err := json.Unmarshal(data, &back); err != nil || back != b {
		t.Errorf("round trip = %+v, %v; want %+v", back, err, b)
	}
}
