package pyresolve

import "github.com/layerkit/layerkit/internal/tree"

// FindIn is the check's module finder (CPython's FileFinder for one folder: a regular
// package, then a module file in suffix order, then a namespace portion) for callers
// that look at one folder outside a check: layerkit inspect lists a layer's modules
// with it, so inspect and check cannot disagree on what a folder provides. It returns
// nil when dir holds nothing named name. Listings are cached in r.
func (r *Resolver) FindIn(t tree.Tree, dir, name string, suffixes []string) *Module {
	return r.findIn(Loc{t, dir}, name, name, suffixes)
}
