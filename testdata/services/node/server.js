'use strict';
// A Node.js service traced with the OpenTelemetry JS SDK, as a user would
// write it, for otelbench's tests (see ../README.md): NodeSDK with the http
// and express instrumentations, GET /process/:item_id with a busy loop and a
// child span process_item_logic, GET /healthz excluded from tracing.
//
// Every tracing setting comes from the standard OTEL_* variables, read by
// the SDK itself. The variables of its own (SVC_*) choose a variant:
//
//   PORT               the port to listen on, on 127.0.0.1 (required)
//   SVC_EXPORTER       "grpc": pass the OTLP/gRPC exporter in code (it ignores
//                      OTEL_EXPORTER_OTLP_PROTOCOL); unset or "": pass no
//                      exporter and let NodeSDK choose one from
//                      OTEL_TRACES_EXPORTER and OTEL_EXPORTER_OTLP_PROTOCOL
//                      (default http/protobuf)
//   SVC_CPU_US         the busy loop per request in microseconds (default 20)
//   SVC_TRACE_HEALTHZ  "1": trace /healthz too
//   SVC_NO_FLUSH       "1": on SIGTERM exit at once, without sdk.shutdown(),
//                      so the spans still queued are lost

const env = process.env;
const port = Number.parseInt(env.PORT ?? '', 10);
if (!(port > 0 && port < 65536)) {
  console.error(`server.js: PORT=${JSON.stringify(env.PORT)}: want a port number`);
  process.exit(2);
}
const exporterMode = env.SVC_EXPORTER ?? '';
if (exporterMode !== '' && exporterMode !== 'grpc') {
  console.error(`server.js: SVC_EXPORTER=${JSON.stringify(exporterMode)}: want "grpc" or nothing`);
  process.exit(2);
}
const cpuMicros = Number(env.SVC_CPU_US ?? '20');
if (!(cpuMicros >= 0)) {
  console.error(`server.js: SVC_CPU_US=${JSON.stringify(env.SVC_CPU_US)}: want a number of microseconds`);
  process.exit(2);
}
const traceHealthz = env.SVC_TRACE_HEALTHZ === '1';
const noFlush = env.SVC_NO_FLUSH === '1';

// The SDK must start before express and http are required, so that the
// instrumentations can patch them.
const { NodeSDK } = require('@opentelemetry/sdk-node');
const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');
const { ExpressInstrumentation } = require('@opentelemetry/instrumentation-express');

const excluded = new Set(['/healthz', '/metrics']);
const httpOptions = {};
if (!traceHealthz) {
  httpOptions.ignoreIncomingRequestHook = (req) => excluded.has((req.url ?? '').split('?')[0]);
}

const sdkOptions = {
  instrumentations: [new HttpInstrumentation(httpOptions), new ExpressInstrumentation()],
  // Traces only. Without these NodeSDK also starts an OTLP metrics exporter
  // (every 60 s and at shutdown) and a logs pipeline, both to
  // OTEL_EXPORTER_OTLP_ENDPOINT, and the http instrumentation records its
  // histograms on every request: not what a tracing benchmark measures.
  metricReaders: [],
  logRecordProcessors: [],
};
if (exporterMode === 'grpc') {
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-grpc');
  // Endpoint, insecurity, headers and timeout from OTEL_EXPORTER_OTLP_*;
  // NodeSDK wraps it in a BatchSpanProcessor configured from OTEL_BSP_*.
  sdkOptions.traceExporter = new OTLPTraceExporter();
}
const sdk = new NodeSDK(sdkOptions);
sdk.start();

const { trace } = require('@opentelemetry/api');
const express = require('express');

const tracer = trace.getTracer('otelbench-testsvc-node');

// busy spins for about micros microseconds of CPU.
function busy(micros) {
  if (micros <= 0) return 0;
  const end = process.hrtime.bigint() + BigInt(Math.round(micros * 1000));
  let x = 0;
  while (process.hrtime.bigint() < end) x++;
  return x;
}

const app = express();
app.get('/healthz', (req, res) => {
  res.type('text/plain').send('ok\n');
});
app.get('/process/:item_id', (req, res) => {
  const itemID = req.params.item_id;
  tracer.startActiveSpan('process_item_logic', (span) => {
    busy(cpuMicros);
    span.setAttribute('item.id', itemID);
    span.setAttribute('processing.status', 'completed');
    span.end();
  });
  res.json({ item_id: itemID, status: 'completed' });
});

const server = app.listen(port, '127.0.0.1', () => {
  console.error(`server.js: listening on 127.0.0.1:${port} (exporter ${exporterMode || 'from env'}, trace healthz ${traceHealthz}, flush ${!noFlush})`);
});
server.on('error', (err) => {
  console.error(`server.js: listening on 127.0.0.1:${port}: ${err.message}`);
  process.exit(1);
});

let stopping = false;
process.on('SIGTERM', () => {
  if (stopping) return;
  stopping = true;
  // Stop accepting; idle keep-alive connections would hold close() open.
  server.close();
  server.closeIdleConnections();
  if (noFlush) {
    console.error('server.js: SIGTERM: exiting without sdk.shutdown() (SVC_NO_FLUSH=1)');
    process.exit(0);
  }
  // As the SDK's own guide does: exit 0 whether or not the flush worked (a
  // failed final export is logged); the spans it lost are counted from
  // outside.
  const start = Date.now();
  sdk
    .shutdown()
    .then(
      () => console.error(`server.js: SIGTERM: sdk.shutdown() done in ${Date.now() - start} ms`),
      (err) => console.error(`server.js: SIGTERM: sdk.shutdown() failed after ${Date.now() - start} ms: ${err}`),
    )
    .finally(() => process.exit(0));
});
