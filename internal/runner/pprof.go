package runner

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/otelbench/otelbench/internal/pprofmap"
	"github.com/otelbench/otelbench/internal/results"
	"github.com/otelbench/otelbench/targets"
)

// PprofOff, as Options.Pprof, profiles no cell.
const PprofOff = "off"

// profileSlack is how much longer than its window a profile may take to
// arrive before it is abandoned.
const profileSlack = 15 * time.Second

// maxProfileBytes bounds a profile read from a service.
const maxProfileBytes = 64 << 20

// CheckPprof validates Options.Pprof against what is measured: the
// bundled target is profiled at its own route unless "off"; a user's
// service only when given a URL (http, loopback, {port} allowed) of its
// net/http/pprof CPU profile.
func (o Options) CheckPprof() error {
	switch {
	case o.Pprof == "" || o.Pprof == PprofOff:
		return nil
	case o.Service == nil:
		return fmt.Errorf("-pprof %q: a URL applies to a service given with -cmd; the bundled target is profiled at its own %s (or -pprof off)", o.Pprof, targets.ProfilePath)
	}
	u, err := url.Parse(strings.ReplaceAll(o.Pprof, "{port}", "1"))
	if err != nil {
		return fmt.Errorf("-pprof %q: %w", o.Pprof, err)
	}
	if u.Scheme != "http" || u.Host == "" {
		return fmt.Errorf("-pprof %q: want an http:// URL of the service's CPU profile, such as http://127.0.0.1:{port}%s", o.Pprof, targets.ProfilePath)
	}
	return nil
}

// profiling says whether cells are profiled.
func (r *Runner) profiling() bool {
	if r.opts.Pprof == PprofOff {
		return false
	}
	return r.opts.Service == nil || r.opts.Pprof != ""
}

// profileURL is where a cell's target serves its CPU profile.
func (r *Runner) profileURL(addr string) string {
	if r.opts.Service == nil {
		return "http://" + addr + targets.ProfilePath
	}
	_, port, _ := net.SplitHostPort(addr)
	return strings.ReplaceAll(r.opts.Pprof, "{port}", port)
}

// profileCapture is one cell's CPU profile being taken while its measured
// attack runs.
type profileCapture struct {
	path     string
	prof     results.CPUProfile
	end      time.Time // the end of the window the profile covers
	requests atomic.Uint64
	done     chan struct{}
}

// startProfile asks the cell's target for a CPU profile of the whole
// seconds of the measured attack (net/http/pprof counts whole seconds),
// and returns at once; nil when cells are not profiled.
func (r *Runner) startProfile(ctx context.Context, cr *cellRun) *profileCapture {
	if !r.profiling() {
		return nil
	}
	pc := &profileCapture{path: filepath.Join(cr.dir, results.ProfileFile), done: make(chan struct{})}
	pc.prof.URL = r.profileURL(cr.t.addr)
	d := r.opts.Profile.Duration.D()
	seconds := int(d / time.Second)
	if seconds < 1 {
		pc.prof.Error = fmt.Sprintf("not profiled: the measured attack (%v) is shorter than a profile's smallest window (1s)", d)
		close(pc.done)
		return pc
	}
	pc.prof.Started = time.Now()
	pc.end = pc.prof.Started.Add(time.Duration(seconds) * time.Second)
	go func() {
		defer close(pc.done)
		data, err := fetchProfile(ctx, pc.prof.URL, seconds)
		if err != nil {
			pc.prof.Error = err.Error()
			return
		}
		if err := results.WriteFileAtomic(pc.path, data); err != nil {
			pc.prof.Error = fmt.Sprintf("writing %s: %v", results.ProfileFile, err)
			return
		}
		pc.prof.File = results.ProfileFile
		b, err := pprofmap.Attribute(bytes.NewReader(data))
		if err != nil {
			pc.prof.Error = err.Error()
			return
		}
		pc.prof.Duration, pc.prof.Samples, pc.prof.Total = b.Duration, b.Samples, b.Total
		if b.Period > 0 {
			pc.prof.Hz = int(time.Second / b.Period)
		}
		pc.prof.Components = make(map[string]time.Duration, len(b.By))
		for c, v := range b.By {
			pc.prof.Components[string(c)] = v
		}
	}()
	return pc
}

// observe counts a measured request sent within the profile's window.
func (pc *profileCapture) observe(res *vegeta.Result) {
	if pc == nil || pc.end.IsZero() {
		return
	}
	if !res.Timestamp.Before(pc.prof.Started) && res.Timestamp.Before(pc.end) {
		pc.requests.Add(1)
	}
}

// result waits for the profile and returns what it found; nil when cells
// are not profiled.
func (pc *profileCapture) result() *results.CPUProfile {
	if pc == nil {
		return nil
	}
	<-pc.done
	p := pc.prof
	p.Requests = pc.requests.Load()
	return &p
}

// fetchProfile reads a CPU profile of seconds from rawURL.
func fetchProfile(ctx context.Context, rawURL string, seconds int) ([]byte, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("profile URL %q: %w", rawURL, err)
	}
	q := u.Query()
	q.Set("seconds", strconv.Itoa(seconds))
	u.RawQuery = q.Encode()
	ctx, cancel := context.WithTimeout(ctx, time.Duration(seconds)*time.Second+profileSlack)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("reading the CPU profile: %w", err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxProfileBytes+1))
	switch {
	case err != nil:
		return nil, fmt.Errorf("reading the CPU profile from %s: %w", u.Redacted(), err)
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("CPU profile from %s: %s: %s", u.Redacted(), resp.Status, firstLine(data))
	case len(data) > maxProfileBytes:
		return nil, fmt.Errorf("CPU profile from %s: larger than %d bytes", u.Redacted(), maxProfileBytes)
	case len(data) == 0:
		return nil, errors.New("CPU profile: empty answer")
	}
	return data, nil
}

// firstLine is the first line of an error body, for a message.
func firstLine(b []byte) string {
	s, _, _ := strings.Cut(string(b), "\n")
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}
