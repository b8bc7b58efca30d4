package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/runner"
)

func mergeCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("merge", "otelbench merge -profile FILE [-results DIR] SHARD-FOLDER…", stderr)
	profilePath := fs.String("profile", "", "the profile the shards measured (the one given to otelbench k8s)")
	resultsRoot := fs.String("results", "results", "directory that receives the run directory")
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	if *profilePath == "" {
		return usageError{errors.New("merge: -profile: none given")}
	}
	if fs.NArg() == 0 {
		return usageError{errors.New("merge: no shard folders given")}
	}
	p, err := profile.Load(*profilePath)
	if err != nil {
		var perr *profile.Error
		if errors.As(err, &perr) || errors.Is(err, os.ErrNotExist) || errors.Is(err, os.ErrPermission) {
			return usageError{fmt.Errorf("merge: -profile %s: %w", *profilePath, unwrapPath(err))}
		}
		return err
	}
	if err := checkDir("-results", *resultsRoot); err != nil {
		return usageError{fmt.Errorf("merge: %w", err)}
	}
	dir, err := runner.Merge(ctx, runner.MergeOptions{Profile: p, ResultsRoot: *resultsRoot, Folders: fs.Args()})
	var ierr *runner.InputError
	switch {
	case errors.As(err, &ierr):
		return usageError{fmt.Errorf("merge: %w", err)}
	case err != nil:
		return fmt.Errorf("merge: %w", err)
	}
	if err := writeReports(dir, stdout); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "otelbench: merged run in %s (the load alone: the target and the sink were not measured)\n", dir)
	return nil
}
