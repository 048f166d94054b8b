package pyresolve

import (
	"iter"
	"sync"

	"github.com/layerkit/layerkit/internal/tree"
)

// The files a shared package's run reaches, for check's walk of every function's
// loaded files (its ignore comments, resolve.LoadedFilesOnce). 200 functions that
// import a 5,000-module layer package each reach its 5,000 files through one
// runSummary (Result.bases); the walk visits them once, for the first function, when
// visiting them for a function is visiting what LoadedFiles visits for it.

// loadedItem is one file LoadedFiles visits.
type loadedItem struct {
	t         tree.Tree
	file      string
	installed bool
}

// moduleFile is the file LoadedFiles visits for module m, if any: not a folder, not a
// compiled file (a namespace package's first folder stands for one without a file).
func moduleFile(m *Module) (loadedItem, bool) {
	if m == nil || m.Kind == Namespace {
		return loadedItem{}, false
	}
	t, file := m.Tree, m.File
	if (t == nil || file == "") && len(m.Path) > 0 {
		t, file = m.Path[0].Tree, m.Path[0].Dir
	}
	if t == nil || file == "" || m.Kind == Compiled {
		return loadedItem{}, false
	}
	return loadedItem{t, file, m.Trusted}, true
}

// baseFiles is what LoadedFiles visits for a base's names when the function has none
// of them: for each name with a site, the file of the site and the file of the module.
type baseFiles struct {
	items []loadedItem // each once
	// count: how many (name, site or module) of the base visit each item
	count []int32
	// site and mod: a name's site file and module file, as an index in items
	site, mod map[string]int32
}

// baseFilesOnce is a base's baseFiles, built the first time it is asked for.
type baseFilesOnce struct {
	once  sync.Once
	files *baseFiles
}

// loadedFiles is s's baseFiles.
func (s *runSummary) loadedFiles() *baseFiles {
	s.filesOnce.once.Do(func() {
		f := &baseFiles{site: make(map[string]int32, len(s.sites)), mod: make(map[string]int32, len(s.sites))}
		index := map[loadedItem]int32{}
		add := func(it loadedItem) int32 {
			i, ok := index[it]
			if !ok {
				i = int32(len(f.items))
				index[it] = i
				f.items = append(f.items, it)
				f.count = append(f.count, 0)
			}
			f.count[i]++
			return i
		}
		for name, st := range s.sites {
			if st.Tree != nil && st.File != "" {
				f.site[name] = add(loadedItem{st.Tree, st.File, false})
			}
			if it, ok := moduleFile(s.imported[name]); ok {
				f.mod[name] = add(it)
			}
		}
		s.filesOnce.files = f
	})
	return s.filesOnce.files
}

// wholeBase returns the function's one base when the walk remembers bases (seen is
// not nil) and visiting all of the base's baseFiles, with the function's own names
// visited as LoadedFiles does, visits exactly LoadedFiles' files; else nil.
//
// LoadedFiles visits, for each name of the base that the function has no site for,
// the base's site's file and the module's file (the function's module when it has its
// own, which loadedFiles then visits itself). A name the function has a site for is
// the function's: the base's site file and module file for it are visited through
// the base only if another name of the base visits them too. So the base is whole
// when every (name, site or module) the function takes over leaves each item it
// visits with another name that visits it.
func (r *Result) wholeBase(seen map[any]bool) *runSummary {
	if seen == nil || len(r.bases) != 1 {
		return nil
	}
	b := r.bases[0]
	f := b.loadedFiles()
	var taken map[int32]int32
	take := func(i int32, ok bool) bool {
		if !ok {
			return true
		}
		if taken == nil {
			taken = map[int32]int32{}
		}
		taken[i]++
		return taken[i] < f.count[i]
	}
	for name := range r.sites {
		if _, ok := b.sites[name]; !ok {
			continue
		}
		if i, ok := f.site[name]; !take(i, ok) {
			return nil
		}
		if m, own := r.imported[name]; own && m != b.imported[name] {
			if i, ok := f.mod[name]; !take(i, ok) {
				return nil
			}
		}
	}
	for name, m := range r.imported {
		if _, ok := r.sites[name]; ok {
			continue
		}
		if _, ok := b.sites[name]; ok && m != b.imported[name] {
			if i, ok := f.mod[name]; !take(i, ok) {
				return nil
			}
		}
	}
	return b
}

// ModulesWhere yields the modules of Modules for which keep(name, m) is true. key
// stands for keep: a value of a type of the caller's own, holding whatever else keep
// reads (an overlay of layers, say), so that keep answers from its arguments and key
// alone. A shared package's run (Result.bases) is filtered once per key, for the first
// function that asks, and every function that shares the run is then given what passed. A rule that looks for a few modules among the 5,000 of a
// layer package 200 functions import asks keep 5,000 times, not a million.
func (r *Result) ModulesWhere(key any, keep func(name string, m *Module) bool) iter.Seq2[string, *Module] {
	return func(yield func(string, *Module) bool) {
		for name, m := range r.imported {
			if keep(name, m) && !yield(name, m) {
				return
			}
		}
		for i, b := range r.bases {
			for _, e := range b.kept(key, keep) {
				if r.shadowed(e.name, i) {
					continue
				}
				if !yield(e.name, e.m) {
					return
				}
			}
		}
	}
}

// keptModules holds a run's modules that passed each key's keep (ModulesWhere).
type keptModules struct {
	mu    sync.Mutex
	byKey map[any]*keptList
}

type keptList struct {
	once sync.Once
	mods []modEntry
}

// kept is the modules of s.imported for which keep is true, worked out once per key.
func (s *runSummary) kept(key any, keep func(string, *Module) bool) []modEntry {
	k := &s.keptMods
	k.mu.Lock()
	l := k.byKey[key]
	if l == nil {
		if k.byKey == nil {
			k.byKey = map[any]*keptList{}
		}
		l = &keptList{}
		k.byKey[key] = l
	}
	k.mu.Unlock()
	l.once.Do(func() {
		for name, m := range s.imported {
			if keep(name, m) {
				l.mods = append(l.mods, modEntry{name: name, m: m})
			}
		}
	})
	return l.mods
}
