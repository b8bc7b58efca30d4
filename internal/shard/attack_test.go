package shard

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestShardsMergeIntoOneAttack runs two shards against a real server over
// loopback and checks that, merged, they are one attack: every item once,
// every place in the schedule once, each with its traceparent, in
// timestamp order.
func TestShardsMergeIntoOneAttack(t *testing.T) {
	var mu sync.Mutex
	got := map[uint64]string{} // item → traceparent the server saw
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.ParseUint(strings.TrimPrefix(r.URL.Path, "/process/"), 10, 64)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		mu.Lock()
		got[n] = r.Header.Get("Traceparent")
		mu.Unlock()
	}))
	defer srv.Close()
	defer srv.CloseClientConnections()
	tp := func(n uint64) string { return fmt.Sprintf("00-%032x-%016x-01", n, n|1) }
	const shards, rate, first = 2, 200.0, 10
	start := time.Now().Add(50 * time.Millisecond)
	dir := t.TempDir()
	recs := make([]error, shards)
	var wg sync.WaitGroup
	for i := range shards {
		wg.Go(func() {
			f, err := os.Create(filepath.Join(dir, fmt.Sprint(i)))
			if err != nil {
				recs[i] = err
				return
			}
			defer f.Close()
			o := Options{URL: srv.URL + "/process/{id}", Rate: rate / shards, Duration: 300 * time.Millisecond,
				StartAt: start, Shard: i, Shards: shards, FirstItem: first, Traceparent: tp, MaxWorkers: 8}
			rec, err := Run(context.Background(), o, f)
			switch {
			case err != nil:
				recs[i] = err
			case rec.Requests != 30 || rec.Successes != rec.Requests:
				// Shard 0 is due at 0, 10, …, 290 ms; shard 1 at 5, …, 295 ms.
				recs[i] = fmt.Errorf("shard %d: %d requests, %d successes; want 30", i, rec.Requests, rec.Successes)
			case rec.Skew < 0 || rec.Skew > 50*time.Millisecond:
				recs[i] = fmt.Errorf("shard %d: skew %v on one machine", i, rec.Skew)
			case rec.CPU <= 0:
				recs[i] = fmt.Errorf("shard %d: no CPU time measured", i)
			}
		})
	}
	wg.Wait()
	for _, err := range recs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var merged bytes.Buffer
	var seqs []uint64
	var last time.Time
	n, err := Merge(&merged, []string{filepath.Join(dir, "0"), filepath.Join(dir, "1")}, func(r *vegeta.Result) {
		if r.Timestamp.Before(last) {
			t.Errorf("result %d sent at %v, before the one before it", r.Seq, r.Timestamp)
		}
		last = r.Timestamp
		seqs = append(seqs, r.Seq)
	})
	if err != nil || n != 60 {
		t.Fatalf("Merge = %d, %v; want 60 results (one attacker at 200/s for 300 ms sends 60)", n, err)
	}
	slices.Sort(seqs)
	for i, s := range seqs {
		if s != uint64(i) {
			t.Fatalf("merged Seqs are not 0..59 once each: %v", seqs)
		}
	}
	for k := uint64(first); k < first+60; k++ {
		if h, ok := got[k]; !ok || h != tp(k) {
			t.Errorf("item %d: seen %v with traceparent %q, want %q", k, ok, h, tp(k))
		}
	}
	// The merged file reads back like any vegeta results file.
	dec := vegeta.NewDecoder(&merged)
	var r vegeta.Result
	if err := dec.Decode(&r); err != nil || r.Code != http.StatusOK {
		t.Fatalf("decoding the merged results: %v (code %d)", err, r.Code)
	}
}

func TestRunStopsWithItsContext(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	o := Options{URL: srv.URL + "/{id}", Rate: 100, Duration: time.Minute, StartAt: time.Now(), Shards: 1}
	var out bytes.Buffer
	begin := time.Now()
	rec, err := Run(ctx, o, &out)
	if err != nil || !rec.Interrupted {
		t.Fatalf("Run = %+v, %v; want an interrupted record", rec, err)
	}
	if took := time.Since(begin); took > 5*time.Second {
		t.Fatalf("Run took %v after its context ended", took)
	}
	srv.CloseClientConnections()
}
