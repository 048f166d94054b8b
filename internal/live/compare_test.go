package live

import (
	"strings"
	"testing"

	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/rulecode"
	"github.com/layerkit/layerkit/internal/tree"
)

func TestCompare(t *testing.T) {
	code := func(files map[string]string) *model.Code {
		return &model.Code{Tree: tree.NewMap("pkg", files), Display: "pkg/"}
	}
	deployedLayer := &model.Layer{Name: "deps:4", Content: code(map[string]string{"python/deps.py": "v4"})}
	dep := &model.Function{Name: "orders", Runtime: "python3.12", Arch: "arm64", PackageType: "Zip",
		Code:   code(map[string]string{"app.py": "new", "extra.py": "", "__pycache__/app.cpython-312.pyc": "x"}),
		Layers: []model.LayerRef{{Layer: deployedLayer}, {Layer: deployedLayer}}}
	d := &Deployed{Fn: dep, ARN: "arn:aws:lambda:us-east-1:123456789012:function:orders", CodeSha256: "abc=",
		LayerARNs: []string{"arn:aws:lambda:us-east-1:123456789012:layer:deps:4", "arn:aws:lambda:us-east-1:123456789012:layer:deps:4"}}
	localLayer := &model.Layer{Name: "Deps", Content: code(map[string]string{"python/deps.py": "v5"})}
	lf := &model.Function{Name: "orders", Runtime: "python3.12", Pos: model.Pos{File: "main.tf", Line: 3},
		ArchPos: model.Pos{File: "main.tf", Line: 7}, PackageType: "Zip",
		Code:   code(map[string]string{"app.py": "old"}),
		Layers: []model.LayerRef{{ARN: "arn:aws:lambda:us-east-1:123456789012:layer:deps:3"}, {Layer: localLayer}}}
	app := &model.App{Kind: "terraform", Built: true, Functions: []*model.Function{lf}}
	other := &Deployed{Fn: &model.Function{Name: "elsewhere"}}

	notes, unmatched := Compare([]*Deployed{d, other}, []*model.App{app}, nil)
	if len(unmatched) != 1 || unmatched[0] != "elsewhere" {
		t.Errorf("unmatched = %v", unmatched)
	}
	got := noteCodes(notes)
	for _, want := range []string{
		"orders runs on arm64 on Lambda; locally orders is built for x86_64",
		"layer 1 is arn:aws:lambda:us-east-1:123456789012:layer:deps:4 on Lambda, arn:aws:lambda:us-east-1:123456789012:layer:deps:3 locally",
		"layer 2 (arn:aws:lambda:us-east-1:123456789012:layer:deps:4) has other content than the local Deps: 1 file(s) changed (python/deps.py)",
		"differs from pkg/: 1 file(s) changed (app.py), 1 file(s) only deployed (extra.py)",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
	if strings.Contains(got, "runtime") || strings.Contains(got, "pycache") {
		t.Errorf("unexpected difference:\n%s", got)
	}
	for _, n := range notes {
		if n.Code != rulecode.LK503 || n.Function != "orders" || n.Pos.File != "main.tf" {
			t.Errorf("note %+v", n)
		}
	}

	// Source mode: files a build adds (only deployed) are not differences.
	app.Built = false
	lf.Arch, lf.Layers, lf.Code = "arm64", nil, code(map[string]string{"app.py": "new"})
	dep.Layers, d.LayerARNs = nil, nil
	if notes, _ := Compare([]*Deployed{d}, []*model.App{app}, nil); len(notes) != 0 {
		t.Errorf("source mode: %s", noteCodes(notes))
	}
}
