package runner

import (
	"sort"
	"strconv"

	"github.com/otelbench/otelbench/internal/profile"
)

// targetEnv is the whole environment of a variant's target: the variant's own
// OTEL_* variables and the sink's endpoint, and nothing inherited, so a stray
// OTEL_BSP_* in the user's shell cannot change what is measured.
func (r *Runner) targetEnv(v profile.Variant) map[string]string {
	env := v.Env()
	if env == nil {
		env = map[string]string{}
	}
	if v.Kind != profile.KindNone {
		// Always a URL: a bare host:port is silently ignored by the exporter.
		env["OTEL_EXPORTER_OTLP_ENDPOINT"] = r.recv.Endpoint()
	}
	return env
}

// envList turns an environment map into a sorted KEY=VALUE list.
func envList(env map[string]string) []string {
	list := make([]string, 0, len(env))
	for k, v := range env {
		list = append(list, k+"="+v)
	}
	sort.Strings(list)
	return list
}

// processorKind maps a profile kind onto the target's -variant flag: a sampled
// variant is a batch target whose sampler comes from OTEL_TRACES_SAMPLER.
func processorKind(k profile.Kind) string {
	if k == profile.KindSampled {
		return string(profile.KindBatch)
	}
	return string(k)
}

// targetArgs are the target's flags for a variant.
func (r *Runner) targetArgs(v profile.Variant, metricsPath string) []string {
	w := r.opts.Profile.Workload
	args := []string{
		"-listen", "127.0.0.1:0",
		"-variant", processorKind(v.Kind),
		"-cpu", w.CPU.D().String(),
		"-sleep", w.Sleep.D().String(),
		"-extra-spans", strconv.Itoa(w.ExtraSpans),
		"-shutdown-timeout", r.shutdownTimeout().String(),
		"-final-metrics", metricsPath,
	}
	if v.Blocking {
		args = append(args, "-blocking")
	}
	return args
}
