package report

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"slices"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/otelbench/otelbench/internal/results"
)

// The HTML report's charts of raw results need more than the Summary holds:
// the whole latency distribution and its course over time. This file reads
// the cells' results.gob and prepares those series, so that the chart code
// only maps numbers to pixels.

// Shape of the prepared series.
const (
	// spectrumPoints is how many quantiles a latency spectrum has, evenly
	// spaced on the log scale of 1/(1−q).
	spectrumPoints = 41
	// spectrumMaxQ is the highest quantile of a spectrum.
	spectrumMaxQ = 0.9999
	// timelineBin is the width of a timeline bin.
	timelineBin = 250 * time.Millisecond
)

// rawSample is what the charts use of one vegeta result.
type rawSample struct {
	at      time.Time
	latency time.Duration
	failed  bool
}

// readSamples reads a cell's results.gob. A truncated file yields what it
// holds and an error. Errors leave the path out: the caller names the cell.
func readSamples(path string) ([]rawSample, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("no %s", results.ResultsGob)
		}
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("opening %s: %w", results.ResultsGob, err)
	}
	defer f.Close()
	dec := vegeta.NewDecoder(bufio.NewReaderSize(f, 256*1024))
	var out []rawSample
	for {
		var r vegeta.Result
		if err := dec.Decode(&r); err != nil {
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			return out, fmt.Errorf("reading %s after %d results: %w", results.ResultsGob, len(out), err)
		}
		out = append(out, rawSample{
			at:      r.Timestamp,
			latency: r.Latency,
			// As vegeta counts successes.
			failed: r.Error != "" || r.Code < 200 || r.Code >= 400,
		})
	}
}

// quantilePoint is the latency at quantile Q.
type quantilePoint struct {
	Q       float64
	Latency time.Duration
}

// spectrumLevels returns n quantiles from 0 to maxQ evenly spaced in
// log10(1/(1−q)), the x axis of an HdrHistogram percentile plot: with maxQ
// 0.9999 and n 41, ten points per nine (0.9, 0.99, …).
func spectrumLevels(n int, maxQ float64) []float64 {
	if n < 2 {
		return []float64{0}
	}
	top := -math.Log10(1 - maxQ)
	qs := make([]float64, n)
	for i := range qs {
		// Rounded, so that 90% is 0.9 and not 0.9000000000000028, which
		// would take the next rank.
		qs[i] = math.Round((1-math.Pow(10, -top*float64(i)/float64(n-1)))*1e12) / 1e12
	}
	qs[n-1] = maxQ // exact, whatever the rounding
	return qs
}

// latencySpectrum returns the latency of sorted (ascending) at each of levels, by
// nearest rank. Levels beyond what the samples resolve (q > 1 − 1/n, where
// no sample lies above) are left out and the maximum ends the spectrum at
// q = 1 − 1/n, so that a short run does not draw a flat tail it never
// measured.
func latencySpectrum(sorted []time.Duration, levels []float64) []quantilePoint {
	n := len(sorted)
	switch n {
	case 0:
		return nil
	case 1:
		return []quantilePoint{{Q: 0, Latency: sorted[0]}}
	}
	limit := 1 - 1/float64(n)
	var out []quantilePoint
	for _, q := range levels {
		if q > limit+1e-12 {
			break
		}
		out = append(out, quantilePoint{Q: q, Latency: sorted[nearestRank(n, q)]})
	}
	if out[len(out)-1].Q < limit-1e-12 {
		out = append(out, quantilePoint{Q: limit, Latency: sorted[n-1]})
	}
	return out
}

// nearestRank is the nearest-rank index of quantile q among n sorted
// values: the smallest whose rank reaches q·n, give or take float noise.
func nearestRank(n int, q float64) int {
	i := int(math.Ceil(q*float64(n)-1e-6)) - 1
	return min(max(i, 0), n-1)
}

// timeBin is one timeline bin of a cell.
type timeBin struct {
	// Start is the bin's start from the cell's first request.
	Start time.Duration
	// Requests counts requests sent in the bin; Rate is them per second and
	// Failed those that failed.
	Requests int
	Rate     float64
	Failed   int
	// P99 is the nearest-rank p99 latency of the bin's requests.
	P99 time.Duration
}

// binTimeline bins samples by send time into bins of width w from the first
// send. Bins without requests are kept (Rate 0), so that a stall shows.
func binTimeline(samples []rawSample, w time.Duration) []timeBin {
	if len(samples) == 0 || w <= 0 {
		return nil
	}
	first := samples[0].at
	for _, s := range samples {
		if s.at.Before(first) {
			first = s.at
		}
	}
	var lat [][]time.Duration
	var failed []int
	for _, s := range samples {
		i := int(s.at.Sub(first) / w)
		for len(lat) <= i {
			lat = append(lat, nil)
			failed = append(failed, 0)
		}
		lat[i] = append(lat[i], s.latency)
		if s.failed {
			failed[i]++
		}
	}
	bins := make([]timeBin, len(lat))
	for i, ls := range lat {
		b := timeBin{Start: time.Duration(i) * w, Requests: len(ls), Rate: float64(len(ls)) / w.Seconds(), Failed: failed[i]}
		if len(ls) > 0 {
			slices.Sort(ls)
			b.P99 = ls[nearestRank(len(ls), 0.99)]
		}
		bins[i] = b
	}
	return bins
}

// rawKey names a variant at a rate.
type rawKey struct {
	rate    int
	variant string
}

// rawSeries holds the series the HTML report draws from raw results.
type rawSeries struct {
	// spectra pools the successful repetitions of each variant at each rate.
	spectra map[rawKey][]quantilePoint
	// samples counts the requests behind each spectrum.
	samples map[rawKey]int
	// timelines holds each cell's bins, by cell directory.
	timelines map[string][]timeBin
	// problems says which results could not be read.
	problems []string
}

// loadSeries reads the results.gob of every successful cell of l, one
// variant and rate at a time so that at most one pool is in memory.
func loadSeries(l *results.Loaded) *rawSeries {
	rs := &rawSeries{
		spectra:   map[rawKey][]quantilePoint{},
		samples:   map[rawKey]int{},
		timelines: map[string][]timeBin{},
	}
	if l == nil {
		return rs
	}
	var keys []rawKey
	cells := map[rawKey][]results.Cell{}
	for _, c := range l.Cells {
		if c.Status != results.StatusOK {
			continue
		}
		k := rawKey{c.Rate, c.Variant}
		if _, ok := cells[k]; !ok {
			keys = append(keys, k)
		}
		cells[k] = append(cells[k], c)
	}
	levels := spectrumLevels(spectrumPoints, spectrumMaxQ)
	for _, k := range keys {
		var pool []time.Duration
		for _, c := range cells[k] {
			ss, err := readSamples(l.CellPath(c, results.ResultsGob))
			if err != nil {
				rs.problems = append(rs.problems, fmt.Sprintf("cell %s: %v", c.Dir, err))
			}
			if len(ss) == 0 {
				continue
			}
			rs.timelines[c.Dir] = binTimeline(ss, timelineBin)
			for _, s := range ss {
				pool = append(pool, s.latency)
			}
		}
		slices.Sort(pool)
		rs.spectra[k] = latencySpectrum(pool, levels)
		rs.samples[k] = len(pool)
	}
	return rs
}
