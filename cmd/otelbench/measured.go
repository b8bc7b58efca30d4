package main

import (
	"errors"
	"flag"
	"fmt"

	"github.com/otelbench/otelbench/internal/runner"
)

// measuredFlags are the flags, shared by run and tune, that choose what is
// measured: the bundled target, or the user's own service.
type measuredFlags struct {
	target, command, url *string
}

// addMeasuredFlags defines -target, -cmd and -url on fs.
func addMeasuredFlags(fs *flag.FlagSet) measuredFlags {
	return measuredFlags{
		target:  fs.String("target", "", "path of the otelbench-target binary (default: next to otelbench, then $PATH)"),
		command: fs.String("cmd", "", "measure your own service instead: a shell `command` that starts it in the foreground, honouring the standard OTEL_* variables"),
		url:     fs.String("url", "", "with -cmd: the route to load, on loopback, {id} marking a path parameter and {port} (optional) a free port passed as $PORT"),
	}
}

// resolve returns the bundled target's binary, or the user's service
// producing spans spans per traced request; verb prefixes usage errors.
func (f measuredFlags) resolve(verb string, spans int) (string, *runner.Service, error) {
	if *f.command == "" && *f.url == "" {
		bin, err := findTarget(*f.target)
		if err != nil {
			return "", nil, usageError{fmt.Errorf("%s: %w", verb, err)}
		}
		return bin, nil, nil
	}
	if *f.target != "" {
		return "", nil, usageError{fmt.Errorf("%s: %w", verb, errors.New("-target and -cmd exclude each other"))}
	}
	svc := &runner.Service{Command: *f.command, URL: *f.url, SpansPerRequest: spans}
	if err := svc.Validate(); err != nil {
		return "", nil, usageError{fmt.Errorf("%s: %w", verb, err)}
	}
	return "", svc, nil
}
