package profile

import "github.com/otelbench/otelbench/internal/settings"

// Settings returns the span pipeline v's target runs with: its options,
// the SDK's and the exporter's defaults for those it leaves out, and the
// SDK's clamp of a batch size above the queue (the target reads the
// options as OTEL_BSP_* variables). The exporter's retry policy is always
// the default: no variant option changes it.
func (v Variant) Settings() settings.Tracing {
	t := settings.Default()
	switch v.Kind {
	case KindNone, KindNoop:
		// Noop runs no span processor: nothing of the pipeline applies.
		return settings.Tracing{Processor: settings.ProcessorNone, SampleRatio: 1}
	case KindSync:
		t.Processor = settings.ProcessorSync
	}
	if v.ExporterTimeout != nil {
		t.Exporter.Timeout = v.ExporterTimeout.D()
	}
	if v.Kind == KindSampled && v.SampleRatio != nil {
		t.SampleRatio = *v.SampleRatio
	}
	if v.Kind != KindBatch && v.Kind != KindSampled {
		return t
	}
	b := &t.Batch
	if v.QueueSize != nil {
		b.QueueSize = *v.QueueSize
	}
	if v.MaxExportBatchSize != nil {
		b.MaxExportBatchSize = *v.MaxExportBatchSize
	}
	if v.BatchTimeout != nil {
		b.BatchTimeout = v.BatchTimeout.D()
	}
	if v.ExportTimeout != nil {
		b.ExportTimeout = v.ExportTimeout.D()
	}
	b.Blocking = v.Blocking
	t.Batch = b.Clamped()
	return t
}

// VariantOf returns the variant named name whose options give t, the
// inverse of Variant.Settings for what a variant can express (the retry
// policy is not part of a variant). Every option is set explicitly.
func VariantOf(name string, t settings.Tracing) Variant {
	v := Variant{Name: name}
	switch {
	case t.Processor == settings.ProcessorNone:
		v.Kind = KindNone
		return v
	case t.Processor == settings.ProcessorSync:
		v.Kind = KindSync
	case t.Sampled():
		v.Kind = KindSampled
		r := t.SampleRatio
		v.SampleRatio = &r
	default:
		v.Kind = KindBatch
	}
	x := Duration(t.Exporter.Timeout)
	v.ExporterTimeout = &x
	if v.Kind == KindSync {
		return v
	}
	b := t.Batch
	q, m := b.QueueSize, b.MaxExportBatchSize
	bt, et := Duration(b.BatchTimeout), Duration(b.ExportTimeout)
	v.QueueSize, v.MaxExportBatchSize, v.BatchTimeout, v.ExportTimeout = &q, &m, &bt, &et
	v.Blocking = b.Blocking
	return v
}
