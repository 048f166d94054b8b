package sam

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/iac/iactest"
)

const nestedFn = `  Fn%[1]d:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
`

// nestedStacks writes a template including child n times (or nothing when child is "").
func nestedStacks(i int, child string, n int) string {
	var b strings.Builder
	b.WriteString("Transform: AWS::Serverless-2016-10-31\nResources:\n")
	fmt.Fprintf(&b, nestedFn, i)
	if child != "" {
		for j := range n {
			fmt.Fprintf(&b, "  S%d:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: %s\n", j, child)
		}
	}
	return b.String()
}

// TestNestedDAG: ten levels, each template including the next one 40 times (40^10
// paths): each template is loaded once, the levels past maxNesting are reported at the
// stack that would have gone deeper, and the whole ends at once.
func TestNestedDAG(t *testing.T) {
	files := map[string]string{"src/app.py": "def handler(e, c):\n    return 1\n"}
	for i := range 11 {
		child := ""
		if i < 10 {
			child = fmt.Sprintf("t%d.yaml", i+1)
		}
		files[fmt.Sprintf("t%d.yaml", i)] = nestedStacks(i, child, 40)
	}
	dir := writeApp(t, files)
	start := time.Now()
	app := load(t, dir, "t0.yaml")
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("took %v", took)
	}
	if len(app.Functions) != maxNesting+1 {
		t.Errorf("%d functions, want %d (the top template and %d levels)", len(app.Functions), maxNesting+1, maxNesting)
	}
	notes := notesFor(app, "LK105")
	if len(notes) != 1 {
		t.Fatalf("LK105 notes %+v, want one for the stack past the limit", notes)
	}
	n := notes[0]
	if !strings.Contains(n.Message, "nested stack S0") || !strings.Contains(n.Message, "t9.yaml") || !strings.Contains(n.Message, fmt.Sprintf("%d levels", maxNesting)) {
		t.Errorf("note %q: want the stack, its template and the limit named", n.Message)
	}
	line(t, "depth note", n.Pos, 12) // S0's TemplateURL
	if n.Pos.File != "t8.yaml" {
		t.Errorf("depth note in %s, want t8.yaml", n.Pos.File)
	}
}

// TestNestedCycle: a template including itself, and its parent, is reported, not
// looped over.
func TestNestedCycle(t *testing.T) {
	dir := writeApp(t, map[string]string{
		"src/app.py":          "def handler(e, c):\n    return 1\n",
		"template.yaml":       nestedStacks(0, "child/template.yaml", 1),
		"child/template.yaml": strings.ReplaceAll(nestedStacks(1, "../template.yaml", 1), "CodeUri: src/", "CodeUri: ../src/"),
	})
	app := load(t, dir, "template.yaml")
	if len(app.Functions) != 2 {
		t.Errorf("%d functions, want 2", len(app.Functions))
	}
	notes := notesFor(app, "LK105")
	if len(notes) != 1 || !strings.Contains(notes[0].Message, "cycle") {
		t.Errorf("notes %+v, want one naming the cycle", notes)
	}
}

// TestNestedTotal: past maxNestedTemplates distinct templates, the rest are reported.
func TestNestedTotal(t *testing.T) {
	files := map[string]string{"src/app.py": "def handler(e, c):\n    return 1\n"}
	var top strings.Builder
	top.WriteString("Resources:\n")
	for i := range maxNestedTemplates + 5 {
		fmt.Fprintf(&top, "  S%d:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: c%d.yaml\n", i, i)
		files[fmt.Sprintf("c%d.yaml", i)] = nestedStacks(i, "", 0)
	}
	files["template.yaml"] = top.String()
	app := load(t, writeApp(t, files), "template.yaml")
	// The top template counts as one.
	if want := maxNestedTemplates - 1; len(app.Functions) != want {
		t.Errorf("%d functions, want %d", len(app.Functions), want)
	}
	notes := notesFor(app, "LK105")
	if len(notes) != 6 || !strings.Contains(notes[0].Message, fmt.Sprint(maxNestedTemplates)) {
		t.Errorf("%d notes (%+v), want 6 naming the limit", len(notes), notes[:min(1, len(notes))])
	}
}

// TestOutside: code locations and nested templates outside the checked folder are not
// read: LK410 at the property; --allow-outside lets them in.
func TestOutside(t *testing.T) {
	base := t.TempDir()
	iactest.WriteFiles(t, base, map[string]string{
		"shared/app.py":            "def handler(e, c):\n    return 1\n",
		"shared/layer/python/x.py": "",
		"shared/child.yaml":        nestedStacks(9, "", 0),
		"proj/template.yaml": `Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: ../shared/
      Handler: app.handler
      Runtime: python3.12
  Root:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: /
      Handler: app.handler
      Runtime: python3.12
  Layer:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: ../shared/layer
  Nested:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: ../shared/child.yaml
`,
	})
	if err := os.Symlink(filepath.Join(base, "shared"), filepath.Join(base, "proj", "link")); err != nil {
		t.Fatal(err)
	}
	proj := filepath.Join(base, "proj")
	app := load(t, proj, "template.yaml")
	notes := notesFor(app, "LK410")
	want := map[int]string{6: "CodeUri ../shared/", 12: "CodeUri /", 18: "ContentUri ../shared/layer", 22: "TemplateURL ../shared/child.yaml"}
	if len(notes) != len(want) {
		t.Fatalf("LK410 notes %+v, want %d", notes, len(want))
	}
	for _, n := range notes {
		if w := want[n.Pos.Line]; w == "" || !strings.HasPrefix(n.Message, w+" resolves to ") || !strings.Contains(n.Hint, "--allow-outside") {
			t.Errorf("note at line %d: %q (hint %q), want it to start %q", n.Pos.Line, n.Message, n.Hint, w)
		}
	}
	if f := fn(t, app, "Fn"); f.Code != nil {
		t.Errorf("Fn's code outside was read: %+v", f.Code)
	}
	if l := layer(t, app, "Layer"); l.Content != nil || l.NotInspectable == "" {
		t.Errorf("layer = %+v, want not inspectable", l)
	}
	if len(app.Functions) != 2 {
		t.Errorf("%d functions: the nested template outside was loaded", len(app.Functions))
	}

	// Allowed: read.
	allow, err := iac.ResolveOutside([]string{filepath.Join(base, "shared")})
	if err != nil {
		t.Fatal(err)
	}
	app, err = LoadWith(proj, filepath.Join(proj, "template.yaml"), iac.Options{Limits: iac.Limits{AllowOutside: allow}})
	if err != nil {
		t.Fatal(err)
	}
	if notes := notesFor(app, "LK410"); len(notes) != 1 || notes[0].Pos.Line != 12 {
		t.Errorf("with --allow-outside: LK410 notes %+v, want only CodeUri /", notes)
	}
	if f := fn(t, app, "Fn"); f.Code == nil {
		t.Error("with --allow-outside: Fn's code not read")
	}
	if len(app.Functions) != 3 {
		t.Errorf("with --allow-outside: %d functions, want 3", len(app.Functions))
	}
}

// TestSharedCodeUri: functions with one CodeUri share one tree (its listings and what
// the checker caches about its files: 20,000 such functions took 716 MB, now 209 MB),
// each with a Code of its own.
func TestSharedCodeUri(t *testing.T) {
	var tpl strings.Builder
	tpl.WriteString("Transform: AWS::Serverless-2016-10-31\nResources:\n")
	for i := range 3 {
		fmt.Fprintf(&tpl, nestedFn, i)
	}
	app := load(t, writeApp(t, map[string]string{"template.yaml": tpl.String(), "src/app.py": "", "src/requirements.txt": "six\n"}), "template.yaml")
	a, b := fn(t, app, "Fn0").Code, fn(t, app, "Fn2").Code
	if a == nil || b == nil || a == b {
		t.Fatalf("codes %p %p: want two of their own", a, b)
	}
	if a.Tree != b.Tree {
		t.Errorf("trees differ: %#v, %#v", a.Tree, b.Tree)
	}
	if a.Requirements != "requirements.txt" || b.Requirements != "requirements.txt" {
		t.Errorf("requirements %q, %q", a.Requirements, b.Requirements)
	}
}

// TestNestedDeepFirst: a template reached too deep along one path and within the
// bound along another is loaded, and not reported.
func TestNestedDeepFirst(t *testing.T) {
	files := map[string]string{"src/app.py": ""}
	// t0 includes t1 (a chain down to t8, whose child is x) and then x directly.
	for i := range 9 {
		child := fmt.Sprintf("t%d.yaml", i+1)
		if i == 8 {
			child = "x.yaml"
		}
		files[fmt.Sprintf("t%d.yaml", i)] = nestedStacks(i, child, 1)
	}
	files["t0.yaml"] += "  Direct:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: x.yaml\n"
	files["x.yaml"] = nestedStacks(99, "", 0)
	app := load(t, writeApp(t, files), "t0.yaml")
	if len(notesFor(app, "LK105")) != 0 {
		t.Errorf("notes %+v: x.yaml is loaded through Direct", notesFor(app, "LK105"))
	}
	if app.Function("Fn99") == nil {
		t.Error("x.yaml's function is missing")
	}
}
