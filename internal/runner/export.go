package runner

import (
	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/svcenv"
)

// What a run elsewhere (the Kubernetes manifests of package k8s) needs of
// the runner's decisions, so that it makes none of its own: the order of
// the cells, and each variant's target environment and flags.

// PlannedCell is one cell of a profile's plan.
type PlannedCell struct {
	Index, Rep, Rate int
	Variant          profile.Variant
	// Dir is the cell's directory name (results.CellDirName).
	Dir string
}

// Plan returns p's cells in the order a run with seed measures them.
func Plan(p *profile.Profile, seed uint64) []PlannedCell {
	var out []PlannedCell
	for _, c := range plan(p, seed) {
		out = append(out, PlannedCell{Index: c.index, Rep: c.rep, Rate: c.rate, Variant: c.variant, Dir: c.dir})
	}
	return out
}

// fixedEndpoint is a receiver known only by its endpoint: enough to build
// a target's environment for a collector elsewhere.
type fixedEndpoint struct {
	receiver
	endpoint string
}

func (f fixedEndpoint) Endpoint(string) string { return f.endpoint }

// VariantEnv is the whole environment of v's target (or, with service,
// of the user's service) exporting to endpoint, as the runner starts it,
// without what it passes on from this machine.
func VariantEnv(p *profile.Profile, v profile.Variant, endpoint string, service bool) map[string]string {
	r := &Runner{opts: Options{Profile: p}, recv: fixedEndpoint{endpoint: endpoint}}
	// What the runner passes on from this machine (svcenv.Inherited) is
	// left out: a target on another machine has its own. PORT is the
	// caller's to set.
	if !service {
		return svcenv.Own(r.targetEnv(v))
	}
	r.opts.Service = &Service{}
	return svcenv.Own(r.serviceEnv(v, 0))
}

// TargetArgs are the bundled target's flags for v, listening on listen
// and writing its final metrics to metricsPath. A run elsewhere takes no
// CPU profiles (nothing there reads them), so the target serves none.
func TargetArgs(p *profile.Profile, v profile.Variant, listen, metricsPath string) []string {
	r := &Runner{opts: Options{Profile: p, Pprof: PprofOff}}
	args := r.targetArgs(v, metricsPath)
	for i := range args[:len(args)-1] {
		if args[i] == "-listen" {
			args[i+1] = listen
		}
	}
	return args
}
