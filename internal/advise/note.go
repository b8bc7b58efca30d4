package advise

// Note is what limits an Advice, as a value; the renderers write the
// sentence.
type Note struct {
	Kind    NoteKind `json:"kind"`
	Variant string   `json:"variant,omitempty"`
	// Value is the figure of the kind (a span rate for the model's notes).
	Value float64 `json:"value,omitempty"`
	// Detail is the model's own error, where one is the reason.
	Detail string `json:"detail,omitempty"`
}

// NoteKind says what a Note is about.
type NoteKind string

// The kinds of notes.
const (
	// NoteNothingMeasured: no instrumented variant was measured at all:
	// there is nothing to advise from.
	NoteNothingMeasured NoteKind = "nothing-measured"
	// NoteNothingQualified: no variant met the budgets; the settings start
	// from the best measured one (Variant).
	NoteNothingQualified NoteKind = "nothing-qualified"
	// NoteBlockingOnly: only Variant, measured with blocking, qualified:
	// without blocking its queue may drop spans where it blocked.
	NoteBlockingOnly NoteKind = "blocking-only"
	// NoteNotMeasuredAsSuch: the advised settings differ from those of
	// Variant, which was measured: they rest on the model for the rest.
	NoteNotMeasuredAsSuch NoteKind = "not-measured-as-such"
	// NoteNoLatency: no export latency was measured or configured: the
	// model takes exports as instant.
	NoteNoLatency NoteKind = "no-export-latency"
	// NoteNoBatchSize: no batch size keeps the peak (Value spans/s) under
	// the utilisation limit.
	NoteNoBatchSize NoteKind = "no-batch-size"
	// NoteNoQueue: no queue absorbs the peak (Value spans/s).
	NoteNoQueue NoteKind = "no-queue"
	// NoteModelNotApplicable: the service does not run the Go SDK (Detail
	// is its telemetry.sdk.language, "" when unknown), whose batch
	// processor the model describes: the settings are Variant's as
	// measured, not sized.
	NoteModelNotApplicable NoteKind = "model-not-applicable"
	// NoteLoadOnly: the run holds the load generator's view alone (cells
	// merged from shard folders, summary.Summary.LoadOnly): no cost of
	// tracing was measured, so there are no settings.
	NoteLoadOnly NoteKind = "load-only"
)
