package targets

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
)

// Span and attribute names of the handler's manual spans.
const (
	spanLogic      = "process_item_logic"
	spanStep       = "process_item_step"
	attrItemID     = "item.id"
	attrStatus     = "processing.status"
	statusComplete = "completed"
	statusCanceled = "canceled"
)

// workload is the simulated work of one /process request.
type workload struct {
	cpu        time.Duration
	sleep      time.Duration
	extraSpans int
}

// processHandler serves GET /process/{item_id}. A nil tracer means no
// tracing: the span code is skipped entirely, not replaced by a noop.
type processHandler struct {
	work     workload
	tracer   trace.Tracer
	requests prometheus.Counter
	// downstream, when not nil, is called once per request (Config.Downstream).
	downstream *downstream
}

// processResponse is the JSON body of a /process response.
type processResponse struct {
	ItemID string `json:"item_id"`
	Status string `json:"status"`
}

// ServeHTTP does the request's work inside a process_item_logic span and
// answers with a small JSON body.
func (h *processHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.requests.Inc()
	id := r.PathValue("item_id")
	ctx := r.Context()

	var span trace.Span
	if h.tracer != nil {
		ctx, span = h.tracer.Start(ctx, spanLogic, trace.WithAttributes(attribute.String(attrItemID, id)))
	}
	status := h.doWork(ctx)
	if h.downstream != nil && status == statusComplete {
		status = h.downstream.call(ctx, id)
	}
	if span != nil {
		span.SetAttributes(attribute.String(attrStatus, status))
		span.End()
	}
	if status == statusDownstreamFailed {
		w.WriteHeader(http.StatusBadGateway)
		return
	}
	if status != statusComplete {
		// The client has gone (or the server is closing): nobody reads a body.
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}

	body, err := json.Marshal(processResponse{ItemID: id, Status: status})
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(body)
}

// doWork burns CPU, sleeps and starts the extra spans, in that order, and
// returns the processing status: completed, or canceled if ctx ended during
// the sleep.
func (h *processHandler) doWork(ctx context.Context) string {
	burnCPU(h.work.cpu)
	if h.work.sleep > 0 {
		t := time.NewTimer(h.work.sleep)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return statusCanceled
		}
	}
	if h.tracer != nil {
		for range h.work.extraSpans {
			_, step := h.tracer.Start(ctx, spanStep)
			step.End()
		}
	}
	return statusComplete
}

// burnCPU busy-loops until d has elapsed on the monotonic clock. It is a lower
// bound: preemption can only make it longer in wall time.
func burnCPU(d time.Duration) {
	if d <= 0 {
		return
	}
	for start := time.Now(); time.Since(start) < d; {
	}
}

// extras are the opt-in parts of the service that exist for
// `otelbench verify`. The zero value adds nothing.
type extras struct {
	// downstream, when not nil, is called by every /process request.
	downstream *downstream
	// handoff adds the /handoff/good and /handoff/bad routes.
	handoff bool
	// dropContext makes /handoff/good drop the request's context
	// (MistakeDroppedContext).
	dropContext bool
	// profile adds the CPU profile route (Config.Profile).
	profile bool
}

// newMux returns the service's routes: /process/{item_id}, /healthz and
// /metrics (the gatherer in the Prometheus formats), plus what ex adds.
// tracer may be nil for no tracing.
func newMux(work workload, tracer trace.Tracer, requests prometheus.Counter, gatherer prometheus.Gatherer, ex extras) *http.ServeMux {
	mux := http.NewServeMux()
	mux.Handle("GET /process/{item_id}", &processHandler{work: work, tracer: tracer, requests: requests, downstream: ex.downstream})
	if ex.handoff {
		mux.Handle("GET /handoff/good/{item_id}", &handoffHandler{tracer: tracer, good: true, dropContext: ex.dropContext})
		mux.Handle("GET /handoff/bad/{item_id}", &handoffHandler{tracer: tracer})
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok"))
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(gatherer, promhttp.HandlerOpts{}))
	if ex.profile {
		registerProfile(mux)
	}
	return mux
}
