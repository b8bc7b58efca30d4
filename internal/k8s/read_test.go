package k8s

import (
	"strings"
	"testing"
)

func TestDecodeIsStrict(t *testing.T) {
	for _, tc := range []struct {
		name, doc, want string // want: in the error; "" for none
	}{
		// A pod as Write writes it.
		{"valid", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: i\n", ""},
		// A misspelt field is refused, not dropped.
		{"unknown field", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  restartPolicyy: Never\n", `unknown field "restartPolicyy"`},
		// A key given twice is refused.
		{"duplicate key", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  name: q\n", "already set"},
		// Kinds otelbench never writes.
		{"other kind", "apiVersion: v1\nkind: Secret\n", `kind "Secret"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode([]byte(tc.doc))
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("Decode: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("Decode = %v, want an error with %q", err, tc.want)
			}
		})
	}
}
