package check

import (
	"context"
	"github.com/layerkit/layerkit/internal/rulecode"
	"strings"
	"testing"

	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/resolve"
	"github.com/layerkit/layerkit/internal/rules"
	"github.com/layerkit/layerkit/internal/runtimes"
	"github.com/layerkit/layerkit/internal/tree"
)

// fakeLang is a resolver of another language, as the Node.js one will be: it answers
// only through the seam (no Detail), and says the handler's module is missing.
type fakeLang struct{ lang string }

func (l fakeLang) Language() string { return l.lang }

func (l fakeLang) Analyze(ctx context.Context, fn *model.Function, rt *runtimes.Runtime) (resolve.Analysis, error) {
	return fakeAnalysis{}, ctx.Err()
}

type fakeAnalysis struct{}

func (fakeAnalysis) SearchPath() *resolve.SearchPath {
	return &resolve.SearchPath{Var: "FAKE_PATH", Entries: []resolve.Entry{{Path: "/var/task", Place: resolve.Function}}}
}

func (fakeAnalysis) Handler() *resolve.Handler {
	return &resolve.Handler{Module: "index", Attr: "handler", Missing: "index",
		Error: "Runtime.ImportModuleError: Error: Cannot find module 'index'"}
}

func (fakeAnalysis) Imports() []resolve.Import        { return nil }
func (fakeAnalysis) Shadows() []resolve.Shadow        { return nil }
func (fakeAnalysis) Unfollowed() []resolve.Unfollowed { return nil }
func (fakeAnalysis) Detail() any                      { return nil }

// TestSecondResolver: check picks a function's resolver by its runtime's language, and
// the rules written against the seam report from what any resolver says (LK102 with
// the resolver's own error text), while the Python-only rules leave the function alone.
func TestSecondResolver(t *testing.T) {
	fn := &model.Function{Name: "Fn", Runtime: "python3.12", Handler: "index.handler", Arch: "x86_64",
		Code: &model.Code{Tree: tree.NewMap("src", map[string]string{"other.js": ""}), Display: "src"}}
	app := &model.App{Functions: []*model.Function{fn}}
	pass := &rules.Pass{App: app, Today: today}
	if err := pass.Analyze(context.Background(), resolve.NewSet(fakeLang{"python"})); err != nil {
		t.Fatal(err)
	}
	fns := pass.Functions
	if fns[0].Analysis == nil || fns[0].Result != nil {
		t.Fatalf("analysis %v, python result %v: want the fake's analysis and no Python result", fns[0].Analysis, fns[0].Result)
	}
	var got []string
	for _, f := range rules.Run(pass) {
		if f.Code == rulecode.LK405 {
			continue
		}
		got = append(got, f.Code.String()+" "+f.Message)
	}
	if len(got) != 1 || !strings.HasPrefix(got[0], "LK102 ") || !strings.Contains(got[0], "Cannot find module 'index'") {
		t.Fatalf("findings %q; want one LK102 with the resolver's error text", got)
	}

	// A language without a resolver is not analysed, and says why.
	err := pass.Analyze(context.Background(), resolve.NewSet(fakeLang{"nodejs"}))
	fns = pass.Functions
	if err != nil || fns[0].Analysis != nil || fns[0].Skip == "" {
		t.Fatalf("no resolver for python: analysis %v, skip %q, err %v", fns[0].Analysis, fns[0].Skip, err)
	}
}
