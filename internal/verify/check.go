package verify

import (
	"fmt"
	"strings"
	"time"
)

// Status is the outcome of one check.
type Status int

const (
	// StatusPass: the claim holds on everything sent.
	StatusPass Status = iota
	// StatusFail: the claim does not hold; the evidence says where.
	StatusFail
	// StatusWarn: something looks wrong but may be intended (orphan roots
	// in a user's service).
	StatusWarn
	// StatusNA: the check cannot be made on this service.
	StatusNA
)

// String returns "pass", "fail", "warn" or "n/a".
func (s Status) String() string {
	switch s {
	case StatusPass:
		return "pass"
	case StatusFail:
		return "fail"
	case StatusWarn:
		return "warn"
	default:
		return "n/a"
	}
}

// Names of the checks, in the order Run reports them.
const (
	CheckParenting  = "parenting"
	CheckNaming     = "naming"
	CheckAttributes = "attributes"
	CheckExcluded   = "excluded"
	CheckSampling   = "sampling"
	CheckDownstream = "downstream"
	CheckHandoff    = "handoff"
	CheckRestart    = "restart"
)

// CheckNames lists every check, in report order.
var CheckNames = []string{
	CheckParenting, CheckNaming, CheckAttributes, CheckExcluded,
	CheckSampling, CheckDownstream, CheckHandoff, CheckRestart,
}

// ParseChecks turns a comma-separated list of check names into a list in
// report order. An empty string or "all" means every check.
func ParseChecks(s string) ([]string, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "all" {
		return CheckNames, nil
	}
	want := map[string]bool{}
	for _, name := range strings.Split(s, ",") {
		name = strings.TrimSpace(name)
		if !isCheck(name) {
			return nil, fmt.Errorf("unknown check %q (want some of %s)", name, strings.Join(CheckNames, ","))
		}
		want[name] = true
	}
	var out []string
	for _, name := range CheckNames {
		if want[name] {
			out = append(out, name)
		}
	}
	return out, nil
}

// isCheck reports whether name is a known check.
func isCheck(name string) bool {
	for _, n := range CheckNames {
		if n == name {
			return true
		}
	}
	return false
}

// Check is the result of one check.
type Check struct {
	// Name is one of CheckNames.
	Name string
	// Status is the outcome.
	Status Status
	// Summary is one line: what was sent and what was seen.
	Summary string
	// Evidence holds one line per finding, naming trace ids, span names
	// and span ids, so that the bug can be found: the reasons of a fail or
	// warn, or notes on a pass.
	Evidence []string
}

// Report is the result of Run: one Check per check run, in report order.
type Report struct {
	// Service describes what was verified.
	Service string
	// Checks holds the results in the order of CheckNames.
	Checks []Check
	// Elapsed is the wall time of the whole verification.
	Elapsed time.Duration
}

// Count returns how many checks ended with status s.
func (r Report) Count(s Status) int {
	n := 0
	for _, c := range r.Checks {
		if c.Status == s {
			n++
		}
	}
	return n
}

// Failed returns the names of the checks that failed.
func (r Report) Failed() []string {
	var out []string
	for _, c := range r.Checks {
		if c.Status == StatusFail {
			out = append(out, c.Name)
		}
	}
	return out
}

// maxExamples is how many examples of one kind of finding the evidence
// lists before it says how many more there are.
const maxExamples = 3

// findings collects evidence lines of one kind and keeps the first few.
type findings struct {
	what  string // e.g. "requests with no server span"
	n     int
	lines []string
}

// add records one finding; its line is kept only among the first few.
func (f *findings) add(format string, args ...any) {
	f.n++
	if len(f.lines) < maxExamples {
		f.lines = append(f.lines, fmt.Sprintf(format, args...))
	}
}

// evidence returns a header line with the count, then the examples and a
// line for the rest; nothing when there were no findings.
func (f *findings) evidence() []string {
	if f.n == 0 {
		return nil
	}
	out := []string{fmt.Sprintf("%d %s, e.g.:", f.n, f.what)}
	for _, l := range f.lines {
		out = append(out, "  "+l)
	}
	if f.n > len(f.lines) {
		out = append(out, fmt.Sprintf("  … and %d more", f.n-len(f.lines)))
	}
	return out
}
