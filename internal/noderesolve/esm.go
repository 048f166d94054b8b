package noderesolve

import (
	"fmt"
	"path"
	"strings"
)

// ES module resolution (Node's esm/resolve.js moduleResolve), and Lambda's NODE_PATH
// lookup for ES modules from Node 18 (F13).
//
// F13 is inferred from AWS's documentation and Lambda's stack traces, not read from
// source: on ERR_MODULE_NOT_FOUND for a bare specifier, the NODE_PATH entries are
// tried, and when all fail the original error stands. How an entry is used is
// UNCERTAIN; layerkit takes the reading in which an entry ending in /node_modules is
// a node_modules folder of the walk (the package is <entry>/<name>, resolved with ES
// module rules from there) and other entries (/var/runtime, /var/task) are not
// searched: ES bare specifiers find packages, never loose files. The differential
// test's harness emulates the same reading (internal/verify/nodeload/hooks.mjs).

// esmResolve resolves specifier imported from the file base (moduleResolve), with
// Lambda's NODE_PATH lookup.
func (r *Resolver) esmResolve(spec, base string) (Module, *Failure) {
	return r.esmResolve1(spec, base, true)
}

func (r *Resolver) esmResolve1(spec, base string, nodePath bool) (Module, *Failure) {
	var resolved string
	switch {
	case spec == "." || spec == ".." || strings.HasPrefix(spec, "/") || strings.HasPrefix(spec, "./") || strings.HasPrefix(spec, "../"):
		resolved = path.Join(path.Dir(base), spec)
		if path.IsAbs(spec) {
			resolved = path.Clean(spec)
		}
		if strings.HasSuffix(spec, "/") || spec == "." || spec == ".." {
			resolved += "/"
		}
	case strings.HasPrefix(spec, "#"):
		res, f := r.packageImportsResolve(spec, base, esmConditions)
		if f != nil {
			return Module{}, f
		}
		resolved = res
	case strings.HasPrefix(spec, "node:"):
		m, f, _ := r.builtin(spec)
		return m, f
	case strings.HasPrefix(spec, "file://"):
		resolved = strings.TrimPrefix(spec, "file://")
	case looksLikeURL(spec):
		return Module{}, &Failure{Code: "ERR_UNSUPPORTED_ESM_URL_SCHEME", Type: "Error", Msg: "Only URLs with a scheme in: file, data, and node are supported by the default ESM loader. Received protocol '" + spec[:strings.Index(spec, ":")+1] + "'"}
	default:
		if m, f, ok := r.builtin(spec); ok && f == nil {
			return m, nil
		}
		m, f := r.esmBare(spec, base)
		if f != nil && f.Code == "ERR_MODULE_NOT_FOUND" && nodePath && r.env.Major >= 18 {
			if m, ok := r.esmNodePath(spec, base); ok {
				m.ViaNodePath = true
				return m, nil
			}
			if nodePath {
				f.OtherReading = r.esmAboveEntries(spec)
			}
		}
		return m, f
	}
	return r.esmFinal(resolved, base)
}

// esmBare resolves a bare specifier: packageResolve, then the file must exist.
func (r *Resolver) esmBare(spec, base string) (Module, *Failure) {
	res, f := r.esmPackageResolve(spec, base, esmConditions)
	if f != nil {
		return Module{}, f
	}
	m, f := r.esmFinal(res, base)
	if f == nil && !m.Builtin && m.Via == "" {
		if name, _ := splitPackage(spec); name != "" {
			if i := strings.LastIndex(m.Path, "/node_modules/"+name+"/"); i >= 0 {
				m.Via = m.Path[:i] + "/node_modules"
			}
		}
	}
	return m, f
}

func (r *Resolver) esmFinal(resolved, base string) (Module, *Failure) {
	if strings.HasPrefix(resolved, "node:") {
		m, f, _ := r.builtin(resolved)
		return m, f
	}
	if m, ok := r.providedPath(strings.TrimSuffix(resolved, "/")); ok {
		return m, nil
	}
	return r.finalizeESM(resolved, base)
}

// esmNodePath is Lambda's NODE_PATH lookup for a bare specifier (see above).
func (r *Resolver) esmNodePath(spec, base string) (Module, bool) {
	name, _ := splitPackage(spec)
	if name == "" {
		return Module{}, false
	}
	for _, entry := range r.env.NodePath {
		if path.Base(entry) != "node_modules" {
			continue
		}
		if m, ok := r.providedIn(entry, spec); ok {
			return m, true
		}
		if r.stat(path.Join(entry, name)) != statDir {
			continue
		}
		// Resolved as from a file in the entry's parent folder: the walk's first
		// candidate is <entry>/<name>, which exists, so the walk stops there.
		m, f := r.esmResolve1(spec, path.Join(path.Dir(entry), "[nodepath]"), false)
		if f == nil {
			return m, true
		}
	}
	return Module{}, false
}

// esmAboveEntries returns the package folder the other reading of F13 would find
// for a bare specifier: the walk going on above a NODE_PATH entry
// (/opt/nodejs/node_modules → /opt/node_modules, /node_modules); "" when none.
func (r *Resolver) esmAboveEntries(spec string) string {
	name, _ := splitPackage(spec)
	if name == "" {
		return ""
	}
	for _, entry := range r.env.NodePath {
		for dir := path.Dir(path.Dir(entry)); ; dir = path.Dir(dir) {
			if p := path.Join(dir, "node_modules", name); r.stat(p) == statDir {
				return p
			}
			if dir == "/" {
				break
			}
		}
	}
	return ""
}

// finalizeESM checks the resolved file: a folder is ERR_UNSUPPORTED_DIR_IMPORT, a
// missing file ERR_MODULE_NOT_FOUND.
func (r *Resolver) finalizeESM(resolved, base string) (Module, *Failure) {
	p := strings.TrimSuffix(resolved, "/")
	if strings.Contains(strings.ToLower(p), "%2f") || strings.Contains(strings.ToLower(p), "%5c") {
		return Module{}, &Failure{Code: "ERR_INVALID_MODULE_SPECIFIER", Type: "TypeError", Msg: fmt.Sprintf("Invalid module \"%s\" must not include encoded \"/\" or \"\\\" characters imported from %s", resolved, base)}
	}
	switch r.stat(p) {
	case statDir:
		return Module{}, &Failure{Code: "ERR_UNSUPPORTED_DIR_IMPORT", Type: "Error", Msg: fmt.Sprintf("Directory import '%s' is not supported resolving ES modules imported from %s", resolved, base)}
	case statFile:
		if strings.HasSuffix(resolved, "/") {
			return Module{}, notFoundESM(resolved, base)
		}
		return Module{Path: p}, nil
	}
	return Module{}, notFoundESM(resolved, base)
}

func notFoundESM(p, base string) *Failure {
	return &Failure{Code: "ERR_MODULE_NOT_FOUND", Type: "Error", Msg: fmt.Sprintf("Cannot find module '%s' imported from %s", p, base)}
}

// esmPackageResolve is packageResolve: self-reference, then the node_modules walk
// from base (folders named node_modules are not skipped in ES resolution).
func (r *Resolver) esmPackageResolve(spec, base string, conds conditions) (string, *Failure) {
	if m, f, ok := r.builtin(spec); ok && f == nil {
		return m.Path, nil
	}
	name, sub := splitPackage(spec)
	if name == "" {
		return "", &Failure{Code: "ERR_INVALID_MODULE_SPECIFIER", Type: "TypeError", Msg: fmt.Sprintf("Invalid module \"%s\" is not a valid package name imported from %s", spec, base)}
	}
	subpath := "." + sub
	if pj := r.packageScope(path.Dir(base)); pj != nil && pj.hasExp && pj.Name == name {
		return r.packageExportsResolve(pj, subpath, base, conds)
	}
	for dir := path.Dir(base); ; dir = path.Dir(dir) {
		pkgDir := path.Join(dir, "node_modules", name)
		if m, ok := r.providedIn(path.Join(dir, "node_modules"), spec); ok {
			return m.Path, nil
		}
		if r.stat(pkgDir) == statDir {
			pj := r.readPkg(pkgDir)
			if pj.exists && pj.invalid != nil {
				return "", &Failure{Code: "ERR_INVALID_PACKAGE_CONFIG", Type: "Error", Msg: fmt.Sprintf("Invalid package config %s while importing %s from %s.", pj.path, spec, base)}
			}
			if pj.hasExp {
				return r.packageExportsResolve(pj, subpath, base, conds)
			}
			if subpath == "." {
				return r.legacyMainResolve(pkgDir, pj, base)
			}
			return path.Join(pkgDir, sub), nil
		}
		if dir == "/" {
			break
		}
	}
	return "", &Failure{Code: "ERR_MODULE_NOT_FOUND", Type: "Error", Msg: fmt.Sprintf("Cannot find package '%s' imported from %s", name, base)}
}

func (r *Resolver) legacyMainResolve(pkgDir string, pj *pkgJSON, base string) (string, *Failure) {
	var tries []string
	if pj.Main != nil {
		m := *pj.Main
		tries = append(tries, m, m+".js", m+".json", m+".node", m+"/index.js", m+"/index.json", m+"/index.node")
	}
	tries = append(tries, "index.js", "index.json", "index.node")
	for _, t := range tries {
		p := path.Join(pkgDir, t)
		if r.stat(p) == statFile {
			return p, nil
		}
	}
	guess := path.Join(pkgDir, "index.js")
	if pj.Main != nil {
		guess = path.Join(pkgDir, *pj.Main)
	}
	return "", &Failure{Code: "ERR_MODULE_NOT_FOUND", Type: "Error", Msg: fmt.Sprintf("Cannot find package '%s' imported from %s", guess, base)}
}
