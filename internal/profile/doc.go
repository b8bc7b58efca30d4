// Package profile decodes and validates otelbench profiles.
//
// A profile is a YAML file under profiles/ that says what one benchmark run
// measures: the request rates to attack the target with, how long each cell
// lasts, the synthetic workload the target performs per request, how slowly
// the OTLP sink answers, the overhead budget, and the tracing variants to
// compare against an untraced baseline (kind none).
//
// Profiles are decoded strictly. [Parse] walks the YAML node tree itself so
// that unknown or misspelt keys, wrong types, bare numbers where a duration
// is expected, out-of-range values and options that do not apply to a
// variant's kind are all reported with the line of the offending key. Every
// problem found is reported, not only the first (up to a hundred, then a
// count of the rest): the returned error is an [errors.Join] of [*Error]
// values, so callers detect bad input with [errors.As] and map it to exit
// code 2. Limits on the file's size, on name lengths and on the number of
// rates, variants and cells keep a run from writing what a file system or
// an afternoon cannot hold.
//
// The runner turns each [Variant] into environment variables for the target
// with [Variant.Env], using the standard OTEL_* names so that the SDK under
// test configures itself exactly as it would in production.
package profile
