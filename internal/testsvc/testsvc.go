package testsvc

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
)

// Service names one of the services in testdata/services.
type Service string

// The services.
const (
	// Node is testdata/services/node: Node.js, NodeSDK with the http and
	// express instrumentations.
	Node Service = "node"
	// FastAPI is testdata/services/fastapi: Python, FastAPI under uvicorn
	// with FastAPIInstrumentor and the OTLP/gRPC exporter.
	FastAPI Service = "fastapi"
)

// Services returns every service, in a fixed order.
func Services() []Service { return []Service{Node, FastAPI} }

// Variant names one way of running a service, chosen by the service's own
// variables (Spec.Env).
type Variant string

// The variants. Not every service has every variant: see Variants.
const (
	// Default is the service as its guide writes it. The Node service
	// passes no exporter, so NodeSDK follows OTEL_EXPORTER_OTLP_PROTOCOL
	// (default http/protobuf); the FastAPI service uses a
	// BatchSpanProcessor over the gRPC exporter.
	Default Variant = "default"
	// GRPC (Node only) puts the OTLP/gRPC exporter in code, where it
	// ignores OTEL_EXPORTER_OTLP_PROTOCOL: SVC_EXPORTER=grpc.
	GRPC Variant = "grpc"
	// EnvGRPC (Node only) is Default with OTEL_EXPORTER_OTLP_PROTOCOL=grpc:
	// NodeSDK picks the gRPC exporter itself.
	EnvGRPC Variant = "env-grpc"
	// Simple (FastAPI only) uses SimpleSpanProcessor: SVC_PROCESSOR=simple.
	Simple Variant = "simple"
	// TracedHealthz traces /healthz (and /metrics) too: SVC_TRACE_HEALTHZ=1.
	TracedHealthz Variant = "traced-healthz"
	// NoFlush exits on SIGTERM without flushing, so the spans still queued
	// are lost: SVC_NO_FLUSH=1.
	NoFlush Variant = "no-flush"
	// AtExit (FastAPI only) skips the lifespan handler's flush but keeps
	// the SDK's own atexit shutdown, which flushes anyway:
	// SVC_NO_FLUSH=lifespan.
	AtExit Variant = "atexit"
	// ReraiseSIGTERM (FastAPI only) keeps uvicorn's own ending: after its
	// graceful shutdown (flush included) it raises SIGTERM again, and the
	// process dies by the signal instead of exiting 0:
	// SVC_RERAISE_SIGTERM=1.
	ReraiseSIGTERM Variant = "reraise-sigterm"
)

// Protocols a variant exports with, as OTEL_EXPORTER_OTLP_PROTOCOL spells
// them.
const (
	ProtocolGRPC         = "grpc"
	ProtocolHTTPProtobuf = "http/protobuf"
)

// SDK is what the resource of a service's spans says of its SDK: the
// telemetry.sdk.* attributes.
type SDK struct {
	Language string // telemetry.sdk.language
	Name     string // telemetry.sdk.name
	Version  string // telemetry.sdk.version
}

// Spec is everything otelbench needs to run one variant of one service.
type Spec struct {
	Service Service
	Variant Variant
	// Cmd starts the service, for -cmd (run by `sh -c "exec CMD"`): absolute
	// paths, the runtime found on PATH. It listens on 127.0.0.1:$PORT.
	// It does not set Env; Command does.
	Cmd string
	// URL is the traced route for -url, with {port} and {id}:
	// http://127.0.0.1:{port}/process/{id}.
	URL string
	// HealthURL is the health route, with {port}: excluded from tracing
	// unless TracesHealthz.
	HealthURL string
	// Env holds the variant's own variables (SVC_*, and for EnvGRPC
	// OTEL_EXPORTER_OTLP_PROTOCOL); otelbench passes the service none of
	// its caller's environment, so they go into the command (Command) or
	// a profile's env. Never nil; do not modify.
	Env map[string]string
	// Protocol is the OTLP protocol the variant exports with when nothing
	// else is set: ProtocolGRPC or ProtocolHTTPProtobuf. otelbench's
	// embedded sink speaks gRPC.
	Protocol string
	// SpansPerRequest is how many spans one traced GET of URL ends, as
	// measured by this package's test (see the package documentation).
	SpansPerRequest int
	// TracesHealthz reports that GET HealthURL is traced.
	TracesHealthz bool
	// Flushes reports that the service exports its queued spans on
	// SIGTERM before it exits.
	Flushes bool
	// DiesBySIGTERM reports that, SIGTERM handled, the process ends killed
	// by SIGTERM rather than with exit status 0.
	DiesBySIGTERM bool
	// SDK is what its spans' resource says of the SDK.
	SDK SDK
}

// Command returns Cmd with Env set in front of it through env(1), quoted
// for sh: a string for otelbench's -cmd that needs nothing of the caller's
// environment.
func (s Spec) Command() string {
	if len(s.Env) == 0 {
		return s.Cmd
	}
	var b strings.Builder
	b.WriteString("env")
	for _, k := range slices.Sorted(maps.Keys(s.Env)) {
		b.WriteString(" " + shellQuote(k+"="+s.Env[k]))
	}
	b.WriteString(" " + s.Cmd)
	return b.String()
}

// variant is one row of the table of variants: what it sets and what it
// does differently from its service's Default.
type variant struct {
	env      map[string]string
	protocol string // "" means the service's
	healthz  bool
	noFlush  bool
	killed   bool // dies by SIGTERM
}

// service is one service: how to start it and its variants.
type service struct {
	// cmd returns the command line for the repository at root.
	cmd             func(root string) string
	protocol        string
	spansPerRequest int
	sdk             SDK
	variants        map[Variant]variant
	order           []Variant
}

// The measured figures below are checked by TestServices; the package
// documentation explains them.
var services = map[Service]service{
	Node: {
		cmd: func(root string) string {
			return "node " + shellQuote(filepath.Join(root, "testdata", "services", "node", "server.js"))
		},
		protocol:        ProtocolHTTPProtobuf,
		spansPerRequest: 3,
		sdk:             SDK{Language: "nodejs", Name: "opentelemetry", Version: "2.12.0"},
		variants: map[Variant]variant{
			Default:       {},
			GRPC:          {env: map[string]string{"SVC_EXPORTER": "grpc"}, protocol: ProtocolGRPC},
			EnvGRPC:       {env: map[string]string{"OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"}, protocol: ProtocolGRPC},
			TracedHealthz: {env: map[string]string{"SVC_TRACE_HEALTHZ": "1"}, healthz: true},
			NoFlush:       {env: map[string]string{"SVC_NO_FLUSH": "1"}, noFlush: true},
		},
		order: []Variant{Default, GRPC, EnvGRPC, TracedHealthz, NoFlush},
	},
	FastAPI: {
		cmd: func(root string) string {
			return shellQuote(filepath.Join(root, venvFastAPI, "bin", "python")) + " " +
				shellQuote(filepath.Join(root, "testdata", "services", "fastapi", "app.py"))
		},
		protocol:        ProtocolGRPC,
		spansPerRequest: 4,
		sdk:             SDK{Language: "python", Name: "opentelemetry", Version: "1.45.2"},
		variants: map[Variant]variant{
			Default:        {},
			Simple:         {env: map[string]string{"SVC_PROCESSOR": "simple"}},
			TracedHealthz:  {env: map[string]string{"SVC_TRACE_HEALTHZ": "1"}, healthz: true},
			NoFlush:        {env: map[string]string{"SVC_NO_FLUSH": "1"}, noFlush: true},
			AtExit:         {env: map[string]string{"SVC_NO_FLUSH": "lifespan"}},
			ReraiseSIGTERM: {env: map[string]string{"SVC_RERAISE_SIGTERM": "1"}, killed: true},
		},
		order: []Variant{Default, Simple, TracedHealthz, NoFlush, AtExit, ReraiseSIGTERM},
	},
}

// Variants returns the variants of s, Default first; none for an unknown
// service.
func (s Service) Variants() []Variant {
	return slices.Clone(services[s].order)
}

// Lookup returns the Spec of variant v of service svc for the repository
// at root (see Root).
func Lookup(root string, svc Service, v Variant) (Spec, error) {
	sv, ok := services[svc]
	if !ok {
		return Spec{}, fmt.Errorf("testsvc: unknown service %q; want one of %v", svc, Services())
	}
	vv, ok := sv.variants[v]
	if !ok {
		return Spec{}, fmt.Errorf("testsvc: service %s has no variant %q; want one of %v", svc, v, sv.order)
	}
	protocol := sv.protocol
	if vv.protocol != "" {
		protocol = vv.protocol
	}
	env := maps.Clone(vv.env)
	if env == nil {
		env = map[string]string{}
	}
	return Spec{
		Service:         svc,
		Variant:         v,
		Cmd:             sv.cmd(root),
		URL:             "http://127.0.0.1:{port}/process/{id}",
		HealthURL:       "http://127.0.0.1:{port}/healthz",
		Env:             env,
		Protocol:        protocol,
		SpansPerRequest: sv.spansPerRequest,
		TracesHealthz:   vv.healthz,
		Flushes:         !vv.noFlush,
		DiesBySIGTERM:   vv.killed,
		SDK:             sv.sdk,
	}, nil
}

// modulePath is the module whose root Root looks for.
const modulePath = "github.com/otelbench/otelbench"

// Root returns the repository's root: the nearest directory at or above
// the working directory whose go.mod declares this module, or else the
// one this source file was compiled from.
func Root() (string, error) {
	if wd, err := os.Getwd(); err == nil {
		for dir := wd; ; dir = filepath.Dir(dir) {
			if isModuleRoot(dir) {
				return dir, nil
			}
			if filepath.Dir(dir) == dir {
				break
			}
		}
	}
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		dir := filepath.Dir(filepath.Dir(filepath.Dir(file)))
		if isModuleRoot(dir) {
			return dir, nil
		}
	}
	return "", errors.New("testsvc: no go.mod of " + modulePath + " at or above the working directory")
}

// isModuleRoot reports whether dir holds this module's go.mod.
func isModuleRoot(dir string) bool {
	b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return false
	}
	for line := range strings.Lines(string(b)) {
		if f := strings.Fields(line); len(f) == 2 && f[0] == "module" {
			return strings.Trim(f[1], `"`) == modulePath
		}
	}
	return false
}

// shellQuote quotes s for sh when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./=:,+@%", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
