package collector

import (
	"os"
	"path/filepath"
)

// EnvBinary names the environment variable that, when set, overrides where
// DefaultBinary finds the collector: a path to any otelcol-compatible
// binary with the components of collector/manifest.yaml.
const EnvBinary = "OTELBENCH_OTELCOL"

// RepoBinary is where scripts/build-collector.sh puts the collector,
// relative to the repository root.
const RepoBinary = "collector/bin/otelcol"

// DefaultBinary returns the collector binary to run: the value of
// OTELBENCH_OTELCOL when it is set, otherwise collector/bin/otelcol under
// repoRoot. It does not check that the file exists; Start reports that.
func DefaultBinary(repoRoot string) string {
	if p := os.Getenv(EnvBinary); p != "" {
		return p
	}
	return filepath.Join(repoRoot, filepath.FromSlash(RepoBinary))
}
