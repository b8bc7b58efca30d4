// Package tune finds span processor settings for a stated load and budget:
// it narrows the settings with the model (package model), measures the few
// candidates that matter against the uninstrumented baseline (package
// runner), and ends with a confirmation run of the chosen settings that
// must show zero loss and every budget met. When no candidate meets the
// budgets, it says which budget to relax and by how much.
//
// Plan and Choose are pure; Run does the measuring.
package tune
