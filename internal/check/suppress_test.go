package check

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/resolve"
	"github.com/layerkit/layerkit/internal/rulecode"
	"github.com/layerkit/layerkit/internal/rules"
	"github.com/layerkit/layerkit/internal/runtimes"
	"github.com/layerkit/layerkit/internal/tree"
)

// nodeLang answers as the Node.js resolver will, registered for the runtime's language
// (the catalogue does not check Node.js imports until that resolver lands, so the
// function runs python3.12; the comment syntax follows the files): index.js is the
// handler's module, it requires ./lib/db, and three requires of a computed name cannot
// be followed (LK106, a rule written against the seam): index.js lines 1 and 2, and
// lib/db.js line 2.
type nodeLang struct{ code tree.Tree }

func (nodeLang) Language() string { return "python" }

func (l nodeLang) Analyze(ctx context.Context, fn *model.Function, rt *runtimes.Runtime) (resolve.Analysis, error) {
	return nodeAnalysis{l.code}, ctx.Err()
}

type nodeAnalysis struct{ code tree.Tree }

func (nodeAnalysis) SearchPath() *resolve.SearchPath {
	return &resolve.SearchPath{Var: "NODE_PATH", Entries: []resolve.Entry{{Path: "/var/task", Place: resolve.Function}}}
}

func (a nodeAnalysis) Handler() *resolve.Handler {
	return &resolve.Handler{Module: "index", Attr: "handler", Defined: 1,
		Found: &resolve.Provider{Place: resolve.Function, Tree: a.code, File: "index.js", Entry: 0, Layer: -1}}
}

func (a nodeAnalysis) Imports() []resolve.Import {
	return []resolve.Import{{Module: "./lib/db", At: resolve.Pos{Tree: a.code, File: "index.js", Line: 3, Col: 12},
		Found: &resolve.Provider{Place: resolve.Function, Tree: a.code, File: "lib/db.js", Entry: 0, Layer: -1}}}
}

func (a nodeAnalysis) Unfollowed() []resolve.Unfollowed {
	at := func(file string, line int) resolve.Unfollowed {
		return resolve.Unfollowed{At: resolve.Pos{Tree: a.code, File: file, Line: line, Col: 11}, Text: "require(name)"}
	}
	return []resolve.Unfollowed{at("index.js", 1), at("index.js", 2), at("lib/db.js", 2)}
}

func (nodeAnalysis) Shadows() []resolve.Shadow { return nil }
func (nodeAnalysis) Detail() any               { return nil }

// TestJavaScriptIgnores: the ignore comments of the JavaScript files a function loads, as
// its language's resolver reports them through the seam, drop the findings at their
// place — on the line after code, on the next line when alone, the whole file with
// -file — and, asked, the ones that suppress nothing are LK110 findings at the comment.
func TestJavaScriptIgnores(t *testing.T) {
	files := map[string]string{
		"index.js": "const _ = require(\"lodash\") // layerkit-ignore LK106 -- the name is one of three literals\n" +
			"const pad = require(\"left-pad\")\n" +
			"const db = require(\"./lib/db\") // layerkit-ignore shadowed-module\n" +
			"exports.handler = async () => 1\n",
		"lib/db.js": "// layerkit-ignore-file unfollowed-import -- pg or pg-native\nconst pg = require(\"pg\")\n",
	}
	run := func(files map[string]string, unused bool) []string {
		got, err := checkNode(t, files, unused)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	// The control: the same files without the comments give three LK106s.
	bare := map[string]string{}
	for name, text := range files {
		bare[name] = regexp.MustCompile(`(?m)\s*// layerkit-ignore.*$`).ReplaceAllString(text, "")
	}
	if got, want := run(bare, true), []string{"LK106 src/index.js:1", "LK106 src/index.js:2", "LK106 src/lib/db.js:2"}; !slices.Equal(got, want) {
		t.Fatalf("without ignores: %q, want %q", got, want)
	}
	if got, want := run(files, false), []string{"LK106 src/index.js:2"}; !slices.Equal(got, want) {
		t.Errorf("with ignores: %q, want %q", got, want)
	}
	if got, want := run(files, true), []string{"LK106 src/index.js:2", "LK110 src/index.js:3"}; !slices.Equal(got, want) {
		t.Errorf("with ignores, unused reported: %q, want %q", got, want)
	}
	// A malformed one is an input error at its line.
	bad := map[string]string{"index.js": files["index.js"] + "// layerkit-ignore LK9999\n", "lib/db.js": files["lib/db.js"]}
	if _, err := checkNode(t, bad, false); err == nil || !strings.Contains(err.Error(), "src/index.js:5") {
		t.Errorf("unknown code: %v, want an error at src/index.js:5", err)
	}
}

// checkNode runs the rules and the ignores over a Node.js function whose package holds
// files, analysed by nodeLang: its findings as "CODE file:line", sorted (LK405 left out).
func checkNode(t *testing.T, files map[string]string, unused bool) ([]string, error) {
	code := tree.NewMap("src", files)
	fn := &model.Function{Name: "Fn", Runtime: "python3.12", Handler: "index.handler", Arch: "x86_64",
		Code: &model.Code{Tree: code, Display: "src"}}
	app := &model.App{Functions: []*model.Function{fn}}
	pass := &rules.Pass{App: app, Today: today}
	if err := pass.Analyze(context.Background(), resolve.NewSet(nodeLang{code})); err != nil {
		t.Fatal(err)
	}
	src := newSourceScan()
	if err := src.add(pass.Functions); err != nil {
		return nil, err
	}
	ign := newIgnores()
	found, err := ign.apply(app, src.suppressions(), rules.Run(pass))
	if err != nil {
		return nil, err
	}
	if unused {
		found = append(found, ign.findings()...)
	}
	var got []string
	for _, f := range found {
		if f.Code != rulecode.LK405 {
			got = append(got, fmt.Sprintf("%s %s:%d", f.Code, f.Pos.File, f.Pos.Line))
		}
	}
	slices.Sort(got)
	return got, nil
}
