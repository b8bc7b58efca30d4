package testsvc

import (
	"compress/gzip"
	"context"
	"encoding/hex"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	collectortrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"

	"github.com/otelbench/otelbench/internal/sink"
)

// gotSpan is a received span, the same whichever receiver got it.
type gotSpan struct {
	traceID, spanID, parentID string // lower-case hex; parentID "" for a root
	name                      string
	server                    bool // kind SERVER
	attrs, resource           map[string]string
}

// receiver is an OTLP trace receiver on loopback.
type receiver interface {
	// endpoint is the value for OTEL_EXPORTER_OTLP_ENDPOINT.
	endpoint() string
	// received returns every span received so far and the number of
	// export calls answered.
	received() ([]gotSpan, int)
}

// grpcReceiver is the project's embedded sink, capturing.
type grpcReceiver struct {
	s *sink.Sink

	mu    sync.Mutex
	spans []gotSpan
}

func startGRPC(t *testing.T) *grpcReceiver {
	t.Helper()
	s, err := sink.Start(context.Background(), sink.Options{Capture: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return &grpcReceiver{s: s}
}

func (r *grpcReceiver) endpoint() string { return r.s.Endpoint() }

func (r *grpcReceiver) received() ([]gotSpan, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, sp := range r.s.TakeSpans().Spans {
		g := gotSpan{
			traceID: sp.TraceID.String(), spanID: sp.SpanID.String(),
			name: sp.Name, server: sp.Kind == sink.SpanKindServer,
			attrs: sp.Attributes, resource: sp.Resource,
		}
		if !sp.ParentSpanID.IsZero() {
			g.parentID = sp.ParentSpanID.String()
		}
		r.spans = append(r.spans, g)
	}
	return append([]gotSpan(nil), r.spans...), int(r.s.Stats().Requests)
}

// httpReceiver answers OTLP/HTTP with protobuf on /v1/traces: the least a
// service's exporter needs, decoded with the OTLP protos. (The embedded
// sink speaks only gRPC.)
type httpReceiver struct {
	srv *http.Server
	url string

	mu    sync.Mutex
	spans []gotSpan
	calls int
}

func startHTTP(t *testing.T) *httpReceiver {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &httpReceiver{url: "http://" + lis.Addr().String()}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/traces", r.export)
	r.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = r.srv.Serve(lis) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = r.srv.Shutdown(ctx)
	})
	return r
}

func (r *httpReceiver) endpoint() string { return r.url }

func (r *httpReceiver) export(w http.ResponseWriter, req *http.Request) {
	var body io.Reader = http.MaxBytesReader(w, req.Body, 16<<20)
	if req.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		body = zr
	}
	b, err := io.ReadAll(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var msg collectortrace.ExportTraceServiceRequest
	if ct := req.Header.Get("Content-Type"); ct != "application/x-protobuf" {
		http.Error(w, "want application/x-protobuf, got "+ct, http.StatusUnsupportedMediaType)
		return
	}
	if err := proto.Unmarshal(b, &msg); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	r.mu.Lock()
	r.calls++
	for _, rs := range msg.GetResourceSpans() {
		res := attrs(rs.GetResource().GetAttributes())
		for _, ss := range rs.GetScopeSpans() {
			for _, sp := range ss.GetSpans() {
				r.spans = append(r.spans, gotSpan{
					traceID: hex.EncodeToString(sp.GetTraceId()), spanID: hex.EncodeToString(sp.GetSpanId()),
					parentID: hex.EncodeToString(sp.GetParentSpanId()), name: sp.GetName(),
					server: sp.GetKind() == tracepb.Span_SPAN_KIND_SERVER,
					attrs:  attrs(sp.GetAttributes()), resource: res,
				})
			}
		}
	}
	r.mu.Unlock()
	out, _ := proto.Marshal(&collectortrace.ExportTraceServiceResponse{})
	w.Header().Set("Content-Type", "application/x-protobuf")
	_, _ = w.Write(out)
}

func (r *httpReceiver) received() ([]gotSpan, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]gotSpan(nil), r.spans...), r.calls
}

// attrs renders string, int, bool and double attributes as strings.
func attrs(kvs []*commonpb.KeyValue) map[string]string {
	m := make(map[string]string, len(kvs))
	for _, kv := range kvs {
		v := kv.GetValue()
		switch x := v.GetValue().(type) {
		case *commonpb.AnyValue_StringValue:
			m[kv.GetKey()] = x.StringValue
		default:
			m[kv.GetKey()] = protoText(v)
		}
	}
	return m
}

// protoText is a compact rendering of a non-string value.
func protoText(v *commonpb.AnyValue) string {
	switch x := v.GetValue().(type) {
	case *commonpb.AnyValue_IntValue:
		return strconv.FormatInt(x.IntValue, 10)
	case *commonpb.AnyValue_BoolValue:
		return strconv.FormatBool(x.BoolValue)
	case *commonpb.AnyValue_ArrayValue:
		parts := make([]string, 0, len(x.ArrayValue.GetValues()))
		for _, e := range x.ArrayValue.GetValues() {
			parts = append(parts, protoText(e))
		}
		return "[" + strings.Join(parts, " ") + "]"
	case *commonpb.AnyValue_StringValue:
		return x.StringValue
	default:
		return v.String()
	}
}
