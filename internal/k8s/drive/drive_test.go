package drive

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/otelbench/otelbench/internal/k8s"
	"github.com/otelbench/otelbench/internal/profile"
)

// These tests drive client-go's fake clientset, not a cluster: reactors
// below play the kubelet (a target pod becomes ready) and the Job
// controller (a Job completes, or fails, with its pods on nodes).

const shards = 2

func manifests(t *testing.T) *k8s.Manifests {
	t.Helper()
	p, err := profile.Load(filepath.Join("..", "..", "..", "profiles", "smoke.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	o := k8s.Options{Profile: p, Run: "r1", Shards: shards, Image: "otelbench:t", TargetImage: "target:t",
		TargetCPUs: 1, TargetMemory: "256Mi", AttackCPUs: "1", AttackMemory: "256Mi", StorageSize: "1Gi", ReaderImage: "busybox"}
	for i, v := range []string{"none", "batch"} {
		o.Cells = append(o.Cells, k8s.Cell{Dir: fmt.Sprintf("%03d-%s-r200-rep1", i, v), Index: i, Rate: 200, Rep: 1, Kind: profile.Kind(v)})
	}
	m, err := k8s.Build(o)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// cluster is a fake clientset whose target pods become ready (unless
// neverReady) and whose Jobs end as jobOutcome says, with a pod per shard.
type cluster struct {
	*fake.Clientset
	mu      sync.Mutex
	created []string // kind/name, in order
	deleted []string
}

func newCluster(t *testing.T, neverReady bool, fail map[string]bool) *cluster {
	c := &cluster{Clientset: fake.NewClientset()}
	c.PrependReactor("create", "*", func(a k8stesting.Action) (bool, runtime.Object, error) {
		obj := a.(k8stesting.CreateAction).GetObject()
		m, _ := metav1Object(obj)
		c.mu.Lock()
		c.created = append(c.created, a.GetResource().Resource+"/"+m)
		c.mu.Unlock()
		switch o := obj.(type) {
		case *corev1.Pod:
			if o.Labels[k8s.LabelApp] == k8s.TargetName && !neverReady {
				o.Status.Phase = corev1.PodRunning
				o.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}}
			}
		case *batchv1.Job:
			cond := batchv1.JobComplete
			if fail[o.Name] {
				cond = batchv1.JobFailed
				o.Status.Failed = 1
			} else {
				o.Status.Succeeded = *o.Spec.Completions
			}
			o.Status.Conditions = []batchv1.JobCondition{{Type: cond, Status: corev1.ConditionTrue, Reason: "Test"}}
			for i := range *o.Spec.Completions {
				pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("%s-%d", o.Name, i), Namespace: o.Namespace,
					Labels:      o.Spec.Template.Labels,
					Annotations: map[string]string{batchv1.JobCompletionIndexAnnotation: fmt.Sprint(i)}},
					Spec: corev1.PodSpec{NodeName: fmt.Sprintf("node-%d", i)}}
				// The Job controller's pods (the fake has no garbage
				// collector to delete those of an earlier run).
				_ = c.Tracker().Delete(corev1.SchemeGroupVersion.WithResource("pods"), pod.Namespace, pod.Name)
				if err := c.Tracker().Add(pod); err != nil {
					t.Error(err)
				}
			}
		}
		return false, nil, nil // the tracker stores the object as changed
	})
	c.PrependReactor("delete", "*", func(a k8stesting.Action) (bool, runtime.Object, error) {
		c.mu.Lock()
		c.deleted = append(c.deleted, a.GetResource().Resource+"/"+a.(k8stesting.DeleteAction).GetName())
		c.mu.Unlock()
		return false, nil, nil
	})
	return c
}

func metav1Object(o runtime.Object) (string, bool) {
	if m, ok := o.(metav1.Object); ok {
		return m.GetName(), true
	}
	return "", false
}

// copier records what it was asked to copy.
type copier struct{ calls []string }

func (c *copier) Copy(_ context.Context, remote, local string) error {
	c.calls = append(c.calls, remote+" → "+local)
	return nil
}

func newDriver(c *cluster, m *k8s.Manifests, cp Copier) *Driver {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	return &Driver{Client: c, Manifests: m, RunName: "r1", Poll: time.Millisecond, ReadyTimeout: 200 * time.Millisecond,
		JobTimeout: time.Second, Copy: cp, Local: "/local", Now: func() time.Time { return now }}
}

func TestDriverRunsEachCellAndCleansUp(t *testing.T) {
	m := manifests(t)
	for _, tc := range []struct {
		name       string
		neverReady bool
		fail       map[string]bool
		wantErr    []string // per cell: in its error, "" for none
	}{
		// Every cell runs: start set, target ready, Job complete, collected.
		{"complete", false, nil, []string{"", ""}},
		// A failed Job fails its cell; the next one still runs.
		{"failed job", false, map[string]bool{"otelbench-attack-000": true}, []string{"failed: Test", ""}},
		// A target that never gets ready: no Job is created.
		{"target never ready", true, nil, []string{"waiting for the target", "waiting for the target"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCluster(t, tc.neverReady, tc.fail)
			cp := &copier{}
			res, err := newDriver(c, m, cp).Run(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if len(res) != 2 {
				t.Fatalf("%d results", len(res))
			}
			for i, r := range res {
				if want := tc.wantErr[i]; (want == "") != (r.Error == "") || !strings.Contains(r.Error, want) {
					t.Errorf("cell %s: error %q, want %q", r.Dir, r.Error, want)
				}
				if r.Error == "" && (r.Succeeded != shards || len(r.Nodes) != shards || r.Nodes[1] != "node-1" || r.Collected != "/local/"+r.Dir) {
					t.Errorf("cell %s: %+v", r.Dir, r)
				}
			}
			// Every cell's target and Job are gone, whatever happened.
			for _, cell := range m.Cells {
				if _, err := c.CoreV1().Pods(k8s.DefaultNamespace).Get(context.Background(), cell.Target.Name, metav1.GetOptions{}); err == nil {
					t.Errorf("target %s left behind", cell.Target.Name)
				}
				if _, err := c.BatchV1().Jobs(k8s.DefaultNamespace).Get(context.Background(), cell.Attack.Name, metav1.GetOptions{}); err == nil {
					t.Errorf("job %s left behind", cell.Attack.Name)
				}
			}
			cm, err := c.CoreV1().ConfigMaps(k8s.DefaultNamespace).Get(context.Background(), k8s.StartConfigMap, metav1.GetOptions{})
			if err != nil || cm.Data[k8s.StartKey] != "2026-12-01T12:00:30Z" {
				t.Errorf("start ConfigMap %v, %v; want now + the lead", cm, err)
			}
			if tc.name == "complete" && (len(cp.calls) != 2 || cp.calls[0] != "/results/r1/000-none-r200-rep1 → /local/000-none-r200-rep1") {
				t.Errorf("copies %q", cp.calls)
			}
		})
	}
}

func TestDriverLeavesExistingSharedObjects(t *testing.T) {
	m := manifests(t)
	c := newCluster(t, false, nil)
	d := newDriver(c, m, nil)
	for range 2 { // the second run finds them all
		if _, err := d.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
}

func TestDriverCleansUpWhenInterrupted(t *testing.T) {
	m := manifests(t)
	c := newCluster(t, true, nil) // waits for a target that never gets ready
	ctx, cancel := context.WithCancel(context.Background())
	d := newDriver(c, m, nil)
	d.ReadyTimeout = time.Minute
	go func() {
		for {
			c.mu.Lock()
			n := len(c.created)
			c.mu.Unlock()
			if n > len(m.Shared)+1 { // the first target pod exists
				cancel()
				return
			}
			time.Sleep(time.Millisecond)
		}
	}()
	res, err := d.Run(ctx)
	if err == nil || len(res) != 1 {
		t.Fatalf("Run = %v, %v; want the context's error after one cell", res, err)
	}
	if _, err := c.CoreV1().Pods(k8s.DefaultNamespace).Get(context.Background(), m.Cells[0].Target.Name, metav1.GetOptions{}); err == nil {
		t.Error("the interrupted cell's target was left behind")
	}
}
