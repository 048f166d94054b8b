// Package report prints findings: text for people (grouped by function, colour only on
// a terminal), the stable JSON contract, SARIF 2.1.0 for code scanning, and GitHub
// Actions workflow commands.
package report

import (
	"fmt"
	"io"

	"github.com/layerkit/layerkit/internal/finding"
	"github.com/layerkit/layerkit/internal/model"
)

// Summary counts what was checked and found.
type Summary struct {
	Functions int
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

// Input is everything a format needs.
type Input struct {
	Findings []finding.Finding
	Summary  Summary
	// Checked says what was read ("SAM/CloudFormation template template.yaml (source)").
	Checked string
	// Functions lists the checked functions with runtime and layers, for the text format.
	Functions []FunctionLine
	Color     bool
	Version   string
}

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
		return writeText(w, in)
	case "json":
		return writeJSON(w, in)
	case "sarif":
		return writeSARIF(w, in)
	case "github":
		return writeGitHub(w, in)
	}
	return fmt.Errorf("unknown format %q (want one of text, json, sarif, github)", format)
}
