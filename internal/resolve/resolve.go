// Package resolve is the language seam: what the shared parts of layerkit (check, the
// rules LK101–LK105, LK201, LK204 and LK3xx, verify, build) ask of a language's import
// system on Lambda, without knowing the language. One Resolver per language answers:
// pyresolve for Python (pyresolve.Lang), the Node.js resolver for nodejs. check picks
// the resolver by the runtime catalogue's language (runtimes.Runtime.Language).
//
// The shape is go/analysis's: a Resolver is a small value that computes, once per
// function, an Analysis; the Analysis is data the rules read side by side. Per function
// it says
//
//   - where the language looks, in order (SearchPath: Python's sys.path, Node's
//     NODE_PATH), including the function's own PYTHONPATH/NODE_PATH when it overrides
//     Lambda's default (LK204);
//   - what became of the Handler setting: its module, found where or not and why, and
//     the attribute looked up on it (Handler: LK102, LK103);
//   - every import that runs when the handler loads (and lazily, in function bodies):
//     where it is (Pos), whether it is guarded or lazy, how the handler reaches it
//     (Chain), and its resolution — found in the function's package, in layer i, or
//     provided by the runtime; or not found, and why (Import: LK101, LK3xx);
//   - which module shadows which (Shadow: LK104), and what could not be followed
//     (Unfollowed: LK106).
//
// Loaders, the /opt overlay (tree.Overlay), the limits, the native-code audit and the
// reports are shared and stay outside a resolver. A resolver never reports findings:
// rules interpret its facts. Texts the runtime prints (Error, Handler.Error) are in the
// resolver's language because only it knows them.
//
// A second language plugs in by implementing Resolver (and Analysis) in its own
// package and registering it in check (see docs/ARCHITECTURE.md, "Adding a language").
package resolve

import (
	"context"

	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/runtimes"
	"github.com/layerkit/layerkit/internal/tree"
)

// Resolver is one language's import system on Lambda. One Resolver serves every
// function of a check and may share work between them (layers are shared); it must be
// safe for concurrent use.
type Resolver interface {
	// Language is the runtime catalogue's language it serves ("python", "nodejs"):
	// runtimes.Runtime.Language of the functions it is given.
	Language() string
	// Analyze resolves fn's handler and every import reachable from it on fn's Lambda
	// search path for rt (fn.Runtime looked up in the catalogue; rt.Language ==
	// Language()). Functions whose imports cannot be checked (rules.Unchecked) are not
	// given to it. It returns ctx.Err() when ctx is done before it finishes; an error
	// is otherwise a defect, not a finding (findings are facts in the Analysis).
	Analyze(ctx context.Context, fn *model.Function, rt *runtimes.Runtime) (Analysis, error)
}

// A Forgetter is a Resolver that keeps what it read of the trees it was given (listings,
// scans) for the functions after: Forget drops what it keeps of the trees gone says
// are done with (a batch's function packages, which no function after it reads).
type Forgetter interface {
	Forget(gone func(tree.Tree) bool)
}

// Analysis is one function's import analysis, as the shared rules see it. Its methods
// are safe for concurrent use (rules run side by side) and may compute their answer on
// first call; the slices returned are shared and must not be modified.
type Analysis interface {
	// SearchPath is where the language looks for modules, in order.
	SearchPath() *SearchPath
	// Handler is what became of the function's Handler setting.
	Handler() *Handler
	// Imports are the imports that run: every import statement that fails (each once,
	// the innermost one), and for each module found, the statement that first reaches
	// it (an eager one when there is one). Failures a guard catches are not listed.
	Imports() []Import
	// Shadows are the top-level modules provided by more than one place on the path
	// (the winner and what it hides; whether that matters is the rules' call).
	Shadows() []Shadow
	// Unfollowed are the imports and search-path edits the resolver cannot follow
	// (require(variable), importlib.import_module(name), sys.path.insert(0, f())).
	Unfollowed() []Unfollowed
	// Detail is the resolver's own result (*pyresolve.Result for Python), for the hints
	// of rules that speak one language. Shared rules must not need it.
	Detail() any
}

// Place says where on the function's path a module is found.
type Place int

const (
	// Nowhere: not found.
	Nowhere Place = iota
	// Function: the function's own package (/var/task, its node_modules).
	Function
	// Layer: a layer, merged into /opt (Provider.Layer says which).
	Layer
	// Builtin: the language's own library (Python's standard library, Node's built-in
	// modules: fs, node:path).
	Builtin
	// Runtime: a package the runtime bundles (boto3 in /var/runtime, @aws-sdk/* in
	// /var/runtime/node_modules).
	Runtime
	// Declared: not in any file yet; a build step will install it (requirements.txt,
	// package.json) into the function's package or a layer (Provider.Declared).
	Declared
	// Elsewhere: a folder the function's own PYTHONPATH/NODE_PATH or a .pth file adds.
	Elsewhere
)

func (p Place) String() string {
	switch p {
	case Function:
		return "function"
	case Layer:
		return "layer"
	case Builtin:
		return "builtin"
	case Runtime:
		return "runtime"
	case Declared:
		return "declared"
	case Elsewhere:
		return "elsewhere"
	}
	return "nowhere"
}

// Pos is a place in a file of one of the function's trees (its package, the /opt
// overlay). Tree is nil for a position that is not in a file.
type Pos struct {
	Tree tree.Tree
	File string // name in Tree
	Line int    // 1-based; 0 when unknown
	Col  int    // 1-based; 0 when unknown
}

// Model is the position as findings show it (File relative to the checked PATH).
func (p Pos) Model() model.Pos {
	if p.Tree == nil {
		return model.Pos{Line: p.Line, Col: p.Col}
	}
	return model.Pos{File: p.Tree.Display(p.File), Line: p.Line, Col: p.Col}
}

// SearchPath is where the language looks for a function's modules, in order.
type SearchPath struct {
	// Var is the environment variable that replaces Lambda's default path:
	// "PYTHONPATH" or "NODE_PATH".
	Var string
	// Override is the function's own value of Var; nil when it does not set it. When
	// set, Lambda does not add the layer folders (Entries say what is left).
	Override *model.EnvVar
	// Entries are the folders searched, in order, as Lambda spells them ("/var/task",
	// "/opt/python", "/opt/nodejs/node20/node_modules"), those the Override adds
	// included. Node's per-file node_modules walk comes before them and is not listed.
	Entries []Entry
	// Uninspectable is set when a layer's content cannot be read (a remote ARN, an S3
	// object, an opaque build): it may provide any module (LK105).
	Uninspectable bool
}

// Entry is one folder of the search path.
type Entry struct {
	Path  string // as Lambda spells it
	Place Place  // Function, Layer (the /opt overlay), Builtin, Runtime or Elsewhere
	// Tree and Dir are the folder's content (Dir inside Tree; for Layer, Tree is the
	// /opt overlay of the function's inspectable layers); Tree is nil for what the
	// runtime provides.
	Tree tree.Tree
	Dir  string
	// Override is set when the function's own Var puts the folder there.
	Override bool
}

// Provider is where a module resolves: what Lambda will load for it.
type Provider struct {
	Place Place
	// Entry is the index in SearchPath().Entries of the folder it was found in; -1
	// when found another way (Node's node_modules walk, a relative file).
	Entry int
	// Layer is the index in the function's Layers (model.Function.Layers) of the layer
	// holding it (Place Layer); -1 otherwise.
	Layer int
	// Tree and File are the file that runs (x.py, pkg/__init__.py, x.cpython-312-….so,
	// index.js, addon.node), or the folder of a package without one (a namespace
	// package); Tree is nil for Builtin, Runtime and Declared.
	Tree tree.Tree
	File string
	// Compiled is set when the file is native code (an extension module, a .node addon).
	Compiled bool
	// Package is set when the module is a package (File is its __init__.py, the entry
	// file of a package folder); Folder when it is a folder with no file that runs (a
	// Python namespace package: File is the folder).
	Package bool
	Folder  bool
	// Installed is set when an installed distribution or npm package owns it (its
	// metadata is trusted; its sources are not scanned unless asked).
	Installed bool
	// Declared is the declaration that brings it (Place Declared), else nil.
	Declared *model.Declared
}

// Display names the provider's file for a user ("" for Builtin, Runtime and Declared).
func (p *Provider) Display() string {
	if p == nil || p.Tree == nil {
		return ""
	}
	return p.Tree.Display(p.File)
}

// Failure says why an import does not resolve.
type Failure int

const (
	// Resolved: no failure.
	Resolved Failure = iota
	// NotFound: no module of that name on the path (Python "No module named 'x'",
	// Node "Cannot find module 'x'" / ERR_MODULE_NOT_FOUND).
	NotFound
	// NameMissing: the module is found but lacks the name imported from it (Python
	// "cannot import name", a missing attribute; an ES module's missing export).
	NameMissing
	// Incompatible: the only candidates are native files that cannot load here
	// (another Python ABI or Node ABI, another architecture, a newer glibc, not Linux):
	// Import.Near lists them (LK3xx instead of LK101).
	Incompatible
	// BadSpecifier: the import cannot name a module from where it is (a relative
	// import beyond the top-level package or without a parent; an ES module importing
	// a directory or a file without its extension).
	BadSpecifier
	// WrongFormat: found, but written in the other module system than the runtime loads
	// it with (Node: ESM syntax in a CommonJS file, require in an ES module; LK107).
	WrongFormat
)

// Import is one import that runs when the handler loads, or lazily.
type Import struct {
	// Module is the module it asks for, as the language names one (Python's dotted
	// name "pkg.mod"; Node's specifier "lodash/fp", "./db").
	Module string
	// At is the import statement; Stmt is it as written.
	At   Pos
	Stmt string
	// From is the importing module (its name; "" for the handler's own loading);
	// Chain is how the handler reaches From: the handler module first, From last.
	From  string
	Chain []string
	// Lazy is set when it runs only when a function body runs (an error becomes a
	// warning: one invocation fails, not the cold start).
	Lazy bool
	// Guarded is set when a failure is caught (try/except ImportError, try/catch).
	Guarded bool
	// Found is where it resolves; nil when Failure is not Resolved (except
	// NameMissing and WrongFormat, where it is the module that was found).
	Found   *Provider
	Failure Failure
	// Name is the name missing from Found (NameMissing).
	Name string
	// Error is what the runtime prints for the failure ("No module named 'x'",
	// "Cannot find module 'x'"); "" when Resolved.
	Error string
	// Near are, for Incompatible, the native files that exist but cannot load, as
	// shown to a user (Tree.Display).
	Near []string
}

// Handler is what became of the function's Handler setting.
type Handler struct {
	// Module is the module it names (Python: dotted, up to the last dot; Node: the path
	// up to the first dot); Attr the attribute looked up on it (Node: a property path
	// "a.b").
	Module string
	Attr   string
	// Malformed is set when Handler cannot name a module and attribute at all.
	Malformed bool
	// Found is the module's file; nil when it does not resolve (Missing is then the
	// first part that does not).
	Found   *Provider
	Missing string
	// Defined is 1 when the module defines Attr, 0 when it does not, -1 when that
	// cannot be known (native code, names made at run time).
	Defined int
	// NotCallable is set (Defined 0) when Attr is bound to a value that cannot be called.
	NotCallable bool
	// NotRun is set (Defined 0) when the module's source defines Attr at top level, but
	// only in code that does not run when the runtime loads it (or that is undone).
	NotRun bool
	// NotModule is set when Found is not a module that can define Attr (a folder: a
	// namespace package).
	NotModule bool
	// Error is what the runtime prints when loading fails ("Runtime.ImportModuleError:
	// Unable to import module 'app': No module named 'app'"); "" when it loads.
	Error string
}

// Shadow is a top-level module that more than one place on the path provides.
type Shadow struct {
	Name   string
	Winner Provider   // what loads
	Others []Provider // what it hides, in path order
	At     Pos        // the first import of it
}

// Unfollowed is an import or a search-path edit a resolver cannot follow.
type Unfollowed struct {
	At   Pos
	Text string // the code as written
	// PathEdit is set for an edit of the search path (sys.path.insert(0, f())); else it
	// is a dynamic import.
	PathEdit bool
	Lazy     bool
	// Unread is set when a module's file could not be read (over --max-file-size, an
	// I/O error): the reason. Text is then the module's name, At its file.
	Unread string
	// Handler: the unread file is the handler's module.
	Handler bool
}

// Set holds the resolvers of a check, by language.
type Set map[string]Resolver

// NewSet returns a Set of rs, keyed by their Language.
func NewSet(rs ...Resolver) Set {
	s := Set{}
	for _, r := range rs {
		s[r.Language()] = r
	}
	return s
}

// For returns the resolver of rt's language; false when none (the function's imports
// are not checked: LK109).
func (s Set) For(rt *runtimes.Runtime) (Resolver, bool) {
	if rt == nil {
		return nil, false
	}
	r, ok := s[rt.Language]
	return r, ok
}

// Failed returns a's imports that do not resolve (Failure is not Resolved), in
// Imports' order. An analysis that can list them without building every import
// implements Failed() []Import itself: a function that imports a 5,000-module
// package has 5,000 imports and, usually, no failure.
func Failed(a Analysis) []Import {
	if f, ok := a.(interface{ Failed() []Import }); ok {
		return f.Failed()
	}
	var out []Import
	for _, imp := range a.Imports() {
		if imp.Failure != Resolved {
			out = append(out, imp)
		}
	}
	return out
}

// FailedWith returns a's imports that fail with k, in Imports' order. An analysis that
// can list them without building the others implements FailedWith(k) []Import itself:
// a rule asking for a kind of failure that one language never has (LK107's WrongFormat
// for Python) builds nothing.
func FailedWith(a Analysis, k Failure) []Import {
	if f, ok := a.(interface{ FailedWith(Failure) []Import }); ok {
		return f.FailedWith(k)
	}
	var out []Import
	for _, imp := range Failed(a) {
		if imp.Failure == k {
			out = append(out, imp)
		}
	}
	return out
}

// LoadedFiles calls visit for each file a's function loads that holds source: the
// file holding each import in Imports, and the file each import (and the handler)
// finds, unless it is compiled or a folder (installed is set when an installed
// distribution owns it). A file may be visited more than once. An analysis that can
// walk them without building Imports implements LoadedFiles(visit) itself, visiting
// the same files.
func LoadedFiles(a Analysis, visit func(t tree.Tree, name string, installed bool)) {
	if l, ok := a.(interface {
		LoadedFiles(func(tree.Tree, string, bool))
	}); ok {
		l.LoadedFiles(visit)
		return
	}
	if h := a.Handler(); h != nil {
		VisitProvider(h.Found, visit)
	}
	for _, im := range a.Imports() {
		if im.At.Tree != nil && im.At.File != "" {
			visit(im.At.Tree, im.At.File, false)
		}
		VisitProvider(im.Found, visit)
	}
}

// LoadedFilesOnce is LoadedFiles for a walk over many functions' analyses that wants
// only the union of their files (check's ignore comments): files several functions
// reach through one piece of shared work (Python: a layer package's run, shared by
// every function over the same layers) may be visited for the first function of the
// walk alone. seen is the walk's memory of those pieces: one map, empty at the start,
// passed with every function of the walk. The union of the files visited is the union
// LoadedFiles visits for the same functions. An analysis that shares such work
// implements LoadedFilesOnce(seen, visit) itself; any other is walked by LoadedFiles.
func LoadedFilesOnce(a Analysis, seen map[any]bool, visit func(t tree.Tree, name string, installed bool)) {
	if l, ok := a.(interface {
		LoadedFilesOnce(map[any]bool, func(tree.Tree, string, bool))
	}); ok {
		l.LoadedFilesOnce(seen, visit)
		return
	}
	LoadedFiles(a, visit)
}

// VisitProvider is LoadedFiles' visit of the file p finds, when it holds source.
func VisitProvider(p *Provider, visit func(t tree.Tree, name string, installed bool)) {
	if p == nil || p.Tree == nil || p.File == "" || p.Compiled || p.Folder {
		return
	}
	visit(p.Tree, p.File, p.Installed)
}
