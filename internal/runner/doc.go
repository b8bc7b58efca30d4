// Package runner measures a profile: for every repetition × rate × variant it
// starts a fresh target process pointed at the sink, waits until it is healthy,
// warms it up, attacks it with vegeta, stops it with SIGTERM so that it
// flushes, and records what the load generator, the operating system, the
// target and the sink saw, cell by cell, through package results.
//
// The data flows profile → runner → targets and sink → results → report.
package runner
