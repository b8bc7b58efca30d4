package sink

import (
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"
)

// This file reads an OTLP ExportTraceServiceRequest straight from its wire
// bytes, for the accounting: the ids, kind and end time of every span and a
// few attributes of its resource, and nothing else. Every other field is
// skipped by its length, without allocating. It follows the rules of the
// generic decoder (google.golang.org/protobuf/proto) for the fields it reads:
// the last value of a scalar or bytes field wins, a message field seen twice
// is merged (here: its fields are read in order), and a known field with an
// unexpected wire type is an unknown field. It checks the framing of every
// field, skipped ones included, but not what proto checks inside the fields
// it skips (nested messages, UTF-8 of strings): it accepts a little more.
// wire_test.go compares it with the generic decoder field by field.

// The field numbers of opentelemetry/proto/collector/trace/v1 and
// opentelemetry/proto/{trace,resource,common}/v1 that the walk reads.
const (
	fieldRequestResourceSpans protowire.Number = 1 // ExportTraceServiceRequest.resource_spans

	fieldResourceSpansResource   protowire.Number = 1 // ResourceSpans.resource
	fieldResourceSpansScopeSpans protowire.Number = 2 // ResourceSpans.scope_spans

	fieldResourceAttributes protowire.Number = 1 // Resource.attributes

	fieldKeyValueKey   protowire.Number = 1 // KeyValue.key
	fieldKeyValueValue protowire.Number = 2 // KeyValue.value

	fieldAnyValueString protowire.Number = 1 // AnyValue.string_value; 2..8 are the other members of the oneof
	fieldAnyValueLast   protowire.Number = 8 // AnyValue.string_value_strindex

	fieldScopeSpansSpans protowire.Number = 2 // ScopeSpans.spans

	fieldSpanTraceID      protowire.Number = 1 // Span.trace_id
	fieldSpanSpanID       protowire.Number = 2 // Span.span_id
	fieldSpanParentSpanID protowire.Number = 4 // Span.parent_span_id
	fieldSpanKind         protowire.Number = 6 // Span.kind
	fieldSpanEndTime      protowire.Number = 8 // Span.end_time_unix_nano
)

// The resource attributes the walk reads.
const (
	attrServiceName = "service.name"
	attrSDKLanguage = "telemetry.sdk.language"
	attrSDKName     = "telemetry.sdk.name"
	attrSDKVersion  = "telemetry.sdk.version"
)

// wireSpan is what the accounting reads of one span. The slices point into
// the request's bytes: valid only during the visit.
type wireSpan struct {
	TraceID, SpanID, ParentSpanID []byte
	Kind                          SpanKind
	EndTimeUnixNano               uint64
}

// wireResource is what the accounting reads of the resource of a
// ResourceSpans: the string values of four of its attributes, nil when
// absent or not a string. Like a map, the last attribute with a key wins.
// The slices point into the request's bytes: valid only during the visit.
type wireResource struct {
	ServiceName []byte // service.name
	SDKLanguage []byte // telemetry.sdk.language
	SDKName     []byte // telemetry.sdk.name
	SDKVersion  []byte // telemetry.sdk.version
}

// spanVisitor is called for each span, in order, with its resource. Both
// pointers are reused from one call to the next.
type spanVisitor func(res *wireResource, sp *wireSpan)

// wireError is a malformed request: what was being read, and where.
type wireError struct {
	what string
	off  int // bytes from the start of the request
	err  error
}

func (e *wireError) Error() string {
	return fmt.Sprintf("malformed export request: %s at byte %d: %v", e.what, e.off, e.err)
}

func (e *wireError) Unwrap() error { return e.err }

// walker walks one request, keeping its start to report offsets.
type walker struct {
	body  []byte
	visit spanVisitor
	res   wireResource
	span  wireSpan
	spans int64
}

// walkExport reads body, a serialized ExportTraceServiceRequest, calls visit
// (when not nil) for every span in order, and returns the number of spans.
// It allocates nothing unless body is malformed; then it returns a
// *wireError, and visit may have been called for some spans already. The
// same bytes always give the same answer, so a caller can check and count
// first (visit nil) and visit later.
func walkExport(body []byte, visit spanVisitor) (int64, error) {
	w := walker{body: body, visit: visit}
	err := w.fields(body, "ExportTraceServiceRequest", func(num protowire.Number, typ protowire.Type, v []byte) error {
		if num == fieldRequestResourceSpans && typ == protowire.BytesType {
			return w.resourceSpans(v)
		}
		return nil
	})
	return w.spans, err
}

// fields calls fn for each field of message b with its value: for the
// bytes wire type the contents, otherwise the raw encoding. It checks the
// framing of every field. Tags and lengths of one byte, most of them,
// take a fast path.
func (w *walker) fields(b []byte, msg string, fn func(num protowire.Number, typ protowire.Type, v []byte) error) error {
	for len(b) > 0 {
		var tag uint64
		n := 1
		if b[0] < 0x80 {
			tag = uint64(b[0])
		} else if tag, n = protowire.ConsumeVarint(b); n < 0 {
			return w.fail(msg+" tag", b, protowire.ParseError(n))
		}
		if num := tag >> 3; num < uint64(protowire.MinValidNumber) || num > uint64(protowire.MaxValidNumber) {
			return w.fail(msg+" tag", b, fmt.Errorf("field number %d out of range", num))
		}
		num, typ := protowire.Number(tag>>3), protowire.Type(tag&7)
		b = b[n:]
		var v []byte
		switch typ {
		case protowire.BytesType:
			var l uint64
			if len(b) > 0 && b[0] < 0x80 {
				l, n = uint64(b[0]), 1
			} else {
				l, n = protowire.ConsumeVarint(b)
			}
			if n >= 0 && l > uint64(len(b)-n) {
				n = errTruncated
			}
			if n >= 0 {
				v = b[n : n+int(l)]
				n += int(l)
			}
		case protowire.Fixed64Type:
			n = 8
			if len(b) < n {
				n = errTruncated
			}
		case protowire.Fixed32Type:
			n = 4
			if len(b) < n {
				n = errTruncated
			}
		default:
			n = protowire.ConsumeFieldValue(num, typ, b)
		}
		if n < 0 {
			return w.fail(fmt.Sprintf("%s field %d", msg, num), b, protowire.ParseError(n))
		}
		if typ != protowire.BytesType {
			v = b[:n]
		}
		if err := fn(num, typ, v); err != nil {
			return err
		}
		b = b[n:]
	}
	return nil
}

// errTruncated is protowire's error code for a value cut short.
var errTruncated = protowire.ConsumeFieldValue(1, protowire.BytesType, []byte{1})

// fail returns a *wireError for a problem at the start of b, which lies
// inside w.body.
func (w *walker) fail(what string, b []byte, err error) error {
	return &wireError{what: what, off: len(w.body) - len(b), err: err}
}

// resourceSpans reads one ResourceSpans: its resource first, wherever it
// comes, then its spans.
func (w *walker) resourceSpans(b []byte) error {
	w.res = wireResource{}
	err := w.fields(b, "ResourceSpans", func(num protowire.Number, typ protowire.Type, v []byte) error {
		if num == fieldResourceSpansResource && typ == protowire.BytesType {
			return w.resource(v)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return w.fields(b, "ResourceSpans", func(num protowire.Number, typ protowire.Type, v []byte) error {
		if num == fieldResourceSpansScopeSpans && typ == protowire.BytesType {
			return w.scopeSpans(v)
		}
		return nil
	})
}

// resource reads the attributes of a Resource into w.res.
func (w *walker) resource(b []byte) error {
	return w.fields(b, "Resource", func(num protowire.Number, typ protowire.Type, v []byte) error {
		if num != fieldResourceAttributes || typ != protowire.BytesType {
			return nil
		}
		key, val, err := w.keyValue(v)
		if err != nil {
			return err
		}
		switch string(key) {
		case attrServiceName:
			w.res.ServiceName = val
		case attrSDKLanguage:
			w.res.SDKLanguage = val
		case attrSDKName:
			w.res.SDKName = val
		case attrSDKVersion:
			w.res.SDKVersion = val
		}
		return nil
	})
}

// keyValue reads a KeyValue: its key, and its value when that is a string
// (nil otherwise). The value is a oneof, merged when it comes more than
// once: the last member set wins.
func (w *walker) keyValue(b []byte) (key, str []byte, err error) {
	err = w.fields(b, "KeyValue", func(num protowire.Number, typ protowire.Type, v []byte) error {
		switch {
		case num == fieldKeyValueKey && typ == protowire.BytesType:
			key = v
		case num == fieldKeyValueValue && typ == protowire.BytesType:
			return w.fields(v, "AnyValue", func(num protowire.Number, typ protowire.Type, v []byte) error {
				if num < fieldAnyValueString || num > fieldAnyValueLast || typ != anyValueType[num] {
					return nil // unknown: the oneof does not change
				}
				str = nil
				if num == fieldAnyValueString {
					str = v
					if str == nil {
						str = []byte{} // an empty string is a string
					}
				}
				return nil
			})
		}
		return nil
	})
	return key, str, err
}

// anyValueType is the wire type of each member of AnyValue's oneof.
var anyValueType = [fieldAnyValueLast + 1]protowire.Type{
	1: protowire.BytesType,   // string_value
	2: protowire.VarintType,  // bool_value
	3: protowire.VarintType,  // int_value
	4: protowire.Fixed64Type, // double_value
	5: protowire.BytesType,   // array_value
	6: protowire.BytesType,   // kvlist_value
	7: protowire.BytesType,   // bytes_value
	8: protowire.VarintType,  // string_value_strindex
}

// scopeSpans reads the spans of one ScopeSpans.
func (w *walker) scopeSpans(b []byte) error {
	return w.fields(b, "ScopeSpans", func(num protowire.Number, typ protowire.Type, v []byte) error {
		if num != fieldScopeSpansSpans || typ != protowire.BytesType {
			return nil
		}
		if err := w.spanFields(v); err != nil {
			return err
		}
		w.spans++
		if w.visit != nil {
			w.visit(&w.res, &w.span)
		}
		return nil
	})
}

// spanFields reads one Span into w.span.
func (w *walker) spanFields(b []byte) error {
	w.span = wireSpan{}
	sp := &w.span
	return w.fields(b, "Span", func(num protowire.Number, typ protowire.Type, v []byte) error {
		switch {
		case typ == protowire.BytesType && num == fieldSpanTraceID:
			sp.TraceID = v
		case typ == protowire.BytesType && num == fieldSpanSpanID:
			sp.SpanID = v
		case typ == protowire.BytesType && num == fieldSpanParentSpanID:
			sp.ParentSpanID = v
		case typ == protowire.VarintType && num == fieldSpanKind:
			k, _ := protowire.ConsumeVarint(v) // checked by fields
			sp.Kind = SpanKind(int32(k))       //nolint:gosec // an enum is the low 32 bits, as proto reads it
		case typ == protowire.Fixed64Type && num == fieldSpanEndTime:
			sp.EndTimeUnixNano, _ = protowire.ConsumeFixed64(v)
		}
		return nil
	})
}
