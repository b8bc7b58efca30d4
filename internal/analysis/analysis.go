// Package analysis is a run's whole answer, built once: its summary
// (package summary), the model's predictions beside it (package predict),
// the rules of thumb (package rules) and the advice (package advise). It
// is what summary.json holds and what every report renders.
package analysis

import (
	"fmt"

	"github.com/otelbench/otelbench/internal/advise"
	"github.com/otelbench/otelbench/internal/predict"
	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/results"
	"github.com/otelbench/otelbench/internal/rules"
	"github.com/otelbench/otelbench/internal/summary"
)

// Analysis is one run's answer. As JSON (summary.json) the Summary's
// fields come first, inline, then the model checks, the rules and the
// recommendation.
type Analysis struct {
	*summary.Summary
	Checks predict.Checks  `json:"model_checks"`
	Rules  []rules.Verdict `json:"rules"`
	Advice advise.Advice   `json:"recommendation"`
}

// Of builds the analysis of a loaded run.
func Of(l *results.Loaded) (*Analysis, error) {
	if l.Run.Profile == nil {
		return nil, fmt.Errorf("%s: run.json has no profile", l.Path)
	}
	s, err := summary.Build(l)
	if err != nil {
		return nil, err
	}
	return FromSummary(s, l.Run.Profile), nil
}

// FromSummary builds the analysis of a summary whose profile is p.
// The model and the rules of thumb judge what tracing cost the target:
// a run that measured the load alone (summary.Summary.LoadOnly) gets
// neither.
func FromSummary(s *summary.Summary, p *profile.Profile) *Analysis {
	a := &Analysis{Summary: s}
	if !s.LoadOnly() {
		a.Checks, a.Rules = predict.Check(s, p), rules.Judge(s, p)
	}
	a.Advice = advise.Advise(s, a.Checks, p)
	return a
}
