package rules

import (
	"strings"
	"testing"

	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/rulecode"
	"github.com/layerkit/layerkit/internal/tree"
)

// TestUnchecked: every reason a function is not checked names its cause at the most
// specific place; a function that can be checked has no reason.
func TestUnchecked(t *testing.T) {
	fnPos := model.Pos{File: "t.yaml", Line: 3}
	rtPos := model.Pos{File: "t.yaml", Line: 7, Col: 16}
	src := tree.NewMap("src/", map[string]string{"app.py": "def handler(e, c): pass\n"})
	code := &model.Code{Tree: src, Display: "src/"}
	opaque := &model.Code{Tree: src, Display: "src/", Opaque: true}
	base := func(mod func(f *model.Function)) *model.Function {
		f := &model.Function{Name: "Fn", Pos: fnPos, Runtime: "python3.12", RuntimePos: rtPos,
			Handler: "app.handler", HandlerPos: model.Pos{File: "t.yaml", Line: 8}, PackageType: "Zip", Code: code}
		mod(f)
		return f
	}
	notePos := model.Pos{File: "t.yaml", Line: 9, Col: 7}
	cases := []struct {
		name  string
		fn    *model.Function
		notes []model.Note
		want  string // in the message; "" when checked
		pos   model.Pos
	}{
		{"checked", base(func(f *model.Function) {}), nil, "", model.Pos{}},
		{"loader reason", base(func(f *model.Function) {
			f.Unchecked = "its runtime comes from ${file(./fns.yml):runtime}, which layerkit could not read"
			f.UncheckedPos = model.Pos{File: "serverless.yml", Line: 4}
		}), nil, "${file(./fns.yml):runtime}", model.Pos{File: "serverless.yml", Line: 4}},
		{"loader reason without place", base(func(f *model.Function) { f.Unchecked = "it is in the registry module x" }), nil, "registry module x", fnPos},
		{"image", base(func(f *model.Function) { f.PackageType = "Image"; f.Code = nil; f.Runtime = "" }), nil, "container image", fnPos},
		{"no runtime", base(func(f *model.Function) { f.Runtime = "" }), nil, "no Runtime", rtPos},
		{"no runtime, no place", base(func(f *model.Function) { f.Runtime = ""; f.RuntimePos = model.Pos{} }), nil, "no Runtime", fnPos},
		{"unknown runtime", base(func(f *model.Function) { f.Runtime = "python9.9" }), nil, `"python9.9"`, rtPos},
		{"node", base(func(f *model.Function) { f.Runtime = "nodejs22.x" }), nil, "", model.Pos{}},
		{"old node", base(func(f *model.Function) { f.Runtime = "nodejs6.10" }), nil, "whose NODE_PATH layerkit does not know", rtPos},
		{"java", base(func(f *model.Function) { f.Runtime = "java21" }), nil, "only Python and Node.js imports are checked so far (not java)", rtPos},
		{"package in S3", base(func(f *model.Function) { f.Code = nil }),
			[]model.Note{{Code: rulecode.LK105, Function: "Fn", Pos: notePos, Message: "CodeUri s3://b/k: the package in S3 cannot be read; its imports are not checked"}},
			"CodeUri s3://b/k: the package in S3 cannot be read", notePos},
		{"package unreadable, no note", base(func(f *model.Function) { f.Code = nil }), nil, "cannot be read", model.Pos{File: "t.yaml", Line: 8}},
		{"opaque build", base(func(f *model.Function) { f.Code = opaque }),
			[]model.Note{{Code: rulecode.LK105, Function: "Fn", Pos: notePos, Message: "BuildMethod makefile is not modelled"}},
			"build step layerkit does not model", notePos},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			app := &model.App{Functions: []*model.Function{c.fn}, Notes: c.notes}
			why, pos, hint := Unchecked(app, c.fn)
			if c.want == "" {
				if why != "" {
					t.Fatalf("checked function has a reason: %q", why)
				}
				return
			}
			if !strings.Contains(why, c.want) || pos != c.pos || hint == "" {
				t.Errorf("Unchecked = %q at %v (hint %q); want %q at %v", why, pos, hint, c.want, c.pos)
			}
			if strings.Contains(why, "not checked: ") && strings.HasSuffix(why, "are not checked") {
				t.Errorf("reason says it twice: %q", why)
			}
			// The rule reports exactly it, once.
			p := &Pass{App: app, Functions: []*Function{{Fn: c.fn, Skip: why}}}
			LK109.Run(p)
			if len(p.findings) != 1 || p.findings[0].Message != why || p.findings[0].Pos != pos || p.findings[0].Severity != model.Info {
				t.Errorf("LK109 reported %+v", p.findings)
			}
		})
	}
}

// TestUncheckedHintPerKind: the fix of an unreadable package speaks the app's IaC tool and
// answers the cause the loader named.
func TestUncheckedHintPerKind(t *testing.T) {
	for _, c := range []struct{ kind, cause, want string }{
		{"terraform", "build/x.zip does not exist yet and no build step of the repository ... writes it", "Run the build that makes it"},
		{"terraform", "source_dir build/x does not exist, and Makefile target audit writes it but cannot be followed (cp with ...)", "Run that build, then check again"},
		{"terraform", "var.stage has no value: it has no default ...", "--var-file FILE"},
		{"terraform", "s3_key = aws_s3_object.x.key: the object's source is not local", "aws_s3_object whose source is a local zip"},
		{"serverless", "its runtime comes from ${file(./fns.yml):runtime}, which cannot be read", "${opt:stage, 'dev'}"},
		{"cdk", "the asset folder is missing", "cdk synth"},
		{"sam", "CodeUri: !Ref Param cannot be evaluated", "parameter with a Default"},
		{"sam", "CodeUri s3://b/k: the package in S3 cannot be read", ".aws-sam/build"},
	} {
		got := uncheckedHint(&model.App{Kind: c.kind}, c.cause)
		if !strings.Contains(got, c.want) {
			t.Errorf("%s, %q: hint %q lacks %q", c.kind, c.cause, got, c.want)
		}
	}
}

// A Serverless function with no runtime anywhere is not checked; the fix says to set one.
func TestUncheckedServerlessNoRuntime(t *testing.T) {
	fn := &model.Function{Name: "hello", Pos: model.Pos{File: "serverless.yml", Line: 13}, Handler: "index.handler", PackageType: "Zip",
		Unchecked: "no runtime: neither the function nor provider.runtime sets one, so the framework deploys its default runtime (Node.js)"}
	app := &model.App{Kind: "serverless", Functions: []*model.Function{fn}}
	why, _, hint := Unchecked(app, fn)
	if !strings.Contains(why, "no runtime") || !strings.Contains(hint, "Set provider.runtime") {
		t.Errorf("why %q\nhint %q", why, hint)
	}
}
