package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	yaml "go.yaml.in/yaml/v4"

	"github.com/layerkit/layerkit/internal/check"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/rulecode"
)

// The interpreter's verdict on a Node.js acceptance app, until `layerkit verify` speaks
// Node.js (branch nodeverify17): every function's handler is loaded by real node as the
// Lambda runtime interface client does (the differential test's stand-in for the RIC,
// internal/noderesolve/testdata/harness), on a /var/task and /opt laid out from the
// template by this file (not by layerkit's loaders: SAM's CodeUri, ContentUri, Globals,
// Layers and the BuildMethod nodejsXX.x prefix, facts F16), with Lambda's NODE_PATH (F1)
// and flags (F10). layerkit agrees when it reports an init-time error for exactly the
// functions node fails to load.
//
// To switch to `layerkit verify` once it handles Node.js, replace the nodeAgrees call
// in TestFixAcceptanceCases with the verify run the Python apps get.

// samNodeApp is what the layout needs from a SAM template.
type samNodeApp struct {
	funcs  []samNodeFunc
	layers map[string]samNodeLayer
}

type samNodeFunc struct {
	name, codeURI, handler, runtime, nodePath string
	layers                                    []string
}

type samNodeLayer struct {
	contentURI, buildMethod string
}

func yamlGet(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func yamlStr(n *yaml.Node, keys ...string) string {
	for _, k := range keys {
		n = yamlGet(n, k)
	}
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}

// readSAMNode reads template.yaml of dir; false when it is not a SAM app of Node.js
// functions with local folders this layout handles (a layer built from a package.json
// would need npm install).
func readSAMNode(t *testing.T, dir string) (*samNodeApp, bool) {
	b, err := os.ReadFile(filepath.Join(dir, "template.yaml"))
	if err != nil {
		return nil, false
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil || len(doc.Content) == 0 {
		t.Fatalf("template.yaml: %v", err)
	}
	root := doc.Content[0]
	globals := yamlGet(yamlGet(root, "Globals"), "Function")
	app := &samNodeApp{layers: map[string]samNodeLayer{}}
	res := yamlGet(root, "Resources")
	if res == nil {
		return nil, false
	}
	for i := 0; i+1 < len(res.Content); i += 2 {
		name, r := res.Content[i].Value, res.Content[i+1]
		props := yamlGet(r, "Properties")
		switch yamlStr(r, "Type") {
		case "AWS::Serverless::LayerVersion":
			l := samNodeLayer{contentURI: yamlStr(props, "ContentUri"), buildMethod: yamlStr(r, "Metadata", "BuildMethod")}
			if l.buildMethod != "" && !strings.HasPrefix(l.buildMethod, "nodejs") {
				return nil, false
			}
			if _, err := os.Stat(filepath.Join(dir, l.contentURI, "package.json")); err == nil && l.buildMethod != "" {
				return nil, false // npm pack and npm install: not laid out here
			}
			app.layers[name] = l
		case "AWS::Serverless::Function":
			f := samNodeFunc{name: name, codeURI: yamlStr(props, "CodeUri"), handler: yamlStr(props, "Handler"), runtime: yamlStr(props, "Runtime"),
				nodePath: yamlStr(props, "Environment", "Variables", "NODE_PATH")}
			if f.codeURI == "" {
				f.codeURI = yamlStr(globals, "CodeUri")
			}
			if f.runtime == "" {
				f.runtime = yamlStr(globals, "Runtime")
			}
			if f.nodePath == "" {
				f.nodePath = yamlStr(globals, "Environment", "Variables", "NODE_PATH")
			}
			if !strings.HasPrefix(f.runtime, "nodejs") || f.codeURI == "" {
				return nil, false
			}
			if _, err := os.Stat(filepath.Join(dir, f.codeURI, "package.json")); err == nil {
				return nil, false // sam build runs npm install
			}
			for _, l := range yamlGet(props, "Layers").Content {
				if l.Tag != "!Ref" {
					return nil, false
				}
				f.layers = append(f.layers, l.Value)
			}
			app.funcs = append(app.funcs, f)
		}
	}
	return app, len(app.funcs) > 0
}

// copyInto copies the folder src into dst (created), files only.
func copyInto(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

type nodeLoad struct {
	OK           bool   `json:"ok"`
	ErrorType    string `json:"errorType"`
	ErrorMessage string `json:"errorMessage"`
}

// nodeLoadApp loads every function of the SAM app in dir with node and returns its
// verdict per function; ok is false when the app is not one this layout handles.
func nodeLoadApp(t *testing.T, node, dir string) (map[string]nodeLoad, bool) {
	t.Helper()
	app, ok := readSAMNode(t, dir)
	if !ok {
		return nil, false
	}
	harness := filepath.Join("..", "noderesolve", "testdata", "harness")
	base := t.TempDir()
	type item struct {
		Root     string   `json:"root"`
		Handler  string   `json:"handler"`
		NodePath []string `json:"nodePath"`
	}
	var items []item
	major := ""
	for i, f := range app.funcs {
		root := filepath.Join(base, fmt.Sprint(i))
		copyInto(t, filepath.Join(dir, f.codeURI), filepath.Join(root, "var", "task"))
		if err := os.MkdirAll(filepath.Join(root, "opt"), 0o755); err != nil {
			t.Fatal(err)
		}
		for _, ref := range f.layers { // extracted in order: a later layer wins
			l, ok := app.layers[ref]
			if !ok {
				return nil, false
			}
			into := filepath.Join(root, "opt")
			if l.buildMethod != "" {
				into = filepath.Join(into, "nodejs")
			}
			copyInto(t, filepath.Join(dir, l.contentURI), into)
		}
		rt := filepath.Join(root, "var", "runtime")
		copyInto(t, harness, rt)
		for _, pkg := range []string{"@aws-sdk/client-s3", "@smithy/types"} { // what the runtime provides (F14), as stubs
			pdir := filepath.Join(rt, "node_modules", filepath.FromSlash(pkg))
			if err := os.MkdirAll(pdir, 0o755); err != nil {
				t.Fatal(err)
			}
			os.WriteFile(filepath.Join(pdir, "package.json"), []byte(`{"name":"`+pkg+`","main":"index.js"}`), 0o644)
			os.WriteFile(filepath.Join(pdir, "index.js"), []byte("exports.ok = 1;\n"), 0o644)
		}
		m := strings.TrimSuffix(strings.TrimPrefix(f.runtime, "nodejs"), ".x")
		if major != "" && major != m {
			t.Skipf("functions of several Node.js versions (%s, %s): one node process per app here", major, m)
		}
		major = m
		np := f.nodePath
		if np == "" {
			np = "/opt/nodejs/node" + m + "/node_modules:/opt/nodejs/node_modules:/var/runtime/node_modules:/var/runtime:/var/task"
		}
		var entries []string
		for _, e := range strings.Split(np, ":") {
			entries = append(entries, root+e)
		}
		items = append(items, item{Root: root, Handler: f.handler, NodePath: entries})
	}
	arg, _ := json.Marshal(items)
	var flags []string
	for _, fl := range []string{"--no-experimental-require-module", "--no-experimental-detect-module"} {
		if exec.Command(node, fl, "-e", "0").Run() == nil {
			flags = append(flags, fl)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, append(flags, filepath.Join(items[0].Root, "var", "runtime", "index.mjs"), string(arg))...)
	cmd.Dir = filepath.Join(items[0].Root, "var", "task")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + filepath.Join(base, "home"), "LK_MAJOR=" + major, "NODE_NO_WARNINGS=1"}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	if len(lines) != len(items) {
		t.Fatalf("node printed %d verdicts for %d handlers (%v)\n%s\n%s", len(lines), len(items), runErr, stdout.String(), stderr.String())
	}
	out := map[string]nodeLoad{}
	for i, f := range app.funcs {
		var v nodeLoad
		if err := json.Unmarshal([]byte(lines[i]), &v); err != nil {
			t.Fatalf("%s: %v", lines[i], err)
		}
		out[f.name] = v
	}
	return out, true
}

// initErrors are the codes whose error means the function fails to load (its cold start).
var initErrors = []rulecode.Code{rulecode.LK101, rulecode.LK102, rulecode.LK103, rulecode.LK107, rulecode.LK108,
	rulecode.LK301, rulecode.LK302, rulecode.LK303, rulecode.LK304}

// nodeAgrees loads the Node.js app in dir with node and checks that layerkit's check
// reports an init-time error for exactly the functions node fails to load. false when
// the app is not one the layout handles (then nothing was compared).
func nodeAgrees(t *testing.T, node, dir string, res *check.Result) bool {
	t.Helper()
	loads, ok := nodeLoadApp(t, node, dir)
	if !ok {
		return false
	}
	fails := map[string]bool{}
	for _, f := range res.Findings {
		for _, c := range initErrors {
			if f.Code == c && f.Severity == model.Error {
				fails[f.Function] = true
			}
		}
	}
	var names []string
	for n := range loads {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		v := loads[n]
		t.Logf("%s: node: %s", n, okOrErr(v))
		if v.OK == fails[n] {
			t.Errorf("%s: node: %s; layerkit: init-time error %v", n, okOrErr(v), fails[n])
		}
	}
	return true
}

func okOrErr(v nodeLoad) string {
	if v.OK {
		return "ok"
	}
	return v.ErrorType + ": " + strings.SplitN(v.ErrorMessage, "\n", 2)[0]
}

// nodeOrSkip is node, or a skip (a failure under CI=true, as the other node tests).
func nodeOrSkip(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("node is not on PATH (required in CI)")
		}
		t.Skip("node is not on PATH: the fixed Node.js app cannot be loaded")
	}
	return bin
}
