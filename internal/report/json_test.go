package report

import (
	"bytes"
	"testing"

	"github.com/layerkit/layerkit/internal/finding"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/rulecode"
)

// TestJSONStreamed: writeJSON, one finding at a time, writes what encoding the whole
// document at once does.
func TestJSONStreamed(t *testing.T) {
	fs := []finding.Finding{
		{Code: rulecode.LK101, Severity: model.Error, Function: "Fn", Pos: model.Pos{File: "src/app.py", Line: 3, Col: 1},
			Message: "`import x` <a & b> → … \"quoted\"\n\x1b[31m\u2028", Hint: "fix it"},
		{Code: rulecode.LK105, Severity: model.Info, Layer: "L", Message: "m"},
	}
	for _, in := range []Input{
		{Summary: Summary{Functions: 1}},
		{Findings: fs, Summary: Summary{Functions: 2, Layers: 1, Errors: 1, Infos: 1},
			Functions: []FunctionLine{{Name: "Fn", Kind: "sam", Runtime: "python3.12", Arch: "x86_64", Layers: []string{"L"}},
				{Name: "Old", Kind: "sam", Runtime: "python2.7", Arch: "arm64", Skipped: "python2.7 is not supported"}}},
	} {
		var got, want bytes.Buffer
		if err := writeJSON(&got, in); err != nil {
			t.Fatal(err)
		}
		doc := jsonDoc{Version: 1, Findings: []jsonFinding{}}
		for _, f := range in.Findings {
			doc.Findings = append(doc.Findings, jsonFindingOf(f))
		}
		s := in.Summary
		doc.Summary = jsonSummary{Functions: s.Functions, Layers: s.Layers, Errors: s.Errors, Warnings: s.Warnings, Infos: s.Infos}
		doc.Functions = jsonFunctions(in.Functions)
		if err := encodeJSON(&want, doc); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("streamed:\n%s\nwhole:\n%s", got.String(), want.String())
		}
	}
}
