package pyresolve

import (
	"path"
	"runtime"
	"strings"
	"sync"

	"github.com/layerkit/layerkit/internal/pyscan"
	"github.com/layerkit/layerkit/internal/tree"
)

// A function's analysis reads and scans the modules it reaches one at a time, in the
// order Python imports them: a handler that reaches a vendored package of thousands
// of modules keeps one core busy while the others wait on that one shared run. The
// prefetcher scans ahead of it, on the idle cores: when a layer module is scanned, the
// files its module-level imports most likely name (in the same layer folder: python/
// or python/lib/python3.N/site-packages/) are scanned in the background, and their
// imports in turn. A scan is a function of the file's bytes alone and is cached
// (Resolver.layers), so a guess only decides when a file is scanned, never what the
// analysis finds; a wrong guess costs one scan of a file that exists.

// maxPrefetch bounds the files one Resolver prefetches.
const maxPrefetch = 1 << 16

// prefetcher is a Resolver's queue of files to scan ahead, and its workers.
type prefetcher struct {
	mu      sync.Mutex
	queue   []fileKey
	queued  map[fileKey]bool
	workers int
	// off: the prefetcher takes nothing more (Resolver.NoPrefetch, or maxPrefetch reached)
	off bool
}

// prefetch queues the files the module-level imports of f (file name, seen in overlay
// o) most likely load, and starts a worker when fewer than GOMAXPROCS-1 run: the
// analysis keeps a core, and with one core nothing is scanned ahead.
func (r *Resolver) prefetch(o *tree.Overlay, name string, f *pyscan.File) {
	if r.NoPrefetch || f == nil || len(f.Imports) == 0 || runtime.GOMAXPROCS(0) < 2 {
		return
	}
	root, ok := layerRoot(name)
	if !ok {
		return
	}
	rootDir := strings.TrimSuffix(root, "/")
	pkg := path.Dir(name) // the folder of the module's package
	var found []string
	// file notes c when it is a file to scan: not in a package an installed
	// distribution owns (those are not scanned, see scannable), and there, as the
	// folder listings the finder reads (and keeps) say.
	file := func(c string) bool {
		top, _, _ := strings.Cut(c[len(root):], "/")
		dir, base := path.Split(c)
		if r.owned(Loc{o, rootDir}, strings.TrimSuffix(top, ".py")) || !r.list(Loc{o, strings.TrimSuffix(dir, "/")}).files[base] {
			return false
		}
		found = append(found, c)
		return true
	}
	for i := range f.Imports {
		imp := &f.Imports[i]
		if imp.Scope != pyscan.ModuleScope || imp.TypeChecking || imp.MainBlock || imp.Dynamic || imp.Module == "__future__" {
			continue
		}
		dir := rootDir // the folder the import's module path starts from
		if imp.Level > 0 {
			dir = pkg
			for k := 1; k < imp.Level && dir != "." && dir != "/"; k++ {
				dir = path.Dir(dir)
			}
			if !strings.HasPrefix(dir+"/", root) {
				continue
			}
		}
		mod, isPkg := dir, imp.Level > 0
		for p := range strings.SplitSeq(imp.Module, ".") {
			if p == "" {
				continue
			}
			mod += "/" + p
			isPkg = file(mod + "/__init__.py") // the packages are imported first
		}
		if mod != dir && !isPkg {
			file(mod + ".py")
		}
		if !imp.From || !isPkg {
			continue // a module has no submodules: `from m import name` takes a name
		}
		for _, n := range imp.Names {
			if n.Name != "*" && !file(mod+"/"+n.Name+".py") {
				file(mod + "/" + n.Name + "/__init__.py")
			}
		}
	}
	if len(found) == 0 {
		return
	}
	p := &r.pf
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range found {
		k := fileKey{o, c}
		if p.off || p.queued[k] {
			continue
		}
		if p.queued == nil {
			p.queued = map[fileKey]bool{}
		}
		p.queued[k] = true
		p.off = len(p.queued) >= maxPrefetch
		p.queue = append(p.queue, k)
	}
	if len(p.queue) > 0 && p.workers < runtime.GOMAXPROCS(0)-1 {
		p.workers++
		go r.prefetchWork()
	}
}

// prefetchWork scans queued files until the queue is empty.
func (r *Resolver) prefetchWork() {
	p := &r.pf
	for {
		p.mu.Lock()
		if len(p.queue) == 0 {
			p.workers--
			p.mu.Unlock()
			return
		}
		k := p.queue[len(p.queue)-1] // last in, first out: deeper first, as imports run
		p.queue = p.queue[:len(p.queue)-1]
		p.mu.Unlock()
		r.layerScan(k.t, k.name)
	}
}

// layerRoot is the folder of a layer that Lambda puts on sys.path and that holds name
// (with a trailing slash): python/lib/python3.N/site-packages/ or python/.
func layerRoot(name string) (string, bool) {
	const py, lib = "python/", "python/lib/python3."
	if !strings.HasPrefix(name, py) {
		return "", false
	}
	if rest, ok := strings.CutPrefix(name, lib); ok {
		if i := strings.Index(rest, "/site-packages/"); i > 0 && !strings.Contains(rest[:i], "/") {
			return name[:len(lib)+i+len("/site-packages/")], true
		}
	}
	return py, true
}
