package summary

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/results"
)

// DefaultBucket is the width of a timeline bucket when the cell recorded
// none: the runner's and the sink's (100 ms).
const DefaultBucket = 100 * time.Millisecond

// cellRaw is what one pass over a cell's results.gob gives: every latency
// (sorted), every latency from the intended send time (sorted), how late
// each request was sent, the counts vegeta keeps, and the timeline.
type cellRaw struct {
	latencies []time.Duration
	intended  []time.Duration
	lags      []time.Duration
	successes uint64
	firstErr  string
	sum       time.Duration
	timeline  *results.Timeline
}

// readRaw reads a cell's results.gob once. A missing, unreadable or
// truncated file is an error: a cell whose results are partial does not
// count. rate and burst give each request's intended send time; tl, when
// the runner recorded one, the origin and width of the timeline's buckets
// and the sink's arrivals.
func readRaw(path string, rate int, burst *profile.Burst, tl *results.Timeline) (*cellRaw, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("no %s", results.ResultsGob)
		}
		return nil, fmt.Errorf("opening %s: %w", results.ResultsGob, unwrapPath(err))
	}
	defer f.Close()
	dec := vegeta.NewDecoder(bufio.NewReaderSize(f, 256*1024))
	var all []vegeta.Result
	for {
		var r vegeta.Result
		if err := dec.Decode(&r); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return nil, fmt.Errorf("reading %s after %d results: %w", results.ResultsGob, len(all), err)
		}
		r.Headers, r.Body = nil, nil
		all = append(all, r)
	}
	if len(all) == 0 {
		return nil, fmt.Errorf("%s holds no results", results.ResultsGob)
	}
	return digest(all, rate, burst, tl), nil
}

// digest computes a cellRaw from a cell's results.
func digest(all []vegeta.Result, rate int, burst *profile.Burst, tl *results.Timeline) *cellRaw {
	c := &cellRaw{latencies: make([]time.Duration, 0, len(all)), intended: make([]time.Duration, 0, len(all)), lags: make([]time.Duration, 0, len(all))}
	first := all[0]
	for _, r := range all {
		if r.Seq < first.Seq {
			first = r
		}
	}
	for _, r := range all {
		c.latencies = append(c.latencies, r.Latency)
		c.sum += r.Latency
		if succeeded(r) {
			c.successes++
		} else if c.firstErr == "" {
			c.firstErr = r.Error
		}
		due := first.Timestamp.Add(burst.Due(float64(rate), float64(r.Seq-first.Seq)))
		lag := max(r.Timestamp.Sub(due), 0)
		c.intended = append(c.intended, r.Latency+lag)
		c.lags = append(c.lags, lag)
	}
	c.timeline = bin(all, first.Timestamp, tl)
	slices.Sort(c.latencies)
	slices.Sort(c.intended)
	slices.Sort(c.lags)
	return c
}

// succeeded is vegeta's own definition of a success.
func succeeded(r vegeta.Result) bool { return r.Code >= 200 && r.Code < 400 }

// bin buckets results by send time. The buckets start at the runner's
// timeline start (the start of the measured attack, from which the sink's
// fault windows and arrivals count) when it recorded one, else at the
// first send; they are as wide as the runner's.
func bin(all []vegeta.Result, firstSend time.Time, rec *results.Timeline) *results.Timeline {
	tl := &results.Timeline{Start: firstSend.UTC(), Bucket: DefaultBucket}
	if rec != nil && rec.Bucket > 0 {
		tl.Start, tl.Bucket, tl.Arrivals = rec.Start, rec.Bucket, rec.Arrivals
	}
	var lat [][]time.Duration
	var errs []int
	for _, r := range all {
		i := max(int(r.Timestamp.Sub(tl.Start)/tl.Bucket), 0)
		for len(lat) <= i {
			lat = append(lat, nil)
			errs = append(errs, 0)
		}
		lat[i] = append(lat[i], r.Latency)
		if !succeeded(r) || r.Error != "" {
			errs[i]++
		}
	}
	tl.Requests = make([]results.Bucket, len(lat))
	for i, l := range lat {
		b := results.Bucket{Requests: len(l), Errors: errs[i]}
		if len(l) > 0 {
			slices.Sort(l)
			b.P50, b.P99, b.Max = NearestRank(l, 0.50), NearestRank(l, 0.99), l[len(l)-1]
		}
		tl.Requests[i] = b
	}
	return tl
}

// unwrapPath drops the path from an *fs.PathError: the caller names the
// cell.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
