package report

import (
	"fmt"
	"strings"

	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/summary"
)

var sendersHeader = []string{"variant", "protocol", "SDK", "service.name"}

// senders says, per traced variant, which OTLP transport its spans came
// over and which SDK sent them, as the embedded sink saw them; nothing
// when it saw nothing (a real Collector reports neither).
func senders(d *doc, s *summary.Summary) {
	t := table{header: sendersHeader}
	for _, v := range s.Variants {
		if v.Kind == profile.KindNone || len(v.Protocols) == 0 {
			continue
		}
		var sdks, names []string
		for _, r := range v.Senders {
			sdk := strings.TrimSpace(strings.Join([]string{r.SDKLanguage, r.SDKName, r.SDKVersion}, " "))
			if sdk == "" {
				sdk = "unnamed (no telemetry.sdk.* attributes)"
			}
			sdks = appendNew(sdks, sdk)
			names = appendNew(names, orNA(r.ServiceName, "none"))
		}
		t.rows = append(t.rows, []string{v.Name, strings.Join(v.Protocols, ", "), strings.Join(sdks, "; "), strings.Join(names, ", ")})
	}
	if len(t.rows) == 0 {
		return
	}
	sec := d.newSection(secConditions, "What sent the spans")
	sec.para(fmt.Sprintf("The transport of each variant's exports and the SDK its resources name (telemetry.sdk.language, name and version), as the embedded sink received them in %s.", plural(len(t.rows), "variant")))
	sec.addTable(t)
}

// appendNew appends x unless xs has it.
func appendNew(xs []string, x string) []string {
	for _, y := range xs {
		if y == x {
			return xs
		}
	}
	return append(xs, x)
}

// orNA is s, or n/a with why when s is empty.
func orNA(s, why string) string {
	if s == "" {
		return "n/a (" + why + ")"
	}
	return s
}

// plural is "1 variant" or "n variants".
func plural(n int, one string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %ss", n, one)
}
