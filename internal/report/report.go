// Package report prints findings: text for people (grouped by function, colour only on
// a terminal), the stable JSON contract, SARIF 2.1.0 for code scanning, and GitHub
// Actions workflow commands.
package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/layerkit/layerkit/internal/finding"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/rulecode"
)

// Summary counts what was checked and found.
type Summary struct {
	Functions int
	// Checked and Unchecked split Functions: those whose imports were checked, and those
	// that were not (each has an LK109 finding saying why).
	Checked   int
	Unchecked int
	Layers    int
	Errors    int
	Warnings  int
	Infos     int
}

// Count fills the severity counts from findings.
func Count(s Summary, fs []finding.Finding) Summary {
	s.Errors, s.Warnings, s.Infos = 0, 0, 0
	for _, f := range fs {
		switch f.Severity {
		case model.Error:
			s.Errors++
		case model.Warning:
			s.Warnings++
		default:
			s.Infos++
		}
	}
	return s
}

// line is the closing count: "3 function(s), 2 layer(s): 1 error, 0 warnings, 2 infos".
// A count of functions whose imports were not checked follows the functions when there
// are any: "3 function(s) (1 not checked), ...".
func (s Summary) line() string {
	fns := fmt.Sprintf("%d function(s)", s.Functions)
	if s.Unchecked > 0 {
		fns += fmt.Sprintf(" (%d not checked)", s.Unchecked)
	}
	return fmt.Sprintf("%s, %d layer(s): %s, %s, %s", fns, s.Layers,
		plural(s.Errors, "error"), plural(s.Warnings, "warning"), plural(s.Infos, "info"))
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// withFix is f's message and, on a line of its own, its fix: for the formats that
// carry one text per finding (SARIF, GitHub annotations).
func withFix(f finding.Finding) string {
	if f.Hint == "" {
		return f.Message
	}
	return f.Message + "\nFix: " + f.Hint
}

// JSON writes v as indented JSON, made safe for a terminal or CI log as the json format
// is (escape.go): for the other commands' --format json.
func JSON(w io.Writer, v any) error { return encodeJSON(w, v) }

// encodeJSON writes v indented, with <, > and & as they are, and the characters a
// terminal acts on as \uXXXX (escape.go).
func encodeJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(escapeJSONText(buf.Bytes()))
	return err
}

// Input is everything a format needs.
type Input struct {
	Findings []finding.Finding
	Summary  Summary
	// Checked says what was read ("SAM/CloudFormation template template.yaml (source)").
	Checked string
	// Roots, when set, says what was read one IaC root a line (a repository with several);
	// the text format lists them instead of Checked.
	Roots []string
	// Functions lists the checked functions with runtime and layers, for the text format.
	Functions []FunctionLine
	Color     bool
	Version   string
	// Rules is the rule catalogue, in code order: SARIF describes each rule in
	// tool.driver.rules. The caller passes it in (the CLI: rules.All), so report
	// depends on the codes, not on the rules.
	Rules []Rule
	// InfoURI is the repository's web page (rules' help links point into it); Archives
	// are the paths of findings' files that are zips ("fn.zip" of "fn.zip:app.py").
	InfoURI  string
	Archives map[string]bool
	// Width, when set, is the terminal's width: the text format wraps its lines to it.
	Width int
}

// Rule is what a report says about one rule of the catalogue.
type Rule struct {
	Code     rulecode.Code
	Severity model.Severity // its usual severity
	Summary  string         // one line
	Why      string
	Fix      string
}

// Name is the rule's kebab-case name.
func (r Rule) Name() string { return r.Code.Name() }

// FunctionLine describes one checked function for the text header.
type FunctionLine struct {
	Name, Kind, Runtime, Arch string
	Layers                    []string
	Skipped                   string
}

// Formats lists the format names.
var Formats = []string{"text", "json", "sarif", "github"}

// Write prints in in format to w.
func Write(w io.Writer, format string, in Input) error {
	switch format {
	case "text", "":
		return writeText(w, escapeInput(in))
	case "json":
		return writeJSON(w, in)
	case "sarif":
		return writeSARIF(w, in)
	case "github":
		return writeGitHub(w, escapeInput(in))
	}
	return fmt.Errorf("unknown format %q (want one of text, json, sarif, github)", format)
}
