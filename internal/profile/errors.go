package profile

import (
	"fmt"
	"strings"
)

// Error is one problem with a profile: where it is and what is wrong.
// Parse reports every problem it finds as an *Error joined with
// errors.Join, so callers can tell bad input from other failures with
// errors.As.
type Error struct {
	// File is the profile's path, or "" when it was parsed from unnamed
	// bytes.
	File string
	// Line is the 1-based line of the offending key or value, or 0 when
	// the problem has no single place (an empty file, a missing top-level
	// key).
	Line int
	// Key is the dotted path of the offending key, such as
	// "variants[2].queue_size" or "workload.cpu"; "" when no key is
	// involved.
	Key string
	// Msg is the complete description, naming the short key where that
	// helps, such as `key "queue_size": must be at least 1 (got 0)`.
	Msg string
}

// Error formats e as `file: line N: msg`, leaving out the parts that are
// unknown.
func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteString(": ")
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	b.WriteString(e.Msg)
	return b.String()
}

// suggest returns the known key nearest to key, if one is within an edit
// distance of 2 (ignoring case), or "".
func suggest(key string, known []string) string {
	best, bestDist := "", 3
	for _, k := range known {
		if d := editDistance(strings.ToLower(key), k); d < bestDist {
			best, bestDist = k, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in bytes:
// profile keys are ASCII.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
