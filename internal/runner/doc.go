// Package runner measures a profile: for every repetition × rate × variant it
// starts a fresh target process pointed at the sink, waits until it is healthy,
// warms it up, attacks it with vegeta, stops it with SIGTERM so that it
// flushes, and records what the load generator, the operating system, the
// target and the sink saw, cell by cell, through package results.
//
// Before the first cell it finds every variant's target: the bundled
// binary, or for a variant with an sdk_version the target built against
// that release (package targetbuild, build.go), and records the module
// versions each binary links. A release that cannot be built is a profile
// error, and nothing is written.
//
// The data flows profile → runner → targets and sink → results → report.
package runner
