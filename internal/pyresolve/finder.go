package pyresolve

import (
	"path"
	"strings"
	"sync"

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
}

// IsPackage reports whether submodules can be looked up in m.
func (m *Module) IsPackage() bool { return m.Kind == Package || m.Kind == Namespace }

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
}

// lister caches folder listings; safe for concurrent use.
type lister struct {
	mu    sync.Mutex
	cache map[Loc]*dirIndex
}

func newLister() *lister { return &lister{cache: map[Loc]*dirIndex{}} }

func (l *lister) list(loc Loc) *dirIndex {
	l.mu.Lock()
	d, ok := l.cache[loc]
	l.mu.Unlock()
	if ok {
		return d
	}
	d = &dirIndex{files: map[string]bool{}, dirs: map[string]bool{}}
	if loc.Tree != nil {
		if infos, err := loc.Tree.ReadDir(loc.Dir); err == nil {
			for _, fi := range infos {
				if fi.Dir {
					d.dirs[fi.Name] = true
				} else {
					d.files[fi.Name] = true
				}
			}
		}
	}
	l.mu.Lock()
	l.cache[loc] = d
	l.mu.Unlock()
	return d
}

// findIn is CPython's FileFinder.find_spec for one folder: a regular package wins, then
// a module file (extension suffixes, .py, .pyc in that order), then a namespace portion.
// It returns the module (nil when nothing) and whether it is only a namespace portion.
func (r *Resolver) findIn(loc Loc, name, tail string, suffixes []string) *Module {
	d := r.lister.list(loc)
	isNS := false
	if d.dirs[tail] {
		sub := Loc{loc.Tree, path.Join(loc.Dir, tail)}
		sd := r.lister.list(sub)
		for _, suf := range suffixes {
			if sd.files["__init__"+suf] {
				kind := Package
				return &Module{Name: name, Kind: kind, Tree: loc.Tree, File: path.Join(sub.Dir, "__init__"+suf), Path: []Loc{sub}}
			}
		}
		isNS = true
	}
	for _, suf := range suffixes {
		if d.files[tail+suf] {
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
func (r *Resolver) findTop(env *Env, name string) (*Module, []Candidate) {
	var found *Module
	var ns *Module
	var others []Candidate
	for i, ent := range env.Path {
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
		if m == nil {
			continue
		}
		m.Entry = i
		if found != nil {
			others = append(others, Candidate{Entry: i, Module: m})
			continue
		}
		if m.Kind == Namespace {
			if ns == nil {
				ns = m
			} else {
				ns.Path = append(ns.Path, m.Path...)
			}
			continue
		}
		found = m
	}
	if found == nil && ns != nil {
		return ns, others
	}
	if found != nil && found.Tree != nil {
		found.Trusted = r.owned(Loc{found.Tree, path.Dir(found.File)}, name)
		if found.Kind == Package {
			found.Trusted = r.owned(Loc{found.Tree, path.Dir(found.Path[0].Dir)}, name)
		}
	}
	return found, others
}

// Candidate is another place on the path that holds a top-level name.
type Candidate struct {
	Entry  int
	Module *Module
}

// findSub looks a submodule up in a package's __path__.
func (r *Resolver) findSub(env *Env, parent *Module, name string) *Module {
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
	r.ownMu.Lock()
	set, ok := r.owners[loc]
	r.ownMu.Unlock()
	if !ok {
		set = map[string]bool{}
		d := r.lister.list(loc)
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
		r.ownMu.Lock()
		r.owners[loc] = set
		r.ownMu.Unlock()
	}
	return set[name]
}
