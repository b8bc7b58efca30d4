package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/otelbench/otelbench/internal/loopback"
	"github.com/otelbench/otelbench/internal/sink"
)

func sinkCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("sink", "otelbench sink [-listen 127.0.0.1:4317] [-delay 0s]", stderr)
	listen := fs.String("listen", "127.0.0.1:4317", "address to listen on (loopback; port 0 picks a free one)")
	delay := fs.Duration("delay", 0, "fixed delay before answering each export")
	every := fs.Duration("every", 5*time.Second, "how often to print the counts (0: only at exit)")
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("sink: unexpected arguments %q", fs.Args())}
	}
	if err := loopback.CheckListen(*listen); err != nil {
		return usageError{fmt.Errorf("sink: -listen %q: %w", *listen, err)}
	}
	s, err := sink.Start(ctx, sink.Options{Listen: *listen, Delay: *delay})
	if err != nil {
		return err
	}
	defer s.Close()
	fmt.Fprintf(stdout, "otelbench sink listening; point exporters at OTEL_EXPORTER_OTLP_ENDPOINT=%s\n", s.Endpoint())
	var tick <-chan time.Time
	if *every > 0 {
		t := time.NewTicker(*every)
		defer t.Stop()
		tick = t.C
	}
	var last sink.Stats
	for {
		select {
		case <-ctx.Done():
			fmt.Fprintf(stdout, "final: %s\n", s.Stats())
			return nil
		case <-tick:
			if st := s.Stats(); st != last {
				fmt.Fprintf(stdout, "%s %s\n", time.Now().Format(time.TimeOnly), st)
				last = st
			}
		}
	}
}
