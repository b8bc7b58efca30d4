package verify

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"
)

// recorder is the downstream service verify runs on loopback: it answers
// every request 200 and records the tracing headers that came with it.
type recorder struct {
	ln     net.Listener
	srv    *http.Server
	served chan error

	mu    sync.Mutex
	calls []DownstreamCall
}

// startRecorder listens on a free loopback port and serves in a goroutine
// until close.
func startRecorder(ctx context.Context) (*recorder, error) {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("downstream recorder: listening on 127.0.0.1:0: %w", err)
	}
	r := &recorder{ln: ln, served: make(chan error, 1)}
	r.srv = &http.Server{Handler: http.HandlerFunc(r.record), ReadHeaderTimeout: 10 * time.Second}
	go func() { r.served <- r.srv.Serve(ln) }()
	return r, nil
}

// URL returns the address a service should call.
func (r *recorder) URL() string {
	return "http://" + r.ln.Addr().String() + "/downstream"
}

// record keeps the headers of one call and answers 200.
func (r *recorder) record(w http.ResponseWriter, req *http.Request) {
	call := DownstreamCall{
		Path:        req.URL.Path,
		Query:       req.URL.RawQuery,
		Traceparent: req.Header.Get("Traceparent"),
		Tracestate:  req.Header.Get("Tracestate"),
		Baggage:     req.Header.Get("Baggage"),
	}
	r.mu.Lock()
	r.calls = append(r.calls, call)
	r.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}

// take returns the calls recorded since the last take and forgets them.
func (r *recorder) take() []DownstreamCall {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.calls
	r.calls = nil
	return out
}

// close stops the recorder, giving open connections a moment to finish.
func (r *recorder) close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := r.srv.Shutdown(ctx); err != nil {
		_ = r.srv.Close()
	}
	if err := <-r.served; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("downstream recorder: serving on %s: %w", r.ln.Addr(), err)
	}
	return nil
}
