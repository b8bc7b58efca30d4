package main

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/otelbench/otelbench/internal/k8s"
	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/results"
	"github.com/otelbench/otelbench/internal/runner"
)

// kubeFlags are the flags, shared by k8s and run -k8s, that lay a run out
// on a cluster.
type kubeFlags struct {
	o                 k8s.Options
	url, serviceImage *string
	seed              *uint64
	shards            *int
	run               *string
}

// addKubeFlags defines the layout's flags on fs.
func addKubeFlags(fs *flag.FlagSet) *kubeFlags {
	f := &kubeFlags{}
	fs.StringVar(&f.o.Namespace, "namespace", k8s.DefaultNamespace, "the namespace of every object")
	fs.StringVar(&f.o.Image, "image", "otelbench:dev", "otelbench's image (attack and sink), built by the Dockerfile's otelbench stage")
	fs.StringVar(&f.o.TargetImage, "target-image", "otelbench-target:dev", "the bundled target's image, built by the Dockerfile's target stage")
	fs.IntVar(&f.o.TargetCPUs, "target-cpus", 1, "whole CPUs of the target (requests = limits: Guaranteed QoS)")
	fs.StringVar(&f.o.TargetMemory, "target-memory", "512Mi", "memory of the target (requests = limits)")
	fs.StringVar(&f.o.AttackCPUs, "attack-cpus", "1", "CPUs of each attack pod (requests = limits)")
	fs.StringVar(&f.o.AttackMemory, "attack-memory", "512Mi", "memory of each attack pod (requests = limits)")
	fs.StringVar(&f.o.StorageClass, "storage-class", "", "storage class of the results volume, which must allow ReadWriteMany (default: the cluster's)")
	fs.StringVar(&f.o.StorageSize, "storage", "1Gi", "size of the results volume")
	fs.StringVar(&f.o.CollectorImage, "collector-image", "otel/opentelemetry-collector:0.165.0", "the Collector's image, for profiles with collector: otelcol (it needs the nop exporter)")
	fs.StringVar(&f.o.ReaderImage, "reader-image", "busybox:1.37", "the image of the pod that mounts the results volume for kubectl cp (it needs sh and tar)")
	f.url = fs.String("url", "", "measure your own service instead: http://HOST:PORT/PATH with {id}; HOST is replaced by the target's Service")
	f.serviceImage = fs.String("service-image", "", "with -url: your service's image; it honours the standard OTEL_* variables and listens on PORT")
	f.seed = fs.Uint64("seed", 0, "order of the cells (default: the profile's seed, else 1)")
	f.shards = fs.Int("shards", 2, "attack pods per cell, each on its own node")
	f.run = fs.String("run", "", "the run's name: its folder on the results volume (default: <UTC time>-<profile>)")
	return f
}

// manifests lays out p's run from the flags.
func (f *kubeFlags) manifests(verb string, p *profile.Profile, now time.Time) (*k8s.Manifests, k8s.Options, error) {
	bad := func(err error) error { return usageError{fmt.Errorf("%s: %w", verb, err)} }
	o := f.o
	o.Profile, o.Shards, o.Run = p, *f.shards, *f.run
	if o.Run == "" {
		o.Run = now.UTC().Format(results.TimeFormat) + "-" + p.Name
	}
	switch {
	case *f.url != "" && *f.serviceImage == "":
		return nil, o, bad(errors.New("-url needs -service-image"))
	case *f.url == "" && *f.serviceImage != "":
		return nil, o, bad(errors.New("-service-image needs -url"))
	case *f.url != "":
		port, path, err := k8s.ParseServiceURL(*f.url)
		if err != nil {
			return nil, o, bad(fmt.Errorf("-url %w", err))
		}
		o.Service = &k8s.Service{Image: *f.serviceImage, Port: port, Path: path}
	}
	for _, v := range p.Variants {
		if v.SDKVersion != "" {
			return nil, o, bad(fmt.Errorf("%s: variant %s: sdk_version needs a target image of its own, which otelbench k8s does not build; run this profile locally", p.Path, v.Name))
		}
	}
	seed := *f.seed
	if seed == 0 {
		seed = uint64(max(p.Seed, 1))
	}
	for _, c := range runner.Plan(p, seed) {
		cell := k8s.Cell{Dir: c.Dir, Index: c.Index, Rate: c.Rate, Rep: c.Rep, Kind: c.Variant.Kind,
			Env: runner.VariantEnv(p, c.Variant, k8s.SinkEndpoint(p), o.Service != nil)}
		if o.Service == nil {
			cell.Args = runner.TargetArgs(p, c.Variant, fmt.Sprintf("0.0.0.0:%d", k8s.TargetPort),
				filepath.Join(k8s.ResultsMount, o.Run, c.Dir, results.MetricsFile))
		}
		// As the runner: sampled variants' requests start root traces.
		if k := c.Variant.Kind; k != profile.KindSampled && k != profile.KindNone {
			cell.TracePrefix = tracePrefix(o.Run, c.Index)
		}
		o.Cells = append(o.Cells, cell)
	}
	m, err := k8s.Build(o)
	if err != nil {
		return nil, o, bad(err)
	}
	return m, o, nil
}

// tracePrefix is a cell's trace-id prefix, derived from the run and the
// cell so that the manifests are the same each time they are written.
func tracePrefix(run string, index int) string {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s/%d", run, index)
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], h.Sum64()|1) // never all zero
	return hex.EncodeToString(b[:])
}

func k8sCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("k8s", "otelbench k8s -profile FILE -shards N [-url URL -service-image IMAGE] -o DIR", stderr)
	profilePath := fs.String("profile", "profiles/default.yaml", "the profile to lay out")
	out := fs.String("o", "", "the directory to write the manifests into")
	kf := addKubeFlags(fs)
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("k8s: unexpected arguments %q", fs.Args())}
	}
	if *out == "" {
		return usageError{errors.New("k8s: -o: no directory given")}
	}
	if err := checkDir("-o", *out); err != nil {
		return usageError{fmt.Errorf("k8s: %w", err)}
	}
	p, err := profile.Load(*profilePath)
	if err != nil {
		var perr *profile.Error
		if errors.As(err, &perr) || errors.Is(err, os.ErrNotExist) || errors.Is(err, os.ErrPermission) {
			return usageError{fmt.Errorf("k8s: -profile %s: %w", *profilePath, unwrapPath(err))}
		}
		return err
	}
	m, o, err := kf.manifests("k8s", p, time.Now())
	if err != nil {
		return err
	}
	if err := k8s.Write(*out, m); err != nil {
		return fmt.Errorf("k8s: %w", err)
	}
	fmt.Fprintf(stdout, "otelbench k8s: run %s, %d cells × %d shards, in %s/ (%s, then %s/<cell>.yaml one at a time; README.md, \"On Kubernetes\")\n",
		o.Run, len(m.Cells), o.Shards, *out, k8s.SharedFile, k8s.CellsDir)
	return nil
}
