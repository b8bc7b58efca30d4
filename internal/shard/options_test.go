package shard

import (
	"strings"
	"testing"
	"time"
)

func validOptions() Options {
	return Options{URL: "http://127.0.0.1:8080/process/{id}", Rate: 100, Duration: time.Second,
		StartAt: time.Unix(1_800_000_000, 0), Shard: 0, Shards: 2}
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(*Options)
		want   string // in the error; "" for none
	}{
		// A complete shard.
		{"valid", func(*Options) {}, ""},
		// The item number must have a place in the URL.
		{"no placeholder", func(o *Options) { o.URL = "http://127.0.0.1/process/1" }, "no {id}"},
		// Only HTTP.
		{"scheme", func(o *Options) { o.URL = "ftp://h/{id}" }, "scheme"},
		// A shard's index lies within the shards.
		{"index beyond", func(o *Options) { o.Shard = 2 }, "shard 2: must be from 0 to 1"},
		// No shards at all.
		{"zero shards", func(o *Options) { o.Shards = 0 }, "shards 0"},
		// A rate of zero sends nothing.
		{"rate", func(o *Options) { o.Rate = 0 }, "rate 0"},
		// Without a common start, shards cannot line up.
		{"no start", func(o *Options) { o.StartAt = time.Time{} }, "start-at"},
		// Several errors are all reported.
		{"several", func(o *Options) { o.Rate, o.Duration = -1, 0 }, "duration 0s"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := validOptions()
			tc.change(&o)
			err := o.Validate()
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("Validate: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("Validate = %v, want an error with %q", err, tc.want)
			}
		})
	}
}

func TestItemsAreDisjointAcrossShards(t *testing.T) {
	seen := map[uint64]int{}
	for i := range 3 {
		o := Options{Shard: i, Shards: 3, FirstItem: 101}
		for k := range uint64(50) {
			n := o.item(k)
			if s, dup := seen[n]; dup {
				t.Fatalf("item %d sent by shards %d and %d", n, s, i)
			}
			seen[n] = i
		}
	}
	for n := uint64(101); n < 101+150; n++ {
		if _, ok := seen[n]; !ok {
			t.Fatalf("item %d sent by no shard: the items are not contiguous", n)
		}
	}
}

func TestStartLine(t *testing.T) {
	var b strings.Builder
	want := Start{At: time.Date(2026, 12, 1, 12, 0, 0, 123, time.UTC), FirstItem: 42}
	if err := WriteStart(&b, want); err != nil {
		t.Fatal(err)
	}
	got, err := ReadStart(strings.NewReader(b.String()))
	if err != nil || !got.At.Equal(want.At) || got.FirstItem != want.FirstItem {
		t.Fatalf("ReadStart = %+v, %v; want %+v", got, err, want)
	}
	for _, bad := range []string{"", "{}\n", "not json\n"} {
		if _, err := ReadStart(strings.NewReader(bad)); err == nil {
			t.Errorf("ReadStart(%q): no error", bad)
		}
	}
}
