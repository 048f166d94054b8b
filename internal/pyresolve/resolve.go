package pyresolve

import (
	"bytes"
	"fmt"
	"iter"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/layerkit/layerkit/internal/memo"

	"github.com/layerkit/layerkit/internal/pyscan"
	"github.com/layerkit/layerkit/internal/pysyntax"
	"github.com/layerkit/layerkit/internal/tree"
)

// Resolver holds caches shared by every function of a check (layers are shared).
// It is safe for concurrent use.
type Resolver struct {
	dirs   memo.Map[Loc, *dirIndex]       // folder listings
	owners memo.Map[Loc, map[string]bool] // top-level names installed distributions own, by folder
	scans  memo.Map[fileKey, *scanned]    // by the tree a file was asked in
	layers memo.Map[fileKey, *scanned]    // by the layer that holds it (tree.LayerOf)
	// overlays are the /opt overlays, by their layers (see overlay).
	overlays memo.Map[string, *tree.Overlay]
	// What the path entries functions share hold, by top-level name (findTop) and by
	// shared parent package (findSub).
	tops memo.Map[sharedKey, *sharedTop]
	subs memo.Map[subKey, *Module]
	// runs are the summaries of shared top-level modules' runs (summary.go).
	runs memo.Map[runKey, *runSummary]
	// reached is how many modules the last function analysed looked up.
	reached atomic.Int32
	// NoSummaries makes every function run every module itself (tests compare).
	NoSummaries bool
	// NoPrefetch turns off scanning ahead of the analyses (prefetch.go).
	NoPrefetch bool
	pf         prefetcher
	// quiet holds the files (fileKey, as asked) read for a scan whose bytes never say
	// "layerkit": they hold no ignore comment, so the check need not read them again
	// (Quiet, check.sourceIgnores).
	quiet sync.Map
}

type fileKey struct {
	t    tree.Tree
	name string
}

type scanned struct {
	file   *pyscan.File
	syntax *pysyntax.Summary // what stops some Python 3 compiling the file (nil: nothing)
	err    error
	// quiet: the file was read and its bytes never say "layerkit" (Resolver.Quiet).
	quiet bool
}

// ignoreWord is what every ignore comment holds (suppress: "# layerkit: ignore").
var ignoreWord = []byte("layerkit")

// Quiet reports whether name in t was read for a scan and holds no ignore comment (its
// bytes never say "layerkit"): a caller looking for ignore comments can skip it.
// False when it was not read (or not as t, name).
func (r *Resolver) Quiet(t tree.Tree, name string) bool {
	_, ok := r.quiet.Load(fileKey{t, name})
	return ok
}

func (r *Resolver) noteQuiet(t tree.Tree, name string, s *scanned) *scanned {
	if s.quiet {
		r.quiet.Store(fileKey{t, name}, struct{}{})
	}
	return s
}

// New returns a Resolver with empty caches.
func New() *Resolver { return &Resolver{} }

// Scan returns the scanned source of name in t (cached).
// A file of a layer is scanned once however many overlays (layer combinations) show it:
// the cache holds it under the layer's own tree, and under the overlay name it was asked
// by, so the next ask is one map lookup.
func (r *Resolver) Scan(t tree.Tree, name string) (*pyscan.File, error) {
	s := r.scans.Get(fileKey{t, name}, func() *scanned {
		return r.layerScan(t, name)
	})
	return s.file, s.err
}

// layerScan reads and scans name once per layer that holds it.
func (r *Resolver) layerScan(t tree.Tree, name string) *scanned {
	layer := tree.LayerOf(t, name)
	return r.layers.Get(fileKey{layer, name}, func() *scanned {
		s := readScan(layer, name)
		if o, ok := t.(*tree.Overlay); ok {
			r.prefetch(o, name, s.file)
		}
		return s
	})
}

// readScan reads name in t and scans it: once for imports (pyscan), once strictly for
// what the runtime cannot compile (pysyntax), from the one read. Neither keeps a byte of
// the source (their results hold copies), so it is read into a reused buffer: a check
// that scans thousands of layer modules does not allocate, and fault in, one for each.
func readScan(t tree.Tree, name string) (s *scanned) {
	tree.WithFile(t, name, 0, func(b []byte, err error) {
		if err != nil {
			s = &scanned{err: err}
			return
		}
		f := pyscan.Scan(b)
		var syn *pysyntax.Summary
		if !f.SyntaxClean { // else the scan proved Check finds nothing: one tokenization
			syn = pysyntax.Check(b)
		}
		s = &scanned{file: f, syntax: syn, quiet: !bytes.Contains(b, ignoreWord)}
	})
	return s
}

// scan is Resolver.Scan for the analysis: the files of a package no other function
// has (Env.OwnTask) are scanned for this analysis alone and dropped with it, so a
// check's memory does not grow with every function's source.
func (a *analysis) scan(t tree.Tree, name string) (*pyscan.File, error) {
	s := a.scanned(t, name)
	return s.file, s.err
}

func (a *analysis) scanned(t tree.Tree, name string) *scanned {
	if !a.env.OwnTask || t == nil || t != a.env.Task {
		return a.r.scans.Get(fileKey{t, name}, func() *scanned { return a.r.noteQuiet(t, name, a.r.layerScan(t, name)) })
	}
	if s, ok := a.own[name]; ok {
		return s
	}
	if a.own == nil {
		a.own = map[string]*scanned{}
	}
	s := a.r.noteQuiet(t, name, readScan(t, name))
	a.own[name] = s
	return s
}

// Failure says why an import fails.
type Failure int

const (
	NoModule         Failure = iota + 1 // No module named 'x'
	NoName                              // cannot import name 'n' from 'm'
	NoParent                            // attempted relative import with no known parent package
	BeyondTop                           // attempted relative import beyond top-level package
	CompiledMismatch                    // only a compiled file for another Python or architecture exists
	NoAttribute                         // module 'm' has no attribute 'n' (a name in __all__ of a star import)
	PartialAttr                         // partially initialized module 'm' has no attribute 'n' (a.X in an import cycle)
	PathGone                            // KeyError: 'p' finding Missing in a namespace package whose parent p left sys.modules (Name)
	NamespaceAttr                       // module 'm' has no attribute 'n' (a.X at import time, a being a namespace package that certainly has no X)
)

// Problem is one import reachable from the handler that fails on Lambda.
type Problem struct {
	Failure Failure
	// Partial is set (NoName) when Missing is still running its own top-level code when
	// the import runs — an import cycle, or a package importing from itself — so only
	// the names it binds before that point exist.
	Partial bool
	// Lazy is true when the import runs only when a function body runs.
	Lazy bool
	// laterNear: the rendering of Near is still to do (imports.go finish); beside the
	// other flags, so that a Problem (one per failing import) packs them in one word.
	laterNear bool
	// Missing is the dotted module that cannot be found (NoModule, CompiledMismatch), or
	// the module a name is missing from (NoName).
	Missing string
	Name    string // the missing name (NoName; CompiledMismatch of from pkg import name)
	// Statement: where the failing import is.
	Tree tree.Tree
	File string // name in Tree
	Line int
	Col  int
	// Stmt is the import as written, e.g. "from aws_utils import s3_object_bytes".
	Stmt string
	// Chain is how the handler reaches the file: handler module first.
	Chain []string
	// Near is, for CompiledMismatch, the compiled files that exist but cannot load.
	Near []string
	// CalledAt is set when the import is in a function body that runs at import time:
	// where the call that runs it is ("app.py:12").
	CalledAt string
	// PathUnknown is set when the import runs after a sys.path edit layerkit cannot
	// evaluate, and the module it fails on was not imported before that edit (the folder
	// the edit adds may hold another module of that name): where the edit is ("app.py:3").
	PathUnknown string
	// RaisedBy is set when an except clause caught this failure and raised another
	// exception instead (raise X(...) / raise X from e): X, at RaisedLine of File.
	RaisedBy   string
	RaisedLine int

	// rendering still to do, for a problem found inside a statement (imports.go finish)
	laterImp *pyscan.Import
	laterMod *Module
}

// Shadow is a top-level module provided by more than one place on the path.
type Shadow struct {
	Name   string
	Winner *Module
	Others []Candidate
	// Where the first import of it is.
	Tree tree.Tree
	File string
	Line int
	Col  int
}

// Handler is what became of the function's Handler setting.
type Handler struct {
	Module    string // dotted module name
	Func      string
	Malformed bool    // no "." in the handler
	Found     *Module // nil when the module does not resolve
	Missing   string  // the first part of Module that does not resolve
	// Defined is 1 when the module defines Func at top level, 0 when it does not, -1
	// when we cannot know (compiled, dynamic names).
	Defined int
	// NotCallable is set (with Defined 0) when the module's top level leaves Func bound
	// to a value that cannot be called (None, a number, a string, a list, ...).
	NotCallable bool
	// NotRun is set (with Defined 0) when the module's source binds Func at top level,
	// but only in code that does not run when Lambda imports it (a try body an import
	// leaves, a branch the runtime skips) or that a del undoes.
	NotRun bool
}

// Result is one function's import analysis.
type Result struct {
	Env      *Env
	Handler  Handler
	Problems []Problem
	Shadows  []Shadow
	// Syntax are the modules imported at init that the runtime's Python cannot compile.
	Syntax []SyntaxError
	// Unfollowed are the imports layerkit cannot follow (syspath.go, calls.go).
	Unfollowed []Unfollowed
	// imported are the modules reached from the handler, by name (Module, Modules).
	imported map[string]*Module
	// sites says, for each imported module, the import statement that first reaches it
	// (an eager one when there is one). The handler module and its parents have none
	// (Site, Sites).
	sites map[string]Site
	// parents: module → the module whose import first reached it.
	parents map[string]string
	// bases are the summaries of shared packages' runs this function copied
	// (summary.go replay), in the order it copied them: their modules, sites and parents
	// are the function's too, under the function's own entries (and a later summary's
	// under an earlier one's). They are shared by every function that copied them and
	// never written: 200 functions importing a 5,000-module package hold one copy of it.
	bases []*runSummary
	// replayed counts the shared modules' runs copied from a summary (summary.go).
	replayed int
	// chains memoizes Chain (rules ask for it side by side).
	chainMu sync.Mutex
	chains  map[string]chainInfo
	// chainSteps counts the parent links Chain followed: its test bounds the work.
	chainSteps int
}

// Site is an import statement that reaches a module.
type Site struct {
	Tree tree.Tree
	File string // name in Tree of the importing file
	Line int
	Col  int
	Stmt string
	Lazy bool
	// From is the importing module; Result.Chain(From) is how the handler reaches it.
	From string
}

// Chain is how the handler reaches module name: the handler module first, name last.
// A chain longer than maxChainShown is abbreviated: its first and last chainEnds
// modules, with one element between them saying how many are left out
// ("… 9,994 more …"). A problem in each module of a long chain would otherwise put
// the whole chain in every message: output quadratic in the chain (a 300 KB import
// chain gave 497 MB of JSON). Chains are memoized per module, so asking for every
// module of a chain costs its length, not its square.
func (r *Result) Chain(name string) []string {
	r.chainMu.Lock()
	defer r.chainMu.Unlock()
	if r.chains == nil {
		r.chains = map[string]chainInfo{}
	}
	c, known := r.chains[name]
	if !known {
		c = r.chainWalk(name)
	}
	if c.length <= maxChainShown {
		out := make([]string, c.length)
		for i, m := c.length-1, name; i >= 0; i-- {
			out[i] = m
			m, _ = r.parent(m)
			r.chainSteps++
		}
		return out
	}
	tail := make([]string, chainEnds)
	for i, m := chainEnds-1, name; i >= 0; i-- {
		tail[i] = m
		m, _ = r.parent(m)
		r.chainSteps++
	}
	out := append(slices.Clone(c.head), fmt.Sprintf("… %d more …", c.length-2*chainEnds))
	return append(out, tail...)
}

// chainWalk memoizes the chain of name, not known yet: it walks up to a module already
// known (or the handler), then fills in down again.
func (r *Result) chainWalk(name string) chainInfo {
	var path []string
	onPath := map[string]bool{}
	cur := name
	for cur != "" && !onPath[cur] {
		if _, ok := r.chains[cur]; ok {
			break
		}
		onPath[cur] = true
		path = append(path, cur)
		cur, _ = r.parent(cur)
		r.chainSteps++
	}
	base := chainInfo{length: 0}
	if c, ok := r.chains[cur]; ok && cur != "" {
		base = c
	}
	for i := len(path) - 1; i >= 0; i-- {
		c := chainInfo{length: base.length + 1, head: base.head}
		if len(c.head) < chainEnds {
			c.head = append(slices.Clip(base.head), path[i])
		}
		r.chains[path[i]] = c
		base = c
	}
	return r.chains[name]
}

// Abbreviation of long chains (see Chain).
const (
	maxChainShown = 8
	chainEnds     = 3
)

// chainInfo is a module's chain: its length and its first chainEnds modules.
type chainInfo struct {
	length int
	head   []string
}

// Analyze resolves every import reachable from the handler of env's function.
func (r *Resolver) Analyze(env *Env) *Result {
	// Sized for a small handler: the maps grow with what it imports. Imported, Sites
	// and the parents stay with the Result of every function, so sizing them for tens
	// of modules cost 8 KB a function (160 MB for 20,000 one-module functions).
	a := newAnalysis(r, env)
	a.handler()
	a.run()
	a.afterInit()
	a.syntaxErrors()
	r.reached.Store(int32(min(a.mods.size()-a.copied, 1<<12)))
	return a.res
}

func newAnalysis(r *Resolver, env *Env) *analysis {
	// The maps are sized for what the function before reached (at least 8): growing a
	// map doubles it, so sizing it once costs less time and memory than growing.
	n := max(8, int(r.reached.Load()))
	a := &analysis{r: r, env: env, res: &Result{Env: env, imported: make(map[string]*Module, n), sites: make(map[string]Site, n)},
		mods: newLayered[*Module](n), state: newLayered[int](n), parentMod: make(map[string]string, n), seenProblem: map[string]int{},
		seenTop: make(map[string]bool, n/2), pendingShadow: map[string][]Candidate{}, ns: make(map[string]*namespace, n)}
	a.res.parents = a.parentMod
	return a
}

type work struct {
	mod  *Module
	lazy bool
}

type analysis struct {
	r     *Resolver
	env   *Env
	res   *Result
	mods  layered[*Module] // resolved modules by name; nil value = known missing
	state layered[int]     // 0 unseen, 1 scanned lazily, 2 scanned eagerly
	// parentMod: module → the module whose import first reached it (for chains).
	parentMod   map[string]string
	queue       []work
	seenProblem map[string]int // key → index in res.Problems
	seenTop     map[string]bool
	// phantomDepth > 0 while layerkit runs statements after a failure of a module's
	// top level (to report what else fails): the modules first imported then are in
	// phantom, as Python never imported them.
	phantomDepth int
	phantom      map[string]bool
	// pathEpoch counts the sys.path edits applied (syspath.go).
	pathEpoch int
	// reruns counts, per module, the runs of it again after it failed (at most
	// maxReruns, unless sys.path changed since its last failure).
	reruns map[string]int
	// failed is the prefix importChain could not find; failedKey, when finding it
	// raised KeyError (pathGone), the name in it.
	failed, failedKey string
	// ns: the globals of each module whose top level ran (or is running), as Python
	// sees them (exec.go).
	ns map[string]*namespace
	// cur collects what the import statement being run finds (nil: report directly);
	// stmts are the states reused at each depth of import statements running others.
	cur   *stmtState
	stmts []*stmtState
	depth int
	// minor is the runtime's Python minor version (0 not known yet, -1 unknown).
	minor int
	// pendingShadow holds, per top-level name, the other places that hold it, until the
	// first import statement that uses it gives it a position.
	pendingShadow map[string][]Candidate
	// sys.path edits (syspath.go): the search order over env.Path once edited, and the
	// first edit layerkit cannot evaluate.
	order       []int
	unknownEdit string
	known       map[string]bool // top-level modules found before the unknown edit
	// calls at import time into other modules (calls.go)
	callSite  string
	followed  map[string]bool
	nFollowed int
	// summarizing is set on the analysis that makes a shared module's run summary
	// (summary.go): it reads no summaries itself, and notes in reads the top-level
	// names it looks at without looking them up.
	summarizing bool
	reads       map[string]bool
	// bases are the summaries copied whose namespaces are not copied yet (nsOf)
	bases []*runSummary
	// copied counts the modules adopted from summaries (summary.go)
	copied int
	// own: the scanned files of the function's own package (scan)
	own map[string]*scanned
}

func (a *analysis) handler() {
	h := a.env.Function.Handler
	i := strings.LastIndexByte(h, '.')
	if i <= 0 || i == len(h)-1 {
		a.res.Handler = Handler{Malformed: true, Defined: -1}
		return
	}
	mod := strings.ReplaceAll(h[:i], "/", ".")
	a.res.Handler = Handler{Module: mod, Func: h[i+1:], Defined: -1}
	m := a.importChain(mod, false, "")
	if m == nil {
		a.res.Handler.Missing = a.failed
		return
	}
	a.res.Handler.Found = m
	if ns := a.nsOf(m.Name); ns != nil && ns.done {
		v, bound := ns.lookup(a.res.Handler.Func)
		switch {
		case bound && v == pyscan.ValNotCallable:
			a.res.Handler.Defined, a.res.Handler.NotCallable = 0, true
		case bound || ns.maybe[a.res.Handler.Func]:
			a.res.Handler.Defined = 1
		case ns.dyn():
		case ns.fail != nil:
			// its top level fails (or may, after a sys.path edit layerkit cannot
			// follow) before binding the name: that failure decides, not a lookup
			// that happens only if the import works
		default:
			a.res.Handler.Defined = 0
			star := false
			if f, err := a.scan(m.Tree, m.File); err == nil && scannable(m) {
				a.res.Handler.NotRun = f.Defines(a.res.Handler.Func)
				star = hasStarImport(f)
			}
			if (a.res.Handler.NotRun || star) && a.unknownEdit != "" {
				// the import that leaves the code binding it may work, and a star import
				// may bind it: the folder a sys.path edit layerkit cannot follow adds may
				// hold what they import
				a.res.Handler.Defined, a.res.Handler.NotRun = -1, false
			}
		}
	} else if m.Kind == SourceModule || (m.Kind == Package && strings.HasSuffix(m.File, ".py")) {
		if f, err := a.scan(m.Tree, m.File); err == nil && !f.Open {
			if f.Defines(a.res.Handler.Func) {
				a.res.Handler.Defined = 1
			} else {
				a.res.Handler.Defined = 0
			}
		}
	} else if m.Kind == Namespace {
		a.res.Handler.Defined = 0
	}
}

// hasStarImport reports whether f has a star import at module scope.
func hasStarImport(f *pyscan.File) bool {
	return slices.ContainsFunc(f.Imports, func(imp pyscan.Import) bool { return imp.Scope == pyscan.ModuleScope && imp.Star() })
}

// importChain imports a, a.b, a.b.c in turn, queueing each for scanning; it returns
// the last module, or nil (and the failing prefix in a.failed) when one is missing.
// An eager import starts below the longest prefix in sys.modules, as
// importlib._bootstrap._find_and_load_unlocked imports a parent only when it is not
// there: a.b left there by a package a that failed is used without running a again.
func (a *analysis) importChain(name string, lazy bool, via string) *Module {
	var m *Module
	a.failedKey = ""
	end := 0
	if !lazy {
		for i := len(name); i > 0; i = strings.LastIndexByte(name[:i], '.') {
			if lm := a.inSysModules(name[:i]); lm != nil {
				if i == len(name) {
					return lm
				}
				m, end = lm, i
				break
			}
		}
	}
	for end < len(name) {
		end = prefixEnd(name, end)
		prefix := name[:end]
		if i := strings.LastIndexByte(prefix, '.'); i > 0 && !lazy {
			if gp := a.pathGone(prefix[:i]); gp != "" {
				a.failed, a.failedKey = prefix, gp
				return nil
			}
		}
		m = a.lookup(prefix)
		if m == nil {
			a.failed = prefix
			return nil
		}
		a.enqueue(m, lazy, via)
		if a.cur != nil && a.cur.nested != nil {
			// running it raised: Python goes no further down the name (a.b is not
			// imported when a fails, and is not in sys.modules for a later import)
			return m
		}
		if !lazy && a.phantomDepth == 0 {
			delete(a.phantom, prefix)
		}
	}
	return m
}

// prefixEnd is where the dotted name's next prefix ends after name[:end]: for "a.b.c",
// 1, 3, 5 in turn from 0 (a, a.b, a.b.c).
func prefixEnd(name string, end int) int {
	if i := strings.IndexByte(name[end+1:], '.'); i >= 0 {
		return end + 1 + i
	}
	return len(name)
}

func (a *analysis) lookup(name string) *Module {
	if m, ok := a.mods.lookup(name); ok {
		return m
	}
	var m *Module
	if i := strings.LastIndexByte(name, '.'); i < 0 {
		var others []Candidate
		m, others = a.findTop(name)
		if m != nil && len(others) > 0 {
			a.pendingShadow[name] = others
		}
	} else {
		parent := a.lookup(name[:i])
		if parent != nil && parent.IsPackage() || parent != nil && parent.Kind == Virtual {
			m = a.r.findSub(a.env, parent, name)
		}
	}
	a.mods.set(name, m)
	if m != nil {
		a.res.imported[name] = m
	}
	return m
}

// enqueue imports module m: an eager import runs its top level now, and the failure
// that escapes it (if any) belongs to the import statement being checked (a.cur), or,
// when there is none (the handler module itself), is reported.
func (a *analysis) enqueue(m *Module, lazy bool, via string) {
	f := a.load(m, lazy, via)
	if f == nil {
		return
	}
	if a.cur != nil {
		if a.cur.nested == nil {
			a.cur.nested = f
		}
		return
	}
	a.recordFailure(f)
}

// maxReruns bounds how often a module that failed is run again (each import of it
// runs it again in Python); after that its last failure stands for the next runs.
const maxReruns = 4

// pathDependent reports whether every problem of failure f is a warning because of a
// sys.path edit layerkit cannot follow (Problem.PathUnknown).
func pathDependent(f *failure) bool {
	some, all := false, true
	f.each(map[*failure]bool{}, func(p Problem) { some, all = true, all && p.PathUnknown != "" })
	return some && all
}

func (a *analysis) load(m *Module, lazy bool, via string) *failure {
	want := 2
	if lazy {
		want = 1
	}
	if !lazy && a.phantomDepth == 0 && a.phantom[m.Name] {
		// Only layerkit ran it, going on after a failure to report more: Python has not
		// (it is not in sys.modules), and runs it now
		delete(a.phantom, m.Name)
	} else if a.state.get(m.Name) >= want {
		ns := a.nsOf(m.Name)
		if ns == nil || !ns.done || lazy {
			return nil
		}
		if ns.fail == nil || a.reruns[m.Name] >= maxReruns && ns.failEpoch == a.pathEpoch {
			return ns.fail // (run again often enough: it fails again the same way)
		}
		if ns.failEpoch == a.pathEpoch && pathDependent(ns.fail) {
			// it failed only on modules the folder an edit layerkit cannot follow may
			// hold (warnings): a run again would model a world Python may never reach
			return ns.fail
		}
		// Python runs a module that failed again: what it imports may be in
		// sys.modules now (left there by its first run) or found on an edited sys.path
		if a.reruns == nil {
			a.reruns = map[string]int{}
		}
		a.reruns[m.Name]++
	}
	if p, _ := a.res.parent(m.Name); p == "" && via != "" && via != m.Name {
		a.parentMod[m.Name] = via
	}
	a.state.set(m.Name, want)
	if !lazy && a.phantomDepth > 0 {
		if a.phantom == nil {
			a.phantom = map[string]bool{}
		}
		a.phantom[m.Name] = true
	}
	if lazy {
		a.queue = append(a.queue, work{m, lazy})
		return nil
	}
	// Python runs an imported module to its end before the importing statement
	// finishes: scan it now, depth first, so that a module half-way through its own
	// initialization (an import cycle) is seen as Python sees it. A layer package
	// whose run does not depend on the function is run once (summary.go).
	if a.replay(m) {
		return nil
	}
	f := a.scanModule(m, false)
	if f == nil && !a.phantom[m.Name] {
		// the import system sets the submodule as an attribute of its parent (not for
		// a module only layerkit ran, after a failure)
		if i := strings.LastIndexByte(m.Name, '.'); i >= 0 {
			if pns := a.nsOf(m.Name[:i]); pns != nil {
				if _, ok := pns.lookup(m.Name[i+1:]); !ok {
					pns.set(m.Name[i+1:], pyscan.ValUnknown, false)
				}
			}
		}
	}
	return f
}

func (a *analysis) run() {
	for len(a.queue) > 0 {
		w := a.queue[0]
		a.queue = a.queue[1:]
		if lazyNow := a.state.get(w.mod.Name) == 1; w.lazy != lazyNow {
			continue // superseded by an eager visit
		}
		a.recordFailure(a.scanModule(w.mod, w.lazy))
	}
}

func scannable(m *Module) bool {
	return m.Tree != nil && !m.Trusted && (m.Kind == SourceModule || m.Kind == Package) && strings.HasSuffix(m.File, ".py")
}

// scanModule runs one module's top level and checks the imports in its function
// bodies; it returns the failure that escapes its top level.
func (a *analysis) scanModule(m *Module, lazy bool) *failure {
	if m.Kind == Namespace {
		// no code: its names are the submodules imported so far
		if a.nsOf(m.Name) == nil {
			a.ns[m.Name] = &namespace{done: true}
		}
		return nil
	}
	if !scannable(m) {
		return nil
	}
	f, err := a.scan(m.Tree, m.File)
	if err != nil {
		a.unread(m, err, lazy)
		return nil
	}
	if f == nil {
		return nil
	}
	return a.execModule(m, f, lazy)
}

// Module is the module imported under name; nil when none is.
func (r *Result) Module(name string) *Module {
	if m, ok := r.imported[name]; ok {
		return m
	}
	for _, b := range r.bases {
		if m, ok := b.imported[name]; ok {
			return m
		}
	}
	return nil
}

// shadowed reports whether module name is the function's own or in a base before
// bases[i] (whose entry for it is then not the function's).
func (r *Result) shadowed(name string, i int) bool {
	return inAny(name, r.imported, r.bases[:i], func(b *runSummary) map[string]*Module { return b.imported })
}

// inAny reports whether name is in own or in the map of one of bases that of picks.
func inAny[V any](name string, own map[string]V, bases []*runSummary, of func(*runSummary) map[string]V) bool {
	if _, ok := own[name]; ok {
		return true
	}
	for _, b := range bases {
		if _, ok := of(b)[name]; ok {
			return true
		}
	}
	return false
}

// Modules yields the modules reached from the handler, by name, in no order.
func (r *Result) Modules() iter.Seq2[string, *Module] {
	return func(yield func(string, *Module) bool) {
		for name, m := range r.imported {
			if !yield(name, m) {
				return
			}
		}
		for i, b := range r.bases {
			for name, m := range b.imported {
				if r.shadowed(name, i) {
					continue
				}
				if !yield(name, m) {
					return
				}
			}
		}
	}
}

// Site is the import statement that first reaches module name (an eager one when
// there is one), and whether there is one: the handler module and its parents have
// none. Of the function's own and its bases' (in that order), the first eager one,
// else the first: what merging them entry by entry in the order they were made keeps.
func (r *Result) Site(name string) (Site, bool) {
	first, found := r.sites[name]
	if found && !first.Lazy {
		return first, true
	}
	for _, b := range r.bases {
		s, ok := b.sites[name]
		if !ok {
			continue
		}
		if !s.Lazy {
			return s, true
		}
		if !found {
			first, found = s, true
		}
	}
	return first, found
}

// Sites yields each imported module's site (Site), by name, in no order.
func (r *Result) Sites() iter.Seq2[string, Site] {
	return func(yield func(string, Site) bool) {
		for name := range r.sites {
			s, _ := r.Site(name)
			if !yield(name, s) {
				return
			}
		}
		for i, b := range r.bases {
			for name := range b.sites {
				if r.siteBefore(name, i) {
					continue
				}
				s, _ := r.Site(name)
				if !yield(name, s) {
					return
				}
			}
		}
	}
}

// siteBefore reports whether the function or a base before bases[i] has a site for name.
func (r *Result) siteBefore(name string, i int) bool {
	return inAny(name, r.sites, r.bases[:i], func(b *runSummary) map[string]Site { return b.sites })
}

// parent is the module whose import first reached module name ("" when none: an
// own entry "" hides a base's).
func (r *Result) parent(name string) (string, bool) {
	if p, ok := r.parents[name]; ok {
		return p, true
	}
	for _, b := range r.bases {
		if p, ok := b.parents[name]; ok {
			return p, true
		}
	}
	return "", false
}

// NumModules is how many modules are reached from the handler.
func (r *Result) NumModules() int {
	n := len(r.imported)
	for i, b := range r.bases {
		for name := range b.imported {
			if !r.shadowed(name, i) {
				n++
			}
		}
	}
	return n
}

// Forget drops what the resolver keeps of the trees gone says are done with (their
// folder listings, scans and quiet files).
func (r *Resolver) Forget(gone func(tree.Tree) bool) {
	r.dirs.DeleteFunc(func(l Loc) bool { return gone(l.Tree) })
	r.owners.DeleteFunc(func(l Loc) bool { return gone(l.Tree) })
	r.scans.DeleteFunc(func(k fileKey) bool { return gone(k.t) })
	r.quiet.Range(func(k, _ any) bool {
		if gone(k.(fileKey).t) {
			r.quiet.Delete(k)
		}
		return true
	})
}
