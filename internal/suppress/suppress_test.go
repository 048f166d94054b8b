package suppress

import (
	"strings"
	"testing"

	"github.com/layerkit/layerkit/internal/finding"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/rulecode"
)

func TestPython(t *testing.T) {
	src := "# layerkit: ignore-file[shadowed-module] -- vendored on purpose\n" +
		"import os\n" +
		"import numpy  # layerkit: ignore[LK101, LK106] -- in the runtime image\n" +
		"s = '# not layerkit'\n" +
		"t = 'a # layerkit: ignore[LK999] in a string'  # a comment\n" +
		"def f():\n" +
		"    \"\"\"Write `import x  # layerkit: ignore[LK101]` to ignore it.\n" +
		"    # layerkit: ignore[LK999] in a docstring, \\\"\"\" not the end\n" +
		"    \"\"\"\n" +
		"    return '\\'#'  # layerkit: ignore[LK104]\n"
	got, err := Python([]byte(src), "app.py")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("got %d suppressions, want 3 (none from strings): %+v", len(got), got)
	}
	if l := got[2]; l.Line != 10 || l.Pos.Col != 19 || l.Codes[0] != rulecode.LK104 {
		t.Errorf("after a string holding a quote and '#': %+v", l)
	}
	if f := got[0]; f.Line != 0 || f.File != "app.py" || len(f.Codes) != 1 || f.Codes[0] != rulecode.LK104 || f.Reason != "vendored on purpose" {
		t.Errorf("file-level: %+v", f)
	}
	if l := got[1]; l.Line != 3 || len(l.Codes) != 2 || l.Codes[1] != rulecode.LK106 || l.Reason != "in the runtime image" || l.Pos.Line != 3 {
		t.Errorf("line: %+v", l)
	}
}

func TestPythonErrors(t *testing.T) {
	for _, src := range []string{
		"import x  # layerkit: ignore[LK999]\n",
		"import x  # layerkit: ignore\n",
		"import x  # layerkit: ignore[]\n",
		"\nimport x  # layerkit: ignore[unresolved-imports]\n",
	} {
		_, err := Python([]byte(src), "a.py")
		if err == nil || !strings.Contains(err.Error(), "a.py:") {
			t.Errorf("%q: err = %v, want an error naming a.py:line", src, err)
		}
	}
}

func TestJavaScript(t *testing.T) {
	src := "const a = require('a') // layerkit-ignore LK101 -- optional\n" +
		"// layerkit-ignore: unresolved-import\n" +
		"\n" +
		"import b from 'b'\n" +
		"// layerkit-ignore-file LK104\n"
	got, err := JavaScript([]byte(src), "index.js")
	if err != nil {
		t.Fatal(err)
	}
	want := []int{1, 4, 0}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i, w := range want {
		if got[i].Line != w {
			t.Errorf("suppression %d applies to line %d, want %d", i, got[i].Line, w)
		}
	}
	if got[0].Reason != "optional" {
		t.Errorf("reason %q", got[0].Reason)
	}
}

func TestTerraform(t *testing.T) {
	src := "# layerkit-ignore LK105 -- the layer is built in another pipeline\n" +
		"# a comment\n" +
		"resource \"aws_lambda_layer_version\" \"deps\" {\n}\n"
	got, err := Terraform([]byte(src), "main.tf")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Line != 3 || got[0].Codes[0] != rulecode.LK105 {
		t.Fatalf("got %+v", got)
	}
	if _, err := Terraform([]byte("// layerkit-ignore LK1\n"), "main.tf"); err == nil || !strings.Contains(err.Error(), "main.tf:1") {
		t.Errorf("unknown code: %v", err)
	}
}

func TestApply(t *testing.T) {
	fs := []finding.Finding{
		{Code: rulecode.LK101, Function: "F", Pos: model.Pos{File: "app.py", Line: 3}},
		{Code: rulecode.LK101, Function: "G", Pos: model.Pos{File: "app.py", Line: 4}},
		{Code: rulecode.LK405, Function: "G", Pos: model.Pos{File: "template.yaml", Line: 9}},
	}
	sups := []model.Suppression{
		{Codes: []rulecode.Code{rulecode.LK101}, File: "app.py", Line: 3},
		{Codes: []rulecode.Code{rulecode.LK405, rulecode.LK403}, Function: "G"},
		{Codes: []rulecode.Code{rulecode.LK101}, Layer: "Deps"},
	}
	kept, unused := Apply(fs, sups)
	if len(kept) != 1 || kept[0].Pos.Line != 4 {
		t.Errorf("kept %+v", kept)
	}
	if len(unused) != 2 || unused[0].Code != rulecode.LK403 || unused[1].S.Layer != "Deps" {
		t.Errorf("unused %+v", unused)
	}
}
