package sink

import (
	"bytes"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/encoding/protojson"
	protobuf "google.golang.org/protobuf/proto"

	collectortrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	resourcepb "go.opentelemetry.io/proto/otlp/resource/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
)

// newHTTPExporter returns the real OTLP/HTTP exporter pointed at s, retries
// off, shut down when the test ends.
func newHTTPExporter(t *testing.T, s *Sink, opts ...otlptracehttp.Option) sdktrace.SpanExporter {
	t.Helper()
	base := []otlptracehttp.Option{
		otlptracehttp.WithEndpointURL(s.Endpoint() + TracesPath),
		otlptracehttp.WithRetry(otlptracehttp.RetryConfig{Enabled: false}),
	}
	exp, err := otlptracehttp.New(t.Context(), append(base, opts...)...)
	if err != nil {
		t.Fatalf("otlptracehttp.New: %v", err)
	}
	t.Cleanup(func() { _ = exp.Shutdown(t.Context()) })
	return exp
}

// TestOnePortEveryTransport checks that the real gRPC and HTTP exporters,
// plain and gzipped, deliver to the same port and are counted alike, each
// call under its protocol, with the resources that sent them.
func TestOnePortEveryTransport(t *testing.T) {
	s := startSink(t, Options{})
	type exp struct {
		name string
		e    sdktrace.SpanExporter
	}
	exps := []exp{
		{"grpc", newExporter(t, s)},
		{"http/protobuf", newHTTPExporter(t, s)},
		{"http/protobuf gzip", newHTTPExporter(t, s, otlptracehttp.WithCompression(otlptracehttp.GzipCompression))},
	}
	want := map[TraceID]TraceCount{}
	for _, x := range exps {
		spans, w := recordSpans(t, 20, 2)
		if err := x.e.ExportSpans(t.Context(), spans); err != nil {
			t.Fatalf("%s: ExportSpans: %v", x.name, err)
		}
		for k, v := range w {
			want[k] = v
		}
	}
	snap := s.Reset()
	if snap.Requests != 3 || snap.Spans != 180 || snap.Duplicates != 0 {
		t.Errorf("Stats = %v, want 3 requests of 180 spans", snap.Stats)
	}
	got := map[TraceID]TraceCount{}
	for id := range want {
		got[id] = snap.Trace(id)
	}
	assertTraces(t, got, want)
	tr := snap.Transport
	if tr.Calls != [numProtocols]int64{1, 2, 0} || tr.Conns[ConnGRPC] != 1 || tr.Conns[ConnHTTP] < 1 {
		t.Errorf("Transport = %+v, want 1 gRPC and 2 HTTP/protobuf calls", tr)
	}
	if tr.HandlerSpans != 180 {
		t.Errorf("HandlerSpans = %d, want 180", tr.HandlerSpans)
	}
	if len(snap.Resources) != 1 || snap.Resources[0].SDKLanguage != "go" || snap.Resources[0].SDKName != "opentelemetry" || snap.Resources[0].Spans != 180 {
		t.Errorf("Resources = %+v, want one Go SDK resource with 180 spans", snap.Resources)
	}
}

// otlpJSON renders req in OTLP's JSON encoding: protobuf's JSON mapping
// with ids in hex rather than base64.
func otlpJSON(t *testing.T, req *collectortrace.ExportTraceServiceRequest) []byte {
	t.Helper()
	b, err := protojson.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	for _, rs := range req.GetResourceSpans() {
		for _, ss := range rs.GetScopeSpans() {
			for _, sp := range ss.GetSpans() {
				for _, id := range [][]byte{sp.GetTraceId(), sp.GetSpanId(), sp.GetParentSpanId()} {
					if len(id) > 0 {
						b = bytes.ReplaceAll(b, []byte(fmt.Sprintf("%q", b64(id))), []byte(fmt.Sprintf("%q", hex.EncodeToString(id))))
					}
				}
			}
		}
	}
	return b
}

// jsonRequest is an export request of n traces of a SERVER span and one
// child, with a resource that names its SDK.
func jsonRequest(n int) (*collectortrace.ExportTraceServiceRequest, map[TraceID]TraceCount) {
	want := map[TraceID]TraceCount{}
	var spans []*tracepb.Span
	for i := range n {
		tid := bytes.Repeat([]byte{byte(i + 1)}, 16)
		root := bytes.Repeat([]byte{byte(i + 1), 1}, 4)
		spans = append(spans,
			&tracepb.Span{TraceId: tid, SpanId: root, Name: "GET", Kind: tracepb.Span_SPAN_KIND_SERVER, EndTimeUnixNano: uint64(time.Now().UnixNano())},
			&tracepb.Span{TraceId: tid, SpanId: bytes.Repeat([]byte{byte(i + 1), 2}, 4), ParentSpanId: root, Name: "work", EndTimeUnixNano: uint64(time.Now().UnixNano())})
		want[TraceID(tid)] = TraceCount{Spans: 2, ServerSpans: 1}
	}
	res := resourceOf(map[string]string{"service.name": "node-svc", "telemetry.sdk.language": "nodejs", "telemetry.sdk.name": "opentelemetry", "telemetry.sdk.version": "2.0.1"})
	return &collectortrace.ExportTraceServiceRequest{ResourceSpans: []*tracepb.ResourceSpans{{
		Resource: res, ScopeSpans: []*tracepb.ScopeSpans{{Spans: spans}},
	}}}, want
}

// TestHTTPJSON checks that an OTLP/HTTP JSON request, with hex ids, is
// counted exactly, and answered with an empty JSON response.
func TestHTTPJSON(t *testing.T) {
	s := startSink(t, Options{})
	req, want := jsonRequest(5)
	body := otlpJSON(t, req)
	resp, err := http.Post(s.Endpoint()+TracesPath, "application/json; charset=utf-8", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(got) != "{}" || resp.Header.Get("Content-Type") != contentJSON {
		t.Fatalf("answer %d %q %q, want 200 {} in JSON", resp.StatusCode, got, resp.Header.Get("Content-Type"))
	}
	snap := s.Reset()
	counts := map[TraceID]TraceCount{}
	for id := range want {
		counts[id] = snap.Trace(id)
	}
	assertTraces(t, counts, want)
	if snap.Transport.Calls[ProtocolHTTPJSON] != 1 || snap.ServerSpans != 5 {
		t.Errorf("Transport %+v, Stats %v", snap.Transport, snap.Stats)
	}
	if len(snap.Resources) != 1 || snap.Resources[0].SDKLanguage != "nodejs" || snap.Resources[0].SDKVersion != "2.0.1" {
		t.Errorf("Resources = %+v", snap.Resources)
	}

	// Ids that are not hex are refused, and nothing is counted.
	bad := bytes.Replace(body, []byte(hex.EncodeToString(req.ResourceSpans[0].ScopeSpans[0].Spans[0].TraceId)), []byte("zz"), 1)
	resp, err = http.Post(s.Endpoint()+TracesPath, contentJSON, bytes.NewReader(bad))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || s.Stats().Spans != 0 {
		t.Errorf("bad ids: status %d, spans %d; want 400 and nothing counted", resp.StatusCode, s.Stats().Spans)
	}
}

// TestHTTPRefused checks that what is not a trace export is refused with
// the right status and counted, so that a misconfigured exporter shows.
func TestHTTPRefused(t *testing.T) {
	s := startSink(t, Options{})
	for _, tc := range []struct {
		method, path, ctype string
		want                int
	}{
		{"POST", "/v1/metrics", contentProtobuf, 200},
		{"POST", "/v1/logs", contentJSON, 200},
		{"POST", "/v1/trace", contentProtobuf, 404},
		{"POST", "/", contentProtobuf, 404},
		{"GET", TracesPath, "", 405},
		{"POST", TracesPath, "text/plain", 415},
	} {
		req, _ := http.NewRequestWithContext(t.Context(), tc.method, s.Endpoint()+tc.path, strings.NewReader("x"))
		if tc.ctype != "" {
			req.Header.Set("Content-Type", tc.ctype)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("%s %s %s: %d, want %d", tc.method, tc.path, tc.ctype, resp.StatusCode, tc.want)
		}
	}
	tr := s.Transport()
	if tr.Refused != 4 || tr.LastRefused != "POST /v1/traces: 415" || tr.OtherSignals != 2 {
		t.Errorf("Refused %d, last %q, other signals %d", tr.Refused, tr.LastRefused, tr.OtherSignals)
	}
}

// TestTLSCounted checks that a client speaking TLS to the plain-text sink
// is counted as such and cut, rather than left waiting.
func TestTLSCounted(t *testing.T) {
	s := startSink(t, Options{})
	c, err := tls.DialWithDialer(&net.Dialer{Timeout: waitLimit}, "tcp", s.Addr(), &tls.Config{InsecureSkipVerify: true}) //nolint:gosec // the handshake must fail
	if err == nil {
		c.Close()
		t.Fatal("a TLS handshake with the plain-text sink succeeded")
	}
	waitFor(t, "the TLS connection to be counted", func() bool { return s.Transport().Conns[ConnTLS] == 1 })
}

// TestHTTPFaults checks that injected errors reach an HTTP exporter as the
// Collector answers them: UNAVAILABLE as 503, RESOURCE_EXHAUSTED with a
// retry delay as 429 with Retry-After, and are counted as rejected.
func TestHTTPFaults(t *testing.T) {
	for _, tc := range []struct {
		code       codes.Code
		retryAfter time.Duration
		status     int
		header     string
	}{
		{codes.Unavailable, 0, 503, ""},
		{codes.ResourceExhausted, 1500 * time.Millisecond, 429, "2"},
		{codes.Internal, 0, 500, ""},
	} {
		t.Run(tc.code.String(), func(t *testing.T) {
			s := startSink(t, Options{Faults: Faults{ErrorRate: 1, ErrorCode: tc.code, RetryAfter: tc.retryAfter}})
			req, _ := jsonRequest(1)
			body, _ := protobuf.Marshal(req)
			resp, err := http.Post(s.Endpoint()+TracesPath, contentProtobuf, bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.status || resp.Header.Get("Retry-After") != tc.header {
				t.Errorf("got %d Retry-After %q, want %d %q", resp.StatusCode, resp.Header.Get("Retry-After"), tc.status, tc.header)
			}
			if st := s.Stats(); st.Rejected != 1 || st.RejectedSpans != 2 || st.Spans != 0 {
				t.Errorf("Stats = %v, want one rejected call of 2 spans", st)
			}
		})
	}
}

// TestHandlerCPU checks that the handlers' CPU is measured: some, and
// less than the wall time the exports took.
func TestHandlerCPU(t *testing.T) {
	s := startSink(t, Options{})
	exp := newExporter(t, s)
	spans, _ := recordSpans(t, 200, 2)
	start := time.Now()
	for range 20 {
		if err := exp.ExportSpans(t.Context(), spans); err != nil {
			t.Fatal(err)
		}
	}
	wall := time.Since(start)
	tr := s.Transport()
	if tr.HandlerCPU <= 0 || tr.HandlerCPU > wall || tr.HandlerSpans != 20*600 {
		t.Errorf("HandlerCPU %v over %d spans, wall %v", tr.HandlerCPU, tr.HandlerSpans, wall)
	}
}

// b64 is id in protobuf JSON's encoding of bytes.
func b64(id []byte) string { return base64.StdEncoding.EncodeToString(id) }

// resourceOf is a resource with the string attributes of attrs.
func resourceOf(attrs map[string]string) *resourcepb.Resource {
	r := &resourcepb.Resource{}
	for k, v := range attrs {
		r.Attributes = append(r.Attributes, &commonpb.KeyValue{Key: k, Value: &commonpb.AnyValue{Value: &commonpb.AnyValue_StringValue{StringValue: v}}})
	}
	return r
}

// TestOtherSignalsOverGRPC checks that metrics and logs exports over gRPC
// are answered OK and counted apart, not as spans.
func TestOtherSignalsOverGRPC(t *testing.T) {
	s := startSink(t, Options{})
	conn := rawConn(t, s)
	for _, m := range []string{"/opentelemetry.proto.collector.metrics.v1.MetricsService/Export", "/opentelemetry.proto.collector.logs.v1.LogsService/Export"} {
		body, resp := []byte{}, []byte{}
		if err := conn.Invoke(t.Context(), m, &body, &resp); err != nil {
			t.Errorf("%s: %v", m, err)
		}
	}
	if tr, st := s.Transport(), s.Stats(); tr.OtherSignals != 2 || st.Calls() != 0 {
		t.Errorf("other signals %d, trace calls %d; want 2 and 0", tr.OtherSignals, st.Calls())
	}
}
