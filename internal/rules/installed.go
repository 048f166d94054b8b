package rules

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/layerkit/layerkit/internal/memo"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/native"
	"github.com/layerkit/layerkit/internal/pymeta"
	"github.com/layerkit/layerkit/internal/pyresolve"
	"github.com/layerkit/layerkit/internal/tree"
)

// This file holds what LK202, LK203 and LK301–LK304 share: the distributions installed
// on a function's path, which of them the handler's imports load, and caches of
// metadata and native-file reads shared by every function of one pass (functions
// sharing layers share the layer's trees, so each file is read once).

type passCache struct {
	ownBuildOnce sync.Once
	ownBuild     []string                                  // the project's own build files (ownbuild.go)
	ownInstalls  memo.Map[*model.Layer, string]            // ownInstall's answer per layer
	layerReqs    memo.Map[*model.Layer, []requirementFile] // layerRequirementFiles
	dists        pymeta.Cache
	bins         native.Reader
	inst         memo.Map[*Function, *pymeta.Installed]
	uses         memo.Map[*Function, map[string]*distUse]
	sizes        memo.Map[sizeKey, *treeSize] // LK402
	finds        memo.Map[findKey, []string]
	walked       memo.Map[*tree.Overlay, struct{}] // the compiled-file walks (Compiled)
	distNat      memo.Map[*pymeta.Dist, []string]
	needs        memo.Map[*pymeta.Dist, map[string]bool] // LK3xx: modules a distribution's code needs
	indexes      memo.Map[tree.Tree, moduleIndex]        // hints: module names in a tree
	lists        memo.Map[listKey, listing]              // see listed
	layerOf      memo.Map[listKey, []int]                // LK104: Overlay.Owners
	runs         memo.Map[*Function, map[string]bool]    // fixes: the files a function runs (sharedFileAgrees)

	native *nativeRun                 // LK3xx: its warnings gather every batch's functions (LK301's rule alone)
	layers map[*model.Layer]*layerUse // LK201: what each layer's users reach (LK201's rule alone)

	mu      sync.Mutex // guards owners and indexed
	owners  map[ownerKey]*pymeta.Dist
	indexed map[any]bool // by pymeta.Installed.ID: the Installeds whose Dists owners has
}

// cacheOf returns p's caches, made on first use.
func cacheOf(p *Pass) *passCache {
	p.cacheOnce.Do(func() {
		if p.cache == nil { // a rule's view of a pass comes with its pass's caches
			p.cache = &passCache{}
		}
	})
	return p.cache
}

// sitePlaces are the sys.path entries of env that are folders we can read.
func sitePlaces(env *pyresolve.Env) []pymeta.Place {
	var out []pymeta.Place
	for _, e := range env.Path {
		if e.Tree == nil {
			continue
		}
		switch e.Kind {
		case pyresolve.TaskRoot, pyresolve.LayerSite, pyresolve.LayerPython, pyresolve.Extra:
			out = append(out, pymeta.Place{Tree: e.Tree, Dir: e.Dir, Path: e.Path})
		}
	}
	return out
}

// installedOf returns the distributions on f's path.
func installedOf(p *Pass, f *Function) *pymeta.Installed {
	p.need(Installed)
	c := cacheOf(p)
	return c.inst.Get(f, func() *pymeta.Installed {
		return pymeta.NewInstalled(sitePlaces(f.Result.Env), &c.dists)
	})
}

// markerEnv is the PEP 508 marker environment of f on Lambda.
func markerEnv(f *Function) pymeta.Env {
	return pymeta.LambdaEnv(f.Runtime.Version, f.Result.Env.Arch)
}

// nativeTarget is where f's native code must load.
func nativeTarget(f *Function) native.Target {
	g, _ := native.ParseGlibc(f.Runtime.Glibc)
	return native.Target{Python: f.Runtime.Version, Arch: f.Result.Env.Arch, Glibc: g}
}

// distUse says how the handler's imports reach an installed distribution.
type distUse struct {
	Top    string         // the imported top-level module that leads to it
	Site   pyresolve.Site // that import
	Chain  []string       // distributions from the one owning Top to this one
	Extras map[string]bool
	// ExtrasFrom names, per extra, the distribution that asked for it.
	ExtrasFrom map[string]string
}

// extras are the extras asked for u's distribution, sorted (none for a nil u: a
// distribution the imports do not load).
func (u *distUse) extras() []string {
	if u == nil {
		return nil
	}
	return slices.Sorted(maps.Keys(u.Extras))
}

// usesOf returns, by normalized name, the distributions the handler's imports load:
// those owning an imported top-level module, and what they require (markers
// evaluated for f, extras followed), transitively. An eager import wins over a lazy
// one.
func usesOf(p *Pass, f *Function) map[string]*distUse {
	p.need(Uses)
	return cacheOf(p).uses.Get(f, func() map[string]*distUse { return makeUses(p, f) })
}

// topLevelKey is topLevel's key for ModulesWhere: topLevel reads nothing else.
type topLevelKey struct{}

// topLevel keeps the top-level modules that are not virtual (makeUses).
func topLevel(name string, m *pyresolve.Module) bool {
	return !strings.Contains(name, ".") && m.Kind != pyresolve.Virtual
}

func makeUses(p *Pass, f *Function) map[string]*distUse {
	in := installedOf(p, f)
	env := markerEnv(f)
	var tops []string
	sites := map[string]pyresolve.Site{}
	// a shared layer package's run is filtered once (ModulesWhere): of its 5,000
	// modules, a few are top-level names
	for name := range f.Result.ModulesWhere(topLevelKey{}, topLevel) {
		if s, ok := f.Result.Site(name); ok {
			tops = append(tops, name)
			sites[name] = s
		}
	}
	sort.Slice(tops, func(i, j int) bool {
		a, b := sites[tops[i]], sites[tops[j]]
		if a.Lazy != b.Lazy {
			return !a.Lazy
		}
		return tops[i] < tops[j]
	})
	// Distributions the imports name directly keep their own import; then what they
	// require, breadth first, in import order.
	u := map[string]*distUse{}
	var queue []*pymeta.Dist
	for _, top := range tops {
		d := in.Owner(top)
		if d == nil {
			continue
		}
		if _, seen := u[d.Normalized]; seen {
			continue
		}
		u[d.Normalized] = &distUse{Top: top, Site: sites[top], Chain: []string{d.Name}, Extras: map[string]bool{}}
		queue = append(queue, d)
	}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		cu := u[cur.Normalized]
		extras := cu.extras()
		for _, r := range cur.Requires {
			if !r.Marker.Eval(env, extras...) {
				continue
			}
			w := in.Winner(r.Normalized)
			if w == nil {
				continue
			}
			nx, seen := u[w.Normalized]
			if !seen {
				nx = &distUse{Top: cu.Top, Site: cu.Site, Chain: append(append([]string(nil), cu.Chain...), w.Name), Extras: map[string]bool{}}
				u[w.Normalized] = nx
			}
			grew := !seen
			for _, e := range r.Extras {
				if !nx.Extras[e] {
					nx.Extras[e] = true
					if nx.ExtrasFrom == nil {
						nx.ExtrasFrom = map[string]string{}
					}
					nx.ExtrasFrom[e] = cur.Name
					grew = true
				}
			}
			if grew {
				queue = append(queue, w)
			}
		}
	}
	return u
}

// sitePos is where an import site points.
func sitePos(s pyresolve.Site) model.Pos {
	return model.Pos{File: s.Tree.Display(s.File), Line: s.Line, Col: s.Col}
}

// whereIs says, for a file in one of f's path trees, which layer holds it (nil for the
// function package).
func whereIs(f *Function, t tree.Tree, name string) *model.Layer {
	env := f.Result.Env
	if env.Opt == nil || t != tree.Tree(env.Opt) {
		return nil
	}
	i := env.Opt.Owner(name)
	if i < 0 || i >= len(env.OptLayers) {
		return nil
	}
	return f.Fn.Layers[env.OptLayers[i]].Layer
}

// layerRef names the layer holding a file of one of f's path trees ("" for the
// function package) and where f attaches that layer (f itself for the function
// package): where a finding about the file points when no import site does.
func layerRef(f *Function, t tree.Tree, name string) (layer string, pos model.Pos) {
	l := whereIs(f, t, name)
	if l == nil {
		return "", f.Fn.Pos
	}
	for _, ref := range f.Fn.Layers {
		if ref.Layer == l {
			return l.Name, ref.Pos
		}
	}
	return l.Name, f.Fn.Pos
}

// placeLabel names where a distribution sits: "/opt/python (layer Deps)".
func placeLabel(f *Function, in *pymeta.Installed, d *pymeta.Dist) string {
	pl := in.Place(d)
	if l := whereIs(f, d.Tree, d.Meta); l != nil {
		return fmt.Sprintf("%s (layer %s)", pl.Path, l.Name)
	}
	if pl.Path == "/var/task" || strings.HasPrefix(pl.Path, "/var/task/") {
		return pl.Path + " (the function package)"
	}
	return pl.Path
}

type listKey struct {
	t    tree.Tree
	name string
}

type listing struct {
	infos []tree.Info
	err   error
}

// listed is a tree whose folder listings are kept for the pass: the rules that walk a
// function's package (its compiled files, its size) list each folder once. It is only
// walked, never a key of another cache.
type listed struct {
	tree.Tree
	c *passCache
}

func (l listed) ReadDir(name string) ([]tree.Info, error) {
	r := l.c.lists.Get(listKey{l.Tree, name}, func() (r listing) {
		r.infos, r.err = l.Tree.ReadDir(name)
		return r
	})
	return r.infos, r.err
}

type findKey struct {
	t      tree.Tree
	dir    string
	python bool
}

// find is native.Find cached per folder: functions sharing layers share the walk (the
// first caller walks, the others wait for it). In /opt/python (python), the
// lib/python3.X/ folders are left out: they are entries of their own, or off the path.
func (c *passCache) find(t tree.Tree, dir string, python bool) []string {
	return c.finds.Get(findKey{t, dir, python}, func() []string {
		skip := func(name string) bool { return python && strings.HasPrefix(name, dir+"/lib/python") }
		// A folder's listings are kept for the size walk to share; a zip (or an
		// overlay of zips) walks its own index, with no listing to keep.
		var lt tree.Tree = t
		if _, ok := t.(*tree.DirTree); ok {
			lt = listed{t, c}
		}
		return native.Find(lt, dir, skip)
	})
}

// distNative is distNativeFiles cached per distribution: every function that loads a
// distribution of a shared layer asks the same question.
func (c *passCache) distNative(d *pymeta.Dist) []string {
	return c.distNat.Get(d, func() []string { return distNativeFiles(d) })
}

type ownerKey struct {
	t    tree.Tree
	name string
}

// ownerOf is the installed distribution whose RECORD lists name, a compiled file (nil
// when none); the index is built once per pass from the distributions on f's path. It
// holds only the compiled files RECORD lists: a distribution lists thousands of
// files, and only compiled ones are ever asked about.
func (c *passCache) ownerOf(p *Pass, f *Function, t tree.Tree, name string) *pymeta.Dist {
	t = tree.LayerOf(t, name)
	inst := installedOf(p, f)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.owners == nil {
		c.owners = map[ownerKey]*pymeta.Dist{}
		c.indexed = map[any]bool{}
	}
	if inst != nil && !c.indexed[inst.ID()] {
		c.indexed[inst.ID()] = true
		for _, d := range inst.Dists {
			for _, file := range c.recordNative(d) {
				k := ownerKey{tree.LayerOf(d.Tree, file), file}
				if _, seen := c.owners[k]; !seen {
					c.owners[k] = d
				}
			}
		}
	}
	return c.owners[ownerKey{t, name}]
}

// recordNative lists the compiled files d's RECORD names (read once per distribution,
// by pymeta).
func (c *passCache) recordNative(d *pymeta.Dist) []string { return d.CompiledFiles() }

// forget drops what the caches hold of the trees gone says are done with (a batch's
// function packages): a later ask reads them again.
func (c *passCache) forget(gone func(tree.Tree) bool) {
	c.dists.Forget(gone)
	c.bins.Forget(gone)
	c.sizes.DeleteFunc(func(k sizeKey) bool { return gone(k.t) })
	c.finds.DeleteFunc(func(k findKey) bool { return gone(k.t) })
	c.indexes.DeleteFunc(gone)
	c.lists.DeleteFunc(func(k listKey) bool { return gone(k.t) })
	c.layerOf.DeleteFunc(func(k listKey) bool { return gone(k.t) })
	if r := c.native; r != nil {
		for k := range r.checks {
			if gone(k.t) {
				delete(r.checks, k)
			}
		}
		for k := range r.others {
			if gone(k.t) {
				delete(r.others, k)
			}
		}
		for k := range r.fits {
			if gone(k.d.Tree) {
				delete(r.fits, k)
			}
		}
	}
}
