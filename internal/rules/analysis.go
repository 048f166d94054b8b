package rules

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/layerkit/layerkit/internal/pyresolve"
	"github.com/layerkit/layerkit/internal/resolve"
	"github.com/layerkit/layerkit/internal/runtimes"
	"github.com/layerkit/layerkit/internal/tree"
)

// An Analysis is a fact about the app that rules share, as golang.org/x/tools/go/analysis
// has analyzers that others require: a rule names the analyses it reads in
// Rule.Requires, an analysis names those it is built from in Requires, and the pass
// computes each analysis the rules need once, the independent ones side by side. Which
// analyses run, and when, follows from these declarations alone: nothing outside the
// pass starts them.
//
// An analysis is computed in up to three steps, each optional:
//   - Start, as soon as a function's search path is known and before its imports are
//     resolved: work that does not need the imports starts in the background then
//     (reading a layer's package metadata overlaps the import analysis);
//   - Run, once every function's imports are resolved and before the rules run, side by
//     side with the other analyses whose requirements are done;
//   - on demand: what neither step computed is computed on the first rule's ask and
//     kept for the pass (the pass's caches are keyed per function, tree or
//     distribution, so a question two rules ask is answered once).
//
// Under test, a rule reading an analysis it does not require panics (strictRequires).
type Analysis struct {
	Name string
	Doc  string
	// Requires are the analyses this one is built from.
	Requires []*Analysis
	Start    func(p *Pass, env *pyresolve.Env)
	Run      func(p *Pass)
}

// The analyses the rules share.
var (
	// Imports is each function's handler and imports resolved on its Lambda search
	// path, by its language's resolver (Function.Analysis; Function.Result for Python).
	// Pass.Analyze computes it; every other analysis starts from it.
	Imports = &Analysis{Name: "imports",
		Doc: "each function's handler and imports, resolved on its Lambda search path by its language's resolver"}

	// Listings are the folder listings of the trees the rules walk, kept for the pass.
	Listings = &Analysis{Name: "listings", Doc: "folder listings of the trees the rules walk, each folder listed once a pass"}

	// Installed is the distributions installed on each function's path: their
	// METADATA, requirements and RECORD, read once per layer folder.
	Installed = &Analysis{Name: "installed", Requires: []*Analysis{Imports},
		Doc: "the distributions installed on each function's path (METADATA, requirements, RECORD)"}

	// Uses is, per function, the installed distributions its handler's imports load,
	// their requirements followed (markers evaluated for the function, extras carried).
	Uses = &Analysis{Name: "uses", Requires: []*Analysis{Installed},
		Doc: "the installed distributions each handler's imports load, requirements followed"}

	// Compiled is the compiled files (.so, .pyd) in the layer folders on each
	// function's path, and their headers as they are asked for.
	Compiled = &Analysis{Name: "compiled", Requires: []*Analysis{Imports, Listings},
		Doc: "the compiled files in the layer folders on each function's path"}

	// Sizes is the unzipped size of each function package and layer, by top-level
	// entry (on demand).
	Sizes = &Analysis{Name: "sizes", Requires: []*Analysis{Listings},
		Doc: "the unzipped size of each function package and layer, by top-level entry"}

	// ModuleIndex is the module names each tree holds, for hints (on demand).
	ModuleIndex = &Analysis{Name: "module-index", Doc: "the module names in a tree, for the hints of import findings"}

	// LayerOwners says which of a function's layers holds a file of its /opt overlay
	// (on demand).
	LayerOwners = &Analysis{Name: "layer-owners", Requires: []*Analysis{Imports},
		Doc: "which layers of a function's /opt overlay hold a file"}
)

// The steps of the analyses computed ahead (set here: they read the pass through the
// accessors that name the analyses).
func init() {
	Installed.Start, Installed.Run = startInstalled, runInstalled
	Uses.Run = runUses
	Compiled.Start, Compiled.Run = startCompiled, runCompiled
}

// Analyses returns every analysis the rules declare, directly or through another, each
// once, requirements first.
func Analyses() []*Analysis { return needed().order }

// need notes that the running rule reads a; in tests (strictRequires) a rule that does
// not require it, directly or not, panics, so that Rule.Requires stays true.
func (p *Pass) need(a *Analysis) {
	if !strictRequires || p.rule == nil {
		return
	}
	if !closure(p.rule.Requires)[a] {
		panic("rules: " + p.rule.Code.String() + " reads the " + a.Name + " analysis without requiring it (Rule.Requires)")
	}
}

// strictRequires makes need panic: in every test binary (the rules', check's, the
// CLI's tests run every fixture and case through the rules), never in layerkit itself.
var strictRequires = testing.Testing()

// closure is as, with what they require, transitively.
func closure(as []*Analysis) map[*Analysis]bool {
	out := map[*Analysis]bool{}
	for _, a := range ordered(as) {
		out[a] = true
	}
	return out
}

// ordered is as with what they require, transitively, each once, requirements first.
func ordered(as []*Analysis) []*Analysis {
	var out []*Analysis
	seen := map[*Analysis]bool{}
	var visit func(a *Analysis)
	visit = func(a *Analysis) {
		if seen[a] {
			return
		}
		seen[a] = true
		for _, r := range a.Requires {
			visit(r)
		}
		out = append(out, a)
	}
	for _, a := range as {
		visit(a)
	}
	return out
}

type plan struct {
	order  []*Analysis // requirements first
	starts []*Analysis // those with a Start, in order
}

var (
	planOnce sync.Once
	thePlan  plan
)

// needed is the analyses the registered rules require, in order: the catalogue is fixed
// once the package is initialised.
func needed() plan {
	planOnce.Do(func() {
		var reqs []*Analysis
		for _, r := range All() {
			if r.Run != nil || r.Finish != nil {
				reqs = append(reqs, r.Requires...)
			}
		}
		thePlan.order = ordered(reqs)
		for _, a := range thePlan.order {
			if a.Start != nil {
				thePlan.starts = append(thePlan.starts, a)
			}
		}
	})
	return thePlan
}

// compute runs the Run of every analysis the rules need, each once, an analysis as soon
// as those it requires are done, the independent ones side by side.
func (p *Pass) compute() {
	order := needed().order
	done := make(map[*Analysis]chan struct{}, len(order))
	for _, a := range order {
		done[a] = make(chan struct{})
	}
	var wg sync.WaitGroup
	for _, a := range order {
		wg.Go(func() {
			defer close(done[a])
			for _, r := range a.Requires {
				<-done[r]
			}
			if a.Run != nil {
				a.Run(p)
			}
		})
	}
	wg.Wait()
}

// started is the Start step of the needed analyses for a function whose search path
// env is known.
func (p *Pass) started(env *pyresolve.Env) {
	for _, a := range needed().starts {
		a.Start(p, env)
	}
}

// Analyze computes the Imports analysis of p.App's functions into p.Functions: every
// function's imports resolved, in parallel, each by the resolver of its runtime's
// language (langs); a function whose imports cannot be checked, or whose language has
// no resolver, gets its Skip instead. As each function's search path is known, the
// analyses the rules need start (Analysis.Start). It stops starting functions when ctx
// is done, waits for those running, and returns ctx.Err().
func (p *Pass) Analyze(ctx context.Context, langs resolve.Set) error {
	fns := p.prepare(langs)
	if err := p.analyzeSome(ctx, fns); err != nil {
		return err
	}
	p.Functions = fns
	return nil
}

// prepare returns p.App's functions as the rules see them, before their imports are
// analysed: each with its runtime and its language's resolver, or its Skip.
func (p *Pass) prepare(langs resolve.Set) []*Function {
	fns := p.App.Functions
	out := make([]*Function, len(fns))
	observed := map[resolve.Resolver]resolve.Resolver{}
	for i, fn := range fns {
		rf := &Function{Fn: fn, at: i}
		out[i] = rf
		rt, ok := runtimes.Lookup(fn.Runtime)
		if ok {
			rf.Runtime = rt
		}
		if rf.Skip, _, _ = Unchecked(p.App, fn); rf.Skip != "" {
			continue
		}
		lang, ok := langs.For(rt)
		if !ok {
			// The catalogue says its imports are checked, but no resolver is registered.
			rf.Skip = "no import resolver for " + rt.Language
			continue
		}
		if o, ok := observed[lang]; ok {
			lang = o
		} else {
			observed[lang] = p.observe(lang)
			lang = observed[lang]
		}
		rf.lang = lang
	}
	return out
}

// analyzeSome analyses the imports of fns (prepared), in parallel. It stops starting
// functions when ctx is done, waits for those running, and returns ctx.Err().
//
// GOMAXPROCS workers take the functions in turn: an analysis runs deep (an import
// chain is a recursion), and a goroutine per function grew a new stack to that depth,
// copying it several times, for every function (3 ms of 200 functions' 150).
func (p *Pass) analyzeSome(ctx context.Context, fns []*Function) error {
	var wg sync.WaitGroup
	var errOnce sync.Once
	var failed error
	next := make(chan *Function)
	for range min(runtime.GOMAXPROCS(0), len(fns)) {
		wg.Go(func() {
			for rf := range next {
				a, err := rf.lang.Analyze(ctx, rf.Fn, rf.Runtime)
				if err != nil {
					errOnce.Do(func() { failed = err })
					continue
				}
				rf.Analysis = a
				rf.Result, _ = a.Detail().(*pyresolve.Result)
			}
		})
	}
feed:
	for _, rf := range fns {
		if rf.lang == nil {
			continue
		}
		if ctx.Err() != nil {
			break
		}
		select {
		case next <- rf:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	return failed
}

// observe returns lang telling the pass each function's search path as it is known
// (Python's resolver says so through Lang.Ready, after its own Ready); other resolvers
// as they are.
func (p *Pass) observe(lang resolve.Resolver) resolve.Resolver {
	pl, ok := lang.(*pyresolve.Lang)
	if !ok || len(needed().starts) == 0 {
		return lang
	}
	o := *pl
	ready := pl.Ready
	o.Ready = func(env *pyresolve.Env) {
		if ready != nil {
			ready(env)
		}
		p.started(env)
	}
	return &o
}

// eachAnalysed runs do for every function with a Python import analysis, GOMAXPROCS at
// a time: as many workers, taking the functions in turn (a goroutine each would grow a
// stack each).
func (p *Pass) eachAnalysed(do func(f *Function)) {
	fns := p.analysedAll()
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(fns)) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(fns); i = int(next.Add(1) - 1) {
				do(fns[i])
			}
		})
	}
	wg.Wait()
}

// startInstalled starts reading the installed distributions in the layer folders of
// env's path, so that the metadata rules find them read: it overlaps the reading (zip
// layers inflate every RECORD) with the import analysis.
func startInstalled(p *Pass, env *pyresolve.Env) {
	if env.Opt == nil {
		return
	}
	c := cacheOf(p)
	opt := tree.Tree(env.Opt)
	for _, pl := range sitePlaces(env) {
		if pl.Tree == opt {
			c.dists.Prefetch(pl.Tree, pl.Dir)
		}
	}
}

func runInstalled(p *Pass) {
	p.eachAnalysed(func(f *Function) { installedOf(p, f) })
}

func runUses(p *Pass) {
	p.eachAnalysed(func(f *Function) { usesOf(p, f) })
}

// startCompiled starts the walk for compiled files in the layers of env's path (one
// walk per /opt overlay, shared by the functions with the same layers).
func startCompiled(p *Pass, env *pyresolve.Env) {
	if env.Opt != nil {
		cacheOf(p).walked.Go(env.Opt, walkCompiled(p, env))
	}
}

// runCompiled finishes the walks (those Start began are waited for).
func runCompiled(p *Pass) {
	p.eachAnalysed(func(f *Function) {
		if env := f.Result.Env; env.Opt != nil {
			cacheOf(p).walked.Get(env.Opt, walkCompiled(p, env))
		}
	})
}

// walkCompiled lists the compiled files in the layer folders of env's path. When it
// finds any, it reads which of them each distribution installed in the layers' site
// folders owns (their RECORDs): LK301's step 4 asks the owner of each file whose name
// fits (ownerOf indexes every distribution of the path at the first ask), and reading
// them here, while the functions are still being analysed, takes that read (13 of the
// 200-function app's last 20 ms, docs/benchmarks.md) off the end of the check.
func walkCompiled(p *Pass, env *pyresolve.Env) func() struct{} {
	return func() struct{} {
		c := cacheOf(p)
		opt := tree.Tree(env.Opt)
		found := false
		for _, e := range env.Path {
			if e.Tree == opt && len(c.find(e.Tree, e.Dir, e.Kind == pyresolve.LayerPython)) > 0 {
				found = true
			}
		}
		if found {
			for _, pl := range sitePlaces(env) {
				if pl.Tree == opt {
					for _, d := range c.dists.Read(pl.Tree, pl.Dir) {
						d.CompiledFiles()
					}
				}
			}
		}
		return struct{}{}
	}
}

// analysedAll is analysed without the need check: the analyses' own steps.
func (p *Pass) analysedAll() []*Function {
	var out []*Function
	for _, f := range p.Functions {
		if f.Result != nil {
			out = append(out, f)
		}
	}
	return out
}
