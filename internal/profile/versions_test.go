package profile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestVersionKeys(t *testing.T) {
	for _, tc := range []struct {
		name  string
		lines []string
		// want is the error (line 9 is the variant's third line), "" for none.
		want string
		// sdk and otelhttp are the versions decoded when there is no error.
		sdk, otelhttp string
	}{
		{
			// A release of the last two years builds with its own otelhttp.
			name:  "sdk only",
			lines: []string{"  - name: v", "    kind: batch", "    sdk_version: v1.40.0"},
			sdk:   "v1.40.0",
		},
		{
			// otelhttp can be chosen beside it.
			name:  "both",
			lines: []string{"  - name: v", "    kind: sampled", "    sdk_version: v1.40.0", "    otelhttp_version: v0.64.0", "    sample_ratio: 0.1"},
			sdk:   "v1.40.0", otelhttp: "v0.64.0",
		},
		{
			// A version without its v is refused, with the fix.
			name:  "no v",
			lines: []string{"  - name: v", "    kind: batch", "    sdk_version: 1.40.0"},
			want:  `line 9: key "sdk_version": "1.40.0" is not a release version such as v1.40.0 (did you mean "v1.40.0"?)`,
		},
		{
			// Too old for the compatibility layer.
			name:  "too old",
			lines: []string{"  - name: v", "    kind: batch", "    sdk_version: v1.33.0"},
			want:  `line 9: key "sdk_version": v1.33.0 is older than v1.34.0, the oldest release the bundled target builds against`,
		},
		{
			// Self-observability came with v1.39.0.
			name:  "observability before v1.39",
			lines: []string{"  - name: v", "    kind: batch", "    sdk_version: v1.38.0", "    observability: true"},
			want:  `line 9: key "sdk_version": v1.38.0 has no self-observability (OTEL_GO_X_OBSERVABILITY came with v1.39.0): remove observability: true or use v1.39.0 or newer`,
		},
		{
			// otelhttp alone would pair a foreign otelhttp with the module's SDK.
			name:  "otelhttp alone",
			lines: []string{"  - name: v", "    kind: batch", "    otelhttp_version: v0.64.0"},
			want:  `line 9: key "otelhttp_version": needs sdk_version: without it the target is the module's own build, with its own otelhttp`,
		},
		{
			// The baseline has no SDK to choose.
			name:  "kind none",
			lines: []string{"  - name: v", "    kind: none", "    sdk_version: v1.40.0"},
			want:  `line 9: key "sdk_version": applies only to kind sync, batch or sampled (this variant is kind none)`,
		},
		{
			// A number is not a version.
			name:  "number",
			lines: []string{"  - name: v", "    kind: batch", "    sdk_version: 1.4"},
			want:  `line 9: key "sdk_version": must be a string, got number 1.4`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Parse("", doc(tc.lines...))
			if tc.want != "" {
				if err == nil || err.Error() != tc.want {
					t.Fatalf("error =\n%v\nwant\n%s", err, tc.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			v := p.Variants[1]
			if v.SDKVersion != tc.sdk || v.OtelhttpVersion != tc.otelhttp {
				t.Errorf("versions = %q, %q; want %q, %q", v.SDKVersion, v.OtelhttpVersion, tc.sdk, tc.otelhttp)
			}
		})
	}
}

// TestKeyError checks that an error found after parsing carries the key's
// line, as Parse's own do.
func TestKeyError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.yaml")
	if err := os.WriteFile(path, doc("  - name: v", "    kind: batch", "    sdk_version: v1.40.0"), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	key := p.VariantKey("v", "sdk_version")
	if key != "variants[1].sdk_version" {
		t.Fatalf("VariantKey = %q", key)
	}
	got := p.KeyError(key, "v1.40.0 cannot be built: x.go:1:2: undefined: y").Error()
	want := path + `: line 9: key "sdk_version": v1.40.0 cannot be built: x.go:1:2: undefined: y`
	if got != want {
		t.Errorf("KeyError =\n%s\nwant\n%s", got, want)
	}
	if p.VariantKey("nope", "sdk_version") != "" {
		t.Error("VariantKey of a missing variant is not empty")
	}
	// A profile that is not a file has no lines: the error has none either.
	if got := (&Profile{Path: "q.yaml"}).KeyError("variants[0].sdk_version", "m").Error(); !strings.HasPrefix(got, `q.yaml: key "sdk_version"`) {
		t.Errorf("KeyError without lines = %q", got)
	}
}
