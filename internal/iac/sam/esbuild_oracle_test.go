package sam_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/layerkit/layerkit/internal/check"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/rulecode"
	"github.com/layerkit/layerkit/internal/txtardir"
	"github.com/layerkit/layerkit/internal/verify/nodeload"
)

// esbuildCases are the functions of testdata/esbuild.txtar with the esbuild command
// aws-lambda-builders runs for each (nodejs_npm_esbuild/esbuild.py at cd41bcf1:
// --bundle --platform=node --outdir, --target=es2020 --format=cjs --minify unless
// set, one --external: per External, --out-extension: per OutExtension; EntryPoints
// default to the Handler up to its first dot, probed as .ts then .js).
var esbuildCases = []struct {
	fn, handler string
	entries     []string
	external    []string
	format      string
	outExt      string
	layer       bool
	// buildFails, runFails: the verdicts esbuild and node gave (TestEsbuildOracle
	// checks them; TestEsbuildVerdicts, which needs neither, checks layerkit's).
	buildFails, runFails bool
}{
	{fn: "NoLayer", handler: "app.handler", entries: []string{"src/app.ts"}, external: []string{"pg", "@aws-sdk/*"}, runFails: true},
	{fn: "WithLayer", handler: "app.handler", entries: []string{"src/app.ts"}, external: []string{"pg", "@aws-sdk/*"}, layer: true},
	{fn: "DevDep", handler: "dev.handler", entries: []string{"src/dev.ts"}, buildFails: true},
	{fn: "Undeclared", handler: "undeclared.handler", entries: []string{"src/undeclared.js"}, buildFails: true},
	{fn: "SdkBundled", handler: "sdk.handler", entries: []string{"src/sdk.ts"}, buildFails: true},
	{fn: "TwoEntries", handler: "worker.handler", entries: []string{"src/app.ts", "src/jobs/worker.ts"}, external: []string{"pg", "@aws-sdk/*"}, layer: true, runFails: true},
	{fn: "TwoEntriesRight", handler: "jobs/worker.handler", entries: []string{"src/app.ts", "src/jobs/worker.ts"}, external: []string{"pg", "@aws-sdk/*"}, layer: true},
	{fn: "EsmJs", handler: "app.handler", entries: []string{"src/app.ts"}, external: []string{"pg", "@aws-sdk/*"}, format: "esm", layer: true, runFails: true},
	{fn: "EsmMjs", handler: "app.handler", entries: []string{"src/app.ts"}, external: []string{"pg", "@aws-sdk/*"}, format: "esm", outExt: ".mjs", layer: true},
	{fn: "EsmMjsNoLayer", handler: "app.handler", entries: []string{"src/app.ts"}, external: []string{"pg", "@aws-sdk/*"}, format: "esm", outExt: ".mjs", runFails: true},
	{fn: "NoExport", handler: "app.main", entries: []string{"src/app.ts"}, external: []string{"pg", "@aws-sdk/*"}, layer: true, runFails: true},
	{fn: "DefaultEntry", handler: "plain.handler", entries: []string{"plain.js"}},
	{fn: "MissingEntry", handler: "app.handler", entries: []string{"src/app.js"}, buildFails: true},
}

// TestEsbuildOracle builds each function of testdata/esbuild.txtar with a real esbuild
// as sam build does and loads the bundle with node as the runtime interface client
// does (internal/verify/nodeload, the loader verify and the differential test use), and
// compares with layerkit check: the build fails exactly when layerkit reports the
// "sam build (BuildMethod esbuild)" LK101 error, and the bundle fails to load exactly
// when layerkit reports a run-time error. It needs esbuild (not in CI): run it with
//
//	LK_ESBUILD=$(npm root)/.bin/esbuild go test ./internal/iac/sam -run EsbuildOracle -v
func TestEsbuildOracle(t *testing.T) {
	esbuild := os.Getenv("LK_ESBUILD")
	if esbuild == "" {
		t.Skip("LK_ESBUILD is not set (an esbuild binary: npm install esbuild)")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not on PATH")
	}
	base := t.TempDir()
	app := filepath.Join(base, "app")
	if _, err := txtardir.Unpack("testdata/esbuild.txtar", app); err != nil {
		t.Fatal(err)
	}
	buildFails, runFails := esbuildVerdicts(t, app)
	harness := nodeload.Files()
	var pj struct{ Dependencies map[string]string }
	b, _ := os.ReadFile(filepath.Join(app, "fn", "package.json"))
	if err := json.Unmarshal(b, &pj); err != nil {
		t.Fatal(err)
	}
	for _, c := range esbuildCases {
		t.Run(c.fn, func(t *testing.T) {
			// sam build: copy fn/ without node_modules, npm install --omit=dev (from
			// npm-cache/), esbuild in the copy.
			scratch := filepath.Join(base, c.fn, "scratch")
			copyTree(t, filepath.Join(app, "fn"), scratch, func(rel string) bool { return rel != "node_modules" })
			for dep := range pj.Dependencies {
				copyTree(t, filepath.Join(app, "npm-cache", dep), filepath.Join(scratch, "node_modules", dep), nil)
			}
			out := filepath.Join(base, c.fn, "R", "var", "task")
			args := append([]string{}, c.entries...)
			args = append(args, "--bundle", "--platform=node", "--outdir="+out, "--target=es2020", "--minify")
			format := c.format
			if format == "" {
				format = "cjs"
			}
			args = append(args, "--format="+format)
			for _, e := range c.external {
				args = append(args, "--external:"+e)
			}
			if c.outExt != "" {
				args = append(args, "--out-extension:.js="+c.outExt)
			}
			cmd := exec.Command(esbuild, args...)
			cmd.Dir = scratch
			msg, err := cmd.CombinedOutput()
			esbuildFails := err != nil
			if _, lk := buildFails[c.fn]; lk != esbuildFails {
				t.Fatalf("sam build fails: esbuild %v, layerkit %v (%s)\n%s", esbuildFails, lk, buildFails[c.fn], msg)
			}
			if esbuildFails != c.buildFails {
				t.Errorf("esbuildCases says buildFails %v, esbuild %v", c.buildFails, esbuildFails)
			}
			if esbuildFails {
				t.Logf("esbuild: %s", firstLine(string(msg), "ERROR"))
				return
			}
			// Lambda: the bundle in /var/task, the layer in /opt, the runtime's SDK.
			R := filepath.Join(base, c.fn, "R")
			if c.layer {
				copyTree(t, filepath.Join(app, "layer"), filepath.Join(R, "opt"), nil)
			}
			rt := filepath.Join(R, "var", "runtime")
			writeFile(t, filepath.Join(rt, "node_modules/@aws-sdk/client-s3/package.json"), []byte(`{"name": "@aws-sdk/client-s3", "main": "index.js"}`))
			writeFile(t, filepath.Join(rt, "node_modules/@aws-sdk/client-s3/index.js"), []byte("exports.S3Client = function () {};\n"))
			for name, b := range harness {
				writeFile(t, filepath.Join(rt, name), b)
			}
			var np []string
			for _, e := range []string{"/opt/nodejs/node22/node_modules", "/opt/nodejs/node_modules", "/var/runtime/node_modules", "/var/runtime", "/var/task"} {
				np = append(np, R+e)
			}
			arg, _ := json.Marshal([]map[string]any{{"root": R, "handler": c.handler, "nodePath": np}})
			run := exec.Command(node, append(nodeload.Flags(node), filepath.Join(rt, "index.mjs"), string(arg))...)
			run.Dir = out
			run.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + filepath.Join(base, "home"), "LK_MAJOR=22", "NODE_NO_WARNINGS=1"}
			var stdout, stderr bytes.Buffer
			run.Stdout, run.Stderr = &stdout, &stderr
			_ = run.Run()
			var v struct {
				OK           bool   `json:"ok"`
				ErrorType    string `json:"errorType"`
				ErrorMessage string `json:"errorMessage"`
			}
			if err := json.Unmarshal([]byte(firstLine(stdout.String(), "")), &v); err != nil {
				t.Fatalf("node: %v\n%s\n%s", err, stdout.String(), stderr.String())
			}
			if _, lk := runFails[c.fn]; lk == v.OK {
				t.Fatalf("fails at init: node %v (%s: %s), layerkit %v (%s)", !v.OK, v.ErrorType, v.ErrorMessage, lk, runFails[c.fn])
			}
			if v.OK == c.runFails {
				t.Errorf("esbuildCases says runFails %v, node %v", c.runFails, !v.OK)
			}
			if !v.OK {
				t.Logf("node: %s: %s", v.ErrorType, firstLine(v.ErrorMessage, ""))
			}
		})
	}
}

// esbuildVerdicts checks the app at dir and returns, by function, layerkit's error
// that sam build fails and its error that the function fails at init.
func esbuildVerdicts(t *testing.T, dir string) (buildFails, runFails map[string]string) {
	t.Helper()
	res, err := check.Run(context.Background(), check.Options{Path: dir})
	if err != nil {
		t.Fatal(err)
	}
	buildFails, runFails = map[string]string{}, map[string]string{}
	for _, f := range res.Findings {
		if f.Severity != model.Error {
			continue
		}
		switch {
		case (f.Code == rulecode.LK101 || f.Code == rulecode.LK102) && strings.Contains(f.Message, "sam build (BuildMethod esbuild)"):
			buildFails[f.Function] = f.Message
		case f.Code == rulecode.LK101, f.Code == rulecode.LK102, f.Code == rulecode.LK103, f.Code == rulecode.LK107, f.Code == rulecode.LK108:
			runFails[f.Function] = f.Message
		}
	}
	return buildFails, runFails
}

// TestEsbuildVerdicts: layerkit's verdicts on testdata/esbuild.txtar are the ones
// esbuild and node gave (recorded in esbuildCases by TestEsbuildOracle).
func TestEsbuildVerdicts(t *testing.T) {
	app := t.TempDir()
	if _, err := txtardir.Unpack("testdata/esbuild.txtar", app); err != nil {
		t.Fatal(err)
	}
	buildFails, runFails := esbuildVerdicts(t, app)
	for _, c := range esbuildCases {
		if _, got := buildFails[c.fn]; got != c.buildFails {
			t.Errorf("%s: layerkit says sam build fails %v, esbuild %v (%s)", c.fn, got, c.buildFails, buildFails[c.fn])
		}
		if _, got := runFails[c.fn]; got != c.runFails {
			t.Errorf("%s: layerkit says init fails %v, node %v (%s)", c.fn, got, c.runFails, runFails[c.fn])
		}
	}
}

func firstLine(s, containing string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, containing) && strings.TrimSpace(l) != "" {
			return strings.TrimSpace(l)
		}
	}
	return ""
}

func writeFile(t *testing.T, p string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// copyTree copies the files of src to dst; keep (nil: all) decides on each top-level
// entry.
func copyTree(t *testing.T, src, dst string, keep func(rel string) bool) {
	t.Helper()
	err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if keep != nil && rel != "." && !keep(strings.Split(filepath.ToSlash(rel), "/")[0]) {
			if info.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if info.IsDir() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		writeFile(t, filepath.Join(dst, rel), b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
