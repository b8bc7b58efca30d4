package shard

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/otelbench/otelbench/internal/profile"
)

// IDPlaceholder marks the item number in Options.URL.
const IDPlaceholder = "{id}"

// Defaults of Options.
const (
	// DefaultTimeout bounds each request when Options.Timeout is zero.
	DefaultTimeout = 10 * time.Second
	// DefaultMaxWorkers caps the shard's concurrent requests when
	// Options.MaxWorkers is zero (vegeta's own default).
	DefaultMaxWorkers = 512
)

// Options is one shard's part of a cell's load.
type Options struct {
	// URL is the route to load, with IDPlaceholder where the item number
	// goes.
	URL string
	// Rate is this shard's share of the cell's rate, in requests per
	// second; the cell's is Rate × Shards.
	Rate float64
	// Duration is how long the measured attack lasts.
	Duration time.Duration
	// Warmup, when positive, is a warm-up attack at Rate from StartAt,
	// whose results are not kept; the measured attack then starts at
	// StartAt + Warmup. Zero when the caller warmed the target up.
	Warmup time.Duration
	// StartAt is the common wall-clock start of every shard of the cell.
	// A shard that is ready earlier waits; one that is late starts at once
	// and its record says by how much (Skew).
	StartAt time.Time
	// Shard is this shard's index, from 0; Shards how many there are.
	Shard, Shards int
	// FirstItem is the item number of the cell's first measured request
	// (see the package doc); 0 means 1.
	FirstItem uint64
	// Traceparent, when set, gives each request the W3C traceparent of its
	// item number; nil sends none.
	Traceparent func(item uint64) string
	// TracePrefix is recorded as is in the shard's record: the hex of the
	// trace ids' prefix that Traceparent uses.
	TracePrefix string
	// Burst, when set, adds the profile's load spike to the whole cell's
	// schedule; each shard takes its part of it.
	Burst *profile.Burst
	// Timeout bounds each request (DefaultTimeout when zero); MaxWorkers
	// caps this shard's concurrent requests (DefaultMaxWorkers when zero).
	Timeout    time.Duration
	MaxWorkers int
	// Run, Cell and Host are recorded as they are, to tell the shard's
	// record apart from others' when merging.
	Run, Cell, Host string
}

// Validate returns an error naming the field of the first thing wrong.
func (o Options) Validate() error {
	var errs []error
	u, err := url.Parse(strings.ReplaceAll(o.URL, IDPlaceholder, "1"))
	switch {
	case o.URL == "":
		errs = append(errs, errors.New("url: none given"))
	case !strings.Contains(o.URL, IDPlaceholder):
		errs = append(errs, fmt.Errorf("url %q: no %s in it for the item number", o.URL, IDPlaceholder))
	case err != nil:
		errs = append(errs, fmt.Errorf("url %q: %w", o.URL, err))
	case u.Scheme != "http" && u.Scheme != "https":
		errs = append(errs, fmt.Errorf("url %q: scheme must be http or https", o.URL))
	case u.Host == "":
		errs = append(errs, fmt.Errorf("url %q: no host", o.URL))
	}
	if o.Rate <= 0 {
		errs = append(errs, fmt.Errorf("rate %g: must be positive", o.Rate))
	}
	if o.Duration <= 0 {
		errs = append(errs, fmt.Errorf("duration %v: must be positive", o.Duration))
	}
	if o.Warmup < 0 {
		errs = append(errs, fmt.Errorf("warmup %v: must not be negative", o.Warmup))
	}
	if o.Shards < 1 {
		errs = append(errs, fmt.Errorf("shards %d: must be at least 1", o.Shards))
	} else if o.Shard < 0 || o.Shard >= o.Shards {
		errs = append(errs, fmt.Errorf("shard %d: must be from 0 to %d (shards %d)", o.Shard, o.Shards-1, o.Shards))
	}
	if o.StartAt.IsZero() {
		errs = append(errs, errors.New("start-at: none given"))
	}
	if o.Timeout < 0 {
		errs = append(errs, fmt.Errorf("timeout %v: must not be negative", o.Timeout))
	}
	if o.MaxWorkers < 0 {
		errs = append(errs, fmt.Errorf("max-workers %d: must not be negative", o.MaxWorkers))
	}
	return errors.Join(errs...)
}

// item returns the item number of this shard's k-th request (from 0,
// warm-up first).
func (o Options) item(k uint64) uint64 {
	return max(o.FirstItem, 1) + uint64(o.Shard) + k*uint64(o.Shards)
}

// urlFor returns the URL of item n.
func (o Options) urlFor(n uint64) string {
	return strings.Replace(o.URL, IDPlaceholder, fmt.Sprint(n), 1)
}
