package verify

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"time"

	"github.com/otelbench/otelbench/internal/sink"
	"github.com/otelbench/otelbench/internal/svcenv"
	"github.com/otelbench/otelbench/targets"
)

// stopLimit bounds how long a service may take to exit after SIGTERM.
const stopLimit = 15 * time.Second

// verifier holds what one Run shares between its steps.
type verifier struct {
	opts   Options
	sink   *sink.Sink
	send   *sender
	rec    *recorder // nil when no downstream check is made
	tmpDir string

	// quiet and limit are settle's parameters for the checks' phases.
	quiet, limit time.Duration
	// spansPerRequest is the median number of spans a traffic request
	// made, to estimate the spans a user's service ended; 0 if unknown.
	spansPerRequest int
	// language is the telemetry.sdk.language the traffic phase's spans
	// named, for the fixes of a later phase that received none; "" if
	// unknown.
	language string
}

// Run verifies the service that opts describe: it starts the embedded sink
// (capturing spans) and the service, sends each phase of requests, and
// returns one Check per check asked for, in the order of CheckNames. It
// returns an error, with no report, only when the verification itself
// cannot be made: invalid options, a sink or service that does not start.
// A service that misbehaves yields failed checks, not an error. Every
// process it starts is gone when it returns.
func Run(ctx context.Context, opts Options) (Report, error) {
	start := time.Now()
	if err := opts.Validate(); err != nil {
		return Report{}, err
	}
	opts = opts.withDefaults()
	s, err := sink.Start(ctx, sink.Options{Capture: true})
	if err != nil {
		return Report{}, err
	}
	defer s.Close()
	tmp, err := os.MkdirTemp("", "otelbench-verify")
	if err != nil {
		return Report{}, fmt.Errorf("creating a temporary directory: %w", err)
	}
	defer os.RemoveAll(tmp)

	v := &verifier{opts: opts, sink: s, send: newSender(), tmpDir: tmp}
	defer v.send.close()
	delay := scheduleDelayMS
	if opts.user() {
		if d, err := strconv.Atoi(opts.UserEnv["OTEL_BSP_SCHEDULE_DELAY"]); err == nil && d > 0 {
			delay = d
		}
	}
	v.quiet = max(500*time.Millisecond, 3*time.Duration(delay)*time.Millisecond)
	v.limit = v.quiet + 2*time.Second

	if v.wants(CheckDownstream) && (!opts.user() || opts.DownstreamEnv != "") {
		v.rec, err = startRecorder(ctx)
		if err != nil {
			return Report{}, err
		}
		defer v.rec.close()
	}

	checks := map[string]Check{}
	if v.wants(CheckParenting, CheckNaming, CheckAttributes, CheckExcluded, CheckSampling, CheckDownstream, CheckHandoff) {
		if err := v.runChecks(ctx, checks); err != nil {
			return Report{}, err
		}
	}
	if v.wants(CheckRestart) {
		checks[CheckRestart] = v.runRestart(ctx)
	}
	if err := ctx.Err(); err != nil {
		return Report{}, fmt.Errorf("verify interrupted: %w", context.Cause(ctx))
	}

	r := Report{Service: v.describe()}
	for _, name := range CheckNames {
		if c, ok := checks[name]; ok {
			r.Checks = append(r.Checks, c)
		}
	}
	r.Elapsed = time.Since(start)
	return r, nil
}

// wants reports whether any of the named checks was asked for.
func (v *verifier) wants(names ...string) bool {
	for _, n := range names {
		if slices.Contains(v.opts.Checks, n) {
			return true
		}
	}
	return false
}

// describe names the service verified, for the report.
func (v *verifier) describe() string {
	if v.opts.user() {
		return fmt.Sprintf("sh -c %q, route %s", v.opts.Command, v.opts.URL)
	}
	return fmt.Sprintf("bundled target %s (-variant batch -mistake %s)", v.opts.TargetBin, v.opts.Mistake)
}

// logf writes one progress line to the log.
func (v *verifier) logf(format string, args ...any) {
	fmt.Fprintf(v.opts.Log, "verify: "+format+"\n", args...)
}

// serviceEnv returns the environment of a service whose batch processor
// exports every delayMS milliseconds, to the sink, built as run builds a
// sampled variant's (svcenv.Build): the sampler and its ratio, the
// schedule delay (the user's own unless this is a restart run), the
// user's -env and port.
func (v *verifier) serviceEnv(delayMS, port int) []string {
	settings := map[string]string{
		"OTEL_TRACES_SAMPLER":     "parentbased_traceidratio",
		"OTEL_TRACES_SAMPLER_ARG": strconv.FormatFloat(v.opts.ratio(), 'g', -1, 64),
		"OTEL_BSP_SCHEDULE_DELAY": strconv.Itoa(delayMS),
	}
	user := v.opts.UserEnv
	if user["OTEL_TRACES_SAMPLER"] != "" {
		delete(settings, "OTEL_TRACES_SAMPLER")
		delete(settings, "OTEL_TRACES_SAMPLER_ARG")
	}
	if delayMS != restartDelayMS && user["OTEL_BSP_SCHEDULE_DELAY"] != "" {
		delete(settings, "OTEL_BSP_SCHEDULE_DELAY")
	}
	env := svcenv.Build(svcenv.Options{
		Endpoint: v.sink.Endpoint(), Variant: settings, User: user, Port: port, Lookup: v.opts.Lookup,
	})
	if v.rec != nil && v.opts.DownstreamEnv != "" {
		env[v.opts.DownstreamEnv] = v.rec.URL()
	}
	return svcenv.List(env)
}

// startService starts the service for the checks (restart false) or for a
// restart run, and returns it with the base URL of its routes and the URL
// template of the route under test. For the bundled target, mistake is its
// -mistake and finalMetrics, if set, its -final-metrics.
func (v *verifier) startService(ctx context.Context, restart bool, mistake, finalMetrics string) (*service, string, error) {
	delay := scheduleDelayMS
	if restart {
		delay = restartDelayMS
	}
	if v.opts.user() {
		tmpl, port, err := svcenv.URL(v.opts.URL).Resolve()
		if err != nil {
			return nil, "", err
		}
		host, err := tmpl.Host()
		if err != nil {
			return nil, "", fmt.Errorf("-url %q: %w", v.opts.URL, err)
		}
		svc, err := startCommand(ctx, v.opts.Command, host, tmpl.Item("0"), v.serviceEnv(delay, port), v.opts.Log, v.opts.ReadyTimeout)
		if err != nil {
			return nil, "", err
		}
		return svc, string(tmpl), nil
	}
	env := v.serviceEnv(delay, 0)
	args := []string{
		"-variant", string(targets.VariantBatch),
		"-listen", "127.0.0.1:0",
		"-handoff-routes",
		"-mistake", mistake,
		"-shutdown-timeout", (stopLimit - 5*time.Second).String(),
	}
	if v.rec != nil && !restart {
		args = append(args, "-downstream", v.rec.URL())
	}
	if finalMetrics != "" {
		args = append(args, "-final-metrics", finalMetrics)
	}
	svc, err := startBundled(ctx, v.opts.TargetBin, args, env, v.opts.Log, v.opts.ReadyTimeout)
	if err != nil {
		return nil, "", err
	}
	return svc, "http://" + svc.addr + "/process/" + idPlaceholder, nil
}
