package runner

import (
	"cmp"
	"strconv"

	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/svcenv"
)

// targetEnv is the bundled target's environment for variant v
// (svcenv.Build): the variant's standard variables and, when traced, the
// receiver's endpoint.
func (r *Runner) targetEnv(v profile.Variant) map[string]string {
	o := svcenv.Options{Protocol: v.Protocol, Compression: v.Compression, Variant: v.Env()}
	if v.Kind.Exports() {
		// The bundled target exports grpc unless the variant says otherwise.
		o.Endpoint = r.recv.Endpoint(cmp.Or(v.Protocol, svcenv.ProtocolGRPC))
	}
	return svcenv.Build(o)
}

// envList turns an environment map into a sorted KEY=VALUE list.
func envList(env map[string]string) []string { return svcenv.List(env) }

// processorKind maps a profile kind onto the target's -variant flag: a sampled
// variant is a batch target whose sampler comes from OTEL_TRACES_SAMPLER;
// the others are named alike.
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
	if r.profiling() {
		args = append(args, "-pprof")
	}
	return args
}
