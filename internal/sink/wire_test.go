package sink

import (
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"testing"

	collectortrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	resourcepb "go.opentelemetry.io/proto/otlp/resource/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
)

// spanView is everything walkExport reports of one span, in a form that
// compares with ==.
type spanView struct {
	Service, SDKLanguage, SDKName, SDKVersion string
	TraceID, SpanID, ParentSpanID             string // hex
	Kind                                      SpanKind
	End                                       uint64
}

// wireView walks body and returns what it reports of each span.
func wireView(body []byte) ([]spanView, error) {
	var out []spanView
	n, err := walkExport(body, func(res *wireResource, sp *wireSpan) {
		out = append(out, spanView{
			Service: string(res.ServiceName), SDKLanguage: string(res.SDKLanguage),
			SDKName: string(res.SDKName), SDKVersion: string(res.SDKVersion),
			TraceID: hex.EncodeToString(sp.TraceID), SpanID: hex.EncodeToString(sp.SpanID),
			ParentSpanID: hex.EncodeToString(sp.ParentSpanID),
			Kind:         sp.Kind, End: sp.EndTimeUnixNano,
		})
	})
	if err == nil && n != int64(len(out)) {
		return nil, fmt.Errorf("walkExport counted %d spans and visited %d", n, len(out))
	}
	return out, err
}

// protoView decodes body with the generic decoder and returns the same
// view: the reference walkExport must match.
func protoView(body []byte) ([]spanView, error) {
	var req collectortrace.ExportTraceServiceRequest
	if err := proto.Unmarshal(body, &req); err != nil {
		return nil, err
	}
	var out []spanView
	for _, rs := range req.GetResourceSpans() {
		attr := func(key string) string {
			v := ""
			for _, kv := range rs.GetResource().GetAttributes() {
				if kv.GetKey() == key {
					v = kv.GetValue().GetStringValue() // "" unless a string
				}
			}
			return v
		}
		for _, ss := range rs.GetScopeSpans() {
			for _, sp := range ss.GetSpans() {
				out = append(out, spanView{
					Service: attr(attrServiceName), SDKLanguage: attr(attrSDKLanguage),
					SDKName: attr(attrSDKName), SDKVersion: attr(attrSDKVersion),
					TraceID: hex.EncodeToString(sp.GetTraceId()), SpanID: hex.EncodeToString(sp.GetSpanId()),
					ParentSpanID: hex.EncodeToString(sp.GetParentSpanId()),
					Kind:         SpanKind(sp.GetKind()), End: sp.GetEndTimeUnixNano(),
				})
			}
		}
	}
	return out, nil
}

// mustMarshal marshals m or fails the test.
func mustMarshal(tb testing.TB, m proto.Message) []byte {
	tb.Helper()
	b, err := proto.Marshal(m)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// Helpers that build OTLP values.
func str(k, v string) *commonpb.KeyValue {
	return &commonpb.KeyValue{Key: k, Value: &commonpb.AnyValue{Value: &commonpb.AnyValue_StringValue{StringValue: v}}}
}

func anyKV(k string, v *commonpb.AnyValue) *commonpb.KeyValue {
	return &commonpb.KeyValue{Key: k, Value: v}
}

func bytesN(n int, fill byte) []byte { return slices.Repeat([]byte{fill}, n) }

// everyAttribute holds an attribute of each type OTLP has.
func everyAttribute() []*commonpb.KeyValue {
	return []*commonpb.KeyValue{
		str("s", "text"),
		anyKV("b", &commonpb.AnyValue{Value: &commonpb.AnyValue_BoolValue{BoolValue: true}}),
		anyKV("i", &commonpb.AnyValue{Value: &commonpb.AnyValue_IntValue{IntValue: -42}}),
		anyKV("d", &commonpb.AnyValue{Value: &commonpb.AnyValue_DoubleValue{DoubleValue: 2.5}}),
		anyKV("bytes", &commonpb.AnyValue{Value: &commonpb.AnyValue_BytesValue{BytesValue: []byte{0, 1, 2}}}),
		anyKV("arr", &commonpb.AnyValue{Value: &commonpb.AnyValue_ArrayValue{ArrayValue: &commonpb.ArrayValue{Values: []*commonpb.AnyValue{
			{Value: &commonpb.AnyValue_StringValue{StringValue: "x"}}, {Value: &commonpb.AnyValue_IntValue{IntValue: 7}},
		}}}}),
		anyKV("kv", &commonpb.AnyValue{Value: &commonpb.AnyValue_KvlistValue{KvlistValue: &commonpb.KeyValueList{Values: []*commonpb.KeyValue{str("inner", "v")}}}}),
		anyKV("strindex", &commonpb.AnyValue{Value: &commonpb.AnyValue_StringValueStrindex{StringValueStrindex: 3}}),
		anyKV("empty", &commonpb.AnyValue{}),
		{Key: "novalue"},
	}
}

// fullSpan is a span with every field set: events, links, status,
// attributes of every type.
func fullSpan(tid, sid byte) *tracepb.Span {
	return &tracepb.Span{
		TraceId: bytesN(16, tid), SpanId: bytesN(8, sid), ParentSpanId: bytesN(8, sid+1),
		TraceState: "k=v", Name: "GET /process/{item_id}", Kind: tracepb.Span_SPAN_KIND_SERVER,
		Flags:             uint32(tracepb.SpanFlags_SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK),
		StartTimeUnixNano: 1_700_000_000_000_000_000, EndTimeUnixNano: 1_700_000_000_123_456_789,
		Attributes: everyAttribute(), DroppedAttributesCount: 1,
		Events: []*tracepb.Span_Event{
			{TimeUnixNano: 1, Name: "ev", Attributes: everyAttribute()},
			{},
		},
		DroppedEventsCount: 2,
		Links: []*tracepb.Span_Link{
			{TraceId: bytesN(16, 9), SpanId: bytesN(8, 9), TraceState: "a=b", Attributes: everyAttribute(), Flags: 1},
			{},
		},
		DroppedLinksCount: 3,
		Status:            &tracepb.Status{Code: tracepb.Status_STATUS_CODE_ERROR, Message: "boom"},
	}
}

// sdkResource is a resource as the Go SDK makes it.
func sdkResource(service string) *resourcepb.Resource {
	return &resourcepb.Resource{Attributes: []*commonpb.KeyValue{
		str("deployment.environment", "benchmark"),
		str(attrServiceName, service),
		str(attrSDKLanguage, "go"), str(attrSDKName, "opentelemetry"), str(attrSDKVersion, "1.47.0"),
	}}
}

// unknownFields returns one unknown field of every wire type, numbered
// from num, as raw bytes.
func unknownFields(num protowire.Number) []byte {
	var b []byte
	b = protowire.AppendTag(b, num, protowire.VarintType)
	b = protowire.AppendVarint(b, 1<<40)
	b = protowire.AppendTag(b, num+1, protowire.Fixed32Type)
	b = protowire.AppendFixed32(b, 7)
	b = protowire.AppendTag(b, num+2, protowire.Fixed64Type)
	b = protowire.AppendFixed64(b, 8)
	b = protowire.AppendTag(b, num+3, protowire.BytesType)
	b = protowire.AppendBytes(b, []byte("opaque"))
	b = protowire.AppendTag(b, num+4, protowire.StartGroupType)
	b = protowire.AppendTag(b, 1, protowire.VarintType)
	b = protowire.AppendVarint(b, 5)
	b = protowire.AppendTag(b, num+4, protowire.EndGroupType)
	return b
}

// field returns one field of number num with wire type typ and a value
// of that type (v for bytes).
func field(num protowire.Number, typ protowire.Type, v []byte) []byte {
	b := protowire.AppendTag(nil, num, typ)
	switch typ {
	case protowire.VarintType:
		return protowire.AppendVarint(b, 3)
	case protowire.Fixed32Type:
		return protowire.AppendFixed32(b, 3)
	case protowire.Fixed64Type:
		return protowire.AppendFixed64(b, 3)
	default:
		return protowire.AppendBytes(b, v)
	}
}

// withUnknown sets raw unknown fields on m and returns it.
func withUnknown[M proto.Message](m M, raw ...[]byte) M {
	m.ProtoReflect().SetUnknown(slices.Concat(raw...))
	return m
}

// wireCases are well-formed requests, each with a comment, that walkExport
// must read exactly as the generic decoder does.
func wireCases(tb testing.TB) []struct {
	name string
	body []byte
} {
	req := func(rss ...*tracepb.ResourceSpans) []byte {
		return mustMarshal(tb, &collectortrace.ExportTraceServiceRequest{ResourceSpans: rss})
	}
	spans := func(sps ...*tracepb.Span) []*tracepb.ScopeSpans {
		return []*tracepb.ScopeSpans{{Scope: &commonpb.InstrumentationScope{Name: "s", Version: "1"}, Spans: sps}}
	}
	rsBytes := func(fields ...[]byte) []byte {
		return protowire.AppendBytes(protowire.AppendTag(nil, fieldRequestResourceSpans, protowire.BytesType), slices.Concat(fields...))
	}
	resourceField := func(r *resourcepb.Resource) []byte {
		return protowire.AppendBytes(protowire.AppendTag(nil, fieldResourceSpansResource, protowire.BytesType), mustMarshal(tb, r))
	}
	scopeField := func(ss *tracepb.ScopeSpans) []byte {
		return protowire.AppendBytes(protowire.AppendTag(nil, fieldResourceSpansScopeSpans, protowire.BytesType), mustMarshal(tb, ss))
	}
	s1 := &tracepb.Span{TraceId: bytesN(16, 1), SpanId: bytesN(8, 1), Kind: tracepb.Span_SPAN_KIND_INTERNAL, EndTimeUnixNano: 5}

	return []struct {
		name string
		body []byte
	}{
		// Nothing at all: a valid, empty request.
		{"empty request", nil},
		// A span with every field set, events, links and attributes of
		// every type included.
		{"every field", req(&tracepb.ResourceSpans{Resource: sdkResource("svc"), ScopeSpans: spans(fullSpan(1, 2))})},
		// Three resources, two scopes each, spans of every kind; one
		// resource has no attributes, one no resource at all.
		{"several resources and scopes", req(
			&tracepb.ResourceSpans{Resource: sdkResource("a"), ScopeSpans: append(spans(fullSpan(1, 1), s1), spans(fullSpan(2, 3))...)},
			&tracepb.ResourceSpans{Resource: &resourcepb.Resource{}, ScopeSpans: spans(&tracepb.Span{TraceId: bytesN(16, 3), SpanId: bytesN(8, 3), Kind: tracepb.Span_SPAN_KIND_CLIENT})},
			&tracepb.ResourceSpans{ScopeSpans: append(spans(&tracepb.Span{Kind: tracepb.Span_SPAN_KIND_PRODUCER}), spans(&tracepb.Span{Kind: tracepb.Span_SPAN_KIND_CONSUMER})...)},
		)},
		// Empty messages at every level: a ResourceSpans, a ScopeSpans and
		// a Span with nothing in them (the span has no ids).
		{"empty messages", req(&tracepb.ResourceSpans{}, &tracepb.ResourceSpans{ScopeSpans: []*tracepb.ScopeSpans{{}, {Spans: []*tracepb.Span{{}}}}})},
		// Ids of every wrong length, reported as they are.
		{"odd id lengths", req(&tracepb.ResourceSpans{ScopeSpans: spans(
			&tracepb.Span{TraceId: bytesN(15, 1), SpanId: bytesN(8, 1)},
			&tracepb.Span{TraceId: bytesN(17, 1), SpanId: bytesN(7, 1)},
			&tracepb.Span{TraceId: bytesN(16, 1), SpanId: bytesN(9, 1), ParentSpanId: bytesN(3, 1)},
		)})},
		// Kinds outside the enum: proto keeps the number, as an int32.
		{"kinds out of range", req(&tracepb.ResourceSpans{ScopeSpans: spans(
			&tracepb.Span{Kind: 99}, &tracepb.Span{Kind: -1}, &tracepb.Span{Kind: 1 << 30},
		)})},
		// Unknown fields of every wire type at every level, groups
		// included: skipped.
		{"unknown fields", mustMarshal(tb, withUnknown(&collectortrace.ExportTraceServiceRequest{ResourceSpans: []*tracepb.ResourceSpans{
			withUnknown(&tracepb.ResourceSpans{
				Resource: withUnknown(&resourcepb.Resource{Attributes: []*commonpb.KeyValue{
					withUnknown(str(attrServiceName, "u"), unknownFields(100)),
					{Key: attrSDKLanguage, Value: withUnknown(&commonpb.AnyValue{Value: &commonpb.AnyValue_StringValue{StringValue: "go"}}, unknownFields(100))},
				}}, unknownFields(100)),
				ScopeSpans: []*tracepb.ScopeSpans{withUnknown(&tracepb.ScopeSpans{Spans: []*tracepb.Span{
					withUnknown(fullSpan(4, 4), unknownFields(100), unknownFields(19000), unknownFields(protowire.MaxValidNumber-4)),
				}}, unknownFields(100))},
			}, unknownFields(100)),
		}}, unknownFields(2)))},
		// Known field numbers with another wire type are unknown fields
		// to proto: they change nothing.
		{"known numbers, other wire types", req(withUnknown(&tracepb.ResourceSpans{
			Resource: withUnknown(sdkResource("w"), field(fieldResourceAttributes, protowire.VarintType, nil)),
			ScopeSpans: []*tracepb.ScopeSpans{withUnknown(&tracepb.ScopeSpans{Spans: []*tracepb.Span{
				withUnknown(&tracepb.Span{TraceId: bytesN(16, 5), SpanId: bytesN(8, 5), Kind: tracepb.Span_SPAN_KIND_SERVER, EndTimeUnixNano: 9},
					field(fieldSpanTraceID, protowire.VarintType, nil), field(fieldSpanSpanID, protowire.Fixed64Type, nil),
					field(fieldSpanParentSpanID, protowire.Fixed32Type, nil), field(fieldSpanKind, protowire.BytesType, []byte{1}),
					field(fieldSpanEndTime, protowire.VarintType, nil), field(fieldSpanEndTime, protowire.Fixed32Type, nil)),
			}}, field(fieldScopeSpansSpans, protowire.VarintType, nil))},
		}, field(fieldResourceSpansResource, protowire.Fixed64Type, nil), field(fieldResourceSpansScopeSpans, protowire.Fixed32Type, nil)))},
		// A field repeated: the last value wins, as in proto.
		{"last value wins", req(&tracepb.ResourceSpans{ScopeSpans: spans(withUnknown(
			&tracepb.Span{TraceId: bytesN(16, 6), SpanId: bytesN(8, 6), Kind: tracepb.Span_SPAN_KIND_SERVER, EndTimeUnixNano: 1},
			field(fieldSpanTraceID, protowire.BytesType, bytesN(16, 7)),
			protowire.AppendVarint(protowire.AppendTag(nil, fieldSpanKind, protowire.VarintType), 3),
			protowire.AppendFixed64(protowire.AppendTag(nil, fieldSpanEndTime, protowire.Fixed64Type), 77),
		))})},
		// The resource after the spans it applies to, then a second
		// resource field merged into the first: its service.name wins.
		{"resource after spans, twice", rsBytes(
			scopeField(&tracepb.ScopeSpans{Spans: []*tracepb.Span{s1}}),
			resourceField(sdkResource("first")),
			scopeField(&tracepb.ScopeSpans{Spans: []*tracepb.Span{fullSpan(8, 8)}}),
			resourceField(&resourcepb.Resource{Attributes: []*commonpb.KeyValue{str(attrServiceName, "second")}}),
		)},
		// service.name that is not a string, then a string, then a value
		// merged from two AnyValue fields, the last of them an int.
		{"attribute values merged", req(
			&tracepb.ResourceSpans{Resource: &resourcepb.Resource{Attributes: []*commonpb.KeyValue{
				str(attrSDKName, "x"),
				anyKV(attrSDKName, &commonpb.AnyValue{Value: &commonpb.AnyValue_IntValue{IntValue: 1}}),
				anyKV(attrServiceName, &commonpb.AnyValue{Value: &commonpb.AnyValue_BoolValue{}}),
				str(attrServiceName, ""),
				withUnknown(str(attrSDKVersion, "1"), field(fieldKeyValueValue, protowire.BytesType,
					mustMarshal(tb, &commonpb.AnyValue{Value: &commonpb.AnyValue_IntValue{IntValue: 2}}))),
				withUnknown(str(attrSDKLanguage, "go"), field(fieldKeyValueValue, protowire.BytesType, nil)),
			}}, ScopeSpans: spans(s1)},
		)},
	}
}

// TestWireMatchesProto reads well-formed requests, real exporter payloads
// included, with walkExport and with the generic decoder, and compares
// every field the accounting reads, span by span.
func TestWireMatchesProto(t *testing.T) {
	cases := wireCases(t)
	for i, body := range targetPayloads(t, 700) {
		// The bundled target's batches, through its real exporter.
		cases = append(cases, struct {
			name string
			body []byte
		}{fmt.Sprintf("target batch %d", i), body})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want, err := protoView(tc.body)
			if err != nil {
				t.Fatalf("proto refuses the case: %v", err)
			}
			got, err := wireView(tc.body)
			if err != nil {
				t.Fatalf("walkExport: %v", err)
			}
			if len(got) != len(want) {
				t.Fatalf("walkExport saw %d spans, proto %d", len(got), len(want))
			}
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("span %d:\n got %+v\nwant %+v", i, got[i], want[i])
				}
			}
		})
	}
}

// TestWireTargetShapes checks what a batch of the bundled target holds, so
// that the benchmarks measure what they say: 512 spans, one resource with
// the SDK's attributes, three spans per trace, one of them SERVER (the
// first and last trace may straddle two batches).
func TestWireTargetShapes(t *testing.T) {
	body := targetPayloads(t, 200)[0]
	spans, err := wireView(body)
	if err != nil {
		t.Fatal(err)
	}
	traces := map[string]int{}
	server := 0
	for _, s := range spans {
		if s.Service != "otelbench-target" || s.SDKLanguage != "go" || s.SDKName != "opentelemetry" || s.SDKVersion == "" {
			t.Fatalf("resource %+v, want the target's service and the Go SDK", s)
		}
		traces[s.TraceID]++
		if s.Kind == SpanKindServer {
			server++
		}
	}
	for id, n := range traces {
		if n > 3 {
			t.Errorf("trace %s has %d spans, want 3", id, n)
		}
	}
	if len(spans) != 512 || server < len(traces)-2 || server > len(traces) {
		t.Errorf("%d spans, %d SERVER, %d traces: want a batch of 512 with one SERVER span per trace", len(spans), server, len(traces))
	}
}

// malformed are bodies that both decoders must refuse.
var malformed = []struct {
	name string
	body []byte
}{
	// A length that runs past the end.
	{"length past the end", []byte{0x0a, 0x05, 0x01}},
	// A varint cut short.
	{"truncated varint", []byte{0xff, 0xff, 0xff, 0xff}},
	// A varint of eleven bytes.
	{"overlong varint", append(slices.Repeat([]byte{0xff}, 10), 0x01)},
	// Field number zero.
	{"field zero", []byte{0x00, 0x00}},
	// A field number above the largest valid one.
	{"field number too large", protowire.AppendVarint(protowire.AppendTag(nil, protowire.MaxValidNumber+1, protowire.VarintType), 1)},
	// Wire types 6 and 7 do not exist.
	{"wire type 6", []byte{0x0e, 0x00}},
	{"wire type 7", []byte{0x0f, 0x00}},
	// An end-group tag with no group open.
	{"end group alone", []byte{0x0c}},
	// A group that never ends.
	{"unterminated group", []byte{0x0b, 0x08, 0x01}},
	// A group ended by another field's end tag.
	{"mismatched group", []byte{0x0b, 0x14}},
	// A ResourceSpans whose ScopeSpans holds a span cut short.
	{"span cut short", []byte{0x0a, 0x06, 0x12, 0x04, 0x12, 0x02, 0x0a, 0x05}},
	// A malformed unknown field deep inside a span.
	{"bad unknown field in a span", []byte{0x0a, 0x06, 0x12, 0x04, 0x12, 0x02, 0x0e, 0x00}},
	// A resource attribute whose value is cut short.
	{"attribute cut short", []byte{0x0a, 0x08, 0x0a, 0x06, 0x0a, 0x04, 0x12, 0x02, 0x0a, 0x09}},
}

// TestWireMalformed checks that walkExport refuses what the generic decoder
// refuses among malformed bodies and every truncation of real requests,
// with a *wireError, without panicking, and that whatever it accepts it
// reads as proto does.
func TestWireMalformed(t *testing.T) {
	for _, tc := range malformed {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := protoView(tc.body); err == nil {
				t.Fatalf("proto accepts the case")
			}
			_, err := wireView(tc.body)
			var we *wireError
			if !errors.As(err, &we) {
				t.Fatalf("walkExport = %v, want a *wireError", err)
			}
		})
	}
	for _, tc := range wireCases(t) {
		t.Run("truncated "+tc.name, func(t *testing.T) {
			for n := range len(tc.body) {
				checkAgainstProto(t, tc.body[:n])
			}
		})
	}
}

// checkAgainstProto fails the test unless walkExport reads body as proto
// does when proto accepts it. walkExport may accept a body proto refuses
// (it does not look inside the fields it skips), but never the reverse.
func checkAgainstProto(t *testing.T, body []byte) {
	t.Helper()
	got, werr := wireView(body)
	want, perr := protoView(body)
	switch {
	case perr == nil && werr != nil:
		t.Fatalf("%x: proto accepts, walkExport refuses: %v", body, werr)
	case perr == nil && !slices.Equal(got, want):
		t.Fatalf("%x: walkExport read\n%+v\nproto\n%+v", body, got, want)
	case werr != nil:
		var we *wireError
		if !errors.As(werr, &we) {
			t.Fatalf("%x: walkExport = %v, want a *wireError", body, werr)
		}
	}
}

// FuzzWire compares walkExport with the generic decoder on any bytes; its
// seeds are the cases above. go test runs the seeds;
// go test -fuzz=FuzzWire explores.
func FuzzWire(f *testing.F) {
	for _, tc := range wireCases(f) {
		f.Add(tc.body)
	}
	for _, tc := range malformed {
		f.Add(tc.body)
	}
	f.Fuzz(checkAgainstProto)
}

// TestMalformedRefused sends malformed bodies to a sink through real gRPC:
// each is refused with INVALID_ARGUMENT and nothing is counted.
func TestMalformedRefused(t *testing.T) {
	s := startSink(t, Options{})
	conn, err := grpc.NewClient(s.Addr(), grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.ForceCodec(rawCodec{})))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, tc := range malformed {
		t.Run(tc.name, func(t *testing.T) {
			body := tc.body
			var resp []byte
			err := conn.Invoke(t.Context(), exportMethod, &body, &resp)
			if status.Code(err) != codes.InvalidArgument {
				t.Errorf("Export = %v, want INVALID_ARGUMENT", err)
			}
			if snap := s.Reset(); snap.Stats != (Stats{}) || snap.NumTraces() != 0 {
				t.Errorf("a refused body was counted: %+v", snap.Stats)
			}
		})
	}
}
