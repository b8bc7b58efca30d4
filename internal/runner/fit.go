package runner

import (
	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/svcenv"
)

// checkFit refuses, before anything is written or started, variant options
// that the service measured cannot honour, as a *profile.Error at the key:
// a user's service (-cmd) is configured only through the standard
// variables, and no variable selects a simple processor, sets blocking,
// rebuilds it against another SDK release, or swaps the SDK for the noop
// TracerProvider (kind noop); the bundled Go target has no OTLP/HTTP JSON exporter (the Go
// SDK ships none).
func checkFit(p *profile.Profile, svc *Service) error {
	for _, v := range p.Variants {
		key := func(k string) string { return p.VariantKey(v.Name, k) }
		switch {
		case svc != nil && v.Blocking:
			return p.KeyError(key("blocking"),
				"no standard variable makes a batch processor block, so otelbench cannot set it on your own service (-cmd); configure blocking in its code and measure that build, or measure the bundled target")
		case svc != nil && v.Kind == profile.KindSync && len(v.ExtraEnv) == 0:
			return p.KeyError(key("kind"),
				"no standard variable selects a simple (synchronous) span processor, so on your own service (-cmd) this variant would measure whatever processor its code builds; give the variable your service reads to choose it in env: (e.g. env: {SVC_PROCESSOR: simple}), or measure the bundled target")
		case svc != nil && v.Kind == profile.KindNoop:
			return p.KeyError(key("kind"),
				"kind noop swaps the SDK for the API's noop TracerProvider in code; no standard variable does that to your own service (-cmd), so measure the bundled target, or build a noop variant of your service and measure it as its own -cmd")
		case svc != nil && v.SDKVersion != "":
			return p.KeyError(key("sdk_version"),
				"otelbench cannot rebuild your own service (-cmd) against another SDK release; remove sdk_version or measure the bundled target")
		case svc == nil && v.Protocol == svcenv.ProtocolJSON:
			return p.KeyError(key("protocol"),
				"the bundled target is a Go service, and the Go SDK has no OTLP/HTTP JSON exporter; use grpc or http/protobuf, or measure a service in another language with -cmd")
		}
	}
	return nil
}
