package wire

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestParseReady(t *testing.T) {
	for _, tc := range []struct {
		name    string
		line    string
		addr    string
		wantErr string // a substring of the error; "" means none
	}{
		// A target's line.
		{name: "ready", line: `{"event":"ready","addr":"127.0.0.1:4000","pid":7,"variant":"batch","processor":null}`, addr: "127.0.0.1:4000"},
		// Fields it does not know are ignored: the target may say more.
		{name: "more", line: `{"event":"ready","addr":"a:1","new_field":[1]}`, addr: "a:1"},
		// Not JSON.
		{name: "not json", line: `listening on :8080`, wantErr: "invalid character"},
		// Some other event.
		{name: "other event", line: `{"event":"starting","addr":"a:1"}`, wantErr: `event "starting"`},
		// No address to load.
		{name: "no addr", line: `{"event":"ready"}`, wantErr: "no addr"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := ParseReady([]byte(tc.line))
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("ParseReady: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("ParseReady error = %v, want one containing %q", err, tc.wantErr)
			}
			if r.Addr != tc.addr {
				t.Errorf("Addr = %q, want %q", r.Addr, tc.addr)
			}
		})
	}
}

func TestDecodeProcessor(t *testing.T) {
	batch := &Processor{Type: ProcessorBatch, SpanExporter: "*otlptrace.Exporter", Config: &BatchConfig{
		MaxQueueSize: 2048, BatchTimeout: 5 * time.Second, ExportTimeout: 30 * time.Second, MaxExportBatchSize: 512}}
	for _, tc := range []struct {
		name string
		raw  string
		want *Processor
	}{
		// The untraced variant has none.
		{name: "null", raw: `null`},
		// A line without the field.
		{name: "absent", raw: ``},
		// The batch processor's MarshalLog, as the SDK writes it.
		{name: "batch", raw: `{"Type":"BatchSpanProcessor","SpanExporter":"*otlptrace.Exporter","Config":{"MaxQueueSize":2048,"BatchTimeout":5000000000,"ExportTimeout":30000000000,"MaxExportBatchSize":512,"BlockOnQueueFull":false}}`,
			want: batch},
		// The simple processor, named by the target in lower case.
		{name: "simple", raw: `{"type":"SimpleSpanProcessor"}`, want: &Processor{Type: ProcessorSimple}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Ready{Processor: json.RawMessage(tc.raw)}.DecodeProcessor()
			if err != nil {
				t.Fatal(err)
			}
			if (got == nil) != (tc.want == nil) || got != nil && (got.Type != tc.want.Type || got.SpanExporter != tc.want.SpanExporter ||
				(got.Config == nil) != (tc.want.Config == nil) || got.Config != nil && *got.Config != *tc.want.Config) {
				t.Errorf("DecodeProcessor() = %+v, want %+v", got, tc.want)
			}
		})
	}
}
