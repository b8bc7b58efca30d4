package runner

import (
	"encoding/binary"
	"math"
	"net/http"
	"regexp"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/otelbench/otelbench/internal/sink"
)

// testIDs is a fixed, recognisable prefix for deterministic tests.
var testIDs = traceIDs{prefix: [8]byte{0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03, 0x04}}

func TestTraceIDDeterministicAndDistinct(t *testing.T) {
	again := traceIDs{prefix: testIDs.prefix}
	other := traceIDs{prefix: [8]byte{1}}
	const n = 5000
	seen := make(map[sink.TraceID]uint64, n)
	for i := uint64(0); i < n; i++ {
		id := testIDs.traceID(i)
		if id2 := again.traceID(i); id2 != id {
			t.Fatalf("traceID(%d) = %s, then %s with the same prefix", i, id, id2)
		}
		if [8]byte(id[:8]) != testIDs.prefix {
			t.Fatalf("traceID(%d) = %s does not start with the prefix %x", i, id, testIDs.prefix)
		}
		if got := binary.BigEndian.Uint64(id[8:]); got != mix64(i) {
			t.Fatalf("traceID(%d) low half = %#x, want mix64(n) = %#x", i, got, mix64(i))
		}
		if j, dup := seen[id]; dup {
			t.Fatalf("traceID(%d) == traceID(%d) = %s", i, j, id)
		}
		seen[id] = i
		if other.traceID(i) == id {
			t.Fatalf("traceID(%d) is the same under two prefixes", i)
		}
	}
}

func TestTraceparent(t *testing.T) {
	re := regexp.MustCompile(`^00-([0-9a-f]{32})-([0-9a-f]{16})-01$`)
	items := []uint64{
		0, 1, 2, 42, 1 << 32, math.MaxUint64,
		// mix64's input for the span id is 0 here, and mix64(0) == 0: the
		// low bit keeps the span id valid.
		0x5bd1e9955bd1e995,
	}
	for i := uint64(3); i < 2000; i++ {
		items = append(items, i)
	}
	for _, n := range items {
		tp := testIDs.traceparent(n)
		m := re.FindStringSubmatch(tp)
		if m == nil {
			t.Fatalf("traceparent(%d) = %q, not 00-<32 hex>-<16 hex>-01", n, tp)
		}
		if want := testIDs.traceID(n).String(); m[1] != want {
			t.Errorf("traceparent(%d) trace id = %s, want traceID(n) = %s", n, m[1], want)
		}
		if m[2] == "0000000000000000" {
			t.Errorf("traceparent(%d) = %q has an all-zero parent span id", n, tp)
		}
		if again := testIDs.traceparent(n); again != tp {
			t.Errorf("traceparent(%d) = %q, then %q", n, tp, again)
		}
	}
}

func TestNewTraceIDs(t *testing.T) {
	a, b := newTraceIDs(), newTraceIDs()
	for _, ids := range []traceIDs{a, b} {
		if ids.prefix == [8]byte{} {
			t.Errorf("newTraceIDs prefix is zero")
		}
	}
	// 2^-64 chance of a false failure.
	if a.prefix == b.prefix {
		t.Errorf("two calls of newTraceIDs gave the same prefix %x", a.prefix)
	}
	if a.traceID(1) == b.traceID(1) {
		t.Errorf("two cells give item 1 the same trace id %s", a.traceID(1))
	}
}

func TestMix64(t *testing.T) {
	// The splitmix64 finaliser fixes 0 …
	if got := mix64(0); got != 0 {
		t.Errorf("mix64(0) = %#x, want 0", got)
	}
	// … and its first output from seed 0 (state 0x9e3779b97f4a7c15) is the
	// published reference value.
	if got, want := mix64(0x9e3779b97f4a7c15), uint64(0xe220a8397b1dcdaf); got != want {
		t.Errorf("mix64(golden gamma) = %#x, want %#x", got, want)
	}

	// A bijection has no collisions: check consecutive inputs (what the
	// runner feeds it) and inputs that differ only in their high bits.
	const n = 100_000
	seen := make(map[uint64]uint64, 2*n)
	check := func(x uint64) {
		y := mix64(x)
		if prev, dup := seen[y]; dup && prev != x {
			t.Fatalf("mix64(%#x) == mix64(%#x) = %#x", x, prev, y)
		}
		seen[y] = x
	}
	for i := uint64(0); i < n; i++ {
		check(i)
		check(i << 40)
	}
}

func TestItemFromURL(t *testing.T) {
	tests := []struct {
		url     string
		want    uint64
		wantErr bool
	}{
		// The URLs the targeter builds.
		{url: "http://127.0.0.1:1234/process/42", want: 42},
		{url: "http://127.0.0.1:1234/process/1", want: 1},
		// The largest item number round-trips.
		{url: "http://127.0.0.1:1234/process/18446744073709551615", want: math.MaxUint64},
		// No number after the last slash.
		{url: "http://127.0.0.1:1234/process/", wantErr: true},
		// Not a number.
		{url: "http://127.0.0.1:1234/process/abc", wantErr: true},
		// A negative number is not an item.
		{url: "http://127.0.0.1:1234/process/-1", wantErr: true},
		// Beyond uint64.
		{url: "http://127.0.0.1:1234/process/18446744073709551616", wantErr: true},
		// A query string is not part of the item number.
		{url: "http://127.0.0.1:1234/process/42?x=1", wantErr: true},
		// No slash at all.
		{url: "42x", wantErr: true},
		// Nothing.
		{url: "", wantErr: true},
	}
	for _, tc := range tests {
		got, err := itemFromURL(tc.url)
		switch {
		case tc.wantErr && err == nil:
			t.Errorf("itemFromURL(%q) = %d, want an error", tc.url, got)
		case !tc.wantErr && err != nil:
			t.Errorf("itemFromURL(%q): %v", tc.url, err)
		case !tc.wantErr && got != tc.want:
			t.Errorf("itemFromURL(%q) = %d, want %d", tc.url, got, tc.want)
		}
	}
}

// TestTargeterMatchesAccounting checks the link the span accounting relies
// on: every target gets its own item number, readable back from its URL, and
// its traceparent carries the trace id traceID computes for that number.
func TestTargeterMatchesAccounting(t *testing.T) {
	tests := []struct {
		name string
		ids  *traceIDs
	}{
		// sync and batch variants: every request carries a traceparent.
		{name: "traced", ids: &testIDs},
		// none and sampled variants: no traceparent, the target starts root traces.
		{name: "untraced", ids: nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var next atomic.Uint64
			next.Store(100) // a warm-up already used items 1..100
			tr := load{addr: "127.0.0.1:9", ids: tc.ids, next: &next}.targeter()

			// vegeta calls the targeter from many goroutines.
			const workers, each = 8, 250
			var mu sync.Mutex
			seen := map[uint64]bool{}
			var wg sync.WaitGroup
			for w := 0; w < workers; w++ {
				wg.Go(func() {
					for i := 0; i < each; i++ {
						var tg vegeta.Target
						if err := tr(&tg); err != nil {
							t.Errorf("targeter: %v", err)
							return
						}
						n, err := itemFromURL(tg.URL)
						if err != nil {
							t.Errorf("itemFromURL(%q): %v", tg.URL, err)
							return
						}
						if want := "http://127.0.0.1:9/process/" + strconv.FormatUint(n, 10); tg.URL != want || tg.Method != http.MethodGet {
							t.Errorf("target = %s %s, want GET %s", tg.Method, tg.URL, want)
						}
						tp := tg.Header.Get("Traceparent")
						switch {
						case tc.ids == nil && tp != "":
							t.Errorf("untraced request %d has traceparent %q", n, tp)
						case tc.ids != nil && tp != tc.ids.traceparent(n):
							t.Errorf("request %d has traceparent %q, want %q", n, tp, tc.ids.traceparent(n))
						}
						mu.Lock()
						if seen[n] {
							t.Errorf("item %d targeted twice", n)
						}
						seen[n] = true
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			for n := uint64(101); n <= 100+workers*each; n++ {
				if !seen[n] {
					t.Errorf("item %d never targeted", n)
				}
			}
		})
	}
}

// TestTraceIDItem checks that item inverts traceID, which the sink relies
// on to count traces by item number, and refuses other prefixes.
func TestTraceIDItem(t *testing.T) {
	other := traceIDs{prefix: [8]byte{1}}
	for _, n := range []uint64{0, 1, 2, 42, 4095, 4096, 1 << 32, math.MaxUint64} {
		id := testIDs.traceID(n)
		if got, ok := testIDs.item(id); !ok || got != n {
			t.Errorf("item(traceID(%d)) = %d, %v", n, got, ok)
		}
		if _, ok := other.item(id); ok {
			t.Errorf("item under another prefix knows traceID(%d)", n)
		}
	}
	for i, x := 0, uint64(1); i < 10000; i, x = i+1, x*0x9e3779b97f4a7c15+1 {
		if unmix64(mix64(x)) != x || mix64(unmix64(x)) != x {
			t.Fatalf("unmix64 does not invert mix64 at %#x", x)
		}
	}
}
