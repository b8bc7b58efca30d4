package report

import "github.com/otelbench/otelbench/internal/profile"

// SettingsGo returns v's span processor settings as Go code to paste.
func SettingsGo(v profile.Variant) string { return goCode(v) }

// SettingsEnv returns v's settings as OTEL_* lines (sorted, KEY=value);
// blocking has no standard variable and needs sdktrace.WithBlocking().
func SettingsEnv(v profile.Variant) []string { return envLines(v.Env()) }
