package runner

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
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
	// url, when set, is a user service's route with {id} in it; otherwise
	// the bundled target's /process/{n} on addr.
	url string
}

// urlFor returns the URL of item n.
func (l load) urlFor(n uint64) string {
	if l.url != "" {
		return strings.Replace(l.url, "{id}", strconv.FormatUint(n, 10), 1)
	}
	return "http://" + l.addr + "/process/" + strconv.FormatUint(n, 10)
}

// item returns the item number of a result's URL.
func (l load) item(u string) (uint64, error) {
	if l.url == "" {
		return itemFromURL(u)
	}
	pre, post, _ := strings.Cut(l.url, "{id}")
	if !strings.HasPrefix(u, pre) || !strings.HasSuffix(u, post) || len(u) < len(pre)+len(post) {
		return 0, fmt.Errorf("no item id in %q", u)
	}
	return strconv.ParseUint(u[len(pre):len(u)-len(post)], 10, 64)
}

// targeter returns a vegeta Targeter, safe for concurrent use, that asks for
// /process/{n} with n taken from the shared counter.
func (l load) targeter() vegeta.Targeter {
	return func(t *vegeta.Target) error {
		n := l.next.Add(1)
		t.Method = http.MethodGet
		t.URL = l.urlFor(n)
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
		pacer = burstPacer{Base: float64(l.rate), Burst: b}
	}
	for res := range atk.Attack(l.targeter(), pacer, l.duration, name) {
		each(res)
	}
}
