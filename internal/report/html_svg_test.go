package report

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestLinearTicks(t *testing.T) {
	cases := []struct {
		name     string
		lo, hi   float64
		n        int
		want     []float64
		dlo, dhi float64
	}{
		// Round steps of 1, 2 or 5 and the domain widened to them.
		{"percent", -3, 27, 6, []float64{-5, 0, 5, 10, 15, 20, 25, 30}, -5, 30},
		{"from zero", 0, 1.39e6, 6, []float64{0, 500e3, 1e6, 1.5e6}, 0, 1.5e6},
		// Nothing to span: one unit.
		{"flat", 0, 0, 4, []float64{0, 0.5, 1}, 0, 1},
		{"infinite", math.Inf(-1), math.Inf(1), 4, []float64{0, 0.5, 1}, 0, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, dlo, dhi := linearTicks(tc.lo, tc.hi, tc.n)
			if !slices.Equal(got, tc.want) || dlo != tc.dlo || dhi != tc.dhi {
				t.Errorf("linearTicks(%v, %v, %d) = %v [%v, %v], want %v [%v, %v]", tc.lo, tc.hi, tc.n, got, dlo, dhi, tc.want, tc.dlo, tc.dhi)
			}
		})
	}
}

func TestLogTicks(t *testing.T) {
	cases := []struct {
		name     string
		lo, hi   float64
		want     []float64
		dlo, dhi float64
	}{
		// Several decades: 1-2-5.
		{"decades", 150e3, 1.43e9, []float64{100e3, 200e3, 500e3, 1e6, 2e6, 5e6, 10e6, 20e6, 50e6, 100e6, 200e6, 500e6, 1e9, 2e9}, 100e3, 2e9},
		// Less than a factor 20: every multiple.
		{"narrow", 700e3, 9.9e6, []float64{700e3, 800e3, 900e3, 1e6, 2e6, 3e6, 4e6, 5e6, 6e6, 7e6, 8e6, 9e6, 10e6}, 700e3, 10e6},
		// Ends on ticks stay.
		{"exact", 1e3, 1e6, []float64{1e3, 2e3, 5e3, 10e3, 20e3, 50e3, 100e3, 200e3, 500e3, 1e6}, 1e3, 1e6},
		// Nothing measured (an empty minimum is +Inf): one decade from 1.
		{"nothing", math.Inf(1), 0, []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 1, 10},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, dlo, dhi := logTicks(tc.lo, tc.hi)
			if len(got) != len(tc.want) || dlo != tc.dlo || dhi != tc.dhi {
				t.Fatalf("logTicks(%v, %v) = %v [%v, %v], want %v [%v, %v]", tc.lo, tc.hi, got, dlo, dhi, tc.want, tc.dlo, tc.dhi)
			}
			for i := range got {
				if d := got[i]/tc.want[i] - 1; d > 1e-9 || d < -1e-9 {
					t.Errorf("tick %d = %v, want %v", i, got[i], tc.want[i])
				}
			}
		})
	}
}

func TestSymlogTicks(t *testing.T) {
	cases := []struct {
		name     string
		lo, hi   float64
		want     []float64
		dlo, dhi float64
	}{
		// A few decades: every power of ten.
		{"small", -3, 240, []float64{-10, -1, 0, 1, 10, 100, 1000}, -10, 1000},
		// Many: every other one, without ±1, and the ends.
		{"large", 0, 377000, []float64{0, 100, 10000, 1e6}, 0, 1e6},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, dlo, dhi := symlogTicks(tc.lo, tc.hi)
			if !slices.Equal(got, tc.want) || dlo != tc.dlo || dhi != tc.dhi {
				t.Errorf("symlogTicks(%v, %v) = %v [%v, %v], want %v [%v, %v]", tc.lo, tc.hi, got, dlo, dhi, tc.want, tc.dlo, tc.dhi)
			}
		})
	}
}

func TestChartScale(t *testing.T) {
	cases := []struct {
		name string
		sc   chartScale
		v    float64
		want float64
	}{
		// Linear: proportional, clamped.
		{"linear", chartScale{lo: 0, hi: 10, a: 100, b: 200}, 2.5, 125},
		{"clamped", chartScale{lo: 0, hi: 10, a: 100, b: 200}, 20, 200},
		// Inverted pixel range, as a y axis is.
		{"inverted", chartScale{lo: 0, hi: 10, a: 200, b: 100}, 10, 100},
		// Log: a decade each tenth of the range.
		{"log", chartScale{lo: 1, hi: 1e10, a: 0, b: 100, log: true}, 1e3, 30},
		// Symmetric log: zero stays in place, ±9 one decade out.
		{"symlog zero", chartScale{lo: -99, hi: 99, a: 0, b: 400, symlog: true}, 0, 200},
		{"symlog", chartScale{lo: -99, hi: 99, a: 0, b: 400, symlog: true}, 9, 300},
		// An empty domain maps everything to the start.
		{"empty", chartScale{lo: 5, hi: 5, a: 10, b: 20}, 5, 10},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.sc.px(tc.v); got < tc.want-1e-9 || got > tc.want+1e-9 {
				t.Errorf("px(%v) = %v, want %v", tc.v, got, tc.want)
			}
		})
	}
}

func TestTickFormats(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		// No float noise, no exponent.
		{tickNum(0.6000000000000001), "0.6"},
		{tickNum(1e6), "1000000"},
		{tickNum(-10), "-10"},
		// Durations without dur's trailing zeros.
		{tickDur(2 * time.Second), "2s"},
		{tickDur(50 * time.Millisecond), "50ms"},
		{tickDur(1500 * time.Microsecond), "1.5ms"},
		{tickDur(250 * time.Microsecond), "250µs"},
		{tickDur(0), "0"},
		// Coordinates: one decimal at most.
		{svgNum(12.345), "12.3"},
		{svgNum(7), "7"},
		{svgNum(-0.01), "0"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

// TestSVGEscapes checks that text in a chart cannot break out of it.
func TestSVGEscapes(t *testing.T) {
	s := newSVG(10, 10, "chart", `a "label" <b>`)
	s.text(0, 0, "start", "", "", "</svg><script>alert(1)</script>")
	s.rect(0, 0, 1, 1, "bar", "#000", `tip & <tip>`)
	out := string(s.end())
	for _, bad := range []string{"<script>", "<b>", `"label"`, "<tip>"} {
		if strings.Contains(out, bad) {
			t.Errorf("%q is not escaped: %s", bad, out)
		}
	}
	if strings.Count(out, "</svg>") != 1 {
		t.Errorf("the SVG closes more than once: %s", out)
	}
}
