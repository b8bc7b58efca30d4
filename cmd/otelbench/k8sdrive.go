//go:build k8s

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/otelbench/otelbench/internal/k8s"
	"github.com/otelbench/otelbench/internal/k8s/drive"
	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/results"
	"github.com/otelbench/otelbench/internal/runner"
)

// driveK8s drives m on the cluster of kubeconfig with client-go (package
// drive), collects and merges.
func driveK8s(ctx context.Context, p *profile.Profile, m *k8s.Manifests, kubeconfig, resultsRoot string, stdout, stderr io.Writer) error {
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return usageError{fmt.Errorf("run: -k8s %s: %w", kubeconfig, err)}
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return usageError{fmt.Errorf("run: -k8s %s: %w", kubeconfig, err)}
	}
	first := m.Cells[0]
	runName, ns := first.Attack.Labels["otelbench.io/run"], first.Target.Namespace
	local := filepath.Join(resultsRoot, runName+"-shards")
	d := &drive.Driver{Client: cs, Manifests: m, RunName: runName, Progress: stderr, Local: local,
		Copy: drive.ExecCopier{Config: cfg, Client: cs, Namespace: ns, Pod: k8s.ReaderName}}
	cells, runErr := d.Run(ctx)
	if err := os.MkdirAll(local, 0o755); err != nil {
		return err
	}
	if err := results.WriteJSON(filepath.Join(local, "k8s.json"), cells); err != nil {
		return err
	}
	var collected []string
	failed := 0
	for _, c := range cells {
		if c.Error != "" {
			failed++
			continue
		}
		collected = append(collected, c.Collected)
	}
	if len(collected) == 0 {
		return errors.Join(runErr, fmt.Errorf("run: -k8s: no cell completed (see %s)", filepath.Join(local, "k8s.json")))
	}
	dir, err := runner.Merge(ctx, runner.MergeOptions{Profile: p, ResultsRoot: resultsRoot, Folders: collected})
	if err != nil {
		return errors.Join(runErr, err)
	}
	if err := writeReports(dir, stdout); err != nil {
		return errors.Join(runErr, err)
	}
	fmt.Fprintf(stderr, "otelbench: results in %s (the load alone); shard folders and the cluster's record in %s\n", dir, local)
	if runErr != nil {
		return interruptedError{fmt.Errorf("%w; the cells measured so far are in %s", runErr, dir)}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d cells failed on the cluster (see %s)", failed, len(cells), filepath.Join(local, "k8s.json"))
	}
	return nil
}
