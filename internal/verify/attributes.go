package verify

import (
	"fmt"
	"sort"
	"strings"

	"github.com/otelbench/otelbench/internal/sink"
)

// Attributes checks claim 3 on the server spans of a phase: each has
// http.request.method, http.response.status_code and a route (the
// http.route attribute, or a name "METHOD /route" from the route template),
// and the resource names the service (service.name set, not the SDK's
// unknown_service default). A span that has the old conventions' keys
// instead (http.method, http.status_code) is not failed for it: the check
// warns, since dashboards and queries written for the stable keys miss it.
func Attributes(p Phase) Check {
	c := Check{Name: CheckAttributes}
	ix := newSpanIndex(p.Spans)
	var servers []*sink.Span
	for _, s := range ix.all {
		if s.Kind == sink.SpanKindServer {
			servers = append(servers, s)
		}
	}
	if len(servers) == 0 {
		c.Status = StatusFail
		c.Summary = "no server span arrived"
		c.Evidence = p.unanswered()
		return c
	}

	method := findings{what: "server spans without " + attrMethod}
	old := findings{what: "server spans with the old HTTP semantic conventions (http.method, http.status_code, http.target) instead of the stable ones"}
	status := findings{what: "server spans without " + attrStatusCode}
	noRoute := findings{what: "server spans without a route (no http.route, and the name is not \"METHOD /route\")"}
	service := findings{what: "spans whose resource does not name the service"}
	services := map[string]bool{}
	routes := map[string]bool{}
	routeFromName := 0
	for _, s := range servers {
		oldKeys := false
		switch {
		case s.Attributes[attrMethod] != "":
		case s.Attributes[attrOldMethod] != "":
			oldKeys = true
		default:
			method.add("%s", describe(s))
		}
		switch {
		case s.Attributes[attrStatusCode] != "":
		case s.Attributes[attrOldStatusCode] != "":
			oldKeys = true
		default:
			status.add("%s", describe(s))
		}
		if oldKeys {
			var kv []string
			for _, k := range []string{attrOldMethod, attrOldStatusCode, attrOldTarget} {
				if v := s.Attributes[k]; v != "" {
					kv = append(kv, k+"="+v)
				}
			}
			old.add("%s: %s", describe(s), strings.Join(kv, ", "))
		}
		if r, fromName := route(s); r == "" {
			noRoute.add("%s", describe(s))
		} else {
			routes[r] = true
			if fromName {
				routeFromName++
			}
		}
		name, ok := s.Resource[attrServiceName]
		services[name] = true
		switch {
		case !ok || name == "":
			service.add("%s: the resource has no service.name (set OTEL_SERVICE_NAME or a resource with service.name)", describe(s))
		case strings.HasPrefix(name, "unknown_service"):
			service.add("%s: service.name=%s, the SDK default (set OTEL_SERVICE_NAME or a resource with service.name)", describe(s), name)
		}
	}

	for _, f := range []*findings{&method, &status, &noRoute, &service} {
		c.Evidence = append(c.Evidence, f.evidence()...)
	}
	if method.n+status.n+noRoute.n+service.n > 0 {
		c.Status = StatusFail
		c.Summary = fmt.Sprintf("%d server spans: %d without %s, %d without %s, %d without a route, %d without the service's name",
			len(servers), method.n, attrMethod, status.n, attrStatusCode, noRoute.n, service.n)
		return c
	}
	c.Status = StatusPass
	if old.n > 0 {
		c.Status = StatusWarn
		c.Evidence = append(old.evidence(), "emit the stable HTTP conventions: "+fix(fixSemconv, languageOf(p.Spans)))
	}
	where := "in http.route"
	if routeFromName == len(servers) {
		where = "in the span name (no http.route attribute)"
	} else if routeFromName > 0 {
		where = fmt.Sprintf("in http.route or, for %d spans, the span name", routeFromName)
	}
	keys := attrMethod + ", " + attrStatusCode
	if old.n > 0 {
		keys = fmt.Sprintf("method and status code (%d of them in the old keys %s, %s)", old.n, attrOldMethod, attrOldStatusCode)
	}
	c.Summary = fmt.Sprintf("%d server spans: %s, route %s %s, service.name=%s",
		len(servers), keys, joinMax(sortedKeys(routes), 3), where, strings.Join(sortedKeys(services), ","))
	return c
}

// sortedKeys returns the keys of m in order.
func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
