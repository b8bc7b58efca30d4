package targets

import (
	"context"
	"encoding/json"
	"net/http"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
)

// Span names of the hand-off routes.
const (
	// spanHandoffWork is the span of the work a request hands to a
	// goroutine and waits for.
	spanHandoffWork = "handoff_work"
	// spanHandoffBackground is the span of the fire-and-forget job the
	// good route leaves running after it answers.
	spanHandoffBackground = "handoff_background"
)

// handoffHandler serves GET /handoff/good/{item_id} (good true) and
// GET /handoff/bad/{item_id}. Both hand the request's work to a goroutine
// and wait for it:
//
//   - the good route passes the request's context, so the work's span is a
//     child of the server span; it then starts a fire-and-forget background
//     job in its own trace (a new root) that links back to the request's
//     span, the right way for work that outlives the request;
//   - the bad route starts the goroutine's span from context.Background(),
//     so it becomes an orphan root in a trace of its own, with no link.
//
// With dropContext (MistakeDroppedContext) the good route makes the bad
// route's mistake. A nil tracer means no tracing: no spans at all.
type handoffHandler struct {
	tracer      trace.Tracer
	good        bool
	dropContext bool
}

// ServeHTTP hands the work over, waits for it and answers with the same
// JSON body as /process.
func (h *handoffHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("item_id")
	ctx := r.Context()

	workCtx := ctx
	if !h.good || h.dropContext {
		// The mistake: the goroutine gets a context without the request's
		// span, so whatever it starts has no parent.
		workCtx = context.Background()
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		h.work(workCtx, id)
	}()
	<-done

	if h.good && h.tracer != nil {
		// Work that outlives the request must not be a child of a span
		// that has ended: a new root, linked to the request's span.
		link := trace.LinkFromContext(ctx)
		go h.background(link, id)
	}

	body, err := json.Marshal(processResponse{ItemID: id, Status: statusComplete})
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(body)
}

// work is the handed-over work: one span started from ctx.
func (h *handoffHandler) work(ctx context.Context, id string) {
	if h.tracer == nil {
		return
	}
	_, span := h.tracer.Start(ctx, spanHandoffWork, trace.WithAttributes(attribute.String(attrItemID, id)))
	span.End()
}

// background is the fire-and-forget job: a new root span linked to the
// request's span.
func (h *handoffHandler) background(link trace.Link, id string) {
	_, span := h.tracer.Start(context.Background(), spanHandoffBackground,
		trace.WithNewRoot(),
		trace.WithLinks(link),
		trace.WithAttributes(attribute.String(attrItemID, id)),
	)
	span.End()
}
