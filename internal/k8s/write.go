package k8s

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"
)

// Files that Write makes in its directory.
const (
	// SharedFile holds the objects applied once.
	SharedFile = "shared.yaml"
	// CellsDir holds one file per cell, <cell>.yaml: its target pod, then
	// its attack Job.
	CellsDir = "cells"
)

// Write writes m into dir as YAML, one document per object.
func Write(dir string, m *Manifests) error {
	if err := os.MkdirAll(filepath.Join(dir, CellsDir), 0o755); err != nil {
		return err
	}
	b, err := Marshal(m.Shared...)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, SharedFile), b, 0o644); err != nil {
		return err
	}
	for _, c := range m.Cells {
		b, err := Marshal(c.Target, c.Attack)
		if err != nil {
			return fmt.Errorf("cell %s: %w", c.Dir, err)
		}
		if err := os.WriteFile(filepath.Join(dir, CellsDir, c.Dir+".yaml"), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// Marshal writes objs as YAML documents separated by ---.
func Marshal(objs ...runtime.Object) ([]byte, error) {
	var b bytes.Buffer
	for i, o := range objs {
		y, err := yaml.Marshal(o)
		if err != nil {
			return nil, err
		}
		if i > 0 {
			b.WriteString("---\n")
		}
		b.Write(y)
	}
	return b.Bytes(), nil
}
