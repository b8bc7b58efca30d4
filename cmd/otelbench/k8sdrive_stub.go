//go:build !k8s

package main

import (
	"context"
	"errors"
	"io"

	"github.com/otelbench/otelbench/internal/k8s"
	"github.com/otelbench/otelbench/internal/profile"
)

// driveK8s is run -k8s in a build without client-go (the default: client-go
// doubles the binary and its cold build time).
func driveK8s(context.Context, *profile.Profile, *k8s.Manifests, string, string, io.Writer, io.Writer) error {
	return usageError{errors.New("run: -k8s: this otelbench was built without client-go; build it with `go build -tags k8s ./cmd/otelbench` (make build-k8s)")}
}
