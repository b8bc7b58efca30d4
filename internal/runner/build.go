package runner

import (
	"context"
	"errors"
	"fmt"

	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/targetbuild"
)

// DefaultTargetCache is where targets built against a variant's
// sdk_version are kept when Options.TargetCache is empty: relative to the
// working directory, git-ignored in the repository.
const DefaultTargetCache = ".cache/targets"

// builtTarget is the binary a variant's cells start, and the module
// versions it was built with.
type builtTarget struct {
	bin     string
	modules map[string]string
}

// buildTargets finds every variant's target binary before anything is
// written or started: the bundled one (opts.TargetBin), or for a variant
// with an sdk_version the target built against that release, built now
// unless the cache has it (each version set once). It reads the module
// versions of each binary from its build information. A release that
// cannot be fetched or built is a *profile.Error at the variant's
// sdk_version, naming the release and the first error.
func buildTargets(ctx context.Context, opts Options) (map[string]builtTarget, error) {
	p, out := opts.Profile, map[string]builtTarget{}
	if err := checkFit(p, opts.Service); err != nil {
		return nil, err
	}
	if opts.Service != nil {
		return out, nil
	}
	// The bundled target is a Go binary; one that is not still runs,
	// with no modules recorded.
	own, _ := targetbuild.Modules(opts.TargetBin)
	cache := opts.TargetCache
	if cache == "" {
		cache = DefaultTargetCache
	}
	b := &targetbuild.Builder{Cache: cache, Log: opts.Progress}
	built := map[targetbuild.Set]targetbuild.Result{}
	for _, v := range p.Variants {
		if v.SDKVersion == "" {
			out[v.Name] = builtTarget{bin: opts.TargetBin, modules: own}
			continue
		}
		s := targetbuild.Set{SDK: v.SDKVersion, Otelhttp: v.OtelhttpVersion}
		res, ok := built[s]
		if !ok {
			var err error
			if res, err = b.Build(ctx, s); err != nil {
				return nil, buildError(p, v, err)
			}
			built[s] = res
		}
		out[v.Name] = builtTarget{bin: res.Bin, modules: res.Modules}
	}
	return out, nil
}

// buildError turns a failed build of v's release into a profile error at
// its sdk_version key; other failures (the context ended, the cache
// cannot be written) stay as they are.
func buildError(p *profile.Profile, v profile.Variant, err error) error {
	var be *targetbuild.Error
	if !errors.As(err, &be) {
		return fmt.Errorf("building the target against %s: %w", v.SDKVersion, err)
	}
	return p.KeyError(p.VariantKey(v.Name, "sdk_version"), "cannot build the target against "+be.Error())
}

// targetBin is the binary the cells of variant v start.
func (r *Runner) targetBin(v profile.Variant) string {
	if bt, ok := r.targets[v.Name]; ok {
		return bt.bin
	}
	return r.opts.TargetBin
}
