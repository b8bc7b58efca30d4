package summary

import (
	"github.com/otelbench/otelbench/internal/profile"
)

// WarnTimeoutSeconds: Variant gave its service an exporter timeout of Value
// milliseconds (OTEL_EXPORTER_OTLP_TIMEOUT, as the specification has it),
// but the service's SDK (Detail, its telemetry.sdk.language) reads the
// variable in seconds: the timeout in effect was 1000 times longer.
const WarnTimeoutSeconds WarningKind = "timeout-in-seconds"

// secondsTimeoutSDKs are the SDKs whose OTLP exporter reads
// OTEL_EXPORTER_OTLP_TIMEOUT in seconds: Python's (its gRPC exporter,
// float(…) of the variable; checked in opentelemetry-exporter-otlp-proto-grpc
// 1.45.2).
var secondsTimeoutSDKs = map[string]bool{"python": true}

// timeoutUnitWarnings warns for each variant whose exporter_timeout its
// service's SDK reads in other units than it was written in.
func timeoutUnitWarnings(p *profile.Profile, infos []VariantInfo) []Warning {
	var out []Warning
	for _, vi := range infos {
		if !secondsTimeoutSDKs[vi.Language] {
			continue
		}
		for _, v := range p.Variants {
			if v.Name == vi.Name && v.ExporterTimeout != nil {
				out = append(out, Warning{Kind: WarnTimeoutSeconds, Variant: v.Name, Value: float64(v.ExporterTimeout.D().Milliseconds()), Detail: vi.Language})
			}
		}
	}
	return out
}
