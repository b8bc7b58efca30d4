package sink

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	protobuf "google.golang.org/protobuf/proto"

	collectortrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
)

// TracesPath is the OTLP/HTTP path of trace exports.
const TracesPath = "/v1/traces"

// The OTLP/HTTP content types.
const (
	contentProtobuf = "application/x-protobuf"
	contentJSON     = "application/json"
)

// httpReadTimeout bounds how long one HTTP request may take to arrive.
const httpReadTimeout = 30 * time.Second

// newHTTPServer returns the sink's OTLP/HTTP server.
func (s *Sink) newHTTPServer() *http.Server {
	return &http.Server{
		Handler:           http.HandlerFunc(s.serveHTTP),
		ReadHeaderTimeout: httpReadTimeout,
		ReadTimeout:       httpReadTimeout,
		MaxHeaderBytes:    1 << 16,
		ErrorLog:          nil,
	}
}

// serveHTTP answers one OTLP/HTTP request: a POST to /v1/traces whose body
// is an ExportTraceServiceRequest in protobuf or JSON, optionally gzipped.
// It is counted exactly as an OTLP/gRPC call (handle); gRPC status codes
// are answered as the Collector's OTLP receiver answers them (429, 503,
// 400, 500), with Retry-After when the fault carries a retry delay, and a
// google.rpc.Status body in the request's encoding. Anything else is
// refused and counted in Transport.Refused, so that a wrong path or
// content type shows in the report.
func (s *Sink) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/v1/metrics" || r.URL.Path == "/v1/logs" {
		// Another signal: answered OK unread (see otherSignals).
		_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, MaxRecvMsgSize))
		s.ledger.noteOtherSignal()
		ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if ct == contentJSON {
			w.Header().Set("Content-Type", contentJSON)
			_, _ = io.WriteString(w, "{}")
		} else {
			w.Header().Set("Content-Type", contentProtobuf)
		}
		return
	}
	if r.URL.Path != TracesPath {
		s.refuseHTTP(w, r, http.StatusNotFound, "otelbench sink: only "+TracesPath+" is served")
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		s.refuseHTTP(w, r, http.StatusMethodNotAllowed, "otelbench sink: POST an export request")
		return
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var p Protocol
	switch ct {
	case contentProtobuf:
		p = ProtocolHTTPProtobuf
	case contentJSON:
		p = ProtocolHTTPJSON
	default:
		s.refuseHTTP(w, r, http.StatusUnsupportedMediaType, "otelbench sink: want Content-Type "+contentProtobuf+" or "+contentJSON)
		return
	}
	raw, err := s.readBody(w, r)
	if raw != nil {
		defer s.bufs.put(raw)
	}
	if err != nil {
		writeStatus(w, p, http.StatusBadRequest, status.New(codes.InvalidArgument, "otelbench sink: "+err.Error()))
		return
	}
	body := raw
	if p == ProtocolHTTPJSON {
		if body, err = jsonToProto(raw); err != nil {
			s.ledger.noteCall(p, nil, 0, 0)
			writeStatus(w, p, http.StatusBadRequest, status.New(codes.InvalidArgument, "otelbench sink: "+err.Error()))
			return
		}
	}
	if err := s.handle(r.Context(), p, body); err != nil {
		st := status.Convert(err)
		if d := retryDelay(st); d > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int((d+time.Second-1)/time.Second)))
		}
		writeStatus(w, p, httpStatus(st.Code()), st)
		return
	}
	w.Header().Set("Content-Type", contentTypeOf(p))
	if p == ProtocolHTTPJSON {
		_, _ = io.WriteString(w, "{}")
	}
	// An empty ExportTraceServiceResponse is zero bytes in protobuf.
}

// refuseHTTP answers a request that is not a trace export, and counts it.
func (s *Sink) refuseHTTP(w http.ResponseWriter, r *http.Request, code int, msg string) {
	s.ledger.noteRefused(fmt.Sprintf("%s %s: %d", r.Method, r.URL.Path, code))
	_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, MaxRecvMsgSize))
	http.Error(w, msg, code)
}

// readBody reads a request body, gunzipped when its Content-Encoding says
// gzip, into a buffer of s.bufs, refusing one larger than MaxRecvMsgSize
// (before or after decompression). The caller puts the buffer back.
func (s *Sink) readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	var in io.Reader = http.MaxBytesReader(w, r.Body, MaxRecvMsgSize)
	switch enc := r.Header.Get("Content-Encoding"); enc {
	case "", "identity":
	case "gzip":
		zr, err := gzip.NewReader(in)
		if err != nil {
			return nil, fmt.Errorf("gzip body: %w", err)
		}
		defer zr.Close()
		in = zr
	default:
		return nil, fmt.Errorf("Content-Encoding %q: want gzip or none", enc)
	}
	hint := int(min(max(r.ContentLength, 4<<10), MaxRecvMsgSize))
	buf := s.bufs.get(hint)[:0]
	for {
		if len(buf) == cap(buf) {
			if len(buf) >= MaxRecvMsgSize {
				return buf, fmt.Errorf("the request is larger than %d bytes", MaxRecvMsgSize)
			}
			bigger := s.bufs.get(min(2*cap(buf), MaxRecvMsgSize+1))[:len(buf)]
			copy(bigger, buf)
			s.bufs.put(buf)
			buf = bigger
		}
		n, err := in.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if errors.Is(err, io.EOF) {
			return buf, nil
		}
		if err != nil {
			return buf, fmt.Errorf("reading the request: %w", err)
		}
	}
}

// jsonToProto turns an ExportTraceServiceRequest in OTLP's JSON encoding
// into protobuf bytes. OTLP JSON writes trace and span ids as hex, where
// protobuf's JSON mapping expects base64, so the ids are rewritten first;
// protojson then accepts both lowerCamelCase and original field names,
// enums as numbers and 64-bit integers as strings or numbers.
func jsonToProto(b []byte) ([]byte, error) {
	var doc any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("malformed JSON export request: %w", err)
	}
	if err := hexIDsToBase64(doc); err != nil {
		return nil, err
	}
	fixed, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	var req collectortrace.ExportTraceServiceRequest
	if err := protojson.Unmarshal(fixed, &req); err != nil {
		return nil, fmt.Errorf("malformed JSON export request: %w", err)
	}
	return protobuf.Marshal(&req)
}

// idKeys are the JSON keys of OTLP ids, in both spellings.
var idKeys = map[string]bool{
	"traceId": true, "spanId": true, "parentSpanId": true,
	"trace_id": true, "span_id": true, "parent_span_id": true,
}

// hexIDsToBase64 rewrites, everywhere in v, the hex string of an id key as
// base64.
func hexIDsToBase64(v any) error {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			if s, ok := x.(string); ok && idKeys[k] {
				raw, err := hex.DecodeString(s)
				if err != nil {
					return fmt.Errorf("malformed JSON export request: %s %q is not hex", k, s)
				}
				t[k] = base64.StdEncoding.EncodeToString(raw)
				continue
			}
			if err := hexIDsToBase64(x); err != nil {
				return err
			}
		}
	case []any:
		for _, x := range t {
			if err := hexIDsToBase64(x); err != nil {
				return err
			}
		}
	}
	return nil
}

// httpStatus maps a gRPC code onto the HTTP status the Collector's OTLP
// receiver answers with: 429 and 503 are the ones exporters retry.
func httpStatus(c codes.Code) int {
	switch c {
	case codes.ResourceExhausted:
		return http.StatusTooManyRequests
	case codes.Unavailable:
		return http.StatusServiceUnavailable
	case codes.InvalidArgument:
		return http.StatusBadRequest
	case codes.DeadlineExceeded:
		return http.StatusGatewayTimeout
	case codes.Canceled:
		return 499 // the client went away; nobody reads the answer
	}
	return http.StatusInternalServerError
}

// retryDelay returns the RetryInfo delay of st, 0 when it has none.
func retryDelay(st *status.Status) time.Duration {
	for _, d := range st.Details() {
		if ri, ok := d.(*errdetails.RetryInfo); ok {
			return ri.GetRetryDelay().AsDuration()
		}
	}
	return 0
}

// contentTypeOf is the content type of answers over p.
func contentTypeOf(p Protocol) string {
	if p == ProtocolHTTPJSON {
		return contentJSON
	}
	return contentProtobuf
}

// writeStatus answers with code and st as a google.rpc.Status body in the
// request's encoding.
func writeStatus(w http.ResponseWriter, p Protocol, code int, st *status.Status) {
	var body []byte
	if p == ProtocolHTTPJSON {
		body, _ = protojson.Marshal(st.Proto())
	} else {
		body, _ = protobuf.Marshal(st.Proto())
	}
	w.Header().Set("Content-Type", contentTypeOf(p))
	w.WriteHeader(code)
	_, _ = w.Write(body)
}
