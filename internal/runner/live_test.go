package runner

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer safe for the status goroutine and the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestLiveStatus checks that the status line names the cell, counts cells
// from 1, shows a live rate and is cleared at the end.
func TestLiveStatus(t *testing.T) {
	var out lockedBuffer
	l := newLiveStatus(&out, 10, time.Now())
	l.begin(2, "rate=100 variant=batch rep=1")
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(out.String(), "live") && time.Now().Before(deadline) {
		l.results.Add(50)
		time.Sleep(50 * time.Millisecond)
	}
	l.end()
	got := out.String()
	for _, want := range []string{"[cell 3/10]", "rate=100 variant=batch rep=1", "elapsed", "left", "req/s"} {
		if !strings.Contains(got, want) {
			t.Errorf("status line lacks %q: %q", want, got)
		}
	}
	if !strings.HasSuffix(got, "\r\033[K") {
		t.Errorf("status line not cleared at the end: %q", got)
	}
	l.end() // a second end is harmless
}
