package sink

import (
	"time"

	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/grpc/codes"
)

// record counts one Export call of the decoded spans rss as recordWire
// counts a body, span by span through the same ledger.add, without the
// walk over the wire: the ledger's own cost, for its tests and
// BenchmarkRecord.
func (l *ledger) record(o outcome, code codes.Code, rss []*tracepb.ResourceSpans) {
	if o != answered {
		var n int64
		for _, rs := range rss {
			for _, ss := range rs.GetScopeSpans() {
				n += int64(len(ss.GetSpans()))
			}
		}
		l.refused(o, code, n)
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	l.stats.Requests++
	fresh := int64(0)
	for _, rs := range rss {
		for _, ss := range rs.GetScopeSpans() {
			for _, sp := range ss.GetSpans() {
				if l.add(sp.GetTraceId(), sp.GetSpanId(), sp.GetKind() == tracepb.Span_SPAN_KIND_SERVER) {
					fresh++
					l.fresh.add(time.Duration(now.UnixNano() - int64(sp.GetEndTimeUnixNano())))
				}
			}
		}
	}
	l.arrived(now, fresh)
}
