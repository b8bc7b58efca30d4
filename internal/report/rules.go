package report

import (
	"fmt"

	"github.com/otelbench/otelbench/internal/summary"
)

// rulesOfThumb lists the verdicts of the rules of thumb this run can test,
// each with its evidence; it writes nothing when the run tests none.
func rulesOfThumb(r renderer, s *summary.Summary) {
	var items, untested []string
	for _, v := range s.Rules {
		if !v.Applies {
			untested = append(untested, fmt.Sprintf("%q", v.Rule))
			continue
		}
		items = append(items, fmt.Sprintf("%q: %s. %s.", v.Rule, v.Verdict, upperFirst(v.Evidence)))
	}
	if len(items) == 0 {
		return
	}
	r.heading(2, "Rules of thumb")
	r.para("What this run's measurements, and the model where they need it, say of popular rules. With fewer than 5 repetitions a side no difference can be significant; one then counts only beyond " +
		fmt.Sprintf("%.0f%%", summary.RuleMinEffectPct) + " with the repetitions' ranges apart.")
	r.list(items)
	if len(untested) > 0 {
		r.para("Not tested by this run: " + joinSemi(untested) + ".")
	}
}

// upperFirst capitalises the first letter of s.
func upperFirst(s string) string {
	for i, c := range s {
		if c >= 'a' && c <= 'z' {
			return s[:i] + string(c-'a'+'A') + s[i+1:]
		}
		return s
	}
	return s
}
