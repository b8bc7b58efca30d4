package drive

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"

	"github.com/otelbench/otelbench/internal/k8s"
)

// Defaults of Driver.
const (
	// DefaultLead is how far ahead of now a cell's common start is set:
	// time for the scheduler, image pulls and the pods' start.
	DefaultLead = 30 * time.Second
	// DefaultPoll is how often the driver looks at what it waits for.
	DefaultPoll = time.Second
	// DefaultReadyTimeout bounds the wait for a target to be ready.
	DefaultReadyTimeout = 5 * time.Minute
)

// Copier copies a folder of the results volume (its path inside the
// volume's mount) to a local folder.
type Copier interface {
	Copy(ctx context.Context, remote, local string) error
}

// Driver runs manifests on a cluster.
type Driver struct {
	Client    kubernetes.Interface
	Manifests *k8s.Manifests
	// RunName is the run's name (k8s.Options.Run): its folder on the volume.
	RunName string
	// Lead, Poll and ReadyTimeout: DefaultLead, DefaultPoll and
	// DefaultReadyTimeout when zero. JobTimeout bounds a cell's Job from
	// its creation; zero means its activeDeadlineSeconds plus a minute.
	Lead, Poll, ReadyTimeout, JobTimeout time.Duration
	// Copy, when set, collects each cell's shard folders into Local/<cell>.
	Copy  Copier
	Local string
	// Progress, when set, gets a line per step.
	Progress io.Writer
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// CellResult is what happened to one cell on the cluster.
type CellResult struct {
	Dir     string    `json:"cell"`
	StartAt time.Time `json:"start_at"`
	// Succeeded and Failed count the Job's pods; Nodes is the node each
	// shard ran on, by index.
	Succeeded int32          `json:"succeeded"`
	Failed    int32          `json:"failed"`
	Nodes     map[int]string `json:"nodes,omitempty"`
	// Collected is the local folder of its shard folders, when copied.
	Collected string `json:"collected,omitempty"`
	Error     string `json:"error,omitempty"`
}

// Run applies the shared objects, then runs every cell in order. A cell
// that fails is recorded and the run goes on; the error is one of the
// shared objects, or ctx's. When ctx ends, the current cell's objects are
// deleted before Run returns.
func (d *Driver) Run(ctx context.Context) ([]CellResult, error) {
	if err := d.applyShared(ctx); err != nil {
		return nil, err
	}
	var out []CellResult
	for _, c := range d.Manifests.Cells {
		if ctx.Err() != nil {
			break
		}
		r := d.cell(ctx, c)
		out = append(out, r)
		d.logf("cell %s: %d succeeded, %d failed %s", c.Dir, r.Succeeded, r.Failed, r.Error)
	}
	return out, ctx.Err()
}

// cell runs one cell and always deletes its objects.
func (d *Driver) cell(ctx context.Context, c k8s.CellObjects) (r CellResult) {
	r.Dir = c.Dir
	defer func() {
		// Bounded, and not by ctx: an interrupted run cleans up too.
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
		defer cancel()
		if err := d.deleteCell(cctx, c); err != nil && r.Error == "" {
			r.Error = err.Error()
		}
		if r.Error == "" && d.Copy != nil && ctx.Err() == nil {
			local := d.Local + "/" + c.Dir
			if err := d.Copy.Copy(cctx, k8s.ResultsMount+"/"+d.RunName+"/"+c.Dir, local); err != nil {
				r.Error = fmt.Sprintf("collecting its shard folders: %v", err)
			} else {
				r.Collected = local
			}
		}
	}()
	if err := d.runCell(ctx, c, &r); err != nil {
		r.Error = err.Error()
	}
	return r
}

func (d *Driver) runCell(ctx context.Context, c k8s.CellObjects, r *CellResult) error {
	ns := c.Target.Namespace
	r.StartAt = d.now().Add(d.lead()).UTC()
	if err := d.setStart(ctx, ns, r.StartAt); err != nil {
		return fmt.Errorf("setting the start: %w", err)
	}
	pods := d.Client.CoreV1().Pods(ns)
	if _, err := pods.Create(ctx, c.Target.DeepCopy(), metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("creating the target: %w", err)
	}
	d.logf("cell %s: target %s created", c.Dir, c.Target.Name)
	if err := d.waitReady(ctx, ns, c.Target.Name); err != nil {
		return err
	}
	jobs := d.Client.BatchV1().Jobs(ns)
	if _, err := jobs.Create(ctx, c.Attack.DeepCopy(), metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("creating the attack: %w", err)
	}
	d.logf("cell %s: %s created, starting at %s", c.Dir, c.Attack.Name, r.StartAt.Format(time.RFC3339))
	job, err := d.waitJob(ctx, ns, c.Attack)
	if job != nil {
		r.Succeeded, r.Failed = job.Status.Succeeded, job.Status.Failed
	}
	r.Nodes = d.nodes(ctx, ns, c.Attack)
	return err
}

// applyShared creates every shared object that does not exist yet; one
// that exists is left as it is.
func (d *Driver) applyShared(ctx context.Context) error {
	for _, o := range d.Manifests.Shared {
		err := d.create(ctx, o)
		if err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("creating %s: %w", describe(o), err)
		}
	}
	return nil
}

// create creates one object of the kinds k8s.Build makes.
func (d *Driver) create(ctx context.Context, o runtime.Object) error {
	c, opts := d.Client, metav1.CreateOptions{}
	var err error
	switch o := o.(type) {
	case *corev1.Namespace:
		_, err = c.CoreV1().Namespaces().Create(ctx, o, opts)
	case *corev1.PersistentVolumeClaim:
		_, err = c.CoreV1().PersistentVolumeClaims(o.Namespace).Create(ctx, o, opts)
	case *corev1.Pod:
		_, err = c.CoreV1().Pods(o.Namespace).Create(ctx, o, opts)
	case *corev1.Service:
		_, err = c.CoreV1().Services(o.Namespace).Create(ctx, o, opts)
	case *corev1.ConfigMap:
		_, err = c.CoreV1().ConfigMaps(o.Namespace).Create(ctx, o, opts)
	case *appsv1.Deployment:
		_, err = c.AppsV1().Deployments(o.Namespace).Create(ctx, o, opts)
	default:
		err = fmt.Errorf("no way to create a %T", o)
	}
	return err
}

// setStart writes the cell's common start into k8s.StartConfigMap.
func (d *Driver) setStart(ctx context.Context, ns string, at time.Time) error {
	cms := d.Client.CoreV1().ConfigMaps(ns)
	data := map[string]string{k8s.StartKey: at.Format(time.RFC3339Nano)}
	cm, err := cms.Get(ctx, k8s.StartConfigMap, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		_, err = cms.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: k8s.StartConfigMap, Namespace: ns}, Data: data}, metav1.CreateOptions{})
		return err
	}
	if err != nil {
		return err
	}
	cm.Data = data
	_, err = cms.Update(ctx, cm, metav1.UpdateOptions{})
	return err
}

// waitReady waits until the pod is ready; a pod that ends first is an error.
func (d *Driver) waitReady(ctx context.Context, ns, name string) error {
	return d.poll(ctx, d.readyTimeout(), "the target "+name+" to be ready", func() (bool, error) {
		p, err := d.Client.CoreV1().Pods(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return false, err
		}
		switch p.Status.Phase {
		case corev1.PodFailed, corev1.PodSucceeded:
			return false, fmt.Errorf("the target %s ended (%s) before it was ready", name, p.Status.Phase)
		}
		for _, c := range p.Status.Conditions {
			if c.Type == corev1.PodReady && c.Status == corev1.ConditionTrue {
				return true, nil
			}
		}
		return false, nil
	})
}

// waitJob waits until the Job has completed or failed, and returns it.
func (d *Driver) waitJob(ctx context.Context, ns string, j *batchv1.Job) (*batchv1.Job, error) {
	timeout := d.JobTimeout
	if timeout == 0 {
		timeout = time.Minute
		if s := j.Spec.ActiveDeadlineSeconds; s != nil {
			timeout += time.Duration(*s) * time.Second
		}
	}
	var last *batchv1.Job
	err := d.poll(ctx, timeout, "the attack "+j.Name, func() (bool, error) {
		got, err := d.Client.BatchV1().Jobs(ns).Get(ctx, j.Name, metav1.GetOptions{})
		if err != nil {
			return false, err
		}
		last = got
		for _, c := range got.Status.Conditions {
			if c.Status != corev1.ConditionTrue {
				continue
			}
			switch c.Type {
			case batchv1.JobComplete:
				return true, nil
			case batchv1.JobFailed:
				return false, fmt.Errorf("the attack %s failed: %s %s", j.Name, c.Reason, c.Message)
			}
		}
		return false, nil
	})
	return last, err
}

// nodes is the node each shard of the Job ran on.
func (d *Driver) nodes(ctx context.Context, ns string, j *batchv1.Job) map[int]string {
	list, err := d.Client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: metav1.FormatLabelSelector(&metav1.LabelSelector{MatchLabels: j.Spec.Template.Labels})})
	if err != nil {
		return nil
	}
	out := map[int]string{}
	for _, p := range list.Items {
		if i, err := strconv.Atoi(p.Annotations[batchv1.JobCompletionIndexAnnotation]); err == nil {
			out[i] = p.Spec.NodeName
		}
	}
	return out
}

// deleteCell deletes the Job (with its pods) and the target, which gets
// its grace period to flush, and waits until the target is gone.
func (d *Driver) deleteCell(ctx context.Context, c k8s.CellObjects) error {
	ns := c.Target.Namespace
	bg := metav1.DeletePropagationBackground
	var errs []error
	if err := d.Client.BatchV1().Jobs(ns).Delete(ctx, c.Attack.Name, metav1.DeleteOptions{PropagationPolicy: &bg}); err != nil && !apierrors.IsNotFound(err) {
		errs = append(errs, fmt.Errorf("deleting %s: %w", c.Attack.Name, err))
	}
	pods := d.Client.CoreV1().Pods(ns)
	if err := pods.Delete(ctx, c.Target.Name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
		errs = append(errs, fmt.Errorf("deleting %s: %w", c.Target.Name, err))
	} else {
		grace := time.Minute
		if g := c.Target.Spec.TerminationGracePeriodSeconds; g != nil {
			grace += time.Duration(*g) * time.Second
		}
		errs = append(errs, d.poll(ctx, grace, "the target "+c.Target.Name+" to go", func() (bool, error) {
			_, err := pods.Get(ctx, c.Target.Name, metav1.GetOptions{})
			if apierrors.IsNotFound(err) {
				return true, nil
			}
			return false, err
		}))
	}
	return errors.Join(errs...)
}

// poll calls done every Poll until it says true or fails, at most timeout.
func (d *Driver) poll(ctx context.Context, timeout time.Duration, what string, done func() (bool, error)) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	tick := time.NewTicker(d.pollEvery())
	defer tick.Stop()
	for {
		ok, err := done()
		switch {
		case err != nil && ctx.Err() == nil:
			return err
		case ok:
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for %s: %w", what, context.Cause(ctx))
		case <-tick.C:
		}
	}
}

func (d *Driver) logf(format string, args ...any) {
	if d.Progress != nil {
		fmt.Fprintf(d.Progress, "otelbench k8s: "+format+"\n", args...)
	}
}

func (d *Driver) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

func (d *Driver) lead() time.Duration         { return orDefault(d.Lead, DefaultLead) }
func (d *Driver) pollEvery() time.Duration    { return orDefault(d.Poll, DefaultPoll) }
func (d *Driver) readyTimeout() time.Duration { return orDefault(d.ReadyTimeout, DefaultReadyTimeout) }

func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}
