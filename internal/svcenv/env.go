package svcenv

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"sort"
	"strings"
)

// Inherited are the variables a service takes from otelbench's own
// environment: what a shell needs to find and run programs. Anything else
// it needs is given with -env, so that a run is reproducible from its
// run.json.
var Inherited = []string{"PATH", "HOME", "TMPDIR", "LANG", "USER"}

// The OTLP protocols, as OTEL_EXPORTER_OTLP_PROTOCOL spells them.
const (
	ProtocolGRPC     = "grpc"
	ProtocolProtobuf = "http/protobuf"
	ProtocolJSON     = "http/json"
)

// Protocols lists the protocols a variant may name.
var Protocols = []string{ProtocolGRPC, ProtocolProtobuf, ProtocolJSON}

// The exporter compressions, as OTEL_EXPORTER_OTLP_COMPRESSION spells them.
const (
	CompressionGzip = "gzip"
	CompressionNone = "none"
)

// Compressions lists the compressions a variant may name.
var Compressions = []string{CompressionGzip, CompressionNone}

// ValidCompression reports whether c is one a variant may name.
func ValidCompression(c string) bool { return slices.Contains(Compressions, c) }

// TracesPath is the OTLP/HTTP path of trace exports.
const TracesPath = "/v1/traces"

// Options describe one start of a service.
type Options struct {
	// Endpoint is the receiver's base URL (http://127.0.0.1:PORT); empty
	// sets no exporter variable.
	Endpoint string
	// Protocol, when set, is the OTLP protocol the variant asks for: it
	// sets OTEL_EXPORTER_OTLP_PROTOCOL and the trace endpoint to match.
	// Empty leaves the choice to the service (its code or its SDK's
	// default).
	Protocol string
	// Compression, when set, is the exporter compression the variant asks
	// for (gzip or none): it sets OTEL_EXPORTER_OTLP_COMPRESSION and its
	// per-signal twin. Empty leaves it to the service.
	Compression string
	// Variant holds the variant's standard variables (profile
	// Variant.Env).
	Variant map[string]string
	// Untraced turns sampling off (OTEL_TRACES_SAMPLER=always_off): the
	// closest a service traced in code comes to untraced from outside.
	Untraced bool
	// User holds the user's own KEY=VALUE settings (-env).
	User map[string]string
	// Port, when not zero, is passed as PORT.
	Port int
	// Lookup reads otelbench's own environment; nil means os.LookupEnv.
	Lookup func(string) (string, bool)
}

// Build returns the environment of a service started with o.
func Build(o Options) map[string]string {
	lookup := o.Lookup
	if lookup == nil {
		lookup = os.LookupEnv
	}
	env := map[string]string{}
	for _, k := range Inherited {
		if v, ok := lookup(k); ok {
			env[k] = v
		}
	}
	maps.Copy(env, o.User)
	maps.Copy(env, o.Variant)
	if o.Endpoint != "" {
		// Always a URL: a bare host:port is silently ignored by Go's exporter.
		env["OTEL_EXPORTER_OTLP_ENDPOINT"] = o.Endpoint
		env["OTEL_EXPORTER_OTLP_INSECURE"] = "true"
		env["OTEL_TRACES_EXPORTER"] = "otlp"
		// A per-signal endpoint from -env would send spans elsewhere.
		delete(env, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
		delete(env, "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL")
	}
	if o.Protocol != "" {
		env["OTEL_EXPORTER_OTLP_PROTOCOL"] = o.Protocol
		env["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"] = o.Protocol
		if o.Endpoint != "" {
			// The per-signal endpoint is used as given: OTLP/HTTP needs the path.
			te := o.Endpoint
			if o.Protocol != ProtocolGRPC {
				te = strings.TrimSuffix(te, "/") + TracesPath
			}
			env["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] = te
		}
	}
	if o.Compression != "" {
		env["OTEL_EXPORTER_OTLP_COMPRESSION"] = o.Compression
		env["OTEL_EXPORTER_OTLP_TRACES_COMPRESSION"] = o.Compression
	}
	if o.Untraced {
		env["OTEL_TRACES_SAMPLER"] = "always_off"
		delete(env, "OTEL_TRACES_SAMPLER_ARG")
	}
	if o.Port != 0 {
		env["PORT"] = fmt.Sprint(o.Port)
	}
	return env
}

// Own returns env without the variables of Inherited: what otelbench set
// and the user gave, as run.json records it.
func Own(env map[string]string) map[string]string {
	out := maps.Clone(env)
	for _, k := range Inherited {
		delete(out, k)
	}
	return out
}

// List turns an environment into a sorted KEY=VALUE list, as exec takes it.
func List(env map[string]string) []string {
	list := make([]string, 0, len(env))
	for k, v := range env {
		list = append(list, k+"="+v)
	}
	sort.Strings(list)
	return list
}

// ParseUser reads -env values: KEY=VALUE each, KEY a variable name.
// PORT and the exporter's endpoint and protocol are refused: otelbench
// sets them.
func ParseUser(kvs []string) (map[string]string, error) {
	env := map[string]string{}
	for _, kv := range kvs {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || !validName(k) {
			return nil, fmt.Errorf("-env %q: want KEY=VALUE", kv)
		}
		switch k {
		case "PORT":
			return nil, fmt.Errorf("-env %q: PORT is set by {port} in -url", kv)
		case "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT":
			return nil, fmt.Errorf("-env %q: otelbench points the exporter at its own receiver", kv)
		case "OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL":
			return nil, fmt.Errorf("-env %q: the receiver speaks every OTLP protocol; a profile variant's protocol key chooses one", kv)
		case "OTEL_EXPORTER_OTLP_COMPRESSION", "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION":
			return nil, fmt.Errorf("-env %q: the receiver accepts gzip and none; a profile variant's compression key chooses one", kv)
		}
		env[k] = v
	}
	return env, nil
}

// validName reports whether k can name an environment variable.
func validName(k string) bool {
	if k == "" || (k[0] >= '0' && k[0] <= '9') {
		return false
	}
	for _, c := range k {
		if !(c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// ValidProtocol reports whether p is one a variant may name.
func ValidProtocol(p string) bool { return slices.Contains(Protocols, p) }
