// Package htmlreport writes the self-contained HTML report: one file, its styles, script
// and data inline (no network), generated with html/template so that every string of
// the input is escaped. The data (internal/layermap) is one JSON blob the script draws
// from: the map of what each place on a function's search path provides, the size
// treemap, and the findings; the summary and findings are also plain HTML.
package htmlreport

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strings"
	"sync"

	"github.com/layerkit/layerkit/internal/bytesize"
	"github.com/layerkit/layerkit/internal/layermap"
)

//go:embed report.html
var page string

//go:embed report.js
var script string

// tmpl is parsed on first use: a check that writes no HTML report does not parse it
// at start-up (0.15 ms of every run).
var tmpl = sync.OnceValue(parseReport)

func parseReport() *template.Template {
	return template.Must(template.New("report").Funcs(template.FuncMap{
		"size": func(n int64) string { return bytesize.Format(n) },
		"add":  func(a, b int) int { return a + b },
		"verdictClass": func(v string) string {
			if v == "not checked" {
				return "info"
			}
			return v
		},
	}).Parse(page))
}

type view struct {
	*layermap.Data
	Blob   *wire
	Script template.JS
}

// Write writes the report of d to w.
func Write(w io.Writer, d *layermap.Data) error {
	return tmpl().Execute(w, view{Data: d, Blob: compact(d), Script: template.JS(script)})
}

// The data as the page gets it: what a place provides is the same for every function
// that has it (a layer shared by 200 functions), so each distinct list of modules is
// sent once (lists) and a function's column names its list, with the indices of the
// copies that win there (win) and of those shadowed, by which column (by). report.js
// rebuilds col.modules from them.
type wire struct {
	*layermap.Data
	Functions []wireFn    `json:"functions"`
	Lists     [][]wireMod `json:"lists"`
}

type wireFn struct {
	*layermap.Function
	Columns []wireCol `json:"columns"`
}

type wireCol struct {
	ID   string         `json:"id"`
	Name string         `json:"name"`
	Path string         `json:"path"`
	Note string         `json:"note,omitempty"`
	List int            `json:"list"`
	Win  []int          `json:"win"`
	By   map[int]string `json:"by"`
}

type wireMod struct {
	Name string `json:"name"`
	Kind string `json:"kind"`
	Size int64  `json:"size,omitempty"`
}

func compact(d *layermap.Data) *wire {
	out := &wire{Data: d, Functions: []wireFn{}, Lists: [][]wireMod{}}
	index := map[string]int{}
	for _, f := range d.Functions {
		wf := wireFn{Function: f, Columns: []wireCol{}}
		for _, c := range f.Columns {
			mods := make([]wireMod, len(c.Modules))
			var key strings.Builder
			for i, m := range c.Modules {
				mods[i] = wireMod{m.Name, m.Kind, m.Size}
				fmt.Fprintf(&key, "%q %q %d\n", m.Name, m.Kind, m.Size)
			}
			n, ok := index[key.String()]
			if !ok {
				n = len(out.Lists)
				index[key.String()] = n
				out.Lists = append(out.Lists, mods)
			}
			wc := wireCol{ID: c.ID, Name: c.Name, Path: c.Path, Note: c.Note, List: n, Win: []int{}, By: map[int]string{}}
			for i, m := range c.Modules {
				if m.Wins {
					wc.Win = append(wc.Win, i)
				} else if m.WonBy != "" {
					wc.By[i] = m.WonBy
				}
			}
			wf.Columns = append(wf.Columns, wc)
		}
		out.Functions = append(out.Functions, wf)
	}
	return out
}

// Title is the report's title for what was read.
func Title(checked string) string {
	if checked == "" {
		return "layerkit report"
	}
	return "layerkit: " + strings.TrimSpace(checked)
}
