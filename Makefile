# otelbench: what OpenTelemetry tracing costs a Go HTTP service.
#
#   make bench                       build, the micro benchmark, run profiles/default.yaml, print the report
#   make micro                       the handler in process (go test -bench), into $(MICRO) (about 30 s)
#   PROFILE=profiles/x.yaml make bench
#   make smoke                       the short pipeline check (about 20 s)
#   make noise                       the noise floor of this machine (about 7 min)
#   make test                        the whole test suite (what CI runs)
#   make lint                        go vet and a gofmt check
#   make collector                   build the OpenTelemetry Collector (collector/bin/otelcol)

GO      ?= go
PROFILE ?= profiles/default.yaml
RESULTS ?= results
BIN     := bin
# The micro benchmark's output: make bench keeps it in the run directory.
MICRO   ?= $(RESULTS)/micro.txt

.PHONY: all build build-k8s bench micro smoke noise test lint clean

all: build

build:
	$(GO) build -o $(BIN)/ ./cmd/...

# otelbench with run -k8s, which links client-go: the binary grows from
# about 39 to 78 MB and a cold build takes about twice as long.
build-k8s:
	$(GO) build -tags k8s -o $(BIN)/ ./cmd/...

bench: build micro
	$(BIN)/otelbench run -profile $(PROFILE) -results $(RESULTS) -micro $(MICRO)

# The target's handler in process, bare, on the noop TracerProvider, with
# the SDK and a discarding exporter, and exporting OTLP to an in-process
# sink (targets/micro_test.go), each profiled; the report sets it beside
# the end-to-end CPU per request. The workload is the default profile's;
# OTELBENCH_MICRO_CPU and OTELBENCH_MICRO_EXTRA_SPANS change it.
micro:
	@mkdir -p $(dir $(MICRO))
	$(GO) test -run '^$$' -bench '^BenchmarkMicro$$' -benchtime 1s -count 3 ./targets > $(MICRO).tmp
	@mv $(MICRO).tmp $(MICRO)
	@grep -c '^BenchmarkMicro' $(MICRO) | xargs -I{} echo "make micro: {} lines in $(MICRO)"

smoke: build
	$(BIN)/otelbench run -profile profiles/smoke.yaml -results $(RESULTS)

# The machine's noise floor (about 7 minutes): none and batch, each twice,
# and the spread between repetitions and the A/A pairs of that run.
noise: build
	$(BIN)/otelbench run -profile profiles/noise.yaml -results $(RESULTS) > /dev/null
	$(BIN)/otelbench report -format noise $$(ls -d $(RESULTS)/*-noise* | tail -1)

# One package at a time (-p 1): the end-to-end tests measure latency, and a
# neighbour package's load on a 2-core machine is noise they would measure.
# Then a few seconds of fuzzing of the profile decoder and of the sink's
# export path, one worker each; a crasher lands in testdata/fuzz/.
test:
	$(GO) test -race -count=1 -p 1 -timeout 20m ./...
	$(GO) test -tags k8s -race -count=1 -run 'K8s' ./cmd/otelbench
	$(GO) test -run='^$$' -fuzz=FuzzParse -fuzztime=5s -fuzzminimizetime=2s -parallel=1 ./internal/profile
	$(GO) test -run='^$$' -fuzz=FuzzExport -fuzztime=5s -fuzzminimizetime=2s -parallel=1 ./internal/sink

lint:
	$(GO) vet ./...
	$(GO) vet -tags k8s ./cmd/otelbench
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

.PHONY: collector
collector:
	scripts/build-collector.sh

clean:
	rm -rf $(BIN)
