package pyresolve

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/layerkit/layerkit/internal/pyscan"
)

// Running a module's top level as Python does (pyscan.File.Flow) for the function's
// runtime: a failing import raises an exception that travels up through the try
// statements around it, and is swallowed only by a handler that catches its class and
// runs to its end; a handler that raises, or fails itself, passes a failure on; if
// tests Lambda decides (sys.version_info, sys.platform, TYPE_CHECKING, ...) run one
// branch; the names the module binds (def, assignment, import, star import, del) are
// tracked so that `from m import x`, a.X on a module still initializing, and the
// handler lookup see what Python sees.

// failure is an exception travelling up through a module's top level (and up through
// the import statements that ran that module).
type failure struct {
	exc string // the exception class: ModuleNotFoundError, ImportError, AttributeError, or what a handler raises
	// problems are the failing imports that cause it (reported if nothing swallows it):
	// those of inner, in order, then its own. The failures of the modules an import ran
	// are shared, not copied (a chain of n modules, each failing, stays linear).
	inner    []*failure
	problems []Problem
	// uncertain: every problem is a module a layer layerkit cannot read might provide,
	// so the import may well work.
	uncertain bool
}

// namespace is a module's globals as its top level runs: the names bound so far. The
// bindings are kept in order (cheap to add: most modules are looked into for a few
// names, or not at all); an index is built on the first lookup once the top level is
// done, and kept up to date after.
type namespace struct {
	binds   []nsEntry
	index   map[string]int32 // name -> its last entry in binds
	maybe   map[string]bool  // pyscan.File.MaybeNames
	open    bool             // names may be bound that are not known
	getattr bool             // a module __getattr__ has been bound (PEP 562)
	done    bool             // the top level has finished (fail says how)
	fail    *failure
	// failEpoch is analysis.pathEpoch when the top level failed: an import after a
	// later sys.path edit runs it again (it may find what it did not).
	failEpoch int
	lookups   int
	// static is set (the module's source) when binds holds only the names bound under
	// a condition (static.CondNames) and those the source does not bind (star imports,
	// submodules): every other name of static.Names is bound once the statement at its
	// line has run (before line while the top level runs). The handler module records
	// everything (what its names are bound to matters).
	static *pyscan.File
	line   int
	// src is the module's source (its constants are read by the if tests of the
	// modules that import them: consts.go).
	src *pyscan.File
	// starMods: names a star import bound to a module (a submodule attribute of the
	// module it imported from, or a module that module's own from-import bound).
	starMods map[string]*Module
}

type nsEntry struct {
	name string
	val  pyscan.Value
	del  bool
	// from, orig: a from-import binding (from FROM import ORIG), so that what the
	// name is bound to can be followed when it matters (reexported), at line.
	from, orig string
	line       int32
}

// lookup returns what name is bound to, and whether it is bound.
func (ns *namespace) lookup(name string) (pyscan.Value, bool) {
	ns.lookups++
	if ns.index == nil && ns.done && len(ns.binds) > 16 && ns.lookups > 4 {
		ns.index = make(map[string]int32, len(ns.binds))
		for i, e := range ns.binds {
			ns.index[e.name] = int32(i)
		}
	}
	if ns.index != nil {
		i, ok := ns.index[name]
		if !ok {
			return ns.staticLookup(name)
		}
		if ns.binds[i].del {
			return 0, false
		}
		return ns.binds[i].val, true
	}
	for i := len(ns.binds) - 1; i >= 0; i-- {
		if e := &ns.binds[i]; e.name == name {
			return e.val, !e.del
		}
	}
	return ns.staticLookup(name)
}

func (ns *namespace) staticLookup(name string) (pyscan.Value, bool) {
	if f := ns.static; f != nil && f.Defines(name) && !f.CondNames[name] && (ns.done || f.Lines[name] < ns.line) {
		return pyscan.ValUnknown, true
	}
	return 0, false
}

// value is lookup with what the name is bound to also for a static namespace (the last
// module-level binding of the name; asked for the few names the handler module imports).
func (ns *namespace) value(name string) (pyscan.Value, bool) {
	v, ok := ns.lookup(name)
	if !ok || ns.static == nil || !ns.done {
		return v, ok
	}
	for _, e := range ns.binds {
		if e.name == name {
			return v, ok // recorded: lookup has its value
		}
	}
	v, _, _ = lastBind(ns.static, ns.static.Flow, name)
	return v, true
}

// lastBind returns the value of the last binding of name in list (of f's flow), and,
// when that binding is an import statement, its index in f.Imports (else -1).
func lastBind(f *pyscan.File, list []pyscan.Stmt, name string) (pyscan.Value, bool, int) {
	v, found, imp := pyscan.ValUnknown, false, -1
	for i := range list {
		switch st := &list[i]; st.Kind {
		case pyscan.StBind:
			if st.Name == name {
				v, found, imp = st.Value, true, -1
			}
		case pyscan.StImport:
			if importBinds(&f.Imports[st.Index], name) {
				v, found, imp = pyscan.ValUnknown, true, int(st.Index)
			}
		case pyscan.StLoop, pyscan.StBlock:
			if w, ok, k := lastBind(f, st.Body, name); ok {
				v, found, imp = w, true, k
			}
		}
	}
	return v, found, imp
}

// reexported is what name of module mod is bound to when mod binds it last by a
// from-import (from .m2 import X): the value in the module it comes from, followed
// through further re-exports (a few deep); ValUnknown when not known.
func (a *analysis) reexported(mod, name string, depth int) pyscan.Value {
	ns, m := a.nsOf(mod), a.mods.get(mod)
	if depth > 8 || ns == nil || ns.static == nil || !ns.done || m == nil {
		return pyscan.ValUnknown
	}
	for i := len(ns.binds) - 1; i >= 0; i-- {
		e := &ns.binds[i]
		if e.name != name {
			continue
		}
		switch {
		case e.del:
		case e.val != pyscan.ValUnknown && (!ns.static.Defines(name) || ns.static.CondNames[name]):
			return e.val // bound by a star import, or under a condition that ran
		case e.from != "" && (ns.static.CondNames[name] || !ns.static.Defines(name)) && a.mods.get(e.from+"."+e.orig) == nil:
			// from FROM import ORIG under a condition that ran, or a star import from
			// FROM: follow it
			if sns := a.nsOf(e.from); sns != nil && sns.done {
				if v, ok := sns.value(e.orig); ok {
					if v == pyscan.ValUnknown {
						return a.reexported(e.from, e.orig, depth+1)
					}
					return v
				}
			}
		}
		return pyscan.ValUnknown // bound otherwise too (a star import, a submodule)
	}
	if ns.static.CondNames[name] {
		return pyscan.ValUnknown
	}
	_, found, k := lastBind(ns.static, ns.static.Flow, name)
	if !found || k < 0 || k >= len(ns.static.Imports) {
		return pyscan.ValUnknown
	}
	imp := &ns.static.Imports[k]
	if !imp.From {
		return pyscan.ValUnknown // a module
	}
	src, orig, ok := a.fromSource(imp, m, name)
	if !ok {
		return pyscan.ValUnknown // (may be a submodule)
	}
	sns := a.nsOf(src)
	if sns == nil || !sns.done {
		return pyscan.ValUnknown
	}
	v, ok := sns.value(orig)
	if !ok {
		return pyscan.ValUnknown
	}
	if v == pyscan.ValUnknown {
		return a.reexported(src, orig, depth+1)
	}
	return v
}

// importBinds reports whether a module-level import statement binds name.
func importBinds(imp *pyscan.Import, name string) bool {
	if imp.Dynamic || imp.Scope != pyscan.ModuleScope {
		return false
	}
	if !imp.From {
		if imp.Alias != "" {
			return imp.Alias == name
		}
		top, _, _ := strings.Cut(imp.Module, ".")
		return top == name
	}
	for _, n := range imp.Names {
		if n.Alias == name || n.Alias == "" && n.Name == name {
			return true
		}
	}
	return false
}

func (ns *namespace) set(name string, v pyscan.Value, del bool) {
	if name == "__getattr__" && !del {
		ns.getattr = true
	}
	ns.binds = append(ns.binds, nsEntry{name: name, val: v, del: del})
	if ns.index != nil {
		ns.index[name] = int32(len(ns.binds) - 1)
	}
}

// each calls fn for every name bound now.
func (ns *namespace) each(fn func(string, pyscan.Value)) {
	seen := make(map[string]bool, len(ns.binds))
	for i := len(ns.binds) - 1; i >= 0; i-- {
		e := &ns.binds[i]
		if seen[e.name] {
			continue
		}
		seen[e.name] = true
		if !e.del {
			fn(e.name, e.val)
		}
	}
	if f := ns.static; f != nil {
		for name := range f.Lines {
			if _, ok := ns.staticLookup(name); ok && !seen[name] {
				fn(name, pyscan.ValUnknown)
			}
		}
	}
}

// dyn reports whether a lookup of a name ns does not bind may still work: the module's
// names are not known, or it has bound a module __getattr__ (PEP 562) by now.
func (ns *namespace) dyn() bool {
	if ns.open || ns.getattr {
		return true
	}
	_, ok := ns.staticLookup("__getattr__")
	return ok
}

func (ns *namespace) has(name string) bool {
	if _, ok := ns.lookup(name); ok {
		return true
	}
	return ns.maybe[name]
}

// stmtState collects, while one import statement is checked, the problems it finds
// and the first failure of a module it runs.
type stmtState struct {
	imp      *pyscan.Import // the statement (its problems are rendered from it later)
	problems []Problem
	nested   *failure
}

// failure returns the failure the statement met (a copy: st is reused), or nil.
func (st *stmtState) failure(a *analysis) *failure {
	switch {
	case st.nested != nil:
		return &failure{exc: st.nested.exc, inner: []*failure{st.nested}, problems: append([]Problem(nil), st.problems...)}
	case len(st.problems) > 0:
		probs := st.problems
		st.problems = nil // the failure keeps them
		return &failure{exc: excOf(probs[0]), problems: probs, uncertain: a.uncertain(probs)}
	}
	return nil
}

// excOf is the exception class a problem raises in Python.
func excOf(p Problem) string {
	switch p.Failure {
	case CompiledMismatch:
		if p.Name != "" {
			return "ImportError" // from pkg import name: cannot import name
		}
		return "ModuleNotFoundError"
	case NoModule:
		return "ModuleNotFoundError"
	case NoAttribute, PartialAttr, NamespaceAttr:
		return "AttributeError"
	case PathGone:
		return "KeyError"
	}
	return "ImportError"
}

// exception classes of the standard library, each with its base.
var excBase = map[string]string{
	"BaseException": "", "Exception": "BaseException", "SystemExit": "BaseException",
	"KeyboardInterrupt": "BaseException", "GeneratorExit": "BaseException",
	"ImportError": "Exception", "ModuleNotFoundError": "ImportError",
	"AttributeError": "Exception", "NameError": "Exception", "TypeError": "Exception",
	"ValueError": "Exception", "UnicodeError": "ValueError", "RuntimeError": "Exception",
	"NotImplementedError": "RuntimeError", "RecursionError": "RuntimeError",
	"LookupError": "Exception", "KeyError": "LookupError", "IndexError": "LookupError",
	"OSError": "Exception", "EnvironmentError": "Exception", "IOError": "Exception",
	"FileNotFoundError": "OSError", "PermissionError": "OSError",
	"ArithmeticError": "Exception", "ZeroDivisionError": "ArithmeticError",
	"AssertionError": "Exception", "SyntaxError": "Exception", "StopIteration": "Exception",
	"Warning": "Exception", "ImportWarning": "Warning", "UserWarning": "Warning",
	"DeprecationWarning": "Warning", "EOFError": "Exception", "MemoryError": "Exception",
	"UnboundLocalError": "NameError",
}

// catches reports whether an except clause naming class h catches exception exc. A
// class raised that is not the standard library's (a user-defined one) is taken as a
// subclass of Exception and of nothing else known; a handler class that is not the
// standard library's catches nothing here.
func catches(h, exc string) bool {
	if _, known := excBase[h]; !known {
		return false
	}
	if _, known := excBase[exc]; !known {
		return h == "Exception" || h == "BaseException"
	}
	for c := exc; c != ""; c = excBase[c] {
		if c == h {
			return true
		}
	}
	return false
}

func (h *handlerView) catches(exc string) bool {
	if h.Bare {
		return true
	}
	for _, c := range h.Catches {
		if catches(c, exc) {
			return true
		}
	}
	return false
}

type handlerView struct{ pyscan.Handler }

// executor runs one module's top level.
type executor struct {
	a    *analysis
	m    *Module
	f    *pyscan.File
	pkg  string
	lazy bool
	ns   *namespace
	// mods: names bound to a module by an import, with the module's name (for a.X).
	mods []modBind
	// handling: the exceptions being handled, innermost last, with the handler's as name.
	handling []handled
	// line: the line of the statement being run
	line int32
	// pathBefore: the search path when the top level failed (the edits after that, which
	// Python never runs, are undone once the module's imports are checked)
	pathBefore *pathState
}

type handled struct {
	f  *failure
	as string
}

func (a *analysis) minorVersion() int {
	if a.minor == 0 {
		a.minor = -1
		if a.env.Runtime != nil {
			v := a.env.Runtime.Version
			if rest, ok := strings.CutPrefix(v, "3."); ok {
				if n, err := strconv.Atoi(rest); err == nil {
					a.minor = n
				}
			}
		}
	}
	return a.minor
}

// run runs stmts. It returns the failure that escapes them, or nil. maybe says the
// statements may or may not run (a branch whose test is unknown, a loop body): a del
// or a rebinding there does not change what is known to be bound. At the module's
// top level (top), a failure does not stop the run: the statements after it are
// checked too, and their failures join the first.
func (x *executor) run(stmts []pyscan.Stmt, maybe, top bool) *failure {
	var first, pending *failure
	defer func() {
		if first != nil {
			x.a.phantomDepth--
		}
	}()
	for i := range stmts {
		x.line = stmts[i].Line
		if x.ns.static != nil {
			x.ns.line = int(stmts[i].Line)
		}
		f := x.stmt(&stmts[i], maybe)
		if f == nil {
			continue
		}
		if f.uncertain && !top {
			// It may work: what follows may run too, and the failure goes on up in
			// case it does not.
			pending = join(pending, f)
			maybe = true
			if st := &stmts[i]; st.Kind == pyscan.StImport && int(st.Index) < len(x.f.Imports) {
				x.bindImportStmt(st, true)
			}
			continue
		}
		if !top {
			return join(pending, f)
		}
		if st := &stmts[i]; st.Kind == pyscan.StImport && int(st.Index) < len(x.f.Imports) {
			// Going on as if the import had worked (to report what fails after it):
			// it binds its names.
			x.bindImportStmt(st, maybe)
		}
		if first == nil {
			first = &failure{exc: f.exc}
			x.a.phantomDepth++ // what runs from here on, Python does not run
			saved := x.a.savePath()
			x.pathBefore = &saved
		}
		first.inner = append(first.inner, f)
	}
	if first == nil {
		return pending
	}
	return join(first, pending)
}

func (x *executor) stmt(st *pyscan.Stmt, maybe bool) *failure {
	switch st.Kind {
	case pyscan.StImport:
		if int(st.Index) >= len(x.f.Imports) {
			return nil
		}
		return x.importStmt(st, maybe)
	case pyscan.StBind:
		if x.ns.static != nil && !st.Rec {
			// bound unconditionally: the file's Names and Lines say it
			if len(x.mods) > 0 {
				x.setMod(st.Name, "")
			}
			return nil
		}
		x.bind(st.Name, st.Value, maybe)
		x.setMod(st.Name, "")
	case pyscan.StDel:
		if !maybe {
			x.ns.set(st.Name, 0, true)
		}
		x.setMod(st.Name, "")
	case pyscan.StAttr:
		return x.attr(st)
	case pyscan.StRaise:
		return x.raise(st, maybe)
	case pyscan.StBlock:
		return x.run(st.Body, maybe, false)
	case pyscan.StLoop:
		return x.run(st.Body, true, false)
	case pyscan.StIf:
		return x.ifStmt(st, maybe)
	case pyscan.StTry:
		return x.try(st.Try, maybe)
	case pyscan.StEvents:
		return x.events(int(st.Index), int(st.Index+st.N), maybe)
	}
	return nil
}

// events runs f.Events[lo:hi], what one place of the top level runs besides its own
// statement (calls.go): the failures of the imports they run join.
func (x *executor) events(lo, hi int, maybe bool) *failure {
	var out *failure
	for i := lo; i < hi && i < len(x.f.Events); i++ {
		if f := x.event(&x.f.Events[i], maybe); f != nil {
			out = join(out, f)
		}
	}
	return out
}

// event runs one event. An import a call runs, and a call followed into another
// module, fail as an import statement at the call does (the try statements around
// the call decide); the try statements inside the functions called are the event's
// inner guards: an import in an except clause there is not followed, one in a try
// body there is optional. An event not in the flow (in a function body, or in an
// elif/except header) counts all its guards so. A sys.path edit that may or may not run
// (a test not decided, a loop) is one layerkit cannot follow, unless the test is the
// `P not in sys.path` it evaluates itself (PathEdit.Unless).
func (x *executor) event(ev *pyscan.Event, maybe bool) *failure {
	if ev.TypeChecking || ev.MainBlock {
		return nil
	}
	inner := ev.Guards
	if ev.InFlow && ev.Inner <= len(inner) {
		inner = inner[len(inner)-ev.Inner:]
	}
	optional := false
	for _, g := range inner {
		if g.Role == pyscan.InExcept {
			return nil // runs only when something else failed: not followed
		}
		optional = true
	}
	a := x.a
	lazy := x.lazy || ev.Scope == pyscan.FunctionScope
	var imp *pyscan.Import
	switch ev.Kind {
	case pyscan.UnfollowedEvent:
		a.unfollowed(x.m, ev, lazy, false)
		return nil
	case pyscan.PathEditEvent:
		if lazy {
			return nil
		}
		if maybe && ev.Edit != nil && !ev.Edit.Unknown && len(ev.Edit.Unless) == 0 {
			e, edit := *ev, *ev.Edit
			edit.Unknown = true
			e.Edit = &edit
			ev = &e
		}
		a.applyEdit(x.m, ev)
		return nil
	case pyscan.ImportEvent:
		if ev.Import == nil || ev.Import.Module == "__future__" && ev.Import.Level == 0 {
			return nil
		}
		imp = ev.Import
	case pyscan.CallEvent:
		if lazy {
			return nil
		}
	default:
		return nil
	}
	st, prev := a.enterStmt(imp)
	if imp != nil {
		a.checkImport(x.m, x.pkg, *imp, lazy, optional, x.m.Name)
	} else {
		a.callEvent(x.m, ev, optional, 0)
	}
	fail := st.failure(a)
	a.leaveStmt(prev)
	return fail
}

// enterStmt starts the state of a statement one nesting depth down (imp, or nil for a
// call): the states are reused, one per depth (imports run imports). It returns the
// state and the one to go back to with leaveStmt.
func (a *analysis) enterStmt(imp *pyscan.Import) (st, prev *stmtState) {
	if a.depth == len(a.stmts) {
		a.stmts = append(a.stmts, &stmtState{})
	}
	st = a.stmts[a.depth]
	st.problems, st.nested, st.imp = st.problems[:0], nil, imp
	a.depth++
	prev = a.cur
	a.cur = st
	return st, prev
}

// leaveStmt ends the statement enterStmt started.
func (a *analysis) leaveStmt(prev *stmtState) {
	a.cur = prev
	a.depth--
}

func (x *executor) bind(name string, v pyscan.Value, maybe bool) {
	x.bindFrom(name, v, maybe, "", "")
}

// bindFrom is bind for a from-import: name is ORIG of module FROM.
func (x *executor) bindFrom(name string, v pyscan.Value, maybe bool, from, orig string) {
	if f := x.ns.static; f != nil && f.Defines(name) && !f.CondNames[name] {
		return // the file's names say it
	}
	if maybe {
		if old, ok := x.ns.lookup(name); ok && old != v {
			v, from = pyscan.ValUnknown, ""
		}
	}
	x.ns.set(name, v, false)
	if from != "" {
		e := &x.ns.binds[len(x.ns.binds)-1]
		e.from, e.orig, e.line = from, orig, x.line
	}
}

func (x *executor) ifStmt(st *pyscan.Stmt, maybe bool) *failure {
	minor := x.a.minorVersion()
	var out *failure
	for _, br := range st.If {
		truth, known := false, false
		if !br.Test {
			truth, known = true, true
		} else if minor >= 0 {
			var names pyscan.Names
			if br.Cond.ReadsNames() {
				names = x.a.condNames(x.m, x.f, int(br.Line))
			}
			truth, known = br.Cond.EvalWith(minor, names)
		}
		switch {
		case known && !truth:
			continue
		case known && truth:
			f := x.run(br.Body, maybe, false)
			return join(out, f)
		}
		// Not known: this branch may run, and so may the ones after it.
		maybe = true
		out = join(out, x.run(br.Body, true, false))
	}
	return out
}

// join adds g's problems to f (either may be nil).
func join(f, g *failure) *failure {
	switch {
	case f == nil:
		return g
	case g == nil:
		return f
	}
	return &failure{exc: f.exc, inner: []*failure{f, g}, uncertain: f.uncertain && g.uncertain}
}

// each calls fn for every problem of f, once (a failure shared by several importers is
// walked once).
func (f *failure) each(seen map[*failure]bool, fn func(Problem)) {
	if f == nil || seen[f] {
		return
	}
	seen[f] = true
	for _, g := range f.inner {
		g.each(seen, fn)
	}
	for _, p := range f.problems {
		fn(p)
	}
}

func (x *executor) try(t *pyscan.Try, maybe bool) *failure {
	out := x.run(t.Body, maybe, false)
	if out != nil {
		for i := range t.Handlers {
			h := handlerView{t.Handlers[i]}
			if !h.catches(out.exc) {
				continue
			}
			x.handling = append(x.handling, handled{f: out, as: h.As})
			out = x.run(h.Body, maybe, false)
			x.handling = x.handling[:len(x.handling)-1]
			break
		}
	} else {
		out = x.run(t.Else, maybe, false)
	}
	if len(t.Finally) > 0 {
		if f := x.run(t.Finally, maybe, false); f != nil {
			out = f
		}
	}
	return out
}

// raise: a bare raise (or raise e, e the handler's as name) passes on the exception
// being handled; raise X(...) / raise X from e raises X, and the failing imports
// that led here are what the report names. A raise not in a handler carries no
// failing import; it stops the block (the handlers around it run), and, where it may
// or may not run, it is not followed.
func (x *executor) raise(st *pyscan.Stmt, maybe bool) *failure {
	var cur *handled
	if n := len(x.handling); n > 0 {
		cur = &x.handling[n-1]
	}
	if cur == nil {
		if maybe || st.Name == "" {
			return nil
		}
		return &failure{exc: st.Name}
	}
	if st.Name == "" || st.Name == cur.as {
		return cur.f
	}
	out := &failure{exc: st.Name}
	cur.f.each(map[*failure]bool{}, func(p Problem) { out.problems = append(out.problems, p) })
	for i := range out.problems {
		if out.problems[i].RaisedBy == "" {
			out.problems[i].RaisedBy, out.problems[i].RaisedLine = st.Name, int(st.Line)
		}
	}
	return out
}

// attr: a.X where a is bound to a module still running its top level, which has not
// bound X yet: AttributeError, partially initialized module; or to a namespace package
// that certainly has no X (nsAttrMissing): AttributeError.
func (x *executor) attr(st *pyscan.Stmt) *failure {
	mod := x.modOf(st.Name)
	if mod == "" {
		return nil
	}
	tns := x.a.nsOf(mod)
	if tns == nil || tns.dyn() || tns.has(st.Attr) {
		return nil
	}
	p := Problem{Failure: PartialAttr, Missing: mod, Name: st.Attr, Partial: true}
	if tns.done {
		if !x.a.nsAttrMissing(mod, st.Attr) {
			return nil
		}
		p = Problem{Failure: NamespaceAttr, Missing: mod, Name: st.Attr}
	}
	p.Tree, p.File, p.Line, p.Col, p.Lazy = x.m.Tree, x.m.File, int(st.Line), 1, x.lazy
	p.Stmt = st.Name + "." + st.Attr
	p.Chain = x.a.chain(x.m)
	return &failure{exc: "AttributeError", problems: []Problem{p}}
}

// nsAttrMissing reports whether reading attribute name of module mod, a namespace
// package (a folder without __init__.py) whose import is done, certainly fails with
// AttributeError: such a module has no code, so its attributes are the submodules
// imported so far and what other code sets on it. It is certain only when
//   - name is not a dunder (__path__, __spec__, ... exist) and not bound (a submodule
//     imported so far);
//   - no portion of the package has a submodule of that name (imported or not), and
//     no sys.path edit layerkit cannot follow may add a portion;
//   - the object read is the module: no package on the way to it binds the next part
//     itself (import a.b as x walks a -> .b);
//   - no code that has run may have set it: no module whose top level ran assigns an
//     attribute of that name or sets attributes by computed names (pyscan
//     File.AttrStores, SetsAttrs), no .pth file runs an import line, and there is no
//     sitecustomize or usercustomize module. Installed distributions and compiled
//     modules are not read: they are taken not to set attributes on the function's own
//     namespace packages by name; a namespace package an installed distribution owns
//     is never judged.
func (a *analysis) nsAttrMissing(mod, name string) bool {
	t := a.mods.get(mod)
	if t == nil || t.Kind != Namespace || t.Trusted || strings.HasPrefix(name, "__") || a.unknownEdit != "" || a.env.pthExec {
		return false
	}
	sub := mod + "." + name
	if a.mods.get(sub) != nil || a.r.findSubIn(a.env, t, sub) != nil {
		return false
	}
	for i := strings.IndexByte(mod, '.'); i >= 0; {
		parent := a.mods.get(mod[:i])
		j := strings.IndexByte(mod[i+1:], '.')
		part := mod[i+1:]
		if j >= 0 {
			part = mod[i+1 : i+1+j]
		}
		if parent == nil {
			return false
		}
		if rebound, known := a.attribute(parent, part); !known || rebound != nil {
			return false
		}
		if j < 0 {
			break
		}
		i += 1 + j
	}
	if a.env.topExists("sitecustomize") || a.env.topExists("usercustomize") {
		return false
	}
	for n, st := range a.state.all {
		if st != 2 {
			continue
		}
		m := a.mods.get(n)
		if m == nil || !scannable(m) {
			continue
		}
		f, err := a.scan(m.Tree, m.File)
		if err != nil || f == nil || f.SetsAttrs || slices.Contains(f.AttrStores, name) {
			return false
		}
	}
	return true
}

// importStmt runs one import statement at the module's top level.
func (x *executor) importStmt(stmt *pyscan.Stmt, maybe bool) *failure {
	imp := &x.f.Imports[stmt.Index]
	if imp.TypeChecking || imp.MainBlock || imp.Module == "__future__" && imp.Level == 0 {
		return nil
	}
	a := x.a
	st, prev := a.enterStmt(imp)
	a.checkImport(x.m, x.pkg, *imp, x.lazy, false, x.m.Name)
	fail := st.failure(a)
	if fail == nil && imp.Star() {
		x.star(*imp)
		fail = st.failure(a)
	}
	a.leaveStmt(prev)
	if fail != nil {
		return fail
	}
	x.bindImportStmt(stmt, maybe)
	return nil
}

// bindImportStmt binds what import statement st binds, when that is not already what
// the file's Names and Lines say (a name bound under a condition, the handler module,
// a module reading attributes of what it imports).
func (x *executor) bindImportStmt(st *pyscan.Stmt, maybe bool) {
	if x.ns.static != nil && !st.Rec && !x.f.AttrReads {
		return
	}
	x.bindImport(&x.f.Imports[st.Index], maybe)
}

// bindImport binds the names an import statement binds in the module.
func (x *executor) bindImport(imp *pyscan.Import, maybe bool) {
	a := x.a
	if imp.Dynamic || imp.Scope != pyscan.ModuleScope {
		return
	}
	abs, _ := imp.Absolute(x.pkg)
	if !imp.From {
		if imp.Alias != "" {
			x.bind(imp.Alias, pyscan.ValUnknown, maybe)
			if x.f.AttrReads && strings.IndexByte(abs, '.') >= 0 {
				abs = a.aliasTarget(abs)
			}
			x.setMod(imp.Alias, abs)
		} else {
			top, _, _ := strings.Cut(abs, ".")
			x.bind(top, pyscan.ValUnknown, maybe)
			x.setMod(top, top)
		}
		return
	}
	// What a name is bound to matters for the handler (callable or not) and, when the
	// module reads attributes of imported names at its top level, whether it is a module.
	isHandler := x.m.Name == a.res.Handler.Module
	var tns *namespace
	if isHandler {
		tns = a.nsOf(abs)
	}
	for _, n := range imp.Names {
		if n.Name == "*" {
			continue
		}
		bound := n.Name
		if n.Alias != "" {
			bound = n.Alias
		}
		v := pyscan.ValUnknown
		if tns != nil {
			if tv, ok := tns.value(n.Name); ok {
				v = tv
			}
			if v == pyscan.ValUnknown {
				v = a.reexported(abs, n.Name, 0)
			}
		}
		x.bindFrom(bound, v, maybe, abs, n.Name)
		if x.f.AttrReads {
			if sub := abs + "." + n.Name; a.mods.get(sub) != nil {
				x.setMod(bound, sub)
			} else {
				x.setMod(bound, "")
			}
		}
	}
}

// setMod notes that name is bound to module mod.
func (x *executor) setMod(name, mod string) {
	if !x.f.AttrReads {
		return
	}
	for i := range x.mods {
		if x.mods[i].name == name {
			x.mods[i].mod = mod
			return
		}
	}
	if mod != "" {
		x.mods = append(x.mods, modBind{name, mod})
	}
}

type modBind struct{ name, mod string }

// modOf is the module name is bound to, or "".
func (x *executor) modOf(name string) string {
	for _, b := range x.mods {
		if b.name == name {
			return b.mod
		}
	}
	return ""
}

// star binds what `from abs import *` binds: the target's __all__, each name of which
// must exist (a package's submodules named there are imported first), or else its
// public names. Where they cannot be known, this module's names become open.
func (x *executor) star(imp pyscan.Import) {
	a := x.a
	abs, ok := imp.Absolute(x.pkg)
	if !ok || imp.Scope != pyscan.ModuleScope {
		return
	}
	target := a.mods.get(abs)
	if target == nil {
		return
	}
	var tf *pyscan.File
	if scannable(target) {
		if f, err := a.scan(target.Tree, target.File); err == nil {
			tf = f
		}
	}
	tns := a.nsOf(abs)
	if tns != nil && !tns.done && x.lazy {
		tns = nil
	}
	known := func(name string) int { // 1 bound, 0 not, -1 unknown
		switch {
		case tns != nil && tns.has(name):
			return 1
		case tns != nil && !tns.dyn():
			return 0
		case tns == nil && tf != nil && !tf.Open:
			if tf.Defines(name) {
				return 1
			}
			return 0
		}
		return -1
	}
	// What the handler's name is bound to matters (callable or not); it is worked out
	// for that one name only (the other names a star import binds are many).
	valueOf := func(name string, v pyscan.Value) pyscan.Value {
		if name != a.res.Handler.Func || tns == nil || v != pyscan.ValUnknown {
			return v
		}
		if tv, ok := tns.value(name); ok && tv != pyscan.ValUnknown {
			return tv
		}
		return a.reexported(abs, name, 0)
	}
	// A module still initializing (an import cycle) may not have bound __all__ yet.
	allBound := tns == nil || tns.done || tns.has("__all__")
	switch {
	case tf != nil && tf.AllKnown && allBound:
		for _, name := range tf.All {
			switch known(name) {
			case 1:
				v := pyscan.ValUnknown
				if tns != nil {
					v, _ = tns.lookup(name)
				}
				x.bindFrom(name, valueOf(name, v), false, abs, name)
			case -1:
				x.bind(name, pyscan.ValUnknown, false)
			case 0:
				if target.IsPackage() {
					found, raised := a.fromlistImport(x.m, imp, abs, name, x.lazy, x.m.Name)
					if raised {
						return
					}
					if found {
						x.bind(name, pyscan.ValUnknown, false)
						continue
					}
				}
				a.problem(x.m, imp, x.lazy, Problem{Failure: NoAttribute, Missing: abs, Name: name})
			}
		}
	case tf != nil && tf.DefinesAll && allBound:
		x.ns.open = true
	case tns != nil && !tns.open:
		var modNames map[string]bool // starModule's candidates, found on first use
		tns.each(func(name string, v pyscan.Value) {
			if !strings.HasPrefix(name, "_") {
				x.bindFrom(name, valueOf(name, v), false, abs, name)
				if sm := a.starModule(abs, target, tns, tf, name, &modNames); sm != nil {
					if x.ns.starMods == nil {
						x.ns.starMods = map[string]*Module{}
					}
					x.ns.starMods[name] = sm
				}
			}
		})
		for name := range tns.maybe {
			if !strings.HasPrefix(name, "_") {
				x.bind(name, pyscan.ValUnknown, false)
			}
		}
	case tns == nil && tf != nil && !tf.Open:
		for name := range tf.Lines {
			if !strings.HasPrefix(name, "_") {
				x.bind(name, pyscan.ValUnknown, false)
			}
		}
	default:
		x.ns.open = true
	}
}

// starModule is the module a star import from module abs (target, its namespace tns, its
// source tf) binds name to, or nil: a submodule attribute of abs that abs's own code does
// not bind, or a module abs's own from-import bound (from pkg import sub; 3.11 seed
// 20410139). The names that such a from-import binds are gathered once per star import
// into *cands: boundModule, which walks the module's statements for the last binding, is
// asked only of them and of the names bound under a condition.
func (a *analysis) starModule(abs string, target *Module, tns *namespace, tf *pyscan.File, name string, cands *map[string]bool) *Module {
	if s := a.mods.get(abs + "." + name); s != nil && a.state.get(s.Name) == 2 {
		if _, own := tns.staticLookup(name); !own {
			return s
		}
	}
	if tf == nil {
		return nil
	}
	if *cands == nil {
		*cands = map[string]bool{}
		for i := range tf.Imports {
			imp := &tf.Imports[i]
			base, ok := imp.Absolute(target.pkg())
			if !imp.From || imp.Scope != pyscan.ModuleScope || !ok {
				continue
			}
			for _, nm := range imp.Names {
				if a.mods.get(base+"."+nm.Name) != nil {
					(*cands)[cmp.Or(nm.Alias, nm.Name)] = true
				}
			}
		}
	}
	if !(*cands)[name] && !tf.CondNames[name] { // (a name bound under a condition: the namespace says by what)
		return nil
	}
	if r, _ := a.boundModule(target, name); r != "" && a.state.get(r) == 2 {
		return a.mods.get(r)
	}
	return nil
}

// execModule runs module m's top level (its source is f) and then checks the imports
// in its function bodies; it returns the failure that escapes the top level.
func (a *analysis) execModule(m *Module, f *pyscan.File, lazy bool) *failure {
	ns := &namespace{maybe: f.MaybeNames, open: f.Dynamic, src: f}
	if m.Name != a.res.Handler.Module {
		ns.static = f
	} else {
		ns.binds = make([]nsEntry, 0, len(f.Lines)+4)
	}
	a.ns[m.Name] = ns
	prev := a.cur
	a.cur = nil
	x := &executor{a: a, m: m, f: f, pkg: m.pkg(), lazy: lazy, ns: ns}
	fail := x.run(f.Flow, false, true)
	// Events the flow does not place (in function bodies, or in an elif/except header)
	// run after the top level.
	for i := range f.Events {
		if !f.Events[i].InFlow {
			fail = join(fail, x.event(&f.Events[i], false))
		}
	}
	ns.done, ns.fail, ns.failEpoch = true, fail, a.pathEpoch

	// Imports in function bodies run when the function does (lazy), guarded as the
	// scanner says.
	var tryFailed map[int]bool
	for _, imp := range f.Imports {
		if imp.Scope != pyscan.FunctionScope || imp.TypeChecking || imp.MainBlock || imp.Module == "__future__" {
			continue
		}
		optional, skip := false, false
		for _, g := range imp.Guards {
			switch g.Role {
			case pyscan.InTry:
				optional = true
			case pyscan.InExcept:
				if !tryFailed[g.TryID] {
					skip = true
				}
			}
		}
		if skip {
			continue
		}
		ok := a.checkImport(m, x.pkg, imp, true, optional, m.Name)
		if !ok && optional {
			if tryFailed == nil {
				tryFailed = map[int]bool{}
			}
			for _, g := range imp.Guards {
				if g.Role == pyscan.InTry {
					tryFailed[g.TryID] = true
				}
			}
		}
	}
	// (checked with no statement state: they are not part of the import statement that
	// runs this module, and are reported as they are)
	a.cur = prev
	if x.pathBefore != nil {
		// the sys.path edits after the failure are undone before anything else runs (a
		// module running this one again, an importer going on after catching the failure)
		a.restorePath(*x.pathBefore)
	}
	return fail
}

// hasName says whether module target binds name where an import at scope sees it:
// 1 yes, 0 no, -1 unknown; partial is true when target's top level is still running.
func (a *analysis) hasName(target *Module, name string, scope pyscan.Scope) (defined int, partial bool) {
	if ns := a.nsOf(target.Name); ns != nil && (ns.done || scope != pyscan.FunctionScope) {
		switch {
		case ns.has(name):
			return 1, false
		case ns.dyn():
			return -1, false
		}
		return 0, !ns.done
	}
	if !scannable(target) {
		return -1, false
	}
	f, err := a.scan(target.Tree, target.File)
	if err != nil || f.Open {
		return -1, false
	}
	if f.Defines(name) {
		return 1, false
	}
	return 0, false
}

// uncertain reports whether every problem is a missing module that a layer layerkit
// cannot read might provide.
func (a *analysis) uncertain(ps []Problem) bool {
	if !a.env.Uninspectable {
		return false
	}
	for _, p := range ps {
		if p.Failure != NoModule {
			return false
		}
	}
	return len(ps) > 0
}

// loaded returns module name when its top level has run (or is running) without
// failing in this import state: it is in sys.modules.
// inSysModules is loaded for what Python has in sys.modules: not a module layerkit
// imported only after a failure of a module's top level, going on to report what
// fails after it (phantom), until an import Python runs reaches it.
func (a *analysis) inSysModules(name string) *Module {
	if a.phantom[name] {
		return nil
	}
	return a.loaded(name)
}

func (a *analysis) loaded(name string) *Module {
	if a.state.get(name) != 2 {
		return nil
	}
	if ns := a.nsOf(name); ns != nil && ns.fail != nil {
		return nil
	}
	return a.mods.get(name)
}

// recordFailure reports the problems of a failure nothing swallowed.
func (a *analysis) recordFailure(f *failure) {
	if f == nil {
		return
	}
	// Room for them all at once: growing Problems append by append holds the old and
	// the new array together, about 1.8 times the problems (a module of 200,000 failing
	// imports: 97 MB where 54 MB are kept).
	n, seen := 0, map[*failure]bool{}
	f.each(seen, func(Problem) { n++ })
	if n > 64 {
		a.res.Problems = slices.Grow(a.res.Problems, n)
	}
	clear(seen)
	f.each(seen, a.record)
}
