// Package wire holds what the bundled target (package targets, the
// otelbench-target binary) and the programs that run it (internal/runner,
// internal/verify) exchange, defined once for both sides: the JSON ready
// line the target writes on stdout once it listens, and the names of the
// metrics it exposes on /metrics and writes to its final metrics file.
//
// It imports nothing of the module, so that both sides can import it.
package wire
