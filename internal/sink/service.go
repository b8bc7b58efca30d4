package sink

import (
	"context"

	collectortrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/grpc/status"
)

// traceService is the OTLP/gRPC trace service of a Sink.
type traceService struct {
	collectortrace.UnimplementedTraceServiceServer
	sink *Sink
}

var _ collectortrace.TraceServiceServer = (*traceService)(nil)

// Export answers one OTLP export call after applying the faults in effect,
// and counts its spans as received only when it answers OK.
func (t *traceService) Export(ctx context.Context, req *collectortrace.ExportTraceServiceRequest) (*collectortrace.ExportTraceServiceResponse, error) {
	s := t.sink
	s.inflight.Add(1)
	defer s.inflight.Add(-1)
	o, err := s.decide(ctx, s.faults.Load(), countSpans(req.GetResourceSpans()))
	s.ledger.record(o, status.Code(err), req.GetResourceSpans())
	if s.capture != nil && o == answered {
		s.capture.record(req.GetResourceSpans())
	}
	if err != nil {
		return nil, err
	}
	return &collectortrace.ExportTraceServiceResponse{}, nil
}
