package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// newFlagSet returns a flag set that reports errors instead of exiting.
func newFlagSet(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: %s\n\nflags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args; -h is not an error, anything else wrong is bad usage.
func parseFlags(fs *flag.FlagSet, args []string) (help bool, err error) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return true, nil
		}
		return false, usageError{err}
	}
	return false, nil
}

// checkExecutable returns an error naming flag and path unless path is an
// executable regular file (after symbolic links).
func checkExecutable(flag, path string) error {
	st, err := os.Stat(path)
	switch {
	case err != nil:
		return fmt.Errorf("%s %s: %w", flag, path, unwrapPath(err))
	case st.IsDir():
		return fmt.Errorf("%s %s: is a directory, not a program", flag, path)
	case !st.Mode().IsRegular():
		return fmt.Errorf("%s %s: is not a regular file, not a program", flag, path)
	case st.Mode().Perm()&0o111 == 0:
		return fmt.Errorf("%s %s: is not executable (mode %v)", flag, path, st.Mode().Perm())
	}
	return nil
}

// checkDir returns an error naming flag and path when path, a directory
// to write in or create, exists but is no directory, or lies below a file.
func checkDir(flag, path string) error {
	st, err := os.Stat(path)
	switch {
	case err == nil && !st.IsDir():
		return fmt.Errorf("%s %s: not a directory", flag, path)
	case errors.Is(err, syscall.ENOTDIR):
		// Some directory above path is a file: name it.
		for p := filepath.Dir(path); p != filepath.Dir(p); p = filepath.Dir(p) {
			if st, err := os.Stat(p); err == nil && !st.IsDir() {
				return fmt.Errorf("%s %s: not a directory: %s is a file", flag, path, p)
			}
		}
		return fmt.Errorf("%s %s: not a directory", flag, path)
	}
	return nil
}

// unwrapPath returns the cause of a *fs.PathError, whose operation and path
// the caller names itself.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
