package pyresolve

import "github.com/layerkit/layerkit/internal/pyscan"

// Module constants in if tests. Libraries written for Python 2 and 3 compute their
// version flags once (`PY2 = sys.version_info[0] == 2`, `PY3 = not PY2`, in a _compat
// module) and test them everywhere (`from ._compat import PY2` ... `if PY2: import
// ConfigParser`). A test that reads such a name is decided as the test the name is
// bound to (pyscan.File.Consts), in the module that binds it.

// condNames resolves the names an if test at line of module m (source f) reads.
func (a *analysis) condNames(m *Module, f *pyscan.File, line int) pyscan.Names {
	return func(base, name string) (*pyscan.Cond, pyscan.Names) {
		if base == "" {
			return a.constOf(m, f, name, line)
		}
		mod := boundModule(f, base)
		if mod == "" || a.mods.get(mod+"."+name) != nil {
			return nil, nil // not a module, or mod.name is its submodule
		}
		return a.constIn(mod, name)
	}
}

// constOf is the test name is bound to in module m (source f) before line (0: once m
// has run), when it is a constant there or imported by `from M import X as name` from one.
func (a *analysis) constOf(m *Module, f *pyscan.File, name string, line int) (*pyscan.Cond, pyscan.Names) {
	if f == nil || f.CondNames[name] || f.MaybeNames[name] {
		return nil, nil
	}
	first, ok := f.Lines[name]
	if !ok || line > 0 && first >= line {
		return nil, nil // not bound yet
	}
	if c := f.Consts[name]; c != nil {
		return c, a.condNames(m, f, line)
	}
	_, found, k := lastBind(f, f.Flow, name)
	if !found || k < 0 || k >= len(f.Imports) {
		return nil, nil
	}
	imp := &f.Imports[k]
	if !imp.From || imp.Line != first {
		return nil, nil // a module, or bound more than once
	}
	src, orig, ok := a.fromSource(imp, m, name)
	if !ok {
		return nil, nil
	}
	return a.constIn(src, orig)
}

// constIn is constOf in module mod once its top level has run.
func (a *analysis) constIn(mod, name string) (*pyscan.Cond, pyscan.Names) {
	ns, m := a.ns[mod], a.mods.get(mod)
	if ns == nil || !ns.done || ns.src == nil || m == nil {
		return nil, nil
	}
	return a.constOf(m, ns.src, name, 0)
}

// boundModule is the module name is bound to in f by a plain import (`import six`,
// `import a.b as name`) bound once, or "".
func boundModule(f *pyscan.File, name string) string {
	if f == nil || f.CondNames[name] || f.MaybeNames[name] {
		return ""
	}
	_, found, k := lastBind(f, f.Flow, name)
	if !found || k < 0 || k >= len(f.Imports) {
		return ""
	}
	imp := &f.Imports[k]
	if imp.From || imp.Level != 0 || imp.Line != f.Lines[name] {
		return ""
	}
	if imp.Alias != "" {
		return imp.Module
	}
	return name // import a.b binds a
}

// fromSource is where `from M import X as name` in module m takes name from: the
// absolute module M and the name X there. ok is false when imp does not bind name, for
// a star import, and when M.X is a submodule (a module, not a value of M).
func (a *analysis) fromSource(imp *pyscan.Import, m *Module, name string) (src, orig string, ok bool) {
	for _, n := range imp.Names {
		if n.Alias == name || n.Alias == "" && n.Name == name {
			orig = n.Name
		}
	}
	src, ok = imp.Absolute(m.pkg())
	if !ok || orig == "" || orig == "*" || a.mods.get(src+"."+orig) != nil {
		return "", "", false
	}
	return src, orig, true
}
