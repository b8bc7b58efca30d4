"""The classic guide's FastAPI service, traced with the OpenTelemetry Python SDK.

For otelbench's tests (see ../README.md). Run it from the repository root as

    .cache/venv-fastapi/bin/python testdata/services/fastapi/app.py

It serves, on 127.0.0.1:$PORT under uvicorn with one worker:

    GET /process/{item_id}  a child span process_item_logic (item.id,
                            processing.status) around an awaited asyncio.sleep
    GET /healthz, /metrics  excluded from tracing (excluded_urls)

The tracer provider is built here and passed to FastAPIInstrumentor
explicitly; a BatchSpanProcessor over the OTLP/gRPC OTLPSpanExporter sends
the spans. Every tracing setting comes from the standard OTEL_* variables,
read by the SDK itself (OTEL_BSP_*, OTEL_TRACES_SAMPLER*, OTEL_SERVICE_NAME,
OTEL_RESOURCE_ATTRIBUTES, OTEL_EXPORTER_OTLP_*). On SIGTERM uvicorn shuts
down gracefully and the lifespan handler calls force_flush, then shutdown.

Variables of its own choose a variant:

    PORT                 the port (required)
    SVC_PROCESSOR        "simple": SimpleSpanProcessor instead of the batch one
    SVC_SLEEP_MS         the awaited asyncio.sleep per request in ms (default 1)
    SVC_CPU_US           a busy loop per request in microseconds (default 0)
    SVC_TRACE_HEALTHZ    "1": trace /healthz and /metrics too
    SVC_NO_FLUSH         "1": neither flush in the lifespan handler nor at exit
                         (TracerProvider(shutdown_on_exit=False)), so the
                         spans still queued are lost; "lifespan": skip only
                         the lifespan handler's flush, leaving the SDK's own
                         atexit shutdown in place
    SVC_RERAISE_SIGTERM  "1": keep uvicorn's own ending (see below)

The exit status: after a graceful shutdown on SIGTERM, uvicorn (0.54.0 here)
restores the handler that was there before it and raises the
signal again. Python's default kills the process by SIGTERM, before any
atexit handler runs. So that a flushed service exits 0, as otelbench
expects, app.py installs a SIGTERM handler of its own that exits 0 (running
atexit handlers) before it starts uvicorn; SVC_RERAISE_SIGTERM=1 leaves it
out, and the process dies by SIGTERM once the lifespan handler has run.
"""

import asyncio
import os
import signal
import sys
import time
from contextlib import asynccontextmanager

import uvicorn
from fastapi import FastAPI
from fastapi.responses import PlainTextResponse
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor


def log(msg: str) -> None:
    print(f"app.py: {msg}", file=sys.stderr, flush=True)


def env_number(name: str, default: float) -> float:
    raw = os.environ.get(name, "")
    if raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1
    if value < 0:
        log(f"{name}={raw!r}: want a non-negative number")
        sys.exit(2)
    return value


try:
    PORT = int(os.environ.get("PORT", ""))
except ValueError:
    PORT = 0
if not 0 < PORT < 65536:
    log(f"PORT={os.environ.get('PORT')!r}: want a port number")
    sys.exit(2)
PROCESSOR = os.environ.get("SVC_PROCESSOR", "batch") or "batch"
if PROCESSOR not in ("batch", "simple"):
    log(f"SVC_PROCESSOR={PROCESSOR!r}: want batch or simple")
    sys.exit(2)
NO_FLUSH = os.environ.get("SVC_NO_FLUSH", "")
if NO_FLUSH not in ("", "0", "1", "lifespan"):
    log(f"SVC_NO_FLUSH={NO_FLUSH!r}: want 1 or lifespan")
    sys.exit(2)
SLEEP_S = env_number("SVC_SLEEP_MS", 1) / 1e3
CPU_S = env_number("SVC_CPU_US", 0) / 1e6
TRACE_HEALTHZ = os.environ.get("SVC_TRACE_HEALTHZ") == "1"
RERAISE_SIGTERM = os.environ.get("SVC_RERAISE_SIGTERM") == "1"

# Resource.create reads OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES; the
# sampler (none given) comes from OTEL_TRACES_SAMPLER*. shutdown_on_exit
# (the default) registers an atexit shutdown, which flushes even when the
# lifespan handler does not: only SVC_NO_FLUSH=1 turns it off.
provider = TracerProvider(
    resource=Resource.create({}),
    shutdown_on_exit=NO_FLUSH != "1",
)
# Endpoint (an http:// URL means insecure), headers, compression and timeout
# from OTEL_EXPORTER_OTLP_*; the protocol variable plays no part: this is
# the gRPC exporter.
exporter = OTLPSpanExporter()
if PROCESSOR == "simple":
    processor = SimpleSpanProcessor(exporter)
else:
    # Queue, batch size, delay and export timeout from OTEL_BSP_*.
    processor = BatchSpanProcessor(exporter)
provider.add_span_processor(processor)
trace.set_tracer_provider(provider)
tracer = trace.get_tracer("otelbench-testsvc-fastapi")


@asynccontextmanager
async def lifespan(_app: FastAPI):
    yield
    if NO_FLUSH in ("1", "lifespan"):
        log(f"shutdown: no flush (SVC_NO_FLUSH={NO_FLUSH})")
        return
    start = time.monotonic()
    flushed = provider.force_flush()
    provider.shutdown()
    log(f"shutdown: force_flush {flushed}, shutdown done in {(time.monotonic() - start) * 1e3:.0f} ms")


app = FastAPI(lifespan=lifespan)


def busy(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


@app.get("/process/{item_id}")
async def process(item_id: str):
    with tracer.start_as_current_span("process_item_logic") as span:
        span.set_attribute("item.id", item_id)
        if CPU_S > 0:
            busy(CPU_S)
        await asyncio.sleep(SLEEP_S)
        span.set_attribute("processing.status", "completed")
    return {"item_id": item_id, "status": "completed"}


@app.get("/healthz", response_class=PlainTextResponse)
async def healthz():
    return "ok\n"


@app.get("/metrics", response_class=PlainTextResponse)
async def metrics():
    return "# no metrics\n"


FastAPIInstrumentor.instrument_app(
    app,
    tracer_provider=provider,
    excluded_urls=None if TRACE_HEALTHZ else "healthz,metrics",
)



def exit_on_sigterm(_signum, _frame):
    # Called when uvicorn raises SIGTERM again after its graceful shutdown
    # (or on a SIGTERM before uvicorn has started): a normal exit, status 0,
    # with atexit handlers.
    sys.exit(0)


if __name__ == "__main__":
    if not RERAISE_SIGTERM:
        signal.signal(signal.SIGTERM, exit_on_sigterm)
    log(f"listening on 127.0.0.1:{PORT} (processor {PROCESSOR}, trace healthz {TRACE_HEALTHZ}, no flush {NO_FLUSH or 'no'})")
    uvicorn.run(app, host="127.0.0.1", port=PORT, workers=1, log_level="warning", access_log=False)
