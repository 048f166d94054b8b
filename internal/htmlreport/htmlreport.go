// Package htmlreport writes the self-contained HTML report: one file, its styles, script
// and data inline (no network), generated with html/template so that every string of
// the input is escaped. The data (internal/layermap) is one JSON blob the script draws
// from: the map of what each place on a function's search path provides, the size
// treemap, and the findings; the summary and findings are also plain HTML.
package htmlreport

import (
	_ "embed"
	"html/template"
	"io"
	"strings"

	"github.com/layerkit/layerkit/internal/bytesize"
	"github.com/layerkit/layerkit/internal/layermap"
)

//go:embed report.html
var page string

//go:embed report.js
var script string

var tmpl = template.Must(template.New("report").Funcs(template.FuncMap{
	"size": func(n int64) string { return bytesize.Format(n) },
	"add":  func(a, b int) int { return a + b },
	"verdictClass": func(v string) string {
		if v == "not checked" {
			return "info"
		}
		return v
	},
}).Parse(page))

type view struct {
	*layermap.Data
	Blob   *layermap.Data
	Script template.JS
}

// Write writes the report of d to w.
func Write(w io.Writer, d *layermap.Data) error {
	return tmpl.Execute(w, view{Data: d, Blob: d, Script: template.JS(script)})
}

// Title is the report's title for what was read.
func Title(checked string) string {
	if checked == "" {
		return "layerkit report"
	}
	return "layerkit: " + strings.TrimSpace(checked)
}
