package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/otelbench/otelbench/internal/compare/comparetest"
	"github.com/otelbench/otelbench/internal/results"
)

// goodProfile is a valid profile for the cases whose bad input is elsewhere.
const goodProfile = "name: good\nrates: [100]\nduration: 1s\nvariants:\n  - {name: none, kind: none}\n"

// TestBadInputExitsTwo checks that bad input of every command that takes a
// path or an address exits 2 with a message that names the flag or file and
// says why, prints nothing on stdout and writes no results.
func TestBadInputExitsTwo(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, data string, mode os.FileMode) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(data), mode); err != nil {
			t.Fatal(err)
		}
		return path
	}
	good := write("good.yaml", goodProfile, 0o644)
	overlap := write("overlap.yaml", goodProfile+"sink:\n  outages: [{from: 0s, to: 500ms}, {from: 200ms, to: 900ms}]\n", 0o644)
	plain := write("plain", "not a program\n", 0o644)
	otelcol := write("otelcol.yaml", goodProfile+"collector: otelcol\n", 0o644)
	outage := write("outage.yaml", goodProfile+"sink:\n  outages: [{from: 0s, to: 500ms}]\n", 0o644)
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(dir, "results")
	// Runs whose run.json is not one.
	runs := map[string]string{}
	for name, data := range map[string]string{
		"null": "null\n", "empty": "", "garbled": `{"schema": 1, "id": "x"`, "schema99": `{"schema": 99, "profile": {"name": "t"}}`,
	} {
		l := comparetest.Write(t, filepath.Join(dir, "runs-"+name), comparetest.Run{ID: "run", Seed: 1})
		if err := os.WriteFile(filepath.Join(l.Path, results.RunFile), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		runs[name] = l.Path
	}
	goodRun := comparetest.Write(t, filepath.Join(dir, "runs-good"), comparetest.Run{ID: "run", Seed: 1}).Path

	tests := []struct {
		name   string
		args   []string
		stderr []string // substrings of stderr
	}{
		// -profile naming what is no profile file.
		{"profile is a directory", []string{"run", "-profile", dir, "-results", root, "-target", self}, []string{"-profile", dir, "is a directory"}},
		{"profile is endless", []string{"run", "-profile", "/dev/zero", "-results", root, "-target", self}, []string{"-profile", "/dev/zero", "larger than 1 MiB"}},
		{"profile is missing", []string{"run", "-profile", filepath.Join(dir, "nope.yaml"), "-results", root, "-target", self}, []string{"-profile", "nope.yaml", "no such file"}},
		// Fault windows that the sink cannot apply: no empty run directory.
		{"overlapping windows", []string{"run", "-profile", overlap, "-results", root, "-target", self}, []string{overlap, "line 7", "sink.outages[0] ends"}},
		// -target naming what is no program.
		{"tune results is a file", []string{"tune", "-rate", "100", "-spans", "2", "-latency", "1ms", "-results", plain, "-target", self}, []string{"-results", plain, "not a directory"}},
		{"target is a directory", []string{"run", "-profile", good, "-results", root, "-target", dir}, []string{"-target", dir, "is a directory"}},
		{"target is not executable", []string{"run", "-profile", good, "-results", root, "-target", plain}, []string{"-target", plain, "not executable"}},
		{"tune target is a directory", []string{"tune", "-rate", "100", "-results", root, "-target", dir}, []string{"-target", dir, "is a directory"}},
		{"verify target is a directory", []string{"verify", "-target", dir}, []string{"-target", dir, "is a directory"}},
		// -otelcol naming a directory.
		{"otelcol is a directory", []string{"run", "-profile", otelcol, "-results", root, "-target", self, "-otelcol", dir}, []string{"-otelcol", dir, "is a directory"}},
		// -results naming a file, or below one.
		{"results is a file", []string{"run", "-profile", good, "-results", plain, "-target", self}, []string{"-results", plain, "not a directory"}},
		{"results below a file", []string{"run", "-profile", good, "-results", filepath.Join(plain, "r"), "-target", self}, []string{"-results", plain, "not a directory"}},
		// A run directory that is not one, for every command that reads one.
		{"report of a null run.json", []string{"report", runs["null"]}, []string{"run.json", "is null"}},
		{"report of an empty run.json", []string{"report", runs["empty"]}, []string{"run.json", "is empty"}},
		{"report of a garbled run.json", []string{"report", runs["garbled"]}, []string{"run.json", "is not valid JSON"}},
		{"report of schema 99", []string{"report", runs["schema99"]}, []string{"run.json", "schema 99"}},
		{"report of a file", []string{"report", plain}, []string{plain, "is not a run directory"}},
		{"compare with a null run.json", []string{"compare", goodRun, runs["null"]}, []string{"run B", "run.json", "is null"}},
		{"compare with schema 99", []string{"compare", runs["schema99"], goodRun}, []string{"run A", "schema 99"}},
		{"recommend of a null run.json", []string{"recommend", runs["null"]}, []string{"run.json", "is null"}},
		{"recommend of a garbled run.json", []string{"recommend", runs["garbled"]}, []string{"run.json", "is not valid JSON"}},
		// The sink listens on loopback only.
		{"sink on every interface", []string{"sink", "-listen", "0.0.0.0:0"}, []string{"-listen", "0.0.0.0:0", "loopback"}},
		{"sink with no host", []string{"sink", "-listen", ":0"}, []string{"-listen", `":0"`, "loopback"}},
		{"sink on another host", []string{"sink", "-listen", "192.0.2.1:4317"}, []string{"-listen", "192.0.2.1:4317", "loopback"}},
		{"sink on every IPv6 interface", []string{"sink", "-listen", "[::]:0"}, []string{"-listen", "loopback"}},
		{"sink without a port", []string{"sink", "-listen", "127.0.0.1"}, []string{"-listen", "127.0.0.1", "port"}},
		// An attack shard needs its URL, start, index and folder.
		{"attack without {id}", []string{"attack", "-url", "http://127.0.0.1:1/x", "-rate", "10", "-duration", "1s", "-start-at", "2026-12-01T12:00:00Z", "-shard", "0", "-o", filepath.Join(dir, "s")}, []string{"url", "no {id}"}},
		{"attack with a bad start", []string{"attack", "-url", "http://127.0.0.1:1/{id}", "-rate", "10", "-duration", "1s", "-start-at", "noon", "-shard", "0", "-o", filepath.Join(dir, "s")}, []string{"-start-at", "noon"}},
		{"attack shard beyond", []string{"attack", "-url", "http://127.0.0.1:1/{id}", "-rate", "10", "-duration", "1s", "-start-at", "2026-12-01T12:00:00Z", "-shard", "3", "-shards", "2", "-o", filepath.Join(dir, "s")}, []string{"shard 3"}},
		{"attack with a bad prefix", []string{"attack", "-url", "http://127.0.0.1:1/{id}", "-rate", "10", "-duration", "1s", "-start-at", "2026-12-01T12:00:00Z", "-shard", "0", "-trace-prefix", "xyz", "-o", filepath.Join(dir, "s")}, []string{"-trace-prefix", "xyz"}},
		{"attack with a bad cell", []string{"attack", "-url", "http://127.0.0.1:1/{id}", "-rate", "10", "-duration", "1s", "-start-at", "2026-12-01T12:00:00Z", "-shard", "0", "-cell", "c1", "-o", filepath.Join(dir, "s")}, []string{"-cell", "c1"}},
		{"attack off the machine", []string{"attack", "-url", "http://192.0.2.1/{id}", "-rate", "10", "-duration", "1s", "-start-at", "2026-12-01T12:00:00Z", "-shard", "0", "-o", filepath.Join(dir, "s")}, []string{"192.0.2.1", "not a loopback host", "-remote"}},
		// k8s: what a cluster run cannot do, and the flags it needs.
		{"k8s of a faulty sink", []string{"k8s", "-profile", outage, "-o", filepath.Join(dir, "m")}, []string{"sink.outages", "fixed delay only"}},
		{"k8s without -o", []string{"k8s", "-profile", good}, []string{"-o"}},
		{"k8s -url without an image", []string{"k8s", "-profile", good, "-url", "http://x:80/{id}", "-o", filepath.Join(dir, "m")}, []string{"-service-image"}},
		{"k8s -url without a port", []string{"k8s", "-profile", good, "-url", "http://x/{id}", "-service-image", "i", "-o", filepath.Join(dir, "m")}, []string{"-url", "port"}},
		{"k8s with fractional target CPUs", []string{"k8s", "-profile", good, "-target-cpus", "0", "-o", filepath.Join(dir, "m")}, []string{"target-cpus 0", "whole CPUs"}},
		// run -k8s needs its manifests and a kubeconfig that is one.
		// -pprof with a URL is for a user's service; -micro must be make micro's output.
		{"pprof URL for the bundled target", []string{"run", "-profile", good, "-results", root, "-target", self, "-pprof", "http://127.0.0.1:6060/debug/pprof/profile"}, []string{"-pprof", "applies to a service given with -cmd"}},
		{"micro is missing", []string{"run", "-profile", good, "-results", root, "-target", self, "-micro", filepath.Join(dir, "nope.txt")}, []string{"-micro", "nope.txt", "no such file"}},
		{"micro is not a benchmark", []string{"run", "-profile", good, "-results", root, "-target", self, "-micro", plain}, []string{"-micro", plain, "no BenchmarkMicro line"}},
		{"run -k8s without manifests", []string{"run", "-profile", good, "-results", root, "-k8s", good}, []string{"-manifests"}},
		{"run -k8s of no manifests", []string{"run", "-profile", good, "-results", root, "-k8s", good, "-manifests", dir}, []string{"-manifests", "shared.yaml"}},
		// run -shards out of range.
		{"run with -shards -1", []string{"run", "-profile", good, "-results", root, "-target", self, "-shards", "-1"}, []string{"-shards -1"}},
		// merge needs its profile and folders with shards in them.
		{"merge without a profile", []string{"merge", "-results", root, dir}, []string{"-profile"}},
		{"merge of a folder without shards", []string{"merge", "-profile", good, "-results", root, dir}, []string{dir, "no shard folder"}},
		{"merge of a missing folder", []string{"merge", "-profile", good, "-results", root, filepath.Join(dir, "nope")}, []string{"nope"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			// A command that takes bad input for good runs until the
			// deadline: a sink listens on, a run measures.
			ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
			defer cancel()
			start := time.Now()
			err := run(ctx, tt.args, &stdout, &stderr)
			if code := exitCode(err, &stderr); code != exitUsage {
				t.Errorf("exit code %d, want %d; stderr:\n%s", code, exitUsage, stderr.String())
			}
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("took %v to refuse bad input", d)
			}
			for _, want := range tt.stderr {
				if !strings.Contains(stderr.String(), want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
				}
			}
			if s := stderr.String(); strings.Contains(s, "goroutine ") || strings.Contains(s, "panic") {
				t.Errorf("stderr has a stack trace:\n%s", s)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout %q, want nothing", stdout.String())
			}
			if _, err := os.Stat(root); err == nil {
				t.Errorf("a results directory was created")
				os.RemoveAll(root) // not to fail the cases after this one
			}
		})
	}
}
