package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/otelbench/otelbench/internal/summary"
)

// TestFailedCellsShowTheLog checks that a cell whose service delivered no
// span is explained in every format, with its output, once.
func TestFailedCellsShowTheLog(t *testing.T) {
	a := sampleAnalysis(t)
	lines := []string{"listening on 127.0.0.1:4000", "OTLPExporterError: Parse Error: Expected HTTP/"}
	for _, cell := range []string{"020-batch-r1000-rep1", "021-batch-r1000-rep2"} {
		a.Summary.Warnings = append(a.Summary.Warnings, summary.Warning{
			Kind: summary.WarnCellFailed, Cell: cell, Variant: "batch", Rate: 1000,
			Detail: "served 2400 requests but delivered no span to http://127.0.0.1:1: nothing connected", Lines: lines,
		})
	}
	for _, f := range formats {
		var b bytes.Buffer
		if err := f.render(&b, a); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		if !strings.Contains(out, "Cells that failed") || !strings.Contains(out, "021-batch-r1000-rep2: served 2400 requests") {
			t.Errorf("%s: no failed-cells section naming the cells:\n%s", f.ext, out)
		}
		if n := strings.Count(out, "Expected HTTP/"); n != 1 {
			t.Errorf("%s: the log appears %d times, want once", f.ext, n)
		}
	}
}
