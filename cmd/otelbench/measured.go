package main

import (
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/otelbench/otelbench/internal/runner"
	"github.com/otelbench/otelbench/internal/svcenv"
)

// measuredFlags are the flags, shared by run and tune, that choose what is
// measured: the bundled target, or the user's own service.
type measuredFlags struct {
	target, command, url *string
	env                  *envFlag
}

// envFlag collects repeated -env KEY=VALUE.
type envFlag []string

func (e *envFlag) String() string { return strings.Join(*e, " ") }

// Set adds one KEY=VALUE.
func (e *envFlag) Set(s string) error {
	*e = append(*e, s)
	return nil
}

// envUsage documents -env for every command that starts a user's service.
const envUsage = "with -cmd: a `KEY=VALUE` your service needs, repeatable; it gets nothing else from this shell but " +
	"PATH, HOME, TMPDIR, LANG and USER (OTEL_* settings that are not the exporter's endpoint or protocol are allowed; a variant's own settings win)"

// addEnvFlag defines -env on fs.
func addEnvFlag(fs *flag.FlagSet) *envFlag {
	e := &envFlag{}
	fs.Var(e, "env", envUsage)
	return e
}

// addMeasuredFlags defines -target, -cmd and -url on fs.
func addMeasuredFlags(fs *flag.FlagSet) measuredFlags {
	return measuredFlags{
		target:  fs.String("target", "", "path of the otelbench-target binary (default: next to otelbench, then $PATH)"),
		command: fs.String("cmd", "", "measure your own service instead: a shell `command` that starts it in the foreground, honouring the standard OTEL_* variables"),
		url:     fs.String("url", "", "with -cmd: the route to load, on loopback, {id} marking a path parameter and {port} (optional) a free port passed as $PORT"),
		env:     addEnvFlag(fs),
	}
}

// resolve returns the bundled target's binary, or the user's service
// producing spans spans per traced request; verb prefixes usage errors.
func (f measuredFlags) resolve(verb string, spans int) (string, *runner.Service, error) {
	if *f.command == "" && *f.url == "" {
		if len(*f.env) > 0 {
			return "", nil, usageError{fmt.Errorf("%s: -env applies to -cmd only", verb)}
		}
		bin, err := findTarget(*f.target)
		if err != nil {
			return "", nil, usageError{fmt.Errorf("%s: %w", verb, err)}
		}
		return bin, nil, nil
	}
	if *f.target != "" {
		return "", nil, usageError{fmt.Errorf("%s: %w", verb, errors.New("-target and -cmd exclude each other"))}
	}
	env, err := svcenv.ParseUser(*f.env)
	if err != nil {
		return "", nil, usageError{fmt.Errorf("%s: %w", verb, err)}
	}
	svc := &runner.Service{Command: *f.command, URL: *f.url, Env: env, SpansPerRequest: spans}
	if err := svc.Validate(); err != nil {
		return "", nil, usageError{fmt.Errorf("%s: %w", verb, err)}
	}
	return "", svc, nil
}
