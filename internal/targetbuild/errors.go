package targetbuild

import (
	"regexp"
	"strings"
)

// Error is a version set that could not be fetched, resolved or built.
type Error struct {
	// Set is the version set asked for.
	Set Set
	// Step is "fetching", "resolving", "generating", "building" or
	// "checking".
	Step string
	// First is the first error: a compile error as file:line:col: message
	// (the file relative to the generated module), or the go command's
	// first line of complaint.
	First string
	// Log is where the go command's whole output was kept, "" if nowhere.
	Log string
}

// Error says which set failed at which step, and the first error.
func (e *Error) Error() string {
	msg := e.Set.String() + ": " + e.Step + ": " + e.First
	if e.Log != "" {
		msg += " (whole output in " + e.Log + ")"
	}
	return msg
}

// stepError is an Error before the set and the log are known.
type stepError struct {
	step, first, output string
}

func (e *stepError) Error() string { return e.step + ": " + e.first }

// compileError matches a compiler or vet diagnostic: file.go:line[:col]: msg.
var compileError = regexp.MustCompile(`^\S+\.go:\d+(:\d+)?: .+$`)

// firstError returns the first error in the go command's output out: the
// first compile error if there is one, else the first line that is not
// progress ("go: downloading …"), with the indented lines that continue
// it, else the last line.
func firstError(out string) string {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for _, l := range lines {
		if compileError.MatchString(strings.TrimSpace(l)) {
			return strings.TrimSpace(l)
		}
	}
	for i, l := range lines {
		if l == "" || progressLine(l) {
			continue
		}
		first := strings.TrimSpace(l)
		for _, cont := range lines[i+1:] {
			if !strings.HasPrefix(cont, "\t") {
				break
			}
			first += " " + strings.TrimSpace(cont)
		}
		return first
	}
	if len(lines) == 0 {
		return ""
	}
	return strings.TrimSpace(lines[len(lines)-1])
}

// progressLine reports whether l is the go command saying what it does
// rather than what went wrong.
func progressLine(l string) bool {
	for _, p := range []string{"go: downloading ", "go: finding ", "go: found ", "go: extracting ", "# "} {
		if strings.HasPrefix(l, p) {
			return true
		}
	}
	return false
}
