package serverless

import (
	"fmt"
	"testing"

	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/tree"
)

func dump(app *model.App) string {
	s := fmt.Sprintf("kind=%s source=%s\n", app.Kind, app.Source)
	for _, l := range app.Layers {
		s += fmt.Sprintf("layer %s %v rt=%v ni=%q\n", l.Name, l.Pos, l.CompatibleRuntimes, l.NotInspectable)
		if l.Content != nil {
			s += fmt.Sprintf("  content %q req=%q inst=%q\n", l.Content.Display, l.Content.Requirements, l.Content.InstallDir)
			tree.Walk(l.Content.Tree, "", func(n string, i tree.Info) error { s += "    " + l.Content.Tree.Display(n) + "\n"; return nil })
		}
	}
	for _, f := range app.Functions {
		s += fmt.Sprintf("fn %s %v h=%q@%v rt=%q@%v arch=%s pt=%s env=%v\n", f.Name, f.Pos, f.Handler, f.HandlerPos, f.Runtime, f.RuntimePos, f.Arch, f.PackageType, f.Env)
		if f.Code != nil {
			s += fmt.Sprintf("  code %q req=%q\n", f.Code.Display, f.Code.Requirements)
			tree.Walk(f.Code.Tree, "", func(n string, i tree.Info) error { s += "    " + f.Code.Tree.Display(n) + "\n"; return nil })
		}
		for _, r := range f.Layers {
			name := ""
			if r.Layer != nil {
				name = r.Layer.Name
			}
			s += fmt.Sprintf("  ref %v layer=%s arn=%s unk=%v text=%q bad=%v %q\n", r.Pos, name, r.ARN, r.Unknown, r.Text, r.Bad, r.Problem)
		}
	}
	for _, n := range app.Notes {
		s += fmt.Sprintf("note %s %s fn=%s layer=%s %v %s\n", n.Code, n.Severity, n.Function, n.Layer, n.Pos, n.Message)
	}
	return s
}

func TestDebug(t *testing.T) {
	app, err := Load("/work/shared/cases/serverless-layers", "/work/shared/cases/serverless-layers")
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + dump(app))
}
