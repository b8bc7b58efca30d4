package tune

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/otelbench/otelbench/internal/model"
	"github.com/otelbench/otelbench/internal/profile"
)

func spec(rate int, lat time.Duration) Spec {
	return Spec{PeakRate: rate, SampleRatio: 1, Latency: lat, Duration: 4 * time.Second,
		Budget: Budget{P99OverheadPct: 10}}
}

func TestPlan(t *testing.T) {
	for _, tc := range []struct {
		name  string
		spec  Spec
		spans int
		// want: the names of the candidates, defaults first.
		want []string
	}{
		// 500 req/s × 2 spans at 20 ms: the defaults' ceiling is 25 600
		// spans/s, far above 1 000: their queue and batch suffice; the
		// exporter timeout comes down to the 2 s the queue holds at the
		// peak; twice the queue too.
		{"defaults suffice", spec(500, 20*time.Millisecond), 2, []string{"defaults", "q2048-b512-x2s", "q4096-b512-x2s"}},
		// 5 000 req/s × 3 spans at 100 ms: 15 000 spans/s needs a ceiling
		// of 30 000 at half utilisation: 3 000 spans per export; the 2 s
		// timeout (20 exports) lets 30 000 spans in: a queue of 32 768.
		{"slow collector needs big batches", spec(5000, 100*time.Millisecond), 3, []string{"defaults", "q32768-b3000-x2s", "q65536-b3000-x2s"}},
		// A 6x burst for 1 s at 1 000 req/s × 2 spans, 100 ms per export:
		// the steady 2 000 spans/s needs batches of 400, so 512 stay; the
		// queue absorbs the burst (12 000 spans/s against a ceiling of
		// 5 120 for 1 s, with 2× headroom: 16 384), and the timeout is what
		// that queue holds at the steady rate.
		{"burst", func() Spec {
			s := spec(1000, 100*time.Millisecond)
			s.Burst = &profile.Burst{Factor: 6, Length: profile.Duration(time.Second), At: profile.Duration(time.Second)}
			return s
		}(), 2, []string{"defaults", "q16384-b512-x8.1s", "q32768-b512-x8.1s"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cands, err := Plan(tc.spec, tc.spans)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, c := range cands {
				names = append(names, c.Name)
				// Never a zero queue, a zero or raced batch timeout, or a
				// queue smaller than a batch.
				st := c.Settings.Batch
				if st.QueueSize <= 0 || st.BatchTimeout <= 0 || st.MaxExportBatchSize > st.QueueSize {
					t.Errorf("%s: invalid settings %+v", c.Name, st)
				}
				if c.Name != "defaults" && (c.Predicted.Loses || c.Predicted.TimerRaces) {
					t.Errorf("%s: the model predicts loss or a timer race: %+v", c.Name, c.Predicted)
				}
			}
			if strings.Join(names, ",") != strings.Join(tc.want, ",") {
				t.Errorf("candidates %v, want %v", names, tc.want)
			}
		})
	}
}

func TestPlanMemoryBudget(t *testing.T) {
	s := spec(5000, 100*time.Millisecond)
	s.Budget.MemoryMiB = 1 // a 8 192-span queue holds about 15 MiB
	if _, err := Plan(s, 3); err == nil || !strings.Contains(err.Error(), "memory budget") {
		t.Errorf("Plan = %v, want a memory budget error", err)
	}
}

func TestPlanNoSolution(t *testing.T) {
	// 10 s per export: no batch of up to 4096 spans keeps up with 100 000 spans/s.
	if _, err := Plan(spec(50000, 10*time.Second), 2); !errors.Is(err, model.ErrNoSolution) {
		t.Errorf("Plan = %v, want ErrNoSolution", err)
	}
}
