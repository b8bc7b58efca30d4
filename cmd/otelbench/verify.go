package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/otelbench/otelbench/internal/svcenv"
	"github.com/otelbench/otelbench/internal/verify"
	"github.com/otelbench/otelbench/targets"
)

const verifySynopsis = `otelbench verify [-target BIN] [-mistake NAME] [-checks LIST]
       otelbench verify -cmd 'COMMAND' -url 'http://127.0.0.1:{port}/path/{id}' [-env KEY=VALUE]… [-downstream-env NAME] [-ratio R]

Checks that a service's tracing is wired correctly. It starts the embedded
sink (OTLP/gRPC and OTLP/HTTP on one port), then the service: the bundled
otelbench-target (by default), or your own command, run with sh -c in its own
process group, exactly as run and tune start it: PATH, HOME, TMPDIR, LANG and
USER from this shell, your -env KEY=VALUE, OTEL_EXPORTER_OTLP_ENDPOINT pointing
at the sink, OTEL_EXPORTER_OTLP_INSECURE=true, the sampler
parentbased_traceidratio with -ratio (unless -env sets OTEL_TRACES_SAMPLER),
OTEL_BSP_SCHEDULE_DELAY=100 (unless -env sets it), and $PORT when -url has
{port}. It sends requests with known trace ids and prints one line per check:
pass, FAIL (with the evidence: trace ids, span names and ids), warn, or n/a.

checks:
  parenting   one server span per request, in the trace of the traceparent sent,
              child of its span id (remote); every other span below it; no orphan roots
  naming      /path/1 … /path/500 give route-template span names, not 500; raw path in url.path
  attributes  http.request.method, http.response.status_code, the route, service.name
  excluded    requests to -exclude paths produce no span
  sampling    sampled flag set: all recorded; unset: none; no traceparent: the share of
              recorded root traces matches the ratio (Wilson interval, 99.99%)
  downstream  traceparent, tracestate and baggage reach a downstream service verify runs
              (bundled target: always; your service: with -downstream-env)
  handoff     work handed to a goroutine stays in the request's trace (bundled target:
              a good and a bad route; your service: orphan roots are a warning)
  restart     under load, SIGTERM (and for the bundled target, without flush and SIGKILL),
              with OTEL_BSP_SCHEDULE_DELAY=60000: spans ended that never arrived

-url must be served by -cmd, on loopback; {id} in it is replaced by a number per
request (without it the naming check is n/a), {port} by a free port passed as
$PORT. The sampling ratio judged is -ratio (default 0.25), or what
OTEL_TRACES_SAMPLER(_ARG) given with -env say, or unknown.
Exit status: 0 when no check failed, 1 when one did (or the service would not
start), 2 for bad usage.`

// errChecksFailed is returned when verify ran and a check failed: exit 1.
type errChecksFailed struct{ names []string }

func (e errChecksFailed) Error() string {
	return fmt.Sprintf("verify: %d check(s) failed: %s", len(e.names), strings.Join(e.names, ", "))
}

func verifyCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("verify", verifySynopsis, stderr)
	targetBin := fs.String("target", "", "path of the otelbench-target binary (default: next to otelbench, then $PATH)")
	mistake := fs.String("mistake", "", fmt.Sprintf("build the bundled target with one classic mistake, one of %v", targets.Mistakes))
	command := fs.String("cmd", "", "your service: a shell `command` that starts it (run with sh -c)")
	rawURL := fs.String("url", "", "with -cmd: a `URL` of one of its routes, {id} marking a path parameter")
	exclude := fs.String("exclude", strings.Join(verify.DefaultExcluded, ","), "comma-separated `paths` that must not be traced (empty: skip the check)")
	ratio := fs.Float64("ratio", 0, "root sampling `ratio` the service is given (OTEL_TRACES_SAMPLER=parentbased_traceidratio), in (0, 1] (default 0.25; with -env OTEL_TRACES_SAMPLER=…, the ratio that implies)")
	downstreamEnv := fs.String("downstream-env", "", "with -cmd: the environment variable `NAME` through which your service takes its downstream URL")
	checks := fs.String("checks", "all", "comma-separated checks to run: "+strings.Join(verify.CheckNames, ","))
	requests := fs.Int("requests", verify.DefaultRequests, "requests in the traffic phase, each to a distinct path")
	readyTimeout := fs.Duration("ready-timeout", verify.DefaultReadyTimeout, "how long to wait for the service to be ready")
	userEnv := addEnvFlag(fs)
	verbose := fs.Bool("v", false, "print progress and the service's output to stderr")
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("verify: unexpected arguments %q", fs.Args())}
	}
	list, err := verify.ParseChecks(*checks)
	if err != nil {
		return usageError{fmt.Errorf("verify: -checks: %w", err)}
	}
	env, err := svcenv.ParseUser(*userEnv)
	if err != nil {
		return usageError{fmt.Errorf("verify: %w", err)}
	}
	if len(env) == 0 {
		env = nil
	}
	opts := verify.Options{
		UserEnv:       env,
		Mistake:       *mistake,
		Command:       *command,
		URL:           *rawURL,
		Excluded:      splitList(*exclude),
		Ratio:         *ratio,
		DownstreamEnv: *downstreamEnv,
		Checks:        list,
		Requests:      *requests,
		ReadyTimeout:  *readyTimeout,
	}
	if *requests <= 0 {
		return usageError{fmt.Errorf("verify: -requests %d: want at least 1", *requests)}
	}
	if *command == "" {
		bin, err := findTarget(*targetBin)
		if err != nil {
			return usageError{fmt.Errorf("verify: %w", err)}
		}
		opts.TargetBin = bin
	} else if *targetBin != "" {
		return usageError{errors.New("verify: -target and -cmd exclude each other")}
	}
	if err := opts.Validate(); err != nil {
		return usageError{fmt.Errorf("verify: %w", err)}
	}
	if *verbose {
		opts.Log = stderr
	}

	report, err := verify.Run(ctx, opts)
	if err != nil {
		if ctx.Err() != nil {
			return interruptedError{err}
		}
		return fmt.Errorf("verify: %w", err)
	}
	writeVerifyReport(stdout, report)
	if failed := report.Failed(); len(failed) > 0 {
		return errChecksFailed{names: failed}
	}
	return nil
}

// splitList splits a comma-separated list, dropping empty items; it
// returns an empty, non-nil slice for "".
func splitList(s string) []string {
	out := []string{}
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// writeVerifyReport prints one line per check, its evidence indented
// below it, and a closing count.
func writeVerifyReport(w io.Writer, r verify.Report) {
	fmt.Fprintf(w, "otelbench verify: %s\n", r.Service)
	width := 0
	for _, c := range r.Checks {
		width = max(width, len(c.Name))
	}
	for _, c := range r.Checks {
		fmt.Fprintf(w, "%-4s  %-*s  %s\n", statusLabel(c.Status), width, c.Name, c.Summary)
		for _, e := range c.Evidence {
			fmt.Fprintf(w, "      %s\n", e)
		}
	}
	fmt.Fprintf(w, "%d passed, %d failed, %d warnings, %d not applicable in %.1fs\n",
		r.Count(verify.StatusPass), r.Count(verify.StatusFail), r.Count(verify.StatusWarn), r.Count(verify.StatusNA), r.Elapsed.Seconds())
}

// statusLabel is the status as printed: failures stand out.
func statusLabel(s verify.Status) string {
	switch s {
	case verify.StatusPass:
		return "pass"
	case verify.StatusFail:
		return "FAIL"
	case verify.StatusWarn:
		return "warn"
	default:
		return "n/a"
	}
}
