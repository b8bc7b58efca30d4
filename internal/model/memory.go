package model

import "github.com/otelbench/otelbench/internal/settings"

// Heap kept alive by one span waiting in a BatchSpanProcessor, beyond its
// queue slot, measured on 2026-11-23 with otel sdk v1.47.0, otelhttp v0.72.0
// and Go 1.26 (linux/amd64) by
//
//	go test -run XXX -bench QueuedSpanBytes -benchtime 5x ./internal/model/
//
// three times: each run reported the same medians, 1928 (server), 552
// (child) and 1236 (request) bytes/queued-span (HeapAlloc after two GCs,
// 20 000 spans per measurement; see queue_memory_test.go). The spans are
// those of the benchmark's target: otelhttp wrapping the whole mux, a request
// with a sampled traceparent, 12 server span attributes (http.request.method,
// url.scheme, url.path, server.address, server.port, network.peer.address,
// network.peer.port, client.address, user_agent.original,
// network.protocol.version, http.response.status_code,
// http.response.body.size), and a process_item_logic child with item.id and
// processing.status. Attribute values are short; longer values (user agents,
// paths) add their length. Check the constants with
// OTELBENCH_MEASURE=1 go test -run TestBytesPerQueuedSpan ./internal/model/.
const (
	// BytesPerQueuedServerSpan is the heap of one queued otelhttp server span.
	BytesPerQueuedServerSpan = 1928
	// BytesPerQueuedChildSpan is the heap of one queued process_item_logic
	// span (an internal span with two attributes).
	BytesPerQueuedChildSpan = 552
	// BytesPerQueuedSpan is the heap per queued span for the target's
	// requests, one server span and one child span each: the mean of the
	// two, measured directly.
	BytesPerQueuedSpan = 1236
	// QueueSlotBytes is the size of one slot of the queue's channel and of
	// the batch slice (an interface value). The SDK allocates both when the
	// processor is built: (QueueSize + MaxExportBatchSize) × 16 bytes,
	// whether or not they are used.
	QueueSlotBytes = 16
)

// Memory is the heap the processor holds, in bytes, for spans of
// BytesPerQueuedSpan.
type Memory struct {
	// Slots is allocated when the processor is built: (QueueSize +
	// MaxExportBatchSize) × QueueSlotBytes.
	Slots int64
	// Queue is what a full queue's spans keep alive: QueueSize ×
	// BytesPerQueuedSpan. This is the figure to compare between queue sizes.
	Queue int64
	// Held is the most the processor holds, when saturated: a full queue plus
	// the batch under export, (QueueSize + MaxExportBatchSize) ×
	// BytesPerQueuedSpan, plus Slots. The exporter's own copy of the batch
	// (its protobuf request) comes on top.
	Held int64
}

// MemoryOf returns the memory of settings s for spans of bytesPerSpan bytes
// (use BytesPerQueuedSpan, or one of the per-shape constants).
func MemoryOf(s settings.Batch, bytesPerSpan int64) Memory {
	q, m := int64(max(s.QueueSize, 0)), int64(max(s.MaxExportBatchSize, 0))
	slots := (q + m) * QueueSlotBytes
	return Memory{
		Slots: slots,
		Queue: q * bytesPerSpan,
		Held:  (q+m)*bytesPerSpan + slots,
	}
}
