package shard

import (
	"bufio"
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// Merge reads every result of the gob files srcs, writes them to dst in
// vegeta's gob encoding in timestamp order (ties by Seq), and passes each
// to each, in that order, when each is set. It returns how many it wrote.
// A file that cannot be read to its end is an error naming it: merged
// results must be whole.
func Merge(dst io.Writer, srcs []string, each func(*vegeta.Result)) (int, error) {
	var all []vegeta.Result
	for _, src := range srcs {
		rs, err := readAll(src)
		if err != nil {
			return 0, err
		}
		all = append(all, rs...)
	}
	slices.SortStableFunc(all, func(a, b vegeta.Result) int {
		if c := a.Timestamp.Compare(b.Timestamp); c != 0 {
			return c
		}
		return cmp.Compare(a.Seq, b.Seq)
	})
	bw := bufio.NewWriterSize(dst, 256*1024)
	enc := vegeta.NewEncoder(bw)
	for i := range all {
		if each != nil {
			each(&all[i])
		}
		if err := enc.Encode(&all[i]); err != nil {
			return i, err
		}
	}
	return len(all), bw.Flush()
}

// readAll reads every result of one gob file.
func readAll(path string) ([]vegeta.Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	dec := vegeta.NewDecoder(bufio.NewReaderSize(f, 256*1024))
	var out []vegeta.Result
	for {
		var r vegeta.Result
		if err := dec.Decode(&r); err != nil {
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			return nil, fmt.Errorf("reading %s after %d results: %w", path, len(out), err)
		}
		out = append(out, r)
	}
}
