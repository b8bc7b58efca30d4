package profile

import (
	"maps"
	"regexp"
	"slices"
	"strconv"

	yaml "go.yaml.in/yaml/v3"
)

// The standard variables a variant's typed options set on its target.
const (
	envQueueSize       = "OTEL_BSP_MAX_QUEUE_SIZE"
	envMaxExportBatch  = "OTEL_BSP_MAX_EXPORT_BATCH_SIZE"
	envScheduleDelay   = "OTEL_BSP_SCHEDULE_DELAY"
	envExportTimeout   = "OTEL_BSP_EXPORT_TIMEOUT"
	envExporterTimeout = "OTEL_EXPORTER_OTLP_TIMEOUT"
	envSampler         = "OTEL_TRACES_SAMPLER"
	envSamplerArg      = "OTEL_TRACES_SAMPLER_ARG"
	// EnvObservability turns on the SDK's experimental self-observability
	// metrics when it is exactly "true".
	EnvObservability = "OTEL_GO_X_OBSERVABILITY"
)

// SamplerParentBasedRatio is the OTEL_TRACES_SAMPLER value of kind sampled.
const SamplerParentBasedRatio = "parentbased_traceidratio"

// typedEnv maps each variable that typed options control to the error for
// setting it in env, which names the option to use instead.
var typedEnv = map[string]string{
	envQueueSize:       `controlled by the variant option "queue_size"; use it instead of env`,
	envMaxExportBatch:  `controlled by the variant option "max_export_batch_size"; use it instead of env`,
	envScheduleDelay:   `controlled by the variant option "batch_timeout"; use it instead of env`,
	envExportTimeout:   `controlled by the variant option "export_timeout"; use it instead of env`,
	envExporterTimeout: `controlled by the variant option "exporter_timeout"; use it instead of env`,
	// The traces-specific timeout overrides the generic one in the OTLP
	// exporter, so it would silently defeat exporter_timeout.
	"OTEL_EXPORTER_OTLP_TRACES_TIMEOUT":     `overrides the variant option "exporter_timeout"; use it instead of env`,
	envSampler:                              `controlled by kind sampled and "sample_ratio"; use them instead of env`,
	envSamplerArg:                           `controlled by the variant option "sample_ratio"; use it instead of env`,
	EnvObservability:                        `controlled by the variant option "observability"; use it instead of env`,
	"OTEL_EXPORTER_OTLP_PROTOCOL":           `controlled by the variant option "protocol"; use it instead of env`,
	"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL":    `controlled by the variant option "protocol"; use it instead of env`,
	"OTEL_EXPORTER_OTLP_COMPRESSION":        `controlled by the variant option "compression"; use it instead of env`,
	"OTEL_EXPORTER_OTLP_TRACES_COMPRESSION": `controlled by the variant option "compression"; use it instead of env`,
}

// runnerEnv are the variables the runner sets on every target itself.
var runnerEnv = []string{"OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"}

// typedEnvVar returns the variable a typed duration option sets.
func typedEnvVar(key string) string {
	switch key {
	case "batch_timeout":
		return envScheduleDelay
	case "export_timeout":
		return envExportTimeout
	case "exporter_timeout":
		return envExporterTimeout
	}
	return ""
}

// envName is what an environment variable name in env must match.
var envName = regexp.MustCompile(`^` + envNameSyntax + `$`)

// envNameSyntax is envName as error messages show it.
const envNameSyntax = `[A-Z_][A-Z0-9_]*`

// env decodes a variant's env block. Values are taken verbatim as written,
// so `OTEL_X: 0.5` sets "0.5" without quotes.
func (d *decoder) env(e entry) map[string]string {
	m := d.fields(e, nil, nil)
	if m == nil {
		return nil
	}
	env := make(map[string]string, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		ke := m[k]
		switch msg, typed := typedEnv[k]; {
		case !envName.MatchString(k):
			d.keyErrorf(ke, "environment variable names must match %s", envNameSyntax)
		case typed:
			d.keyErrorf(ke, "%s", msg)
		case slices.Contains(runnerEnv, k):
			d.keyErrorf(ke, "the runner sets this variable to its own sink; remove it from env")
		case ke.val.Kind != yaml.ScalarNode || ke.val.ShortTag() == "!!null":
			d.keyErrorf(ke, "must be a string, got %s (write \"\" for an empty value)", describe(ke.val))
		default:
			env[k] = ke.val.Value
		}
	}
	return env
}

// Env returns the OTEL_* variables this variant sets on its target: those
// of its typed options that are set (durations as integer milliseconds, the
// unit the SDK reads), the sampler for kind sampled, and everything in its
// env block. Kinds that export nothing (none, noop) return an empty map. The runner adds the OTLP
// endpoint itself.
func (v Variant) Env() map[string]string {
	env := map[string]string{}
	if !v.Kind.Exports() {
		return env
	}
	maps.Copy(env, v.ExtraEnv)
	if v.QueueSize != nil {
		env[envQueueSize] = strconv.Itoa(*v.QueueSize)
	}
	if v.MaxExportBatchSize != nil {
		env[envMaxExportBatch] = strconv.Itoa(*v.MaxExportBatchSize)
	}
	for name, d := range map[string]*Duration{
		envScheduleDelay:   v.BatchTimeout,
		envExportTimeout:   v.ExportTimeout,
		envExporterTimeout: v.ExporterTimeout,
	} {
		if d != nil {
			env[name] = strconv.FormatInt(d.D().Milliseconds(), 10)
		}
	}
	if v.Observability {
		env[EnvObservability] = "true"
	}
	if v.Kind == KindSampled {
		env[envSampler] = SamplerParentBasedRatio
		if v.SampleRatio != nil {
			env[envSamplerArg] = strconv.FormatFloat(*v.SampleRatio, 'g', -1, 64)
		}
	}
	return env
}
