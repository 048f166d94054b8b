package pyresolve

import (
	"maps"
	"slices"
	"strings"
)

// Summaries of shared modules' runs. Functions with the same layers, runtime and
// architecture (Env.sharedKey) that import a layer package run the same top level:
// the same modules found, the same names bound, the same lazy imports queued. The run
// of a shared top-level module is made once per shared key, by an analysis of its own
// over the same path with an empty /var/task (summarize), and each function then
// copies what that run left (replay) instead of running it again.
//
// A summary is used only where the function's own run would be that one, and kept only
// when the run is one a function can copy as it is:
//   - the run found no problem, shadow, unfollowed import or sys.path edit, and no
//     failure escapes it (those are rendered with the function's chains and positions);
//   - every top-level name the run looked up or looked at is new to the function (the
//     function has not imported it: nothing the run reads is the function's own state)
//     and is not in the function's /var/task (where it would shadow the layer's);
//   - the function has not edited sys.path, its handler module is not among the names,
//     and the calls at import time it followed leave room for the run's (maxFollow).
// Otherwise the function runs the module itself, as before.

type runKey struct {
	key string
	mod *Module
}

// runSummary is what one shared module's run leaves in an analysis.
type runSummary struct {
	ok bool
	// mods: what the run looked up (the module's own name excepted), top-level names
	// first; reads: the names it looked at without a lookup.
	mods      []modEntry
	nTop      int    // mods[:nTop] are the top-level names
	self      string // the summarized module's name
	reads     []string
	modMap    map[string]*Module // mods as a map (with the module's own name)
	imported  map[string]*Module
	state     map[string]int
	parents   map[string]string
	sites     map[string]Site
	ns        map[string]*namespace
	seenTop   []string
	queue     []work
	followed  []string
	nFollowed int
	// syntax: the modules of imported that some Python cannot compile (syntaxErrors
	// looks at these alone among a base's modules)
	syntax []string
	// filesOnce: the files its sites reach, for LoadedFilesOnce (loaded.go)
	filesOnce baseFilesOnce
	// keptMods: its modules a rule's filter keeps, per key (ModulesWhere, loaded.go)
	keptMods keptModules
}

type modEntry struct {
	name string
	m    *Module
	top  bool // a top-level name
}

// readMod notes, while summarizing, a module name read without a lookup.
func (a *analysis) readMod(name string) {
	if a.reads != nil {
		a.reads[name] = true
	}
}

// inert reports whether loading module m changes nothing but the bookkeeping of which
// modules are loaded: no code of it runs (a module of the runtime or the standard
// library, a compiled file, a package an installed distribution owns).
func inert(m *Module) bool { return m == nil || m.Kind != Namespace && !scannable(m) }

// replay copies the summary of module m's run into a, when there is one a can use;
// it reports whether it did (m's top level then counts as run, without failure).
func (a *analysis) replay(m *Module) bool {
	if a.r.NoSummaries || a.summarizing || !m.shared || a.env.sharedKey == "" || a.order != nil || a.unknownEdit != "" ||
		strings.IndexByte(m.Name, '.') >= 0 || !scannable(m) {
		return false
	}
	if h, _, _ := strings.Cut(a.res.Handler.Module, "."); h == m.Name {
		return false // the handler module's names are recorded (exec.go)
	}
	if _, ok := a.pendingShadow[m.Name]; ok {
		return false // its first import statement gives the shadow its position
	}
	s := a.r.runs.Get(runKey{a.env.sharedKey, m}, func() *runSummary { return a.r.summarize(a.env, m) })
	if !s.ok || a.nFollowed+s.nFollowed > maxFollow || !a.canReplay(s) {
		return false
	}
	// had: the modules a has loaded before, and inert (canReplay): the run only
	// imported them again. Asked from the smaller side.
	var had map[string]bool
	note := func(name string) {
		if had == nil {
			had = map[string]bool{}
		}
		had[name] = true
	}
	if a.mods.size() < len(s.mods) {
		for name := range a.mods.all {
			if _, in := s.modMap[name]; in && name != s.self {
				note(name)
			}
		}
	} else {
		for _, e := range s.mods {
			if a.mods.has(e.name) {
				note(e.name)
			}
		}
	}
	if len(s.mods) > 256 && 4*a.mods.size() < len(s.mods) {
		a.adopt(s)
		a.copied += len(s.mods) // (not what the next function's maps are sized for)
	} else {
		a.merge(s, had)
	}
	a.res.bases = append(a.res.bases, s)
	if len(s.ns) > 0 {
		a.bases = append(a.bases, s)
	}
	for _, t := range s.seenTop {
		a.seenTop[t] = true
	}
	for _, w := range s.queue {
		if !had[w.mod.Name] {
			a.queue = append(a.queue, w)
		}
	}
	if len(s.followed) > 0 && a.followed == nil {
		a.followed = make(map[string]bool, len(s.followed))
	}
	for _, k := range s.followed {
		a.followed[k] = true
	}
	a.nFollowed += s.nFollowed
	a.res.replayed++
	return true
}

// merge copies the summary's working maps into a's, entry by entry (a's entries
// stay); the summary's modules, sites and parents are the result's through
// Result.bases, not copied.
func (a *analysis) merge(s *runSummary, had map[string]bool) {
	for _, e := range s.mods {
		if had[e.name] {
			if p, _ := a.res.parent(e.name); p == "" {
				if _, inS := s.parents[e.name]; inS {
					// the summary's parent of a module a had is not a's: "" hides it
					// (Result.parent) until a load of a's sets one
					a.parentMod[e.name] = ""
				}
			}
			continue
		}
		a.mods.set(e.name, e.m)
		if st, ok := s.state[e.name]; ok {
			a.state.set(e.name, st)
		}
	}
}

// adopt is merge for an analysis that has much less than the summary: a's working
// maps read through to the summary's (layered), a's own entries over them; nothing
// is copied.
func (a *analysis) adopt(s *runSummary) {
	a.mods.adopt(s.modMap)
	a.state.adopt(s.state)
}

// canReplay reports whether a's own run of the summarized module would be the
// summary's: each module the run looked up is new to a, and then not in a's /var/task,
// or a has it already as the same inert module, loaded at least as eagerly (the run
// imports it again, which does nothing); each module the run looked at without a lookup
// is inert in a.
func (a *analysis) canReplay(s *runSummary) bool {
	handlerTop, _, _ := strings.Cut(a.res.Handler.Module, ".")
	if a.mods.size() < len(s.mods) {
		return a.canReplayFew(s, handlerTop)
	}
	for _, e := range s.mods {
		old, had := a.mods.lookup(e.name)
		if !had {
			if e.top && len(a.r.hits(a.env, e.name, 0, 1)) > 0 {
				return false // the function's package has it: the run would find that
			}
			continue
		}
		if old != e.m || !inert(old) || a.state.get(e.name) < s.state[e.name] {
			return false
		}
		if e.top {
			if _, ok := a.pendingShadow[e.name]; ok || e.name == handlerTop {
				return false
			}
		}
	}
	for _, name := range s.reads {
		if m := a.mods.get(name); !inert(m) {
			return false
		}
	}
	return true
}

// canReplayFew is canReplay for an analysis that has looked up fewer modules than the
// summary's run: the same questions, asked from a's side. Of the summary's modules
// only the top-level names are walked (to ask whether /var/task has them); the rest
// matter only when a has them too.
func (a *analysis) canReplayFew(s *runSummary, handlerTop string) bool {
	for _, e := range s.mods[:s.nTop] {
		if !a.mods.has(e.name) && len(a.r.hits(a.env, e.name, 0, 1)) > 0 {
			return false // the function's package has it: the run would find that
		}
	}
	for name, old := range a.mods.all {
		m, in := s.modMap[name]
		if !in || name == s.self {
			continue
		}
		if old != m || !inert(old) || a.state.get(name) < s.state[name] {
			return false
		}
		if strings.IndexByte(name, '.') < 0 {
			if _, ok := a.pendingShadow[name]; ok || name == handlerTop {
				return false
			}
		}
	}
	for _, name := range s.reads {
		if m := a.mods.get(name); !inert(m) {
			return false
		}
	}
	return true
}

// summarize runs shared top-level module m as the first import of it, over env's path
// with an empty /var/task, and keeps what the run leaves.
func (r *Resolver) summarize(env *Env, m *Module) *runSummary {
	e := *env
	e.Task = nil
	e.Path = slices.Clone(env.Path)
	e.Path[0].Tree, e.Path[0].Declared = nil, nil
	b := newAnalysis(r, &e)
	b.summarizing, b.reads = true, map[string]bool{}
	b.mods.set(m.Name, m)
	b.res.imported[m.Name] = m
	b.state.set(m.Name, 2)
	fail := b.scanModule(m, false)
	s := &runSummary{}
	if fail != nil || len(b.res.Problems) > 0 || len(b.res.Shadows) > 0 || len(b.res.Unfollowed) > 0 ||
		len(b.pendingShadow) > 0 || b.order != nil || b.unknownEdit != "" || b.nFollowed >= maxFollow ||
		len(b.phantom) > 0 {
		// (a phantom module is loaded in the run's state but not in Python's sys.modules:
		// the summary's state cannot say so, and a later import would find it loaded)
		return s
	}
	s.ok = true
	b.mods.flatten()
	for name, mod := range b.mods.own {
		if name != m.Name {
			s.mods = append(s.mods, modEntry{name, mod, strings.IndexByte(name, '.') < 0})
		}
	}
	slices.SortFunc(s.mods, func(x, y modEntry) int { return strings.Count(x.name, ".") - strings.Count(y.name, ".") })
	for s.nTop < len(s.mods) && s.mods[s.nTop].top {
		s.nTop++
	}
	s.self = m.Name
	s.reads = slices.Sorted(maps.Keys(b.reads))
	b.state.flatten()
	s.state, s.parents, s.sites, s.ns = b.state.own, b.parentMod, b.res.sites, b.ns
	s.modMap, s.imported = b.mods.own, b.res.imported
	for name, mod := range b.res.imported {
		if scannable(mod) {
			if syn := b.syntaxOf(mod); syn != nil && len(syn.Problems) > 0 {
				s.syntax = append(s.syntax, name)
			}
		}
	}
	s.seenTop = slices.Collect(maps.Keys(b.seenTop))
	s.queue = b.queue
	s.followed = slices.Collect(maps.Keys(b.followed))
	s.nFollowed = b.nFollowed
	return s
}

// nsOf is the namespace of module name: a's own, or, the first time a asks for one
// a summary it copied has, a copy of that one (most are never asked for).
func (a *analysis) nsOf(name string) *namespace {
	if ns, ok := a.ns[name]; ok {
		return ns
	}
	for _, s := range a.bases {
		if ns := s.ns[name]; ns != nil {
			c := ns.clone()
			a.ns[name] = c
			return c
		}
	}
	return nil
}

// clone is a copy of a finished module's namespace for another function's analysis
// (it may bind more names later: submodules set as attributes).
func (ns *namespace) clone() *namespace {
	c := *ns
	c.binds = slices.Clip(ns.binds)
	c.index, c.lookups = nil, 0
	if ns.starMods != nil {
		c.starMods = maps.Clone(ns.starMods)
	}
	return &c
}
