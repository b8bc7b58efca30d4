package pprofmap

import "strings"

// Rule places the frames of one package (and, optionally, of some of its
// functions) in a component.
type Rule struct {
	// Pkg is an import path; it matches that package and every package
	// below it ("google.golang.org/grpc" matches
	// "google.golang.org/grpc/internal/transport").
	Pkg string
	// Func, when set, must begin the function's name within the package
	// ("(*batchSpanProcessor)" for its methods).
	Func string
	// Contains, when set, must occur in the function's name within the
	// package ("Sampl" for the samplers).
	Contains string
	// Component is where matching frames go.
	Component Component
}

const (
	sdkTrace   = "go.opentelemetry.io/otel/sdk/trace"
	otlpTrace  = "go.opentelemetry.io/otel/exporters/otlp/otlptrace"
	targetsPkg = "github.com/otelbench/otelbench/targets"
)

// Rules is the mapping, tried in order: the first rule that matches a
// non-generic frame decides (see the package documentation).
var Rules = []Rule{
	// otelbench's own measurement code in the bundled target.
	{Pkg: targetsPkg, Func: "(*timedProcessor)", Component: Harness},
	{Pkg: targetsPkg, Func: "(*timedExporter)", Component: Harness},
	{Pkg: targetsPkg, Func: "(*errorLog)", Component: Harness},
	{Pkg: targetsPkg, Func: "serveCPUProfile", Component: Harness},
	{Pkg: "runtime/pprof", Component: Harness},
	{Pkg: "net/http/pprof", Component: Harness},
	{Pkg: targetsPkg, Component: App},

	// The exporter's transports come before the OTLP package they sit
	// under, and net/http's client side before its server.
	{Pkg: otlpTrace + "/otlptracegrpc", Component: Transport},
	{Pkg: otlpTrace + "/otlptracehttp", Component: Transport},
	{Pkg: "google.golang.org/grpc/encoding/proto", Component: Export},
	{Pkg: "google.golang.org/grpc", Component: Transport},
	{Pkg: "golang.org/x/net/http2", Component: Transport},
	{Pkg: "net/http", Func: "(*Transport)", Component: Transport},
	{Pkg: "net/http", Func: "(*persistConn)", Component: Transport},
	{Pkg: "net/http", Func: "(*Client)", Component: Transport},
	{Pkg: "net/http", Func: "send", Component: Transport},
	{Pkg: "net/http", Func: "(*http2Transport)", Component: Transport},
	{Pkg: "net/http", Func: "(*http2ClientConn)", Component: Transport},
	{Pkg: "net/http", Func: "(*http2clientConnReadLoop)", Component: Transport},
	{Pkg: "net/http", Component: NetHTTP},

	{Pkg: otlpTrace, Component: Export},
	{Pkg: "go.opentelemetry.io/proto/otlp", Component: Export},
	{Pkg: "google.golang.org/protobuf", Component: Export},

	{Pkg: sdkTrace, Func: "(*batchSpanProcessor)", Component: Processor},
	{Pkg: sdkTrace, Func: "NewBatchSpanProcessor", Component: Processor},
	{Pkg: sdkTrace, Func: "(*simpleSpanProcessor)", Component: Processor},
	{Pkg: sdkTrace, Contains: "Sampl", Component: SDKSampler},
	{Pkg: sdkTrace, Contains: "Attr", Component: SDKAttributes},
	{Pkg: sdkTrace, Contains: "dedupe", Component: SDKAttributes},
	{Pkg: sdkTrace, Contains: "truncate", Component: SDKAttributes},
	{Pkg: sdkTrace, Contains: ".End", Component: SDKEnd},
	{Pkg: sdkTrace, Contains: "snapshot", Component: SDKEnd},
	{Pkg: sdkTrace, Component: SDKStart},
	{Pkg: "go.opentelemetry.io/otel/sdk/resource", Component: SDKStart},

	{Pkg: "go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp", Component: Otelhttp},
	{Pkg: "go.opentelemetry.io/otel/semconv", Component: Otelhttp},
	{Pkg: "go.opentelemetry.io/otel/propagation", Component: Otelhttp},
	{Pkg: "go.opentelemetry.io/otel/baggage", Component: Otelhttp},
	{Pkg: "go.opentelemetry.io/otel/metric", Component: Otelhttp},
}

// genericPkgs are the non-standard packages whose cost belongs to their
// caller: shared data structures and APIs that every component uses.
var genericPkgs = []string{
	"go.opentelemetry.io/otel/attribute",
	"go.opentelemetry.io/otel/trace",
	"go.opentelemetry.io/otel/codes",
	"go.opentelemetry.io/otel/internal",
	"go.opentelemetry.io/otel/sdk/internal",
	"go.opentelemetry.io/otel/sdk/instrumentation",
	"github.com/prometheus/client_golang/prometheus",
	"github.com/prometheus/common",
	"github.com/cespare/xxhash",
	"github.com/go-logr",
	"golang.org/x/sys",
}

// genericExceptions are packages under a generic one that are not.
var genericExceptions = []string{
	"net/http",
	"runtime/pprof",
	"github.com/prometheus/client_golang/prometheus/promhttp",
}

// splitName splits a function's full name into its import path and its
// name within the package: "net/http.(*conn).serve" → "net/http",
// "(*conn).serve". Type parameters ("[...]") are ignored when looking for
// the package.
func splitName(name string) (pkg, fn string) {
	head := name
	if i := strings.IndexByte(head, '['); i >= 0 {
		head = head[:i]
	}
	slash := strings.LastIndexByte(head, '/')
	dot := strings.IndexByte(head[slash+1:], '.')
	if dot < 0 {
		return head, ""
	}
	dot += slash + 1
	return name[:dot], name[dot+1:]
}

// under reports whether pkg is p or a package below it.
func under(pkg, p string) bool {
	return pkg == p || strings.HasPrefix(pkg, p+"/")
}

// standard reports whether pkg is in the standard library: its first path
// element has no dot.
func standard(pkg string) bool {
	first, _, _ := strings.Cut(pkg, "/")
	return !strings.Contains(first, ".")
}

// generic reports whether a frame of pkg is charged to its caller.
func generic(pkg string) bool {
	for _, p := range genericExceptions {
		if under(pkg, p) {
			return false
		}
	}
	if standard(pkg) {
		return true
	}
	for _, p := range genericPkgs {
		if under(pkg, p) {
			return true
		}
	}
	return false
}

// match returns the component of the first rule that matches the frame.
func match(pkg, fn string) (Component, bool) {
	for _, r := range Rules {
		if !under(pkg, r.Pkg) {
			continue
		}
		if r.Func != "" && !strings.HasPrefix(fn, r.Func) {
			continue
		}
		if r.Contains != "" && !strings.Contains(fn, r.Contains) {
			continue
		}
		return r.Component, true
	}
	return "", false
}
