package noderesolve

import (
	"context"
	"encoding/json"
	"fmt"
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/layerkit/layerkit/internal/jsscan"
	"github.com/layerkit/layerkit/internal/memo"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/resolve"
	"github.com/layerkit/layerkit/internal/runtimes"
	"github.com/layerkit/layerkit/internal/tree"
)

// Lang is Node.js behind the language seam (resolve.Resolver): for each function it
// builds the Env of its runtime and configuration, the /opt overlay of its layers
// (shared by the functions with the same layers, as are the scans of their files),
// loads the handler as the runtime interface client does, and presents the Load as
// a resolve.Analysis. Nothing of the resolution itself is here; this file only
// translates.
type Lang struct {
	shared   *Shared
	overlays memo.Map[string, *tree.Overlay]
}

// NewLang returns Node.js's resolver for the language seam.
func NewLang() *Lang { return &Lang{shared: NewShared()} }

// Language is "nodejs", the runtime catalogue's language of Node.js runtimes.
func (l *Lang) Language() string { return "nodejs" }

// Result is one function's Node.js analysis: what the language seam's Detail gives the
// rules that speak Node (hints).
type Result struct {
	Function *model.Function
	Runtime  *runtimes.Runtime
	R        *Resolver
	Load     *Load
	// Opt is the overlay of the function's inspectable layers (nil when none);
	// OptLayers maps its layer index to the function's LayerRef index.
	Opt       *tree.Overlay
	OptLayers []int
	// Uninspectable: a layer's content is unknown (an ARN, S3, an opaque build): it
	// may provide any package under /opt.
	Uninspectable bool
	// Complete are the node_modules folders of Env.Declared whose whole content a lock
	// file gives.
	Complete map[string]bool
}

// Analyze loads fn's handler on rt as Lambda does.
func (l *Lang) Analyze(ctx context.Context, fn *model.Function, rt *runtimes.Runtime) (resolve.Analysis, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res := &Result{Function: fn, Runtime: rt}
	var task tree.Tree
	if fn.Code != nil {
		task = fn.Code.Tree
	}
	var layers []tree.Tree
	var codes []*model.Code
	for i, ref := range fn.Layers {
		if !ref.Inspectable() {
			if !ref.Bad {
				res.Uninspectable = true
			}
			continue
		}
		if ref.Layer.Content.Opaque {
			res.Uninspectable = true
			continue
		}
		layers = append(layers, ref.Layer.Content.Tree)
		codes = append(codes, ref.Layer.Content)
		res.OptLayers = append(res.OptLayers, i)
	}
	var opt tree.Tree
	if len(layers) > 0 {
		res.Opt = l.overlay(layers)
		opt = res.Opt
	}
	np, set := fn.Env["NODE_PATH"]
	env := RuntimeEnv(rt, np.Value, set)
	env.Declared = map[string][]string{}
	res.Complete = map[string]bool{}
	if fn.Code != nil {
		addDeclared(env.Declared, res.Complete, fn.Code, TaskRoot)
	}
	for _, c := range codes {
		addDeclared(env.Declared, res.Complete, c, OptRoot)
	}
	res.R = l.shared.New(task, opt, env)
	res.Load = res.R.LoadHandler(fn.Handler)
	return &seamView{res: res}, nil
}

// addDeclared records the packages c's build step installs (model.Code.NpmPackage) in
// the node_modules folder beside the package.json, root being where c's tree lands:
// every package its package-lock.json installs (complete), or else the dependencies,
// optional and peer dependencies (which npm 7 and later installs) it declares, whose
// own dependencies npm installs beside them unseen.
func addDeclared(into map[string][]string, complete map[string]bool, c *model.Code, root string) {
	pkg := c.NpmPackage
	if pkg == "" {
		if _, built := c.Tree.(*tree.ZipTree); built {
			// a zip is deployed as it is: nothing installs into it (field test:
			// sam-node-project, a prebuilt code.zip with a package.json and no
			// node_modules, whose packages only its layer has)
			return
		}
		// No build step the loader models, but a package.json whose node_modules is
		// not there yet: the packages a deploy ships once npm install has run (a
		// Serverless service, a Terraform archive of a folder, a layer's nodejs/).
		for _, p := range []string{"package.json", "nodejs/package.json"} {
			if tree.IsFile(c.Tree, p) && !tree.IsDir(c.Tree, path.Join(path.Dir(p), "node_modules")) {
				pkg = p
				break
			}
		}
		if pkg == "" {
			return
		}
	}
	b, err := c.Tree.ReadFile(pkg)
	if err != nil {
		return
	}
	var pj struct {
		Dependencies, OptionalDependencies, PeerDependencies map[string]any
	}
	if json.Unmarshal(b, &pj) != nil {
		return
	}
	nm := path.Join(root, path.Dir(pkg), "node_modules")
	if names, ok := lockedPackages(c.Tree, path.Join(path.Dir(pkg), "package-lock.json")); ok {
		into[nm] = append(into[nm], names...)
		complete[nm] = true
	} else {
		for _, deps := range []map[string]any{pj.Dependencies, pj.OptionalDependencies, pj.PeerDependencies} {
			for name := range deps {
				into[nm] = append(into[nm], name)
			}
		}
	}
	sort.Strings(into[nm])
}

// lockedPackages returns the packages a package-lock.json installs at the top of
// node_modules, dev dependencies left out (npm install --omit=dev): the whole set,
// dependencies of dependencies included (lockfileVersion 2 and 3 "packages", 1
// "dependencies"). ok is false when there is no lock file layerkit can read.
func lockedPackages(t tree.Tree, name string) (names []string, ok bool) {
	b, err := t.ReadFile(name)
	if err != nil {
		return nil, false
	}
	var lock struct {
		Packages map[string]struct {
			Dev bool `json:"dev"`
		} `json:"packages"`
		Dependencies map[string]struct {
			Dev bool `json:"dev"`
		} `json:"dependencies"`
	}
	if json.Unmarshal(b, &lock) != nil || lock.Packages == nil && lock.Dependencies == nil {
		return nil, false
	}
	for k, p := range lock.Packages {
		rest, found := strings.CutPrefix(k, "node_modules/")
		if !found || p.Dev || strings.Contains(rest, "/node_modules/") {
			continue
		}
		names = append(names, rest)
	}
	if lock.Packages == nil {
		for k, p := range lock.Dependencies {
			if !p.Dev {
				names = append(names, k)
			}
		}
	}
	return names, true
}

// overlay returns the /opt overlay for layers, shared by every function with the same
// layers in the same order.
func (l *Lang) overlay(layers []tree.Tree) *tree.Overlay {
	var kb strings.Builder
	for _, t := range layers {
		fmt.Fprintf(&kb, "%p|", t)
	}
	return l.overlays.Get(kb.String(), func() *tree.Overlay { return tree.NewOverlay(layers) })
}

// MayInstall names the declared packages (model.Code.NpmPackage) whose install folder
// a bare specifier required from file would search: npm installs their dependencies
// beside them, which layerkit does not know, so a package not found may be one.
func (res *Result) MayInstall(file string) []string {
	env := res.R.Env()
	if len(env.Declared) == 0 {
		return nil
	}
	var out []string
	for _, p := range append(nodeModulePaths(path.Dir(file)), env.NodePath...) {
		if !res.Complete[p] {
			out = append(out, env.Declared[p]...)
		}
	}
	return out
}

// seamView is a Result as resolve.Analysis; each answer is made on first call.
type seamView struct {
	res *Result

	pathOnce sync.Once
	path     *resolve.SearchPath

	handlerOnce sync.Once
	handler     *resolve.Handler

	importsOnce sync.Once
	imports     []resolve.Import
	unfollowed  []resolve.Unfollowed

	shadowsOnce sync.Once
	shadows     []resolve.Shadow
}

func (v *seamView) Detail() any { return v.res }

func (v *seamView) SearchPath() *resolve.SearchPath {
	v.pathOnce.Do(func() {
		res := v.res
		env := res.R.Env()
		sp := &resolve.SearchPath{Var: "NODE_PATH", Uninspectable: res.Uninspectable}
		if ev, ok := res.Function.Env["NODE_PATH"]; ok && env.UserNodePath {
			sp.Override = &ev
		}
		// The handler's own node_modules walk starts at /var/task/node_modules: listed
		// first, so that what the function ships has a place on the path (LK104).
		if res.R.task != nil {
			sp.Entries = append(sp.Entries, resolve.Entry{Path: TaskModules, Place: resolve.Function, Tree: res.R.task, Dir: "node_modules"})
		}
		for _, p := range env.NodePath {
			e := resolve.Entry{Path: p, Place: resolve.Elsewhere, Override: env.UserNodePath}
			if t, name, ok := res.R.Locate(p); ok {
				e.Tree, e.Dir = t, name
				e.Place = resolve.Function
				if res.Opt != nil && t == tree.Tree(res.Opt) {
					e.Place = resolve.Layer
				}
			} else if p == RuntimeModules || p == "/var/runtime" {
				e.Place = resolve.Runtime
			}
			sp.Entries = append(sp.Entries, e)
		}
		v.path = sp
	})
	return v.path
}

// provider says where m is.
func (v *seamView) provider(m Module) *resolve.Provider {
	res := v.res
	p := &resolve.Provider{Entry: -1, Layer: -1}
	for i, e := range v.SearchPath().Entries {
		if m.Via != "" && e.Path == m.Via && p.Entry < 0 {
			p.Entry = i
		}
	}
	switch {
	case m.Builtin:
		p.Place = resolve.Builtin
		return p
	case m.Declared:
		p.Place = resolve.Declared
		p.Package, p.Installed = true, true
		p.Declared = &model.Declared{Dist: path.Base(m.Path), Modules: []string{path.Base(m.Path)}}
		if i := strings.LastIndex(m.Path, "/node_modules/"); i >= 0 {
			name := m.Path[i+len("/node_modules/"):]
			p.Declared.Dist, p.Declared.Modules = name, []string{name}
		}
		return p
	case m.Provided:
		p.Place = resolve.Runtime
		p.Package, p.Installed = true, true
		return p
	}
	t, name, ok := res.R.Locate(m.Path)
	if !ok {
		p.Place = resolve.Elsewhere
		return p
	}
	p.Tree, p.File = t, name
	p.Compiled = path.Ext(m.Path) == ".node"
	p.Installed = strings.Contains(m.Path, "/node_modules/")
	p.Place = resolve.Function
	if res.Opt != nil && t == tree.Tree(res.Opt) {
		p.Place = resolve.Layer
		if i := res.Opt.Owner(name); i >= 0 && i < len(res.OptLayers) {
			p.Layer = res.OptLayers[i]
		}
	}
	return p
}

// flat puts a Node message with its require stack on one line.
func flat(msg string) string { return strings.ReplaceAll(msg, "\n", " ") }

func verdictText(vd Verdict) string { return flat(vd.ErrorType + ": " + vd.ErrorMessage) }

func (v *seamView) Handler() *resolve.Handler {
	v.handlerOnce.Do(func() {
		ld := v.res.Load
		h := &resolve.Handler{Module: ld.ModuleName, Attr: ld.Prop, Malformed: ld.Malformed,
			Defined: ld.Defined, NotCallable: ld.NotCallable}
		switch {
		case ld.Malformed:
		case ld.Missing || ld.Module == "":
			h.Missing = ld.ModuleName
		default:
			h.Found = v.provider(Module{Path: ld.Module})
		}
		vd := ld.Verdict
		if !vd.OK && (ld.Malformed || ld.Missing || vd.ErrorType == "Runtime.HandlerNotFound" || ld.Defined == 0) {
			h.Error = verdictText(vd)
		}
		v.handler = h
	})
	return v.handler
}

// stmt is the import as written, in its usual spelling.
func stmt(i jsscan.Import) string {
	q := "'" + i.Spec + "'"
	switch i.Kind {
	case jsscan.RequireResolve:
		return "require.resolve(" + q + ")"
	case jsscan.ImportDecl:
		return "import " + q
	case jsscan.ExportFrom:
		return "export … from " + q
	case jsscan.DynamicImport:
		return "import(" + q + ")"
	}
	return "require(" + q + ")"
}

// kindOf is the seam's failure for a Node failure kind.
func kindOf(k FailureKind) resolve.Failure {
	switch k {
	case KindNotFound:
		return resolve.NotFound
	case KindBadSpecifier:
		return resolve.BadSpecifier
	case KindWrongFormat:
		return resolve.WrongFormat
	case KindOther:
		// An import Node refuses for another reason: a JSON module without its import
		// attribute, a file type Node does not load, an invalid package.json.
		return resolve.BadSpecifier
	}
	return resolve.Resolved // KindSyntax: the rules read it from the Load (LK108)
}

func (v *seamView) pos(file string, p jsscan.Pos) resolve.Pos {
	t, name, ok := v.res.R.Locate(file)
	if !ok {
		return resolve.Pos{Line: p.Line, Col: p.Col}
	}
	if o, ok := v.origin(t, name, p.Line); ok {
		return resolve.Pos{Tree: o.Tree, File: o.File, Line: o.Line, Col: o.Col}
	}
	return resolve.Pos{Tree: t, File: name, Line: p.Line, Col: p.Col}
}

// origin is where line of the stand-in module name of a bundled function package
// comes from (model.Bundle).
func (v *seamView) origin(t tree.Tree, name string, line int) (model.Origin, bool) {
	c := v.res.Function.Code
	if c == nil || c.Bundle == nil || t != c.Tree || line < 1 {
		return model.Origin{}, false
	}
	lines := c.Bundle.Origins[name]
	if line > len(lines) || lines[line-1].Tree == nil {
		return model.Origin{}, false
	}
	return lines[line-1], true
}

// Imports are, in the order Node meets them: each failing import that is not caught
// (a lazy one too: it fails the invocation that runs it), the failure that stopped the
// load when it is not an import's (ES module syntax under CommonJS, require in an ES
// module: WrongFormat), and for each module found the first import that reaches it.
// A failure whose kind the seam has no name for (another SyntaxError, an unreadable
// file) is left to the Load (Detail).
func (v *seamView) Imports() []resolve.Import {
	v.importsOnce.Do(v.makeImports)
	return v.imports
}

func (v *seamView) Unfollowed() []resolve.Unfollowed {
	v.importsOnce.Do(v.makeImports)
	return v.unfollowed
}

func (v *seamView) makeImports() {
	ld := v.res.Load
	for _, u := range ld.Unread {
		v.unfollowed = append(v.unfollowed, resolve.Unfollowed{At: v.pos(u.File, jsscan.Pos{Line: 1, Col: 1}),
			Text: u.File, Lazy: u.Lazy, Unread: u.Why, Handler: u.File == ld.Module})
	}
	seen := map[string]bool{}
	found := map[string]bool{}
	for _, ri := range ld.Imports {
		if ri.Failure != nil && (ri.Guarded || ri.Caught) {
			continue // caught here; the same import may fail uncaught later
		}
		key := fmt.Sprintf("%s\x00%d\x00%d\x00%s", ri.File, ri.Line, ri.Col, ri.Spec)
		if seen[key] {
			continue
		}
		seen[key] = true
		at := v.pos(ri.File, ri.Pos)
		if ri.Computed {
			v.unfollowed = append(v.unfollowed, resolve.Unfollowed{At: at, Text: v.sourceText(ri.File, ri.Pos), Lazy: ri.Lazy || ri.Kind == jsscan.DynamicImport})
			continue
		}
		imp := resolve.Import{Module: ri.Spec, At: at, Stmt: stmt(ri.Import), From: ri.File, Chain: ri.Chain,
			Lazy: ri.Lazy || ri.Kind == jsscan.DynamicImport, Guarded: ri.Guarded}
		if ri.Failure == nil {
			if ResolutionHook(ri.Spec) && !ri.Lazy {
				v.unfollowed = append(v.unfollowed, resolve.Unfollowed{At: at, Text: stmt(ri.Import), PathEdit: true})
			}
			if found[ri.Module.Path] {
				continue
			}
			found[ri.Module.Path] = true
			imp.Found = v.provider(ri.Module)
			v.imports = append(v.imports, imp)
			continue
		}
		imp.Failure = kindOf(ri.Failure.Kind())
		if imp.Failure == resolve.Resolved {
			continue
		}
		if imp.Lazy {
			imp.Error = flat(ri.Failure.Error())
		} else {
			imp.Error = verdictText(v.res.R.verdictOf(&failAt{f: ri.Failure}))
		}
		if imp.Failure == resolve.WrongFormat && ri.Module.Path != "" {
			imp.Found = v.provider(ri.Module)
		}
		v.imports = append(v.imports, imp)
	}
	// The failures of a whole file: module syntax in the other system, a file Node
	// cannot load.
	for _, vd := range append([]Verdict{ld.Verdict}, ld.Alternatives...) {
		if vd.OK || vd.Kind != KindWrongFormat && vd.Kind != KindOther || vd.At.File == "" {
			continue
		}
		key := fmt.Sprintf("%s\x00%d\x00%d\x00%s", vd.At.File, vd.At.Pos.Line, vd.At.Pos.Col, vd.At.Spec)
		if seen[key] {
			continue
		}
		seen[key] = true
		v.imports = append(v.imports, resolve.Import{Module: vd.At.File, At: v.pos(vd.At.File, vd.At.Pos),
			Stmt: v.sourceText(vd.At.File, vd.At.Pos), From: vd.At.File, Chain: v.chainTo(vd.At.File),
			Failure: kindOf(vd.Kind), Error: verdictText(vd), Found: v.provider(Module{Path: vd.At.File})})
	}
	// A require (module, exports, __dirname, __filename) in a function body of an ES
	// module: a ReferenceError when that function runs.
	for _, m := range ld.Modules {
		if m.Format != FormatESM {
			continue
		}
		f, err := v.res.R.Scan(m.File)
		if err != nil {
			continue
		}
		for _, u := range f.CJSUses {
			if !u.Lazy || u.Guarded {
				continue
			}
			msg := u.Name + " is not defined in ES module scope"
			if u.Name == "require" {
				msg += ", you can use import instead"
			}
			v.imports = append(v.imports, resolve.Import{Module: m.File, At: v.pos(m.File, u.Pos),
				Stmt: v.sourceText(m.File, u.Pos), From: m.File, Chain: m.Chain, Lazy: true,
				Failure: resolve.WrongFormat, Error: "ReferenceError: " + msg, Found: v.provider(Module{Path: m.File})})
			break // one per module
		}
	}
}

// chainTo is how the handler reaches file (the Modules' chain), or just file.
func (v *seamView) chainTo(file string) []string {
	for _, m := range v.res.Load.Modules {
		if m.File == file {
			return m.Chain
		}
	}
	return []string{file}
}

// sourceText is the code at p in file: the rest of its line, up to 80 bytes.
func (v *seamView) sourceText(file string, p jsscan.Pos) string {
	b, err := v.res.R.readFile(file)
	if err != nil || p.Line < 1 {
		return ""
	}
	lines := strings.SplitN(string(b), "\n", p.Line+1)
	if len(lines) < p.Line {
		return ""
	}
	line := lines[p.Line-1]
	if p.Col >= 1 && p.Col-1 < len(line) {
		line = line[p.Col-1:]
	}
	line = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(line), ";"))
	if len(line) > 80 {
		line = line[:77] + "..."
	}
	return line
}

// TaskModules is the function's own node_modules folder.
const TaskModules = TaskRoot + "/node_modules"

// Shadows are the packages the handler's imports load from one search-path folder (the
// function's node_modules, a NODE_PATH entry) that a later folder has too: the function's
// copy hides a layer's, /opt/nodejs/nodeNN/node_modules hides /opt/nodejs/node_modules, a
// layer's hides the runtime's.
func (v *seamView) Shadows() []resolve.Shadow {
	v.shadowsOnce.Do(func() {
		entries := v.SearchPath().Entries
		r := v.res.R
		seen := map[string]bool{}
		for _, imp := range v.Imports() {
			w := imp.Found
			if imp.Failure != resolve.Resolved || w == nil || w.Entry < 0 || !isBare(imp.Module) {
				continue
			}
			name, _ := splitPackage(imp.Module)
			if name == "" || seen[name] {
				continue
			}
			seen[name] = true
			sh := resolve.Shadow{Name: name, Winner: *w, At: imp.At}
			if t, file, ok := r.Locate(path.Join(entries[w.Entry].Path, name)); ok && w.Tree != nil {
				sh.Winner.Tree, sh.Winner.File, sh.Winner.Package = t, file, true // the package folder
			}
			for j := w.Entry + 1; j < len(entries); j++ {
				e := entries[j]
				switch {
				case e.Place == resolve.Runtime && e.Path == RuntimeModules && r.env.provides(name):
					sh.Others = append(sh.Others, resolve.Provider{Place: resolve.Runtime, Entry: j, Layer: -1, Package: true, Installed: true})
				case e.Tree != nil && r.IsDir(path.Join(e.Path, name)):
					t, file, _ := r.Locate(path.Join(e.Path, name))
					o := resolve.Provider{Place: e.Place, Entry: j, Layer: -1, Tree: t, File: file, Package: true, Installed: true}
					if v.res.Opt != nil && t == tree.Tree(v.res.Opt) {
						if i := v.res.Opt.Owner(file); i >= 0 && i < len(v.res.OptLayers) {
							o.Layer = v.res.OptLayers[i]
						}
					}
					sh.Others = append(sh.Others, o)
				}
			}
			if len(sh.Others) > 0 {
				v.shadows = append(v.shadows, sh)
			}
		}
	})
	return v.shadows
}

// isBare reports whether spec names a package (not a path, a URL or a "#x" import).
func isBare(spec string) bool {
	return spec != "" && spec[0] != '.' && spec[0] != '/' && spec[0] != '#' && !strings.Contains(spec, ":")
}

// Exists reports whether abs is a file or folder the function sees.
func (r *Resolver) Exists(abs string) bool { return r.stat(abs) != statMissing }

// IsDir reports whether abs is a folder the function sees.
func (r *Resolver) IsDir(abs string) bool { return r.stat(abs) == statDir }

// ImportAt returns the import of file (absolute) at line:col, as the Load recorded it;
// nil when there is none.
func (res *Result) ImportAt(file string, line, col int) *Resolved {
	for i := range res.Load.Imports {
		ri := &res.Load.Imports[i]
		if ri.File == file && ri.Line == line && ri.Col == col {
			return ri
		}
	}
	return nil
}

// ResolutionHook reports whether loading the package spec names changes how require
// resolves names from then on (module-alias, app-module-path, tsconfig-paths: they
// patch Module._resolveFilename or add to the lookup paths at run time), which
// layerkit does not follow.
func ResolutionHook(spec string) bool {
	switch spec {
	case "module-alias", "module-alias/register", "app-module-path", "app-module-path/register", "app-module-path/cwd",
		"tsconfig-paths/register", "link-module-alias", "better-module-alias":
		return true
	}
	return false
}

// Forget drops what the check's Node.js resolvers share of the trees gone says are
// done with (resolve.Forgetter).
func (l *Lang) Forget(gone func(tree.Tree) bool) { l.shared.Forget(gone) }
