package model

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestSettingsValidate(t *testing.T) {
	tests := []struct {
		name string
		s    Settings
		want []string // substrings of the error, none when valid
	}{
		// The SDK defaults are valid.
		{"defaults", DefaultSettings(), nil},
		// No export timeout is what the SDK does with 0: valid.
		{"no export timeout", Settings{QueueSize: 1, MaxExportBatchSize: 1, BatchTimeout: time.Millisecond}, nil},
		// A negative export timeout also means none.
		{"negative export timeout", Settings{QueueSize: 8, MaxExportBatchSize: 8, BatchTimeout: time.Second, ExportTimeout: -1}, nil},
		// Queue 0 is an unbuffered channel.
		{"queue 0", settings(0, 512, time.Second), []string{"queue size 0: the queue becomes an unbuffered channel"}},
		// A negative queue panics in make(chan).
		{"queue negative", settings(-1, 512, time.Second), []string{"queue size -1: negative"}},
		// Batch 0 exports every span alone.
		{"batch 0", settings(2048, 0, time.Second), []string{"max export batch size 0"}},
		// A negative batch panics in make([]…).
		{"batch negative", settings(2048, -5, time.Second), []string{"max export batch size -5: negative"}},
		// A batch above the queue is accepted by the SDK but not modelled.
		{"batch above queue", settings(100, 512, time.Second), []string{"max export batch size 512 above queue size 100"}},
		// A zero batch timeout spins the worker.
		{"timeout 0", settings(2048, 512, 0), []string{"batch timeout 0s: the timer fires at once", "spins a whole core"}},
		// So does a negative one.
		{"timeout negative", settings(2048, 512, -time.Millisecond), []string{"batch timeout -1ms"}},
		// Every problem is reported, not only the first.
		{"all wrong", Settings{}, []string{"queue size 0", "max export batch size 0", "batch timeout 0s"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.s.Validate()
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, ErrInvalidSettings) {
				t.Fatalf("Validate() = %v, want an error wrapping ErrInvalidSettings", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Validate() = %q, want it to contain %q", err, w)
				}
			}
		})
	}
}

func TestDefaultSettingsMatchSDK(t *testing.T) {
	// sdk/trace DefaultMaxQueueSize, DefaultMaxExportBatchSize,
	// DefaultScheduleDelay (ms), DefaultExportTimeout (ms), blocking off.
	want := Settings{QueueSize: 2048, MaxExportBatchSize: 512, BatchTimeout: 5000 * time.Millisecond, ExportTimeout: 30000 * time.Millisecond}
	if got := DefaultSettings(); got != want {
		t.Errorf("DefaultSettings() = %+v, want %+v", got, want)
	}
}
