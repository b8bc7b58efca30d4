package runner

import (
	"context"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/otelbench/otelbench/internal/profile"
)

// load describes one vegeta attack on a target.
type load struct {
	addr       string
	rate       int
	duration   time.Duration
	timeout    time.Duration
	maxWorkers int
	// ids, when set, gives every request a sampled traceparent derived from
	// its item number; nil sends none (the target then starts root traces).
	ids *traceIDs
	// next numbers the items; shared by the warm-up and the measured attack of
	// a cell so that every request of the cell has its own trace id.
	next *atomic.Uint64
	// burst, when set, adds a load spike to the attack.
	burst *profile.Burst
}

// targeter returns a vegeta Targeter, safe for concurrent use, that asks for
// /process/{n} with n taken from the shared counter.
func (l load) targeter() vegeta.Targeter {
	base := "http://" + l.addr + "/process/"
	return func(t *vegeta.Target) error {
		n := l.next.Add(1)
		t.Method = http.MethodGet
		t.URL = base + strconv.FormatUint(n, 10)
		h := make(http.Header, 1) // fresh per request: vegeta may reuse targets
		if l.ids != nil {
			h["Traceparent"] = []string{l.ids.traceparent(n)}
		}
		t.Header = h
		return nil
	}
}

// run attacks once with a new Attacker (one cannot be reused) and passes each
// result to each, on this goroutine. It ends when the attack is over, bounded
// by its duration plus the request timeout, or when ctx is done.
func (l load) run(ctx context.Context, name string, each func(*vegeta.Result)) {
	atk := vegeta.NewAttacker(
		vegeta.Timeout(l.timeout),
		vegeta.MaxWorkers(uint64(l.maxWorkers)),
		vegeta.MaxBody(0),
		vegeta.KeepAlive(true),
	)
	stop := context.AfterFunc(ctx, func() { atk.Stop() })
	defer stop()
	var pacer vegeta.Pacer = vegeta.ConstantPacer{Freq: l.rate, Per: time.Second}
	if b := l.burst; b != nil {
		pacer = burstPacer{Base: float64(l.rate), At: b.At.D(), Length: b.Length.D(), Factor: b.Factor}
	}
	for res := range atk.Attack(l.targeter(), pacer, l.duration, name) {
		each(res)
	}
}
