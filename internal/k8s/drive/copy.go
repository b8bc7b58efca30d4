package drive

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/remotecommand"
)

// ExecCopier copies folders of the results volume out of the reader pod
// (k8s.ReaderName) as `kubectl cp` does: tar in the pod over the API
// server's exec, untarred here. It has not run against a cluster: none is
// available where otelbench is developed.
type ExecCopier struct {
	Config    *rest.Config
	Client    kubernetes.Interface
	Namespace string
	Pod       string
}

var _ Copier = ExecCopier{}

// Copy copies the folder remote of the pod into local.
func (c ExecCopier) Copy(ctx context.Context, remote, local string) error {
	req := c.Client.CoreV1().RESTClient().Post().Resource("pods").Namespace(c.Namespace).Name(c.Pod).SubResource("exec").
		VersionedParams(&corev1.PodExecOptions{
			Command: []string{"tar", "cf", "-", "-C", path.Dir(remote), path.Base(remote)},
			Stdout:  true, Stderr: true,
		}, scheme.ParameterCodec)
	exec, err := remotecommand.NewSPDYExecutor(c.Config, "POST", req.URL())
	if err != nil {
		return err
	}
	pr, pw := io.Pipe()
	var stderr bytes.Buffer
	done := make(chan error, 1)
	go func() {
		err := exec.StreamWithContext(ctx, remotecommand.StreamOptions{Stdout: pw, Stderr: &stderr})
		pw.CloseWithError(err)
		done <- err
	}()
	untarErr := untar(pr, local, path.Base(remote))
	pr.CloseWithError(untarErr) // unblocks the stream if untar stopped early
	if err := <-done; err != nil {
		return fmt.Errorf("tar in pod %s: %w: %s", c.Pod, err, strings.TrimSpace(stderr.String()))
	}
	return untarErr
}

// untar extracts the tar stream r, whose entries lie under top, into dir:
// regular files and folders only, none outside dir.
func untar(r io.Reader, dir, top string) error {
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		rel, ok := strings.CutPrefix(path.Clean(h.Name), top)
		if !ok || strings.Contains(rel, "..") {
			return fmt.Errorf("tar entry %q lies outside %s", h.Name, top)
		}
		dst := filepath.Join(dir, filepath.FromSlash(rel))
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(dst, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				return err
			}
			f, err := os.Create(dst)
			if err != nil {
				return err
			}
			_, err = io.Copy(f, tr)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return err
			}
		}
	}
}
