package verify

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

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
	// URL is the user's route, such as http://127.0.0.1:8080/items/{id};
	// {id} is replaced by a different number in each request. Required
	// with Command; a loopback address.
	URL string
	// Excluded are the paths that must produce no span. Nil means
	// DefaultExcluded; empty and not nil means none (the check is n/a).
	Excluded []string
	// Ratio is the root sampling ratio the service is expected to apply,
	// in (0, 1]. Zero means: DefaultRatio for the bundled target, which is
	// configured with it; for a user's service, what OTEL_TRACES_SAMPLER
	// and OTEL_TRACES_SAMPLER_ARG in Env say, or unknown (not judged).
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
	// Env is the environment the service starts from; nil means
	// os.Environ(). For the bundled target every OTEL_* variable is
	// dropped from it first, so that a stray one cannot change the checks.
	Env []string
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
		u, err := url.Parse(expand(o.URL, "1"))
		if err != nil {
			return fmt.Errorf("url %q: %w", o.URL, err)
		}
		if u.Scheme != "http" || u.Host == "" {
			return fmt.Errorf("url %q: want http://host:port/path", o.URL)
		}
		if !isLoopback(u.Hostname()) {
			return fmt.Errorf("url %q: want a loopback host (127.0.0.1, ::1 or localhost): verify starts the service itself", o.URL)
		}
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
	if o.Env == nil {
		o.Env = os.Environ()
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
	case !o.user():
		return DefaultRatio
	}
	if r, ok := ratioFromEnv(o.Env); ok {
		return r
	}
	return -1
}

// ratioFromEnv returns the root sampling ratio that OTEL_TRACES_SAMPLER and
// OTEL_TRACES_SAMPLER_ARG in env configure, if they are set and known.
func ratioFromEnv(env []string) (float64, bool) {
	sampler, arg := lookup(env, "OTEL_TRACES_SAMPLER"), lookup(env, "OTEL_TRACES_SAMPLER_ARG")
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

// lookup returns the value of key in env, the last one winning, or "".
func lookup(env []string, key string) string {
	v := ""
	for _, kv := range env {
		if k, val, ok := strings.Cut(kv, "="); ok && k == key {
			v = val
		}
	}
	return v
}

// setEnv returns env with key set to value, replacing any earlier value.
func setEnv(env []string, key, value string) []string {
	out := make([]string, 0, len(env)+1)
	for _, kv := range env {
		if k, _, _ := strings.Cut(kv, "="); k != key {
			out = append(out, kv)
		}
	}
	return append(out, key+"="+value)
}

// withoutOTEL returns env without any OTEL_* variable.
func withoutOTEL(env []string) []string {
	out := make([]string, 0, len(env))
	for _, kv := range env {
		if !strings.HasPrefix(kv, "OTEL_") {
			out = append(out, kv)
		}
	}
	return out
}

// isLoopback reports whether host names the loopback interface.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
