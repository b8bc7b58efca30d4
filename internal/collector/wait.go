package collector

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"
)

// readyLine is what the collector logs once every component has started.
// Ports that answer are not enough on their own: a port taken by another
// process between freePorts and the collector's bind answers too, and the
// collector then exits.
var readyLine = []byte("Everything is ready")

// pollInterval is how often waitReady looks again.
const pollInterval = 25 * time.Millisecond

// probeTimeout bounds one connection attempt or metrics request.
const probeTimeout = time.Second

// waitReady returns nil once the collector has logged its ready line, its
// OTLP port accepts a TCP connection and its metrics endpoint answers 200;
// an error when the process exits first or ctx ends.
func (c *Collector) waitReady(ctx context.Context) error {
	tick := time.NewTicker(pollInterval)
	defer tick.Stop()
	var logged, otlpUp, metricsUp bool
	var lastErr error
	for {
		if !logged {
			logged = c.logContains(readyLine)
		}
		if logged && !otlpUp {
			otlpUp, lastErr = c.probeOTLP(ctx)
		}
		if otlpUp && !metricsUp {
			metricsUp, lastErr = c.probeMetrics(ctx)
		}
		if logged && otlpUp && metricsUp {
			return nil
		}
		select {
		case <-c.p.Exited():
			return fmt.Errorf("collector exited before it was ready: %s", c.p.ExitStatus())
		case <-ctx.Done():
			missing := "its ready log line"
			switch {
			case logged && !otlpUp:
				missing = "OTLP port " + c.params.otlpAddr()
			case otlpUp && !metricsUp:
				missing = "metrics endpoint " + c.MetricsURL()
			}
			if lastErr != nil {
				return fmt.Errorf("%w: waiting for %s: %v", context.Cause(ctx), missing, lastErr)
			}
			return fmt.Errorf("%w: waiting for %s", context.Cause(ctx), missing)
		case <-tick.C:
		}
	}
}

// logContains reports whether the collector's log holds s so far.
func (c *Collector) logContains(s []byte) bool {
	b, err := os.ReadFile(c.logPath)
	return err == nil && bytes.Contains(b, s)
}

// probeOTLP reports whether the OTLP port accepts a TCP connection.
func (c *Collector) probeOTLP(ctx context.Context) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", c.params.otlpAddr())
	if err != nil {
		return false, err
	}
	conn.Close()
	return true, nil
}

// probeMetrics reports whether the metrics endpoint answers 200.
func (c *Collector) probeMetrics(ctx context.Context) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.MetricsURL(), nil)
	if err != nil {
		return false, err
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK {
		return false, fmt.Errorf("%s: %s", c.MetricsURL(), resp.Status)
	}
	return true, nil
}
