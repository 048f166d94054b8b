package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"

	"github.com/layerkit/layerkit/internal/finding"
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
	// Fix is the change check --fix makes for it (--unsafe-fixes for an unsafe one);
	// absent when there is none. Added to version 1.
	Fix *jsonFix `json:"fix,omitempty"`
}

// jsonFix is a finding's fix: byte edits of files (start and end are byte offsets, the
// end exclusive; content replaces the bytes between) and moves, paths as the finding's.
type jsonFix struct {
	Message       string     `json:"message"`
	Applicability string     `json:"applicability"` // "safe" or "unsafe"
	Edits         []jsonEdit `json:"edits"`
	Moves         []jsonMove `json:"moves"`
}

type jsonEdit struct {
	File    string `json:"file"`
	Start   int    `json:"start"`
	End     int    `json:"end"`
	Content string `json:"content"`
}

type jsonMove struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// jsonFindingOf is one finding as the JSON report writes it.
func jsonFindingOf(f finding.Finding) jsonFinding {
	j := jsonFinding{Code: f.Code.String(), Name: f.Code.Name(), Severity: f.Severity.String(),
		Function: f.Function, Layer: f.Layer, File: f.Pos.File, Line: f.Pos.Line, Column: f.Pos.Col,
		Message: f.Message, Hint: f.Hint}
	if fx := f.Fix; fx != nil {
		j.Fix = &jsonFix{Message: fx.Title, Applicability: "safe", Edits: []jsonEdit{}, Moves: []jsonMove{}}
		if fx.Unsafe {
			j.Fix.Applicability = "unsafe"
		}
		for _, e := range fx.Edits {
			j.Fix.Edits = append(j.Fix.Edits, jsonEdit{File: e.File, Start: e.Start, End: e.End, Content: e.New})
		}
		for _, m := range fx.Moves {
			j.Fix.Moves = append(j.Fix.Moves, jsonMove{From: m.From, To: m.To})
		}
	}
	return j
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
		s.value(jsonFindingOf(f), "    ")
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
