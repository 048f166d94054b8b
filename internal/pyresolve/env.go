// Package pyresolve answers, for one function, what Python's import system will do on
// Lambda: the function's sys.path (its package in /var/task, its layers merged into /opt,
// the runtime's own packages, the standard library), where each module resolves, and
// which imports reachable from the handler fail, and why.
package pyresolve

import (
	"fmt"
	"path"
	"strings"

	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/publiclayers"
	"github.com/layerkit/layerkit/internal/runtimes"
	"github.com/layerkit/layerkit/internal/tree"
)

// EntryKind says what a sys.path entry is.
type EntryKind int

const (
	TaskRoot    EntryKind = iota // /var/task
	LayerSite                    // /opt/python/lib/pythonX.Y/site-packages
	LayerPython                  // /opt/python
	Provided                     // the runtime's bundled packages (boto3, ...)
	Stdlib                       // the standard library
	Extra                        // added by PYTHONPATH or a .pth file
)

// Entry is one sys.path entry.
type Entry struct {
	Path string // as Lambda spells it: "/var/task", "/opt/python", ...
	Kind EntryKind
	Tree tree.Tree // nil for Provided and Stdlib
	Dir  string    // folder inside Tree
	// Declared holds import names a build step will install into this folder
	// (requirements.txt in source mode), with the distribution that brings each.
	Declared map[string]*model.Declared
	// has answers for virtual entries (Provided, Stdlib).
	has func(top string) bool
}

// Env is one function's Python import environment on Lambda.
type Env struct {
	Function *model.Function
	Runtime  *runtimes.Runtime
	Arch     string
	Task     tree.Tree     // /var/task; nil when the package cannot be read
	Opt      *tree.Overlay // /opt: the inspectable layers merged in order
	// OptLayers maps Opt's layer index to the function's LayerRef index.
	OptLayers []int
	Path      []Entry
	Suffixes  []string // extension module suffixes, in CPython's order
	// PythonPath is true when the function sets PYTHONPATH (the /opt paths are off).
	PythonPath bool
	// OwnTask is set when no other function of the check has this function's package
	// (Task): its files are scanned for this function alone and not kept.
	OwnTask bool
	// Uninspectable is true when a layer's content is unknown (remote ARN, S3, opaque
	// build): it may provide any module.
	Uninspectable bool

	// sharedKey names the entries after /var/task (Path[1:]; shareable requires
	// /var/task first) when they are the same for every function with the same
	// layers, runtime, architecture and PYTHONPATH setting, so lookups there can be
	// shared; "" when they depend on the function (PYTHONPATH or .pth files).
	sharedKey string
	pth       bool // a site folder has a .pth file
	pthExec   bool // a .pth file has an import line (site executes it: code layerkit does not run)
}

// NewEnv builds the Lambda sys.path for fn on rt. Functions with the same layers share
// one /opt overlay (and so its caches).
func (r *Resolver) NewEnv(fn *model.Function, rt *runtimes.Runtime) *Env {
	e := &Env{Function: fn, Runtime: rt, Arch: fn.Arch}
	if e.Arch == "" {
		e.Arch = "x86_64"
	}
	e.Suffixes = append(rt.ExtensionSuffixes(e.Arch), ".py", ".pyc")
	if fn.Code != nil {
		e.Task = fn.Code.Tree
	}
	var layers []tree.Tree
	var declaredOpt = map[string]*model.Declared{}
	for i, ref := range fn.Layers {
		if ref.ARN != "" {
			if pub, ok := publiclayers.Match(ref.ARN); ok {
				addDeclared(declaredOpt, &model.Declared{Dist: pub.What, Modules: pub.Modules, DepsKnown: true, Pos: ref.Pos})
				if !pub.Complete {
					e.Uninspectable = true
				}
				continue
			}
		}
		if !ref.Inspectable() {
			if !ref.Bad {
				e.Uninspectable = true
			}
			continue
		}
		c := ref.Layer.Content
		if c.Opaque {
			// A build step we do not model produces this layer: its sources are not
			// what lands in /opt, only what it declares it installs is known.
			e.Uninspectable = true
			for j := range c.Declared {
				addDeclared(declaredOpt, &c.Declared[j])
			}
			continue
		}
		layers = append(layers, c.Tree)
		e.OptLayers = append(e.OptLayers, i)
		for j := range c.Declared {
			d := &c.Declared[j]
			addDeclared(declaredOpt, d)
		}
	}
	e.Opt = r.overlay(layers)

	pp, ppSet := fn.Env["PYTHONPATH"]
	e.PythonPath = ppSet
	ver := rt.Version
	site := "/opt/python/lib/python" + ver + "/site-packages"
	for _, p := range rt.SysPath(ppSet) {
		switch {
		case p == "/var/task":
			ent := Entry{Path: p, Kind: TaskRoot, Tree: e.Task}
			if fn.Code != nil && fn.Code.InstallDir == "" && len(fn.Code.Declared) > 0 {
				ent.Declared = map[string]*model.Declared{}
				for j := range fn.Code.Declared {
					addDeclared(ent.Declared, &fn.Code.Declared[j])
				}
			}
			e.Path = append(e.Path, ent)
		case p == runtimes.PythonPathEntry:
			e.Path = append(e.Path, e.pythonPathEntries(pp.Value)...)
		case p == site:
			e.Path = append(e.Path, Entry{Path: p, Kind: LayerSite, Tree: e.Opt, Dir: strings.TrimPrefix(p, "/opt/")})
		case p == "/opt/python":
			e.Path = append(e.Path, Entry{Path: p, Kind: LayerPython, Tree: e.Opt, Dir: "python", Declared: declaredOpt})
		case p == rt.ProvidedSite:
			provided := map[string]bool{}
			for _, n := range rt.Provided {
				provided[n] = true
			}
			e.Path = append(e.Path, Entry{Path: p, Kind: Provided, has: func(top string) bool { return provided[top] }})
		case p == runtimes.StdlibEntry:
			// __main__ is always in sys.modules (the bootstrap script).
			e.Path = append(e.Path, Entry{Path: "/var/lang/lib/python" + ver, Kind: Stdlib,
				has: func(top string) bool { return top == "__main__" || rt.StdlibHas(top) }})
		}
	}
	e.addPthEntries()
	e.sharedKey = e.shareable()
	return e
}

// shareable returns the key of the entries after /var/task, or "" when those entries
// depend on the function: a PYTHONPATH (it may name folders of /var/task), a .pth file
// (its import lines are judged against /var/task too), /var/task not first, or a
// reference to /var/task after it.
func (e *Env) shareable() string {
	if e.PythonPath || e.pth || len(e.Path) == 0 || e.Path[0].Kind != TaskRoot {
		return ""
	}
	for _, ent := range e.Path[1:] {
		if ent.Kind == TaskRoot || ent.Kind == Extra || (ent.Tree != nil && ent.Tree == e.Task) {
			return ""
		}
	}
	// The entries are made from the runtime, the architecture and the layers alone;
	// the layers' declared modules come from the layer references.
	var kb strings.Builder
	fmt.Fprintf(&kb, "%s|%s|%p", e.Runtime.ID, e.Arch, e.Opt)
	for _, ref := range e.Function.Layers {
		fmt.Fprintf(&kb, "|%s,%p,%t", ref.ARN, ref.Layer, ref.Bad)
	}
	return kb.String()
}

func addDeclared(m map[string]*model.Declared, d *model.Declared) {
	for _, n := range d.Modules {
		if _, ok := m[n]; !ok {
			m[n] = d
		}
	}
	for _, n := range d.Deps {
		if _, ok := m[n]; !ok {
			m[n] = d
		}
	}
}

// pythonPathEntries maps a PYTHONPATH value onto the trees we have.
func (e *Env) pythonPathEntries(v string) []Entry {
	var out []Entry
	for _, p := range strings.Split(v, ":") {
		if ent, ok := e.mapPath(p); ok {
			ent.Kind = Extra
			out = append(out, ent)
		}
	}
	return out
}

// mapPath turns an absolute Lambda path into an entry over our trees.
func (e *Env) mapPath(p string) (Entry, bool) {
	p = path.Clean(strings.ReplaceAll(p, "$LAMBDA_TASK_ROOT", "/var/task"))
	switch {
	case p == "/var/task" || strings.HasPrefix(p, "/var/task/"):
		if e.Task == nil {
			return Entry{}, false
		}
		return Entry{Path: p, Tree: e.Task, Dir: strings.TrimPrefix(strings.TrimPrefix(p, "/var/task"), "/")}, true
	case p == "/opt" || strings.HasPrefix(p, "/opt/"):
		return Entry{Path: p, Tree: e.Opt, Dir: strings.TrimPrefix(strings.TrimPrefix(p, "/opt"), "/")}, true
	}
	return Entry{}, false
}

// addPthEntries appends the folders that .pth files in the site folders add.
func (e *Env) addPthEntries() {
	var sites []Entry
	for _, ent := range e.Path {
		switch ent.Kind {
		case TaskRoot, LayerSite, LayerPython:
			if ent.Tree != nil {
				sites = append(sites, ent)
			}
		}
	}
	seen := map[string]bool{}
	for _, ent := range e.Path {
		seen[ent.Path] = true
	}
	for _, site := range sites {
		infos, err := site.Tree.ReadDir(site.Dir)
		if err != nil {
			continue
		}
		for _, fi := range infos {
			if fi.Dir || !strings.HasSuffix(fi.Name, ".pth") {
				continue
			}
			e.pth = true
			data, err := site.Tree.ReadFile(path.Join(site.Dir, fi.Name))
			if err != nil {
				continue
			}
			for _, line := range strings.Split(string(data), "\n") {
				line = strings.TrimRight(line, " \t\r")
				if line == "" || strings.HasPrefix(line, "#") {
					continue
				}
				if strings.HasPrefix(line, "import ") || strings.HasPrefix(line, "import\t") {
					// site executes the line; when it raises (a module that is not
					// there), site stops reading the rest of this .pth file.
					e.pthExec = true
					if !e.pthImportWorks(line) {
						break
					}
					continue
				}
				abs := line
				if !strings.HasPrefix(line, "/") {
					abs = path.Join(site.Path, line)
				}
				abs = path.Clean(abs)
				if seen[abs] {
					continue
				}
				ent, ok := e.mapPath(abs)
				if !ok || !tree.IsDir(ent.Tree, ent.Dir) {
					continue
				}
				seen[abs] = true
				ent.Kind = Extra
				e.Path = append(e.Path, ent)
			}
		}
	}
}

// overlay returns the /opt overlay for layers, shared by every function with the same
// layers in the same order.
func (r *Resolver) overlay(layers []tree.Tree) *tree.Overlay {
	var kb strings.Builder
	for _, l := range layers {
		fmt.Fprintf(&kb, "%p|", l)
	}
	return r.overlays.Get(kb.String(), func() *tree.Overlay { return tree.NewOverlay(layers) })
}

// pthImportWorks reports whether the modules a .pth "import" line names can be found on
// the path as it is so far (a line that does more than import is taken to work).
func (e *Env) pthImportWorks(line string) bool {
	stmt := strings.TrimSpace(strings.SplitN(line, ";", 2)[0])
	stmt = strings.TrimSpace(strings.TrimPrefix(stmt, "import"))
	for _, part := range strings.Split(stmt, ",") {
		name := strings.Fields(part)
		if len(name) == 0 {
			continue
		}
		top := strings.SplitN(name[0], ".", 2)[0]
		if !e.topExists(top) {
			return false
		}
	}
	return true
}

// topExists is a quick look for a top-level module along the path built so far.
func (e *Env) topExists(top string) bool {
	for _, ent := range e.Path {
		switch {
		case ent.has != nil:
			if ent.has(top) {
				return true
			}
		case ent.Tree != nil:
			if _, ok := ent.Declared[top]; ok {
				return true
			}
			if tree.IsDir(ent.Tree, path.Join(ent.Dir, top)) {
				return true
			}
			for _, suf := range e.Suffixes {
				if tree.IsFile(ent.Tree, path.Join(ent.Dir, top+suf)) {
					return true
				}
			}
		}
	}
	return false
}
