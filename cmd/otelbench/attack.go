package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/otelbench/otelbench/internal/loopback"
	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/results"
	"github.com/otelbench/otelbench/internal/runner"
	"github.com/otelbench/otelbench/internal/shard"
)

// Environment variables the attack command reads when its flag is not
// given: Kubernetes sets the first in every pod of an Indexed Job, the
// manifests of `otelbench k8s` the second (downward API).
const (
	envJobIndex = "JOB_COMPLETION_INDEX"
	envNodeName = "NODE_NAME"
)

// startAtStdin is the -start-at value that reads the start from standard
// input (shard.Start), after a ready line on stdout: how the runner starts
// its shards.
const startAtStdin = "stdin"

func attackCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("attack", "otelbench attack -url URL -rate R -duration D -start-at TIME -shard I -shards N -o DIR", stderr)
	var o shard.Options
	fs.StringVar(&o.URL, "url", "", "the route to load, {id} marking the item number, e.g. http://target:8080/process/{id}")
	fs.Float64Var(&o.Rate, "rate", 0, "this shard's share of the cell's rate, in requests/s (the cell's rate ÷ -shards)")
	fs.DurationVar(&o.Duration, "duration", 0, "how long the measured attack lasts")
	fs.DurationVar(&o.Warmup, "warmup", 0, "a warm-up attack from -start-at whose results are not kept; the measured attack starts after it")
	startAt := fs.String("start-at", "", "the common start of every shard: an RFC 3339 time (2026-12-01T12:00:00Z), or \"stdin\" to print a ready line and read the start from standard input")
	fs.IntVar(&o.Shard, "shard", -1, "this shard's index, from 0 (default: $"+envJobIndex+")")
	fs.IntVar(&o.Shards, "shards", 1, "how many shards the cell's load is split into")
	fs.Uint64Var(&o.FirstItem, "first-item", 1, "the item number of the cell's first measured request; shard i sends first-item+i+k·shards")
	fs.StringVar(&o.TracePrefix, "trace-prefix", "", "16 hex digits: send a sampled traceparent whose trace id derives from the item number under this prefix (as the runner's); none without it")
	fs.DurationVar(&o.Timeout, "timeout", shard.DefaultTimeout, "per request")
	fs.IntVar(&o.MaxWorkers, "max-workers", shard.DefaultMaxWorkers, "this shard's cap on concurrent requests")
	burstAt := fs.Duration("burst-at", 0, "with -burst-factor: when the cell's load spike starts, from the start of the measured attack")
	burstLen := fs.Duration("burst-length", 0, "with -burst-factor: how long it lasts")
	burstFactor := fs.Float64("burst-factor", 0, "the spike's rate as a multiple of the cell's rate (0: none)")
	out := fs.String("o", "", "the shard folder to write results.gob and shard.json into (created)")
	fs.StringVar(&o.Run, "run", "", "the run this shard belongs to, recorded for merge")
	fs.StringVar(&o.Cell, "cell", "", "the cell directory name this shard belongs to (NNN-<variant>-r<rate>-rep<k>), recorded for merge")
	remote := fs.Bool("remote", false, "allow a -url host other than loopback (a pod loading a Service); without it otelbench never sends load off the machine")
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("attack: unexpected arguments %q", fs.Args())}
	}
	bad := func(err error) error { return usageError{fmt.Errorf("attack: %w", err)} }
	if o.Shard < 0 {
		v, ok := os.LookupEnv(envJobIndex)
		if !ok {
			return bad(fmt.Errorf("-shard: none given and no $%s", envJobIndex))
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			return bad(fmt.Errorf("$%s %q: not a number", envJobIndex, v))
		}
		o.Shard = n
	}
	if *out == "" {
		return bad(errors.New("-o: no shard folder given"))
	}
	if err := checkDir("-o", *out); err != nil {
		return bad(err)
	}
	if o.Cell != "" {
		if _, _, _, _, err := results.ParseCellDirName(o.Cell); err != nil {
			return bad(fmt.Errorf("-cell: %w", err))
		}
	}
	if *burstFactor != 0 {
		o.Burst = &profile.Burst{At: profile.Duration(*burstAt), Length: profile.Duration(*burstLen), Factor: *burstFactor}
		if *burstFactor <= 0 || *burstLen <= 0 || *burstAt < 0 {
			return bad(fmt.Errorf("-burst-factor %g, -burst-length %v, -burst-at %v: a burst needs a positive factor and length", *burstFactor, *burstLen, *burstAt))
		}
	}
	if o.TracePrefix != "" {
		tp, err := runner.TraceparentsFor(o.TracePrefix)
		if err != nil {
			return bad(fmt.Errorf("-trace-prefix: %w", err))
		}
		o.Traceparent = tp
	}
	o.Host = os.Getenv(envNodeName)
	if o.Host == "" {
		o.Host, _ = os.Hostname()
	}
	fromStdin := *startAt == startAtStdin
	if !fromStdin {
		t, err := time.Parse(time.RFC3339Nano, *startAt)
		if err != nil {
			return bad(fmt.Errorf("-start-at %q: not an RFC 3339 time nor %q", *startAt, startAtStdin))
		}
		o.StartAt = t
	} else {
		o.StartAt = time.Now() // checked now, replaced by the start line
	}
	if err := o.Validate(); err != nil {
		return bad(err)
	}
	if u, err := url.Parse(strings.ReplaceAll(o.URL, shard.IDPlaceholder, "1")); err == nil && !loopback.IsHost(u.Hostname()) && !*remote {
		return bad(fmt.Errorf("-url %s: %s is not a loopback host; pass -remote to load another machine", o.URL, u.Hostname()))
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return fmt.Errorf("attack: -o: %w", err)
	}
	f, err := os.Create(filepath.Join(*out, results.ResultsGob))
	if err != nil {
		return fmt.Errorf("attack: -o: %w", err)
	}
	defer f.Close()
	if fromStdin {
		fmt.Fprintf(stdout, "{\"shard\":%d,\"shards\":%d,\"pid\":%d}\n", o.Shard, o.Shards, os.Getpid())
		st, err := readStart(ctx)
		if err != nil {
			return fmt.Errorf("attack: -start-at stdin: %w", err)
		}
		o.StartAt, o.FirstItem = st.At, st.FirstItem
	}
	rec, runErr := shard.Run(ctx, o, f)
	if err := f.Close(); err != nil && runErr == nil {
		runErr = err
	}
	if runErr != nil {
		return fmt.Errorf("attack: writing %s: %w", f.Name(), runErr)
	}
	if err := shard.WriteRecord(*out, rec); err != nil {
		return fmt.Errorf("attack: %w", err)
	}
	fmt.Fprintf(stderr, "otelbench attack: shard %d of %d: %d requests, %.1f/s of %.1f/s asked, start skew %v, CPU %v (%s per request)\n",
		rec.Index, rec.Of, rec.Requests, rec.AchievedRate, rec.RequestedRate, rec.Skew, rec.CPU, rec.CPUPerRequest())
	if rec.Interrupted {
		return interruptedError{errors.New("attack: interrupted; the results written are partial")}
	}
	return nil
}

// readStart reads the start line from standard input, until ctx ends.
func readStart(ctx context.Context) (shard.Start, error) {
	type res struct {
		s   shard.Start
		err error
	}
	ch := make(chan res, 1)
	go func() {
		s, err := shard.ReadStart(os.Stdin)
		ch <- res{s, err}
	}()
	select {
	case r := <-ch:
		return r.s, r.err
	case <-ctx.Done():
		return shard.Start{}, interruptedError{errors.New("interrupted before the start line")}
	}
}

// shardsFlag checks run's -shards and finds this executable, which the
// shards run.
func shardsFlag(n int) (int, string, error) {
	if n == 0 {
		return 0, "", nil
	}
	if n < 0 || n > runner.MaxShards {
		return 0, "", usageError{fmt.Errorf("run: -shards %d: must be from 1 to %d (0: the in-process attacker)", n, runner.MaxShards)}
	}
	self, err := os.Executable()
	if err != nil {
		return 0, "", fmt.Errorf("run: -shards: finding otelbench itself: %w", err)
	}
	return n, self, nil
}
