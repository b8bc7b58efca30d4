package testsvc

import (
	"context"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/otelbench/otelbench/internal/proc"
)

// The load of one case: traced requests to the route and to /healthz.
const (
	routeRequests  = 6
	healthRequests = 2
	// batchSize is OTEL_BSP_MAX_EXPORT_BATCH_SIZE for the variants that
	// flush: the SDK exports as soon as that many spans wait, so spans
	// arrive before SIGTERM, in calls of at most batchSize spans, while
	// the schedule delay (a minute) never fires. It divides none of the
	// cases' span counts (18, 22, 24, 30), so some spans are always
	// still queued at SIGTERM and only the shutdown's flush can send them.
	batchSize = 7
)

// serviceCase is one run of a service: a variant, and the environment
// changes of the case.
type serviceCase struct {
	svc Service
	v   Variant
	// env is added to the standard variables of the run.
	env map[string]string
	// off says the sampler is always_off: no span may arrive (otelbench's
	// baseline runs a service so).
	off bool
	// tracesEndpoint sets OTEL_EXPORTER_OTLP_TRACES_ENDPOINT to the
	// receiver's traces URL and OTEL_EXPORTER_OTLP_ENDPOINT to a dead
	// address: the signal's own variable must win.
	tracesEndpoint bool
	// lost and killed say that, whatever the variant says, the case
	// loses the queued spans and dies by SIGTERM.
	lost, killed bool
}

func TestServices(t *testing.T) {
	cases := []serviceCase{
		// NodeSDK picks its exporter from the environment: http/protobuf by default.
		{svc: Node, v: Default},
		// The signal's endpoint variable, used as it is, wins over the general one.
		{svc: Node, v: Default, tracesEndpoint: true},
		// The gRPC exporter in code, to the embedded sink.
		{svc: Node, v: GRPC},
		// NodeSDK picks the gRPC exporter itself from OTEL_EXPORTER_OTLP_PROTOCOL.
		{svc: Node, v: EnvGRPC},
		// /healthz traced as well.
		{svc: Node, v: TracedHealthz},
		// SIGTERM exits without sdk.shutdown(): the queued spans are lost.
		{svc: Node, v: NoFlush},
		// always_off beats the sampled parent: nothing is exported.
		{svc: Node, v: GRPC, off: true},
		// The guide's service: batch processor, gRPC exporter.
		{svc: FastAPI, v: Default},
		// SimpleSpanProcessor: one export per span, on the request path.
		{svc: FastAPI, v: Simple},
		// /healthz traced as well.
		{svc: FastAPI, v: TracedHealthz},
		// No flush in the lifespan handler and no atexit shutdown: lost.
		{svc: FastAPI, v: NoFlush},
		// No flush in the lifespan handler, but the SDK's atexit shutdown flushes.
		{svc: FastAPI, v: AtExit},
		// uvicorn's own ending: flushed, then killed by its re-raised SIGTERM.
		{svc: FastAPI, v: ReraiseSIGTERM},
		// Relying on atexit under uvicorn's own ending: the re-raised SIGTERM
		// kills the process before atexit handlers run, and the spans are lost.
		{svc: FastAPI, v: AtExit, env: map[string]string{"SVC_RERAISE_SIGTERM": "1"}, lost: true, killed: true},
		// always_off beats the sampled parent: nothing is exported.
		{svc: FastAPI, v: Default, off: true},
	}
	for i, c := range cases {
		name := string(c.svc) + "/" + string(c.v)
		switch {
		case c.off:
			name += "/always_off"
		case c.tracesEndpoint:
			name += "/traces_endpoint"
		case c.killed:
			name += "/reraise_sigterm"
		}
		t.Run(name, func(t *testing.T) {
			root := Require(t, c.svc)
			runCase(t, root, c, uint64(i+1))
		})
	}
}

// runCase starts the service as otelbench would, loads it, stops it with
// SIGTERM and checks what arrived.
func runCase(t *testing.T, root string, c serviceCase, seed uint64) {
	spec := MustLookup(t, root, c.svc, c.v)
	spec.Flushes = spec.Flushes && !c.lost
	spec.DiesBySIGTERM = spec.DiesBySIGTERM || c.killed
	var recv receiver
	if spec.Protocol == ProtocolGRPC {
		recv = startGRPC(t)
	} else {
		recv = startHTTP(t)
	}
	port := freePort(t)
	batch := batchSize
	if !spec.Flushes {
		batch = 512 // nothing leaves before SIGTERM: all of it is pending
	}
	env := baseEnv()
	maps.Copy(env, map[string]string{
		"PORT":                           strconv.Itoa(port),
		"OTEL_SERVICE_NAME":              "testsvc-" + string(c.svc) + "-" + string(c.v),
		"OTEL_EXPORTER_OTLP_ENDPOINT":    recv.endpoint(),
		"OTEL_EXPORTER_OTLP_INSECURE":    "true",
		"OTEL_BSP_MAX_QUEUE_SIZE":        "2048",
		"OTEL_BSP_SCHEDULE_DELAY":        "60000",
		"OTEL_BSP_MAX_EXPORT_BATCH_SIZE": strconv.Itoa(batch),
		"OTEL_BSP_EXPORT_TIMEOUT":        "10000",
		"OTEL_TRACES_SAMPLER":            "parentbased_always_on",
	})
	if c.off {
		env["OTEL_TRACES_SAMPLER"] = "always_off"
	}
	if c.tracesEndpoint {
		env["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] = recv.endpoint() + "/v1/traces"
		env["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:9" // discard: nothing listens
	}
	p := startService(t, spec, env, c.env, port)
	client := &http.Client{Timeout: 5 * time.Second}
	ids := traceIDs{seed: seed}
	routeURL := strings.ReplaceAll(spec.URL, "{port}", strconv.Itoa(port))
	healthURL := strings.ReplaceAll(spec.HealthURL, "{port}", strconv.Itoa(port))
	for i := range routeRequests {
		get(t, client, strings.ReplaceAll(routeURL, "{id}", strconv.Itoa(i)), ids.header(i))
	}
	for i := range healthRequests {
		get(t, client, healthURL, ids.header(100+i))
	}

	wantBefore := 0
	if spec.Flushes && !c.off {
		wantBefore = batch // at least one full batch leaves at once
	}
	waitSpans(t, recv, wantBefore, 5*time.Second)
	before, _ := recv.received()

	// SIGTERM with the client's keep-alive connections still open, as
	// otelbench's load generator leaves them.
	took, err := p.Stop(context.Background(), 15*time.Second)
	client.CloseIdleConnections()
	if err != nil {
		t.Fatalf("stopping %s: %v\n%s", spec.Command(), err, strings.Join(p.Tail(), "\n"))
	}
	checkExit(t, spec, p)
	t.Logf("%s %v after SIGTERM; %d spans had arrived before it", p.ExitStatus(), took.Round(time.Millisecond), len(before))

	spans, calls := settle(recv)
	byTrace := map[string][]gotSpan{}
	for _, sp := range spans {
		byTrace[sp.traceID] = append(byTrace[sp.traceID], sp)
	}
	logShape(t, spans, calls, byTrace[ids.traceID(0)])

	switch {
	case c.off:
		if len(spans) != 0 {
			t.Fatalf("OTEL_TRACES_SAMPLER=always_off: %d spans arrived, want none", len(spans))
		}
		return
	case !spec.Flushes:
		if len(spans) != 0 {
			t.Fatalf("a service that does not flush on SIGTERM: %d spans arrived, want none (all were queued)", len(spans))
		}
		return
	}

	checkBatches(t, spec, before, spans, calls, batch)
	for i := range routeRequests {
		checkRequest(t, spec, byTrace[ids.traceID(i)], ids.parentID(i), strconv.Itoa(i))
	}
	for i := range healthRequests {
		got := byTrace[ids.traceID(100+i)]
		switch {
		case spec.TracesHealthz && len(got) == 0:
			t.Errorf("healthz request %d: no span, want it traced (%s)", i, spec.Variant)
		case !spec.TracesHealthz && len(got) != 0:
			t.Errorf("healthz request %d: %d spans (%s), want none: /healthz is excluded", i, len(got), names(got))
		}
	}
	if n := len(byTrace) - routeRequests; !spec.TracesHealthz && n != 0 {
		t.Errorf("%d traces arrived that no request of ours started", n)
	}
	checkResource(t, spec, spans, env["OTEL_SERVICE_NAME"])
}

// checkExit checks how the process ended after SIGTERM: exit status 0, or
// killed by SIGTERM for a variant that says so.
func checkExit(t *testing.T, spec Spec, p *proc.Process) {
	t.Helper()
	st := p.State()
	if st == nil {
		t.Fatalf("%s: no exit status after SIGTERM", spec.Command())
	}
	ws, _ := st.Sys().(syscall.WaitStatus)
	killed := ws.Signaled() && ws.Signal() == syscall.SIGTERM
	switch {
	case spec.DiesBySIGTERM && !killed:
		t.Fatalf("%s ended with %s after SIGTERM, want killed by SIGTERM\n%s", spec.Command(), p.ExitStatus(), strings.Join(p.Tail(), "\n"))
	case !spec.DiesBySIGTERM && st.ExitCode() != 0:
		t.Fatalf("%s ended with %s after SIGTERM, want exit status 0\n%s", spec.Command(), p.ExitStatus(), strings.Join(p.Tail(), "\n"))
	}
}

// checkBatches checks that OTEL_BSP_MAX_EXPORT_BATCH_SIZE was honoured:
// spans left before SIGTERM, in calls of at most batch spans each.
func checkBatches(t *testing.T, spec Spec, before, spans []gotSpan, calls, batch int) {
	t.Helper()
	if spec.Variant == Simple {
		// One export per span, each as it ends.
		if calls != len(spans) {
			t.Errorf("SimpleSpanProcessor: %d export calls for %d spans, want one each", calls, len(spans))
		}
		return
	}
	if len(before) < batch {
		t.Errorf("%d spans arrived before SIGTERM, want at least OTEL_BSP_MAX_EXPORT_BATCH_SIZE=%d: the SDK did not export a full batch at once", len(before), batch)
	}
	if len(spans)%batch == 0 {
		t.Fatalf("test setup: %d spans is a multiple of the batch size %d, so none need be queued at SIGTERM; change batchSize", len(spans), batch)
	}
	if len(before) >= len(spans) {
		t.Errorf("all %d spans arrived before SIGTERM, want the last %d only with the shutdown's flush", len(spans), len(spans)%batch)
	}
	if min := (len(spans) + batch - 1) / batch; calls < min {
		t.Errorf("%d spans in %d export calls: some call held more than OTEL_BSP_MAX_EXPORT_BATCH_SIZE=%d", len(spans), calls, batch)
	}
}

// checkRequest checks the spans of one traced request: the measured count,
// one server span whose parent is the traceparent's, and process_item_logic
// with its attributes.
func checkRequest(t *testing.T, spec Spec, got []gotSpan, parent, item string) {
	t.Helper()
	if len(got) != spec.SpansPerRequest {
		t.Errorf("item %s: %d spans (%s), want %d", item, len(got), names(got), spec.SpansPerRequest)
	}
	var server, logic int
	for _, sp := range got {
		if sp.server {
			server++
			if sp.parentID != parent {
				t.Errorf("item %s: server span %q has parent %q, want the traceparent's %s", item, sp.name, sp.parentID, parent)
			}
		}
		if sp.name == "process_item_logic" {
			logic++
			if sp.attrs["item.id"] != item || sp.attrs["processing.status"] != "completed" {
				t.Errorf("item %s: process_item_logic has item.id=%q processing.status=%q, want %q and completed",
					item, sp.attrs["item.id"], sp.attrs["processing.status"], item)
			}
		}
	}
	if server != 1 || logic != 1 {
		t.Errorf("item %s: %d server spans and %d process_item_logic (%s), want one of each", item, server, logic, names(got))
	}
}

// checkResource checks the resource every span carries.
func checkResource(t *testing.T, spec Spec, spans []gotSpan, service string) {
	t.Helper()
	want := map[string]string{
		"service.name":           service,
		"telemetry.sdk.language": spec.SDK.Language,
		"telemetry.sdk.name":     spec.SDK.Name,
		"telemetry.sdk.version":  spec.SDK.Version,
	}
	for _, sp := range spans {
		for k, v := range want {
			if sp.resource[k] != v {
				t.Fatalf("span %q: resource %s=%q, want %q", sp.name, k, sp.resource[k], v)
			}
		}
	}
}

// logShape logs what one request produced and the resource, for the
// package documentation.
func logShape(t *testing.T, spans []gotSpan, calls int, first []gotSpan) {
	t.Helper()
	t.Logf("%d spans in %d export calls; request 0: %d spans: %s", len(spans), calls, len(first), names(first))
	if len(spans) > 0 {
		keys := slices.Sorted(maps.Keys(spans[0].resource))
		var b strings.Builder
		for _, k := range keys {
			fmt.Fprintf(&b, " %s=%q", k, spans[0].resource[k])
		}
		t.Logf("resource:%s", b.String())
	}
}

// names lists the spans' names, sorted.
func names(spans []gotSpan) string {
	var out []string
	for _, sp := range spans {
		out = append(out, fmt.Sprintf("%q", sp.name))
	}
	slices.Sort(out)
	return strings.Join(out, ", ")
}

// startService starts spec's command as otelbench does (sh -c "exec CMD",
// exactly env) and waits for its port. The case's own variables go into
// the command beside the variant's, as a user would write them in -cmd.
func startService(t *testing.T, spec Spec, env, caseEnv map[string]string, port int) *proc.Process {
	t.Helper()
	list := make([]string, 0, len(env))
	for k, v := range env {
		list = append(list, k+"="+v)
	}
	slices.Sort(list)
	spec.Env = maps.Clone(spec.Env)
	maps.Copy(spec.Env, caseEnv)
	p, err := proc.Start(context.Background(), proc.Options{
		Path: "/bin/sh", Args: []string{"-c", "exec " + spec.Command()}, Env: list,
		LogPath: filepath.Join(t.TempDir(), "service.log"), TailLines: 30,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Kill() })
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	deadline := time.Now().Add(20 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return p
		}
		select {
		case <-p.Exited():
			t.Fatalf("%s exited with %s before it listened on %s\n%s", spec.Command(), p.ExitStatus(), addr, strings.Join(p.Tail(), "\n"))
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not listen on %s within 20 s\n%s", spec.Command(), addr, strings.Join(p.Tail(), "\n"))
		}
	}
}

// baseEnv is what otelbench passes a service of its caller's environment.
func baseEnv() map[string]string {
	env := map[string]string{}
	for _, k := range []string{"PATH", "HOME", "TMPDIR", "LANG"} {
		if v, ok := os.LookupEnv(k); ok {
			env[k] = v
		}
	}
	return env
}

// get sends one GET with a traceparent and wants 200.
func get(t *testing.T, c *http.Client, url, traceparent string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("traceparent", traceparent)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s: %s", url, resp.Status, body)
	}
}

// waitSpans waits until at least n spans have arrived, at most for d.
func waitSpans(t *testing.T, r receiver, n int, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		spans, _ := r.received()
		if len(spans) >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Logf("waited %v for %d spans; %d arrived", d, n, len(spans))
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// settle returns what r received once nothing more has come for a moment:
// the service has exited, but an answer may still be on its way in.
func settle(r receiver) ([]gotSpan, int) {
	spans, calls := r.received()
	for range 10 {
		time.Sleep(50 * time.Millisecond)
		s, c := r.received()
		if len(s) == len(spans) && c == calls {
			break
		}
		spans, calls = s, c
	}
	return spans, calls
}

// freePort returns a loopback port that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// traceIDs makes the trace and parent ids of a case's requests: distinct
// per case (seed) and per request.
type traceIDs struct{ seed uint64 }

func (ids traceIDs) traceID(i int) string {
	return fmt.Sprintf("7e57%012x%016x", ids.seed, uint64(i)+1)
}

func (ids traceIDs) parentID(i int) string {
	return fmt.Sprintf("%08x%08x", ids.seed+1, uint64(i)+1)
}

func (ids traceIDs) header(i int) string {
	return "00-" + ids.traceID(i) + "-" + ids.parentID(i) + "-01"
}
