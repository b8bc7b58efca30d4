package advise

import (
	"cmp"
	"slices"
	"time"

	"github.com/otelbench/otelbench/internal/predict"
	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/settings"
	"github.com/otelbench/otelbench/internal/summary"
)

// Schema is the version of Advice's JSON layout. It grows when a field
// changes meaning or disappears, not when one is added.
const Schema = 2

// Advice is the answer for one run: the settings to use, the measured
// variant they start from, what tracing costs with it at each rate, whether
// that meets the budgets, and the reasons for every setting.
//
// As JSON it is one object (summary.json's "recommendation" and `otelbench
// recommend -format json` are the same), with the settings as
// settings.Tracing writes them (durations in milliseconds) and the
// standard variables in "env".
type Advice struct {
	Schema  int    `json:"schema"`
	RunID   string `json:"run_id"`
	Profile string `json:"profile"`
	// Measured is false when nothing instrumented was measured: then there
	// are no settings (Settings is zero) and Notes says why.
	Measured bool `json:"measured"`
	// Choice is the measured variant the settings start from, and how it
	// was chosen.
	Choice Choice `json:"choice"`
	// Settings are the advised settings; Env the same as the standard
	// variables, CodeOnly what no variable sets.
	Settings settings.Tracing  `json:"settings"`
	Env      map[string]string `json:"env"`
	CodeOnly []string          `json:"code_only,omitempty"`
	// Language is the SDK's language of the chosen variant
	// (telemetry.sdk.language; "go" for the bundled target). Sized says
	// the model sized the settings, which it does for the Go SDK only;
	// otherwise they are the chosen variant's as measured, and CodeOnly,
	// which names Go options, is empty.
	Language string  `json:"language,omitempty"`
	Sized    bool    `json:"sized"`
	Budgets  Budgets `json:"budgets"`
	Inputs   Inputs  `json:"inputs"`
	// Verdict says whether the chosen variant met the budgets.
	Verdict Verdict `json:"verdict"`
	// Costs are what tracing cost with the chosen variant at each rate,
	// against the baseline, as measured.
	Costs []Cost `json:"costs,omitempty"`
	// Candidates are every instrumented variant, judged.
	Candidates []Candidate `json:"candidates,omitempty"`
	Reasons    []Reason    `json:"reasons,omitempty"`
	Notes      []Note      `json:"notes,omitempty"`
}

// Verdict says whether the chosen variant met the budgets, and if not
// which it missed and whether the run could tell.
type Verdict struct {
	Within bool   `json:"within"`
	Misses []Miss `json:"misses,omitempty"`
	// Floors are, per rate, the run's own noise floor for the p99 (its A/A
	// control), beside the p99 budget.
	Floors []Floor `json:"floors,omitempty"`
}

// Floor is the noise floor of one rate: how much the A/A control's p99
// and CPU changed against the baseline though nothing differed.
type Floor struct {
	Rate int `json:"rate"`
	// Control is the A/A variant; "" when the profile has none (the floor
	// is then unknown).
	Control string        `json:"control,omitempty"`
	P99     summary.Delta `json:"p99"`
	CPU     summary.Delta `json:"cpu"`
	// P99Pct is the largest p99 change the control's interval reaches, in
	// size: a budget below it cannot be shown met or missed by this run.
	P99Pct float64 `json:"p99_pct"`
	// BudgetBelow says the p99 budget is below P99Pct.
	BudgetBelow bool `json:"budget_below"`
}

// Cost is what tracing cost with the chosen variant at one rate.
type Cost struct {
	Rate int `json:"rate"`
	// CPU and BaseCPU are CPU per request with and without tracing.
	CPU      time.Duration `json:"cpu_per_request_ns"`
	BaseCPU  time.Duration `json:"baseline_cpu_per_request_ns"`
	CPUDelta summary.Delta `json:"cpu_delta"`
	P50      time.Duration `json:"p50_ns"`
	P50Delta summary.Delta `json:"p50_delta"`
	P99      time.Duration `json:"p99_ns"`
	P99Delta summary.Delta `json:"p99_delta"`
	// P99Change is the change the budget judges (P99Change).
	P99Change float64 `json:"p99_change_pct"`
	Lost      int64   `json:"lost"`
	Ended     int64   `json:"ended"`
	LossPct   float64 `json:"loss_pct"`
	Sampled   float64 `json:"sampled_share"`
	// LossUnknown, when set, says why the loss could not be told (a
	// results.LossUnknown constant): Lost and LossPct mean nothing, and
	// the loss budget was not judged at this rate.
	LossUnknown string `json:"loss_unknown,omitempty"`
}

// Advise answers for the run summarised in s, with the model's checks c
// and the run's profile p.
func Advise(s *summary.Summary, c predict.Checks, p *profile.Profile) Advice {
	return AdviseWith(s, c, p, BudgetsOf(p))
}

// AdviseWith is Advise with budgets of the caller's.
func AdviseWith(s *summary.Summary, c predict.Checks, p *profile.Profile, b Budgets) Advice {
	a := Advice{Schema: Schema, RunID: s.RunID, Profile: s.Profile, Budgets: b, Env: map[string]string{}}
	if s.LoadOnly() {
		a.Notes = append(a.Notes, Note{Kind: NoteLoadOnly})
		return a
	}
	a.Candidates = Qualify(s, b, headroomOf(s, &c))
	a.Choice = Choose(s, a.Candidates)
	if a.Choice.Pool == PoolNone {
		a.Notes = append(a.Notes, Note{Kind: NoteNothingMeasured})
		return a
	}
	a.Measured = true
	base, _ := s.Variant(a.Choice.Variant)
	cand := candidate(a.Candidates, base.Name)
	a.Inputs = inputsFor(s, p, base)
	a.Language = base.Language
	var sz Sizing
	if base.GoSDK() {
		sz = Size(base.Settings, Origin{Variant: base.Name}, a.Inputs)
		a.Settings, a.Sized = sz.Settings, true
		a.Settings.SampleRatio = base.Settings.SampleRatio
		a.Env, a.CodeOnly = a.Settings.Env(), a.Settings.CodeOnly()
	} else {
		// The model is of the Go SDK's processor: other SDKs get what was
		// measured, as it was measured.
		a.Settings = base.Settings
		a.Env = a.Settings.Env()
		a.Notes = append(a.Notes, Note{Kind: NoteModelNotApplicable, Variant: base.Name, Detail: base.Language})
	}
	a.Notes = append(a.Notes, sz.Notes...)
	a.Reasons = append(a.Reasons, processorReasons(s, a, cand)...)
	a.Reasons = append(a.Reasons, sz.Reasons...)
	a.Reasons = append(a.Reasons, evidence(s, p, a)...)
	slices.SortStableFunc(a.Reasons, func(x, y Reason) int {
		return cmp.Compare(slices.Index(SettingOrder, x.Setting), slices.Index(SettingOrder, y.Setting))
	})
	a.Costs = costs(s, base.Name)
	a.Verdict = verdict(s, cand, b)
	switch {
	case a.Choice.Pool == PoolBest:
		a.Notes = append(a.Notes, Note{Kind: NoteNothingQualified, Variant: base.Name})
	case a.Choice.Pool == PoolBlocking:
		a.Notes = append(a.Notes, Note{Kind: NoteBlockingOnly, Variant: base.Name})
	}
	if differ(base.Settings, a.Settings) {
		a.Notes = append(a.Notes, Note{Kind: NoteNotMeasuredAsSuch, Variant: base.Name})
	}
	if a.Inputs.LatencySource == LatencyUnknown && a.Sized {
		a.Notes = append(a.Notes, Note{Kind: NoteNoLatency})
	}
	return a
}

// candidate returns the candidate of a variant.
func candidate(cs []Candidate, name string) Candidate {
	for _, c := range cs {
		if c.Variant == name {
			return c
		}
	}
	return Candidate{Variant: name}
}

// differ says whether the advised batch processor or exporter timeout
// differ from what was measured.
func differ(measured, advised settings.Tracing) bool {
	return measured.Batch != advised.Batch || measured.Exporter.Timeout != advised.Exporter.Timeout
}

// headroomOf gives each variant's headroom from the model's checks at the
// peak: the predicted loss onset over the peak rate, and with a burst the
// share of the burst the queue absorbs, if smaller.
func headroomOf(s *summary.Summary, c *predict.Checks) func(string) float64 {
	peak := s.PeakRate()
	return func(v string) float64 {
		rc := c.Row(v, peak)
		if rc == nil || rc.PredictedOnset <= 0 || peak <= 0 {
			return 0
		}
		h := rc.PredictedOnset / float64(peak)
		if b := rc.Burst; b != nil && b.Length > 0 && b.Absorb < b.Length {
			h = min(h, b.Absorb.Seconds()/b.Length.Seconds())
		}
		return h
	}
}

// costs are what the chosen variant cost at each rate.
func costs(s *summary.Summary, name string) []Cost {
	var out []Cost
	for _, rs := range s.Rates {
		r, base := s.Row(name, rs.Rate), s.BaselineAt(rs.Rate)
		if r == nil {
			continue
		}
		c := Cost{Rate: rs.Rate, CPU: r.CPUPerRequest, CPUDelta: r.CPUDelta, P50: r.Latency.P50, P50Delta: r.P50Delta,
			P99: r.Latency.P99, P99Delta: r.P99Delta, P99Change: P99Change(r),
			Lost: r.Spans.Lost, Ended: r.Spans.Ended, LossPct: r.Spans.LossPct, Sampled: r.Spans.SampledShare,
			LossUnknown: r.Spans.LossUnknown}
		if base != nil {
			c.BaseCPU = base.CPUPerRequest
		}
		out = append(out, c)
	}
	return out
}

// verdict judges the chosen candidate and sets the run's noise floor
// beside the budget.
func verdict(s *summary.Summary, c Candidate, b Budgets) Verdict {
	v := Verdict{Within: c.Qualifies(), Misses: c.Misses}
	for _, rs := range s.Rates {
		f := Floor{Rate: rs.Rate}
		if ctl := s.ControlAt(rs.Rate); ctl != nil {
			f.Control, f.P99, f.CPU = ctl.Variant, ctl.P99Delta, ctl.CPUDelta
			f.P99Pct = max(abs(ctl.P99Delta.Pct), abs(ctl.P99Delta.Low), abs(ctl.P99Delta.High))
			f.BudgetBelow = b.P99OverheadPct < f.P99Pct
		}
		v.Floors = append(v.Floors, f)
	}
	return v
}
