package summary

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"

	"github.com/otelbench/otelbench/internal/micro"
	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/results"
)

// Micro is the micro benchmark of the target's handler in process (package
// micro) beside the end-to-end figures of the run.
type Micro struct {
	// Missing says why there is no micro figure (n/a); the rest is then
	// empty.
	Missing string `json:"missing,omitempty"`
	// Setups are the benchmark's set-ups, bare first.
	Setups []MicroSetup `json:"setups,omitempty"`
	// Variant is the run's variant it is compared with (the first of
	// kind batch, "batch" if there is one) and Gaps the comparison at
	// each rate.
	Variant string     `json:"variant,omitempty"`
	Gaps    []MicroGap `json:"gaps,omitempty"`
}

// MicroSetup is one set-up's medians over its runs, in ns per request.
type MicroSetup struct {
	Name string `json:"name"`
	Runs int    `json:"runs"`
	// Wall is ns/op; CPU the process's CPU per request less the
	// in-process sink's (cpu-ns/op); Delta CPU − bare's CPU.
	Wall  float64 `json:"wall_ns"`
	CPU   float64 `json:"cpu_ns"`
	Delta float64 `json:"delta_ns"`
	// Components are the profile's ns per request by component.
	Components map[string]float64 `json:"components_ns,omitempty"`
}

// MicroGap sets the end-to-end ΔCPU of one rate beside the micro
// benchmark's (sdk-otlp − bare), and splits the difference by component.
type MicroGap struct {
	Rate int `json:"rate"`
	// EndToEnd is the variant's measured ΔCPU per request against the
	// baseline (medians of repetitions, with its interval); Micro the
	// micro benchmark's; Gap their difference.
	EndToEnd Diff    `json:"end_to_end"`
	Micro    float64 `json:"micro_ns"`
	Gap      float64 `json:"gap_ns"`
	// Components split the gap: each component's end-to-end Δ less its
	// micro Δ, largest first; empty when the rate was not profiled
	// (ComponentsMissing says why).
	Components        []ComponentGap `json:"components,omitempty"`
	ComponentsMissing string         `json:"components_missing,omitempty"`
}

// ComponentGap is one component's share of a MicroGap.
type ComponentGap struct {
	Component string  `json:"component"`
	EndToEnd  float64 `json:"end_to_end_ns"`
	Micro     float64 `json:"micro_ns"`
	Gap       float64 `json:"gap_ns"`
}

// microFigure reads the run's micro benchmark file and compares it with
// the run; never nil.
func microFigure(dir string, s *Summary, p *profile.Profile) *Micro {
	path := filepath.Join(dir, results.MicroFile)
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &Micro{Missing: fmt.Sprintf("the run has no %s: run `make micro` and pass its file to `otelbench run -micro FILE` (make bench does both)", results.MicroFile)}
	}
	if err != nil {
		return &Micro{Missing: err.Error()}
	}
	defer f.Close()
	r, err := micro.Parse(f)
	if err != nil {
		return &Micro{Missing: fmt.Sprintf("%s: %v", results.MicroFile, err)}
	}
	if w := p.Workload; r.CPU != w.CPU.D() || r.ExtraSpans != w.ExtraSpans || w.Sleep.D() != 0 {
		return &Micro{Missing: fmt.Sprintf("%s measured cpu %v with %d extra spans; this run's workload is cpu %v, sleep %v, %d extra spans (set OTELBENCH_MICRO_CPU and OTELBENCH_MICRO_EXTRA_SPANS for make micro)",
			results.MicroFile, r.CPU, r.ExtraSpans, w.CPU.D(), w.Sleep.D(), w.ExtraSpans)}
	}
	m := &Micro{}
	bare, ok := r.Setup(micro.SetupBare)
	bareCPU, ok2 := bare.Median(micro.UnitCPU)
	if !ok || !ok2 {
		return &Micro{Missing: fmt.Sprintf("%s has no %s figure of %s", results.MicroFile, micro.UnitCPU, micro.SetupBare)}
	}
	for _, st := range r.Setups {
		ms := MicroSetup{Name: st.Name, Runs: st.Runs, Components: map[string]float64{}}
		ms.Wall, _ = st.Median(micro.UnitWall)
		ms.CPU, _ = st.Median(micro.UnitCPU)
		ms.Delta = ms.CPU - bareCPU
		for _, c := range componentNames() {
			if v, ok := st.Median(c + micro.ComponentSuffix); ok {
				ms.Components[c] = v
			}
		}
		m.Setups = append(m.Setups, ms)
	}
	otlp, ok := r.Setup(micro.SetupSDKOTLP)
	if !ok {
		m.Missing = fmt.Sprintf("%s has no %s set-up to compare with the run", results.MicroFile, micro.SetupSDKOTLP)
		return m
	}
	m.Variant = microVariant(p)
	if m.Variant == "" {
		m.Missing = "the run has no variant of kind batch to compare with"
		return m
	}
	for _, rs := range s.Rates {
		m.Gaps = append(m.Gaps, microGap(s, rs, m.Variant, bare, otlp))
	}
	return m
}

// microVariant is the variant the micro benchmark's sdk-otlp stands for.
func microVariant(p *profile.Profile) string {
	first := ""
	for _, v := range p.Variants {
		if v.Kind != profile.KindBatch || v.Blocking || v.SDKVersion != "" {
			continue
		}
		if v.Name == "batch" {
			return v.Name
		}
		if first == "" {
			first = v.Name
		}
	}
	return first
}

// microGap compares one rate's end-to-end ΔCPU with the micro one.
func microGap(s *Summary, rs RateSummary, variant string, bare, otlp micro.Setup) MicroGap {
	g := MicroGap{Rate: rs.Rate}
	var row, base *Row
	for i := range rs.Rows {
		switch rs.Rows[i].Variant {
		case variant:
			row = &rs.Rows[i]
		case s.Baseline:
			base = &rs.Rows[i]
		}
	}
	bareCPU, _ := bare.Median(micro.UnitCPU)
	otlpCPU, _ := otlp.Median(micro.UnitCPU)
	g.Micro = otlpCPU - bareCPU
	if row != nil && base != nil {
		g.EndToEnd = NewDiff(row.PerRep.CPUPerReq, base.PerRep.CPUPerReq)
	}
	if !g.EndToEnd.Valid {
		g.ComponentsMissing = "not measured end to end at this rate"
		return g
	}
	g.Gap = g.EndToEnd.Point - g.Micro
	or := overheadRowOf(s.Overhead, rs.Rate, variant)
	if or == nil || or.Reps == 0 {
		g.ComponentsMissing = "the run has no CPU profile of " + variant + " at this rate"
		return g
	}
	for _, c := range or.Components {
		if c.Component == Unprofiled || !c.Delta.Valid {
			continue
		}
		mb, _ := bare.Median(c.Component + micro.ComponentSuffix)
		mo, _ := otlp.Median(c.Component + micro.ComponentSuffix)
		cg := ComponentGap{Component: c.Component, EndToEnd: c.Delta.Point, Micro: mo - mb}
		cg.Gap = cg.EndToEnd - cg.Micro
		g.Components = append(g.Components, cg)
	}
	slices.SortStableFunc(g.Components, func(a, b ComponentGap) int { return cmp.Compare(math.Abs(b.Gap), math.Abs(a.Gap)) })
	return g
}

// overheadRowOf finds a variant's breakdown at a rate.
func overheadRowOf(o *Overhead, rate int, variant string) *OverheadRow {
	if o == nil {
		return nil
	}
	for _, or := range o.Rates {
		if or.Rate != rate {
			continue
		}
		for i := range or.Rows {
			if or.Rows[i].Variant == variant {
				return &or.Rows[i]
			}
		}
	}
	return nil
}
