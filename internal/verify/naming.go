package verify

import (
	"fmt"
	"strings"

	"github.com/otelbench/otelbench/internal/sink"
)

// maxServerNames is the most distinct server span names a phase of
// requests to one route may give: a route template gives one.
const maxServerNames = 5

// Naming checks claim 2 on a phase of requests to one route with a varying
// path parameter (/process/1 … /process/500): the server spans take at most
// a handful of names, route templates rather than raw paths, and each raw
// path sits in an attribute (url.path). varied is false when the paths did
// not vary (a user's -url without {id}); the check is then n/a.
func Naming(p Phase, varied bool) Check {
	c := Check{Name: CheckNaming}
	if !varied {
		c.Status = StatusNA
		c.Summary = "the URL has no {id} placeholder, so the path did not vary"
		return c
	}
	ix := newSpanIndex(p.Spans)
	var servers []*sink.Span
	for _, s := range ix.all {
		if s.Kind == sink.SpanKindServer {
			servers = append(servers, s)
		}
	}
	paths := map[string]bool{}
	for _, r := range p.answered(false) {
		paths[r.Path] = true
	}
	if len(paths) <= maxServerNames {
		c.Status = StatusNA
		c.Summary = fmt.Sprintf("%d distinct paths answered: too few to tell templates from raw paths (more than %d needed)", len(paths), maxServerNames)
		return c
	}
	if len(servers) == 0 {
		c.Status = StatusFail
		c.Summary = fmt.Sprintf("%d distinct paths sent, no server span arrived", len(paths))
		c.Evidence = p.unanswered()
		return c
	}

	distinct := names(servers)
	byName := map[string]*sink.Span{}
	for _, s := range servers {
		if byName[s.Name] == nil {
			byName[s.Name] = s
		}
	}
	var raw findings
	raw.what = "paths sent that no server span keeps in url.path (the raw value must sit in an attribute)"
	byPath := ix.serversByPath()
	for _, r := range p.answered(false) {
		if len(byPath[r.Path]) == 0 {
			raw.add("%s", rawPathEvidence(r, ix))
		}
	}

	if len(distinct) > maxServerNames {
		c.Status = StatusFail
		c.Summary = fmt.Sprintf("%d distinct paths gave %d distinct server span names: raw paths, not route templates", len(paths), len(distinct))
		f := findings{what: "server span names beyond one route template"}
		for _, s := range servers {
			if byName[s.Name] == s {
				f.add("%s, url.path %q", describe(s), s.Attributes[attrURLPath])
			}
		}
		c.Evidence = append(f.evidence(), "name server spans after the route template (e.g. \"GET /items/{id}\") and keep the raw path in url.path")
		c.Evidence = append(c.Evidence, raw.evidence()...)
		return c
	}
	if raw.n > 0 {
		c.Status = StatusFail
		c.Summary = fmt.Sprintf("%d distinct paths gave %s, but %d raw paths are in no attribute", len(paths), strings.Join(distinct, ", "), raw.n)
		c.Evidence = raw.evidence()
		return c
	}
	c.Status = StatusPass
	where := "url.path"
	oldKey := 0
	for _, s := range servers {
		if _, old := rawPath(s); old {
			oldKey++
		}
	}
	if oldKey > 0 {
		where = fmt.Sprintf("url.path or, for %d spans, the old conventions' http.target", oldKey)
	}
	c.Summary = fmt.Sprintf("%d distinct paths gave %s: %s; each raw path in %s",
		len(paths), plural(len(distinct), "server span name"), strings.Join(distinct, ", "), where)
	return c
}

// rawPathEvidence says where the server span of r is, if it can be found by
// its trace, and what attributes it has instead of url.path.
func rawPathEvidence(r Request, ix *spanIndex) string {
	if r.HasTraceparent() {
		if servers := ix.servers(r.TraceID); len(servers) > 0 {
			return fmt.Sprintf("%s: %s has url.path %q", r, describe(servers[0]), servers[0].Attributes[attrURLPath])
		}
	}
	return fmt.Sprintf("%s: no server span with url.path %q", r, r.Path)
}

// plural returns "1 name" or "3 names".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
