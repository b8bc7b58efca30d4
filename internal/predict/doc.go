// Package predict sets package model's account of the batch span
// processor beside what a run measured (a Summary): per batch and sampled
// row the predicted ceiling and loss, over the steady state and over one
// cell, and per variant measured at several rates the predicted loss onset
// against the measured one.
//
// A prediction takes the settings the target reported in effect, the
// requested rate, the spans per request the cells recorded, the sampled
// share and the export latency the row measured, so that it checks the
// model's account of the processor rather than a guess at the collector's
// speed. Nothing is predicted when the sink had outages, black holes or
// injected errors: the model is of a collector that answers every export.
//
// Like package summary it computes and does not write sentences: what
// limits a prediction is a Note.
package predict
