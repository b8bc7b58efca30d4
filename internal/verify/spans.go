package verify

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/otelbench/otelbench/internal/sink"
)

// Attribute keys the checks read (OpenTelemetry semantic conventions).
const (
	attrMethod      = "http.request.method"
	attrStatusCode  = "http.response.status_code"
	attrRoute       = "http.route"
	attrURLPath     = "url.path"
	attrServiceName = "service.name"

	// The keys of the HTTP semantic conventions before they were declared
	// stable (v1.20 and older), which some instrumentations still emit by
	// default (Python's, for one, unless OTEL_SEMCONV_STABILITY_OPT_IN=http).
	attrOldMethod     = "http.method"
	attrOldStatusCode = "http.status_code"
	attrOldTarget     = "http.target"
)

// rawPath returns the raw request path a server span keeps: url.path, or
// else the path of the old conventions' http.target (without its query).
// old reports the second case.
func rawPath(s *sink.Span) (path string, old bool) {
	if p := s.Attributes[attrURLPath]; p != "" {
		return p, false
	}
	if t := s.Attributes[attrOldTarget]; t != "" {
		if i := strings.IndexByte(t, '?'); i >= 0 {
			t = t[:i]
		}
		return t, true
	}
	return "", false
}

// spanKey identifies a span across traces.
type spanKey struct {
	trace sink.TraceID
	span  sink.SpanID
}

// spanIndex finds the spans of a phase by trace and by id.
type spanIndex struct {
	all     []*sink.Span
	byTrace map[sink.TraceID][]*sink.Span
	byID    map[spanKey]*sink.Span
}

// newSpanIndex indexes spans; it keeps pointers into the slice.
func newSpanIndex(spans []sink.Span) *spanIndex {
	ix := &spanIndex{
		byTrace: map[sink.TraceID][]*sink.Span{},
		byID:    map[spanKey]*sink.Span{},
	}
	for i := range spans {
		s := &spans[i]
		ix.all = append(ix.all, s)
		ix.byTrace[s.TraceID] = append(ix.byTrace[s.TraceID], s)
		ix.byID[spanKey{s.TraceID, s.SpanID}] = s
	}
	return ix
}

// parent returns the parent of s among the indexed spans, or nil.
func (ix *spanIndex) parent(s *sink.Span) *sink.Span {
	if s.ParentSpanID.IsZero() {
		return nil
	}
	return ix.byID[spanKey{s.TraceID, s.ParentSpanID}]
}

// descendsFrom reports whether root is s or one of its ancestors among the
// indexed spans.
func (ix *spanIndex) descendsFrom(s, root *sink.Span) bool {
	for seen := 0; s != nil && seen <= len(ix.all); seen++ {
		if s == root {
			return true
		}
		s = ix.parent(s)
	}
	return false
}

// servers returns the server spans of trace tid.
func (ix *spanIndex) servers(tid sink.TraceID) []*sink.Span {
	var out []*sink.Span
	for _, s := range ix.byTrace[tid] {
		if s.Kind == sink.SpanKindServer {
			out = append(out, s)
		}
	}
	return out
}

// spanPath returns the raw path of s (rawPath), "" if it keeps none.
func spanPath(s *sink.Span) string {
	p, _ := rawPath(s)
	return p
}

// serversByPath returns the server spans by their raw path (rawPath).
func (ix *spanIndex) serversByPath() map[string][]*sink.Span {
	out := map[string][]*sink.Span{}
	for _, s := range ix.all {
		if s.Kind == sink.SpanKindServer {
			out[spanPath(s)] = append(out[spanPath(s)], s)
		}
	}
	return out
}

// isOrphanRoot reports whether s is a root that should not be one: no
// parent, no link, and not a span that starts a trace by nature (server or
// consumer).
func isOrphanRoot(s *sink.Span) bool {
	return s.ParentSpanID.IsZero() && len(s.Links) == 0 &&
		s.Kind != sink.SpanKindServer && s.Kind != sink.SpanKindConsumer
}

// orphanRoots returns the orphan roots among the indexed spans.
func (ix *spanIndex) orphanRoots() []*sink.Span {
	var out []*sink.Span
	for _, s := range ix.all {
		if isOrphanRoot(s) {
			out = append(out, s)
		}
	}
	return out
}

// brokenParents returns the spans whose parent should have arrived but did
// not: a local (not remote) parent that is not among the indexed spans.
// A server span whose parent the exporter does not mark is taken as remote.
func (ix *spanIndex) brokenParents() []*sink.Span {
	var out []*sink.Span
	for _, s := range ix.all {
		if s.ParentSpanID.IsZero() || ix.parent(s) != nil {
			continue
		}
		remote := s.ParentRemote || (!s.ParentKnown && s.Kind == sink.SpanKindServer)
		if !remote {
			out = append(out, s)
		}
	}
	return out
}

// describe names a span for evidence: "GET /x" (server, trace T, span S).
func describe(s *sink.Span) string {
	return fmt.Sprintf("%q (%s, trace %s, span %s)", s.Name, s.Kind, s.TraceID, s.SpanID)
}

// describeParent says what a span's parent is: "no parent" or
// "parent P (remote)".
func describeParent(s *sink.Span) string {
	if s.ParentSpanID.IsZero() {
		return "no parent"
	}
	switch {
	case s.ParentKnown && s.ParentRemote:
		return "parent " + s.ParentSpanID.String() + " (remote)"
	case s.ParentKnown:
		return "parent " + s.ParentSpanID.String() + " (local)"
	default:
		return "parent " + s.ParentSpanID.String()
	}
}

// names returns the distinct names of spans with their counts, most
// frequent first, as `"name" ×n`.
func names(spans []*sink.Span) []string {
	count := map[string]int{}
	for _, s := range spans {
		count[s.Name]++
	}
	keys := make([]string, 0, len(count))
	for k := range count {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if count[keys[i]] != count[keys[j]] {
			return count[keys[i]] > count[keys[j]]
		}
		return keys[i] < keys[j]
	})
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = fmt.Sprintf("%q ×%d", k, count[k])
	}
	return out
}

// routeInName matches a span name of the form "METHOD /route".
var routeInName = regexp.MustCompile(`^[A-Z]+ (/\S*)$`)

// route returns the route of a server span: its http.route attribute, or
// else the route in a name of the form "METHOD /route" (what otelhttp does
// when it wraps a whole ServeMux: the name comes from Request.Pattern, the
// attribute is not set). fromName reports the second case.
func route(s *sink.Span) (r string, fromName bool) {
	if r := s.Attributes[attrRoute]; r != "" {
		return r, false
	}
	if m := routeInName.FindStringSubmatch(s.Name); m != nil {
		return m[1], true
	}
	return "", false
}

// joinMax joins at most n items and says how many were left out.
func joinMax(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:n], ", ") + fmt.Sprintf(", … (%d in all)", len(items))
}
