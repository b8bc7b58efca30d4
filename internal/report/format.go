package report

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/otelbench/otelbench/internal/summary"
)

// dur formats a duration with three significant figures in a unit a person
// reads at a glance.
func dur(d time.Duration) string {
	if d == time.Duration(math.MaxInt64) {
		return "∞"
	}
	neg := ""
	if d < 0 {
		neg, d = "-", -d
	}
	switch {
	case d == 0:
		return "0"
	case d >= time.Second:
		return neg + sig3(d.Seconds()) + "s"
	case d >= time.Millisecond:
		return neg + sig3(float64(d)/1e6) + "ms"
	case d >= time.Microsecond:
		return neg + sig3(float64(d)/1e3) + "µs"
	default:
		return neg + fmt.Sprintf("%dns", int64(d))
	}
}

// signedDur formats a difference with an explicit sign.
func signedDur(d time.Duration) string {
	if d > 0 {
		return "+" + dur(d)
	}
	return dur(d)
}

func sig3(x float64) string {
	switch {
	case x >= 100:
		return fmt.Sprintf("%.0f", x)
	case x >= 10:
		return fmt.Sprintf("%.1f", x)
	default:
		return fmt.Sprintf("%.2f", x)
	}
}

func signedPct(p float64) string { return fmt.Sprintf("%+.1f%%", p) }

// bytesIEC formats a byte count in MiB.
func bytesIEC(b int64) string {
	if b <= 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20))
}

// delta renders a change between repetitions as benchstat does: the change
// and its confidence interval when significant, "~" and the p-value when not.
func delta(d summary.Delta) string {
	switch {
	case !d.Valid:
		return "?"
	case !d.Significant:
		return fmt.Sprintf("~ (p=%.2f n=%d+%d)", d.P, d.N, d.BaseN)
	default:
		return fmt.Sprintf("%s [%+.1f, %+.1f] (p=%.3f)", signedPct(d.Pct), d.Low, d.High, d.P)
	}
}

// roundDur keeps three or four significant figures of a duration in a
// sentence, in Go's own notation (1.999ms, 250µs).
func roundDur(d time.Duration) time.Duration {
	switch a := max(d, -d); {
	case a >= time.Second:
		return d.Round(time.Millisecond)
	case a >= time.Millisecond:
		return d.Round(time.Microsecond)
	default:
		return d.Round(100 * time.Nanosecond)
	}
}

// rateList writes rates as "1000/s, 3000/s".
func rateList(rates []int) string {
	s := make([]string, len(rates))
	for i, r := range rates {
		s[i] = fmt.Sprintf("%d/s", r)
	}
	return strings.Join(s, ", ")
}

// joinLines ends every line with a newline.
func joinLines(xs []string) string {
	var b strings.Builder
	for _, x := range xs {
		b.WriteString(x + "\n")
	}
	return b.String()
}

// envLines renders variables as sorted KEY=VALUE lines.
func envLines(env map[string]string) []string {
	lines := make([]string, 0, len(env))
	for k, v := range env {
		lines = append(lines, k+"="+v)
	}
	sort.Strings(lines)
	return lines
}
