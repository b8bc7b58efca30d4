package runner

import (
	"context"
	"fmt"
	"time"

	"github.com/otelbench/otelbench/internal/collector"
	"github.com/otelbench/otelbench/internal/sink"
	"github.com/otelbench/otelbench/internal/svcenv"
)

// receiver is what the targets export to: the embedded sink, or a real
// OpenTelemetry Collector whose own counters stand in for the sink's.
type receiver interface {
	// Endpoint is the receiver's base URL for an exporter that speaks
	// protocol (svcenv's names; "" when otelbench does not know it), for
	// OTEL_EXPORTER_OTLP_ENDPOINT.
	Endpoint(protocol string) string
	// begin starts counting a new cell.
	begin(ctx context.Context) error
	// expect says how the cell's trace ids derive from item numbers, so
	// that the receiver can count traces by item; the zero TraceIndex
	// when requests carry no trace ids.
	expect(ix sink.TraceIndex)
	// startTimeline and stopTimeline bracket the measured attack.
	startTimeline(t time.Time)
	stopTimeline()
	// end returns what arrived since begin. Traces is nil when the
	// receiver cannot tell traces apart (no trace matching then).
	end(ctx context.Context) (sink.Snapshot, error)
	// close stops the receiver.
	close(ctx context.Context) error
}

// embedded is the in-process sink.
type embedded struct{ s *sink.Sink }

// Endpoint is the sink's one port, which speaks every protocol.
func (e embedded) Endpoint(string) string      { return e.s.Endpoint() }
func (e embedded) begin(context.Context) error { e.s.Reset(); return nil }
func (e embedded) expect(ix sink.TraceIndex)   { e.s.SetTraceIndex(ix) }
func (e embedded) startTimeline(t time.Time)   { e.s.StartTimeline(t) }
func (e embedded) stopTimeline()               { e.s.StopTimeline() }
func (e embedded) close(context.Context) error { return e.s.Close() }
func (e embedded) end(context.Context) (sink.Snapshot, error) {
	return e.s.Reset(), nil
}

// otelcol is a real collector. It counts spans, not traces, so a cell
// against it has no trace matching. Its gRPC and HTTP receivers listen on
// two ports; front relays to both from one, for exporters of unknown
// protocol.
type otelcol struct {
	c     *collector.Collector
	front *front
	start collector.Counters
	since time.Time
}

// Endpoint is the receiver for protocol, or the front when it is unknown.
func (o *otelcol) Endpoint(protocol string) string {
	switch protocol {
	case svcenv.ProtocolGRPC:
		return o.c.Endpoint()
	case "":
		return o.front.Endpoint()
	}
	return o.c.HTTPEndpoint()
}
func (o *otelcol) startTimeline(time.Time) {}
func (o *otelcol) expect(sink.TraceIndex)  {}
func (o *otelcol) stopTimeline()           {}

func (o *otelcol) begin(ctx context.Context) error {
	c, err := o.c.Counters(ctx)
	if err != nil {
		return fmt.Errorf("reading the collector's counters: %w", err)
	}
	o.start, o.since = c, time.Now()
	return nil
}

// settle is how long the collector's accepted count must stay unchanged
// before a cell's count is taken: the target has exited, so nothing more
// is coming, but the last export may still be in the receiver.
const settle = 300 * time.Millisecond

func (o *otelcol) end(ctx context.Context) (sink.Snapshot, error) {
	deadline := time.Now().Add(10 * time.Second)
	last, err := o.c.Counters(ctx)
	for err == nil && time.Now().Before(deadline) {
		time.Sleep(settle)
		var now collector.Counters
		if now, err = o.c.Counters(ctx); err == nil {
			if now == last {
				break
			}
			last = now
		}
	}
	if err != nil {
		return sink.Snapshot{}, fmt.Errorf("reading the collector's counters: %w", err)
	}
	snap := sink.Snapshot{Since: o.since, Until: time.Now()}
	snap.Spans = last.Accepted - o.start.Accepted
	snap.RejectedSpans = (last.Refused - o.start.Refused) + (last.Failed - o.start.Failed)
	return snap, nil
}

func (o *otelcol) close(ctx context.Context) error {
	o.front.close()
	return o.c.Stop(ctx)
}
