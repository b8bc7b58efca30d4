// Package otelbench holds the sources of the bundled target (cmd/otelbench-target,
// package targets and the wire format it shares with the runner), embedded in
// every program that imports it, so that otelbench can build that target
// against other releases of the OpenTelemetry Go SDK (internal/targetbuild)
// from exactly the code it was built with, wherever it runs.
//
// The rest of the module lives under cmd/ and internal/; README.md describes
// the layout.
package otelbench

import "embed"

// TargetSource holds this module's go.mod and go.sum and every Go file of
// the packages the bundled target is built from: cmd/otelbench-target and
// what it imports from this module (a test checks the list). Test files
// come along; the target builder leaves them out.
//
//go:embed go.mod go.sum cmd/otelbench-target/*.go targets/*.go internal/wire/*.go
var TargetSource embed.FS

// TargetPackages are the directories of TargetSource that hold packages,
// the main package first.
var TargetPackages = []string{"cmd/otelbench-target", "targets", "internal/wire"}
