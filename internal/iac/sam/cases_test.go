package sam

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/layerkit/layerkit/internal/iac/iactest"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/tree"
)

var casesDir = iactest.CasesDir // shared with the cdk tests

type expectLine struct {
	code, function, file string
	line                 int
}

func readExpect(t *testing.T, path string) []expectLine {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []expectLine
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		if l == "" || strings.HasPrefix(l, "#") || l == "strict" {
			continue
		}
		fields := strings.Fields(l)
		if len(fields) != 4 {
			t.Fatalf("%s: bad line %q", path, l)
		}
		file, num, _ := strings.Cut(fields[2], ":")
		n, _ := strconv.Atoi(num)
		out = append(out, expectLine{fields[0], fields[1], file, n})
	}
	return out
}

// TestCases loads every SAM acceptance app and checks that the positions the expected
// findings name are where the loader puts the corresponding property, and that every
// file an import finding names is reachable through the function's code or layers.
func TestCases(t *testing.T) {
	cases := casesDir(t)
	if cases == "" {
		t.Skip("../shared/cases not found")
	}
	dirs, _ := filepath.Glob(filepath.Join(cases, "sam-*"))
	dirs = append(dirs, filepath.Join(cases, "native-extensions"))
	if len(dirs) < 2 {
		t.Fatalf("no sam cases in %s", cases)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			app, err := Load(dir, filepath.Join(dir, "template.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			if app.Kind != "sam" || len(app.Functions) == 0 {
				t.Errorf("app kind %q, %d functions", app.Kind, len(app.Functions))
			}
			if len(app.Notes) != 0 {
				t.Errorf("unexpected notes: %+v", app.Notes)
			}
			byName := map[string]*model.Function{}
			for _, f := range app.Functions {
				byName[f.Name] = f
				if f.Code == nil {
					t.Errorf("%s: no code", f.Name)
				}
			}
			for _, l := range app.Layers {
				if l.Content == nil {
					t.Errorf("layer %s: no content (%s)", l.Name, l.NotInspectable)
				}
			}
			for _, e := range readExpect(t, filepath.Join(dir, "expect.txt")) {
				f := byName[e.function]
				if e.function != "-" && f == nil {
					t.Errorf("%v: no function %s", e, e.function)
					continue
				}
				if e.file == "template.yaml" {
					if e.line == 0 {
						continue
					}
					var got []int
					switch e.code {
					case "LK102", "LK103":
						got = []int{f.HandlerPos.Line}
					case "LK401", "LK407", "LK403":
						got = []int{f.Pos.Line}
					case "LK204":
						got = []int{f.Env["PYTHONPATH"].Pos.Line}
					case "LK201":
						for _, l := range app.Layers {
							got = append(got, l.Pos.Line)
						}
					default:
						t.Errorf("%v: no position check for this code", e)
					}
					found := false
					for _, g := range got {
						found = found || g == e.line
					}
					if !found {
						t.Errorf("%s %s: want line %d, loader has %v", e.code, e.function, e.line, got)
					}
					continue
				}
				// An import finding: its file must be in the function's package or in
				// one of its layers, displayed as expect.txt names it.
				trees := []tree.Tree{f.Code.Tree}
				for _, r := range f.Layers {
					if r.Layer != nil && r.Layer.Content != nil {
						trees = append(trees, r.Layer.Content.Tree)
					}
				}
				if !displays(trees, e.file) {
					t.Errorf("%s: no tree of %s displays %s", e.code, e.function, e.file)
				}
			}
		})
	}
}

func displays(trees []tree.Tree, file string) bool {
	for _, tr := range trees {
		found := false
		tree.Walk(tr, "", func(name string, info tree.Info) error {
			if !info.Dir && tr.Display(name) == file {
				found = true
			}
			return nil
		})
		if found {
			return true
		}
	}
	return false
}

func TestCasePositions(t *testing.T) {
	cases := casesDir(t)
	if cases == "" {
		t.Skip("../shared/cases not found")
	}
	app, err := Load(filepath.Join(cases, "sam-healthy-app"), filepath.Join(cases, "sam-healthy-app", "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	o := fn(t, app, "OrdersFunction")
	// Runtime and Layers come from Globals.
	line(t, "RuntimePos", o.RuntimePos, 5)
	line(t, "ArchPos", o.ArchPos, 6)
	line(t, "LayersPos", o.LayersPos, 8)
	line(t, "layer ref", o.Layers[0].Pos, 9)
	line(t, "Pos", o.Pos, 20)
	core := layer(t, app, "CoreLayer")
	line(t, "layer", core.Pos, 11)
	line(t, "CompatibleRuntimesPos", core.CompatibleRuntimesPos, 16)
	if core.Content.Display != "layers/core/" || !tree.IsFile(core.Content.Tree, "python/acme/plugins/metrics.py") {
		t.Errorf("core = %+v", core.Content)
	}

	app, err = Load(filepath.Join(cases, "sam-package-in-layer"), filepath.Join(cases, "sam-package-in-layer", "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	u := layer(t, app, "UtilsLayer").Content
	if u.Requirements != "python/requirements.txt" || u.InstallDir != "python" ||
		!tree.IsFile(u.Tree, "python/layer_utils/aws_utils.py") || tree.Exists(u.Tree, "python/aws_utils.py") {
		t.Errorf("utils layer = %+v", u)
	}
}
