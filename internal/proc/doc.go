// Package proc supervises the processes otelbench starts: the bundled
// target, a user's own service and the OpenTelemetry Collector.
//
// Start runs a command in a process group of its own (on Linux it also
// gets SIGKILL when otelbench dies), with exactly the environment given,
// its stderr written to a log file. A process that announces itself with a
// JSON ready line as its first line on stdout is waited for until it does;
// the rest of its stdout goes to the log too, so it never blocks on a full
// pipe. Stop ends it in order (SIGTERM to the group, then, after a grace,
// SIGKILL) and says how long the exit took; Kill ends it at once. Tail
// keeps the last lines of its output for error messages.
//
// The package needs a Unix system; only Pdeathsig is Linux's alone.
package proc
