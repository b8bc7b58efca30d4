package svcenv

import (
	"maps"
	"strings"
	"testing"
)

func TestBuild(t *testing.T) {
	shell := map[string]string{"PATH": "/bin", "HOME": "/h", "SECRET": "x", "OTEL_TRACES_SAMPLER": "always_on"}
	lookup := func(k string) (string, bool) { v, ok := shell[k]; return v, ok }
	const ep = "http://127.0.0.1:4317"
	base := map[string]string{
		"PATH": "/bin", "HOME": "/h",
		"OTEL_EXPORTER_OTLP_ENDPOINT": ep, "OTEL_EXPORTER_OTLP_INSECURE": "true", "OTEL_TRACES_EXPORTER": "otlp",
	}
	with := func(kv ...string) map[string]string {
		m := maps.Clone(base)
		for i := 0; i < len(kv); i += 2 {
			if kv[i+1] == "" {
				delete(m, kv[i])
			} else {
				m[kv[i]] = kv[i+1]
			}
		}
		return m
	}
	for _, tc := range []struct {
		name string
		o    Options
		want map[string]string
	}{
		{"nothing else from the shell", Options{Endpoint: ep}, base},
		{"variant over user", Options{Endpoint: ep,
			User:    map[string]string{"OTEL_BSP_MAX_QUEUE_SIZE": "1", "NODE_OPTIONS": "--x"},
			Variant: map[string]string{"OTEL_BSP_MAX_QUEUE_SIZE": "64"}},
			with("OTEL_BSP_MAX_QUEUE_SIZE", "64", "NODE_OPTIONS", "--x")},
		{"grpc", Options{Endpoint: ep, Protocol: ProtocolGRPC},
			with("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "grpc", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", ep)},
		{"http/protobuf: the signal endpoint has its path", Options{Endpoint: ep + "/", Protocol: ProtocolProtobuf},
			with("OTEL_EXPORTER_OTLP_ENDPOINT", ep+"/", "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/protobuf", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", ep+"/v1/traces")},
		{"gzip", Options{Endpoint: ep, Compression: CompressionGzip},
			with("OTEL_EXPORTER_OTLP_COMPRESSION", "gzip", "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "gzip")},
		{"untraced", Options{Endpoint: ep, Untraced: true, Variant: map[string]string{"OTEL_TRACES_SAMPLER_ARG": "0.1"}},
			with("OTEL_TRACES_SAMPLER", "always_off")},
		{"port", Options{Endpoint: ep, Port: 8080}, with("PORT", "8080")},
		{"a variant's stray endpoint goes", Options{Endpoint: ep, Variant: map[string]string{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://elsewhere"}}, base},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.o.Lookup = lookup
			if got := Build(tc.o); !maps.Equal(got, tc.want) {
				t.Errorf("got  %v\nwant %v", got, tc.want)
			}
		})
	}
}

func TestParseUser(t *testing.T) {
	got, err := ParseUser([]string{"A=1", "NODE_OPTIONS=--require ./t.js", "E="})
	if err != nil || len(got) != 3 || got["NODE_OPTIONS"] != "--require ./t.js" || got["E"] != "" {
		t.Fatalf("got %v, %v", got, err)
	}
	for _, bad := range []string{"A", "=1", "1A=2", "A-B=1", "PORT=1", "OTEL_EXPORTER_OTLP_ENDPOINT=http://x", "OTEL_EXPORTER_OTLP_PROTOCOL=grpc", "OTEL_EXPORTER_OTLP_COMPRESSION=gzip"} {
		if _, err := ParseUser([]string{bad}); err == nil || !strings.Contains(err.Error(), "-env") {
			t.Errorf("%q: got %v, want an error naming -env", bad, err)
		}
	}
}

func TestURL(t *testing.T) {
	for _, tc := range []struct {
		u    URL
		want string // a part of the error, "" for none
	}{
		{"http://127.0.0.1:{port}/items/{id}", ""},
		{"http://localhost:8080/p/{id}?x=1", ""},
		{"http://[::1]:{port}/{id}", ""},
		{"", "empty"},
		{"https://127.0.0.1:1/{id}", "http://"},
		{"http://10.0.0.1:1/{id}", "loopback"},
		{"http://127.0.0.1/{id}", "port"},
		{"http://127.0.0.1:{port}/items", "{id}"},
	} {
		err := tc.u.RequireID()
		if (err == nil) != (tc.want == "") || err != nil && !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: got %v, want %q", tc.u, err, tc.want)
		}
	}
	u, port, err := URL("http://127.0.0.1:{port}/items/{id}").Resolve()
	if err != nil || port == 0 || u.NeedsPort() {
		t.Fatalf("Resolve: %q %d %v", u, port, err)
	}
	if host, _ := u.Host(); !strings.HasPrefix(host, "127.0.0.1:") || u.Item("7") != "http://"+host+"/items/7" {
		t.Errorf("host %q item %q", host, u.Item("7"))
	}
	same, port, _ := URL("http://127.0.0.1:9/{id}").Resolve()
	if same != "http://127.0.0.1:9/{id}" || port != 0 {
		t.Errorf("a fixed port: %q %d", same, port)
	}
}
