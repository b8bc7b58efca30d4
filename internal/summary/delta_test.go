package summary

import (
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

func TestNewDelta(t *testing.T) {
	tests := []struct {
		name        string
		x, base     []float64
		wantValid   bool
		wantSig     bool
		wantPct     float64
		wantP       float64
		checkBounds bool
	}{
		// Five repetitions each, completely separated: p = 2/252, significant,
		// median 20 against 10 is +100%.
		{"separated", []float64{19, 20, 21, 22, 18}, []float64{9, 10, 11, 12, 8}, true, true, 100, 2.0 / 252, true},
		// Three against three can never be significant (p ≥ 0.1).
		{"three reps", []float64{19, 20, 21}, []float64{9, 10, 11}, true, false, 100, 0.1, true},
		// Interleaved: no evidence (U = 10, exact p = 2·87/252).
		{"interleaved", []float64{1, 3, 5, 7, 9}, []float64{2, 4, 6, 8, 10}, true, false, -100.0 / 6, 174.0 / 252, false},
		// A side with no repetition: not valid.
		{"empty", nil, []float64{1}, false, false, 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := NewDelta(tt.x, tt.base)
			if d.Valid != tt.wantValid || d.Significant != tt.wantSig {
				t.Fatalf("valid %v significant %v, want %v %v (%+v)", d.Valid, d.Significant, tt.wantValid, tt.wantSig, d)
			}
			if !d.Valid {
				return
			}
			if math.Abs(d.Pct-tt.wantPct) > 1e-9 || math.Abs(d.P-tt.wantP) > 1e-3 {
				t.Errorf("pct %v p %v, want %v %v", d.Pct, d.P, tt.wantPct, tt.wantP)
			}
			if tt.checkBounds && !(d.Low <= d.Pct && d.Pct <= d.High && d.Low > 0) {
				t.Errorf("interval [%v, %v] should hold %v and exclude 0", d.Low, d.High, d.Pct)
			}
		})
	}
}

// TestIntendedLatency writes results where request 2 was sent 5 ms late: its
// latency from the intended time is 5 ms longer than vegeta's, and the others
// are unchanged.
func TestIntendedLatency(t *testing.T) {
	path := filepath.Join(t.TempDir(), "results.gob")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	enc := vegeta.NewEncoder(f)
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	const rate = 100 // one request every 10 ms
	for seq := uint64(0); seq < 4; seq++ {
		sent := t0.Add(time.Duration(seq) * 10 * time.Millisecond)
		if seq == 2 {
			sent = sent.Add(5 * time.Millisecond)
		}
		// Written out of order, as vegeta's workers may finish.
		r := vegeta.Result{Seq: 3 - seq, Code: 200, Timestamp: sent, Latency: time.Millisecond}
		if r.Seq != seq {
			r.Seq = seq
		}
		if err := enc.Encode(&r); err != nil {
			t.Fatal(err)
		}
	}
	f.Close()
	raw, err := readRaw(path, rate, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(raw.latencies); n != 4 || raw.intended[3] != 6*time.Millisecond || raw.intended[0] != time.Millisecond {
		t.Errorf("requests %d, intended %v; want 4, 1ms to 6ms", n, raw.intended)
	}
	var late int
	for _, l := range raw.lags {
		if l > 0 {
			late++
			if l != 5*time.Millisecond {
				t.Errorf("lag %v, want 5ms", l)
			}
		}
	}
	if late != 1 {
		t.Errorf("%d late requests, want 1", late)
	}
}
