package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/otelbench/otelbench/internal/k8s"
	"github.com/otelbench/otelbench/internal/profile"
)

// runK8s is `run -k8s KUBECONFIG -manifests DIR`: it drives the manifests
// that `otelbench k8s` wrote for p on the cluster, one cell at a time,
// collects the shard folders into resultsRoot/<run>-shards/ and merges
// them into a run directory (the load alone: the target and the sink in
// the cluster are not measured by otelbench). The driving needs
// client-go, which more than doubles the binary and its cold build: it
// is in builds with the k8s tag only (driveK8s; make build-k8s).
func runK8s(ctx context.Context, p *profile.Profile, kubeconfig, manifests, resultsRoot string, stdout, stderr io.Writer) error {
	if manifests == "" {
		return usageError{errors.New("run: -k8s needs -manifests, the directory otelbench k8s wrote")}
	}
	m, err := k8s.Read(manifests)
	if err != nil {
		return usageError{fmt.Errorf("run: -manifests: %w", err)}
	}
	if _, err := os.Stat(kubeconfig); err != nil {
		return usageError{fmt.Errorf("run: -k8s %s: %w", kubeconfig, unwrapPath(err))}
	}
	return driveK8s(ctx, p, m, kubeconfig, resultsRoot, stdout, stderr)
}
