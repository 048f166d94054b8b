package noderesolve

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/resolve"
	"github.com/layerkit/layerkit/internal/tree"
	"github.com/layerkit/layerkit/internal/verify/nodeload"
)

// The differential test: generated apps (gen_test.go) are judged by the resolver and
// by a local node loading each handler as the runtime interface client does
// (internal/verify/nodeload/index.mjs, the loader layerkit verify runs), on /var/task, /opt and /var/runtime materialized
// under a temporary root. The verdicts must agree: OK, or the same errorType and
// message (the temporary roots cut out). Each verdict is also read through the
// language seam (Lang's resolve.Analysis, as layerkit check's rules read it:
// seamVerdict): it must hold an init-time failure exactly when node fails.
//
// Emulation, and what it means for the comparison:
//   - Paths: each function gets its own copy of its app under a temporary root R
//     (one node process loads all of an app's functions, one root each, so that no
//     module cache is shared: on Lambda each function is a process of its own); node
//     sees R/var/task/app.js; the harness moves absolute /opt and /var requests under
//     R and cuts the roots out of every message. The node_modules walk above R finds
//     nothing (t.TempDir holds no node_modules or package.json above it).
//   - Node's version: the local node (20 here) runs every app, whatever its runtime;
//     the runtime's major decides NODE_PATH (nodeNN folder), the runtime's packages
//     (stubs for @aws-sdk/*, @smithy/* on 18+, aws-sdk on 16) and the ES module
//     NODE_PATH lookup (18+). Node is started with Lambda's flags
//     --no-experimental-require-module and --no-experimental-detect-module (F10).
//   - Lambda's ES module NODE_PATH lookup is the harness's resolve hook (hooks.mjs),
//     the reading noderesolve takes (esm.go): the two are checked against each
//     other, not against Lambda (UNCERTAIN in the facts).
//   - Messages are compared up to the first line, except a require stack, which is
//     compared in full (Node adds hints on later lines: "Did you mean…", "This file
//     is being treated as an ES module…"). SyntaxErrors other than those of module
//     syntax in the wrong system (whose V8 texts layerkit gives) compare by type
//     only: layerkit's parser words its errors its own way.
//   - Errors whose wording changed between Node majors (versionWorded) compare by
//     type only for apps of another major than the local node's.
//   - An ES module graph with several broken imports: node reports whichever it
//     meets first while linking (its loads run side by side); any of the resolver's
//     Alternatives counts as agreement.
//
// Run: go test ./internal/noderesolve/ -run Differential [-short] [-diff.n=N] [-diff.seed=S]

var (
	diffN    = flag.Int("diff.n", 150, "differential test: number of generated apps (each has 5-11 functions)")
	diffSeed = flag.Uint64("diff.seed", 1, "differential test: first seed")
)

type nodeVerdict struct {
	OK           bool   `json:"ok"`
	ErrorType    string `json:"errorType"`
	ErrorMessage string `json:"errorMessage"`
	Code         string `json:"code"`
}

func nodeBinary(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("node is not on PATH (the differential test needs it in CI)")
		}
		t.Skip("node is not on PATH")
	}
	return bin
}

// nodeFlags are Lambda's flags (F10) that this node accepts.
func nodeFlags(t *testing.T, bin string) []string { return nodeload.Flags(bin) }

// harnessFiles is the RIC stand-in layerkit verify runs too (package nodeload), by
// file name, to write into var/runtime.
func harnessFiles() map[string]string {
	h := map[string]string{}
	for name, b := range nodeload.Files() {
		h[name] = string(b)
	}
	return h
}

func writeFiles(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// materialize writes app under root and returns the NODE_PATH node gets.
func materialize(t *testing.T, root string, app *genApp, env Env, harness map[string]string) {
	t.Helper()
	writeFiles(t, filepath.Join(root, "var/task"), app.task)
	if err := os.MkdirAll(filepath.Join(root, "opt"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, l := range app.layers { // extracted in order: the later layer wins
		writeFiles(t, filepath.Join(root, "opt"), l)
	}
	stubs := map[string]string{}
	for _, name := range []string{"@aws-sdk/client-s3", "@smithy/types", "aws-sdk"} {
		if env.provides(name) {
			stubs["node_modules/"+name+"/package.json"] = `{"name": "` + name + `", "main": "index.js"}`
			stubs["node_modules/"+name+"/index.js"] = "exports.ok = 1;\n"
		}
	}
	for k, v := range harness {
		stubs[k] = v
	}
	writeFiles(t, filepath.Join(root, "var/runtime"), stubs)
}

func (app *genApp) env() Env {
	env := DefaultEnv(app.major)
	if app.nodePath != "" {
		env.NodePath, env.UserNodePath = SplitNodePath(app.nodePath), true
	}
	return env
}

func (app *genApp) resolver() *Resolver {
	var layers []tree.Tree
	for i, l := range app.layers {
		layers = append(layers, tree.NewMap(fmt.Sprintf("layer%d", i), l))
	}
	var opt tree.Tree
	if len(layers) > 0 {
		opt = tree.NewOverlay(layers)
	} else {
		opt = tree.NewMap("opt", nil)
	}
	return New(tree.NewMap("task", app.task), opt, app.env())
}

// firstLine is the part of a message the comparison uses.
func firstLine(msg string) string {
	if i := strings.Index(msg, "\nRequire stack:\n"); i >= 0 {
		return msg
	}
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		return msg[:i]
	}
	return msg
}

// knownSyntax are SyntaxError texts layerkit gives as V8 does.
var knownSyntax = []string{"Cannot use import statement outside a module", "Unexpected token 'export'", "Cannot use 'import.meta' outside a module", "await is only valid"}

// versionWorded are errors whose text changed between Node majors: for an app of
// another major than the local node, only their type is compared.
var versionWorded = []string{"needs an import attribute"}

func agrees(v Verdict, n nodeVerdict, otherMajor bool) bool {
	if v.OK || n.OK {
		return v.OK == n.OK
	}
	if v.ErrorType != n.ErrorType {
		return false
	}
	for _, w := range versionWorded {
		if otherMajor && strings.Contains(v.ErrorMessage, w) {
			return true
		}
	}
	if v.ErrorType == "Runtime.UserCodeSyntaxError" || v.ErrorType == "SyntaxError" {
		known := false
		for _, k := range knownSyntax {
			known = known || strings.Contains(v.ErrorMessage, k)
		}
		if !known || strings.Contains(v.ErrorMessage, "JSON") {
			return true
		}
	}
	return firstLine(v.ErrorMessage) == firstLine(n.ErrorMessage)
}

func TestDifferential(t *testing.T) {
	bin := nodeBinary(t)
	flags := nodeFlags(t, bin)
	harness := harnessFiles()
	localMajor := 0
	fmt.Sscanf(strings.TrimPrefix(nodeVersion(bin), "v"), "%d", &localMajor)
	n := *diffN
	if testing.Short() {
		n = 10 // with the regression apps: the inner loop's share
	}
	base := t.TempDir()
	type result struct {
		app   *genApp
		lines []string // disagreements
		funcs int
		kinds map[string]int // node's verdicts by errorType
		err   error
	}
	regress := regressionApps(t)
	results := make([]result, n+len(regress))
	var wg sync.WaitGroup
	sem := make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))
	for i := 0; i < n+len(regress); i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			var app *genApp
			if i < len(regress) {
				app = regress[i]
			} else {
				app = genAppFor(*diffSeed + uint64(i-len(regress)))
			}
			res := &results[i]
			res.app = app
			env := app.env()
			type item struct {
				Root     string   `json:"root"`
				Handler  string   `json:"handler"`
				NodePath []string `json:"nodePath"`
			}
			var items []item
			for j, h := range app.handlers {
				root := filepath.Join(base, fmt.Sprint(i), fmt.Sprintf("f%d", j))
				materialize(t, root, app, env, harness)
				var np []string
				for _, e := range env.NodePath {
					np = append(np, root+e)
				}
				items = append(items, item{Root: root, Handler: h, NodePath: np})
			}
			arg, _ := json.Marshal(items)
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, bin, append(append([]string{}, flags...), filepath.Join(items[0].Root, "var/runtime/index.mjs"), string(arg))...)
			cmd.Dir = filepath.Join(items[0].Root, "var/task")
			cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + filepath.Join(base, fmt.Sprint(i), "home"),
				fmt.Sprintf("LK_MAJOR=%d", app.major), "NODE_NO_WARNINGS=1"}
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			// A non-zero exit after every verdict is printed is node 20 reporting, as
			// uncaught, the failure of a CommonJS module an ES module imported: the
			// verdicts stand.
			runErr := cmd.Run()
			outs := strings.Split(strings.TrimSpace(stdout.String()), "\n")
			if runErr != nil && len(outs) != len(app.handlers) {
				res.err = fmt.Errorf("%s: node: %v\n%s", app.name, runErr, stderr.String())
				return
			}
			if len(outs) != len(app.handlers) {
				res.err = fmt.Errorf("%s: node printed %d verdicts for %d handlers\n%s\n%s", app.name, len(outs), len(app.handlers), stdout.String(), stderr.String())
				return
			}
			r := app.resolver()
			for j, h := range app.handlers {
				var nv nodeVerdict
				if err := json.Unmarshal([]byte(outs[j]), &nv); err != nil {
					res.err = fmt.Errorf("%s: %v: %s", app.name, err, outs[j])
					return
				}
				res.funcs++
				if res.kinds == nil {
					res.kinds = map[string]int{}
				}
				res.kinds[okOr(nv.OK, nv.ErrorType)]++
				ld := r.LoadHandler(h)
				other := app.major != localMajor
				ok := agrees(ld.Verdict, nv, other)
				// A verdict layerkit marks unknown (exports it cannot read) is OK by
				// design: node may still find the handler missing.
				ok = ok || ld.Unknown != "" && ld.Verdict.OK && nv.ErrorType == "Runtime.HandlerNotFound"
				for _, alt := range ld.Alternatives {
					ok = ok || agrees(alt, nv, other)
				}
				if !ok {
					res.lines = append(res.lines, fmt.Sprintf("%s nodejs%d.x handler %s:\n  layerkit: %s %q\n  node:     %s %q (%s)", app.name, app.major, h,
						okOr(ld.Verdict.OK, ld.Verdict.ErrorType), ld.Verdict.ErrorMessage, okOr(nv.OK, nv.ErrorType), nv.ErrorMessage, nv.Code))
				}
				// The same verdict through the language seam, as layerkit check's rules
				// read it: some error-level fact exactly when node fails.
				if seam := seamVerdict(r, ld, h); ok && seam != "" == nv.OK && !(ld.Unknown != "" && nv.ErrorType == "Runtime.HandlerNotFound") {
					res.lines = append(res.lines, fmt.Sprintf("%s nodejs%d.x handler %s: the seam says %q, node %s %q", app.name, app.major, h,
						seam, okOr(nv.OK, nv.ErrorType), nv.ErrorMessage))
				}
			}
		}(i)
	}
	wg.Wait()
	funcs, bad := 0, 0
	var seeds []string
	kinds := map[string]int{}
	for _, r := range results {
		for k, n := range r.kinds {
			kinds[k] += n
		}
		if r.err != nil {
			t.Error(r.err)
			continue
		}
		funcs += r.funcs
		if len(r.lines) > 0 {
			bad += len(r.lines)
			seeds = append(seeds, r.app.name)
			for _, l := range r.lines {
				t.Error(l)
			}
		}
	}
	sort.Strings(seeds)
	t.Logf("%d apps (%d regression apps), %d functions, %d disagreements (node %s); node's verdicts: %v", n+len(regress), len(regress), funcs, bad, nodeVersion(bin), kinds)
	if bad > 0 {
		t.Logf("apps with disagreements: %s", strings.Join(seeds, " "))
	}
	if !testing.Short() && funcs < 1000 {
		t.Errorf("%d functions, want at least 1,000", funcs)
	}
}

func okOr(ok bool, s string) string {
	if ok {
		return "OK"
	}
	return s
}

func nodeVersion(bin string) string {
	out, _ := exec.Command(bin, "--version").Output()
	return strings.TrimSpace(string(out))
}

// seamVerdict is what the rules of layerkit check find fatal at init in the seam's
// facts for handler h (LK102, LK103, LK101 and LK107 at error level, LK108): "" when
// nothing.
func seamVerdict(r *Resolver, ld *Load, h string) string {
	a := &seamView{res: &Result{Function: &model.Function{Handler: h}, R: r, Load: ld}}
	hd := a.Handler()
	switch {
	case hd.Malformed || hd.Found == nil:
		return "LK102 " + hd.Error
	case hd.Defined == 0:
		return "LK103 " + hd.Error
	}
	for _, imp := range a.Imports() {
		if imp.Failure != resolve.Resolved && !imp.Lazy {
			return fmt.Sprintf("import %s at %s:%d: %s", imp.Module, imp.At.File, imp.At.Line, imp.Error)
		}
	}
	if !ld.Verdict.OK && ld.Verdict.Kind == KindSyntax {
		return "LK108 " + ld.Verdict.ErrorMessage
	}
	return ""
}
