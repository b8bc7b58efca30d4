package results

import "testing"

func TestParseCellDirName(t *testing.T) {
	for _, tc := range []struct {
		name, variant string
		index, rate   int
		rep           int
	}{
		// A plain variant.
		{"none", "none", 0, 1000, 1},
		// Dashes in the variant's name stay in it.
		{"batch-q64-r2", "batch-q64-r2", 12, 3000, 3},
		// Indexes past three digits.
		{"x", "x", 1234, 5, 10},
	} {
		dir := CellDirName(tc.index, tc.variant, tc.rate, tc.rep)
		i, v, r, k, err := ParseCellDirName(dir)
		if err != nil || i != tc.index || v != tc.variant || r != tc.rate || k != tc.rep {
			t.Errorf("ParseCellDirName(%q) = %d %q %d %d %v", dir, i, v, r, k, err)
		}
	}
	for _, bad := range []string{"", "000-none", "abc-none-r1-rep1", "000--r1-rep1"} {
		if _, _, _, _, err := ParseCellDirName(bad); err == nil {
			t.Errorf("ParseCellDirName(%q): no error", bad)
		}
	}
}
