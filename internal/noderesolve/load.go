package noderesolve

import (
	"encoding/json"
	"errors"
	"io/fs"
	"path"
	"strings"

	"github.com/layerkit/layerkit/internal/jsscan"
)

// Loading: what Node runs when the runtime loads the handler module, in Node's order.
// A CommonJS module runs its top-level requires in source order and stops at the
// first that throws (unless a try/catch catches it); an ES module graph is first
// linked as a whole (every static import resolved and parsed, any failure ends
// it), then run in post-order. Imports in function bodies are resolved for the
// report but not run; dynamic import() is resolved but never decides the verdict
// (its failure is a rejected promise whose effect depends on how it is awaited).

// Format is the module system Node loads a file in.
type Format uint8

const (
	FormatNone     Format = iota // built-in, runtime package
	FormatCommonJS               // require()d: CommonJS
	FormatESM                    // import()ed: ES module
	FormatJSON
	FormatAddon // .node
)

// Resolved is one import of a module loaded (or looked at) for the function.
type Resolved struct {
	File string // the importing file, absolute
	jsscan.Import
	Module  Module
	Failure *Failure // nil when it resolves (and, for a static import, links)
	Ran     bool     // the import runs when the handler module loads
	// Caught: a try/catch around a require that leads here (in a module that loads
	// this one) catches a failure of this import.
	Caught bool
	// Chain is how the handler reaches File: the handler module first, File last.
	Chain []string
}

// Loaded is one file loaded for a handler.
type Loaded struct {
	File   string // absolute
	Format Format
	Chain  []string // how the handler reaches it: the handler module first, File last
}

// Site is where a failure comes from: the import (Spec and Pos set) or the file.
type Site struct {
	File string
	Pos  jsscan.Pos
	Spec string
}

// Verdict is what Lambda reports when it initializes the function: OK, or the error
// type and message of the runtime's response (errorType, errorMessage).
type Verdict struct {
	OK           bool
	ErrorType    string // "Runtime.ImportModuleError", "Runtime.HandlerNotFound", "Error", ...
	ErrorMessage string
	Code         string // Node's error code, when there is one
	// Kind is the kind of the failure that stopped the load (0 when OK, or when the
	// handler lookup failed after the module loaded).
	Kind FailureKind
	At   Site
	// Uncertain: a SyntaxError found by layerkit's parser, whose grammar is not V8's
	// in every corner (a rule should say "layerkit cannot parse", not assert
	// Lambda's error); the V8 texts layerkit gives itself (module syntax in the wrong
	// system) are certain.
	Uncertain bool
}

// Load is the result of loading a handler.
type Load struct {
	Handler string
	// ModuleName is the module the handler names (the text up to the first dot of its
	// base name, with its folder: "src/handlers/orders"); Prop the property path
	// after it ("handler", "api.get").
	ModuleName, Prop string
	// Malformed: the Handler cannot name a module (Runtime.MalformedHandlerName).
	Malformed bool
	// Missing: the handler module itself is not found (LK102); an import inside it
	// that fails is not this.
	Missing bool
	// Defined is 1 when the module exports Prop, 0 when it does not (or not as a
	// function: NotCallable), -1 when that cannot be known or the module did not load.
	Defined     int
	NotCallable bool
	Module      string // the handler module's file (absolute); "" when not found
	Format      Format
	Verdict     Verdict
	// Alternatives are the other verdicts Lambda may report: an ES module graph with
	// several broken imports reports whichever Node meets first while linking, which
	// is not always the first in source order.
	Alternatives []Verdict
	// Imports are the imports of every module looked at, in the order met.
	Imports []Resolved
	// Modules are the files loaded (or linked) for the handler, in the order met, with
	// the format Node loads each in: the rules read module-system mismatches that
	// only show when a function body runs (require in an ES module's handler: LK107
	// as a warning) from their scans (Resolver.Scan).
	Modules []Loaded
	// Unknown says why the verdict could not be worked out fully (a TypeScript
	// handler module, an export list layerkit cannot read); the verdict is then OK.
	Unknown string
	// Unread are the files found but not read (over --max-file-size, an I/O error):
	// what they import or export is not known, so they count as loading.
	Unread []Unread
	// CallbackHandler: the handler is a function of three parameters, which
	// nodejs24.x does not support (facts §1).
	CallbackHandler bool
}

// Unread is a module file layerkit found but could not read.
type Unread struct {
	File string // absolute, as Node names it
	Why  string
	Lazy bool
}

// unread records a file that could not be read, once.
func (l *loader) unread(file string, err error, lazy bool) {
	for i := range l.load.Unread {
		if l.load.Unread[i].File == file {
			l.load.Unread[i].Lazy = l.load.Unread[i].Lazy && lazy
			return
		}
	}
	why := err.Error()
	var pe *fs.PathError
	if errors.As(err, &pe) {
		why = pe.Err.Error()
	}
	l.load.Unread = append(l.load.Unread, Unread{File: file, Why: why, Lazy: lazy})
}

type loader struct {
	r       *Resolver
	chain   []string // the modules being loaded, outermost first
	load    *Load
	cjsDone map[string]bool
	linked  map[string]bool
	ran     map[string]bool
	linkErr []*failAt
	guarded int // how many guarded requires the module being loaded is under
}

// failAt is a failure and where it happened.
type failAt struct {
	f  *Failure
	at Site
}

func (l *loader) record(file string, imp jsscan.Import, m Module, f *Failure, ran bool) {
	chain := l.chain[:len(l.chain):len(l.chain)] // never written in place (enter copies)
	l.load.Imports = append(l.load.Imports, Resolved{File: file, Import: imp, Module: m, Failure: f, Ran: ran, Chain: chain, Caught: l.guarded > 0})
}

// enter and leave keep l.chain: the module being loaded and those that load it.
// enter makes a new chain (records share it: it is never written in place, so each
// module's chain is made once, not once per import).
func (l *loader) enter(file string) {
	n := len(l.chain)
	l.chain = append(l.chain[:n:n], file)
}
func (l *loader) leave() { l.chain = l.chain[:len(l.chain)-1] }

// cjsFormat says how require() loads file: ERR_REQUIRE_ESM for an ES module (Lambda
// turns require(esm) off: F10).
func (r *Resolver) requireFormat(file, from string) (Format, *Failure) {
	switch path.Ext(file) {
	case ".json":
		return FormatJSON, nil
	case ".node":
		return FormatAddon, nil
	case ".mjs":
		return FormatESM, requireESM(file, from)
	case ".js":
		if pj := r.packageScope(path.Dir(file)); pj != nil && pj.Type == "module" {
			return FormatESM, requireESM(file, from)
		}
	}
	return FormatCommonJS, nil
}

func requireESM(file, from string) *Failure {
	msg := "require() of ES Module " + file
	if from != "" {
		msg += " from " + from
	}
	return &Failure{Code: "ERR_REQUIRE_ESM", Type: "Error", Msg: msg + " not supported."}
}

// importFormat says how import loads file.
func (r *Resolver) importFormat(file string) (Format, *Failure) {
	switch path.Ext(file) {
	case ".mjs":
		return FormatESM, nil
	case ".cjs":
		return FormatCommonJS, nil
	case ".js":
		if pj := r.packageScope(path.Dir(file)); pj != nil && pj.Type == "module" {
			return FormatESM, nil
		}
		return FormatCommonJS, nil
	case ".json":
		if r.env.Major <= 20 { // import assertions became attributes in Node 21
			return FormatJSON, &Failure{Code: "ERR_IMPORT_ASSERTION_TYPE_MISSING", Type: "TypeError", Msg: "Module \"file://" + file + "\" needs an import attribute of type \"json\""}
		}
		return FormatJSON, &Failure{Code: "ERR_IMPORT_ATTRIBUTE_MISSING", Type: "TypeError", Msg: "Module \"file://" + file + "\" needs an import attribute of \"type: json\""}
	}
	ext := path.Ext(file)
	if ext == "" {
		if pj := r.packageScope(path.Dir(file)); pj == nil || pj.Type != "module" {
			return FormatCommonJS, nil
		}
	}
	return FormatNone, &Failure{Code: "ERR_UNKNOWN_FILE_EXTENSION", Type: "TypeError", Msg: "Unknown file extension \"" + ext + "\" for " + file}
}

// syntaxOf returns the SyntaxError a file gives when compiled in format fm.
func syntaxOf(f *jsscan.File, fm Format) *Failure {
	if f.Syntax != nil {
		return &Failure{Type: "SyntaxError", Msg: f.Syntax.Msg}
	}
	if fm == FormatCommonJS {
		switch f.ESMWhat {
		case "import":
			return &Failure{Type: "SyntaxError", Msg: "Cannot use import statement outside a module"}
		case "export":
			return &Failure{Type: "SyntaxError", Msg: "Unexpected token 'export'"}
		case "import.meta":
			return &Failure{Type: "SyntaxError", Msg: "Cannot use 'import.meta' outside a module"}
		}
		if f.TopAwait != nil {
			return &Failure{Type: "SyntaxError", Msg: "await is only valid in async functions and the top level bodies of modules"}
		}
	}
	return nil
}

func syntaxSite(file string, f *jsscan.File) Site {
	switch {
	case f.Syntax != nil:
		return Site{File: file, Pos: f.Syntax.Pos}
	case f.ESM:
		return Site{File: file, Pos: f.ESMPos}
	case f.TopAwait != nil:
		return Site{File: file, Pos: *f.TopAwait}
	}
	return Site{File: file}
}

// runCJS loads a CommonJS file (Module._load → _compile) whose require stack is
// stack (the file first).
func (l *loader) runCJS(file string, stack []string) *failAt {
	if l.cjsDone[file] {
		return nil // cached (or still loading: a cycle)
	}
	l.cjsDone[file] = true
	l.enter(file)
	l.load.Modules = append(l.load.Modules, Loaded{File: file, Format: FormatCommonJS, Chain: l.chain[:len(l.chain):len(l.chain)]})
	fa := l.runCJS1(file, stack)
	l.leave()
	if fa != nil {
		delete(l.cjsDone, file) // Node drops a module that threw from its cache
	}
	return fa
}

func (l *loader) runCJS1(file string, stack []string) *failAt {
	switch path.Ext(file) {
	case ".json":
		b, err := l.r.readFile(file)
		if err == nil && !json.Valid(b) {
			return &failAt{&Failure{Type: "SyntaxError", Msg: file + ": Unexpected token in JSON"}, Site{File: file}}
		}
		return nil
	case ".node":
		return nil // native addons: judged by the native-code rules
	}
	f, err := l.r.scan(file)
	if err != nil {
		l.unread(file, err, false)
		return nil
	}
	if sf := syntaxOf(f, FormatCommonJS); sf != nil {
		return &failAt{sf, syntaxSite(file, f)}
	}
	parent := &cjsParent{filename: file, stack: stack}
	for _, imp := range f.Imports {
		site := Site{File: file, Pos: imp.Pos, Spec: imp.Spec}
		if imp.Computed {
			l.record(file, imp, Module{}, nil, !imp.Lazy)
			continue
		}
		switch imp.Kind {
		case jsscan.Require, jsscan.RequireResolve:
			m, fail := l.r.require(imp.Spec, parent)
			run := !imp.Lazy && imp.Kind == jsscan.Require
			if fail == nil && run && !m.Builtin && !m.Provided {
				if _, ff := l.r.requireFormat(m.Path, file); ff != nil {
					fail = ff
				}
			}
			l.record(file, imp, m, fail, !imp.Lazy)
			if imp.Lazy || imp.Guarded && fail != nil {
				continue
			}
			if fail != nil {
				return &failAt{fail, site}
			}
			if !run || m.Builtin || m.Provided {
				continue
			}
			if imp.Guarded {
				l.guarded++
			}
			fa := l.runCJS(m.Path, append([]string{m.Path}, stack...))
			if imp.Guarded {
				l.guarded--
			}
			if fa != nil && !imp.Guarded {
				return fa
			}
		case jsscan.DynamicImport:
			m, fail := l.r.esmResolve(imp.Spec, file)
			l.record(file, imp, m, fail, false)
		}
	}
	return nil
}

// runESM links and runs the ES module graph of root.
func (l *loader) runESM(root string) (first *failAt, alts []*failAt) {
	l.linkErr = nil
	l.link(root)
	if len(l.linkErr) > 0 {
		return l.linkErr[0], l.linkErr[1:]
	}
	return l.evaluate(root), nil
}

// link parses an ES module and resolves its static imports, depth first.
func (l *loader) link(file string) {
	if l.linked[file] {
		return
	}
	l.linked[file] = true
	l.enter(file)
	defer l.leave()
	l.load.Modules = append(l.load.Modules, Loaded{File: file, Format: FormatESM, Chain: l.chain[:len(l.chain):len(l.chain)]})
	f, err := l.r.scan(file)
	if err != nil {
		l.unread(file, err, false)
		return
	}
	if sf := syntaxOf(f, FormatESM); sf != nil {
		l.linkErr = append(l.linkErr, &failAt{sf, syntaxSite(file, f)})
		return
	}
	for _, imp := range f.Imports {
		if !imp.Kind.Static() {
			continue
		}
		m, fail := l.r.esmResolve(imp.Spec, file)
		var fm Format
		if fail == nil && !m.Builtin && !m.Provided {
			fm, fail = l.r.importFormat(m.Path)
			if fm == FormatJSON && imp.Type == "json" {
				fail = nil // import … with { type: 'json' }
			}
		}
		l.record(file, imp, m, fail, true)
		if fail != nil {
			l.linkErr = append(l.linkErr, &failAt{fail, Site{File: file, Pos: imp.Pos, Spec: imp.Spec}})
			continue
		}
		if fm == FormatESM {
			l.link(m.Path)
		}
	}
}

// evaluate runs an ES module after its static imports (post-order).
func (l *loader) evaluate(file string) *failAt {
	if l.ran[file] {
		return nil
	}
	l.ran[file] = true
	l.enter(file)
	defer l.leave()
	f, err := l.r.scan(file)
	if err != nil {
		return nil // unread (link)
	}
	for _, imp := range f.Imports {
		if !imp.Kind.Static() {
			continue
		}
		m, fail := l.r.esmResolve(imp.Spec, file)
		if fail != nil || m.Builtin || m.Provided {
			continue
		}
		fm, _ := l.r.importFormat(m.Path)
		var fa *failAt
		switch fm {
		case FormatESM:
			fa = l.evaluate(m.Path)
		case FormatCommonJS:
			fa = l.runCJS(m.Path, []string{m.Path})
		}
		if fa != nil {
			return fa
		}
	}
	for _, imp := range f.Imports {
		if imp.Kind == jsscan.DynamicImport && !imp.Computed {
			m, fail := l.r.esmResolve(imp.Spec, file)
			l.record(file, imp, m, fail, false)
		}
	}
	for _, u := range f.CJSUses {
		if u.Lazy || u.Guarded {
			continue
		}
		msg := u.Name + " is not defined in ES module scope"
		if u.Name == "require" {
			msg += ", you can use import instead"
		}
		return &failAt{&Failure{Type: "ReferenceError", Msg: msg}, Site{File: file, Pos: u.Pos, Spec: u.Name}}
	}
	return nil
}

// verdictOf turns a failure while loading the handler module into what the runtime
// interface client reports (F9).
func (r *Resolver) verdictOf(fa *failAt) Verdict {
	f := fa.f
	v := Verdict{Code: f.Code, Kind: f.Kind(), At: fa.at}
	// Lambda turns require(esm) and ES module syntax detection off on Node 20 and 22
	// (F10); whether it does on 24 is UNCERTAIN: there, ES module syntax in a
	// CommonJS file and require() of an ES module may load.
	v.Uncertain = r.env.Major >= 24 && f.Kind() == KindWrongFormat && f.Type != "ReferenceError"
	switch {
	case f.Type == "SyntaxError":
		v.ErrorType, v.ErrorMessage = "Runtime.UserCodeSyntaxError", "SyntaxError: "+f.Message()
		v.Uncertain = v.Uncertain || f.Kind() == KindSyntax
	case f.Code == "MODULE_NOT_FOUND":
		v.ErrorType, v.ErrorMessage = "Runtime.ImportModuleError", "Error: "+f.Message()
	default:
		v.ErrorType, v.ErrorMessage = f.Type, f.Message()
	}
	return v
}

// LoadHandler loads handler ("app.handler", "src/handlers/orders.main") as the
// runtime interface client does (F7, F8) and reports what Lambda would.
func (r *Resolver) LoadHandler(handler string) *Load {
	ld := &Load{Handler: handler, Defined: -1}
	l := &loader{r: r, load: ld, cjsDone: map[string]bool{}, linked: map[string]bool{}, ran: map[string]bool{}}
	fail := func(typ, msg string) *Load {
		ld.Malformed = true
		ld.Verdict = Verdict{ErrorType: typ, ErrorMessage: msg}
		return ld
	}
	if strings.Contains(handler, "..") {
		return fail("Runtime.MalformedHandlerName", "'"+handler+"' is not a valid handler name. Use absolute paths when specifying root directories in handler names.")
	}
	base := jsBasename(handler)
	moduleRoot := handler[:strings.Index(handler, base)]
	dot := strings.IndexByte(base, '.')
	if dot < 0 {
		return fail("Runtime.MalformedHandlerName", "Bad handler")
	}
	module, prop := base[:dot], base[dot+1:]
	ld.ModuleName, ld.Prop = moduleRoot+module, prop
	p := path.Join(TaskRoot, moduleRoot, module)
	if path.IsAbs(moduleRoot) {
		p = path.Join(moduleRoot, module)
	}

	exists := func(x string) bool { return r.stat(x) != statMissing }
	ric := []string{RICPath}
	var fa *failAt
	var alts []*failAt
	var file string
	var format Format
	requireFile := func(x string) {
		m, f := r.require(x, &cjsParent{filename: RICPath, stack: ric})
		if f != nil {
			fa = &failAt{f, Site{File: x}}
			ld.Missing = f.Code == "MODULE_NOT_FOUND" // a folder without its index (facts E3)
			return
		}
		file = m.Path
		if m.Builtin || m.Provided {
			format = FormatNone
			return
		}
		var ff *Failure
		format, ff = r.requireFormat(m.Path, RICPath)
		if ff != nil {
			fa = &failAt{ff, Site{File: m.Path}}
			return
		}
		fa = l.runCJS(m.Path, append([]string{m.Path}, ric...))
	}
	importFile := func(x string) {
		file, format = x, FormatESM
		fm, ff := r.importFormat(x)
		switch {
		case ff != nil:
			fa = &failAt{ff, Site{File: x}}
		case fm == FormatCommonJS:
			format = FormatCommonJS
			fa = l.runCJS(x, []string{x})
		default:
			fa, alts = l.runESM(x)
		}
	}
	typeModule := ricTypeModule(r, path.Dir(p))
	switch {
	case exists(p):
		requireFile(p)
	case !typeModule && exists(p+".js"):
		requireFile(p + ".js")
	case typeModule && exists(p+".js"):
		importFile(p + ".js")
	case exists(p + ".mjs"):
		importFile(p + ".mjs")
	case exists(p + ".cjs"):
		requireFile(p + ".cjs")
	case r.env.Major >= 24 && (exists(p+".ts") || exists(p+".mts") || exists(p+".cts")):
		ld.Unknown = "TypeScript handler module: nodejs24.x strips its types; layerkit reads JavaScript only"
		ld.Verdict.OK = true
		return ld
	default:
		// require.resolve(module, {paths: ['/var/task', moduleRoot]}), then require.
		var paths []string
		for _, from := range []string{TaskRoot, path.Join(TaskRoot, moduleRoot)} {
			for _, lp := range append(nodeModulePaths(from), r.env.NodePath...) {
				if !contains(paths, lp) {
					paths = append(paths, lp)
				}
			}
		}
		m, f := r.require(module, &cjsParent{filename: RICPath, paths: paths, stack: ric})
		if f != nil {
			fa = &failAt{f, Site{}}
			ld.Missing = f.Code == "MODULE_NOT_FOUND"
			break
		}
		if m.Builtin || m.Provided {
			file, format = m.Path, FormatNone
			break
		}
		requireFile(m.Path)
	}
	ld.Module, ld.Format = file, format
	if fa != nil {
		ld.Verdict = r.verdictOf(fa)
		for _, a := range alts {
			ld.Alternatives = append(ld.Alternatives, r.verdictOf(a))
		}
		return ld
	}
	ld.Verdict = r.lookupHandler(ld, file, format, prop)
	return ld
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// jsBasename is Node's path.basename (trailing slashes ignored).
func jsBasename(p string) string {
	p = strings.TrimRight(p, "/")
	if p == "" {
		return ""
	}
	return p[strings.LastIndexByte(p, '/')+1:]
}

// ricTypeModule is the RIC's _hasFolderPackageJsonTypeModule: the nearest
// package.json decides (an unreadable one says no), the walk stops at a folder
// ending in /node_modules.
func ricTypeModule(r *Resolver, folder string) bool {
	for {
		if strings.HasSuffix(folder, "/node_modules") {
			return false
		}
		pj := path.Join(folder, "package.json")
		if r.stat(pj) != statMissing {
			b, err := r.readFile(pj)
			if err != nil {
				return false
			}
			var v any
			if json.Unmarshal(b, &v) != nil {
				return false
			}
			if m, ok := v.(map[string]any); ok {
				return m["type"] == "module"
			}
			if v != nil && v != false && v != "" && v != float64(0) {
				return false
			}
		}
		if folder == "/" {
			return false
		}
		folder = path.Dir(folder)
	}
}
