package collector

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/otelbench/otelbench/internal/proc"
)

// DefaultStartTimeout bounds how long Start waits for the collector to
// answer on both of its ports when Options.StartTimeout is zero. A cold
// start takes well under a second; the margin is for a loaded machine.
const DefaultStartTimeout = 30 * time.Second

// DefaultStopTimeout bounds how long Stop waits after SIGTERM before it
// kills the process group, when Options.StopTimeout is zero. The collector
// drains its pipeline on SIGTERM; with the nop exporter that is quick.
const DefaultStopTimeout = 10 * time.Second

// startAttempts is how many times Start picks new ports when the collector
// finds one of them taken (see freePorts).
const startAttempts = 3

// Options configures Start.
type Options struct {
	// Binary is the collector executable, usually DefaultBinary(repoRoot).
	// Required.
	Binary string

	// Dir receives the generated configuration (otelcol.yaml) and the
	// collector's output (otelcol.log), both rewritten on every start.
	// Required; it is created if missing.
	Dir string

	// BatchProcessor puts the collector's batch processor (its defaults:
	// 8192 spans or 200 ms) between the receiver and the nop exporter. Off,
	// the receiver hands each Export call's spans straight to the exporter,
	// so the collector adds the least work and delay of its own. It changes
	// when the exporter side counts spans, not what the receiver counts.
	BatchProcessor bool

	// Env is appended to this process's environment for the collector,
	// e.g. GOMAXPROCS=1 or GOMEMLIMIT=256MiB.
	Env []string

	// Stderr, when not nil, also receives the collector's output, which
	// always goes to Dir/otelcol.log.
	Stderr io.Writer

	// StartTimeout bounds Start's wait for the collector to be ready; zero
	// means DefaultStartTimeout.
	StartTimeout time.Duration

	// StopTimeout bounds Stop's wait after SIGTERM; zero means
	// DefaultStopTimeout.
	StopTimeout time.Duration
}

// Collector is one running collector process. Its methods are safe for
// concurrent use. Call Stop when done: until then the process runs, and a
// goroutine waits for it.
type Collector struct {
	params      configParams
	configPath  string
	logPath     string
	stopTimeout time.Duration
	client      *http.Client  // for the metrics endpoint; loopback, no proxy
	p           *proc.Process // the collector process, its output in logPath

	stopOnce sync.Once
	stopErr  error
}

// Start writes a configuration to opts.Dir, starts the collector with it
// and returns once the collector has logged that it is ready, its OTLP port
// accepts connections and its metrics endpoint answers. When the collector
// finds a port it was given taken, Start tries again with new ones.
//
// ctx bounds only the start, not the life of the process: that lasts
// until Stop (or until this process dies, on Linux).
func Start(ctx context.Context, opts Options) (*Collector, error) {
	if opts.Binary == "" {
		return nil, errors.New("collector: no binary given (see DefaultBinary; build it with `make collector`)")
	}
	if opts.Dir == "" {
		return nil, errors.New("collector: no directory given for its configuration and log")
	}
	// The collector runs in Dir: make both paths independent of ours.
	var err error
	if opts.Binary, err = filepath.Abs(opts.Binary); err != nil {
		return nil, err
	}
	if opts.Dir, err = filepath.Abs(opts.Dir); err != nil {
		return nil, err
	}
	if fi, err := os.Stat(opts.Binary); err != nil {
		return nil, fmt.Errorf("collector binary %s: %w (build it with `make collector`, or set %s)", opts.Binary, err, EnvBinary)
	} else if fi.IsDir() || fi.Mode()&0o111 == 0 {
		return nil, fmt.Errorf("collector binary %s is not an executable file", opts.Binary)
	}
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("collector directory: %w", err)
	}
	timeout := opts.StartTimeout
	if timeout <= 0 {
		timeout = DefaultStartTimeout
	}
	errTimeout := fmt.Errorf("collector not ready within %v", timeout)
	ctx, cancel := context.WithTimeoutCause(ctx, timeout, errTimeout)
	defer cancel()

	for range startAttempts {
		var c *Collector
		c, err = startOnce(ctx, opts)
		if err == nil {
			return c, nil
		}
		if !errors.Is(err, errAddrInUse) || ctx.Err() != nil {
			break
		}
	}
	return nil, err
}

// errAddrInUse marks a start that failed because a port was taken.
var errAddrInUse = errors.New("a port was taken")

// startOnce is one attempt of Start, with fresh ports. On failure nothing
// of it is left running.
func startOnce(ctx context.Context, opts Options) (*Collector, error) {
	ports, err := freePorts(3)
	if err != nil {
		return nil, err
	}
	c := &Collector{
		params:      configParams{OTLPPort: ports[0], MetricsPort: ports[1], HTTPPort: ports[2], Batch: opts.BatchProcessor},
		configPath:  filepath.Join(opts.Dir, configFile),
		logPath:     filepath.Join(opts.Dir, logFile),
		stopTimeout: opts.StopTimeout,
		client:      newMetricsClient(),
	}
	if c.stopTimeout <= 0 {
		c.stopTimeout = DefaultStopTimeout
	}
	if err := os.WriteFile(c.configPath, renderConfig(c.params), 0o644); err != nil {
		return nil, fmt.Errorf("writing collector configuration: %w", err)
	}
	env := append(os.Environ(), opts.Env...)
	if err := c.run(opts.Binary, collectorArgs(c.configPath), env, opts.Dir, opts.Stderr); err != nil {
		return nil, fmt.Errorf("starting collector %s: %w", opts.Binary, err)
	}

	if err := c.waitReady(ctx); err != nil {
		_ = c.kill()
		c.client.CloseIdleConnections()
		tail := c.logTail()
		if isAddrInUse(tail) {
			err = fmt.Errorf("%w: %w", errAddrInUse, err)
		}
		return nil, fmt.Errorf("%w (config %s)%s", err, c.configPath, indent(tail))
	}
	return c, nil
}

// newMetricsClient returns the HTTP client for the metrics endpoint: its
// own transport, so that Stop can close its idle connections, and no
// proxy, whatever HTTP_PROXY says.
func newMetricsClient() *http.Client {
	return &http.Client{Transport: &http.Transport{Proxy: nil, DisableCompression: true}}
}

// logTailLines is how many of the collector's last lines of output an
// error message quotes.
const logTailLines = 40

// run starts bin in a process group of its own, with exactly env as its
// environment, in dir, its output going to c.logPath and to tee (if set).
func (c *Collector) run(bin string, args, env []string, dir string, tee io.Writer) error {
	p, err := proc.Start(context.Background(), proc.Options{
		Path: bin, Args: args, Env: env, Dir: dir,
		LogPath: c.logPath, Tee: tee, TailLines: logTailLines,
	})
	if err != nil {
		return err
	}
	c.p = p
	return nil
}

// Endpoint is the OTLP/gRPC endpoint in the form OTEL_EXPORTER_OTLP_ENDPOINT
// and otlptracegrpc.WithEndpointURL want: http://127.0.0.1:PORT (plain
// text; the scheme is what tells the exporter not to use TLS).
func (c *Collector) Endpoint() string {
	return "http://" + c.params.otlpAddr()
}

// HTTPEndpoint is the OTLP/HTTP receiver's base URL,
// http://127.0.0.1:PORT: an exporter given it as
// OTEL_EXPORTER_OTLP_ENDPOINT posts to /v1/traces there.
func (c *Collector) HTTPEndpoint() string {
	return "http://" + c.params.httpAddr()
}

// HTTPAddr is the OTLP/HTTP receiver's host:port.
func (c *Collector) HTTPAddr() string {
	return c.params.httpAddr()
}

// OTLPAddr is the OTLP/gRPC receiver's host:port, for
// otlptracegrpc.WithEndpoint together with WithInsecure.
func (c *Collector) OTLPAddr() string {
	return c.params.otlpAddr()
}

// MetricsURL is where the collector serves its own metrics, Prometheus text.
func (c *Collector) MetricsURL() string {
	return "http://" + c.params.metricsAddr() + "/metrics"
}

// Pid is the collector's process id, also its process group id.
func (c *Collector) Pid() int {
	return c.p.Pid()
}

// ConfigPath is the configuration file the collector runs with.
func (c *Collector) ConfigPath() string {
	return c.configPath
}

// LogPath is the file that holds the collector's output.
func (c *Collector) LogPath() string {
	return c.logPath
}

// Exited is closed when the collector process has ended, whether by Stop
// or on its own.
func (c *Collector) Exited() <-chan struct{} {
	return c.p.Exited()
}

// Stop ends the collector: SIGTERM, which makes it drain its pipeline and
// exit, then, if it has not exited within Options.StopTimeout or ctx ends
// first, SIGKILL to its whole process group. It returns once the process
// has been reaped (or could not be, after SIGKILL, within a few seconds).
// The error says if it had to kill, or if the collector had already died
// or exited with a failure. Later calls return the first call's result.
func (c *Collector) Stop(ctx context.Context) error {
	c.stopOnce.Do(func() {
		c.stopErr = c.stop(ctx)
		c.client.CloseIdleConnections()
	})
	return c.stopErr
}

// stop does Stop's work once.
func (c *Collector) stop(ctx context.Context) error {
	_, err := c.p.Stop(ctx, c.stopTimeout)
	switch {
	case errors.Is(err, proc.ErrExited):
		return fmt.Errorf("collector (pid %d) %w%s", c.Pid(), err, indent(c.logTail()))
	case err != nil:
		return fmt.Errorf("collector (pid %d) %w", c.Pid(), err)
	}
	if werr := c.p.Err(); werr != nil && !killedBy(werr, syscall.SIGTERM) {
		return fmt.Errorf("collector (pid %d) exited after SIGTERM with %v%s", c.Pid(), werr, indent(c.logTail()))
	}
	return nil
}

// killedBy reports whether a process that ended with err died of sig. The
// collector exits 0 on SIGTERM; a wrapper script may die of it instead,
// which is as clean a stop.
func killedBy(err error, sig syscall.Signal) bool {
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		return false
	}
	ws, ok := ee.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == sig
}

// kill sends SIGKILL to the collector's process group and waits, bounded,
// for the collector to be reaped.
func (c *Collector) kill() error {
	return c.p.Kill()
}

// logTail returns the collector's last lines of output, for error messages.
func (c *Collector) logTail() string {
	return strings.Join(c.p.Tail(), "\n")
}

// indent formats a log tail to follow an error message on lines of its own.
func indent(tail string) string {
	if tail == "" {
		return ""
	}
	return "\ncollector log (last " + strconv.Itoa(strings.Count(tail, "\n")+1) + " lines):\n" + tail
}
