package report

import (
	"html/template"
	"io"

	"github.com/otelbench/otelbench/internal/compare"
)

// CompareHTML writes a comparison of two runs as one self-contained HTML
// page: the same layout as CompareText, inline CSS, no script, no external
// asset. v is the outcome of a regression check, nil when none was asked for.
func CompareHTML(w io.Writer, c *compare.Comparison, v *compare.Verdict) error {
	return comparePage.Execute(w, compareDocument(c, v))
}

// comparePage is the page of CompareHTML; html/template escapes every value.
var comparePage = template.Must(template.New("compare").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{.Title}}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin-bottom: 1.5em; }
th, td { padding: 0.25em 0.75em; border-bottom: 1px solid #ddd; text-align: right; white-space: nowrap; }
th:first-child, td:first-child, th:nth-child(2), td:nth-child(2) { text-align: left; }
td { font-variant-numeric: tabular-nums; }
.warnings { color: #a40; }
.notes { color: #555; font-size: 0.9em; }
</style>
</head>
<body>
<h1>{{.Title}}</h1>
<ul>{{range .Runs}}
<li>{{.}}</li>{{end}}
</ul>
{{- if .Releases}}
<p>{{.ReleasesIntro}}</p>
<ul>{{range .Releases}}
<li>{{.}}</li>{{end}}
</ul>
{{- end}}
{{- if .Warnings}}
<ul class="warnings">{{range .Warnings}}
<li>⚠ {{.}}</li>{{end}}
</ul>
{{- end}}
<ul class="notes">{{range .Notes}}
<li>{{.}}</li>{{end}}
</ul>
{{- range .Rates}}
<h2>{{.Heading}}</h2>
<table>
<thead><tr>{{range .Header}}<th>{{.}}</th>{{end}}</tr></thead>
<tbody>{{range .Rows}}
<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>{{end}}
</tbody>
</table>
{{- end}}
{{- with .Verdict}}
<h2>{{.Heading}}</h2>
<p>{{.Summary}}</p>
{{- if .Items}}
<ul>{{range .Items}}
<li>{{.}}</li>{{end}}
</ul>
{{- end}}
{{- end}}
</body>
</html>
`))
