package k8s

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/otelbench/otelbench/internal/profile"
)

// Manifests is a run's objects: Shared, applied once before the first
// cell, then each cell's in order.
type Manifests struct {
	Shared []runtime.Object
	Cells  []CellObjects
}

// CellObjects are one cell's objects: its target pod and its attack Job.
type CellObjects struct {
	Dir    string
	Target *corev1.Pod
	Attack *batchv1.Job
}

// Build lays out o's run. A bad option is an error naming it.
func Build(o Options) (*Manifests, error) {
	if err := o.Check(); err != nil {
		return nil, err
	}
	m := &Manifests{Shared: o.shared()}
	for _, c := range o.Cells {
		m.Cells = append(m.Cells, CellObjects{Dir: c.Dir, Target: o.targetPod(c), Attack: o.attackJob(c)})
	}
	return m, nil
}

// SinkEndpoint is the OTLP endpoint the targets of p's run export to: the
// Collector's Service, or the sink beside the target on its pod's loopback.
func SinkEndpoint(p *profile.Profile) string {
	if p.Collector == profile.CollectorOtelcol {
		return fmt.Sprintf("http://%s:%d", CollectorName, OTLPPort)
	}
	return fmt.Sprintf("http://127.0.0.1:%d", OTLPPort)
}

func (o Options) meta(name, app string, cell *Cell) metav1.ObjectMeta {
	labels := map[string]string{LabelApp: app, "app.kubernetes.io/part-of": "otelbench", "otelbench.io/run": o.Run}
	if cell != nil {
		labels[LabelCell] = strconv.Itoa(cell.Index)
	}
	return metav1.ObjectMeta{Name: name, Namespace: o.namespace(), Labels: labels}
}

// shared are the objects every cell uses.
func (o Options) shared() []runtime.Object {
	claim := &corev1.PersistentVolumeClaim{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "PersistentVolumeClaim"},
		ObjectMeta: o.meta(ResultsClaim, ResultsClaim, nil),
		Spec: corev1.PersistentVolumeClaimSpec{
			// The shards run on different nodes: every one must mount it.
			AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteMany},
			Resources:   corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse(o.StorageSize)}},
		},
	}
	if o.StorageClass != "" {
		claim.Spec.StorageClassName = ptr(o.StorageClass)
	}
	objs := []runtime.Object{
		&corev1.Namespace{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Namespace"},
			ObjectMeta: metav1.ObjectMeta{Name: o.namespace(), Labels: map[string]string{"app.kubernetes.io/part-of": "otelbench"}}},
		claim,
		o.readerPod(),
		o.service(TargetName, TargetName, o.targetPort()),
	}
	if o.Profile.Collector == profile.CollectorOtelcol {
		objs = append(objs, o.collector()...)
	}
	return objs
}

// readerPod mounts the results volume, for `kubectl cp`.
func (o Options) readerPod() *corev1.Pod {
	return &corev1.Pod{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: o.meta(ReaderName, ReaderName, nil),
		Spec: corev1.PodSpec{
			SecurityContext: writable(),
			Containers: []corev1.Container{{
				Name: "reader", Image: o.ReaderImage,
				Command:      []string{"sh", "-c", "sleep 2147483647"},
				Resources:    guaranteed("100m", "64Mi"),
				VolumeMounts: []corev1.VolumeMount{{Name: "results", MountPath: ResultsMount}},
			}},
			Volumes: []corev1.Volume{resultsVolume()},
		},
	}
}

// service is a ClusterIP Service named name for the pods of app on port.
func (o Options) service(name, app string, port int) *corev1.Service {
	return &corev1.Service{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: o.meta(name, app, nil),
		Spec: corev1.ServiceSpec{
			Selector: map[string]string{LabelApp: app},
			Ports:    []corev1.ServicePort{{Name: "port", Port: int32(port), TargetPort: intstr.FromInt32(int32(port))}},
		},
	}
}

func (o Options) targetPort() int {
	if o.Service != nil {
		return o.Service.Port
	}
	return TargetPort
}

// targetPod is one cell's target: Guaranteed QoS, the variant's
// environment, and the sink beside it unless a Collector receives.
func (o Options) targetPod(c Cell) *corev1.Pod {
	p := o.Profile
	port := int32(o.targetPort())
	env := c.Env
	target := corev1.Container{
		Name:         "target",
		Ports:        []corev1.ContainerPort{{Name: "http", ContainerPort: port}},
		Resources:    guaranteed(strconv.Itoa(o.TargetCPUs), o.TargetMemory),
		VolumeMounts: []corev1.VolumeMount{{Name: "results", MountPath: ResultsMount}},
	}
	if s := o.Service; s != nil {
		// The user's image runs as it was built, and writes no results.
		target.VolumeMounts = nil
		target.Image = s.Image
		env = clone(env)
		env["PORT"] = strconv.Itoa(s.Port)
		target.ReadinessProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{Port: intstr.FromInt32(port)}}, PeriodSeconds: 1}
	} else {
		target.Image = o.TargetImage
		target.Command = []string{"/otelbench-target"}
		target.Args = c.Args
		target.ReadinessProbe = &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/healthz", Port: intstr.FromInt32(port)}}, PeriodSeconds: 1}
	}
	target.Env = envVars(env)
	pod := &corev1.Pod{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: o.meta(fmt.Sprintf("%s-%03d", TargetName, c.Index), TargetName, &c),
		Spec: corev1.PodSpec{
			// A target that crashed is a failed cell, never a fresh one.
			RestartPolicy:                 corev1.RestartPolicyNever,
			SecurityContext:               writable(),
			TerminationGracePeriodSeconds: ptr(int64(max(15*time.Second, p.Timeout.D()+5*time.Second).Seconds()) + 5),
			Containers:                    []corev1.Container{target},
			Volumes:                       []corev1.Volume{resultsVolume()},
		},
	}
	if o.Service != nil {
		pod.Spec.SecurityContext, pod.Spec.Volumes = nil, nil
	}
	if p.Collector != profile.CollectorOtelcol {
		pod.Spec.Containers = append(pod.Spec.Containers, corev1.Container{
			Name: "sink", Image: o.Image,
			Args:      []string{"sink", "-listen", fmt.Sprintf("127.0.0.1:%d", OTLPPort), "-delay", p.Sink.Delay.D().String()},
			Resources: guaranteed("500m", "256Mi"),
		})
	}
	pod.Annotations = map[string]string{"otelbench.io/cell-dir": c.Dir}
	return pod
}

// attackJob is one cell's load: an Indexed Job of Shards attack pods, each
// on a node without another shard of the cell or the target.
func (o Options) attackJob(c Cell) *batchv1.Job {
	p := o.Profile
	n := int32(o.Shards)
	path := "/process/{id}"
	if o.Service != nil {
		path = o.Service.Path
	}
	args := []string{"attack",
		"-url", fmt.Sprintf("http://%s:%d%s", TargetName, o.targetPort(), path), "-remote",
		"-rate", strconv.FormatFloat(float64(c.Rate)/float64(n), 'g', -1, 64),
		"-duration", p.Duration.D().String(),
		"-warmup", p.Warmup.D().String(),
		"-start-at", "$(START_AT)",
		"-shards", strconv.Itoa(o.Shards),
		"-timeout", p.Timeout.D().String(),
		"-max-workers", strconv.Itoa(max(1, (p.MaxWorkers+o.Shards-1)/o.Shards)),
		"-o", fmt.Sprintf("%s/%s/%s/shard-$(JOB_COMPLETION_INDEX)", ResultsMount, o.Run, c.Dir),
		"-run", o.Run, "-cell", c.Dir,
	}
	if c.TracePrefix != "" {
		args = append(args, "-trace-prefix", c.TracePrefix)
	}
	if b := p.Burst; b != nil {
		args = append(args, "-burst-at", b.At.D().String(), "-burst-length", b.Length.D().String(),
			"-burst-factor", strconv.FormatFloat(b.Factor, 'g', -1, 64))
	}
	meta := o.meta(fmt.Sprintf("%s-%03d", AttackName, c.Index), AttackName, &c)
	spread := func(app string, cell bool) corev1.PodAffinityTerm {
		sel := map[string]string{LabelApp: app}
		if cell {
			sel[LabelCell] = strconv.Itoa(c.Index)
		}
		return corev1.PodAffinityTerm{LabelSelector: &metav1.LabelSelector{MatchLabels: sel}, TopologyKey: "kubernetes.io/hostname"}
	}
	// Waiting for the start, then warm-up, attack, the last requests and
	// writing the results: generous, but bounded.
	deadline := (15*time.Minute + p.Warmup.D() + p.Duration.D() + p.Timeout.D()).Seconds()
	return &batchv1.Job{
		TypeMeta:   metav1.TypeMeta{APIVersion: "batch/v1", Kind: "Job"},
		ObjectMeta: meta,
		Spec: batchv1.JobSpec{
			CompletionMode: ptr(batchv1.IndexedCompletion),
			Completions:    ptr(n),
			Parallelism:    ptr(n),
			// A shard that restarted would restart its part of the
			// schedule: a failed shard fails the cell.
			BackoffLimit:          ptr(int32(0)),
			ActiveDeadlineSeconds: ptr(int64(deadline)),
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: meta.Labels},
				Spec: corev1.PodSpec{
					RestartPolicy:   corev1.RestartPolicyNever,
					SecurityContext: writable(),
					Affinity: &corev1.Affinity{PodAntiAffinity: &corev1.PodAntiAffinity{
						RequiredDuringSchedulingIgnoredDuringExecution: []corev1.PodAffinityTerm{spread(AttackName, true), spread(TargetName, false)},
					}},
					Containers: []corev1.Container{{
						Name: "attack", Image: o.Image, Args: args,
						Env: []corev1.EnvVar{
							{Name: "START_AT", ValueFrom: &corev1.EnvVarSource{ConfigMapKeyRef: &corev1.ConfigMapKeySelector{
								LocalObjectReference: corev1.LocalObjectReference{Name: StartConfigMap}, Key: StartKey}}},
							// Set by the Job controller too; declared here so
							// that $(JOB_COMPLETION_INDEX) expands in args.
							{Name: "JOB_COMPLETION_INDEX", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{
								FieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']"}}},
							{Name: "NODE_NAME", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "spec.nodeName"}}},
						},
						Resources:    guaranteed(o.AttackCPUs, o.AttackMemory),
						VolumeMounts: []corev1.VolumeMount{{Name: "results", MountPath: ResultsMount}},
					}},
					Volumes: []corev1.Volume{resultsVolume()},
				},
			},
		},
	}
}

// collector is a real Collector (OTLP/gRPC in, nop out) as a ConfigMap,
// a Deployment and a Service.
func (o Options) collector() []runtime.Object {
	cfg := &corev1.ConfigMap{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: o.meta(CollectorName, CollectorName, nil),
		Data:       map[string]string{"config.yaml": collectorConfig},
	}
	labels := o.meta("", CollectorName, nil).Labels
	dep := &appsv1.Deployment{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
		ObjectMeta: o.meta(CollectorName, CollectorName, nil),
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr(int32(1)),
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{LabelApp: CollectorName}},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: corev1.PodSpec{
					Containers: []corev1.Container{{
						Name: "otelcol", Image: o.CollectorImage,
						Args:         []string{"--config", "/etc/otelcol/config.yaml"},
						Ports:        []corev1.ContainerPort{{Name: "otlp", ContainerPort: OTLPPort}},
						Resources:    guaranteed("1", "512Mi"),
						VolumeMounts: []corev1.VolumeMount{{Name: "config", MountPath: "/etc/otelcol"}},
					}},
					Volumes: []corev1.Volume{{Name: "config", VolumeSource: corev1.VolumeSource{
						ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: CollectorName}}}}},
				},
			},
		},
	}
	return []runtime.Object{cfg, dep, o.service(CollectorName, CollectorName, OTLPPort)}
}

// collectorConfig receives OTLP/gRPC on the pod's address and drops every
// span (nop), as the local `collector: otelcol` does; its counters are on
// :8888.
const collectorConfig = `receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 0.0.0.0:4317
exporters:
  nop: {}
service:
  pipelines:
    traces:
      receivers: [otlp]
      exporters: [nop]
`

// guaranteed is requests = limits: Guaranteed QoS when every container of
// a pod has it.
func guaranteed(cpu, memory string) corev1.ResourceRequirements {
	rl := corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpu), corev1.ResourceMemory: resource.MustParse(memory)}
	return corev1.ResourceRequirements{Requests: rl, Limits: rl.DeepCopy()}
}

// imageUser is the user the Dockerfile's images run as; writable runs a
// pod's containers as it and makes the results volume its group's, so
// that they can write there whatever the volume's own owner.
const imageUser = 65532

func writable() *corev1.PodSecurityContext {
	return &corev1.PodSecurityContext{RunAsUser: ptr(int64(imageUser)), RunAsGroup: ptr(int64(imageUser)), FSGroup: ptr(int64(imageUser))}
}

func resultsVolume() corev1.Volume {
	return corev1.Volume{Name: "results", VolumeSource: corev1.VolumeSource{
		PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: ResultsClaim}}}
}

// envVars is env as a sorted list.
func envVars(env map[string]string) []corev1.EnvVar {
	var out []corev1.EnvVar
	for k, v := range env {
		out = append(out, corev1.EnvVar{Name: k, Value: v})
	}
	slices.SortFunc(out, func(a, b corev1.EnvVar) int {
		if a.Name < b.Name {
			return -1
		}
		if a.Name > b.Name {
			return 1
		}
		return 0
	})
	return out
}

func clone(m map[string]string) map[string]string {
	out := make(map[string]string, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	return out
}

func ptr[T any](v T) *T { return &v }
