package k8s

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/otelbench/otelbench/internal/profile"
)

// Names and places shared by the objects.
const (
	// DefaultNamespace is where the objects go when Options.Namespace is empty.
	DefaultNamespace = "otelbench"
	// TargetName names the target's Service and, with the cell's index,
	// its pods.
	TargetName = "otelbench-target"
	// TargetPort is the bundled target's port.
	TargetPort = 8080
	// AttackName names the cells' Jobs, with the cell's index.
	AttackName = "otelbench-attack"
	// CollectorName names the Collector's Deployment and Service.
	CollectorName = "otelbench-collector"
	// OTLPPort is where the sink or the Collector receives OTLP/gRPC.
	OTLPPort = 4317
	// ResultsClaim is the volume the shards write to; ReaderName the pod
	// that mounts it for `kubectl cp`; ResultsMount where it is mounted.
	ResultsClaim = "otelbench-results"
	ReaderName   = "otelbench-results"
	ResultsMount = "/results"
	// StartConfigMap's StartKey holds the common start (RFC 3339) of the
	// cell about to run; set it before creating the cell's Job.
	StartConfigMap = "otelbench-start"
	StartKey       = "start-at"
	// LabelApp and LabelCell label every object: its part, and its cell's
	// index.
	LabelApp  = "app.kubernetes.io/name"
	LabelCell = "otelbench.io/cell"
)

// Options is a run to lay out.
type Options struct {
	Profile *profile.Profile
	// Run names the run: its folder on the volume, recorded by every shard.
	Run string
	// Shards is how many attack pods each cell's load comes from.
	Shards int
	// Namespace holds every object (DefaultNamespace when empty).
	Namespace string
	// Image is otelbench's image (attack and sink); TargetImage the
	// bundled target's (the Dockerfile builds both).
	Image, TargetImage string
	// Service, when set, is the user's service instead of the bundled target.
	Service *Service
	// TargetCPUs (whole) and TargetMemory are the target's requests and
	// limits; AttackCPUs and AttackMemory each shard's.
	TargetCPUs   int
	TargetMemory string
	AttackCPUs   string
	AttackMemory string
	// StorageClass (empty: the cluster's default) and StorageSize of the
	// results volume, which must allow ReadWriteMany.
	StorageClass, StorageSize string
	// CollectorImage runs the Collector for profiles with collector:
	// otelcol; ReaderImage the pod that mounts the results (it needs tar
	// for `kubectl cp`).
	CollectorImage, ReaderImage string
	// Cells are the run's cells in order, as the runner plans them.
	Cells []Cell
}

// Service is the user's own service.
type Service struct {
	// Image runs it; it listens on Port and serves Path (with {id}).
	Image string
	Port  int
	Path  string
}

// ParseServiceURL reads -url: http://ANY-HOST:PORT/PATH with {id} in the
// path. The host is replaced by the target's Service.
func ParseServiceURL(raw string) (port int, path string, err error) {
	u, err := url.Parse(strings.ReplaceAll(raw, "{id}", "ID"))
	if err != nil {
		return 0, "", err
	}
	if u.Scheme != "http" {
		return 0, "", fmt.Errorf("%q: want http://HOST:PORT/PATH with {id}", raw)
	}
	if !strings.Contains(raw, "{id}") {
		return 0, "", fmt.Errorf("%q: no {id} in it for the item number", raw)
	}
	port, err = strconv.Atoi(u.Port())
	if err != nil || port < 1 || port > 65535 {
		return 0, "", fmt.Errorf("%q: want an explicit port", raw)
	}
	path = strings.ReplaceAll(u.EscapedPath(), "ID", "{id}")
	if u.RawQuery != "" {
		path += "?" + strings.ReplaceAll(u.RawQuery, "ID", "{id}")
	}
	return port, path, nil
}

// Cell is one cell of the run, with its target's setup.
type Cell struct {
	Dir              string
	Index, Rate, Rep int
	Kind             profile.Kind
	// Env is the target's whole environment; Args the bundled target's
	// flags (unused for a user's service).
	Env  map[string]string
	Args []string
	// TracePrefix, when set, gives every request a sampled traceparent
	// under this trace-id prefix (attack -trace-prefix).
	TracePrefix string
}

// Check returns every error of o, each naming its option.
func (o Options) Check() error {
	var errs []error
	if o.Profile == nil {
		return errors.New("no profile")
	}
	if o.Shards < 1 {
		errs = append(errs, fmt.Errorf("shards %d: must be at least 1", o.Shards))
	}
	if e := validation.IsDNS1123Label(o.namespace()); len(e) > 0 {
		errs = append(errs, fmt.Errorf("namespace %q: %s", o.namespace(), strings.Join(e, "; ")))
	}
	if o.TargetCPUs < 1 {
		errs = append(errs, fmt.Errorf("target-cpus %d: the target gets whole CPUs, at least 1", o.TargetCPUs))
	}
	for name, q := range map[string]string{"target-memory": o.TargetMemory, "attack-cpus": o.AttackCPUs, "attack-memory": o.AttackMemory, "storage": o.StorageSize} {
		if _, err := resource.ParseQuantity(q); err != nil {
			errs = append(errs, fmt.Errorf("%s %q: %w", name, q, err))
		}
	}
	if o.Run == "" || len(validation.IsValidLabelValue(o.Run)) > 0 {
		errs = append(errs, fmt.Errorf("run %q: must be a non-empty label value (letters, digits, -, _, .)", o.Run))
	}
	errs = append(errs, sinkUnsupported(o.Profile.Sink)...)
	return errors.Join(errs...)
}

// sinkUnsupported are the profile's sink faults that `otelbench sink`
// cannot play in a cluster: only a fixed delay can.
func sinkUnsupported(s profile.Sink) []error {
	var errs []error
	for key, set := range map[string]bool{
		"sink.latency": s.Latency != nil, "sink.spikes": s.Spikes != nil, "sink.errors": s.Errors != nil,
		"sink.outages": len(s.Outages) > 0, "sink.black_holes": len(s.BlackHoles) > 0, "sink.cap_spans_per_sec": s.CapSpansPerSec > 0,
	} {
		if set {
			errs = append(errs, fmt.Errorf("%s: the sink in a cluster (otelbench sink) plays a fixed delay only; run this profile locally", key))
		}
	}
	return errs
}

func (o Options) namespace() string {
	if o.Namespace == "" {
		return DefaultNamespace
	}
	return o.Namespace
}
