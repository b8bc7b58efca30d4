package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/otelbench/otelbench/internal/results"
	"github.com/otelbench/otelbench/internal/summary"
)

// vegetaVersion is the vegeta release of go.mod, whose CLI must read the
// merged results.
const vegetaVersion = "v12.13.0"

// vegetaCLI installs vegeta's CLI into the repository's git-ignored
// .cache/bin once and returns its path.
func vegetaCLI(t *testing.T) string {
	t.Helper()
	bin, err := filepath.Abs(filepath.Join("..", "..", ".cache", "bin"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(bin, "vegeta")
	if _, err := os.Stat(path); err == nil {
		return path
	}
	cmd := exec.Command("go", "install", "github.com/tsenart/vegeta/v12@"+vegetaVersion)
	cmd.Env = append(os.Environ(), "GOBIN="+bin)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("installing vegeta's CLI: %v\n%s", err, out)
	}
	return path
}

// TestShardedSmokeMatchesInProcess runs the smoke profile with the
// in-process attacker and with 2 and 4 attack processes per cell, and
// checks that the sharded runs account for every span and trace as the
// in-process one does, send the same requests, have compatible
// percentiles, a record per shard, and results vegeta's CLI reads.
func TestShardedSmokeMatchesInProcess(t *testing.T) {
	vegeta := vegetaCLI(t)
	runs := map[int]*summary.Summary{}
	loaded := map[int]*results.Loaded{}
	for _, shards := range []int{0, 2, 4} {
		root := t.TempDir()
		args := []string{"run", "-profile", "profiles/smoke.yaml", "-results", root, "-target", targetBin(), "-q"}
		if shards > 0 {
			args = append(args, "-shards", itoa(shards))
		}
		_, stderr, code := runOtelbench(t, 3*time.Minute, args...)
		if code != 0 {
			t.Fatalf("-shards %d: exit code %d\nstderr:\n%s", shards, code, stderr)
		}
		assertNoTargets(t)
		assertNoAttackers(t)
		l, err := results.Open(onlyRun(t, root))
		if err != nil {
			t.Fatal(err)
		}
		s, err := summary.Build(l)
		if err != nil {
			t.Fatal(err)
		}
		runs[shards], loaded[shards] = s, l
	}
	ref := runs[0]
	for _, shards := range []int{2, 4} {
		s, l := runs[shards], loaded[shards]
		if len(s.Shards) != 5 {
			t.Fatalf("-shards %d: %d sharded cells in the summary, want 5", shards, len(s.Shards))
		}
		for _, c := range l.Cells {
			if c.Status != results.StatusOK || len(c.Shards) != shards {
				t.Errorf("-shards %d: cell %s: status %s, %d shard records", shards, c.Dir, c.Status, len(c.Shards))
				continue
			}
			var sum uint64
			for _, r := range c.Shards {
				sum += r.Requests
				if want := 200 / float64(shards); r.RequestedRate != want {
					t.Errorf("-shards %d: %s shard %d asked %g/s, want %g", shards, c.Dir, r.Index, r.RequestedRate, want)
				}
			}
			if sum != c.Load.Requests {
				t.Errorf("-shards %d: %s: shards sent %d, the merged results hold %d", shards, c.Dir, sum, c.Load.Requests)
			}
			checkVegetaReads(t, vegeta, l, c)
		}
		for i, row := range s.Rates[0].Rows {
			want := ref.Rates[0].Rows[i]
			if row.Requests != want.Requests {
				t.Errorf("-shards %d: %s sent %d requests, in process %d", shards, row.Variant, row.Requests, want.Requests)
			}
			if row.Spans.PerRequest > 0 && row.Kind != "sampled" {
				if !row.Spans.Matched || row.Spans.MissingTraces != 0 || row.Spans.Lost != 0 || row.Spans.TracedRequests != int64(row.Spans.Ended)/int64(row.Spans.PerRequest) {
					t.Errorf("-shards %d: %s: accounting %+v; in process %+v", shards, row.Variant, row.Spans, want.Spans)
				}
			}
			if want.Spans.Lost != row.Spans.Lost || want.Spans.MissingTraces != row.Spans.MissingTraces || want.Spans.Matched != row.Spans.Matched {
				t.Errorf("-shards %d: %s: lost %d missing %d matched %v; in process %d %d %v", shards, row.Variant,
					row.Spans.Lost, row.Spans.MissingTraces, row.Spans.Matched, want.Spans.Lost, want.Spans.MissingTraces, want.Spans.Matched)
			}
			// Compatible on a shared 2-core machine: within a factor of
			// two, or a millisecond.
			if a, b := row.Latency.P50, want.Latency.P50; a > 2*b+time.Millisecond || b > 2*a+time.Millisecond {
				t.Errorf("-shards %d: %s: p50 %v, in process %v", shards, row.Variant, a, b)
			}
		}
		for _, a := range s.Accounting {
			for _, w := range a.Warnings {
				t.Errorf("-shards %d: accounting warning %+v", shards, w)
			}
		}
	}
}

// checkVegetaReads has vegeta's CLI report a sharded cell's merged
// results, and its shards' files together: both hold every request.
func checkVegetaReads(t *testing.T, vegeta string, l *results.Loaded, c results.Cell) {
	t.Helper()
	files := [][]string{{l.CellPath(c, results.ResultsGob)}}
	var parts []string
	for i := range c.Shards {
		parts = append(parts, filepath.Join(l.Path, results.CellsDir, c.Dir, results.ShardsDir, itoa(i), results.ResultsGob))
	}
	files = append(files, parts)
	for _, f := range files {
		out, err := exec.Command(vegeta, append([]string{"report", "-type", "json"}, f...)...).Output()
		if err != nil {
			t.Fatalf("vegeta report %v: %v", f, err)
		}
		var rep struct {
			Requests uint64 `json:"requests"`
		}
		if err := json.Unmarshal(out, &rep); err != nil || rep.Requests != c.Load.Requests {
			t.Errorf("vegeta report %v: %d requests (%v), cell.json says %d", f, rep.Requests, err, c.Load.Requests)
		}
	}
}

// assertNoAttackers fails if an attack process of ours is still running.
func assertNoAttackers(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		var left []string
		procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
		for _, p := range procs {
			b, err := os.ReadFile(p)
			if err == nil && strings.HasPrefix(string(b), otelbenchBin()+"\x00attack\x00") {
				left = append(left, filepath.Base(filepath.Dir(p)))
			}
		}
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("attack processes left behind: pids %v", left)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
