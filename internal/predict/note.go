package predict

// Note is what limits a prediction or the measurement it is set beside, as
// a value; the renderers write the sentence.
type Note struct {
	Kind NoteKind `json:"kind"`
	// Rate, Below and Above are request rates; Value and Limit the
	// figures of the kind (durations in nanoseconds, shares as fractions).
	Rate  float64 `json:"rate,omitempty"`
	Below float64 `json:"below,omitempty"`
	Above float64 `json:"above,omitempty"`
	Value float64 `json:"value,omitempty"`
	Limit float64 `json:"limit,omitempty"`
	// Detail is the model's own error, where one is the reason.
	Detail string `json:"detail,omitempty"`
}

// NoteKind says what a Note is about.
type NoteKind string

// The kinds of notes, with the fields each fills.
const (
	// NoteLossFromSink: dropped spans could not be told apart from spans
	// lost at shutdown, so the measured loss is ended − received.
	NoteLossFromSink NoteKind = "loss-from-sink"
	// NoteNoLatency: no export was measured and the sink has no delay.
	NoteNoLatency NoteKind = "no-latency"
	// NoteNoPrediction: the model refused the inputs (Detail).
	NoteNoPrediction NoteKind = "no-prediction"
	// NoteNoRunPrediction: the model over a cell refused them (Detail).
	NoteNoRunPrediction NoteKind = "no-run-prediction"
	// NoteTimerRaces: a full batch's export lasts at least the batch
	// timeout (Value): batches split at random, and the steady ceiling and
	// loss are approximate.
	NoteTimerRaces NoteKind = "timer-races"
	// NoteBurst: every attack had a burst, so the measured loss is the
	// burst's as much as the steady rate's.
	NoteBurst NoteKind = "burst"
	// NoteAboveHighest: the highest rate (Rate) lost no more than Value:
	// the measured onset is above it.
	NoteAboveHighest NoteKind = "onset-above-highest"
	// NoteBelowLowest: the lowest rate (Rate) already lost more than
	// Value: the measured onset is below it.
	NoteBelowLowest NoteKind = "onset-below-lowest"
	// NoteInterpolated: the rates that bracket the onset (Below, Above)
	// are more than Limit apart: the onset is interpolated (Value on a
	// straight line).
	NoteInterpolated NoteKind = "onset-interpolated"
	// NoteLossBelowOnset: Rate lost Value, below the onset (the model over
	// the cell, with its export durations, predicted Limit).
	NoteLossBelowOnset NoteKind = "loss-below-onset"
)
