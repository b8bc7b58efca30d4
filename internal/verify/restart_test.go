package verify

import "testing"

func TestRestart(t *testing.T) {
	missing := []Request{req(1, 9, "/process/400001")}
	flushed := RestartRun{Name: "SIGTERM (target flushes)", Answered: 100, Ended: 200, EndedFrom: "its final metrics", Received: 200}
	tests := []struct {
		name   string
		runs   []RestartRun
		status Status
		want   []string
	}{
		// The three runs of the bundled target as they should be.
		{name: "correct", runs: []RestartRun{
			flushed,
			{Name: "no flush", ExpectLoss: true, Ended: 198, Received: 0},
			{Name: "SIGKILL", ExpectLoss: true, Ended: 206, Received: 0},
		}, status: StatusPass, want: []string{"0 of 200 ended spans lost", "198 of 198 ended spans lost (expected)"}},
		// A flush that lost spans: the evidence names the traces.
		{name: "lost on SIGTERM", runs: []RestartRun{{Name: "SIGTERM", Answered: 100, Ended: 200, EndedFrom: "its final metrics", Received: 0, Missing: missing}},
			status: StatusFail, want: []string{"200 of 200 ended spans lost (want 0)", "force-flush and shutdown", tid(1).String(), "/process/400001"}},
		// A run that shows no loss where one was expected is noted, not failed.
		{name: "no loss where expected", runs: []RestartRun{flushed, {Name: "SIGKILL", ExpectLoss: true, Ended: 10, Received: 10}},
			status: StatusPass, want: []string{"though one was expected"}},
		// Missing traces alone (a service that ignores the traceparent) are
		// not a loss when the counts agree.
		{name: "counts agree", runs: []RestartRun{with3(flushed, func(r *RestartRun) { r.Missing = missing })}, status: StatusPass},
		// A run that could not be made fails, saying why.
		{name: "error", runs: []RestartRun{{Name: "SIGTERM", Err: "the service did not exit within 15s"}}, status: StatusFail, want: []string{"did not exit"}},
		// No run: n/a.
		{name: "no runs", status: StatusNA},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assertCheck(t, Restart(tc.runs), tc.status, tc.want...)
		})
	}
}

// with3 returns a copy of r changed by f.
func with3(r RestartRun, f func(*RestartRun)) RestartRun {
	f(&r)
	return r
}
