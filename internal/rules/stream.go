package rules

import (
	"context"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/layerkit/layerkit/internal/finding"
	"github.com/layerkit/layerkit/internal/pyresolve"
	"github.com/layerkit/layerkit/internal/resolve"
	"github.com/layerkit/layerkit/internal/tree"
)

// DefaultBatch is how many functions Stream analyses before the rules run over them and
// their analyses are dropped (Pass.Batch 0). A batch is large enough for the functions
// of one batch to share the work of their layers side by side, and small enough that a
// check of 20,000 functions holds a few hundred analyses at a time, not 20,000. Test
// binaries use 2 (testBatch), so that every fixture and case is checked across
// batches.
const DefaultBatch = 256

const testBatch = 2

func (p *Pass) batch() int {
	switch {
	case p.Batch > 0:
		return p.Batch
	case testing.Testing():
		return testBatch
	}
	return DefaultBatch
}

// Stream checks p.App's functions a batch at a time: it analyses a batch (Analyze's
// work), runs every rule's Run over it, hands it to done, and drops its analyses
// (unless keep) with the pass's per-function caches, before the next batch; after the
// last batch, every rule's Finish runs over all the functions (p.Functions, without
// their analyses unless keep). Functions whose code overlaps (one CodeUri, a folder
// and a folder inside it, a layer whose content is a function's folder) are in the same
// batch: a rule deciding a fix for one of them asks the others. It returns the
// findings: the loaders' notes, then the rules' per batch, then Finish's; check sorts
// them.
func (p *Pass) Stream(ctx context.Context, langs resolve.Set, keep bool, done func(batch []*Function) error) ([]finding.Finding, error) {
	fns := p.prepare(langs)
	p.all = fns
	p.again = func(f *Function) *Function {
		if f.Analysis != nil || f.lang == nil {
			return f
		}
		a, err := f.lang.Analyze(ctx, f.Fn, f.Runtime)
		if err != nil {
			return f
		}
		g := *f
		g.Analysis = a
		g.Result, _ = a.Detail().(*pyresolve.Result)
		return &g
	}
	p.notes()
	cacheOf(p)
	for _, batch := range batches(fns, p.batch()) {
		if err := p.analyzeSome(ctx, batch); err != nil {
			return nil, err
		}
		p.runBatch(batch)
		if done != nil {
			if err := done(batch); err != nil {
				return nil, err
			}
		}
		if !keep {
			p.drop(batch)
		}
		p.forget(batch)
	}
	p.Functions = fns
	p.finish()
	return p.findings, nil
}

// every is every function of the app, the batch being checked among them: what rules
// look up across the app (another function's declared requirements), never its
// analyses.
func (p *Pass) every() []*Function {
	if p.all != nil {
		return p.all
	}
	return p.Functions
}

// forget drops what the pass's caches and the resolvers keep of batch's function
// packages: the functions sharing one are all in batch, so no later batch reads it
// (were one to, it would be read again: only time is lost).
func (p *Pass) forget(batch []*Function) {
	trees := map[tree.Tree]bool{}
	langs := map[resolve.Resolver]bool{}
	for _, f := range batch {
		if f.Fn.Code != nil && f.Fn.Code.Tree != nil {
			trees[f.Fn.Code.Tree] = true
		}
		if f.lang != nil {
			langs[f.lang] = true
		}
	}
	if len(trees) == 0 {
		return
	}
	gone := func(t tree.Tree) bool { return trees[t] }
	cacheOf(p).forget(gone)
	for l := range langs {
		if fg, ok := l.(resolve.Forgetter); ok {
			fg.Forget(gone)
		}
	}
}

// analysedAgain returns fns with their analyses: those Stream dropped are made again
// (in copies; the functions keep none).
func (p *Pass) analysedAgain(fns []*Function) []*Function {
	if p.again == nil {
		return fns
	}
	out := make([]*Function, len(fns))
	for i, f := range fns {
		out[i] = p.again(f)
	}
	return out
}

// drop forgets batch's analyses and what the pass's caches hold for its functions.
func (p *Pass) drop(batch []*Function) {
	c := cacheOf(p)
	for _, f := range batch {
		if inst := c.inst.Delete(f); inst != nil {
			c.mu.Lock()
			delete(c.indexed, inst.ID()) // shared: indexed again (to the same owners) if asked
			c.mu.Unlock()
		}
		c.uses.Delete(f)
		c.runs.Delete(f)
		f.Analysis, f.Result = nil, nil
		if f.Fn.Code != nil && f.Fn.Code.Tree != nil {
			tree.Release(f.Fn.Code.Tree) // its folder listings: read again only by Finish
		}
	}
}

// batches splits fns into batches of about size functions, in order; the functions of
// one overlap group (overlapGroups) are never split.
func batches(fns []*Function, size int) [][]*Function {
	if len(fns) <= size {
		if len(fns) == 0 {
			return nil
		}
		return [][]*Function{fns}
	}
	group := overlapGroups(fns)
	members := map[int][]int{}
	var order []int
	for i := range fns {
		g := group[i]
		if _, ok := members[g]; !ok {
			order = append(order, g)
		}
		members[g] = append(members[g], i)
	}
	var out [][]*Function
	var cur []int
	flush := func() {
		if len(cur) == 0 {
			return
		}
		slices.Sort(cur)
		b := make([]*Function, len(cur))
		for j, i := range cur {
			b[j] = fns[i]
		}
		out = append(out, b)
		cur = nil
	}
	for _, g := range order {
		cur = append(cur, members[g]...)
		if len(cur) >= size {
			flush()
		}
	}
	flush()
	return out
}

// overlapGroups numbers fns so that two functions whose code can hold the same file
// have the same number: the same code location, one inside the other (by the paths
// the trees show), or a layer whose content overlaps a function's code (its users then
// run that function's files).
func overlapGroups(fns []*Function) []int {
	parent := make([]int, len(fns))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	union := func(a, b int) { parent[find(a)] = find(b) }
	// root: where each function's code is, by the path its tree shows.
	at := map[string]int{} // a code root → a function with it
	roots := make([]string, len(fns))
	for i, f := range fns {
		if f.Fn.Code == nil || f.Fn.Code.Tree == nil {
			continue
		}
		r := f.Fn.Code.Tree.Display("")
		roots[i] = r
		if j, ok := at[r]; ok {
			union(i, j)
		} else {
			at[r] = i
		}
	}
	// under: every folder above a code root → a function whose code is below it.
	under := map[string]int{}
	for i, r := range roots {
		if r == "" {
			continue
		}
		for _, a := range ancestors(r) {
			if j, ok := at[a]; ok {
				union(i, j) // a function's code inside another's
			}
			if _, ok := under[a]; !ok {
				under[a] = i
			}
		}
	}
	// A layer whose content is a function's code, inside it or around it.
	layerGroup := map[string]int{}
	for i, f := range fns {
		for _, ref := range f.Fn.Layers {
			if !ref.Inspectable() {
				continue
			}
			r := ref.Layer.Content.Tree.Display("")
			g, ok := layerGroup[r]
			if !ok {
				g = -1
				if j, hit := at[r]; hit {
					g = j
				} else if j, hit := under[r]; hit {
					g = j
				} else {
					for _, a := range ancestors(r) {
						if j, hit := at[a]; hit {
							g = j
							break
						}
					}
				}
				layerGroup[r] = g
			}
			if g >= 0 {
				union(i, g)
			}
		}
	}
	out := make([]int, len(fns))
	for i := range fns {
		out[i] = find(i)
	}
	return out
}

// ancestors are the places that contain the code root r, nearest first: the folders
// above it, and for a zip's member ("app.zip:src") the zip.
func ancestors(r string) []string {
	var out []string
	if i := strings.LastIndexByte(r, ':'); i > 0 {
		r = r[:i]
		out = append(out, r)
	}
	for r != "." && r != "/" {
		r = path.Dir(r)
		out = append(out, r)
	}
	return out
}
