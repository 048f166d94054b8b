package rules

import (
	"testing"

	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/pyresolve"
)

// unknownDeclared names the distributions one line declares together, with the place
// once, and keeps apart those declared elsewhere.
func TestUnknownDeclared(t *testing.T) {
	zip := model.Pos{File: "Infra/fn.zip"}
	req := model.Pos{File: "requirements.txt", Line: 3}
	env := &pyresolve.Env{Path: []pyresolve.Entry{
		{Declared: map[string]*model.Declared{
			"fpdf":     {Dist: "fpdf", Pos: zip},
			"pipenv":   {Dist: "pipenv", Pos: zip},
			"requests": {Dist: "requests", Pos: zip, DepsKnown: true},
			"zzz-tool": {Dist: "zzz-tool", Pos: req},
		}},
		{Declared: map[string]*model.Declared{
			"fpdf":   {Dist: "fpdf", Pos: req},
			"acme-x": {Dist: "acme-x"},
		}},
	}}
	want := "fpdf, pipenv (Infra/fn.zip), zzz-tool (requirements.txt:3), acme-x, which the build installs and whose import names or dependencies layerkit does not know,"
	if got := unknownDeclared(env); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}
