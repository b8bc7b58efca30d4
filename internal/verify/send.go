package verify

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/otelbench/otelbench/internal/sink"
)

const (
	// sendConcurrency is how many requests of a phase are in flight at once.
	sendConcurrency = 8
	// requestTimeout bounds each request of a phase.
	requestTimeout = 10 * time.Second
	// settleTick is how often settle looks at the sink.
	settleTick = 20 * time.Millisecond
)

// sender sends the requests of a phase over loopback, with its own
// connections (no proxy from the environment), closed by close.
type sender struct {
	tr     *http.Transport
	client *http.Client
}

// newSender returns a sender; close it when done.
func newSender() *sender {
	tr := &http.Transport{
		MaxIdleConnsPerHost: sendConcurrency,
		IdleConnTimeout:     30 * time.Second,
		DisableCompression:  true,
	}
	return &sender{tr: tr, client: &http.Client{Transport: tr, Timeout: requestTimeout}}
}

// close releases the sender's idle connections.
func (s *sender) close() {
	s.tr.CloseIdleConnections()
}

// send sends every request, sendConcurrency at a time, and records each
// answer (or why there was none) in place. It returns when all are done or
// ctx is; requests not sent by then say so.
func (s *sender) send(ctx context.Context, reqs []Request) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(sendConcurrency, len(reqs)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(reqs) {
					return
				}
				s.do(ctx, &reqs[i])
			}
		})
	}
	wg.Wait()
}

// do sends one request and records its answer.
func (s *sender) do(ctx context.Context, r *Request) {
	if err := ctx.Err(); err != nil {
		r.Err = "not sent: " + err.Error()
		return
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.URL, nil)
	if err != nil {
		r.Err = err.Error()
		return
	}
	req.Header = r.header()
	resp, err := s.client.Do(req)
	if err != nil {
		r.Err = err.Error()
		return
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	_ = resp.Body.Close()
	r.Status = resp.StatusCode
}

// settle waits until the sink holds at least minSpans spans and none has
// arrived for quiet, or until limit has passed or ctx is done: the batch
// processor on the other end exports on a timer, so "everything has
// arrived" can only be judged by a pause.
func settle(ctx context.Context, s *sink.Sink, minSpans int, quiet, limit time.Duration) {
	start := time.Now()
	last, lastChange := s.HeldSpans(), start
	t := time.NewTicker(settleTick)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		now := time.Now()
		if n := s.HeldSpans(); n != last {
			last, lastChange = n, now
		}
		if last >= minSpans && now.Sub(lastChange) >= quiet {
			return
		}
		if now.Sub(start) >= limit {
			return
		}
	}
}

// idPlaceholder is what a URL template holds where the item id goes.
const idPlaceholder = "{id}"

// expand returns the URL template with its {id} replaced by id.
func expand(template, id string) string {
	return strings.ReplaceAll(template, idPlaceholder, id)
}

// pathOf returns the path of rawURL, or "" if it does not parse.
func pathOf(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return ""
	}
	return u.EscapedPath()
}
