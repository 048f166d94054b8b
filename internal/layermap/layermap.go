// Package layermap is the data behind the pictures of a check: for every function, its
// /var/task and layers in search-path order with the top-level modules each provides and
// which one wins, where the handler's imports resolve, the sizes of what lands in
// /var/task and /opt (a tree for a treemap), and what could go. The HTML report draws
// it; dot and mermaid print its function → layer → module graph.
//
// Everything it needs from a check comes through Build, which reads the check's
// functions (check.Function) and their analyses through the language seam
// (internal/resolve), so a Node.js function is drawn as a Python one is.
package layermap

import (
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/layerkit/layerkit/internal/check"
	"github.com/layerkit/layerkit/internal/finding"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/pysyntax"
	"github.com/layerkit/layerkit/internal/resolve"
	"github.com/layerkit/layerkit/internal/rulecode"
	"github.com/layerkit/layerkit/internal/runtimes"
	"github.com/layerkit/layerkit/internal/tree"
)

// Limit is Lambda's limit on a function's unzipped size, /var/task and every layer:
// 250 MB, 262,144,000 bytes.
const Limit = 262144000

// Data is what the report pictures.
type Data struct {
	Title   string `json:"title"`
	Version string `json:"version"`
	Checked string `json:"checked"`
	// Read lists what was read, one IaC root a line ("SAM template template.yaml (built)").
	Read      []string    `json:"read"`
	Limit     int64       `json:"limit"`
	Summary   Summary     `json:"summary"`
	Functions []*Function `json:"functions"`
	Findings  []Finding   `json:"findings"`
	// Trees are the size trees, by id ("task:fns/a/", "layer:Deps"); functions name theirs.
	Trees map[string]*Node `json:"trees"`
}

// Summary counts what was checked and found.
type Summary struct {
	Functions int `json:"functions"`
	Checked   int `json:"checked"`
	Unchecked int `json:"unchecked"`
	Layers    int `json:"layers"`
	Errors    int `json:"errors"`
	Warnings  int `json:"warnings"`
	Infos     int `json:"infos"`
}

// Function is one function of the check.
type Function struct {
	Name    string   `json:"name"`
	Kind    string   `json:"kind"`
	Runtime string   `json:"runtime"`
	Arch    string   `json:"arch"`
	Handler string   `json:"handler"`
	Layers  []string `json:"layers"`
	// Verdict is "error", "warning", "info" (its worst finding), "ok", or "not checked".
	Verdict string `json:"verdict"`
	Skipped string `json:"skipped,omitempty"`
	// Columns are /var/task, then each layer in the order Lambda applies them, then the
	// runtime (its bundled packages and the standard library).
	Columns []Column `json:"columns"`
	// Imports are the handler module's imports and every failing import.
	Imports []Import `json:"imports"`
	// Size names the trees of Data.Trees that land in this function's /var/task and /opt,
	// /var/task first; Total is their sum.
	Size    []string `json:"size"`
	Total   int64    `json:"total"`
	Savings []Saving `json:"savings"`
}

// Column is /var/task, a layer or the runtime, and the top-level names it provides.
type Column struct {
	ID      string `json:"id"` // "task", "layer:N" (N: index in the function's Layers), "runtime"
	Name    string `json:"name"`
	Path    string `json:"path"` // where it lands: "/var/task", "/opt"
	Modules []Mod  `json:"modules"`
	// Note says why a layer shows nothing ("not inspectable: arn:…").
	Note string `json:"note,omitempty"`
}

// Mod is a top-level module or package a column provides.
type Mod struct {
	Name string `json:"name"`
	Kind string `json:"kind"` // "package", "namespace", "module", "extension"
	// Wins is set on the copy an import of Name gets; a copy that does not win is
	// shadowed, by WonBy (a column id).
	Wins  bool   `json:"wins,omitempty"`
	WonBy string `json:"wonBy,omitempty"`
	Size  int64  `json:"size,omitempty"`
}

// Import is one import the map draws.
type Import struct {
	Module string `json:"module"` // dotted, as imported
	Top    string `json:"top"`
	From   string `json:"from"` // the importing module
	File   string `json:"file"`
	Line   int    `json:"line"`
	// To is the column id it resolves to; "" when it does not resolve.
	To string `json:"to"`
	// Finding is the index in Data.Findings of the finding about it; -1 when none.
	Finding int  `json:"finding"`
	Failed  bool `json:"failed"`
	Lazy    bool `json:"lazy,omitempty"`
}

// Saving is something that could go from a function's unzipped size.
type Saving struct {
	What  string   `json:"what"`
	Why   string   `json:"why"`
	Bytes int64    `json:"bytes"`
	Where []string `json:"where"` // a few of the paths, "layer Deps: python/x/tests"
}

// Finding is a finding with the source lines around it.
type Finding struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	Severity string `json:"severity"`
	Function string `json:"function"`
	Layer    string `json:"layer"`
	File     string `json:"file"`
	Line     int    `json:"line"`
	Col      int    `json:"col"`
	Message  string `json:"message"`
	Hint     string `json:"hint"`
	// Context is the source around Line (First is its first line's number).
	Context []string `json:"context,omitempty"`
	First   int      `json:"first,omitempty"`
}

// Input is what Build reads: the check's functions (with their analyses), findings
// (paths as the report shows them) and a way to read a finding's file.
type Input struct {
	Title, Version, Checked string
	Read                    []string
	Analyses                []*check.Function
	Findings                []finding.Finding
	Layers                  int
	// Source reads the file a finding names (as it names it), for the lines around it;
	// nil: no context.
	Source func(file string) ([]byte, error)
}

// Build makes the report's data.
func Build(in Input) *Data {
	d := &Data{Title: in.Title, Version: in.Version, Checked: in.Checked, Read: in.Read, Limit: Limit, Trees: map[string]*Node{}}
	if d.Title == "" {
		d.Title = "layerkit report"
	}
	d.Findings = findings(in.Findings, in.Source)
	d.Summary.Layers = in.Layers
	for _, f := range in.Findings {
		switch f.Severity {
		case model.Error:
			d.Summary.Errors++
		case model.Warning:
			d.Summary.Warnings++
		default:
			d.Summary.Infos++
		}
	}
	sizes := newSizer(d.Trees)
	sizes.lists = map[listKey][]Mod{}
	for _, a := range in.Analyses {
		fn := function(a, d.Findings, sizes)
		d.Functions = append(d.Functions, fn)
		d.Summary.Functions++
		if a.Skip != "" {
			d.Summary.Unchecked++
		} else {
			d.Summary.Checked++
		}
	}
	return d
}

func findings(fs []finding.Finding, source func(string) ([]byte, error)) []Finding {
	out := make([]Finding, 0, len(fs))
	files := map[string][]string{}
	for _, f := range fs {
		g := Finding{Code: f.Code.String(), Name: f.Code.Name(), Severity: f.Severity.String(), Function: f.Function,
			Layer: f.Layer, File: f.Pos.File, Line: f.Pos.Line, Col: f.Pos.Col, Message: f.Message, Hint: f.Hint}
		if source != nil && f.Pos.File != "" && f.Pos.Line > 0 {
			lines, ok := files[f.Pos.File]
			if !ok {
				if b, err := source(f.Pos.File); err == nil && len(b) < 4<<20 {
					lines = strings.Split(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n")
				}
				files[f.Pos.File] = lines
			}
			if f.Pos.Line <= len(lines) {
				lo, hi := max(1, f.Pos.Line-2), min(len(lines), f.Pos.Line+2)
				g.First = lo
				for _, l := range lines[lo-1 : hi] {
					if len(l) > 240 {
						l = l[:240] + "…"
					}
					g.Context = append(g.Context, l)
				}
			}
		}
		out = append(out, g)
	}
	return out
}

func function(a *check.Function, fs []Finding, sizes *sizer) *Function {
	fn := a.Fn
	out := &Function{Name: fn.Name, Kind: fn.Kind, Runtime: fn.Runtime, Arch: fn.Arch, Handler: fn.Handler, Skipped: a.Skip,
		Layers: []string{}, Columns: []Column{}, Imports: []Import{}, Size: []string{}, Savings: []Saving{}}
	if out.Arch == "" {
		out.Arch = "x86_64"
	}
	worst := -1
	for _, f := range fs {
		if f.Function != fn.Name {
			continue
		}
		s := map[string]int{"info": 0, "warning": 1, "error": 2}[f.Severity]
		worst = max(worst, s)
	}
	out.Verdict = []string{"ok", "info", "warning", "error"}[worst+1]
	if a.Skip != "" {
		out.Verdict = "not checked"
	}
	for _, l := range fn.Layers {
		out.Layers = append(out.Layers, layerName(l))
	}
	m := newMapper(a, sizes.lists)
	out.Columns = m.columns()
	if a.Analysis != nil {
		out.Imports = m.imports(fs)
	}
	sizes.function(out, a, m)
	return out
}

func layerName(l model.LayerRef) string {
	switch {
	case l.Layer != nil:
		return l.Layer.Name
	case l.ARN != "":
		return l.ARN
	}
	return l.Text
}

// mapper answers, for one function, which column provides what. It reads the
// function's analysis through the language seam (internal/resolve): where its layers
// are searched, what its imports resolve to, and which copy of a shadowed module wins
// (the fact LK104 reports).
type mapper struct {
	a      *check.Function
	node   bool     // a Node.js function: columns list node_modules packages
	sites  []string // folders of a layer on the function's search path, in search order
	layers []tree.Tree
	// lists are the modules of each tree and folders, shared by the functions of a
	// check (a layer of 200 functions is listed once); nil: not shared.
	lists map[listKey][]Mod
}

type listKey struct {
	t    tree.Tree
	dirs string
	node bool
}

func newMapper(a *check.Function, lists map[listKey][]Mod) *mapper {
	m := &mapper{a: a, node: a.Runtime != nil && a.Runtime.IsNode(), lists: lists}
	if a.Runtime != nil {
		m.sites = a.Runtime.LayerDirs()
	}
	if len(m.sites) == 0 && !m.node {
		m.sites = []string{"python"}
	}
	if a.Analysis != nil {
		var ps []string
		for _, e := range a.Analysis.SearchPath().Entries {
			if e.Place == resolve.Layer && e.Dir != "" && !slices.Contains(ps, e.Dir) {
				ps = append(ps, e.Dir)
			}
		}
		if len(ps) > 0 {
			m.sites = ps
		}
	}
	for _, l := range a.Fn.Layers {
		var t tree.Tree
		if l.Inspectable() && !l.Layer.Content.Opaque {
			t = l.Layer.Content.Tree
		}
		m.layers = append(m.layers, t)
	}
	return m
}

// kindOf says what the entry e of folder dir of t is to Python: its top-level import
// name and kind, "" when nothing.
func kindOf(t tree.Tree, dir string, e tree.Info) (top, kind string) {
	n := e.Name
	if e.Dir {
		if !pysyntax.IsIdentifier(n) || n == "__pycache__" {
			return "", ""
		}
		for _, init := range []string{"__init__.py", "__init__.pyc"} {
			if tree.IsFile(t, path.Join(dir, n, init)) {
				return n, "package"
			}
		}
		if hasPython(t, path.Join(dir, n)) {
			return n, "namespace"
		}
		return "", ""
	}
	switch {
	case strings.HasSuffix(n, ".py"):
		return strings.TrimSuffix(n, ".py"), "module"
	case strings.HasSuffix(n, ".so") || strings.HasSuffix(n, ".pyd"):
		return n[:strings.IndexByte(n, '.')], "extension"
	}
	return "", ""
}

// hasPython reports whether a folder holds Python code: a .py or compiled module in it
// or in a folder below it, up to three levels down (acme/plugins/local.py makes acme a
// namespace package).
func hasPython(t tree.Tree, dir string) bool { return hasPythonIn(t, dir, 3) }

func hasPythonIn(t tree.Tree, dir string, depth int) bool {
	es, err := t.ReadDir(dir)
	if err != nil || depth == 0 {
		return false
	}
	for _, e := range es {
		switch {
		case !e.Dir && (strings.HasSuffix(e.Name, ".py") || strings.HasSuffix(e.Name, ".so")):
			return true
		case e.Dir && pysyntax.IsIdentifier(e.Name) && hasPythonIn(t, path.Join(dir, e.Name), depth-1):
			return true
		}
	}
	return false
}

// nodeEntries are the packages of a node_modules folder: "name" or "@scope/name".
func nodeEntries(t tree.Tree, dir string, e tree.Info) []tree.Info {
	if !e.Dir || strings.HasPrefix(e.Name, ".") {
		return nil
	}
	if !strings.HasPrefix(e.Name, "@") {
		return []tree.Info{e}
	}
	es, err := t.ReadDir(path.Join(dir, e.Name))
	if err != nil {
		return nil
	}
	var out []tree.Info
	for _, s := range es {
		if s.Dir {
			s.Name = e.Name + "/" + s.Name
			out = append(out, s)
		}
	}
	return out
}

// list is what t provides in dirs, in name order: a copy of the shared listing (each
// function marks its own winners).
func (m *mapper) list(t tree.Tree, dirs []string) []Mod {
	k := listKey{t, strings.Join(dirs, "\x00"), m.node}
	mods, ok := m.lists[k]
	if !ok {
		mods = m.listNew(t, dirs)
		if m.lists != nil {
			m.lists[k] = mods
		}
	}
	return slices.Clone(mods)
}

func (m *mapper) listNew(t tree.Tree, dirs []string) []Mod {
	seen := map[string]bool{}
	out := []Mod{}
	for _, dir := range dirs {
		es, err := t.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, e := range es {
			if m.node {
				for _, p := range nodeEntries(t, dir, e) {
					if !seen[p.Name] {
						seen[p.Name] = true
						out = append(out, Mod{Name: p.Name, Kind: "package", Size: treeSize(t, path.Join(dir, p.Name), p)})
					}
				}
				continue
			}
			top, kind := kindOf(t, dir, e)
			if top == "" || seen[top] {
				continue
			}
			seen[top] = true
			out = append(out, Mod{Name: top, Kind: kind, Size: treeSize(t, path.Join(dir, e.Name), e)})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func treeSize(t tree.Tree, name string, e tree.Info) int64 {
	if !e.Dir {
		return e.Size
	}
	var n int64
	_ = tree.Walk(t, name, func(_ string, i tree.Info) error {
		if !i.Dir {
			n += i.Size
		}
		return nil
	})
	return n
}

func (m *mapper) columns() []Column {
	fn := m.a.Fn
	var cols []Column
	task := Column{ID: "task", Name: "function package", Path: "/var/task", Modules: []Mod{}}
	if fn.Code != nil {
		task.Name = fn.Code.Display
		dirs := []string{""}
		if m.node {
			dirs = []string{"node_modules"}
		}
		task.Modules = m.list(fn.Code.Tree, dirs)
	} else if fn.Kind == "layer" {
		task.Note = "no function: the layer alone"
	} else {
		task.Note = "not readable"
	}
	cols = append(cols, task)
	for i, l := range fn.Layers {
		c := Column{ID: layerID(i), Name: layerName(l), Path: "/opt", Modules: []Mod{}}
		switch {
		case m.layers[i] != nil:
			c.Modules = m.list(m.layers[i], m.sites)
		case l.Bad:
			c.Note = "bad reference: " + l.Problem
		case l.Inspectable():
			c.Note = "built by a step layerkit does not model"
		default:
			c.Note = "not inspectable here"
		}
		cols = append(cols, c)
	}
	rt := Column{ID: "runtime", Name: "runtime", Path: "/var/lang", Modules: []Mod{}}
	if r := m.a.Runtime; r != nil {
		rt.Name = r.ID + " runtime"
		for _, p := range r.Provided {
			rt.Modules = append(rt.Modules, Mod{Name: p, Kind: "provided"})
		}
	}
	cols = append(cols, rt)
	known := m.resolved()
	// what the analysis found that the listing did not show (a module the listing's
	// rules miss; the standard library modules the handler imports): drawn where it
	// resolves
	handler := m.handlerTops()
	for top, w := range known {
		if w.col == "runtime" && !handler[top] {
			continue
		}
		for ci := range cols {
			if cols[ci].ID == w.col && modKind(cols[ci], top) == "" {
				cols[ci].Modules = append(cols[ci].Modules, Mod{Name: top, Kind: w.kind})
				sort.Slice(cols[ci].Modules, func(i, j int) bool { return cols[ci].Modules[i].Name < cols[ci].Modules[j].Name })
			}
		}
	}
	m.winners(cols, known)
	return cols
}

// handlerTops are the top-level modules the handler module imports.
func (m *mapper) handlerTops() map[string]bool {
	out := map[string]bool{}
	if an := m.a.Analysis; an != nil {
		h := an.Handler().Module
		for _, im := range an.Imports() {
			if im.From == h {
				out[m.top(im.Module)] = true
			}
		}
	}
	return out
}

// where is the column a top-level module resolves to, and what it is there.
type where struct{ col, kind string }

// kindOfProvider is what a provider is, as a Mod's Kind.
func kindOfProvider(p *resolve.Provider) string {
	switch {
	case p.Place == resolve.Builtin:
		return "standard library"
	case p.Place == resolve.Runtime:
		return "provided"
	case p.Folder:
		return "namespace"
	case p.Package:
		return "package"
	case p.Compiled:
		return "extension"
	}
	return "module"
}

func layerID(i int) string { return "layer:" + strconv.Itoa(i) }

// winners marks, for every top-level name, the copy an import gets: the winner the
// analysis found when the name is shadowed (what LK104 reports), else where the
// function's imports of it resolve, else the first regular module or package in search
// order (/var/task, then /opt where the last layer to write a path wins, then the
// runtime), else the first namespace portion.
func (m *mapper) winners(cols []Column, known map[string]where) {
	order := []int{0}
	for i := len(cols) - 2; i >= 1; i-- { // later layers overwrite earlier ones in /opt
		order = append(order, i)
	}
	order = append(order, len(cols)-1)
	if an := m.a.Analysis; an != nil && an.SearchPath().Override != nil {
		order = append([]int{}, order[1:len(order)-1]...)
		order = append(order, 0, len(cols)-1) // the function's own path: best effort
	}
	names := map[string]bool{}
	for _, c := range cols {
		for _, md := range c.Modules {
			names[md.Name] = true
		}
	}
	for name := range names {
		win := known[name].col
		if win == "" {
			for _, ci := range order {
				if k := modKind(cols[ci], name); k != "" && k != "namespace" {
					win = cols[ci].ID
					break
				}
			}
		}
		if win == "" {
			for _, ci := range order {
				if modKind(cols[ci], name) != "" {
					win = cols[ci].ID
					break
				}
			}
		}
		for ci := range cols {
			for j := range cols[ci].Modules {
				md := &cols[ci].Modules[j]
				if md.Name != name {
					continue
				}
				if cols[ci].ID == win {
					md.Wins = true
				} else {
					md.WonBy = win
				}
			}
		}
	}
}

// resolved maps top-level names to the column the analysis found them in: the
// winners of shadowed modules first, then where the function's imports of a top-level
// module resolve, then (for a top-level module only imported through its submodules)
// where a submodule does.
func (m *mapper) resolved() map[string]where {
	out := map[string]where{}
	an := m.a.Analysis
	if an == nil {
		return out
	}
	for _, s := range an.Shadows() {
		if id := m.columnOf(&s.Winner); id != "" {
			out[m.top(s.Name)] = where{id, kindOfProvider(&s.Winner)}
		}
	}
	for _, sub := range []bool{false, true} {
		for _, im := range an.Imports() {
			top := m.top(im.Module)
			if _, ok := out[top]; ok || im.Found == nil || im.Failure != resolve.Resolved || (top != im.Module) != sub {
				continue
			}
			if id := m.columnOf(im.Found); id != "" {
				kind := kindOfProvider(im.Found)
				if sub && id != "runtime" {
					kind = "package"
				}
				out[top] = where{id, kind}
			}
		}
	}
	return out
}

func modKind(c Column, name string) string {
	for _, md := range c.Modules {
		if md.Name == name {
			return md.Kind
		}
	}
	return ""
}

// columnOf is the column id a provider is in; "" when none (a folder the function's
// own path adds, a declared module).
func (m *mapper) columnOf(p *resolve.Provider) string {
	switch p.Place {
	case resolve.Function:
		return "task"
	case resolve.Layer:
		if p.Layer >= 0 {
			return layerID(p.Layer)
		}
	case resolve.Builtin, resolve.Runtime:
		return "runtime"
	}
	return ""
}

// top is the top-level name of an imported module: Python's first dotted part, a Node
// package's name ("@scope/name", "lodash" of "lodash/fp").
func (m *mapper) top(mod string) string {
	if m.node {
		parts := strings.SplitN(mod, "/", 3)
		if strings.HasPrefix(mod, "@") && len(parts) > 1 {
			return parts[0] + "/" + parts[1]
		}
		return strings.TrimPrefix(parts[0], "node:")
	}
	if i := strings.IndexByte(mod, '.'); i > 0 {
		return mod[:i]
	}
	return mod
}

// imports lists the handler module's imports, where they resolve, and every failing
// import with the finding about it.
func (m *mapper) imports(fs []Finding) []Import {
	an := m.a.Analysis
	h := an.Handler()
	out := []Import{}
	seen := map[string]bool{}
	for _, im := range an.Imports() {
		top := m.top(im.Module)
		if im.Failure != resolve.Resolved || im.From != h.Module || seen[top] {
			continue
		}
		seen[top] = true
		to := ""
		if im.Found != nil {
			to = m.columnOf(im.Found)
		}
		at := im.At.Model()
		out = append(out, Import{Module: im.Module, Top: top, From: im.From, File: at.File, Line: at.Line, To: to, Finding: -1, Lazy: im.Lazy})
	}
	if h.Found == nil && h.Module != "" && !h.Malformed {
		out = append(out, Import{Module: h.Module, Top: m.top(h.Module), From: "(Lambda: handler " + m.a.Fn.Handler + ")",
			Failed: true, Finding: findingFor(fs, m.a.Fn.Name, []rulecode.Code{rulecode.LK102}, h.Module, 0)})
	}
	for _, im := range an.Imports() {
		if im.Failure == resolve.Resolved || im.Guarded {
			continue
		}
		mod := im.Module
		if im.Name != "" {
			mod += "." + im.Name
		}
		at := im.At.Model()
		out = append(out, Import{Module: mod, Top: m.top(im.Module), From: im.From, File: at.File, Line: at.Line, Failed: true, Lazy: im.Lazy,
			Finding: findingFor(fs, m.a.Fn.Name, failureCodes(im.Failure), im.Module, at.Line)})
	}
	return out
}

// failureCodes are the rules that report an import failing so.
func failureCodes(f resolve.Failure) []rulecode.Code {
	switch f {
	case resolve.Incompatible:
		return []rulecode.Code{rulecode.LK301, rulecode.LK302, rulecode.LK303, rulecode.LK304}
	}
	return []rulecode.Code{rulecode.LK101}
}

// findingFor is the index of the finding of fn that names module, of one of codes when
// one does, at line when it can tell; -1 when none.
func findingFor(fs []Finding, fn string, codes []rulecode.Code, module string, line int) int {
	best := -1
	for i, f := range fs {
		if f.Function != fn || !strings.Contains(f.Message, module) {
			continue
		}
		if slices.ContainsFunc(codes, func(c rulecode.Code) bool { return c.String() == f.Code }) && (line == 0 || f.Line == line) {
			return i
		}
		if best < 0 {
			best = i
		}
	}
	return best
}

// LayerInput is a layer inspected on its own (layerkit inspect --format html), for a
// runtime and architecture.
type LayerInput struct {
	Name    string // as given ("build/deps.zip")
	Tree    tree.Tree
	Runtime *runtimes.Runtime
	Arch    string
}

// BuildLayers makes the report's data for layers inspected on their own. Each is drawn
// as a function with no code of its own and only that layer attached: the map shows
// what the layer provides on the runtime's path (and which of its modules the runtime
// also has), the treemap what it weighs, the savings what could go.
func BuildLayers(title, version string, ls []LayerInput) *Data {
	var fns []*check.Function
	var read []string
	for _, l := range ls {
		id := ""
		if l.Runtime != nil {
			id = l.Runtime.ID
		}
		fns = append(fns, &check.Function{
			Fn: &model.Function{Name: "layer " + l.Name, Kind: "layer", Runtime: id, Arch: l.Arch,
				Layers: []model.LayerRef{{Layer: &model.Layer{Name: l.Name, Content: &model.Code{Tree: l.Tree, Display: l.Name}}}}},
			Runtime: l.Runtime,
			Skip:    "a layer inspected on its own: no handler imports from it",
		})
		read = append(read, "layer "+l.Name+" ("+id+", "+l.Arch+")")
	}
	d := Build(Input{Title: title, Version: version, Read: read, Analyses: fns, Layers: len(ls)})
	d.Summary.Functions, d.Summary.Unchecked = 0, 0
	return d
}
