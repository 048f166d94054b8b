// Package noderesolve is Node.js module resolution and handler loading as AWS Lambda
// does them, over read-only trees for /var/task (the function) and /opt (its
// layers): CommonJS require (Node's Module._resolveFilename and _findPath: built-ins,
// relative and absolute paths with extension and index probing, the node_modules
// walk, package.json exports/imports/main, self-reference, NODE_PATH), ES module
// resolution (Node's moduleResolve: full file names, no directory imports, exports
// with the import condition, legacy main) with the NODE_PATH lookup Lambda adds
// from Node 18, the runtime's own packages in /var/runtime/node_modules matched by
// pattern, and the runtime interface client's handler loading (load order, error
// wrapping, the Runtime.* errors with Node's own messages).
//
// Sources: ../shared/reference/node-runtime-facts.md (F1-F16) and Node's
// lib/internal/modules/cjs/loader.js and esm/resolve.js (v20). Every verdict is
// compared with a local node by the differential test (differential_test.go).
//
// The package is standalone: it knows nothing of templates or rules. A caller gives
// it the trees, the runtime's major version and NODE_PATH, and a handler string.
package noderesolve

import (
	"path"
	"strconv"
	"strings"

	"github.com/layerkit/layerkit/internal/runtimes"
)

// Env is what the runtime and the function's configuration decide.
type Env struct {
	// Major is the Node.js major version: 16, 18, 20, 22, 24.
	Major int
	// NodePath is NODE_PATH as the function sees it, in order: the runtime's default
	// (F1), or the function's own variable, which replaces it (F2).
	NodePath []string
	// UserNodePath says NodePath is the function's own (LK204).
	UserNodePath bool
	// Provided are the package names (or "@scope/*" patterns) the runtime has in
	// /var/runtime/node_modules (F14).
	Provided []string
	// Declared are the packages a build step installs that are not in the trees yet
	// (sam build's npm install of a package.json's dependencies, F16), by the
	// node_modules folder they land in ("/var/task/node_modules",
	// "/opt/nodejs/node_modules"). Found only when the folder has no package of that
	// name; their content is unknown (Module.Declared).
	Declared map[string][]string
}

// RuntimeEnv returns the Env of runtime rt (a nodejs runtime of the catalogue) for a
// function whose NODE_PATH variable is nodePath (set says the function sets it; an
// empty value counts as not set, as the bootstrap tests [ -z "$NODE_PATH" ]).
func RuntimeEnv(rt *runtimes.Runtime, nodePath string, set bool) Env {
	major, _ := strconv.Atoi(strings.SplitN(rt.Version, ".", 2)[0])
	e := Env{Major: major, NodePath: rt.NodePath, Provided: ProvidedPatterns(rt)}
	if set && nodePath != "" {
		e.NodePath, e.UserNodePath = SplitNodePath(nodePath), true
	}
	return e
}

// DefaultEnv is the Env of nodejsNN.x built from the facts alone (F1, F14), for tests
// and for majors the catalogue lacks.
func DefaultEnv(major int) Env {
	nn := "node" + strconv.Itoa(major)
	e := Env{Major: major, NodePath: []string{"/opt/nodejs/" + nn + "/node_modules", "/opt/nodejs/node_modules", "/var/runtime/node_modules", "/var/runtime", "/var/task"}}
	if major >= 18 {
		e.Provided = []string{"@aws-sdk/*", "@smithy/*"}
	} else {
		e.Provided = []string{"aws-sdk"}
	}
	return e
}

// ProvidedPatterns returns the packages runtime rt provides. The catalogue lists
// @aws-sdk/*; the v3 clients' @smithy/* dependencies are hoisted next to them (F14),
// so they are provided too.
func ProvidedPatterns(rt *runtimes.Runtime) []string {
	out := append([]string(nil), rt.Provided...)
	for _, p := range rt.Provided {
		if p == "@aws-sdk/*" {
			out = append(out, "@smithy/*")
			break
		}
	}
	return out
}

// SplitNodePath splits a NODE_PATH value as Node does (on ":"; empty entries
// dropped), each entry made absolute from /var/task, the runtime's working folder.
func SplitNodePath(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ":") {
		if p == "" {
			continue
		}
		out = append(out, path.Join(TaskRoot, p))
		if path.IsAbs(p) {
			out[len(out)-1] = path.Clean(p)
		}
	}
	return out
}

const (
	// TaskRoot is where the function's code is.
	TaskRoot = "/var/task"
	// OptRoot is where the layers are.
	OptRoot = "/opt"
	// RuntimeModules holds the runtime's packages (the AWS SDK).
	RuntimeModules = "/var/runtime/node_modules"
	// RICPath is the runtime interface client's module: the last entry of every
	// require stack.
	RICPath = "/var/runtime/index.mjs"
)

// declares reports whether a build step installs package name into the node_modules
// folder nm.
func (e *Env) declares(nm, name string) bool {
	for _, d := range e.Declared[nm] {
		if d == name {
			return true
		}
	}
	return false
}

// provides reports whether the runtime provides package name.
func (e *Env) provides(name string) bool {
	for _, p := range e.Provided {
		if p == name {
			return true
		}
		if scope, ok := strings.CutSuffix(p, "/*"); ok && strings.HasPrefix(name, scope+"/") && !strings.Contains(name[len(scope)+1:], "/") {
			return true
		}
	}
	return false
}
