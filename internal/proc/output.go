package proc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sync"
)

// maxTailLine bounds each line Tail keeps.
const maxTailLine = 1024

// maxReadyLine bounds the ready line; a longer first line is taken as it
// is at that length (and is then no valid JSON).
const maxReadyLine = 1 << 20

// output is where a process's stderr (and stdout) goes: the log file, the
// tee, and the tail kept for error messages. Lines of stdout and stderr
// are interleaved as they come.
type output struct {
	mu      sync.Mutex
	file    *os.File  // nil without a log file; nil again once closed
	tee     io.Writer // nil without a tee
	max     int       // lines kept in tail
	tail    []string
	partial []byte // the last, unfinished line, for the tail
}

// newOutput creates the log file at path (if any).
func newOutput(path string, tee io.Writer, lines int) (*output, error) {
	if lines <= 0 {
		lines = DefaultTailLines
	}
	o := &output{tee: tee, max: lines}
	if path != "" {
		f, err := os.Create(path)
		if err != nil {
			return nil, fmt.Errorf("creating the process log: %w", err)
		}
		o.file = f
	}
	return o, nil
}

// Write copies b to the log and the tee and keeps its lines for the tail.
// It never fails, so that the process never blocks on its output: a log
// that cannot be written loses what it could not take.
func (o *output) Write(b []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.file != nil {
		_, _ = o.file.Write(b)
	}
	if o.tee != nil {
		_, _ = o.tee.Write(b)
	}
	o.keep(b)
	return len(b), nil
}

// writeLine writes prefix, line and a newline as one write.
func (o *output) writeLine(prefix string, line []byte) {
	b := make([]byte, 0, len(prefix)+len(line)+1)
	b = append(append(append(b, prefix...), line...), '\n')
	_, _ = o.Write(b)
}

// keep adds the lines of b to the tail. o.mu must be held.
func (o *output) keep(b []byte) {
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			room := max(maxTailLine-len(o.partial), 0)
			o.partial = append(o.partial, b[:min(len(b), room)]...)
			return
		}
		room := max(maxTailLine-len(o.partial), 0)
		o.partial = append(o.partial, b[:min(i, room)]...)
		o.tail = append(o.tail, string(o.partial))
		if len(o.tail) > o.max {
			o.tail = o.tail[len(o.tail)-o.max:]
		}
		o.partial = o.partial[:0]
		b = b[i+1:]
	}
}

// tailLines returns the kept lines, the unfinished one last, without empty
// lines at the end.
func (o *output) tailLines() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	lines := append([]string{}, o.tail...)
	if len(o.partial) > 0 {
		lines = append(lines, string(o.partial))
		if len(lines) > o.max {
			lines = lines[1:]
		}
	}
	for len(lines) > 0 && len(bytes.TrimSpace([]byte(lines[len(lines)-1]))) == 0 {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// close closes the log file; later writes reach only the tee and the tail.
func (o *output) close() {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.file != nil {
		_ = o.file.Close()
		o.file = nil
	}
}

// readyWriter is a process's stdout when it announces itself with a ready
// line: it hands the first line to ready and passes the rest to the
// output, line by line, after StdoutPrefix.
type readyWriter struct {
	out   *output
	ready chan json.RawMessage // gets the first line; closed without one

	mu   sync.Mutex
	sent bool   // the first line has gone to ready (or ready is closed)
	buf  []byte // the unfinished line
}

func newReadyWriter(out *output) *readyWriter {
	return &readyWriter{out: out, ready: make(chan json.RawMessage, 1)}
}

// Write splits b into lines.
func (w *readyWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := len(b)
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			w.buf = append(w.buf, b...)
			// A line without end must not grow without bound.
			if limit := w.limit(); len(w.buf) >= limit {
				w.line(w.buf[:limit])
				w.buf = append(w.buf[:0], w.buf[limit:]...)
			}
			break
		}
		w.buf = append(w.buf, b[:i]...)
		w.line(w.buf)
		w.buf = w.buf[:0]
		b = b[i+1:]
	}
	return n, nil
}

// limit is the longest line w holds before passing it on.
func (w *readyWriter) limit() int {
	if !w.sent {
		return maxReadyLine
	}
	return 64 << 10
}

// line passes on one line. w.mu must be held.
func (w *readyWriter) line(l []byte) {
	if !w.sent {
		w.sent = true
		w.ready <- bytes.Clone(l)
		return
	}
	w.out.writeLine(StdoutPrefix, l)
}

// finish passes on the unfinished line and closes ready if no line came.
// Call it once stdout has been read to the end.
func (w *readyWriter) finish() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.buf) > 0 {
		w.line(w.buf)
		w.buf = nil
	}
	if !w.sent {
		w.sent = true
		close(w.ready)
	}
}

// pipes carries a process's stdout and stderr to its output. The child
// gets the write ends as files, so that reaping it never waits for them;
// the parent reads to the end in goroutines of its own.
type pipes struct {
	stdout, stderr *os.File   // the child's ends
	readers        []*os.File // the parent's ends
	done           chan struct{}
}

// newPipes returns the pipes for a process: one for both streams, or,
// with a ready line (rw), one each. done is closed once all have been
// read to the end, rw has finished and out is closed.
func newPipes(out *output, rw *readyWriter) (*pipes, error) {
	or, ow, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	p := &pipes{stdout: ow, stderr: ow, readers: []*os.File{or}, done: make(chan struct{})}
	dst := []io.Writer{out}
	if rw != nil {
		er, ew, err := os.Pipe()
		if err != nil {
			or.Close()
			ow.Close()
			return nil, err
		}
		p.stderr = ew
		p.readers = append(p.readers, er)
		dst = []io.Writer{rw, out}
	}
	go p.copy(dst, out, rw)
	return p, nil
}

// copy reads every pipe to its end into dst.
func (p *pipes) copy(dst []io.Writer, out *output, rw *readyWriter) {
	var wg sync.WaitGroup
	for i, r := range p.readers {
		wg.Go(func() {
			_, _ = io.Copy(dst[i], r)
			r.Close()
		})
	}
	wg.Wait()
	if rw != nil {
		rw.finish()
	}
	out.close()
	close(p.done)
}

// started closes the child's ends in this process, once the child has
// them (or failed to start): then the readers see the end of the output
// when the child and whatever inherited the pipes have gone.
func (p *pipes) started() {
	p.stdout.Close()
	if p.stderr != p.stdout {
		p.stderr.Close()
	}
}
