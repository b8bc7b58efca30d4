package collector

import (
	"os"
	"strings"
	"testing"
)

// TestParseCountersFixture parses a trimmed real scrape.
func TestParseCountersFixture(t *testing.T) {
	f, err := os.Open("testdata/metrics.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := parseCounters(f)
	if err != nil {
		t.Fatal(err)
	}
	want := Counters{
		Accepted: 1_000_000 + 250, // 1e+06 over gRPC, 250 over HTTP
		Refused:  0,
		Failed:   3,
		Sent:     1500,   // _total spelling, 1.5e+03
		Exported: 999000, // success only, not the metrics pipeline's
	}
	if got != want {
		t.Errorf("parseCounters(testdata/metrics.txt) = %+v, want %+v", got, want)
	}
}

// TestParseCounters covers the edges of the parser.
func TestParseCounters(t *testing.T) {
	for _, tc := range []struct {
		name    string
		text    string
		want    Counters
		wantErr string // a substring of the error; "" means no error
	}{
		{
			// A collector that has received nothing yet exports none of them.
			name: "absent",
			text: "otelcol_process_uptime 1.5\n",
		},
		{
			// Untyped samples (no TYPE line) count as well.
			name: "untyped",
			text: "otelcol_receiver_accepted_spans{receiver=\"otlp\"} 42\n",
			want: Counters{Accepted: 42},
		},
		{
			// Both spellings at once are added up, not doubled or dropped.
			name: "both spellings",
			text: "otelcol_receiver_refused_spans 2\notelcol_receiver_refused_spans_total 3\n",
			want: Counters{Refused: 5},
		},
		{
			// The signal, when the scope labels are kept, must be traces.
			name: "exported by signal",
			text: "otelcol_exporter_consumed_items{otel_scope_otelcol_signal=\"traces\",otelcol_component_outcome=\"success\"} 10\n" +
				"otelcol_exporter_consumed_items{otel_scope_otelcol_signal=\"logs\",otelcol_component_outcome=\"success\"} 20\n" +
				"otelcol_exporter_consumed_items{otel_scope_otelcol_signal=\"traces\",otelcol_component_outcome=\"refused\"} 30\n" +
				"otelcol_exporter_consumed_items 40\n",
			want: Counters{Exported: 10},
		},
		{
			// A count is a whole number.
			name:    "fraction",
			text:    "otelcol_receiver_accepted_spans 1.5\n",
			wantErr: "not a count",
		},
		{
			// A count is not negative.
			name:    "negative",
			text:    "# TYPE otelcol_receiver_failed_spans gauge\notelcol_receiver_failed_spans -1\n",
			wantErr: "not a count",
		},
		{
			// A histogram of that name is not a count.
			name: "histogram",
			text: "# TYPE otelcol_exporter_sent_spans histogram\n" +
				"otelcol_exporter_sent_spans_bucket{le=\"+Inf\"} 1\n" +
				"otelcol_exporter_sent_spans_sum 1\notelcol_exporter_sent_spans_count 1\n",
			wantErr: "not a count",
		},
		{
			// Not Prometheus text at all.
			name:    "garbage",
			text:    "<html>hello</html>\n",
			wantErr: "line 1",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseCounters(strings.NewReader(tc.text))
			switch {
			case tc.wantErr != "":
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("parseCounters(%q) error = %v, want one containing %q", tc.text, err, tc.wantErr)
				}
			case err != nil:
				t.Fatalf("parseCounters(%q): %v", tc.text, err)
			case got != tc.want:
				t.Errorf("parseCounters(%q) = %+v, want %+v", tc.text, got, tc.want)
			}
		})
	}
}
