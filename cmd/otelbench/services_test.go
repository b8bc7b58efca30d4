package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/otelbench/otelbench/internal/analysis"
	"github.com/otelbench/otelbench/internal/predict"
	"github.com/otelbench/otelbench/internal/results"
	"github.com/otelbench/otelbench/internal/summary"
	"github.com/otelbench/otelbench/internal/testsvc"
)

// servicesProfile is a short profile for real services: the baseline,
// batch (with protocol, when set) and half the traces sampled.
func servicesProfile(t *testing.T, protocol string) string {
	t.Helper()
	batch := "  - {name: batch, kind: batch}"
	if protocol != "" {
		batch = fmt.Sprintf("  - {name: batch, kind: batch, protocol: %s}", protocol)
	}
	path := filepath.Join(t.TempDir(), "services.yaml")
	data := "name: services\nrates: [150]\nduration: 2s\nwarmup: 1s\nwarmup_max: 3s\nrepetitions: 1\nvariants:\n" +
		"  - {name: none, kind: none}\n" + batch + "\n  - {name: sampled-50, kind: sampled, sample_ratio: 0.5}\n"
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// analysed reads a run's analysis.
func analysed(t *testing.T, dir string) *analysis.Analysis {
	t.Helper()
	l, err := results.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	a, err := analysis.Of(l)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestServicesRun measures real services in other languages: a Node.js
// service on http/protobuf (NodeSDK's default), one with the gRPC exporter
// in code, one told grpc by the variant's protocol, and the classic
// FastAPI service on gRPC. Each must lose nothing, measure its own spans
// per request, say which transport and SDK it used, keep about half its
// traces when sampled at 0.5, and never be judged by the Go model.
func TestServicesRun(t *testing.T) {
	if testing.Short() {
		t.Skip("real services in other languages")
	}
	for _, tc := range []struct {
		svc      testsvc.Service
		variant  testsvc.Variant
		protocol string // the profile's, "" for the service's own
		want     string // the transport the sink must see
	}{
		{testsvc.Node, testsvc.Default, "", "http/protobuf"},
		{testsvc.Node, testsvc.GRPC, "", "grpc"},
		{testsvc.Node, testsvc.Default, "grpc", "grpc"},
		{testsvc.FastAPI, testsvc.Default, "", "grpc"},
	} {
		t.Run(fmt.Sprintf("%s-%s-%s", tc.svc, tc.variant, tc.want), func(t *testing.T) {
			root := testsvc.Require(t, tc.svc)
			spec := testsvc.MustLookup(t, root, tc.svc, tc.variant)
			res := t.TempDir()
			stdout, stderr, code := runOtelbench(t, 3*time.Minute, "run", "-q", "-profile", servicesProfile(t, tc.protocol),
				"-results", res, "-cmd", spec.Command(), "-url", spec.URL)
			if code != exitOK {
				t.Fatalf("run exited %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
			}
			a := analysed(t, onlyRun(t, res))
			checkServiceRun(t, a, spec, tc.want)
			if !strings.Contains(stdout, tc.want) || strings.Contains(stdout, "adds up: yes") {
				t.Errorf("the report does not name the transport %s, or claims an outside cell adds up:\n%s", tc.want, stdout)
			}
			// What a service does not expose is said once per rate, not as
			// a table of n/a rows.
			if n := strings.Count(stdout, "Time the request path waited on span export: n/a (not measured"); n != 1 || strings.Contains(stdout, "OnEnd p50") {
				t.Errorf("the export wait, which the service does not expose, is said %d times (want once, with no table):\n%s", n, stdout)
			}
		})
	}
}

// checkServiceRun checks the analysis of a service run against its spec.
func checkServiceRun(t *testing.T, a *analysis.Analysis, spec testsvc.Spec, transport string) {
	t.Helper()
	if a.Checks.Skipped != predict.SkipNotGo || a.Advice.Sized || a.Advice.Language != spec.SDK.Language {
		t.Errorf("model %q, advice sized %v for SDK %q: the Go model must not judge a %s service", a.Checks.Skipped, a.Advice.Sized, a.Advice.Language, spec.SDK.Language)
	}
	for _, w := range a.AllWarnings() {
		if w.Kind == summary.WarnCellFailed {
			t.Errorf("cell failed: %s: %s", w.Cell, w.Detail)
		}
	}
	batch := a.Row("batch", 150)
	if batch == nil {
		t.Fatal("no batch row")
	}
	sp := batch.Spans
	if sp.Lost != 0 || sp.Received != sp.Ended || !sp.Expected || sp.PerRequestMeasured != spec.SpansPerRequest || sp.MissingTraces != 0 {
		t.Errorf("batch spans %+v: want every expected span received, %d per request measured", sp, spec.SpansPerRequest)
	}
	vi, _ := a.Variant("batch")
	if len(vi.Protocols) != 1 || vi.Protocols[0] != transport || vi.Language != spec.SDK.Language {
		t.Errorf("batch came over %v from SDK %q, want %s from %s", vi.Protocols, vi.Language, transport, spec.SDK.Language)
	}
	sampled := a.Row("sampled-50", 150)
	if sampled == nil {
		t.Fatal("no sampled row")
	}
	// Binomial: the share of n traces kept at 0.5 is within 4σ of it.
	n := float64(sampled.Spans.TargetRequests)
	if got, sigma := sampled.Spans.SampledShare, math.Sqrt(0.25/n); n < 100 || math.Abs(got-0.5) > 4*sigma {
		t.Errorf("sampled share %.3f of %.0f requests, want 0.5 ± %.3f", got, n, 4*sigma)
	}
	if sampled.Spans.Lost < 0 || sampled.Spans.LossUnknown == "" {
		t.Errorf("sampled spans %+v: loss must be unknown, never negative", sampled.Spans)
	}
}

// TestServiceDeliveringNothingFails checks that a service whose exporter
// points elsewhere fails its cell loudly, with the cause and its log, and
// is never shown as adding up.
func TestServiceDeliveringNothingFails(t *testing.T) {
	if testing.Short() {
		t.Skip("a real service in another language")
	}
	root := testsvc.Require(t, testsvc.Node)
	spec := testsvc.MustLookup(t, root, testsvc.Node, testsvc.Default)
	// env(1) in the command overrides otelbench's endpoint, as an endpoint
	// hard-coded in a service would: nothing listens on port 9.
	cmd := "env OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:9 " + spec.Command()
	path := filepath.Join(t.TempDir(), "p.yaml")
	if err := os.WriteFile(path, []byte("name: nothing\nrates: [100]\nduration: 2s\nwarmup: 1s\nvariants:\n  - {name: none, kind: none}\n  - {name: batch, kind: batch}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res := t.TempDir()
	stdout, stderr, code := runOtelbench(t, 2*time.Minute, "run", "-q", "-profile", path, "-results", res, "-cmd", cmd, "-url", spec.URL)
	if code != exitFailure {
		t.Fatalf("run exited %d, want 1 (a cell failed)\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	l, err := results.Open(onlyRun(t, res))
	if err != nil {
		t.Fatal(err)
	}
	var failed *results.Cell
	for i := range l.Cells {
		if l.Cells[i].Variant == "batch" {
			failed = &l.Cells[i]
		}
	}
	if failed == nil || failed.Status != results.StatusFailed || failed.NoDelivery == nil || failed.NoDelivery.Cause != results.NoDeliveryNoConnection {
		t.Fatalf("the batch cell: %+v", failed)
	}
	if !regexp.MustCompile(`served \d+ requests but delivered no span`).MatchString(stdout) || !strings.Contains(stdout, "Cells that failed") ||
		!strings.Contains(stdout, "The last lines of its output") || strings.Contains(stdout, "adds up") && strings.Contains(stdout, "yes") {
		t.Errorf("the report does not explain the failure with the service's output:\n%s", stdout)
	}
}

// TestServicesVerify runs verify on the services as README says to: the
// correct ones pass, one that traces its health endpoint fails the
// exclusion check with its SDK's own fix, one that does not flush fails
// the restart check with its SDK's own fix.
func TestServicesVerify(t *testing.T) {
	if testing.Short() {
		t.Skip("real services in other languages")
	}
	fixOf := map[testsvc.Service][2]string{
		testsvc.Node:    {"ignoreIncomingRequestHook", "sdk.shutdown()"},
		testsvc.FastAPI: {"excluded_urls", "provider.force_flush()"},
	}
	for _, svc := range testsvc.Services() {
		t.Run(string(svc), func(t *testing.T) {
			root := testsvc.Require(t, svc)
			verify := func(v testsvc.Variant, checks string) (string, int) {
				spec := testsvc.MustLookup(t, root, svc, v)
				stdout, stderr, code := runOtelbench(t, 3*time.Minute, "verify", "-cmd", spec.Command(), "-url", spec.URL, "-checks", checks,
					"-env", "OTEL_SERVICE_NAME=otelbench-testsvc-"+string(svc))
				t.Logf("verify %s %s: exit %d\n%s%s", svc, v, code, stdout, stderr)
				return stdout, code
			}
			out, code := verify(testsvc.Default, "parenting,naming,attributes,excluded,sampling,restart")
			if code != exitOK {
				t.Errorf("the correct service failed verify (exit %d):\n%s", code, out)
			}
			// The Python instrumentation keeps the old HTTP conventions
			// unless told otherwise: a warning with the opt-in, not a failure.
			if oldKeys := svc == testsvc.FastAPI; oldKeys != strings.Contains(out, "warn  attributes") || oldKeys && !strings.Contains(out, "OTEL_SEMCONV_STABILITY_OPT_IN=http") {
				t.Errorf("old semantic conventions %v, but the attributes check says:\n%s", oldKeys, out)
			}
			if out, code := verify(testsvc.TracedHealthz, "excluded"); code != exitFailure || !strings.Contains(out, "FAIL  excluded") || !strings.Contains(out, fixOf[svc][0]) {
				t.Errorf("traced healthz: exit %d, want a failed exclusion check naming %q:\n%s", code, fixOf[svc][0], out)
			}
			if out, code := verify(testsvc.NoFlush, "parenting,restart"); code != exitFailure || !strings.Contains(out, "FAIL  restart") || !strings.Contains(out, fixOf[svc][1]) {
				t.Errorf("no flush: exit %d, want a failed restart check naming %q:\n%s", code, fixOf[svc][1], out)
			}
		})
	}
}

// TestServicesTune tunes the Node.js service as README says to: tune
// measures its spans per request, learns its SDK, measures the SDK's
// defaults first in a small grid rather than the Go model's candidates,
// and finishes with a confirmation.
func TestServicesTune(t *testing.T) {
	if testing.Short() {
		t.Skip("a real service in another language")
	}
	root := testsvc.Require(t, testsvc.Node)
	spec := testsvc.MustLookup(t, root, testsvc.Node, testsvc.Default)
	start := time.Now()
	stdout, stderr, code := runOtelbench(t, 6*time.Minute, "tune", "-rate", "150", "-latency", "2ms", "-budget-p99", "100",
		"-duration", "2s", "-seed", "3", "-format", "json", "-results", t.TempDir(), "-q",
		"-cmd", spec.Command(), "-url", spec.URL)
	if code != exitOK {
		t.Fatalf("tune exited %d after %v\nstdout:\n%s\nstderr:\n%s", code, time.Since(start), stdout, stderr)
	}
	var res struct {
		SpansPerRequest int    `json:"spans_per_request"`
		Measured        bool   `json:"spans_measured"`
		Language        string `json:"language"`
		Grid            bool   `json:"grid"`
		Plan            []struct {
			Name string `json:"name"`
		} `json:"plan"`
		ConfirmRun string `json:"confirm_run"`
	}
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("tune -format json: %v\n%s", err, stdout)
	}
	if res.SpansPerRequest != 3 || !res.Measured || res.Language != "nodejs" || !res.Grid {
		t.Errorf("tune saw %d spans per request (measured %v), SDK %q, grid %v; want 3 measured, nodejs, a grid",
			res.SpansPerRequest, res.Measured, res.Language, res.Grid)
	}
	if len(res.Plan) < 2 || res.Plan[0].Name != "defaults" {
		t.Errorf("the plan %+v: want the SDK's defaults first, then others", res.Plan)
	}
	if res.ConfirmRun == "" {
		t.Errorf("no confirmation was run:\n%s", stdout)
	}
	t.Logf("tune took %v", time.Since(start))
	assertNoTargets(t)
}
