package profile

import (
	"fmt"
	"math"
	"slices"
	"strings"

	yaml "go.yaml.in/yaml/v3"

	"github.com/otelbench/otelbench/internal/settings"
	"github.com/otelbench/otelbench/internal/svcenv"
)

// Limits on variant options.
const (
	maxQueueSize = 10_000_000
)

// variantKeys are the keys a variant accepts, in the order they are
// documented.
var variantKeys = []string{"name", "kind", "queue_size", "max_export_batch_size", "batch_timeout",
	"export_timeout", "blocking", "exporter_timeout", "sample_ratio", "observability", "sdk_version",
	"otelhttp_version", "protocol", "compression", "env"}

// appliesTo lists the kinds each variant option applies to; name and kind
// apply to all.
var appliesTo = map[string][]Kind{
	"queue_size":            {KindBatch, KindSampled},
	"max_export_batch_size": {KindBatch, KindSampled},
	"batch_timeout":         {KindBatch, KindSampled},
	"export_timeout":        {KindBatch, KindSampled},
	"blocking":              {KindBatch, KindSampled},
	"exporter_timeout":      {KindSync, KindBatch, KindSampled},
	"sample_ratio":          {KindSampled},
	"observability":         {KindSync, KindBatch, KindSampled},
	"sdk_version":           {KindSync, KindBatch, KindSampled},
	"otelhttp_version":      {KindSync, KindBatch, KindSampled},
	"env":                   {KindSync, KindBatch, KindSampled},
	"protocol":              {KindSync, KindBatch, KindSampled},
	"compression":           {KindSync, KindBatch, KindSampled},
}

// variants decodes the variants list: at least one, names unique, and at
// least one of kind none to measure against.
func (d *decoder) variants(e entry) []Variant {
	if e.val.Kind != yaml.SequenceNode {
		d.keyErrorf(e, "must be a list of variants, got %s", describe(e.val))
		return nil
	}
	if len(e.val.Content) == 0 {
		d.keyErrorf(e, "must list at least one variant, including a baseline of kind none")
		return nil
	}
	if len(e.val.Content) > maxVariants {
		d.keyErrorf(e, "lists %d variants; at most %d", len(e.val.Content), maxVariants)
		return nil
	}
	var vs []Variant
	names := map[string]int{} // name -> line
	baseline, unsure := false, false
	for i, n := range e.val.Content {
		el := entry{key: resolve(n), val: resolve(n), path: fmt.Sprintf("%s[%d]", e.path, i)}
		v, name, ok := d.variant(el)
		if !ok {
			unsure = true
		}
		baseline = baseline || v.Kind == KindNone
		if v.Name != "" {
			if line, dup := names[v.Name]; dup {
				d.keyErrorf(name, "variant name %q is already used on line %d", v.Name, line)
			} else {
				names[v.Name] = name.key.Line
			}
		}
		vs = append(vs, v)
	}
	// A variant whose kind did not decode may be the baseline: do not pile
	// a second error on the first.
	if !baseline && !unsure {
		d.keyErrorf(e, "no variant of kind none: a baseline is needed to measure overhead against")
	}
	return vs
}

// variant decodes one variant. It returns the entry of its name, for
// duplicate checks, and false if its kind is missing or invalid.
func (d *decoder) variant(e entry) (Variant, entry, bool) {
	var v Variant
	if e.val.Kind != yaml.MappingNode {
		d.errorf(e.key.Line, e.path, "each variant must be a mapping with at least name and kind, got %s", describe(e.val))
		return v, entry{}, false
	}
	m := d.fields(e, variantKeys, nil)
	d.require(m, e.key.Line, e.path, "name", "kind")
	name, hasName := m["name"]
	if hasName {
		v.Name, _ = d.ident(name)
	}
	kindOK := false
	if ke, ok := m["kind"]; ok {
		v.Kind, kindOK = d.kind(ke)
	}
	if kindOK {
		// Skip options that do not apply: their values do not matter.
		for _, key := range variantKeys {
			ks, limited := appliesTo[key]
			if oe, ok := m[key]; ok && limited && !slices.Contains(ks, v.Kind) {
				d.keyErrorf(oe, "applies only to kind %s (this variant is kind %s)", orList(ks), v.Kind)
				delete(m, key)
			}
		}
	}
	d.options(&v, m)
	if kindOK && v.Kind == KindSampled && v.SampleRatio == nil {
		if _, ok := m["sample_ratio"]; !ok {
			d.errorf(e.key.Line, e.path+".sample_ratio", "missing required key %q in %s (kind sampled needs it)", "sample_ratio", e.path)
		}
	}
	return v, name, kindOK
}

// kind decodes a variant's kind, suggesting the nearest valid one.
func (d *decoder) kind(e entry) (Kind, bool) {
	s, ok := d.str(e)
	if !ok {
		return "", false
	}
	if k := Kind(s); slices.Contains(kinds, k) {
		return k, true
	}
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = string(k)
	}
	msg := fmt.Sprintf("unknown kind %q (want %s", s, orList(kinds))
	if sug := suggest(s, names); sug != "" {
		msg += fmt.Sprintf("; did you mean %q?", sug)
	}
	d.keyErrorf(e, "%s)", msg)
	return "", false
}

// options decodes a variant's typed options and env block, then checks the
// ones that constrain each other.
func (d *decoder) options(v *Variant, m map[string]entry) {
	if e, ok := m["queue_size"]; ok {
		if n, ok := d.integer(e, 1, maxQueueSize); ok {
			v.QueueSize = &n
		}
	}
	if e, ok := m["max_export_batch_size"]; ok {
		if n, ok := d.integer(e, 1, math.MaxInt); ok {
			v.MaxExportBatchSize = &n
		}
	}
	durations := []struct {
		key string
		dst **Duration
		why string
	}{
		{"batch_timeout", &v.BatchTimeout, "0 makes the SDK's worker spin a whole core"},
		{"export_timeout", &v.ExportTimeout, ""},
		{"exporter_timeout", &v.ExporterTimeout, ""},
	}
	for _, o := range durations {
		if e, ok := m[o.key]; ok {
			if t, ok := d.duration(e, durRule{positive: true, zeroWhy: o.why, msEnv: typedEnvVar(o.key)}); ok {
				*o.dst = &t
			}
		}
	}
	if e, ok := m["blocking"]; ok {
		v.Blocking, _ = d.boolean(e)
	}
	if e, ok := m["observability"]; ok {
		v.Observability, _ = d.boolean(e)
	}
	if e, ok := m["sample_ratio"]; ok {
		r, ok := d.number(e)
		switch {
		case !ok:
		case !(r >= 0 && r <= 1):
			d.keyErrorf(e, "must be from 0 to 1 (got %s)", e.val.Value)
		default:
			v.SampleRatio = &r
		}
	}
	v.Protocol = d.choice(m, "protocol", svcenv.Protocols, ", ")
	v.Compression = d.choice(m, "compression", svcenv.Compressions, " or ")
	if e, ok := m["env"]; ok {
		v.ExtraEnv = d.env(e)
	}
	d.versions(v, m)
	d.batchFitsQueue(*v, m)
}

// batchFitsQueue reports a max_export_batch_size larger than the queue in
// effect: queue_size, or the SDK's default when it is not set. Reading the
// OTEL_BSP_* variables, the SDK silently replaces such a batch size (see
// settings.Batch.Clamped), so the run would record one and measure another.
func (d *decoder) batchFitsQueue(v Variant, m map[string]entry) {
	if v.MaxExportBatchSize == nil {
		return
	}
	b := settings.DefaultBatch()
	if v.QueueSize != nil {
		b.QueueSize = *v.QueueSize
	}
	b.MaxExportBatchSize = *v.MaxExportBatchSize
	used := b.Clamped().MaxExportBatchSize
	if used == b.MaxExportBatchSize {
		return
	}
	e := m["max_export_batch_size"]
	if v.QueueSize != nil {
		d.keyErrorf(e, "%d is larger than queue_size %d (the SDK would silently use %d instead)",
			b.MaxExportBatchSize, b.QueueSize, used)
		return
	}
	d.keyErrorf(e, "%d is larger than the SDK's default queue size %d (queue_size is not set; the SDK would silently use %d instead)",
		b.MaxExportBatchSize, b.QueueSize, used)
}

// orList formats kinds as "a", "a or b" or "a, b or c".
func orList(ks []Kind) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	if len(s) == 1 {
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}

// choice reads the string at key of m, one of allowed: "" when the key is
// absent or its value is refused (with an error at the key naming the
// allowed values, joined by sep).
func (d *decoder) choice(m map[string]entry, key string, allowed []string, sep string) string {
	e, ok := m[key]
	if !ok {
		return ""
	}
	s, ok := d.str(e)
	if !ok {
		return ""
	}
	if !slices.Contains(allowed, s) {
		d.keyErrorf(e, "unknown %s %q (want %s)", key, s, strings.Join(allowed, sep))
		return ""
	}
	return s
}
