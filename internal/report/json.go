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
	s := newStream(w)
	s.raw("{\n  \"version\": 1,\n  \"findings\": [")
	for i, f := range in.Findings {
		if i > 0 {
			s.raw(",")
		}
		s.raw("\n    ")
		s.value(jsonFinding{Code: f.Code.String(), Name: f.Code.Name(), Severity: f.Severity.String(),
			Function: f.Function, Layer: f.Layer, File: f.Pos.File, Line: f.Pos.Line, Column: f.Pos.Col,
			Message: f.Message, Hint: f.Hint}, "    ")
	}
	if len(in.Findings) > 0 {
		s.raw("\n  ")
	}
	s.raw("],\n  \"summary\": ")
	sum := in.Summary
	s.value(jsonSummary{Functions: sum.Functions, Checked: sum.Checked, Unchecked: sum.Unchecked, Layers: sum.Layers, Errors: sum.Errors, Warnings: sum.Warnings, Infos: sum.Infos}, "  ")
	s.raw(",\n  \"functions\": ")
	s.value(jsonFunctions(in.Functions), "  ")
	s.raw("\n}\n")
	return s.flush()
}

// stream writes a JSON document a piece at a time through a buffer: raw text (the
// document's fixed skeleton) and values encoded as encodeJSON encodes them, at the
// indentation of where they sit. The first error sticks; flush returns it.
type stream struct {
	bw  *bufio.Writer
	buf bytes.Buffer
	enc *json.Encoder
	err error
}

func newStream(w io.Writer) *stream {
	s := &stream{bw: bufio.NewWriterSize(w, 64<<10)}
	s.enc = json.NewEncoder(&s.buf)
	s.enc.SetEscapeHTML(false)
	return s
}

func (s *stream) raw(text string) {
	if s.err == nil {
		_, s.err = s.bw.WriteString(text)
	}
}

// value writes v indented as if it were at prefix's depth in the document.
func (s *stream) value(v any, prefix string) {
	if s.err != nil {
		return
	}
	s.buf.Reset()
	s.enc.SetIndent(prefix, "  ")
	if s.err = s.enc.Encode(v); s.err == nil {
		_, s.err = s.bw.Write(escapeJSONText(bytes.TrimSuffix(s.buf.Bytes(), []byte("\n"))))
	}
}

func (s *stream) flush() error {
	if s.err != nil {
		return s.err
	}
	return s.bw.Flush()
}
