package pprofmap

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/google/pprof/profile"
)

// Breakdown is a CPU profile summed by component.
type Breakdown struct {
	// Duration is how long the profile ran (its duration_nanos), Period
	// the CPU time one sample stands for (10ms at 100 Hz).
	Duration time.Duration
	Period   time.Duration
	// Samples counts the profile's samples (its samples/count values,
	// not the distinct stacks); Total is their CPU time.
	Samples int64
	Total   time.Duration
	// By is the CPU time of each component that had any.
	By map[Component]time.Duration
	// Excluded is the CPU time of the samples left out (see Of); it is
	// not in Total.
	Excluded time.Duration
}

// Attribute reads a CPU profile (gzipped or not, as runtime/pprof and
// net/http/pprof write it) and sums its CPU time by component.
func Attribute(r io.Reader) (Breakdown, error) {
	p, err := profile.Parse(r)
	if err != nil {
		return Breakdown{}, fmt.Errorf("parsing CPU profile: %w", err)
	}
	return Of(p, nil)
}

// Of sums a parsed CPU profile's CPU time by component. The profile must
// have a sample type "cpu" in nanoseconds. Samples whose stack (leaf
// first) exclude accepts are left out and summed in Excluded: a process
// that also runs something not measured, such as an in-process sink.
func Of(p *profile.Profile, exclude func(stack []string) bool) (Breakdown, error) {
	idx, count := -1, -1
	for i, st := range p.SampleType {
		switch {
		case st.Type == "cpu" && st.Unit == "nanoseconds":
			idx = i
		case st.Type == "samples" && st.Unit == "count":
			count = i
		}
	}
	if idx < 0 {
		return Breakdown{}, errors.New("not a CPU profile: no sample type cpu/nanoseconds")
	}
	b := Breakdown{Duration: time.Duration(p.DurationNanos), Period: time.Duration(p.Period), By: map[Component]time.Duration{}}
	var stack []string
	for _, s := range p.Sample {
		stack = stack[:0]
		for _, loc := range s.Location {
			// Line[0] is the innermost of the functions inlined there.
			for _, ln := range loc.Line {
				if ln.Function != nil {
					stack = append(stack, ln.Function.Name)
				}
			}
		}
		v := time.Duration(s.Value[idx])
		if exclude != nil && exclude(stack) {
			b.Excluded += v
			continue
		}
		n := int64(1)
		if count >= 0 {
			n = s.Value[count]
		}
		b.Samples += n
		b.Total += v
		b.By[Classify(stack)] += v
	}
	return b, nil
}
