package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
)

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

// jsonFunction is one function of the run: whether its imports were checked, and why
// not (the LK109 finding's reason). Added to version 1.
type jsonFunction struct {
	Name    string   `json:"name"`
	Kind    string   `json:"kind"`
	Runtime string   `json:"runtime"`
	Arch    string   `json:"arch"`
	Layers  []string `json:"layers"`
	Checked bool     `json:"checked"`
	Reason  string   `json:"reason"`
}

type jsonDoc struct {
	Version   int            `json:"version"`
	Findings  []jsonFinding  `json:"findings"`
	Summary   jsonSummary    `json:"summary"`
	Functions []jsonFunction `json:"functions"`
}

func jsonFunctions(fls []FunctionLine) []jsonFunction {
	out := make([]jsonFunction, 0, len(fls))
	for _, l := range fls {
		layers := l.Layers
		if layers == nil {
			layers = []string{}
		}
		out = append(out, jsonFunction{Name: l.Name, Kind: l.Kind, Runtime: l.Runtime, Arch: l.Arch, Layers: layers,
			Checked: l.Skipped == "", Reason: l.Skipped})
	}
	return out
}

// writeJSON prints the stable contract: {"version":1,"findings":[...],"summary":{...},
// "functions":[...]}.
// It writes one finding at a time, byte for byte what encoding the whole document at
// once would (encodeJSON): that held the document twice in memory, 300 MB for 200,000
// findings.
func writeJSON(w io.Writer, in Input) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	put := func(v any, prefix string) error {
		buf.Reset()
		enc.SetIndent(prefix, "  ")
		if err := enc.Encode(v); err != nil {
			return err
		}
		_, err := bw.Write(escapeJSONText(bytes.TrimSuffix(buf.Bytes(), []byte("\n"))))
		return err
	}
	bw.WriteString("{\n  \"version\": 1,\n  \"findings\": [")
	for i, f := range in.Findings {
		if i > 0 {
			bw.WriteString(",")
		}
		bw.WriteString("\n    ")
		if err := put(jsonFinding{Code: f.Code.String(), Name: f.Code.Name(), Severity: f.Severity.String(),
			Function: f.Function, Layer: f.Layer, File: f.Pos.File, Line: f.Pos.Line, Column: f.Pos.Col,
			Message: f.Message, Hint: f.Hint}, "    "); err != nil {
			return err
		}
	}
	if len(in.Findings) > 0 {
		bw.WriteString("\n  ")
	}
	bw.WriteString("],\n  \"summary\": ")
	s := in.Summary
	if err := put(jsonSummary{Functions: s.Functions, Checked: s.Checked, Unchecked: s.Unchecked, Layers: s.Layers, Errors: s.Errors, Warnings: s.Warnings, Infos: s.Infos}, "  "); err != nil {
		return err
	}
	bw.WriteString(",\n  \"functions\": ")
	if err := put(jsonFunctions(in.Functions), "  "); err != nil {
		return err
	}
	bw.WriteString("\n}\n")
	return bw.Flush()
}
