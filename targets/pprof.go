package targets

import (
	"net/http"
	"net/http/pprof"
)

// ProfilePath is the route of the CPU profile when Config.Profile is set:
// net/http/pprof's own handler, at the path where a Go service that
// imports net/http/pprof serves it, so `go tool pprof` and the runner read
// the bundled target and a user's service alike
// (GET /debug/pprof/profile?seconds=N, 100 Hz).
//
// The rate stays runtime/pprof's 100 Hz: on this machine a higher one
// (set with runtime.SetCPUProfileRate first) held about half the CPU
// time the process used, at 250 Hz as at 500 Hz, while 100 Hz matched
// getrusage within 1% in the micro benchmark.
const ProfilePath = "/debug/pprof/profile"

// registerProfile adds the CPU profile route to mux. It is left out of
// tracing by instrumentOptions' filter, so profiling makes no spans.
func registerProfile(mux *http.ServeMux) {
	mux.HandleFunc("GET "+ProfilePath, serveCPUProfile)
}

// serveCPUProfile is net/http/pprof.Profile under a name that the
// component mapping (package pprofmap) charges to the harness.
func serveCPUProfile(w http.ResponseWriter, r *http.Request) { pprof.Profile(w, r) }
