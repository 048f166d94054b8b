package report

import "io"

type jsonFinding struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	Severity string `json:"severity"`
	Function string `json:"function"`
	Layer    string `json:"layer"`
	File     string `json:"file"`
	Line     int    `json:"line"`
	Column   int    `json:"column"`
	Message  string `json:"message"`
	Hint     string `json:"hint"`
}

type jsonSummary struct {
	Functions int `json:"functions"`
	Layers    int `json:"layers"`
	Errors    int `json:"errors"`
	Warnings  int `json:"warnings"`
	Infos     int `json:"infos"`
	// Checked + Unchecked = Functions: the functions whose imports were checked, and
	// those that were not (an LK109 finding says why). Added to version 1.
	Checked   int `json:"checked"`
	Unchecked int `json:"unchecked"`
}

type jsonDoc struct {
	Version  int           `json:"version"`
	Findings []jsonFinding `json:"findings"`
	Summary  jsonSummary   `json:"summary"`
}

// writeJSON prints the stable contract: {"version":1,"findings":[...],"summary":{...}}.
func writeJSON(w io.Writer, in Input) error {
	doc := jsonDoc{Version: 1, Findings: []jsonFinding{}}
	for _, f := range in.Findings {
		doc.Findings = append(doc.Findings, jsonFinding{Code: f.Code, Name: f.Name, Severity: f.Severity.String(),
			Function: f.Function, Layer: f.Layer, File: f.Pos.File, Line: f.Pos.Line, Column: f.Pos.Col,
			Message: f.Message, Hint: f.Hint})
	}
	s := in.Summary
	doc.Summary = jsonSummary{Functions: s.Functions, Checked: s.Checked, Unchecked: s.Unchecked, Layers: s.Layers, Errors: s.Errors, Warnings: s.Warnings, Infos: s.Infos}
	return encodeJSON(w, doc)
}
