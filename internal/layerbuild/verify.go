package layerbuild

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/layerkit/layerkit/internal/bytesize"
	"github.com/layerkit/layerkit/internal/check"
	"github.com/layerkit/layerkit/internal/finding"
	"github.com/layerkit/layerkit/internal/iac/artifacts"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/rulecode"
)

// Lambda's limits that a layer alone can break.
const (
	MaxUnzipped     = 262_144_000 // function + all layers, unzipped
	MaxDirectUpload = 52_428_800  // a zip uploaded without S3
)

const verifyModule = "layerkit_verify"

// verify checks the built zip as the only layer of a function on the target runtime
// and architecture whose handler imports every top-level module the layer provides
// (Python), or every package a function would import from it (Node.js: nodeImports):
// each must resolve from /opt with what it loads in turn (native files for this
// runtime and arch, metadata, no code off the path, the module system Node loads each
// file in), and the layer must fit Lambda's size limits.
func (b *builder) verify(zipPath string) error {
	// the folder's name is the function's name in the messages
	fnDir := filepath.Join(b.tmp, "verify", "a function")
	if err := os.MkdirAll(fnDir, 0o755); err != nil {
		return err
	}
	handler := "index.handler"
	if b.rt.IsPython() {
		handler = verifyModule + ".handler"
		var src strings.Builder
		src.WriteString("# Written by layerkit build: imports every top-level module of the layer, as a function would.\n")
		for _, m := range b.topModules() {
			fmt.Fprintf(&src, "import %s\n", m)
		}
		src.WriteString("\n\ndef handler(event, context):\n    return None\n")
		if err := os.WriteFile(filepath.Join(fnDir, verifyModule+".py"), []byte(src.String()), 0o644); err != nil {
			return err
		}
	} else {
		// An ES module, so that ES-only packages can be imported too; from /var/task
		// they resolve through Lambda's NODE_PATH lookup for ES modules (Node 18+).
		var src strings.Builder
		src.WriteString("// Written by layerkit build: imports every package of the layer a function would, as a function would.\n")
		for _, p := range b.nodeImports() {
			fmt.Fprintf(&src, "import %s;\n", strconv.Quote(p))
		}
		src.WriteString("\nexport const handler = async () => null;\n")
		if err := os.WriteFile(filepath.Join(fnDir, "index.mjs"), []byte(src.String()), 0o644); err != nil {
			return err
		}
	}
	// The findings name the layer by the output path and the function package by SRC:
	// the check is told so (Shown), rather than its text rewritten afterwards.
	out := filepath.ToSlash(b.o.Out)
	src := filepath.ToSlash(filepath.Clean(b.o.Src))
	res, err := check.Run(b.ctx, check.Options{
		Artifacts: &artifacts.Spec{FunctionZip: fnDir, Handler: handler, Runtime: b.rt.ID, Arch: b.arch, Layers: []string{zipPath},
			Shown: map[string]string{fnDir: src, zipPath: out}, HandlerShown: "<handler>"},
		Today:  b.o.Today,
		Ignore: b.o.Ignore,
	})
	if err != nil {
		return fmt.Errorf("checking the built layer: %w", err)
	}
	have := map[rulecode.Code]bool{}
	for _, f := range res.Findings {
		if f.Pos.File == src || strings.HasPrefix(f.Pos.File, src+"/") {
			f.Pos = model.Pos{File: out} // the generated handler is no place to show
		}
		if f.Function == "a function" {
			f.Function = ""
		}
		f.Layer = ""
		have[f.Code] = true
		b.res.Findings = append(b.res.Findings, f)
	}
	ignored := map[string]bool{}
	for _, c := range b.o.Ignore {
		ignored[strings.ToUpper(c)] = true
	}
	if b.res.Size > MaxUnzipped && !have[rulecode.LK402] && !ignored[rulecode.LK402.String()] {
		b.res.Findings = append(b.res.Findings, finding.Finding{Code: rulecode.LK402, Severity: model.Error,
			Pos:     model.Pos{File: out},
			Message: fmt.Sprintf("%s unzips to %s; a function and all its layers must stay under 250 MiB (262,144,000 bytes) unzipped, so Lambda rejects every function that uses it", out, bytesize.Format(b.res.Size)),
			Hint:    "--exclude what the runtime provides (boto3, botocore), split the layer, or use a container image"})
	}
	if b.res.Zipped > MaxDirectUpload && !have[rulecode.LK408] && !ignored[rulecode.LK408.String()] {
		b.res.Findings = append(b.res.Findings, finding.Finding{Code: rulecode.LK408, Severity: model.Info,
			Pos:     model.Pos{File: out},
			Message: fmt.Sprintf("%s is %s zipped; over 50 MiB (52,428,800 bytes) it must be uploaded through S3", out, bytesize.Format(b.res.Zipped)),
			Hint:    "upload the zip to S3 and publish the layer from there (SAM and CDK do it; Terraform: s3_bucket/s3_key)"})
	}
	finding.Sort(b.res.Findings)
	return nil
}

// nodeImports lists the packages of the built layer a function imports: the
// dependencies of its nodejs/package.json (those npm installed), or, without one, every
// package at the top of its NODE_PATH folders (nodejs/nodeNN/node_modules for the
// runtime's major, nodejs/node_modules). What they load in turn is followed by the
// check. Left out: packages with nothing to import (no "exports", "main" or index file:
// type definitions, command-line tools) and those an ES module cannot import by name
// (a main that is JSON or a native addon, "exports" with only a "require" condition).
func (b *builder) nodeImports() []string {
	seen := map[string]bool{}
	var out []string
	for _, dir := range b.sitesIn() {
		for _, name := range nodeDeps(filepath.Join(b.layer, "nodejs", "package.json"), dir) {
			if !seen[name] && importable(filepath.Join(dir, filepath.FromSlash(name))) {
				seen[name] = true
				out = append(out, name)
			}
		}
	}
	sort.Strings(out)
	return out
}

// nodeDeps are the packages of node_modules folder nm to import: the dependencies
// pkgJSON declares that nm holds, or, when it declares none (or does not exist), every
// package nm holds ("@scope/name" for scoped ones).
func nodeDeps(pkgJSON, nm string) []string {
	var pj struct {
		Dependencies map[string]any `json:"dependencies"`
	}
	var out []string
	if data, err := os.ReadFile(pkgJSON); err == nil && json.Unmarshal(data, &pj) == nil && len(pj.Dependencies) > 0 {
		for name := range pj.Dependencies {
			if hasDir(filepath.Join(nm, filepath.FromSlash(name)), "") {
				out = append(out, name)
			}
		}
		return out
	}
	entries, _ := os.ReadDir(nm)
	for _, e := range entries {
		n := e.Name()
		if !e.IsDir() || strings.HasPrefix(n, ".") {
			continue
		}
		if strings.HasPrefix(n, "@") {
			scoped, _ := os.ReadDir(filepath.Join(nm, n))
			for _, s := range scoped {
				if s.IsDir() && !strings.HasPrefix(s.Name(), ".") {
					out = append(out, n+"/"+s.Name())
				}
			}
			continue
		}
		out = append(out, n)
	}
	return out
}

// importable reports whether an ES module's import of the package in dir has
// something to load (see nodeImports).
func importable(dir string) bool {
	var pj struct {
		Main    string          `json:"main"`
		Exports json.RawMessage `json:"exports"`
	}
	if data, err := os.ReadFile(filepath.Join(dir, "package.json")); err == nil {
		_ = json.Unmarshal(data, &pj)
	}
	if len(pj.Exports) > 0 && string(pj.Exports) != "null" {
		var target any
		if json.Unmarshal(pj.Exports, &target) != nil {
			return false
		}
		if m, ok := target.(map[string]any); ok {
			if dot, ok := m["."]; ok {
				target = dot
			} else {
				for k := range m {
					if strings.HasPrefix(k, ".") {
						return false // subpaths only: nothing at the package's name
					}
				}
			}
		}
		if m, ok := target.(map[string]any); ok {
			_, imp := m["import"]
			_, node := m["node"]
			_, def := m["default"]
			return imp || node || def
		}
		return target != nil
	}
	if pj.Main != "" {
		ext := filepath.Ext(pj.Main)
		return ext != ".json" && ext != ".node"
	}
	return fileExists(filepath.Join(dir, "index.js")) // an ES import's legacy main: index.js only
}

var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

var pyKeywords = map[string]bool{"False": true, "None": true, "True": true, "and": true, "as": true,
	"assert": true, "async": true, "await": true, "break": true, "class": true, "continue": true,
	"def": true, "del": true, "elif": true, "else": true, "except": true, "finally": true, "for": true,
	"from": true, "global": true, "if": true, "import": true, "in": true, "is": true, "lambda": true,
	"nonlocal": true, "not": true, "or": true, "pass": true, "raise": true, "return": true, "try": true,
	"while": true, "with": true, "yield": true}

// topModules lists the top-level modules the layer provides: packages (a folder with
// __init__.py, or with Python files of its own) and module files (.py, extension .so).
func (b *builder) topModules() []string {
	seen := map[string]bool{}
	for _, site := range b.sitesIn() {
		entries, err := os.ReadDir(site)
		if err != nil {
			continue
		}
		for _, e := range entries {
			name := e.Name()
			mod := ""
			if st, err := os.Stat(filepath.Join(site, name)); err == nil && st.IsDir() {
				if isPackageDir(filepath.Join(site, name)) {
					mod = name
				}
			} else if strings.HasSuffix(name, ".py") || strings.HasSuffix(name, ".so") {
				mod, _, _ = strings.Cut(name, ".")
			}
			if mod != "" && identifier.MatchString(mod) && !pyKeywords[mod] && mod != verifyModule {
				seen[mod] = true
			}
		}
	}
	out := make([]string, 0, len(seen))
	for m := range seen {
		out = append(out, m)
	}
	sort.Strings(out)
	return out
}

func isPackageDir(dir string) bool {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		n := e.Name()
		if !e.IsDir() && (strings.HasSuffix(n, ".py") || strings.HasSuffix(n, ".so")) {
			return true
		}
	}
	return false
}
