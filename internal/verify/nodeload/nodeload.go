// Package nodeload holds the one loader of Node.js handlers layerkit runs with a real
// node: index.mjs, a stand-in for the Lambda runtime interface client's handler loading
// (aws-lambda-nodejs-runtime-interface-client src/UserFunction.js v3.3.0: module up to
// the first dot, the property path, the load order, the Runtime.* error wrapping), and
// hooks.mjs, the ES module resolve hook that emulates Lambda's NODE_PATH lookup for ES
// modules from Node 18 (facts F13) in the reading noderesolve takes.
//
// Three users share these files, so that they tell one story: layerkit verify
// (internal/verify, one function per node process, the verdict on a pipe), the
// differential test of internal/noderesolve (many functions per process, verdicts on
// stdout), and scripts/node-field-load.sh (field tests, in a mount namespace). The
// package has no dependency, so that noderesolve's tests can import it.
package nodeload

import (
	_ "embed"
	"os/exec"
)

// IndexMJS is the loader; it must be written as <root>/var/runtime/index.mjs, beside
// HooksMJS (so that a require stack ends with /var/runtime/index.mjs, as on Lambda).
//
//go:embed index.mjs
var IndexMJS []byte

// HooksMJS is the ES module resolve hook the loader registers.
//
//go:embed hooks.mjs
var HooksMJS []byte

// Files are the loader's files by name, to write into <root>/var/runtime.
func Files() map[string][]byte {
	return map[string][]byte{"index.mjs": IndexMJS, "hooks.mjs": HooksMJS}
}

// LambdaFlags are the flags Lambda starts node with on Node 20 and 22 (facts F10):
// require(esm) and module syntax detection off.
var LambdaFlags = []string{"--no-experimental-require-module", "--no-experimental-detect-module"}

// Flags returns the LambdaFlags the node at bin accepts (an older node knows neither,
// and has neither feature).
func Flags(bin string) []string {
	var out []string
	for _, f := range LambdaFlags {
		cmd := exec.Command(bin, f, "-e", "0")
		cmd.Env = []string{"PATH=/usr/local/bin:/usr/bin:/bin"}
		if cmd.Run() == nil {
			out = append(out, f)
		}
	}
	return out
}
