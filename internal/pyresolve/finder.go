package pyresolve

import (
	"path"
	"strings"

	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/tree"
)

// ModKind says what a found module is.
type ModKind int

const (
	SourceModule ModKind = iota // a .py file
	Package                     // a regular package (folder with __init__)
	Namespace                   // a namespace package (folder without __init__)
	Compiled                    // an extension module or a sourceless .pyc
	Virtual                     // provided by the runtime, the standard library, or a declared distribution
)

// Loc is a folder in a tree.
type Loc struct {
	Tree tree.Tree
	Dir  string
}

// Module is where an import resolves.
type Module struct {
	Name  string // dotted name
	Kind  ModKind
	Entry int // index of the sys.path entry the top-level package came from
	// File is the file Python executes (the .py, the __init__.py, the .so) in Tree.
	Tree tree.Tree
	File string
	// Path is the package's __path__: where its submodules are searched.
	Path []Loc
	// Virtual modules: who provides it.
	VirtualKind EntryKind
	Declared    *model.Declared
	// Trusted is set when an installed distribution (dist-info) owns the module: it is
	// not scanned.
	Trusted bool
	// shared is set on modules every function with the same layers and runtime gets
	// (see Resolver.sharedHits): they are never changed after they are made.
	shared bool
}

// IsPackage reports whether submodules can be looked up in m.
func (m *Module) IsPackage() bool { return m.Kind == Package || m.Kind == Namespace }

// pkg is m's __package__, what its relative imports are relative to: a package's own
// name, else its parent's ("" for a top-level module).
func (m *Module) pkg() string {
	if m.Kind == Package {
		return m.Name
	}
	i := max(strings.LastIndexByte(m.Name, '.'), 0)
	return m.Name[:i]
}

// Display names m's file for a user.
func (m *Module) Display() string {
	if m.Tree == nil {
		return ""
	}
	if m.File != "" {
		return m.Tree.Display(m.File)
	}
	if len(m.Path) > 0 {
		return m.Path[0].Tree.Display(m.Path[0].Dir)
	}
	return ""
}

// dirIndex is one folder's listing.
type dirIndex struct {
	files map[string]bool
	dirs  map[string]bool
	// stems are the file names cut at their first dot: a module name (which has no
	// dot) can only be found here as name+suffix when it is a stem (suffixes start
	// with a dot), so most misses take one lookup.
	stems map[string]bool
}

// list is loc's listing (cached).
func (r *Resolver) list(loc Loc) *dirIndex {
	return r.dirs.Get(loc, func() *dirIndex {
		d := &dirIndex{files: map[string]bool{}, dirs: map[string]bool{}, stems: map[string]bool{}}
		if loc.Tree == nil {
			return d
		}
		infos, err := loc.Tree.ReadDir(loc.Dir)
		if err != nil {
			return d
		}
		for _, fi := range infos {
			if fi.Dir {
				d.dirs[fi.Name] = true
			} else {
				d.files[fi.Name] = true
				stem, _, _ := strings.Cut(fi.Name, ".")
				d.stems[stem] = true
			}
		}
		return d
	})
}

// findIn is CPython's FileFinder.find_spec for one folder: a regular package wins, then
// a module file (extension suffixes, .py, .pyc in that order), then a namespace portion.
// It returns nil when the folder holds nothing of that name.
func (r *Resolver) findIn(loc Loc, name, tail string, suffixes []string) *Module {
	d := r.list(loc)
	if !d.dirs[tail] && !d.stems[tail] {
		return nil
	}
	isNS := false
	// buf spells tail+suffix for the lookups without allocating (a map index by
	// string(buf) does not copy).
	var arr [128]byte
	buf := arr[:0]
	if d.dirs[tail] {
		sub := Loc{loc.Tree, path.Join(loc.Dir, tail)}
		sd := r.list(sub)
		for _, suf := range suffixes {
			if sd.files[string(append(append(buf[:0], "__init__"...), suf...))] {
				return &Module{Name: name, Kind: Package, Tree: loc.Tree, File: path.Join(sub.Dir, "__init__"+suf), Path: []Loc{sub}}
			}
		}
		isNS = true
	}
	for _, suf := range suffixes {
		if d.files[string(append(append(buf[:0], tail...), suf...))] {
			kind := SourceModule
			if suf != ".py" {
				kind = Compiled
			}
			return &Module{Name: name, Kind: kind, Tree: loc.Tree, File: path.Join(loc.Dir, tail+suf)}
		}
	}
	if isNS {
		return &Module{Name: name, Kind: Namespace, Path: []Loc{{loc.Tree, path.Join(loc.Dir, tail)}}}
	}
	return nil
}

// findTop looks a top-level module up along the function's sys.path, as PathFinder does:
// the first regular module or package wins; namespace portions found before it are
// dropped; when only portions exist they merge into one namespace package.
// It also returns the other places that hold the name (for shadowing).
//
// Functions with the same layers and runtime share every entry after /var/task, so what
// those entries hold is looked up once per check (sharedHits) and only /var/task is
// looked at per function.
func (r *Resolver) findTop(env *Env, name string) (*Module, []Candidate) {
	if env.sharedKey == "" {
		return r.pick(r.hits(env, name, 0, len(env.Path)), false)
	}
	own := r.hits(env, name, 0, 1) // /var/task
	sh := r.sharedHits(env, name)
	if len(own) == 0 {
		return sh.found, sh.others
	}
	return r.pick(append(own, sh.hits...), false)
}

// hits are the modules entries [from, to) of env's path hold for a top-level name, one
// per entry, in path order, each with its Entry set.
func (r *Resolver) hits(env *Env, name string, from, to int) []*Module {
	var out []*Module
	for i := from; i < to; i++ {
		ent := &env.Path[i]
		var m *Module
		switch {
		case ent.has != nil:
			if ent.has(name) {
				m = &Module{Name: name, Kind: Virtual, VirtualKind: ent.Kind}
			}
		case ent.Tree != nil:
			m = r.findIn(Loc{ent.Tree, ent.Dir}, name, name, env.Suffixes)
			if m == nil && ent.Declared != nil {
				if d, ok := ent.Declared[name]; ok {
					m = &Module{Name: name, Kind: Virtual, VirtualKind: ent.Kind, Declared: d}
				}
			}
		}
		if m != nil {
			m.Entry = i
			out = append(out, m)
		}
	}
	return out
}

// pick chooses among a name's hits as PathFinder does, and returns the others. A
// namespace merged from several portions is a new module; the hits are not changed.
// shared marks the result as one every function with the same shared key gets.
func (r *Resolver) pick(hits []*Module, shared bool) (*Module, []Candidate) {
	var found, ns *Module
	var others []Candidate
	merged := false
	for _, m := range hits {
		switch {
		case found != nil:
			others = append(others, Candidate{Entry: m.Entry, Module: m})
		case m.Kind == Namespace && ns == nil:
			ns = m
		case m.Kind == Namespace:
			if !merged {
				cp := *ns
				cp.Path = append([]Loc(nil), ns.Path...)
				cp.shared = shared
				ns, merged = &cp, true
			}
			ns.Path = append(ns.Path, m.Path...)
		default:
			found = m
		}
	}
	if found == nil {
		return ns, others
	}
	if found.Tree != nil && !found.shared {
		// found is fresh from findIn; shared hits have Trusted set already.
		found.Trusted = r.trusted(found)
	}
	return found, others
}

// trusted reports whether an installed distribution owns m, a top-level module or
// regular package in a tree: one listed by a dist-info or egg-info next to it.
func (r *Resolver) trusted(m *Module) bool {
	dir := path.Dir(m.File)
	if m.Kind == Package {
		dir = path.Dir(m.Path[0].Dir)
	}
	return r.owned(Loc{m.Tree, dir}, m.Name)
}

// sharedTop is what the shared entries of a path hold for one top-level name.
type sharedTop struct {
	hits   []*Module
	found  *Module // the pick among hits alone
	others []Candidate
}

type sharedKey struct {
	key, name string
}

// sharedHits looks name up in the entries after /var/task, once per shared key. The
// modules it returns are shared by functions and never changed.
func (r *Resolver) sharedHits(env *Env, name string) *sharedTop {
	return r.tops.Get(sharedKey{env.sharedKey, name}, func() *sharedTop {
		st := &sharedTop{hits: r.hits(env, name, 1, len(env.Path))}
		for _, m := range st.hits {
			m.shared = true
			if m.Tree != nil && m.Kind != Namespace {
				m.Trusted = r.trusted(m)
			}
		}
		if len(st.hits) == 0 {
			return &noShared // a name no shared entry holds (most imports that fail): one value for all
		}
		st.found, st.others = r.pick(st.hits, true)
		return st
	})
}

// noShared is the sharedTop of every name no entry after /var/task holds.
var noShared sharedTop

// Candidate is another place on the path that holds a top-level name.
type Candidate struct {
	Entry  int
	Module *Module
}

type subKey struct {
	parent *Module
	name   string
}

// findSub looks a submodule up in a package's __path__. The submodules of a shared
// module (see sharedHits) are shared too, and looked up once per check.
func (r *Resolver) findSub(env *Env, parent *Module, name string) *Module {
	if !parent.shared {
		return r.findSubIn(env, parent, name)
	}
	return r.subs.Get(subKey{parent, name}, func() *Module {
		m := r.findSubIn(env, parent, name)
		if m != nil {
			m.shared = true
		}
		return m
	})
}

func (r *Resolver) findSubIn(env *Env, parent *Module, name string) *Module {
	tail := name[strings.LastIndexByte(name, '.')+1:]
	if parent.Kind == Virtual {
		return &Module{Name: name, Kind: Virtual, VirtualKind: parent.VirtualKind, Declared: parent.Declared, Entry: parent.Entry}
	}
	var ns *Module
	for _, loc := range parent.Path {
		m := r.findIn(loc, name, tail, env.Suffixes)
		if m == nil {
			continue
		}
		m.Entry = parent.Entry
		m.Trusted = parent.Trusted
		if m.Kind == Namespace {
			if ns == nil {
				ns = m
			} else {
				ns.Path = append(ns.Path, m.Path...)
			}
			continue
		}
		return m
	}
	return ns
}

// owned reports whether an installed distribution in folder loc lists top-level name
// (dist-info top_level.txt or RECORD, egg-info top_level.txt).
func (r *Resolver) owned(loc Loc, name string) bool {
	return r.owners.Get(loc, func() map[string]bool { return r.readOwners(loc) })[name]
}

// readOwners reads the top-level names the installed distributions in loc own.
func (r *Resolver) readOwners(loc Loc) map[string]bool {
	set := map[string]bool{}
	d := r.list(loc)
	for dir := range d.dirs {
		if !strings.HasSuffix(dir, ".dist-info") && !strings.HasSuffix(dir, ".egg-info") {
			continue
		}
		meta := path.Join(loc.Dir, dir)
		if b, err := loc.Tree.ReadFile(path.Join(meta, "top_level.txt")); err == nil {
			for _, l := range strings.Split(string(b), "\n") {
				if l = strings.TrimSpace(l); l != "" {
					set[strings.Split(l, "/")[0]] = true
				}
			}
			continue
		}
		if b, err := loc.Tree.ReadFile(path.Join(meta, "RECORD")); err == nil {
			for _, l := range strings.Split(string(b), "\n") {
				p := strings.Trim(strings.SplitN(l, ",", 2)[0], `"`)
				if p == "" || strings.HasPrefix(p, "../") || strings.HasPrefix(p, "/") {
					continue
				}
				first := strings.SplitN(p, "/", 2)[0]
				if strings.HasSuffix(first, ".dist-info") || strings.HasSuffix(first, ".data") || first == "__pycache__" {
					continue
				}
				if i := strings.IndexByte(first, '.'); i > 0 && !strings.Contains(p, "/") {
					first = first[:i]
				}
				set[first] = true
			}
		}
	}
	return set
}
