package cli

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/layerkit/layerkit/internal/check"
	"github.com/layerkit/layerkit/internal/htmlreport"
	"github.com/layerkit/layerkit/internal/layermap"
	"github.com/layerkit/layerkit/internal/report"
	"github.com/layerkit/layerkit/internal/tree"
)

// pictureFormats are check's formats drawn from the layer map (internal/layermap) rather
// than from the findings alone: the self-contained HTML report, and the function → layer
// → module graph for Graphviz and Mermaid.
var pictureFormats = []string{"html", "dot", "mermaid"}

// validCheckReport checks check's --format (the report formats and the pictures) and
// --fail-on.
func validCheckReport(format, failOn string) error {
	if slices.Contains(pictureFormats, format) {
		return validReport("text", failOn)
	}
	if !slices.Contains(report.Formats, format) {
		return usageError{fmt.Sprintf("unknown --format %q (want text, json, sarif, github, html, dot or mermaid)", format)}
	}
	return validReport(format, failOn)
}

// writePicture writes res in one of pictureFormats; in is the report's input (findings
// with their paths as shown, relative to the current folder); caps are the run's read
// caps (--max-file-size), for the source lines around findings.
func writePicture(w io.Writer, format string, res *check.Result, in report.Input, caps tree.Caps) error {
	read := in.Roots
	if len(read) == 0 && in.Checked != "" {
		read = []string{in.Checked}
	}
	d := layermap.Build(layermap.Input{Title: htmlreport.Title(in.Checked), Version: in.Version, Checked: in.Checked, Read: read,
		Analyses: res.Analyses, Findings: in.Findings, Layers: res.Layers, Source: sourceReader(caps, in.Archives)})
	switch format {
	case "dot":
		return layermap.WriteDot(w, d)
	case "mermaid":
		return layermap.WriteMermaid(w, d)
	}
	return htmlreport.Write(w, d)
}

// sourceReader reads a finding's file as the report names it (relative to the current
// folder; "fn.zip:app.py" inside a zip) through tree with the caps c, for the lines
// around a finding.
func sourceReader(c tree.Caps, archives map[string]bool) func(string) ([]byte, error) {
	return func(file string) ([]byte, error) {
		if i := strings.LastIndex(file, ":"); i > 0 && archives[file[:i]] {
			z, err := c.Zip(filepath.FromSlash(file[:i]), file[:i])
			if err != nil {
				return nil, err
			}
			defer z.Close()
			return z.ReadFile(file[i+1:])
		}
		p := filepath.FromSlash(file)
		t, err := c.Dir(filepath.Dir(p), "")
		if err != nil {
			return nil, err
		}
		return t.ReadFile(filepath.Base(p))
	}
}
