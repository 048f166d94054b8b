package pyresolve

import (
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/layerkit/layerkit/internal/pyscan"
	"github.com/layerkit/layerkit/internal/tree"
)

// sys.path edits at import time (sys.path.insert/append/extend, sys.path[0:0] = ...,
// site.addsitedir): the imports after an edit, in program order, use the edited path.
// An edit whose value layerkit cannot evaluate makes the imports after it that do not
// resolve warnings (Problem.PathUnknown), and is reported itself (Result.Unfollowed).
//
// The function's Env is copied on the first edit; new entries are appended to its Path
// (so the Entry indexes of modules found before stay right) and the search order is
// a.order.

// cwd is the working directory of a Lambda function: relative paths resolve there.
const cwd = "/var/task"

// applyEdit applies one sys.path edit made by module m's code at init.
func (a *analysis) applyEdit(m *Module, ev *pyscan.Event) {
	e := ev.Edit
	file := a.lambdaPath(m)
	if e.Unknown || (file == "" && (usesFile(e.Values) || usesFile(e.Unless))) {
		if a.unknownEdit == "" {
			line := ev.Line
			if ev.CalledAt > 0 {
				line = ev.CalledAt
			}
			a.unknownEdit = fmt.Sprintf("%s:%d", m.Tree.Display(m.File), line)
			a.known = map[string]bool{}
			for name, mod := range a.mods.all {
				if mod != nil && !strings.Contains(name, ".") {
					a.known[name] = true
				}
			}
		}
		a.unfollowed(m, ev, false, true)
		return
	}
	if a.order == nil {
		env := *a.env
		env.Path = append([]Entry(nil), a.env.Path...)
		env.sharedKey = ""
		a.env, a.res.Env = &env, &env
		a.order = make([]int, len(env.Path))
		for i := range a.order {
			a.order[i] = i
		}
	}
	for _, u := range e.Unless {
		if a.onPath(EvalPath(u, file)) {
			return // under `if P not in sys.path:` with P on it
		}
	}
	var idx []int
	for _, v := range e.Values {
		p := EvalPath(v, file)
		if e.Site && a.onPath(p) {
			continue // site.addsitedir adds a folder only once
		}
		ent, ok := a.env.mapPath(p)
		if !ok {
			ent = Entry{Path: p} // somewhere outside /var/task and /opt: nothing of the app is there
		}
		ent.Path, ent.Kind = p, Extra
		a.env.Path = append(a.env.Path, ent)
		idx = append(idx, len(a.env.Path)-1)
	}
	switch e.Op {
	case "insert":
		at := e.Index
		if at < 0 {
			at = max(len(a.order)+at, 0)
		}
		at = min(at, len(a.order))
		// list.insert puts one value; extend-like forms never get here with several
		for k := len(idx) - 1; k >= 0; k-- {
			a.order = append(a.order[:at], append([]int{idx[k]}, a.order[at:]...)...)
		}
	case "prepend":
		a.order = append(append([]int(nil), idx...), a.order...)
	default:
		a.order = append(a.order, idx...)
	}
	a.pathEpoch++
	a.forgetLookups()
}

// pathState is the search path as edits left it (savePath, restorePath).
type pathState struct {
	order   []int
	n       int
	epoch   int
	unknown string
	known   map[string]bool
}

func (a *analysis) savePath() pathState {
	return pathState{order: slices.Clone(a.order), n: len(a.env.Path), epoch: a.pathEpoch, unknown: a.unknownEdit, known: a.known}
}

// restorePath undoes the sys.path edits made since s was saved: those of the statements
// layerkit runs after a failure of a module's top level, to report what else fails
// there, which Python never runs. The entries they added stay in env.Path (modules found
// there keep their Entry) but leave the search order.
func (a *analysis) restorePath(s pathState) {
	if a.pathEpoch == s.epoch && a.unknownEdit == s.unknown {
		return
	}
	a.unknownEdit, a.known = s.unknown, s.known
	if a.order != nil {
		a.order = s.order
		if a.order == nil {
			a.order = make([]int, s.n)
			for i := range a.order {
				a.order[i] = i
			}
		}
	}
	a.pathEpoch++
	a.forgetLookups()
}

// forgetLookups drops, after sys.path changed, the lookups a search of the new path may
// answer otherwise.
func (a *analysis) forgetLookups() {
	// Modules not found so far may be found now, and modules found but not imported
	// (only looked up for an import in a function body), or whose top level failed (it
	// left sys.modules), may be found elsewhere: only sys.modules keeps what it has. A
	// module only layerkit imported, going on after a failure (phantom), is not in it:
	// when restorePath undoes that run's edits, a module it found on a folder one of them
	// added is found no more (3.11 seed 20410004).
	var nsPkgs []string
	a.mods.flatten()
	for name, mod := range a.mods.own {
		switch {
		case mod == nil || a.state.get(name) != 2 || a.inSysModules(name) == nil:
			delete(a.mods.own, name)
		case mod.Kind == Namespace:
			nsPkgs = append(nsPkgs, name)
		}
	}
	a.repathNamespaces(nsPkgs)
}

// repathNamespaces recomputes the __path__ of the namespace packages imported so far
// after sys.path changed, as Python's _NamespacePath does: the portions along the new
// path (a regular package found first leaves the path as it was).
func (a *analysis) repathNamespaces(names []string) {
	sort.Slice(names, func(i, j int) bool { return strings.Count(names[i], ".") < strings.Count(names[j], ".") })
	for _, name := range names {
		var m *Module
		if i := strings.LastIndexByte(name, '.'); i < 0 {
			m, _ = a.findTop(name)
		} else if parent := a.mods.get(name[:i]); parent != nil && (parent.IsPackage() || parent.Kind == Virtual) {
			m = a.r.findSub(a.env, parent, name)
		}
		if m == nil || m.Kind != Namespace {
			continue
		}
		a.mods.set(name, m)
		a.res.imported[name] = m
	}
}

func usesFile(vs []pyscan.PathExpr) bool {
	for _, v := range vs {
		if v.File {
			return true
		}
	}
	return false
}

func (a *analysis) onPath(p string) bool {
	if a.order == nil {
		for _, ent := range a.env.Path {
			if ent.Path == p {
				return true
			}
		}
		return false
	}
	for _, i := range a.order {
		if a.env.Path[i].Path == p {
			return true
		}
	}
	return false
}

// lambdaPath is module m's __file__ on Lambda: /var/task/... or /opt/...; "" when m is
// not a file of the function's package or of its layers.
func (a *analysis) lambdaPath(m *Module) string {
	if m.Tree == nil || m.File == "" {
		return ""
	}
	if a.env.Task != nil && m.Tree == a.env.Task {
		return path.Join("/var/task", m.File)
	}
	if a.env.Opt != nil && m.Tree == tree.Tree(a.env.Opt) {
		return path.Join("/opt", m.File)
	}
	return ""
}

// EvalPath is the absolute path v names in a module whose __file__ is file.
func EvalPath(v pyscan.PathExpr, file string) string {
	p := v.Lit
	if v.File {
		p = file
	}
	for _, st := range v.Steps {
		switch {
		case st == "dirname":
			p = dirname(p)
		case st == "abs":
			p = absPath(p)
		case strings.HasPrefix(st, "join:"):
			s := st[len("join:"):]
			if strings.HasPrefix(s, "/") || p == "" {
				p = s
			} else {
				p = strings.TrimSuffix(p, "/") + "/" + s
			}
		case strings.HasPrefix(st, "concat:"):
			p += st[len("concat:"):]
		}
	}
	return absPath(p)
}

// dirname is os.path.dirname: everything before the last slash, trailing slashes
// dropped (but "/" stays).
func dirname(p string) string {
	i := strings.LastIndexByte(p, '/')
	if i < 0 {
		return ""
	}
	head := p[:i+1]
	if strings.Trim(head, "/") != "" {
		head = strings.TrimRight(head, "/")
	}
	return head
}

func absPath(p string) string {
	if !strings.HasPrefix(p, "/") {
		p = cwd + "/" + p
	}
	return path.Clean(p)
}

// findTop is Resolver.findTop along the edited search order, once sys.path was edited.
func (a *analysis) findTop(name string) (*Module, []Candidate) {
	if a.order == nil {
		return a.r.findTop(a.env, name)
	}
	var hits []*Module
	for _, i := range a.order {
		hits = append(hits, a.r.hits(a.env, name, i, i+1)...)
	}
	return a.r.pick(hits, false)
}

// afterInit is run when the import-time analysis is done: imports in function bodies
// run after every sys.path edit made at init, so the ones that failed before an edit are
// looked up again; after an edit layerkit cannot follow, those still missing are
// marked (PathUnknown).
func (a *analysis) afterInit() {
	if a.order == nil && a.unknownEdit == "" {
		return
	}
	kept := a.res.Problems[:0]
	var again []*Module
	for _, p := range a.res.Problems {
		if p.Lazy && p.Failure == NoModule && a.order != nil {
			a.mods.flatten()
			for name, mod := range a.mods.own {
				if mod == nil {
					delete(a.mods.own, name)
				}
			}
			if m := a.importChainQuiet(p.Missing); m != nil {
				again = append(again, m)
				continue
			}
		}
		if p.PathUnknown == "" && p.Lazy {
			p.PathUnknown = a.pathUnknown(p)
		}
		kept = append(kept, p)
	}
	a.res.Problems = kept
	// the keys of seenProblem point into Problems: rebuild them
	a.seenProblem = map[string]int{}
	for i, p := range a.res.Problems {
		a.seenProblem[fmt.Sprintf("%s\x00%d\x00%s\x00%s", p.Tree.Display(p.File), p.Line, p.Missing, p.Name)] = i
	}
	for _, m := range again {
		a.enqueue(m, true, "")
	}
	a.run()
}

// pathUnknown says where the sys.path edit layerkit cannot follow is, when problem p may
// be caused (or cured) by it: its module was not found before that edit.
func (a *analysis) pathUnknown(p Problem) string {
	if a.unknownEdit == "" || p.Failure == NoParent || p.Failure == BeyondTop {
		return ""
	}
	top, _, _ := strings.Cut(p.Missing, ".")
	if a.known[top] {
		return ""
	}
	return a.unknownEdit
}

// importChainQuiet looks name and its parents up without queueing them.
func (a *analysis) importChainQuiet(name string) *Module {
	var m *Module
	for end := 0; end < len(name); {
		end = prefixEnd(name, end)
		m = a.lookup(name[:end])
		if m == nil {
			return nil
		}
	}
	return m
}
