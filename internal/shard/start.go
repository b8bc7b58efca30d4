package shard

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
)

// Start is the line a runner writes to an attack process's standard input
// (attack -start-at stdin) once its own warm-up is over: when the measured
// attack starts and the item number its first request has. Starting the
// processes first and telling them the time last keeps their start-up out
// of the measured attack and leaves no pause after the warm-up.
type Start struct {
	At        time.Time `json:"start_at"`
	FirstItem uint64    `json:"first_item"`
}

// maxStartLine bounds the start line.
const maxStartLine = 4096

// WriteStart writes s as one JSON line.
func WriteStart(w io.Writer, s Start) error {
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// ReadStart reads one start line from r.
func ReadStart(r io.Reader) (Start, error) {
	br := bufio.NewReaderSize(io.LimitReader(r, maxStartLine), maxStartLine)
	line, err := br.ReadBytes('\n')
	if err != nil && !(errors.Is(err, io.EOF) && len(line) > 0) {
		if errors.Is(err, io.EOF) {
			return Start{}, errors.New("standard input ended before the start line")
		}
		return Start{}, fmt.Errorf("reading the start line: %w", err)
	}
	var s Start
	if err := json.Unmarshal(line, &s); err != nil {
		return Start{}, fmt.Errorf("start line %q: %w", line, err)
	}
	if s.At.IsZero() {
		return Start{}, fmt.Errorf("start line %q: no start_at", line)
	}
	return s, nil
}
