package runner

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/otelbench/otelbench/internal/analysis"
	"github.com/otelbench/otelbench/internal/profile"
	"github.com/otelbench/otelbench/internal/results"
	"github.com/otelbench/otelbench/internal/shard"
)

// writeShard writes a shard folder of cell with n results at 100/s from
// start, as an attack process would.
func writeShard(t *testing.T, dir, run, cell string, index, of, n int, start time.Time) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(dir, results.ResultsGob))
	if err != nil {
		t.Fatal(err)
	}
	enc := vegeta.NewEncoder(f)
	for k := range n {
		seq := uint64(index + k*of)
		r := vegeta.Result{Seq: seq, Code: 200, Timestamp: start.Add(time.Duration(seq) * 10 * time.Millisecond / time.Duration(of)),
			Latency: time.Duration(100+seq) * time.Microsecond, URL: fmt.Sprintf("http://t/process/%d", seq+1), Method: "GET"}
		if err := enc.Encode(&r); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	rec := results.Shard{Schema: results.ShardSchema, Index: index, Of: of, Run: run, Cell: cell, Host: fmt.Sprintf("node-%d", index),
		URL: "http://t/process/{id}", FirstItem: 1, RequestedRate: 100 / float64(of), AchievedRate: 100 / float64(of),
		Requests: uint64(n), Successes: uint64(n), StartAt: start, Started: start.Add(time.Millisecond), Skew: time.Millisecond,
		Ended: start.Add(time.Second), CPU: time.Duration(n) * 50 * time.Microsecond, CPUs: 1}
	if err := shard.WriteRecord(dir, rec); err != nil {
		t.Fatal(err)
	}
}

func smokeProfile(t *testing.T) *profile.Profile {
	t.Helper()
	p, err := profile.Load(filepath.Join("..", "..", "profiles", "smoke.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestMergeMakesALoadOnlyRun(t *testing.T) {
	p := smokeProfile(t)
	pods := t.TempDir()
	start := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	for _, cell := range []string{"000-none-r200-rep1", "001-batch-r200-rep1"} {
		for i := range 2 {
			writeShard(t, filepath.Join(pods, "pod-"+cell+fmt.Sprint(i), "deep"), "k8s-run", cell, i, 2, 50, start)
		}
	}
	root := t.TempDir()
	dir, err := Merge(context.Background(), MergeOptions{Profile: p, ResultsRoot: root, Folders: []string{pods}})
	if err != nil {
		t.Fatal(err)
	}
	l, err := results.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Cells) != 2 || len(l.Unfinished) != 0 {
		t.Fatalf("%d cells, %d unfinished", len(l.Cells), len(l.Unfinished))
	}
	for _, c := range l.Cells {
		if !c.LoadOnly || len(c.Shards) != 2 || c.Load.Requests != 100 || c.Load.Successes != 100 {
			t.Errorf("cell %s: load only %v, %d shards, %d requests, %d successes", c.Dir, c.LoadOnly, len(c.Shards), c.Load.Requests, c.Load.Successes)
		}
		if c.Load.LoadGenCPU != 100*50*time.Microsecond {
			t.Errorf("cell %s: load generator CPU %v, want the shards' sum", c.Dir, c.Load.LoadGenCPU)
		}
	}
	a, err := analysis.Of(l)
	if err != nil {
		t.Fatal(err)
	}
	if a.Advice.Measured || len(a.Rules) != 0 || len(a.Accounting) != 0 {
		t.Errorf("a load-only run advises (%v), judges %d rules, accounts %d cells", a.Advice.Measured, len(a.Rules), len(a.Accounting))
	}
	row := a.Rates[0].Rows[0]
	// Latencies 100 µs + seq: the merged p50 of seq 0..99 is 149 µs.
	if !row.LoadOnly || row.Requests != 100 || row.Latency.P50 != 149*time.Microsecond {
		t.Errorf("row %s: load only %v, %d requests, p50 %v", row.Variant, row.LoadOnly, row.Requests, row.Latency.P50)
	}
	if len(a.Shards) != 2 || a.Shards[0].Shards[1].Host != "node-1" {
		t.Errorf("shard table %+v", a.Shards)
	}
}

func TestMergeRefusesBadInput(t *testing.T) {
	p := smokeProfile(t)
	start := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name   string
		shards func(dir string) // writes the input
		want   string
	}{
		// One of two shards never came back.
		{"missing shard", func(d string) { writeShard(t, filepath.Join(d, "a"), "r", "000-none-r200-rep1", 0, 2, 5, start) },
			"shard(s) 1 of 2 missing"},
		// The same shard copied twice.
		{"shard twice", func(d string) {
			writeShard(t, filepath.Join(d, "a"), "r", "000-none-r200-rep1", 0, 1, 5, start)
			writeShard(t, filepath.Join(d, "b"), "r", "000-none-r200-rep1", 0, 1, 5, start)
		}, "shard 0 twice"},
		// Shards of two runs are not one run.
		{"two runs", func(d string) {
			writeShard(t, filepath.Join(d, "a"), "r1", "000-none-r200-rep1", 0, 1, 5, start)
			writeShard(t, filepath.Join(d, "b"), "r2", "001-batch-r200-rep1", 0, 1, 5, start)
		}, "shards of 2 runs"},
		// A cell of another profile.
		{"unknown variant", func(d string) { writeShard(t, filepath.Join(d, "a"), "r", "000-nope-r200-rep1", 0, 1, 5, start) },
			`no variant "nope"`},
		// A rate the profile does not have.
		{"unknown rate", func(d string) { writeShard(t, filepath.Join(d, "a"), "r", "000-none-r999-rep1", 0, 1, 5, start) },
			"no rate 999"},
		// A folder with no shard in it.
		{"no shard", func(string) {}, "no shard folder in it"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in, root := t.TempDir(), t.TempDir()
			tc.shards(in)
			_, err := Merge(context.Background(), MergeOptions{Profile: p, ResultsRoot: root, Folders: []string{in}})
			var ie *InputError
			if !errors.As(err, &ie) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Merge = %v, want an InputError with %q", err, tc.want)
			}
			if entries, _ := os.ReadDir(root); len(entries) != 0 {
				t.Errorf("bad input left %d entries in the results directory", len(entries))
			}
		})
	}
}
