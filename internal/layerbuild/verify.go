package layerbuild

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
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
// and architecture whose handler imports every top-level module the layer provides:
// each must resolve from /opt (native files for this runtime and arch, metadata, no
// code off the path), and the layer must fit Lambda's size limits.
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
	} else if err := os.WriteFile(filepath.Join(fnDir, "index.js"), []byte("exports.handler = async () => null;\n"), 0o644); err != nil {
		return err
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
