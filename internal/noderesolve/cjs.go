package noderesolve

import (
	"fmt"
	"path"
	"regexp"
	"strings"
)

// Module is where an import lands.
type Module struct {
	// Path is the absolute file ("/var/task/app.js"), "node:fs" for a built-in, or the
	// package folder under /var/runtime/node_modules for a runtime package.
	Path     string
	Builtin  bool
	Provided bool // the runtime's own package (F14): matched by name, not read
	// Declared: a package a build step installs (Env.Declared; Provided is set too:
	// it is matched by name, not read). Path is its folder.
	Declared bool
	// Via is the folder a bare specifier was found in: a node_modules folder of the
	// walk or a NODE_PATH entry ("/opt/nodejs/node_modules", "/var/task"); "" for a
	// relative or absolute specifier, a built-in, and "#x" imports.
	Via string
	// ViaNodePath: an ES import found only through Lambda's NODE_PATH lookup for ES
	// modules (F13: documented by AWS, its mechanism inferred).
	ViaNodePath bool
}

// Failure is an error Node throws, with its code, class and message (Node's text,
// absolute paths as on Lambda).
type Failure struct {
	Code string // "MODULE_NOT_FOUND", "ERR_MODULE_NOT_FOUND", ...; "" for SyntaxError and ReferenceError
	Type string // the JavaScript error class: Error, TypeError, SyntaxError, ReferenceError
	Msg  string // Node's message, without the require stack
	// Stack is the require stack of a CommonJS MODULE_NOT_FOUND (innermost first,
	// ending with the runtime interface client).
	Stack []string
	// OtherReading is, for an ES import not found, the package folder the other
	// reading of Lambda's NODE_PATH lookup would find (the walk going on above an
	// entry: /opt/node_modules); facts F13 recommend a warning, not an error, then.
	OtherReading string
}

func (f *Failure) Error() string { return f.Type + ": " + f.Message() }

// Message is the message with the require stack as Node prints it.
func (f *Failure) Message() string {
	if len(f.Stack) == 0 {
		return f.Msg
	}
	return f.Msg + "\nRequire stack:\n- " + strings.Join(f.Stack, "\n- ")
}

// FailureKind sorts failures the way the language seam does (resolve.Failure).
type FailureKind uint8

const (
	KindNotFound     FailureKind = iota + 1 // no such module or file (MODULE_NOT_FOUND, ERR_MODULE_NOT_FOUND, ERR_UNKNOWN_BUILTIN_MODULE)
	KindBadSpecifier                        // named in a way Node refuses: a folder or a file without extension in ESM, a path "exports" does not export, an invalid specifier or target
	KindWrongFormat                         // written in the other module system than Node loads it with (LK107): ESM syntax under CommonJS, require in an ES module, require() of an ES module
	KindSyntax                              // any other SyntaxError
	KindOther                               // anything else (an unreadable file, an import attribute, a file type)
)

// Kind says what kind of failure f is.
func (f *Failure) Kind() FailureKind {
	switch f.Code {
	case "MODULE_NOT_FOUND", "ERR_MODULE_NOT_FOUND", "ERR_UNKNOWN_BUILTIN_MODULE":
		return KindNotFound
	case "ERR_UNSUPPORTED_DIR_IMPORT", "ERR_PACKAGE_PATH_NOT_EXPORTED", "ERR_INVALID_MODULE_SPECIFIER", "ERR_INVALID_PACKAGE_TARGET", "ERR_PACKAGE_IMPORT_NOT_DEFINED", "ERR_UNSUPPORTED_ESM_URL_SCHEME":
		return KindBadSpecifier
	case "ERR_REQUIRE_ESM":
		return KindWrongFormat
	}
	switch f.Type {
	case "ReferenceError":
		return KindWrongFormat
	case "SyntaxError":
		for _, m := range []string{"Cannot use import statement outside a module", "Unexpected token 'export'", "Cannot use 'import.meta' outside a module", "await is only valid"} {
			if strings.HasPrefix(f.Msg, m) {
				return KindWrongFormat
			}
		}
		return KindSyntax
	}
	return KindOther
}

func notFoundCJS(request string) *Failure {
	return &Failure{Code: "MODULE_NOT_FOUND", Type: "Error", Msg: fmt.Sprintf("Cannot find module '%s'", request)}
}

// builtins of Node 20 (require('module').builtinModules); others by difference.
var builtins20 = strings.Fields(`_http_agent _http_client _http_common _http_incoming _http_outgoing _http_server
_stream_duplex _stream_passthrough _stream_readable _stream_transform _stream_wrap _stream_writable _tls_common
_tls_wrap assert assert/strict async_hooks buffer child_process cluster console constants crypto dgram
diagnostics_channel dns dns/promises domain events fs fs/promises http http2 https inspector inspector/promises
module net os path path/posix path/win32 perf_hooks process punycode querystring readline readline/promises repl
stream stream/consumers stream/promises stream/web string_decoder sys timers timers/promises tls trace_events tty
url util util/types v8 vm wasi worker_threads zlib`)

// Builtin reports whether name (without "node:") is a built-in module of Node major,
// and whether it can be loaded only with the node: scheme (node:test).
func Builtin(major int, name string) (ok, schemeOnly bool) {
	switch name {
	case "test", "test/reporters":
		return true, true
	case "sea":
		return major >= 20, true
	case "sqlite":
		return major >= 22, true
	case "inspector/promises":
		return major >= 20, false
	}
	for _, b := range builtins20 {
		if b == name {
			return true, false
		}
	}
	return false, false
}

// builtin resolves a built-in request (CommonJS and ES modules alike): ok false when
// the request is not one.
func (r *Resolver) builtin(request string) (Module, *Failure, bool) {
	if name, ok := strings.CutPrefix(request, "node:"); ok {
		if b, _ := Builtin(r.env.Major, name); b {
			return Module{Path: request, Builtin: true}, nil, true
		}
		return Module{}, &Failure{Code: "ERR_UNKNOWN_BUILTIN_MODULE", Type: "Error", Msg: "No such built-in module: " + request}, true
	}
	if b, schemeOnly := Builtin(r.env.Major, request); b && !schemeOnly {
		return Module{Path: "node:" + request, Builtin: true}, nil, true
	}
	return Module{}, nil, false
}

var cjsExtensions = []string{".js", ".json", ".node"}

// nodeModulePaths is Module._nodeModulePaths(from): from and each folder above it,
// with /node_modules appended, skipping folders that are themselves node_modules.
func nodeModulePaths(from string) []string {
	from = path.Clean(from)
	if from == "/" {
		return []string{"/node_modules"}
	}
	var out []string
	for dir := from; ; dir = path.Dir(dir) {
		if path.Base(dir) != "node_modules" && dir != "/" {
			out = append(out, dir+"/node_modules")
		}
		if dir == "/" {
			break
		}
	}
	return append(out, "/node_modules")
}

// cjsParent is the module a require is made from.
type cjsParent struct {
	filename string   // absolute; the RIC's index.mjs for the handler's own require
	paths    []string // lookup paths for bare requests (nil: from filename)
	stack    []string // the require stack: filename, its parent, ...
}

// isRelative is Node's test in _resolveLookupPaths: "." "./x" ".." "../x".
func isRelative(request string) bool {
	if request == "" || request[0] != '.' {
		return false
	}
	return len(request) == 1 || request[1] == '/' || request[1] == '.' && (len(request) == 2 || request[2] == '/')
}

// Require resolves request as require() in parent does (Module._resolveFilename).
func (r *Resolver) require(request string, parent *cjsParent) (Module, *Failure) {
	if m, f, ok := r.builtin(request); ok {
		return m, f
	}
	var paths []string
	switch {
	case path.IsAbs(request):
		paths = []string{""}
	case isRelative(request):
		paths = []string{path.Dir(parent.filename)}
	case parent.paths != nil:
		paths = parent.paths
	default:
		paths = append(nodeModulePaths(path.Dir(parent.filename)), r.env.NodePath...)
	}
	if request != "" && request[0] == '#' {
		if pj := r.packageScope(path.Dir(parent.filename)); pj != nil && pj.hasImp {
			res, f := r.packageImportsResolve(request, parent.filename, cjsConditions)
			if f != nil {
				if f.Code == "ERR_MODULE_NOT_FOUND" {
					f = notFoundCJS(request)
				}
				return Module{}, f
			}
			return r.finalizeCJS(res, pj.path)
		}
	}
	if m, f, ok := r.trySelf(request, parent); ok {
		return m, f
	}
	m, f, found := r.findPath(request, paths)
	if f != nil {
		return Module{}, f
	}
	if !found {
		f := notFoundCJS(request)
		f.Stack = parent.stack
		return Module{}, f
	}
	return m, nil
}

// finalizeCJS is finalizeEsmResolution for CommonJS: the file an exports or imports
// map names must exist.
func (r *Resolver) finalizeCJS(resolved, pjPath string) (Module, *Failure) {
	if r.stat(resolved) == statFile {
		return Module{Path: resolved}, nil
	}
	if m, ok := r.providedPath(resolved); ok {
		return m, nil
	}
	return Module{}, notFoundCJS(resolved)
}

var pkgNameRE = regexp.MustCompile(`^((?:@[^/\\%]+/)?[^./\\%][^/\\%]*)(/.*)?$`)

// trySelf resolves a request for the package the parent belongs to through its own
// exports (self-reference).
func (r *Resolver) trySelf(request string, parent *cjsParent) (Module, *Failure, bool) {
	if parent.filename == "" || parent.filename == RICPath {
		return Module{}, nil, false
	}
	pj := r.packageScope(path.Dir(parent.filename))
	if pj == nil || !pj.hasExp || pj.Name == "" {
		return Module{}, nil, false
	}
	var expansion string
	switch {
	case request == pj.Name:
		expansion = ""
	case strings.HasPrefix(request, pj.Name+"/"):
		expansion = request[len(pj.Name):]
	default:
		return Module{}, nil, false
	}
	res, f := r.packageExportsResolve(pj, "."+expansion, parent.filename, cjsConditions)
	if f != nil {
		if f.Code == "ERR_MODULE_NOT_FOUND" {
			f = notFoundCJS(request)
		}
		return Module{}, f, true
	}
	m, f := r.finalizeCJS(res, pj.path)
	return m, f, true
}

// findPath is Module._findPath: each lookup folder in turn.
func (r *Resolver) findPath(request string, paths []string) (Module, *Failure, bool) {
	absolute := path.IsAbs(request)
	trailingSlash := strings.HasSuffix(request, "/") || request == "." || request == ".." || strings.HasSuffix(request, "/.") || strings.HasSuffix(request, "/..")
	for _, cur := range paths {
		if cur != "" && r.stat(cur) != statDir {
			continue
		}
		if !absolute {
			if m, ok := r.providedIn(cur, request); ok {
				return m, nil, true
			}
			if res, f, ok := r.resolveExports(cur, request); ok {
				if f != nil {
					return Module{}, f, false
				}
				m, f := r.finalizeCJS(res, "")
				m.Via = cur
				return m, f, f == nil
			}
		}
		base := request
		if !absolute {
			base = path.Join(cur, request)
		} else {
			base = path.Clean(request)
			if m, ok := r.providedPath(base); ok {
				return m, nil, true
			}
		}
		rc := r.stat(base)
		var file string
		if !trailingSlash {
			if rc == statFile {
				file = base
			}
			if file == "" {
				file = r.tryExtensions(base)
			}
		}
		if file == "" && rc == statDir {
			var f *Failure
			file, f = r.tryPackage(base, request)
			if f != nil {
				return Module{}, f, false
			}
		}
		if file != "" {
			m := Module{Path: file}
			if !absolute && !isRelative(request) {
				m.Via = cur
			}
			return m, nil, true
		}
	}
	return Module{}, nil, false
}

// resolveExports is the exports lookup of a package folder in a node_modules
// folder: ok when the package there has exports (then the result, or the error,
// is final).
func (r *Resolver) resolveExports(nmPath, request string) (string, *Failure, bool) {
	m := pkgNameRE.FindStringSubmatch(request)
	if m == nil {
		return "", nil, false
	}
	pj := r.readPkg(path.Join(nmPath, m[1]))
	if !pj.exists || !pj.hasExp {
		return "", nil, false
	}
	res, f := r.packageExportsResolve(pj, "."+m[2], "", cjsConditions)
	if f != nil && f.Code == "ERR_MODULE_NOT_FOUND" {
		f = notFoundCJS(request)
	}
	return res, f, true
}

func (r *Resolver) tryExtensions(base string) string {
	for _, ext := range cjsExtensions {
		if r.stat(base+ext) == statFile {
			return base + ext
		}
	}
	return ""
}

// tryPackage loads a folder: package.json main, then index.
func (r *Resolver) tryPackage(dir, request string) (string, *Failure) {
	pj := r.readPkg(dir)
	if pj.invalid != nil && pj.exists {
		return "", &Failure{Code: "ERR_INVALID_PACKAGE_CONFIG", Type: "Error", Msg: fmt.Sprintf("Invalid package config %s.", pj.path)}
	}
	if pj.Main == nil || *pj.Main == "" {
		return r.tryExtensions(path.Join(dir, "index")), nil
	}
	filename := path.Join(dir, *pj.Main)
	if r.stat(filename) == statFile {
		return filename, nil
	}
	if f := r.tryExtensions(filename); f != "" {
		return f, nil
	}
	if f := r.tryExtensions(path.Join(filename, "index")); f != "" {
		return f, nil
	}
	if f := r.tryExtensions(path.Join(dir, "index")); f != "" {
		return f, nil
	}
	return "", &Failure{Code: "MODULE_NOT_FOUND", Type: "Error", Msg: fmt.Sprintf("Cannot find module '%s'. Please verify that the package.json has a valid \"main\" entry", filename)}
}

// providedIn reports whether request names a runtime package when looked up in
// folder cur (/var/runtime/node_modules).
// A package a build step installs into cur (Env.Declared) is found the same way, when
// cur has no package of that name yet.
func (r *Resolver) providedIn(cur, request string) (Module, bool) {
	name, _ := splitPackage(request)
	if name == "" {
		return Module{}, false
	}
	if cur != RuntimeModules {
		if len(r.env.Declared) > 0 && r.env.declares(cur, name) && r.stat(path.Join(cur, name)) == statMissing {
			return Module{Path: cur + "/" + name, Provided: true, Declared: true, Via: cur}, true
		}
		return Module{}, false
	}
	if !r.env.provides(name) {
		return Module{}, false
	}
	return Module{Path: RuntimeModules + "/" + name, Provided: true, Via: RuntimeModules}, true
}

// providedPath reports whether an absolute path lies in a runtime package.
func (r *Resolver) providedPath(abs string) (Module, bool) {
	for nm := range r.env.Declared {
		if rest, ok := strings.CutPrefix(abs, nm+"/"); ok {
			if m, ok := r.providedIn(nm, rest); ok {
				return m, true
			}
		}
	}
	rest, ok := strings.CutPrefix(abs, RuntimeModules+"/")
	if !ok {
		return Module{}, false
	}
	return r.providedIn(RuntimeModules, rest)
}

// splitPackage splits a bare specifier into the package name and the subpath
// ("" or "/x"); name is "" when the specifier is not a valid package name.
func splitPackage(spec string) (name, sub string) {
	i := strings.IndexByte(spec, '/')
	if strings.HasPrefix(spec, "@") {
		if i == -1 {
			return "", ""
		}
		if j := strings.IndexByte(spec[i+1:], '/'); j >= 0 {
			i += 1 + j
		} else {
			i = -1
		}
	}
	name = spec
	if i >= 0 {
		name, sub = spec[:i], spec[i:]
	}
	if name == "" || strings.HasPrefix(name, ".") || strings.ContainsAny(name, `\%`) {
		return "", ""
	}
	return name, sub
}
