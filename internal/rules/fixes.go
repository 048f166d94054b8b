package rules

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	yaml "go.yaml.in/yaml/v4"

	"github.com/layerkit/layerkit/internal/fix"
	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/tree"
	"github.com/layerkit/layerkit/internal/yamledit"
)

// The fixes the rules know (model.Fix), built from the bytes of the checked folder's
// files at the positions the loaders reported. A fix is offered only where the edit is
// certain: anything unexpected at the position (an intrinsic function, a file that is
// not in the checked folder, a built app's output) gives no fix, and the hint says what
// to change by hand.

// source is the content of file (relative to the checked folder) for a fix, or nil when
// there is none to edit: the app was read from build output (the fix belongs in the
// sources), or the file is not in the checked folder.
func (p *Pass) source(file string) []byte {
	if p.Project == nil || p.App.Built || file == "" || strings.HasPrefix(file, "../") {
		return nil
	}
	b, err := p.Project.ReadFile(file)
	if err != nil {
		return nil
	}
	return b
}

// template parses file as YAML (or JSON) for a fix; nil when it cannot.
func (p *Pass) template(file string) *yamledit.Doc {
	src := p.source(file)
	if src == nil {
		return nil
	}
	d, err := yamledit.Parse(file, src)
	if err != nil {
		return nil
	}
	return d
}

// buildMethodFix adds Metadata: BuildMethod: rt to the SAM layer l, whose folder holds
// Python code at its root: sam build then puts it under python/.
func buildMethodFix(p *Pass, l *model.Layer, users []*Function) *model.Fix {
	if l.BuildMethod != "" || l.Content == nil || l.Content.Opaque || strings.HasSuffix(l.Content.Display, ".zip") ||
		(p.App.Kind != "sam" && p.App.Kind != "cloudformation") {
		return nil
	}
	rt := ""
	for _, f := range users {
		if !f.Runtime.IsPython() || (rt != "" && rt != f.Runtime.ID) {
			return nil // Node.js users, or Python versions that disagree: no one build
		}
		rt = f.Runtime.ID
	}
	root, err := l.Content.Tree.ReadDir("")
	if err != nil || rt == "" {
		return nil
	}
	code := false
	for _, e := range root {
		switch {
		case e.Dir && !isPackageDir(l.Content.Tree, e.Name) && e.Name != "__pycache__" && !strings.HasPrefix(e.Name, "."):
			return nil // bin/, lib/, python/, data folders: moving them under python/ would break them
		case e.Dir || strings.HasSuffix(e.Name, ".py"):
			code = true
		}
	}
	d := p.template(l.Pos.File)
	if !code || d == nil {
		return nil
	}
	key, res := d.Lookup("Resources", l.Name)
	if res == nil {
		return nil
	}
	var e model.Edit
	var ok bool
	if mk, meta := yamledit.Get(res, "Metadata"); meta != nil {
		e, ok = d.AddEntry(mk, meta, yamledit.Entry{Key: "BuildMethod", Value: rt})
	} else {
		e, ok = d.AddEntry(key, res, yamledit.Entry{Key: "Metadata", SubKey: "BuildMethod", Value: rt})
	}
	if !ok {
		return nil
	}
	return &model.Fix{Title: fmt.Sprintf("add Metadata: BuildMethod: %s to layer %s (sam build then puts its contents under python/)", rt, l.Name), Edits: []model.Edit{e}}
}

// duplicateLayerFix removes the earlier of two entries of one layer in a function's
// Layers list. Lambda extracts the layers in order, so the later copy overwrites every
// file of the earlier one: without the earlier entry /opt holds the same files.
// Both entries must be items of one list (not one in SAM Globals).
func duplicateLayerFix(p *Pass, earlier, later model.LayerRef) *model.Fix {
	if earlier.Pos.File != later.Pos.File || earlier.Pos.Line == 0 || earlier.Pos.Col == 0 {
		return nil
	}
	d := p.template(earlier.Pos.File)
	if d == nil {
		return nil
	}
	var seq *yaml.Node
	var idx int
	walkNodes(d.Root, func(n *yaml.Node) bool {
		if n.Kind != yaml.SequenceNode {
			return true
		}
		i := slices.IndexFunc(n.Content, func(c *yaml.Node) bool { return c.Line == earlier.Pos.Line && c.Column == earlier.Pos.Col })
		j := slices.IndexFunc(n.Content, func(c *yaml.Node) bool { return c.Line == later.Pos.Line && c.Column == later.Pos.Col })
		if i >= 0 && j > i {
			seq, idx = n, i
			return false
		}
		return true
	})
	if seq == nil {
		return nil
	}
	e, ok := d.RemoveItem(seq, idx)
	if !ok {
		return nil
	}
	return &model.Fix{Title: fmt.Sprintf("remove the first of the two entries of the layer (%s:%d); the second, extracted later, wins either way", earlier.Pos.File, earlier.Pos.Line), Edits: []model.Edit{e}}
}

func walkNodes(n *yaml.Node, visit func(*yaml.Node) bool) bool {
	if n == nil || !visit(n) {
		return false
	}
	for _, c := range n.Content {
		if !walkNodes(c, visit) {
			return false
		}
	}
	return true
}

// pathVarFix appends to a PYTHONPATH (NODE_PATH) value the folders Lambda would have
// searched had the variable not been set, in Lambda's order: the layer folders for
// Python (the runtime adds its own), the whole default NODE_PATH for Node.js. The value
// is edited where it is written (YAML, JSON, HCL), when it is a literal on the line of
// its name.
func pathVarFix(p *Pass, f *Function, name string, v model.EnvVar) *model.Fix {
	missing := missingPathEntries(f, v.Value)
	if !v.Known || len(missing) == 0 || v.Pos.Line == 0 || strings.ContainsAny(v.Value, "\"'\\\n#${}") {
		return nil
	}
	src := p.source(v.Pos.File)
	if src == nil {
		return nil
	}
	at, ok := fix.Offset(src, v.Pos.Line, max(v.Pos.Col, 1))
	if !ok {
		return nil
	}
	line := string(src[at:fix.LineEnd(src, at)])
	// The name, then ':' or '=', then the value, alone or quoted, then the end of the
	// line, a comma, a closing brace or a comment.
	rest, ok := strings.CutPrefix(strings.TrimLeft(line, "\"'"), name)
	if !ok {
		return nil
	}
	rest = strings.TrimLeft(rest, "\"'")
	sep := len(rest) - len(strings.TrimLeft(rest, " \t"))
	if sep >= len(rest) || (rest[sep] != ':' && rest[sep] != '=') {
		return nil
	}
	after := rest[sep+1:]
	lead := len(after) - len(strings.TrimLeft(after, " \t\"'"))
	if !strings.HasPrefix(after[lead:], v.Value) {
		return nil
	}
	tail := strings.TrimLeft(after[lead+len(v.Value):], "\"'")
	if t := strings.TrimSpace(tail); t != "" && !strings.HasPrefix(t, "#") && !strings.HasPrefix(t, ",") && !strings.HasPrefix(t, "}") {
		return nil // more after the value: not the literal we know
	}
	start := at + (len(line) - len(after)) + lead
	value := strings.TrimSuffix(v.Value, ":")
	newValue := value + ":" + strings.Join(missing, ":")
	if value == "" {
		newValue = strings.Join(missing, ":")
	}
	e := model.Edit{File: v.Pos.File, Sum: fix.Sum(src), Start: start, End: start + len(v.Value), Old: v.Value, New: newValue}
	return &model.Fix{Title: fmt.Sprintf("append %s to %s of %s", strings.Join(missing, ":"), name, f.Fn.Name), Edits: []model.Edit{e}}
}

// missingPathEntries lists the folders of f's runtime's default search path that a
// PYTHONPATH (NODE_PATH) of value leaves out, in Lambda's order: the /opt layer folders
// for Python, every default NODE_PATH entry for Node.js. Nil when nothing is missing or
// the runtime is not catalogued.
func missingPathEntries(f *Function, value string) []string {
	if f.Runtime == nil {
		return nil
	}
	var want []string
	switch {
	case f.Runtime.IsPython():
		for _, d := range f.Runtime.LayerDirs() {
			want = append(want, "/opt/"+d)
		}
	case f.Runtime.IsNode():
		want = f.Runtime.NodePath
	}
	have := map[string]bool{}
	for _, e := range strings.Split(value, ":") {
		have[strings.TrimSuffix(e, "/")] = true
	}
	var out []string
	for _, w := range want {
		if !have[w] {
			out = append(out, w)
		}
	}
	return out
}

// folderOf is the path of the folder tree t relative to the checked folder
// ("layers/utils"), when t is a folder on disk inside it.
func (p *Pass) folderOf(t tree.Tree) (string, bool) {
	d, ok := t.(*tree.DirTree)
	pd, ok2 := p.Project.(*tree.DirTree)
	if !ok || !ok2 || p.App.Built {
		return "", false
	}
	rel, err := filepath.Rel(pd.Root(), d.Root())
	if err != nil || !iac.Within(pd.Root(), d.Root()) {
		return "", false
	}
	return filepath.ToSlash(rel), true
}

// layerMoveFix moves a layer folder's Python code to where the functions' runtime
// looks: modules and packages at the root into python/, a site-packages folder of
// another Python version to the functions' one (when they all run one version). It is
// unsafe: files move, and whatever else builds or reads the layer folder (a Makefile,
// tests, imports between the moved files and the rest) sees them elsewhere.
func layerMoveFix(p *Pass, l *model.Layer, users []*Function) *model.Fix {
	if l.Content == nil || l.Content.Opaque || l.BuildMethod != "" {
		return nil
	}
	dir, ok := p.folderOf(l.Content.Tree)
	if !ok {
		return nil
	}
	t := l.Content.Tree
	version := ""
	for _, f := range users {
		if !f.Runtime.IsPython() {
			return nil
		}
		if version != "" && version != f.Runtime.Version {
			version = "several"
		} else if version == "" {
			version = f.Runtime.Version
		}
	}
	root, err := t.ReadDir("")
	if err != nil {
		return nil
	}
	var moves []model.Move
	join := func(name string) string {
		if dir == "." {
			return name
		}
		return dir + "/" + name
	}
	for _, e := range root {
		if (e.Dir && isPackageDir(t, e.Name)) || (!e.Dir && strings.HasSuffix(e.Name, ".py")) {
			if _, err := t.Stat("python/" + e.Name); err == nil {
				return nil // python/ already has one: a person must choose
			}
			m := model.Move{From: join(e.Name), To: join("python/" + e.Name)}
			if b, err := t.ReadFile(e.Name); err == nil && !e.Dir {
				m.Sum = fix.Sum(b)
			}
			moves = append(moves, m)
		}
	}
	if libs, err := t.ReadDir("python/lib"); err == nil && version != "several" && version != "" {
		want := "python" + version
		if _, err := t.Stat("python/lib/" + want); err != nil {
			var wrong []string
			for _, lib := range libs {
				if lib.Dir && strings.HasPrefix(lib.Name, "python") && lib.Name != want && tree.IsDir(t, "python/lib/"+lib.Name+"/site-packages") {
					wrong = append(wrong, lib.Name)
				}
			}
			if len(wrong) == 1 {
				moves = append(moves, model.Move{From: join("python/lib/" + wrong[0]), To: join("python/lib/" + want)})
			}
		}
	}
	if len(moves) == 0 {
		return nil
	}
	var names []string
	for _, m := range moves {
		names = append(names, m.From+" → "+m.To)
	}
	return &model.Fix{Title: "move the layer's code where the runtime looks: " + strings.Join(names, ", "), Unsafe: true, Moves: moves}
}
