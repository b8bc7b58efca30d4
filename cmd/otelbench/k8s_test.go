package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/otelbench/otelbench/internal/golden"
	"github.com/otelbench/otelbench/internal/k8s"
	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/runner"
)

// decodeStrict decodes YAML documents into the Kubernetes API types by
// their kind, refusing any field the types do not have (k8s.Decode).
func decodeStrict(t *testing.T, name string, data []byte) []any {
	t.Helper()
	objs, err := k8s.Decode(data)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	out := make([]any, len(objs))
	for i, o := range objs {
		out[i] = o
	}
	return out
}

// TestK8sManifests writes the manifests of shipped profiles, compares them
// with golden files, decodes them strictly with the Kubernetes API types
// and checks what a run on a cluster relies on.
func TestK8sManifests(t *testing.T) {
	for _, tc := range []struct {
		name, profile string
		args          []string
		shards        int
	}{
		// The bundled target, the sink beside it.
		{"smoke", "smoke.yaml", nil, 3},
		// A real Collector, and the user's own service.
		{"otelcol-service", "otelcol-smoke.yaml", []string{"-url", "http://svc:9090/items/{id}", "-service-image", "example.com/shop:1"}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := t.TempDir()
			prof := filepath.Join("..", "..", "profiles", tc.profile)
			args := append([]string{"k8s", "-profile", prof, "-shards", fmt.Sprint(tc.shards), "-run", "golden", "-o", out}, tc.args...)
			var stdout, stderr bytes.Buffer
			if err := run(context.Background(), args, &stdout, &stderr); err != nil {
				t.Fatalf("k8s: %v\n%s", err, stderr.String())
			}
			p, err := profile.Load(prof)
			if err != nil {
				t.Fatal(err)
			}
			files, _ := filepath.Glob(filepath.Join(out, k8s.CellsDir, "*.yaml"))
			files = append([]string{filepath.Join(out, k8s.SharedFile)}, files...)
			if len(files) != 1+len(p.Variants)*len(p.Rates)*p.Repetitions {
				t.Fatalf("%d files", len(files))
			}
			plan := runner.Plan(p, uint64(max(p.Seed, 1)))
			for _, f := range files {
				data, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				rel, _ := filepath.Rel(out, f)
				golden.Check(t, filepath.Join("testdata", "k8s", tc.name, rel), data, *update)
				objs := decodeStrict(t, rel, data)
				if rel == k8s.SharedFile {
					checkShared(t, objs, p)
					continue
				}
				i := slices.IndexFunc(plan, func(c runner.PlannedCell) bool { return strings.HasSuffix(rel, c.Dir+".yaml") })
				if i < 0 {
					t.Fatalf("%s: no such cell in the plan", rel)
				}
				checkCellObjects(t, objs, plan[i], p, tc.shards, tc.args != nil)
			}
		})
	}
}

func checkShared(t *testing.T, objs []any, p *profile.Profile) {
	t.Helper()
	var claim *corev1.PersistentVolumeClaim
	collector := false
	for _, o := range objs {
		switch o := o.(type) {
		case *corev1.PersistentVolumeClaim:
			claim = o
		case *appsv1.Deployment:
			collector = o.Name == k8s.CollectorName
		}
	}
	if claim == nil || !slices.Contains(claim.Spec.AccessModes, corev1.ReadWriteMany) {
		t.Errorf("no ReadWriteMany results volume: %+v", claim)
	}
	if want := p.Collector == profile.CollectorOtelcol; collector != want {
		t.Errorf("a Collector Deployment: %v, want %v", collector, want)
	}
}

func checkCellObjects(t *testing.T, objs []any, c runner.PlannedCell, p *profile.Profile, shards int, service bool) {
	t.Helper()
	if len(objs) != 2 {
		t.Fatalf("cell %s: %d objects, want a pod and a Job", c.Dir, len(objs))
	}
	pod, job := objs[0].(*corev1.Pod), objs[1].(*batchv1.Job)
	// Guaranteed QoS: requests = limits in every container, whole CPUs
	// for the target.
	for _, ct := range pod.Spec.Containers {
		r := ct.Resources
		if !r.Requests.Cpu().Equal(*r.Limits.Cpu()) || !r.Requests.Memory().Equal(*r.Limits.Memory()) || r.Requests.Cpu().IsZero() {
			t.Errorf("cell %s: container %s is not Guaranteed: %+v", c.Dir, ct.Name, r)
		}
	}
	target := pod.Spec.Containers[0]
	if q := target.Resources.Limits.Cpu(); q.MilliValue()%1000 != 0 {
		t.Errorf("cell %s: target CPU %s is not whole", c.Dir, q)
	}
	// The variant's environment exactly as the runner builds it.
	want := runner.VariantEnv(p, c.Variant, k8s.SinkEndpoint(p), service)
	got := map[string]string{}
	for _, e := range target.Env {
		got[e.Name] = e.Value
	}
	if service {
		want["PORT"] = "9090"
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("cell %s: target env %v, want %v", c.Dir, got, want)
	}
	s := job.Spec
	if s.CompletionMode == nil || *s.CompletionMode != batchv1.IndexedCompletion || *s.Parallelism != int32(shards) || *s.Completions != int32(shards) {
		t.Errorf("cell %s: not an Indexed Job of %d: %+v", c.Dir, shards, s)
	}
	aa := s.Template.Spec.Affinity
	if aa == nil || aa.PodAntiAffinity == nil || len(aa.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution) != 2 {
		t.Errorf("cell %s: shards are not kept apart: %+v", c.Dir, aa)
	}
	args := strings.Join(s.Template.Spec.Containers[0].Args, " ")
	for _, w := range []string{"-rate " + fmt.Sprint(float64(c.Rate)/float64(shards)), "-cell " + c.Dir, "-start-at $(START_AT)", "shard-$(JOB_COMPLETION_INDEX)"} {
		if !strings.Contains(args, w) {
			t.Errorf("cell %s: attack args %q lack %q", c.Dir, args, w)
		}
	}
	traced := c.Variant.Kind != profile.KindSampled && c.Variant.Kind != profile.KindNone
	if strings.Contains(args, "-trace-prefix") != traced {
		t.Errorf("cell %s (%s): attack args %q: a trace prefix should be there: %v", c.Dir, c.Variant.Kind, args, traced)
	}
}

// TestRunK8sRefusesABadKubeconfig: -k8s names a file that is no
// kubeconfig: exit 2, naming it, before anything reaches a cluster.
func TestRunK8sRefusesABadKubeconfig(t *testing.T) {
	dir := t.TempDir()
	prof := filepath.Join("..", "..", "profiles", "smoke.yaml")
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"k8s", "-profile", prof, "-run", "x", "-o", dir}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "kubeconfig")
	if err := os.WriteFile(bad, []byte("not: [a kubeconfig"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := run(context.Background(), []string{"run", "-profile", prof, "-results", filepath.Join(dir, "res"), "-k8s", bad, "-manifests", dir}, &stdout, &stderr)
	// With the k8s tag the kubeconfig is parsed; without, client-go is
	// not there to parse it: exit 2 either way.
	if code := exitCode(err, &stderr); code != exitUsage || !strings.Contains(stderr.String(), "-k8s") {
		t.Fatalf("exit %d, stderr %s", code, stderr.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "res")); err == nil {
		t.Error("results were written")
	}
}
