package pyresolve

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/resolve"
	"github.com/layerkit/layerkit/internal/runtimes"
	"github.com/layerkit/layerkit/internal/tree"
)

// Lang is Python behind the language seam (resolve.Resolver): it wraps a Resolver and
// presents each function's Result as a resolve.Analysis. Nothing of the resolution
// itself is here; this file only translates.
type Lang struct {
	R *Resolver
	// Ready, when set, is called with each function's sys.path before its imports are
	// resolved (the rules' pass starts the analyses that need only the path meanwhile,
	// rules.Analysis.Start).
	Ready func(*Env)
}

// NewLang returns Python's resolver for the language seam, over r (New() when nil).
func NewLang(r *Resolver) *Lang {
	if r == nil {
		r = New()
	}
	return &Lang{R: r}
}

// Language is "python", the runtime catalogue's language of Python runtimes.
func (l *Lang) Language() string { return "python" }

// Analyze builds fn's Lambda sys.path for rt and resolves its imports.
func (l *Lang) Analyze(ctx context.Context, fn *model.Function, rt *runtimes.Runtime) (resolve.Analysis, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	env := l.R.NewEnv(fn, rt)
	if l.Ready != nil {
		l.Ready(env)
	}
	return &seamView{res: l.R.Analyze(env), r: l.R}, nil
}

// Analysis presents res through the language seam.
func Analysis(res *Result) resolve.Analysis { return &seamView{res: res} }

// seamView is a Result as resolve.Analysis; each answer is made on first call.
type seamView struct {
	res *Result
	r   *Resolver // nil: Quiet knows nothing

	pathOnce sync.Once
	path     *resolve.SearchPath

	handlerOnce sync.Once
	handler     *resolve.Handler

	importsOnce sync.Once
	imports     []resolve.Import

	failedOnce sync.Once
	failed     []resolve.Import

	shadowsOnce sync.Once
	shadows     []resolve.Shadow

	unfollowedOnce sync.Once
	unfollowed     []resolve.Unfollowed
}

func (v *seamView) Detail() any { return v.res }

func (v *seamView) SearchPath() *resolve.SearchPath {
	v.pathOnce.Do(func() {
		env := v.res.Env
		sp := &resolve.SearchPath{Var: "PYTHONPATH", Uninspectable: env.Uninspectable}
		if ev, ok := env.Function.Env["PYTHONPATH"]; ok {
			sp.Override = &ev
		}
		for _, ent := range env.Path {
			sp.Entries = append(sp.Entries, resolve.Entry{Path: ent.Path, Place: entryPlace(ent.Kind),
				Tree: ent.Tree, Dir: ent.Dir, Override: ent.Kind == Extra && env.PythonPath})
		}
		v.path = sp
	})
	return v.path
}

// entryPlace is where on the path a sys.path entry of kind k is.
func entryPlace(k EntryKind) resolve.Place {
	switch k {
	case TaskRoot:
		return resolve.Function
	case LayerSite, LayerPython:
		return resolve.Layer
	case Provided:
		return resolve.Runtime
	case Stdlib:
		return resolve.Builtin
	}
	return resolve.Elsewhere
}

// provider says where m is.
func (v *seamView) provider(m *Module) *resolve.Provider {
	if m == nil {
		return nil
	}
	env := v.res.Env
	p := &resolve.Provider{Entry: m.Entry, Layer: -1, Tree: m.Tree, File: m.File,
		Compiled: m.Kind == Compiled, Package: m.Kind == Package, Folder: m.Kind == Namespace,
		Installed: m.Trusted, Declared: m.Declared}
	if m.Entry < 0 || m.Entry >= len(env.Path) {
		p.Entry = -1
	}
	switch {
	case m.Kind == Virtual && m.Declared != nil:
		p.Place = resolve.Declared
	case m.Kind == Virtual:
		p.Place = entryPlace(m.VirtualKind)
	case p.Entry >= 0:
		p.Place = entryPlace(env.Path[p.Entry].Kind)
	default:
		p.Place = resolve.Elsewhere
	}
	if (m.Tree == nil || m.File == "") && len(m.Path) > 0 {
		p.Tree, p.File = m.Path[0].Tree, m.Path[0].Dir // a namespace package: its first folder
	}
	if env.Opt != nil && p.Tree == tree.Tree(env.Opt) {
		p.Place = resolve.Layer
		if i := env.Opt.Owner(p.File); i >= 0 && i < len(env.OptLayers) {
			p.Layer = env.OptLayers[i]
		}
	}
	return p
}

func (v *seamView) Handler() *resolve.Handler {
	v.handlerOnce.Do(func() {
		h := v.res.Handler
		fn := v.res.Env.Function
		out := &resolve.Handler{Module: h.Module, Attr: h.Func, Malformed: h.Malformed,
			Found: v.provider(h.Found), Missing: h.Missing, Defined: h.Defined, NotCallable: h.NotCallable, NotRun: h.NotRun}
		if h.Found != nil && h.Found.Kind == Namespace {
			out.NotModule = true
		}
		switch {
		case h.Malformed:
			out.Error = fmt.Sprintf("Runtime.MalformedHandlerName: Bad handler '%s'", fn.Handler)
		case h.Found == nil:
			out.Error = fmt.Sprintf("Runtime.ImportModuleError: Unable to import module '%s': No module named '%s'", h.Module, h.Missing)
		case h.Defined == 0 && !h.NotCallable:
			out.Error = fmt.Sprintf("Runtime.HandlerNotFound: Handler '%s' missing on module '%s'", h.Func, h.Module)
		case h.NotCallable:
			out.Error = fmt.Sprintf("TypeError: '%s' is not callable", h.Func)
		}
		v.handler = out
	})
	return v.handler
}

// Quiet reports whether the analysis read name in t and found no ignore comment in it
// (Resolver.Quiet); check.sourceIgnores then does not read it again.
func (v *seamView) Quiet(t tree.Tree, name string) bool {
	return v.r != nil && v.r.Quiet(t, name)
}

func (v *seamView) Imports() []resolve.Import {
	v.importsOnce.Do(func() {
		res := v.res
		names := make([]string, 0, len(res.sites))
		for name := range res.Sites() {
			names = append(names, name)
		}
		sort.Strings(names)
		out := make([]resolve.Import, 0, len(names)+len(res.Problems))
		// the imports of one module share its chain (nothing changes a Chain in place)
		var chainOf map[string][]string
		if len(names) > 0 {
			chainOf = make(map[string][]string, len(names)/4+1)
		}
		for _, name := range names {
			s, _ := res.Site(name)
			chain, ok := chainOf[s.From]
			if !ok {
				chain = res.Chain(s.From)
				chainOf[s.From] = chain
			}
			out = append(out, resolve.Import{Module: name,
				At:   resolve.Pos{Tree: s.Tree, File: s.File, Line: s.Line, Col: s.Col},
				Stmt: s.Stmt, From: s.From, Chain: chain, Lazy: s.Lazy,
				Found: v.provider(res.Module(name))})
		}
		out = append(out, v.problemImports(nil)...)
		v.imports = out
	})
	return v.imports
}

// Failed are the imports that fail (resolve.Failed): the problems alone, without
// building an Import for every module found.
func (v *seamView) Failed() []resolve.Import {
	v.failedOnce.Do(func() { v.failed = v.problemImports(nil) })
	return v.failed
}

// FailedWith are the imports that fail with k (resolve.FailedWith): only those are
// built (a rule asking for one kind of failure does not copy 200,000 others).
func (v *seamView) FailedWith(k resolve.Failure) []resolve.Import {
	return v.problemImports(func(f resolve.Failure) bool { return f == k })
}

// failureOf is how the seam names a problem's failure.
func failureOf(f Failure) resolve.Failure {
	switch f {
	case NoModule, PathGone:
		return resolve.NotFound
	case NoName, NoAttribute, PartialAttr, NamespaceAttr:
		return resolve.NameMissing
	case NoParent, BeyondTop:
		return resolve.BadSpecifier
	case CompiledMismatch:
		return resolve.Incompatible
	}
	return resolve.Resolved
}

// problemImports are the imports of the problems whose failure keep accepts (all when
// keep is nil), in their order.
func (v *seamView) problemImports(keep func(resolve.Failure) bool) []resolve.Import {
	res := v.res
	var out []resolve.Import
	for _, pr := range res.Problems {
		if keep != nil && !keep(failureOf(pr.Failure)) {
			continue
		}
		imp := resolve.Import{Module: pr.Missing,
			At:   resolve.Pos{Tree: pr.Tree, File: pr.File, Line: pr.Line, Col: pr.Col},
			Stmt: pr.Stmt, Chain: pr.Chain, Lazy: pr.Lazy, Error: problemText(pr)}
		if n := len(pr.Chain); n > 0 {
			imp.From = pr.Chain[n-1]
		}
		switch pr.Failure {
		case NoModule, PathGone:
			imp.Failure = resolve.NotFound
		case NoName, NoAttribute, PartialAttr, NamespaceAttr:
			imp.Failure, imp.Name = resolve.NameMissing, pr.Name
			imp.Found = v.provider(res.Module(pr.Missing))
		case NoParent, BeyondTop:
			imp.Failure = resolve.BadSpecifier
		case CompiledMismatch:
			imp.Failure, imp.Near = resolve.Incompatible, pr.Near
		}
		out = append(out, imp)
	}
	return out
}

// LoadedFiles visits the files resolve.LoadedFiles would from Imports and Handler,
// straight from the result's maps (nothing is built per import).
func (v *seamView) LoadedFiles(visit func(t tree.Tree, name string, installed bool)) {
	v.loadedFiles(nil, visit)
}

// LoadedFilesOnce is resolve.LoadedFilesOnce: LoadedFiles, except that the files the
// function reaches through a shared package's run (Result.bases) are visited for the
// first function of the walk alone, when what it visits of them is what every function
// does (loaded.go).
func (v *seamView) LoadedFilesOnce(seen map[any]bool, visit func(t tree.Tree, name string, installed bool)) {
	v.loadedFiles(seen, visit)
}

func (v *seamView) loadedFiles(seen map[any]bool, visit func(t tree.Tree, name string, installed bool)) {
	res := v.res
	found := func(m *Module) {
		if it, ok := moduleFile(m); ok {
			visit(it.t, it.file, it.installed)
		}
	}
	found(res.Handler.Found)
	if b := res.wholeBase(seen); b != nil {
		for name := range res.sites {
			s, _ := res.Site(name)
			if s.Tree != nil && s.File != "" {
				visit(s.Tree, s.File, false)
			}
			found(res.Module(name))
		}
		for name, m := range res.imported {
			if _, own := res.sites[name]; !own {
				if _, inBase := b.sites[name]; inBase && m != b.imported[name] {
					found(m) // the base's site, the function's module
				}
			}
		}
		if !seen[b] {
			seen[b] = true
			for _, it := range b.loadedFiles().items {
				visit(it.t, it.file, it.installed)
			}
		}
	} else {
		for name, s := range res.Sites() {
			if s.Tree != nil && s.File != "" {
				visit(s.Tree, s.File, false)
			}
			found(res.Module(name))
		}
	}
	for _, pr := range res.Problems {
		if pr.Tree != nil && pr.File != "" {
			visit(pr.Tree, pr.File, false)
		}
		switch pr.Failure {
		case NoName, NoAttribute, PartialAttr, NamespaceAttr:
			found(res.Module(pr.Missing))
		}
	}
}

// problemText is what Python says about pr.
func problemText(pr Problem) string {
	switch pr.Failure {
	case NoName:
		return fmt.Sprintf("cannot import name '%s' from '%s'", pr.Name, pr.Missing)
	case NoAttribute, NamespaceAttr:
		return fmt.Sprintf("module '%s' has no attribute '%s'", pr.Missing, pr.Name)
	case PartialAttr:
		return fmt.Sprintf("partially initialized module '%s' has no attribute '%s' (most likely due to a circular import)", pr.Missing, pr.Name)
	case PathGone:
		return fmt.Sprintf("KeyError: '%s'", pr.Name)
	case NoParent:
		return "attempted relative import with no known parent package"
	case BeyondTop:
		return "attempted relative import beyond top-level package"
	case CompiledMismatch:
		if pr.Name != "" { // from pkg import name: the submodule's failure was swallowed
			return fmt.Sprintf("cannot import name '%s' from '%s'", pr.Name, strings.TrimSuffix(pr.Missing, "."+pr.Name))
		}
	}
	return fmt.Sprintf("No module named '%s'", pr.Missing)
}

func (v *seamView) Shadows() []resolve.Shadow {
	v.shadowsOnce.Do(func() {
		for _, s := range v.res.Shadows {
			if s.Winner == nil {
				continue
			}
			out := resolve.Shadow{Name: s.Name, Winner: *v.provider(s.Winner),
				At: resolve.Pos{Tree: s.Tree, File: s.File, Line: s.Line, Col: s.Col}}
			for _, c := range s.Others {
				if c.Module == nil {
					continue
				}
				p := v.provider(c.Module)
				p.Entry = c.Entry
				out.Others = append(out.Others, *p)
			}
			v.shadows = append(v.shadows, out)
		}
	})
	return v.shadows
}

func (v *seamView) Unfollowed() []resolve.Unfollowed {
	v.unfollowedOnce.Do(func() {
		for _, u := range v.res.Unfollowed {
			v.unfollowed = append(v.unfollowed, resolve.Unfollowed{
				At:   resolve.Pos{Tree: u.Tree, File: u.File, Line: u.Line, Col: u.Col},
				Text: u.Text, PathEdit: u.PathEdit, Lazy: u.Lazy, Unread: u.Unread, Handler: u.Handler})
		}
	})
	return v.unfollowed
}

// Forget drops what the resolver keeps of the trees gone says are done with
// (resolve.Forgetter).
func (l *Lang) Forget(gone func(tree.Tree) bool) { l.R.Forget(gone) }
