package results

import "time"

// ProfileFile is the name of a cell's CPU profile (pprof's protobuf,
// gzipped), beside its cell.json: `go tool pprof cells/<cell>/cpu.pprof`.
const ProfileFile = "cpu.pprof"

// CPUProfile is the CPU profile of a cell's target, taken during its
// measured attack, and its CPU time by component (package pprofmap).
type CPUProfile struct {
	// File is the profile's name in the cell's directory; "" when no
	// profile was taken (Error says why).
	File string `json:"file,omitempty"`
	// URL is where it was read from.
	URL string `json:"url,omitempty"`
	// Started is when the profile was asked for; Duration how long the
	// profile says it ran.
	Started  time.Time     `json:"started"`
	Duration time.Duration `json:"duration_ns"`
	// Hz is the sampling rate the profile was taken at.
	Hz int `json:"hz,omitempty"`
	// Requests counts the measured attack's requests sent while the
	// profile ran: the denominator of its CPU per request.
	Requests uint64 `json:"requests"`
	// Samples counts its samples and Total their CPU time.
	Samples int64         `json:"samples"`
	Total   time.Duration `json:"total_ns"`
	// Components is the CPU time of each component (pprofmap.Component
	// names) that had any.
	Components map[string]time.Duration `json:"components_ns,omitempty"`
	// Error says why there is no profile or no breakdown.
	Error string `json:"error,omitempty"`
}

// MicroFile is the micro benchmark's output (`make micro`, Go's benchmark
// format) when a run keeps it: `otelbench run -micro FILE` copies FILE
// here, into the run directory, for the report.
const MicroFile = "micro.txt"
