// Package svcenv builds what a service under test is started with: its
// environment and the address it serves on. verify, run and tune start a
// service through it, so that one that passes verify meets the same
// variables, the same {port} and the same inheritance from the shell in a
// measured run.
//
// A service gets exactly:
//
//   - the variables of Inherited from otelbench's own environment (a shell's
//     essentials), and the user's own -env KEY=VALUE;
//   - the variant's standard variables (OTEL_BSP_*, OTEL_TRACES_SAMPLER*,
//     OTEL_EXPORTER_OTLP_TIMEOUT …), which override the user's;
//   - OTEL_EXPORTER_OTLP_ENDPOINT, the receiver's base URL; the receiver
//     speaks OTLP/gRPC and OTLP/HTTP on that one port, so a service that
//     hard-codes either exporter and one that follows
//     OTEL_EXPORTER_OTLP_PROTOCOL all deliver. The protocol and the
//     per-signal endpoint are set only when the variant names a protocol;
//   - PORT, when the URL template asks for {port}.
package svcenv
