package verify

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/layerkit/layerkit/internal/check"
	"github.com/layerkit/layerkit/internal/noderesolve"
	"github.com/layerkit/layerkit/internal/verify/nodeload"
)

// Node.js functions. Each function gets a root R of its own in verify's private folder,
// laid out as Lambda's file system: R/var/task (a copy of the function's package),
// R/opt (a copy of its inspectable layers merged in order: the later layer wins) and
// R/var/runtime (the loader, package nodeload, as index.mjs — so that a require stack
// ends with /var/runtime/index.mjs — and stand-ins in node_modules for the runtime's
// own packages the function imports). A local node loads the handler there as the
// runtime interface client does (nodeload/index.mjs): NODE_PATH is the function's (the
// runtime's default, or its own NODE_PATH variable) with R in front of each entry,
// absolute /opt and /var requests are moved under R, Lambda's NODE_PATH lookup for ES
// modules (Node 18+, facts F13) is the resolve hook of nodeload/hooks.mjs, node runs
// with Lambda's --no-experimental-require-module and --no-experimental-detect-module
// (when it knows them, F10), and R is cut out of every message, so they read as on
// Lambda. The containment is Python's: the intermediate, the minimal environment, the
// verdict on fd 3, the time limit, the materialize cap (Options.MaxSize).
//
// The walk up from R for node_modules and package.json goes on above R (into verify's
// folder and its parents, /tmp usually): a node_modules or package.json there would
// be seen, as it is not on Lambda. The type of the nearest package.json stops at R.

// nodeProbe is a node found on PATH (or --node) and its version.
type nodeProbe struct {
	path, version string // "v20.20.2"
	major         int
	flags         []string // Lambda's flags (nodeload.LambdaFlags) it accepts
	err           error
}

type nodeFinder struct {
	explicit string // --node
	pathEnv  string
	once     sync.Once
	found    nodeProbe
}

func probeNode(ctx context.Context, p string) nodeProbe {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, p, "--version")
	cmd.Env = []string{"PATH=/usr/local/bin:/usr/bin:/bin"}
	out, err := cmd.Output()
	v := strings.TrimSpace(string(out))
	np := nodeProbe{path: p, version: v}
	if err == nil {
		_, err = fmt.Sscanf(strings.TrimPrefix(v, "v"), "%d", &np.major)
	}
	if err != nil {
		np.err = fmt.Errorf("%s does not run: %v", p, err)
		return np
	}
	np.flags = nodeload.Flags(p)
	return np
}

// find returns the node every Node.js function is loaded with: --node, else the first
// node on PATH. The runtime's own major may differ: the caller says so.
func (f *nodeFinder) find(ctx context.Context) nodeProbe {
	f.once.Do(func() {
		p := f.explicit
		if p == "" {
			for _, dir := range filepath.SplitList(f.pathEnv) {
				if dir == "" {
					continue
				}
				c := filepath.Join(dir, "node")
				if st, err := os.Stat(c); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
					p, _ = filepath.Abs(c)
					break
				}
			}
		}
		if p == "" {
			f.found = nodeProbe{err: fmt.Errorf("no node on PATH (install Node.js, or give --node)")}
			return
		}
		f.found = probeNode(ctx, p)
	})
	return f.found
}

// nodeVerdict is what nodeload/index.mjs writes for one handler.
type nodeVerdict struct {
	OK           bool   `json:"ok"`
	ErrorType    string `json:"errorType"`
	ErrorMessage string `json:"errorMessage"`
	Code         string `json:"code"`
	Where        string `json:"where"`
}

// nodeItem is one handler for the loader: its root, handler and NODE_PATH (under root).
type nodeItem struct {
	Root     string   `json:"root"`
	Handler  string   `json:"handler"`
	NodePath []string `json:"nodePath"`
}

// nodeResult is the Node.js analysis of a (nil when it has none).
func nodeResult(a *check.Function) *noderesolve.Result {
	if a.Analysis == nil {
		return nil
	}
	r, _ := a.Analysis.Detail().(*noderesolve.Result)
	return r
}

func (r *runner) verifyNode(ctx context.Context, idx int, a *check.Function, out *Function) {
	res := nodeResult(a)
	switch {
	case a.Fn.Code != nil && a.Fn.Code.Opaque:
		out.Status, out.Reason = Skipped, "the function's package is produced by a build step layerkit does not model: verify it on the built output"
		return
	case a.Fn.Code != nil && a.Fn.Code.Bundle != nil && a.Fn.Code.Bundle.Origins != nil:
		out.Status, out.Reason = Skipped, "the function's package is the "+a.Fn.Code.Bundle.Tool+" bundle sam build makes, which layerkit models from the sources: verify it on .aws-sam/build after sam build"
		return
	case strings.HasPrefix(res.Load.Unknown, "TypeScript"):
		out.Status, out.Reason = Skipped, "the handler module is TypeScript: verify loads JavaScript (run it on the compiled output)"
		return
	}
	nd := r.nodes.find(ctx)
	if nd.err != nil {
		out.Status, out.Reason = Skipped, nd.err.Error()
		return
	}
	major := res.R.Env().Major
	if nd.major != major {
		if r.opts.Exact {
			out.Status, out.Reason = Skipped, fmt.Sprintf("node is %s, not Node.js %d (--exact-version)", nd.version, major)
			return
		}
		out.Notes = append(out.Notes, fmt.Sprintf("judged by node %s, not Node.js %d as on %s: built-in modules, syntax and native addons (NODE_MODULE_VERSION) that differ between the majors make such results approximate", nd.version, major, a.Runtime.ID))
	}
	interp := &Interpreted{Node: nd.path, Version: strings.TrimPrefix(nd.version, "v")}
	root := filepath.Join(r.tmp, fmt.Sprintf("fn%03d", idx))
	if above := nodeModulesAbove(r.tmp); above != "" {
		out.Notes = append(out.Notes, fmt.Sprintf("%s is above verify's folder, where Lambda has nothing (/node_modules): node looks there for a package the function and its layers lack, so such an import may load here and fail on Lambda; set TMPDIR to a folder with no node_modules above it", above))
	}
	standIns, err := r.materializeNode(a, res, root)
	out.StandIns = standIns
	r.layerNotes(a, out, "node")
	if err != nil {
		out.Status, out.Reason = Failed, "materializing the function: "+err.Error()
		return
	}
	var np []string
	for _, e := range res.R.Env().NodePath {
		np = append(np, root+e)
	}
	items, err := json.Marshal([]nodeItem{{Root: root, Handler: a.Fn.Handler, NodePath: np}})
	if err != nil {
		out.Status, out.Reason = Failed, err.Error()
		return
	}
	flags := nd.flags
	if v, ok := a.Fn.Env["NODE_OPTIONS"]; ok {
		// Lambda drops its disable flag when NODE_OPTIONS turns the feature back on (F10).
		flags = nil
		for _, f := range nd.flags {
			if !strings.Contains(v.Value, strings.Replace(f, "--no-", "--", 1)) {
				flags = append(flags, f)
			}
		}
		out.Notes = append(out.Notes, "the function sets NODE_OPTIONS: node ran without it (only its effect on Lambda's --no-experimental-* flags is taken)")
	}
	argv := append(append([]string{nd.path}, flags...), filepath.Join(root, "var", "runtime", "index.mjs"), string(items))
	env := []string{"LK_MAJOR=" + strconv.Itoa(major), "LK_RESULT_FD=3"}
	for _, kv := range lambdaEnv(a.Fn, filepath.Join(root, "var", "task"), filepath.Join(root, "var", "runtime")) {
		if strings.HasPrefix(kv, "NODE_OPTIONS=") || strings.HasPrefix(kv, "NODE_PATH=") {
			continue // the loader sets NODE_PATH (under root)
		}
		env = append(env, kv)
	}
	data, text, err := r.runContained(ctx, root, argv, env, filepath.Join(root, "var", "task"), func(s string) string {
		return strings.ReplaceAll(strings.ReplaceAll(s, "file://"+root, "file://"), root, "")
	})
	interp.Output = text
	if err != nil {
		out.Status, out.Reason = Failed, err.Error()
		out.Interpreter = interp
		return
	}
	var nv nodeVerdict
	if err := decodeOne(data, &nv); err != nil {
		out.Status, out.Reason = Failed, err.Error()
		out.Interpreter = interp
		return
	}
	interp.Fails = !nv.OK
	interp.ErrorType, interp.Message, interp.Code, interp.Where = nv.ErrorType, nv.ErrorMessage, nv.Code, nv.Where
	if nd.major != major && interp.Fails {
		interp.Approximate = nv.Code == "ERR_DLOPEN_FAILED" || strings.Contains(nv.ErrorType, "Syntax") ||
			strings.Contains(nv.ErrorMessage, "'node:") || nv.Code == "ERR_UNKNOWN_BUILTIN_MODULE"
	}
	imported := map[string]bool{}
	for _, imp := range res.Load.Imports {
		if imp.Failure == nil && imp.Ran {
			imported[packageOf(imp.Spec)] = true
		}
	}
	markImported(out.StandIns, imported)
	out.Interpreter = interp
	switch {
	case interp.Fails == out.Static.Fails:
		out.Status = Agree
	case interp.Fails && nv.ErrorType == "Runtime.HandlerNotFound" && res.Load.Unknown != "":
		out.Status = Unverifiable
		out.Reason = "layerkit cannot tell whether the handler is exported (" + res.Load.Unknown + "); it says so instead of an error"
	default:
		out.Status = Disagree
		if interp.Fails && !strings.HasPrefix(nv.ErrorType, "Runtime.") && nv.Code == "" {
			out.Reason = "loading raised " + nv.ErrorType + ", an error in the code itself that layerkit does not predict"
		}
	}
}

// layerNotes says which of the function's layers the interpreter (who) ran without.
func (r *runner) layerNotes(a *check.Function, out *Function, who string) {
	for _, ref := range a.Fn.Layers {
		if !ref.Inspectable() && !ref.Bad {
			what := ref.ARN
			if what == "" {
				what = ref.Text
			}
			if ref.Layer != nil {
				what = ref.Layer.Name
			}
			out.Notes = append(out.Notes, fmt.Sprintf("layer %s cannot be read: %s ran without it", what, who))
		} else if ref.Inspectable() && ref.Layer.Content.Opaque {
			out.Notes = append(out.Notes, fmt.Sprintf("layer %s is produced by a build step layerkit does not model: %s ran without it", ref.Layer.Name, who))
		}
	}
}

// packageOf is the package name of a bare specifier ("@scope/name", "name").
func packageOf(spec string) string {
	parts := strings.SplitN(spec, "/", 3)
	if strings.HasPrefix(spec, "@") && len(parts) >= 2 {
		return parts[0] + "/" + parts[1]
	}
	return parts[0]
}

// materializeNode lays out a's Lambda file system under root (see the top of this
// file) and returns the stand-ins it wrote.
func (r *runner) materializeNode(a *check.Function, res *noderesolve.Result, root string) ([]StandIn, error) {
	task := filepath.Join(root, "var", "task")
	rtDir := filepath.Join(root, "var", "runtime")
	for _, d := range []string{task, filepath.Join(root, "opt"), rtDir} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, err
		}
	}
	if a.Fn.Code != nil && a.Fn.Code.Tree != nil {
		if err := r.copyTree(a.Fn.Code.Tree, task); err != nil {
			return nil, err
		}
	}
	if res.Opt != nil && res.Opt.Len() > 0 {
		if err := r.copyTree(res.Opt, filepath.Join(root, "opt")); err != nil {
			return nil, err
		}
	}
	for name, b := range nodeload.Files() {
		if err := os.WriteFile(filepath.Join(rtDir, name), b, 0o600); err != nil {
			return nil, err
		}
	}
	// Lambda's / has no package.json, so a .js file no package.json covers is CommonJS.
	// Here the root is a folder under the temp folder, and node would go on looking
	// above it: a stray package.json there ({"type": "module"} in /tmp) would change how
	// the function's files load. An empty one at the root stops the search with the same
	// answer Lambda gets.
	if err := os.WriteFile(filepath.Join(root, "package.json"), []byte("{}\n"), 0o600); err != nil {
		return nil, err
	}

	// Stand-ins: the runtime's packages and what a build step installs, where the
	// static side found them by name; with a layer layerkit cannot read, the bare
	// packages not found, at /opt/nodejs/node_modules.
	type want struct {
		folder, why string
		names       map[string]bool
		subpaths    map[string]bool
	}
	wants := map[string]*want{}
	add := func(pkg, folder, why string, imp noderesolve.Resolved) {
		w := wants[pkg]
		if w == nil {
			w = &want{folder: folder, why: why, names: map[string]bool{}, subpaths: map[string]bool{}}
			wants[pkg] = w
		}
		for _, n := range imp.Names {
			w.names[n] = true
		}
		if sub := strings.TrimPrefix(strings.TrimPrefix(imp.Spec, pkg), "/"); sub != "" {
			w.subpaths[sub] = true
		}
	}
	for _, imp := range res.Load.Imports {
		if imp.Computed || imp.Spec == "" {
			continue
		}
		m := imp.Module
		pkg := packageOf(imp.Spec)
		switch {
		case imp.Failure == nil && m.Declared:
			add(pkg, m.Via, "a build step would install it into "+m.Via+" (npm install, not run)", imp)
		case imp.Failure == nil && m.Provided:
			add(pkg, noderesolve.RuntimeModules, "provided by the "+a.Runtime.ID+" runtime (its exact set varies)", imp)
		case imp.Failure != nil && res.Uninspectable && bareSpec(imp.Spec) && !imp.Lazy && isNotFound(imp.Failure):
			add(pkg, "/opt/nodejs/node_modules", "a layer layerkit cannot read might provide it", imp)
		}
	}
	pkgs := make([]string, 0, len(wants))
	for p := range wants {
		pkgs = append(pkgs, p)
	}
	sort.Strings(pkgs)
	var out []StandIn
	for _, p := range pkgs {
		w := wants[p]
		dir := filepath.Join(root, filepath.FromSlash(w.folder), filepath.FromSlash(p))
		if _, err := os.Stat(dir); err == nil {
			continue // the package is there after all (a copied layer)
		}
		if err := writeNodeStandIn(dir, p, w.why, w.names, w.subpaths); err != nil {
			return nil, err
		}
		out = append(out, StandIn{Module: p, Why: w.why})
	}
	return out, nil
}

func bareSpec(s string) bool {
	return s != "" && !strings.HasPrefix(s, ".") && !strings.HasPrefix(s, "/") && !strings.HasPrefix(s, "#") && !strings.Contains(strings.SplitN(s, "/", 2)[0], ":")
}

func isNotFound(f *noderesolve.Failure) bool {
	return f.Code == "MODULE_NOT_FOUND" || f.Code == "ERR_MODULE_NOT_FOUND"
}

// nodeStandIn is a CommonJS module that accepts any use: every property, call and
// construction gives the same accepting value. The names an ES module imports by
// name are written as exports.X = … so that Node's CommonJS export detection
// (cjs-module-lexer) offers them to import { X }.
const nodeStandIn = `// layerkit verify: a stand-in for %[1]s, not the real package (%[2]s).
'use strict';
const any = new Proxy(function () {}, {
  get: (t, k) => (k === 'then' || typeof k === 'symbol' ? undefined : k === 'prototype' ? {} : any),
  apply: () => any,
  construct: () => any,
});
exports.__layerkit_standin__ = %[3]s;
%[4]smodule.exports = new Proxy(exports, {
  get: (t, k) => (k in t ? t[k] : k === 'then' || k === '__esModule' || typeof k === 'symbol' ? undefined : any),
});
`

func writeNodeStandIn(dir, pkg, why string, names, subpaths map[string]bool) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	ns := make([]string, 0, len(names))
	for n := range names {
		ns = append(ns, n)
	}
	sort.Strings(ns)
	var ex strings.Builder
	for _, n := range ns {
		q, _ := json.Marshal(n)
		fmt.Fprintf(&ex, "exports[%s] = any;\n", q)
	}
	q, _ := json.Marshal(why)
	src := fmt.Sprintf(nodeStandIn, pkg, strings.ReplaceAll(why, "\n", " "), q, ex.String())
	pj, _ := json.Marshal(map[string]string{"name": pkg, "version": "0.0.0-layerkit-standin", "main": "index.js"})
	if err := os.WriteFile(filepath.Join(dir, "package.json"), pj, 0o600); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "index.js"), []byte(src), 0o600); err != nil {
		return err
	}
	for sub := range subpaths {
		if strings.Contains(sub, "..") {
			continue
		}
		name := sub
		switch path.Ext(sub) {
		case ".js", ".cjs", ".json":
		default:
			name += ".js"
		}
		if path.Ext(name) == ".json" {
			continue
		}
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(src), 0o600); err != nil {
			return err
		}
	}
	return nil
}

// nodeModulesAbove is the first node_modules folder above dir (not in it), where node's
// lookup of a bare name goes after the function's own folders: "" when there is none.
func nodeModulesAbove(dir string) string {
	for d := filepath.Dir(dir); ; d = filepath.Dir(d) {
		p := filepath.Join(d, "node_modules")
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return p
		}
		if filepath.Dir(d) == d {
			return ""
		}
	}
}
