package sink

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"unsafe"

	collectorlogs "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	collectormetrics "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	collectortrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/encoding"
	// An exporter told OTEL_EXPORTER_OTLP_COMPRESSION=gzip sends gzipped
	// messages, which the server decodes only with the codec registered.
	_ "google.golang.org/grpc/encoding/gzip"
	"google.golang.org/grpc/encoding/proto"
	"google.golang.org/grpc/mem"
	"google.golang.org/grpc/status"
	protobuf "google.golang.org/protobuf/proto"
)

// The sink serves the OTLP trace service with a handler of its own rather
// than the generated one, so that a request reaches it as bytes: the
// accounting reads them with walkExport (wire.go) instead of decoding every
// span, attribute and resource into Go values. Only a capturing sink
// decodes them in full, for TakeSpans.

// traceServiceDesc describes opentelemetry.proto.collector.trace.v1.TraceService
// as the generated code does, with Sink.export as its Export method.
var traceServiceDesc = grpc.ServiceDesc{
	ServiceName: collectortrace.TraceService_ServiceDesc.ServiceName,
	HandlerType: (*any)(nil),
	Methods: []grpc.MethodDesc{{
		MethodName: "Export",
		Handler: func(srv any, ctx context.Context, dec func(any) error, _ grpc.UnaryServerInterceptor) (any, error) {
			return srv.(*Sink).export(ctx, dec)
		},
	}},
	Metadata: collectortrace.TraceService_ServiceDesc.Metadata,
}

// otherSignals describe the OTLP metrics and logs services, which the sink
// answers OK without reading: an SDK that also exports metrics or logs
// (NodeSDK does by default) then runs as it would against a Collector,
// instead of logging failures beside the spans. Their calls are counted in
// Transport.OtherSignals.
var otherSignals = []grpc.ServiceDesc{
	discardDesc(collectormetrics.MetricsService_ServiceDesc),
	discardDesc(collectorlogs.LogsService_ServiceDesc),
}

// discardDesc is d with an Export that reads the body as bytes and
// answers the empty response.
func discardDesc(d grpc.ServiceDesc) grpc.ServiceDesc {
	return grpc.ServiceDesc{
		ServiceName: d.ServiceName,
		HandlerType: (*any)(nil),
		Methods: []grpc.MethodDesc{{
			MethodName: "Export",
			Handler: func(srv any, _ context.Context, dec func(any) error, _ grpc.UnaryServerInterceptor) (any, error) {
				var body exportBody
				defer body.free()
				if err := dec(&body); err != nil {
					return nil, err
				}
				srv.(*Sink).ledger.noteOtherSignal()
				return exportAnswer{}, nil
			},
		}},
		Metadata: d.Metadata,
	}
}

// exportBody is the body of one Export request as it came off the wire,
// in one contiguous piece: gRPC's own buffer when the body came in one,
// or a copy in a buffer of the sink's. free gives it back.
type exportBody struct {
	ref  mem.Buffer  // gRPC's buffer, referenced
	own  []byte      // or a buffer of bufs
	bufs *bufferList // where own goes back
}

// bytes returns the body; valid until free.
func (b *exportBody) bytes() []byte {
	if b.ref != nil {
		return b.ref.ReadOnlyData()
	}
	return b.own
}

// free releases the body's buffer.
func (b *exportBody) free() {
	if b.ref != nil {
		b.ref.Free()
		b.ref = nil
	}
	if b.own != nil {
		b.bufs.put(b.own)
		b.own = nil
	}
}

// fill makes data the body.
func (b *exportBody) fill(data mem.BufferSlice) {
	b.free()
	if len(data) == 1 {
		data[0].Ref()
		b.ref = data[0]
		return
	}
	b.own = b.bufs.get(data.Len())
	data.CopyTo(b.own)
}

// bufferList keeps a few buffers for bodies that came off the wire in
// several pieces (most: HTTP/2 frames carry 16 KiB), so that a busy sink
// copies each into memory it already has. gRPC's pool would do, but it
// lives in sync.Pools, which every garbage collection empties, and it
// hands out a cleared 1 MiB buffer for a body of 150 KB.
type bufferList struct {
	mu   sync.Mutex
	free [][]byte
}

const (
	// keptBuffers and maxKeptBuffer bound what a bufferList keeps.
	keptBuffers   = 4
	maxKeptBuffer = 4 << 20
	// bufferGrain rounds the size of new buffers up, so that bodies of
	// similar sizes can reuse them.
	bufferGrain = 64 << 10
)

// get returns a buffer of n bytes, whose contents are undefined.
func (l *bufferList) get(n int) []byte {
	l.mu.Lock()
	for i, b := range l.free {
		if cap(b) >= n {
			l.free = slices.Delete(l.free, i, i+1)
			l.mu.Unlock()
			return b[:n]
		}
	}
	l.mu.Unlock()
	return make([]byte, n, (n+bufferGrain-1)/bufferGrain*bufferGrain)
}

// put gives b back for a later get, unless the list is full or b large.
func (l *bufferList) put(b []byte) {
	if cap(b) > maxKeptBuffer {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.free) < keptBuffers {
		l.free = append(l.free, b)
	}
}

// exportAnswer is the answer to an Export call answered OK: an empty
// ExportTraceServiceResponse, which is zero bytes on the wire.
type exportAnswer struct{}

// codec is the sink's gRPC codec: it hands an Export request over as its
// bytes (exportBody), writes the empty answer without marshalling
// anything, and leaves every other message to gRPC's proto codec. The
// sink's server serves nothing but the trace service, so it applies to
// the sink's service only.
type codec struct {
	proto encoding.CodecV2
	bufs  *bufferList // for the bodies
}

var _ encoding.CodecV2 = codec{}

// newCodec returns the sink's codec, which copies bodies into bufs.
func newCodec(bufs *bufferList) codec {
	return codec{proto: encoding.GetCodecV2(proto.Name), bufs: bufs}
}

// Marshal writes the empty answer as zero bytes and other messages with proto.
func (c codec) Marshal(v any) (mem.BufferSlice, error) {
	if _, ok := v.(exportAnswer); ok {
		return nil, nil
	}
	return c.proto.Marshal(v)
}

// Unmarshal keeps the bytes of an Export request for the sink, in one
// buffer, and decodes other messages with proto.
func (c codec) Unmarshal(data mem.BufferSlice, v any) error {
	if b, ok := v.(*exportBody); ok {
		b.bufs = c.bufs
		b.fill(data) // a second message replaces the first: gRPC refuses the call anyway
		return nil
	}
	return c.proto.Unmarshal(data, v)
}

// Name is the content subtype the codec stands for: that of OTLP/gRPC.
func (c codec) Name() string { return proto.Name }

// maxRecords bounds how many spans of one request are copied out as
// records (spanRecord), so that counting them needs no second walk over
// the bytes; the spans of a larger request are counted from its bytes
// again. recordSize is what each record costs in memory: it is charged
// to the in-flight budget with the bytes of the request.
const (
	maxRecords = 4096
	recordSize = int64(unsafe.Sizeof(spanRecord{}))
)

// scratch is what one export call needs while it is counted: the records
// of its spans and its resources. The sink pools them.
type scratch struct {
	recs []spanRecord
	res  []resourceCount
}

// collectSpans checks body with walkExport and puts in sc the records of
// its spans, up to maxRecords, and its distinct resources with their
// spans; it returns how many spans body holds, which is len(sc.recs)
// unless there were more. The resources point into body.
func collectSpans(body []byte, sc *scratch) (int64, error) {
	sc.recs, sc.res = sc.recs[:0], sc.res[:0]
	return walkExport(body, func(res *wireResource, sp *wireSpan) {
		if len(sc.recs) < maxRecords {
			sc.recs = append(sc.recs, newSpanRecord(sp))
		}
		if n := len(sc.res); n > 0 && sameResource(&sc.res[n-1].res, res) {
			sc.res[n-1].spans++
			return
		}
		for i := range sc.res {
			if sameResource(&sc.res[i].res, res) {
				sc.res[i].spans++
				return
			}
		}
		sc.res = append(sc.res, resourceCount{res: *res, spans: 1})
	})
}

// export answers one OTLP/gRPC export call (see handle).
func (s *Sink) export(ctx context.Context, dec func(any) error) (any, error) {
	var body exportBody
	defer body.free()
	if err := dec(&body); err != nil {
		return nil, err
	}
	if err := s.handle(ctx, ProtocolGRPC, body.bytes()); err != nil {
		return nil, err
	}
	return exportAnswer{}, nil
}

// handle answers one export call, whose body b (a serialized
// ExportTraceServiceRequest) came over p, after applying the faults in
// effect, and counts its spans as received only when it answers OK (nil).
// A body that is not an ExportTraceServiceRequest is refused with
// INVALID_ARGUMENT and counted nowhere; one that would take the bytes of
// requests in flight over the limit is refused with RESOURCE_EXHAUSTED and
// counted as rejected. Errors are gRPC status errors; the HTTP handler
// maps them to HTTP statuses.
//
// The CPU of reading, checking and counting is measured on the handler's
// own thread (held for those steps only, never while a fault holds the
// call) and added to the period's Transport.
func (s *Sink) handle(ctx context.Context, p Protocol, b []byte) error {
	sc := s.scratch.Get().(*scratch)
	defer s.scratch.Put(sc)
	runtime.LockOSThread()
	c0 := threadCPU()
	spans, err := collectSpans(b, sc)
	if err != nil {
		cpu := threadCPU() - c0
		runtime.UnlockOSThread()
		s.ledger.noteCall(p, nil, 0, cpu)
		return status.Error(codes.InvalidArgument, "otelbench sink: "+err.Error())
	}
	var req *collectortrace.ExportTraceServiceRequest
	if s.capture != nil {
		req = new(collectortrace.ExportTraceServiceRequest)
		if err := protobuf.Unmarshal(b, req); err != nil {
			runtime.UnlockOSThread()
			return status.Error(codes.InvalidArgument, "otelbench sink: malformed export request: "+err.Error())
		}
	}
	cpu := threadCPU() - c0
	runtime.UnlockOSThread()
	defer func() { s.ledger.noteCall(p, sc.res, spans, cpu) }()
	size := int64(len(b)) + int64(len(sc.recs))*recordSize
	if !s.budget.take(size) {
		err := status.Error(codes.ResourceExhausted, fmt.Sprintf(
			"otelbench sink: a request of %d bytes would take the exports in flight over %d bytes", len(b), s.budget.limit))
		s.ledger.refused(rejected, codes.ResourceExhausted, spans)
		return err
	}
	defer s.budget.give(size)

	s.inflight.Add(1)
	defer s.inflight.Add(-1)
	o, err := s.decide(ctx, s.faults.Load(), spans)
	runtime.LockOSThread()
	c1 := threadCPU()
	if spans == int64(len(sc.recs)) {
		s.ledger.recordSpans(o, status.Code(err), sc.recs)
	} else {
		s.ledger.recordWire(o, status.Code(err), b, spans)
	}
	cpu += threadCPU() - c1
	runtime.UnlockOSThread()
	if s.capture != nil && o == answered {
		s.capture.record(req.GetResourceSpans())
	}
	return err
}
