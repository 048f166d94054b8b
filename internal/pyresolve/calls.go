package pyresolve

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/layerkit/layerkit/internal/pyscan"
	"github.com/layerkit/layerkit/internal/tree"
)

// Events of a module (pyscan.Event): imports run by calls at import time, calls at
// import time into other modules, sys.path edits, and dynamic imports layerkit cannot
// follow. The module's top level runs them where File.Flow has them (an StEvents
// statement at the call, exec.go), so the try statements, if tests and failures
// around the call decide whether and how they run, as for an import statement there.

// Unfollowed is an import layerkit cannot follow: a dynamic import of a computed name,
// or a sys.path edit it cannot evaluate.
type Unfollowed struct {
	Tree tree.Tree
	File string
	Line int
	Col  int
	// Text is the code as written.
	Text string
	// PathEdit is set for a sys.path edit (else it is a dynamic import).
	PathEdit bool
	// Lazy: it runs only when a function body runs.
	Lazy bool
	// Unread is the reason a module's file could not be read (Text is the module's
	// name): its imports and names are not checked.
	Unread string
	// Handler: the unread module is the handler's.
	Handler bool
}

// maxFollow bounds the calls into other modules followed for one function.
const maxFollow = 256

// maxFollowDepth bounds how many modules deep a call at import time is followed.
const maxFollowDepth = 8

func (a *analysis) runEvent(m *Module, ev *pyscan.Event, lazy bool, depth int) {
	if ev.TypeChecking || ev.MainBlock {
		return
	}
	optional := false
	for _, g := range ev.Guards {
		if g.Role == pyscan.InExcept {
			return // runs only when something else failed: not followed
		}
		optional = true
	}
	evLazy := lazy || ev.Scope == pyscan.FunctionScope
	switch ev.Kind {
	case pyscan.ImportEvent:
		if ev.Import.Module == "__future__" {
			return
		}
		a.checkImport(m, m.pkg(), *ev.Import, evLazy, optional, m.Name)
	case pyscan.UnfollowedEvent:
		a.unfollowed(m, ev, evLazy, false)
	case pyscan.PathEditEvent:
		if evLazy {
			return // runs only when a function runs: after every import at init
		}
		a.applyEdit(m, ev)
	case pyscan.CallEvent:
		if evLazy {
			return
		}
		a.callEvent(m, ev, optional, depth)
	}
}

// callEvent follows a call at import time into another module (a CallEvent of m).
func (a *analysis) callEvent(m *Module, ev *pyscan.Event, optional bool, depth int) {
	abs, ok := pyscan.Import{Module: ev.Module, Level: ev.Level}.Absolute(m.pkg())
	if !ok {
		return
	}
	if ev.Attr != "" {
		abs += "." + ev.Attr
	}
	a.readMod(abs)
	target := a.mods.get(abs)
	if target == nil {
		return
	}
	site := fmt.Sprintf("%s:%d", m.Tree.Display(m.File), ev.Line)
	if ev.CalledAt > 0 {
		site = fmt.Sprintf("%s:%d", m.Tree.Display(m.File), ev.CalledAt)
	}
	a.follow(target, ev.Func, optional, site, depth+1)
}

// follow runs, as a call at import time does, function name of module t: its imports
// are checked as imports at init (errors), site is the call that runs it.
func (a *analysis) follow(t *Module, name string, optional bool, site string, depth int) {
	if depth > maxFollowDepth || !scannable(t) || a.nFollowed >= maxFollow {
		return
	}
	key := t.Name + "\x00" + name
	if a.followed[key] {
		return
	}
	if a.followed == nil {
		a.followed = map[string]bool{}
	}
	a.followed[key] = true
	a.nFollowed++
	if st := a.cur; st != nil {
		// A call that failed (the failure may be caught) runs the function again, and
		// fails again, when it is called again (a module that failed at init, run
		// again by a later import): follow it again then. One that worked is not
		// followed twice (what it imported is in sys.modules now).
		np, nested := len(st.problems), st.nested
		defer func() {
			if len(st.problems) > np || st.nested != nested {
				delete(a.followed, key)
			}
		}()
	}
	f, err := a.scan(t.Tree, t.File)
	if err != nil || f == nil {
		return
	}
	fn := f.Funcs[name]
	if fn == nil {
		fn = f.Funcs[name+".__init__"]
	}
	if fn == nil {
		a.followReexport(t, f, name, optional, site, depth)
		return
	}
	saved := a.callSite
	a.callSite = site
	defer func() { a.callSite = saved }()
	pkg := t.pkg()
	ev := 0
	for i, imp := range fn.Imports {
		ev = a.runCalled(t, fn.Events, ev, i, depth)
		if imp.TypeChecking || imp.MainBlock || imp.Module == "__future__" {
			continue
		}
		opt, skip := optional, false
		for _, g := range imp.Guards {
			if g.Role == pyscan.InExcept {
				skip = true
			}
			opt = true
		}
		if skip {
			continue
		}
		a.checkImport(t, pkg, imp, false, opt, t.Name)
	}
	a.runCalled(t, fn.Events, ev, len(fn.Imports), depth)
}

// runCalled is runEvents for the events of a function called at import time: they run
// at init, as the module's own top-level code does.
func (a *analysis) runCalled(m *Module, evs []pyscan.Event, from, before, depth int) int {
	for ; from < len(evs) && evs[from].Before <= before; from++ {
		ev := evs[from]
		ev.Scope = pyscan.ModuleScope
		a.runEvent(m, &ev, false, depth)
	}
	return from
}

// followReexport follows name into the module t imported it from (from x import name).
func (a *analysis) followReexport(t *Module, f *pyscan.File, name string, optional bool, site string, depth int) {
	for _, imp := range f.Imports {
		if !imp.From || imp.Scope != pyscan.ModuleScope || imp.CalledAt > 0 || imp.Dynamic {
			continue
		}
		for _, n := range imp.Names {
			bound := n.Name
			if n.Alias != "" {
				bound = n.Alias
			}
			if bound != name || n.Name == "*" {
				continue
			}
			abs, ok := imp.Absolute(t.pkg())
			if !ok {
				return
			}
			a.readMod(abs + "." + n.Name)
			a.readMod(abs)
			if sub := a.mods.get(abs + "." + n.Name); sub != nil {
				return // a submodule, not a function
			}
			if src := a.mods.get(abs); src != nil {
				a.follow(src, n.Name, optional, site, depth+1)
			}
			return
		}
	}
}

// initSite is, for an import that runs at init because a function is called then,
// where that call is ("app.py:12"); "" otherwise.
func (a *analysis) initSite(m *Module, imp pyscan.Import, lazy bool) string {
	if lazy {
		return ""
	}
	if imp.CalledAt > 0 {
		return fmt.Sprintf("%s:%d", m.Tree.Display(m.File), imp.CalledAt)
	}
	return a.callSite
}

// unread records a module whose file could not be read (over the read cap, an I/O
// error), once: nothing it imports or defines is checked.
func (a *analysis) unread(m *Module, err error, lazy bool) {
	for i := range a.res.Unfollowed {
		u := &a.res.Unfollowed[i]
		if u.Unread != "" && u.File == m.File && u.Tree == m.Tree {
			if !lazy {
				u.Lazy = false
			}
			return
		}
	}
	why := err.Error()
	var pe *fs.PathError
	if errors.As(err, &pe) {
		why = pe.Err.Error()
	}
	a.res.Unfollowed = append(a.res.Unfollowed, Unfollowed{Tree: m.Tree, File: m.File, Line: 1, Col: 1,
		Text: m.Name, Lazy: lazy, Unread: why, Handler: m.Name == a.res.Handler.Module})
}

// unfollowed records an import layerkit cannot follow.
func (a *analysis) unfollowed(m *Module, ev *pyscan.Event, lazy, pathEdit bool) {
	text := ev.Text
	if pathEdit {
		text = ev.Edit.Text
	}
	for i := range a.res.Unfollowed {
		u := &a.res.Unfollowed[i]
		if u.File == m.File && u.Line == ev.Line && u.Col == ev.Col && u.Tree == m.Tree {
			if !lazy {
				u.Lazy = false
			}
			return
		}
	}
	a.res.Unfollowed = append(a.res.Unfollowed, Unfollowed{Tree: m.Tree, File: m.File, Line: ev.Line, Col: ev.Col,
		Text: text, PathEdit: pathEdit, Lazy: lazy})
}
