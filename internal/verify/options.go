package verify

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/otelbench/otelbench/internal/svcenv"
	"github.com/otelbench/otelbench/targets"
)

// Defaults of Options.
const (
	// DefaultRequests is how many requests the traffic phase sends to
	// distinct paths (/process/1 … /process/500).
	DefaultRequests = 500
	// DefaultRatio is the root sampling ratio the bundled target is given
	// (OTEL_TRACES_SAMPLER=parentbased_traceidratio).
	DefaultRatio = 0.25
	// DefaultReadyTimeout bounds the wait for a service to be ready.
	DefaultReadyTimeout = 20 * time.Second
	// scheduleDelayMS is the OTEL_BSP_SCHEDULE_DELAY given to the service
	// for the checks, so that spans arrive within a fraction of a second.
	scheduleDelayMS = 100
	// restartDelayMS is the OTEL_BSP_SCHEDULE_DELAY of the restart runs:
	// long, so that the spans are still queued when the signal comes.
	restartDelayMS = 60000
)

// DefaultExcluded are the paths that must not be traced, unless
// Options.Excluded says otherwise.
var DefaultExcluded = []string{"/healthz", "/metrics"}

// Options configures Run. The zero value verifies nothing: set TargetBin
// for the bundled target, or Command and URL for a user's service.
type Options struct {
	// TargetBin is the bundled otelbench-target binary, verified when
	// Command is empty.
	TargetBin string
	// Mistake builds the bundled target with one classic wiring mistake
	// (its -mistake flag); empty means none.
	Mistake string
	// Command is the user's service, run with sh -c in its own process
	// group, with OTEL_EXPORTER_OTLP_ENDPOINT pointing at the sink.
	Command string
	// URL is the user's route, such as http://127.0.0.1:{port}/items/{id}
	// (svcenv.URL): {id} is replaced by a different number in each
	// request, {port} by a free port passed as $PORT. Required with
	// Command; a loopback address.
	URL string
	// Excluded are the paths that must produce no span. Nil means
	// DefaultExcluded; empty and not nil means none (the check is n/a).
	Excluded []string
	// Ratio is the root sampling ratio the service is configured with
	// (OTEL_TRACES_SAMPLER=parentbased_traceidratio and its argument, as
	// run's sampled variants do), in (0, 1]; zero means DefaultRatio. When
	// UserEnv sets OTEL_TRACES_SAMPLER itself, the service keeps that
	// sampler and the ratio it implies is judged (unknown: not judged).
	Ratio float64
	// DownstreamEnv names the environment variable through which the
	// user's service takes the URL of its downstream service; empty means
	// the downstream check is n/a for a user's service.
	DownstreamEnv string
	// Checks lists the checks to run (see ParseChecks); nil means all.
	Checks []string
	// Requests is the size of the traffic phase; zero means
	// DefaultRequests.
	Requests int
	// ReadyTimeout bounds the wait for a service to be ready; zero means
	// DefaultReadyTimeout.
	ReadyTimeout time.Duration
	// UserEnv holds the user's own variables (-env KEY=VALUE), given to a
	// user's service as run and tune give them (svcenv.Build); nothing else
	// comes from otelbench's environment but svcenv.Inherited.
	UserEnv map[string]string
	// Lookup reads otelbench's own environment for svcenv.Inherited; nil
	// means os.LookupEnv.
	Lookup func(string) (string, bool)
	// Log receives progress lines and the services' output; nil discards.
	Log io.Writer
}

// user reports whether the options verify a user's service.
func (o Options) user() bool {
	return o.Command != ""
}

// Validate reports the first thing wrong with o, naming the field.
func (o Options) Validate() error {
	switch {
	case o.Command == "" && o.TargetBin == "":
		return errors.New("nothing to verify: give the bundled target's binary or a command")
	case o.Command != "" && o.URL == "":
		return errors.New("a command needs the URL of one of its routes")
	case o.Command == "" && o.URL != "":
		return errors.New("a URL needs the command that serves it")
	case o.Command != "" && o.Mistake != "":
		return errors.New("mistakes apply to the bundled target only, not to a command")
	case o.Command == "" && o.DownstreamEnv != "":
		return errors.New("the downstream variable applies to a command only; the bundled target takes -downstream")
	case o.Ratio < 0 || o.Ratio > 1:
		return fmt.Errorf("ratio %g: want a value in (0, 1]", o.Ratio)
	case o.Requests < 0:
		return fmt.Errorf("requests %d: must not be negative", o.Requests)
	case o.ReadyTimeout < 0:
		return fmt.Errorf("ready timeout %v: must not be negative", o.ReadyTimeout)
	}
	if o.Mistake != "" {
		if _, err := targets.ParseMistake(o.Mistake); err != nil {
			return err
		}
	}
	for _, c := range o.Checks {
		if !isCheck(c) {
			return fmt.Errorf("unknown check %q", c)
		}
	}
	for _, p := range o.Excluded {
		if !strings.HasPrefix(p, "/") {
			return fmt.Errorf("excluded path %q: must start with /", p)
		}
	}
	if o.URL != "" {
		if err := svcenv.URL(o.URL).Validate(); err != nil {
			return err
		}
	}
	if o.UserEnv != nil && o.Command == "" {
		return errors.New("-env applies to a command only")
	}
	return nil
}

// withDefaults returns o with every zero field replaced by its default.
func (o Options) withDefaults() Options {
	if o.Excluded == nil {
		o.Excluded = DefaultExcluded
	}
	if o.Checks == nil {
		o.Checks = CheckNames
	}
	if o.Requests == 0 {
		o.Requests = DefaultRequests
	}
	if o.ReadyTimeout == 0 {
		o.ReadyTimeout = DefaultReadyTimeout
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	if o.Mistake == "" && !o.user() {
		o.Mistake = string(targets.MistakeNone)
	}
	return o
}

// ratio returns the root sampling ratio to judge against, or -1 when it is
// unknown.
func (o Options) ratio() float64 {
	switch {
	case o.Ratio > 0:
		return o.Ratio
	case !o.user() || o.UserEnv["OTEL_TRACES_SAMPLER"] == "":
		return DefaultRatio
	}
	if r, ok := ratioFromEnv(o.UserEnv); ok {
		return r
	}
	return -1
}

// ratioFromEnv returns the root sampling ratio that OTEL_TRACES_SAMPLER and
// OTEL_TRACES_SAMPLER_ARG in env configure, if they are set and known.
func ratioFromEnv(env map[string]string) (float64, bool) {
	sampler, arg := env["OTEL_TRACES_SAMPLER"], env["OTEL_TRACES_SAMPLER_ARG"]
	switch strings.ToLower(strings.TrimSpace(sampler)) {
	case "always_on", "parentbased_always_on":
		return 1, true
	case "always_off", "parentbased_always_off":
		return 0, true
	case "traceidratio", "parentbased_traceidratio":
		if arg == "" {
			return 1, true // the SDK's default argument
		}
		r, err := strconv.ParseFloat(strings.TrimSpace(arg), 64)
		if err != nil || r < 0 || r > 1 {
			return 0, false
		}
		return r, true
	default:
		return 0, false
	}
}
