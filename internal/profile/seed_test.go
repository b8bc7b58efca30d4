package profile

import (
	"errors"
	"testing"
)

func TestSeed(t *testing.T) {
	base := "name: s\nrates: [10]\nduration: 1s\nvariants:\n  - {name: none, kind: none}\n"
	tests := []struct {
		name     string
		extra    string
		want     int
		wantLine int // 0: no error
	}{
		// Not set: 0, the runner picks one.
		{"unset", "", 0, 0},
		// A positive seed is kept.
		{"set", "seed: 42\n", 42, 0},
		// 0 would read as "not set": rejected where it stands.
		{"zero", "seed: 0\n", 0, 6},
		// A quoted number is a string.
		{"string", "seed: \"42\"\n", 0, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Parse("s.yaml", []byte(base+tt.extra))
			if tt.wantLine == 0 {
				if err != nil {
					t.Fatal(err)
				}
				if p.Seed != tt.want {
					t.Fatalf("seed %d, want %d", p.Seed, tt.want)
				}
				return
			}
			var pe *Error
			if !errors.As(err, &pe) || pe.Line != tt.wantLine || pe.Key != "seed" {
				t.Fatalf("error %v, want one at line %d on key seed", err, tt.wantLine)
			}
		})
	}
}
