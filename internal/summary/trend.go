package summary

import (
	"encoding/json"
	"slices"
	"time"

	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/results"
	"github.com/otelbench/otelbench/internal/semver"
)

// Trend is one setup measured with several OpenTelemetry releases: the
// variants of a profile that differ only in their name, sdk_version and
// otelhttp_version, at one rate. Points go from the oldest release to the
// newest, which is the Reference every other point is compared with: a
// positive change means that release cost more than the newest.
type Trend struct {
	Rate int          `json:"rate"`
	Kind profile.Kind `json:"kind"`
	// Reference names the variant of the newest release (the first in
	// profile order when two have it).
	Reference string       `json:"reference"`
	Points    []TrendPoint `json:"points"`
}

// TrendPoint is one release of a Trend: the figures of its row and their
// changes against the Reference's (NewDelta over the repetitions; not
// Valid for the Reference itself or a row without repetitions).
type TrendPoint struct {
	Variant  string `json:"variant"`
	Otel     string `json:"otel"`
	Otelhttp string `json:"otelhttp,omitempty"`
	Reps     int    `json:"reps"`

	CPUPerRequest          time.Duration `json:"cpu_per_request"`
	AllocBytesPerRequest   float64       `json:"alloc_bytes_per_request"`
	AllocObjectsPerRequest float64       `json:"alloc_objects_per_request"`
	P50                    time.Duration `json:"p50"`
	P99                    time.Duration `json:"p99"`

	CPUDelta          Delta `json:"cpu_delta"`
	AllocBytesDelta   Delta `json:"alloc_bytes_delta"`
	AllocObjectsDelta Delta `json:"alloc_objects_delta"`
	P50Delta          Delta `json:"p50_delta"`
	P99Delta          Delta `json:"p99_delta"`
}

// releasesOf returns the otel and otelhttp releases v's target was built
// with: from run.json's modules, else the profile's sdk_version.
func releasesOf(l *results.Loaded, v profile.Variant) (otel, otelhttp string) {
	for _, vs := range l.Run.Variants {
		if vs.Name == v.Name && vs.Modules[results.ModuleOtel] != "" {
			return vs.Modules[results.ModuleOtel], vs.Modules[results.ModuleOtelhttp]
		}
	}
	return v.SDKVersion, v.OtelhttpVersion
}

// trends groups the traced variants of p whose settings are the same but
// for their releases, and for every group with at least two releases lays
// out one Trend per rate of s.
func trends(s *Summary, p *profile.Profile) []Trend {
	var out []Trend
	for _, group := range releaseGroups(s, p) {
		for _, rs := range s.Rates {
			out = append(out, trendAt(s, group, rs.Rate))
		}
	}
	return out
}

// releaseGroups returns the groups of variants (as s describes them, in
// profile order) that differ only in their releases and have at least two
// different otel releases, each sorted oldest release first.
func releaseGroups(s *Summary, p *profile.Profile) [][]VariantInfo {
	var keys []string
	groups := map[string][]VariantInfo{}
	for _, v := range p.Variants {
		vi, ok := s.Variant(v.Name)
		if !ok || v.Kind == profile.KindNone || vi.Otel == "" {
			continue
		}
		v.Name, v.SDKVersion, v.OtelhttpVersion = "", "", ""
		b, err := json.Marshal(v)
		if err != nil {
			continue
		}
		k := string(b)
		if _, seen := groups[k]; !seen {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], vi)
	}
	var out [][]VariantInfo
	for _, k := range keys {
		g := groups[k]
		releases := map[string]bool{}
		for _, vi := range g {
			releases[vi.Otel] = true
		}
		if len(releases) < 2 {
			continue
		}
		slices.SortStableFunc(g, func(a, b VariantInfo) int { return semver.Compare(a.Otel, b.Otel) })
		out = append(out, g)
	}
	return out
}

// trendAt is the Trend of one group at one rate: the newest release that
// was measured there is the reference.
func trendAt(s *Summary, group []VariantInfo, rate int) Trend {
	t := Trend{Rate: rate, Kind: group[0].Kind}
	var ref *Row
	newest := ""
	for _, vi := range group { // oldest first: a later one replaces only if newer
		if r := s.Row(vi.Name, rate); r != nil && (ref == nil || semver.Compare(vi.Otel, newest) > 0) {
			ref, t.Reference, newest = r, vi.Name, vi.Otel
		}
	}
	for _, vi := range group {
		pt := TrendPoint{Variant: vi.Name, Otel: vi.Otel, Otelhttp: vi.Otelhttp}
		if r := s.Row(vi.Name, rate); r != nil {
			pt.Reps = r.Reps
			pt.CPUPerRequest, pt.P50, pt.P99 = r.CPUPerRequest, r.Latency.P50, r.Latency.P99
			pt.AllocBytesPerRequest, pt.AllocObjectsPerRequest = r.AllocBytesPerRequest, r.AllocObjectsPerRequest
			if ref != nil && r != ref {
				pt.CPUDelta = NewDelta(r.PerRep.CPUPerReq, ref.PerRep.CPUPerReq)
				pt.AllocBytesDelta = NewDelta(r.PerRep.AllocBytes, ref.PerRep.AllocBytes)
				pt.AllocObjectsDelta = NewDelta(r.PerRep.AllocObjects, ref.PerRep.AllocObjects)
				pt.P50Delta = NewDelta(r.PerRep.P50, ref.PerRep.P50)
				pt.P99Delta = NewDelta(r.PerRep.P99, ref.PerRep.P99)
			}
		}
		t.Points = append(t.Points, pt)
	}
	return t
}
