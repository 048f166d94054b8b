package pyresolve

import (
	"fmt"
	"path"
	"strings"

	"github.com/layerkit/layerkit/internal/pyscan"
)

// dunders every module has, so `from m import __name__` always works.
var moduleAttrs = map[string]bool{"__name__": true, "__file__": true, "__doc__": true, "__path__": true,
	"__spec__": true, "__loader__": true, "__package__": true, "__builtins__": true, "__dict__": true, "__cached__": true}

// checkImport resolves one import statement of module m and records what fails.
// It reports whether every part of the statement resolved.
func (a *analysis) checkImport(m *Module, pkg string, imp pyscan.Import, lazy, optional bool, via string) bool {
	abs, ok := imp.Absolute(pkg)
	if !ok {
		if !optional {
			f := BeyondTop
			if pkg == "" {
				f = NoParent
			}
			a.problem(m, imp, lazy, Problem{Failure: f})
		}
		return false
	}
	target := a.importChain(abs, lazy, via)
	if target == nil {
		switch {
		case optional:
		case a.failedKey != "":
			a.problem(m, imp, lazy, Problem{Failure: PathGone, Missing: a.failed, Name: a.failedKey})
		default:
			a.missing(m, imp, lazy, a.failed)
		}
		return false
	}
	if a.cur != nil && a.cur.nested != nil {
		// running the module (or a parent) raised: the statement fails with that, and
		// goes no further
		return false
	}
	top, _, dotted := strings.Cut(abs, ".")
	if dotted && !lazy && !imp.From && (!imp.Dynamic || imp.ReturnsTop) {
		// import a.b.c (and __import__("a.b.c")) binds, and returns, the top-level
		// package: it is imported after a.b.c, again if it failed earlier
		a.reimportTop(top, lazy, via)
		if a.cur != nil && a.cur.nested != nil {
			return false
		}
	}
	a.noteShadow(top, m, imp)
	for i := 0; i <= len(abs); i++ {
		if i == len(abs) || abs[i] == '.' {
			a.site(abs[:i], m, imp, lazy)
		}
	}
	if !imp.From {
		if imp.Alias != "" && dotted && !imp.Dynamic {
			// import a.b.c as x walks the attributes a → .b → .c after importing
			// (Python 3.7+); a package that rebinds .b to another module breaks it.
			if miss, from := a.walkAttributes(strings.Split(abs, ".")); miss != "" {
				if !optional {
					a.problem(m, imp, lazy, Problem{Failure: NoName, Missing: from, Name: miss})
				}
				return false
			}
		}
		return true
	}
	ok = true
	// A function-body import that runs now (its function is called at import time)
	// sees the target as it is now, like a top-level one; a lazy one, when it is done.
	scope := imp.Scope
	if !lazy {
		scope = pyscan.ModuleScope
	}
	// A module whose top-level code is still running (a package importing from itself
	// in its __init__, or an import cycle) has only the names bound so far (hasName);
	// submodules can still be imported from it.
	for _, n := range imp.Names {
		if n.Name == "*" || moduleAttrs[n.Name] {
			continue
		}
		if target.Kind == Virtual {
			continue
		}
		if target.IsPackage() {
			// from pkg import x takes the attribute x when pkg has one, and imports the
			// submodule pkg.x only when it has not (importlib._handle_fromlist).
			if d, _ := a.hasName(target, n.Name, scope); d == 1 {
				continue
			}
			sub := abs + "." + n.Name
			found, raised := a.fromlistImport(m, imp, abs, n.Name, lazy, via)
			if raised {
				return false
			}
			if found {
				a.site(sub, m, imp, lazy)
				continue
			}
		}
		defined, partial := -1, false // unknown
		switch {
		case target.Kind == Namespace:
			defined = 0
		case target.Trusted:
		case scannable(target):
			defined, partial = a.hasName(target, n.Name, scope)
		}
		if defined == 0 {
			ok = false
			if !optional {
				if target.IsPackage() {
					// Python tried the submodule first; if a compiled file for another
					// Python or architecture is there, that is the real cause. Name says
					// what fails is the from-import: an ImportError, not the
					// ModuleNotFoundError of the submodule (_handle_fromlist swallows that).
					if near := a.near(target.Path, n.Name); len(near) > 0 {
						a.problem(m, imp, lazy, Problem{Failure: CompiledMismatch, Missing: abs + "." + n.Name, Name: n.Name, Near: near})
						continue
					}
				}
				a.problem(m, imp, lazy, Problem{Failure: NoName, Missing: abs, Name: n.Name, Partial: partial})
			}
		}
	}
	return ok
}

// fromlistImport imports the submodule abs.name that `from abs import name` (or a star
// import of abs whose __all__ lists name) asks for when the package abs has no attribute
// name, as importlib._bootstrap._handle_fromlist does: with import.c's import function,
// builtins.__import__(abs.name), which takes it from sys.modules or finds and runs it,
// and then returns the top-level package, importing it (again if it failed earlier).
// found says the submodule exists; raised that finding it raised (a KeyError, pathGone),
// which is recorded here.
func (a *analysis) fromlistImport(m *Module, imp pyscan.Import, abs, name string, lazy bool, via string) (found, raised bool) {
	sub := abs + "." + name
	if !lazy && a.inSysModules(sub) == nil {
		if gp := a.pathGone(abs); gp != "" {
			a.problem(m, imp, lazy, Problem{Failure: PathGone, Missing: sub, Name: gp})
			return false, true
		}
	}
	sm := a.lookup(sub)
	if sm == nil {
		return false, false
	}
	a.enqueue(sm, lazy, via)
	if !lazy && a.phantomDepth == 0 {
		delete(a.phantom, sub)
	}
	if !lazy && a.loaded(sub) != nil {
		top, _, _ := strings.Cut(abs, ".")
		a.reimportTop(top, lazy, via)
	}
	return true, false
}

// pathGone is, when finding a submodule of pkg raises KeyError, the name in it: pkg is a
// namespace package whose parent package has left sys.modules (it failed after
// importing pkg). Finding a submodule iterates pkg.__path__, an
// importlib._bootstrap_external._NamespacePath, whose _recalculate reads the parent's
// path as sys.modules[parent].__path__ (_get_parent_path).
func (a *analysis) pathGone(pkg string) string {
	i := strings.LastIndexByte(pkg, '.')
	if pm := a.mods.get(pkg); pm == nil || pm.Kind != Namespace || i < 0 {
		return ""
	}
	if gp := pkg[:i]; a.state.get(gp) == 2 && a.loaded(gp) == nil {
		return gp
	}
	return ""
}

// reimportTop imports the top-level package top again where Python's __import__ returns
// it after importing one of its submodules (import.c, PyImport_ImportModuleLevelObject:
// PyImport_ImportModuleLevelObject(front) for a name without a fromlist;
// importlib._bootstrap.__import__: _gcd_import(name.partition('.')[0])). A package that
// failed earlier left sys.modules while its submodules stayed: it runs again, and fails
// again. (importChain imports it first when no prefix of the name is in sys.modules.)
func (a *analysis) reimportTop(top string, lazy bool, via string) {
	if tm := a.mods.get(top); tm != nil && a.state.get(top) == 2 && a.loaded(top) == nil {
		a.enqueue(tm, lazy, via)
	}
}

// missing records a module that cannot be found, noticing compiled near-misses.
func (a *analysis) missing(m *Module, imp pyscan.Import, lazy bool, name string) {
	if a.cur != nil {
		// Inside a statement whose failure may yet be caught: what is near is looked
		// for only if the failure is reported (finish).
		a.problem(m, imp, lazy, Problem{Failure: NoModule, Missing: name, laterNear: true})
		return
	}
	if near := a.nearMissing(name); len(near) > 0 {
		a.problem(m, imp, lazy, Problem{Failure: CompiledMismatch, Missing: name, Near: near})
		return
	}
	a.problem(m, imp, lazy, Problem{Failure: NoModule, Missing: name})
}

// nearMissing lists the compiled files for another Python, architecture or OS where
// the missing module name would be.
func (a *analysis) nearMissing(name string) []string {
	var locs []Loc
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		if parent := a.mods.get(name[:i]); parent != nil {
			locs = parent.Path
		}
	} else {
		for _, e := range a.env.Path {
			if e.Tree != nil {
				locs = append(locs, Loc{e.Tree, e.Dir})
			}
		}
	}
	tail := name[strings.LastIndexByte(name, '.')+1:]
	return a.near(locs, tail)
}

// near lists compiled files named tail.<something>.so/.pyd/.dylib in locs: extension
// modules built for another Python, architecture or OS.
func (a *analysis) near(locs []Loc, tail string) []string {
	var out []string
	for _, loc := range locs {
		d := a.r.list(loc)
		if !d.stems[tail] {
			continue // no file named tail.<anything>: a scan would cost the folder's size per missing import
		}
		for f := range d.files {
			if !strings.HasPrefix(f, tail+".") {
				continue
			}
			if strings.HasSuffix(f, ".so") || strings.HasSuffix(f, ".pyd") || strings.HasSuffix(f, ".dylib") {
				out = append(out, loc.Tree.Display(path.Join(loc.Dir, f)))
			}
		}
	}
	return out
}

func (a *analysis) problem(m *Module, imp pyscan.Import, lazy bool, p Problem) {
	p.Tree, p.File, p.Line, p.Col, p.Lazy = m.Tree, m.File, imp.Line, imp.Col, lazy
	// Where the call that runs it is, and the sys.path edit it may depend on, are those
	// of now (not of when the failure is reported).
	p.CalledAt = a.initSite(m, imp, lazy)
	p.PathUnknown = a.pathUnknown(p)
	if p.PathUnknown == "" && a.unknownEdit != "" {
		if top, _, _ := strings.Cut(m.Name, "."); top != "" && !a.known[top] {
			// the module the import is in was first found after the edit: the folder
			// the edit adds may hold another module of its name, which Python loads
			// (also for a relative import, which fails only in this one)
			p.PathUnknown = a.unknownEdit
		}
	}
	if a.cur != nil && a.cur.imp != nil {
		// The rendering waits until the failure is reported: most failures of guarded
		// imports are caught.
		p.laterImp, p.laterMod = a.cur.imp, m
		a.cur.problems = append(a.cur.problems, p)
		return
	}
	if a.cur != nil {
		// (a call at import time followed into another module: imp is that module's)
		p.Stmt = statement(imp)
		p.Chain = a.chain(m)
		a.cur.problems = append(a.cur.problems, p)
		return
	}
	p.Stmt = statement(imp)
	p.Chain = a.chain(m)
	a.record(p)
}

// finish renders a problem made inside a statement (Problem.laterImp and laterNear).
func (a *analysis) finish(p *Problem) {
	if p.laterImp != nil {
		p.Stmt = statement(*p.laterImp)
		p.Chain = a.chain(p.laterMod)
		p.laterImp, p.laterMod = nil, nil
	}
	if p.laterNear {
		p.laterNear = false
		if near := a.nearMissing(p.Missing); len(near) > 0 {
			p.Failure, p.Near = CompiledMismatch, near
		}
	}
}

// record reports problem p, once per place, module and name (an eager occurrence
// makes it eager).
func (a *analysis) record(p Problem) {
	a.finish(&p)
	lazy := p.Lazy
	key := fmt.Sprintf("%s\x00%d\x00%s\x00%s", p.Tree.Display(p.File), p.Line, p.Missing, p.Name)
	if i, ok := a.seenProblem[key]; ok {
		if !lazy && a.res.Problems[i].Lazy {
			// (the eager run's verdict, with what it may depend on, replaces the lazy one)
			q := &a.res.Problems[i]
			q.Lazy, q.CalledAt, q.Chain, q.PathUnknown = false, p.CalledAt, p.Chain, p.PathUnknown
		}
		return
	}
	a.seenProblem[key] = len(a.res.Problems)
	a.res.Problems = append(a.res.Problems, p)
}

// chain is how the handler reaches module m: "handler module", then each importer.
func (a *analysis) chain(m *Module) []string { return a.res.Chain(m.Name) }

func (a *analysis) noteShadow(top string, m *Module, imp pyscan.Import) {
	if a.seenTop[top] {
		return
	}
	a.seenTop[top] = true
	others, ok := a.pendingShadow[top]
	if !ok {
		return
	}
	a.res.Shadows = append(a.res.Shadows, Shadow{Name: top, Winner: a.mods.get(top), Others: others,
		Tree: m.Tree, File: m.File, Line: imp.Line, Col: imp.Col})
}

// statement renders an import as written.
func statement(imp pyscan.Import) string {
	mod := strings.Repeat(".", imp.Level) + imp.Module
	if imp.Dynamic {
		return fmt.Sprintf("importlib.import_module(%q)", mod)
	}
	if !imp.From {
		s := "import " + mod
		if imp.Alias != "" {
			s += " as " + imp.Alias
		}
		return s
	}
	var names []string
	for _, n := range imp.Names {
		s := n.Name
		if n.Alias != "" {
			s += " as " + n.Alias
		}
		names = append(names, s)
	}
	return "from " + mod + " import " + strings.Join(names, ", ")
}

// site records the first (preferably eager) import statement that reaches module name.
func (a *analysis) site(name string, m *Module, imp pyscan.Import, lazy bool) {
	if old, ok := a.res.Site(name); ok && (!old.Lazy || lazy) {
		return
	}
	a.res.sites[name] = Site{Tree: m.Tree, File: m.File, Line: imp.Line, Col: imp.Col, Stmt: statement(imp), Lazy: lazy, From: m.Name}
}

// binds reports whether module m binds name at top level (known source only); for a
// module importing from itself (self), only a binding before line counts.
func (a *analysis) binds(m *Module, name string, self bool, line int) bool {
	if !scannable(m) {
		return false
	}
	f, err := a.scan(m.Tree, m.File)
	if err != nil || f.Open || !f.Defines(name) {
		return false
	}
	return !self || f.Lines[name] < line
}

// walkAttributes follows `import a.b.c as x`: getattr(a, "b"), then "c", falling back to
// the submodule. It returns the name that is missing and the module it is missing from,
// or "" when the walk works or cannot be known.
func (a *analysis) walkAttributes(parts []string) (missing, from string) {
	cur := a.mods.get(parts[0])
	for i := 1; i < len(parts) && cur != nil; i++ {
		n := parts[i]
		sub := a.mods.get(cur.Name + "." + n)
		rebound, known := a.attribute(cur, n)
		switch {
		case !known:
			return "", "" // bound to something we cannot follow
		case rebound != nil && a.loadedBeforeRebind(cur, n):
			// The package's own code imported the submodule and then rebound the name
			// (or there is no submodule): the attribute is what the code bound.
			cur = rebound
		case rebound != nil:
			// The submodule is first imported after the package's code ran: the import
			// system then sets the attribute to the submodule, over the code's binding —
			// once the submodule's top level has finished. While it runs (this import is
			// in it, or in what it imports), the attribute is still the code's binding
			// (3.11 seed 20410040).
			if s := a.lookup(cur.Name + "." + n); s != nil && !a.running(s.Name) {
				cur = s
				continue
			}
			cur = rebound
		case sub != nil:
			cur = sub
		default:
			if s := a.lookup(cur.Name + "." + n); s != nil {
				cur = s
				continue
			}
			return n, cur.Name
		}
	}
	return "", ""
}

// running reports whether module name's top level has started and not finished.
func (a *analysis) running(name string) bool {
	ns := a.nsOf(name)
	return ns != nil && !ns.done
}

// aliasTarget is the module `import a.b.c as x` binds x to: the walk a -> .b -> .c
// (walkAttributes) lands on another module where a package's code rebinds the next part
// by a from-import after importing that submodule itself — in an import cycle, possibly
// a module still running its top level. Where that is not known, the walk is taken to
// reach the submodules (a.b.c).
func (a *analysis) aliasTarget(abs string) string {
	cur, rest := abs, ""
	if i := strings.IndexByte(abs, '.'); i >= 0 {
		cur, rest = abs[:i], abs[i+1:]
	}
	for rest != "" {
		n := rest
		if i := strings.IndexByte(rest, '.'); i >= 0 {
			n, rest = rest[:i], rest[i+1:]
		} else {
			rest = ""
		}
		sub := cur + "." + n
		m := a.mods.get(cur)
		r, line := a.rebinding(m, n)
		if r == "" || r == sub || !a.loadedBy(m, n, line) {
			cur = sub
			continue
		}
		cur = r
	}
	return cur
}

// rebinding is the module package m's finished top level last bound name n to by a
// from-import (`from x import n` where x.n is a module x has no attribute for), and the
// line of that import; "" when it is not that, or not known.
func (a *analysis) rebinding(m *Module, n string) (string, int) {
	if m == nil || m.Kind != Package {
		return "", 0
	}
	return a.boundModule(m, n)
}

// boundModule is the module m's finished top level last bound name n to by a
// from-import (`from x import n` where x.n is a module x has no attribute for), and the
// line of that import; "" when it is not that, or not known. m may be a package
// (rebinding) or a module whose names a star import takes.
func (a *analysis) boundModule(m *Module, n string) (string, int) {
	if m == nil || !scannable(m) {
		return "", 0
	}
	ns := a.nsOf(m.Name)
	if ns == nil || !ns.done || ns.dyn() || ns.starMods[n] != nil {
		return "", 0
	}
	f, err := a.scan(m.Tree, m.File)
	if err != nil || f.Open || !f.Defines(n) {
		return "", 0
	}
	var from, orig string
	var line int
	if f.CondNames[n] {
		// bound under a condition: the namespace recorded what ran
		for i := len(ns.binds) - 1; i >= 0; i-- {
			if e := &ns.binds[i]; e.name == n {
				if e.del || e.from == "" {
					return "", 0
				}
				from, orig, line = e.from, e.orig, int(e.line)
				break
			}
		}
	} else if _, found, k := lastBind(f, f.Flow, n); found && k >= 0 {
		imp := &f.Imports[k]
		base, ok := imp.Absolute(m.pkg())
		if !imp.From || !ok {
			return "", 0
		}
		for _, nm := range imp.Names {
			if nm.Alias == n || nm.Alias == "" && nm.Name == n {
				from, orig, line = base, nm.Name, imp.Line
			}
		}
	}
	if from == "" || orig == "*" {
		return "", 0
	}
	src := a.mods.get(from)
	if src == nil || a.mods.get(from+"."+orig) == nil {
		return "", 0
	}
	if src != m {
		// the module, unless the package it comes from binds that name itself
		if rb, known := a.attribute(src, orig); !known || rb != nil {
			return "", 0
		}
	}
	return from + "." + orig, line
}

// loadedBeforeRebind reports whether package m's own code imports the submodule m.n (or
// something below it) at module scope no later than the line that binds n, so that the
// binding replaces the attribute the import system set; true too when there is no such
// submodule. Imports made by other modules while m runs are not followed.
func (a *analysis) loadedBeforeRebind(m *Module, n string) bool {
	sub := m.Name + "." + n
	if m.Kind != Package || a.lookup(sub) == nil {
		return true
	}
	if ns := a.nsOf(m.Name); ns != nil && ns.starMods[n] != nil {
		// bound by a star import, which ran after the submodule was imported if
		// that import ran it at all
		return a.state.get(sub) == 2
	}
	f, err := a.scan(m.Tree, m.File)
	if err != nil || f.Open {
		return true
	}
	return a.loadedBy(m, n, f.Lines[n])
}

// loadedBy reports whether package m's own code imports the submodule m.n (or something
// below it) at module scope no later than line.
func (a *analysis) loadedBy(m *Module, n string, line int) bool {
	sub := m.Name + "." + n
	f, err := a.scan(m.Tree, m.File)
	if err != nil || f.Open || m.Kind != Package {
		return false
	}
	loads := func(mod string) bool { return mod == sub || strings.HasPrefix(mod, sub+".") }
	for _, imp := range f.Imports {
		if imp.Scope != pyscan.ModuleScope || imp.Dynamic || imp.TypeChecking || imp.MainBlock || imp.Line > line {
			continue
		}
		base, ok := imp.Absolute(m.Name) // m is a package: its __package__ is its name
		if !ok {
			continue
		}
		if loads(base) {
			return true
		}
		if imp.From && base == m.Name {
			for _, nm := range imp.Names {
				if nm.Name == n {
					return true
				}
			}
		}
	}
	return false
}

// attribute says what module m's top-level name n is bound to by m's own code: a module
// (rebound), nothing of m's own (nil, true: the submodule, if any, is the attribute), or
// something we cannot follow (known false).
func (a *analysis) attribute(m *Module, n string) (rebound *Module, known bool) {
	ns := a.nsOf(m.Name)
	if ns != nil && ns.starMods[n] != nil {
		return ns.starMods[n], true // a star import bound n to a module
	}
	if ns != nil && ns.done && ns.fail == nil && !ns.open && !ns.dyn() && !ns.has(n) {
		// its top level ran and bound no n (also through star imports, which the
		// source alone does not tell)
		return nil, true
	}
	if !scannable(m) {
		return nil, m.Kind != Virtual && m.Kind != Compiled
	}
	f, err := a.scan(m.Tree, m.File)
	if err != nil || f.Open {
		return nil, false
	}
	if !f.Defines(n) || ns != nil && ns.static == f && !ns.done && ns.line > 0 && f.Lines[n] >= ns.line {
		// m binds no n, or m is still running its top level (an import cycle) and has
		// not reached its first binding of n: the attribute, if any, is the submodule
		// (IMPORT_FROM falls back to sys.modules)
		return nil, true
	}
	pkg := m.pkg()
	for _, imp := range f.Imports {
		if imp.Scope != pyscan.ModuleScope || imp.Dynamic || f.Lines[n] != imp.Line {
			continue
		}
		base, ok := imp.Absolute(pkg)
		if !ok {
			return nil, false
		}
		if !imp.From {
			if imp.Alias == n {
				t := a.lookup(base)
				return t, t != nil
			}
			continue
		}
		for _, nm := range imp.Names {
			bound := nm.Name
			if nm.Alias != "" {
				bound = nm.Alias
			}
			if bound != n {
				continue
			}
			target := a.lookup(base)
			if target != nil && target.IsPackage() {
				if target == m || !a.binds(target, nm.Name, false, 0) {
					if sm := a.lookup(base + "." + nm.Name); sm != nil {
						if base+"."+nm.Name == m.Name+"."+n {
							return nil, true // the submodule itself
						}
						return sm, true
					}
				}
			}
			return nil, false
		}
	}
	return nil, false // bound by an assignment, def, class, ...
}
