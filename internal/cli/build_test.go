package cli

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"
)

// cmdMkWheel: mkwheel DIR DIST VERSION TAG FILES writes DIR/DIST-VERSION-TAG.whl holding
// the files under FILES (paths relative to it) and a .dist-info (METADATA, WHEEL,
// RECORD), as pip expects of a wheel. The build scripts install such wheels with
// --no-index --find-links, so they run offline.
func cmdMkWheel(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 5 {
		ts.Fatalf("usage: mkwheel DIR DIST VERSION TAG FILES")
	}
	dir, dist, version, tag, files := ts.MkAbs(args[0]), args[1], args[2], args[3], ts.MkAbs(args[4])
	content := map[string][]byte{}
	err := filepath.WalkDir(files, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(files, p)
		b, err := os.ReadFile(p)
		content[filepath.ToSlash(rel)] = b
		return err
	})
	ts.Check(err)
	di := fmt.Sprintf("%s-%s.dist-info", dist, version)
	content[di+"/METADATA"] = []byte(fmt.Sprintf("Metadata-Version: 2.1\nName: %s\nVersion: %s\n\n", dist, version))
	content[di+"/WHEEL"] = []byte(fmt.Sprintf("Wheel-Version: 1.0\nGenerator: layerkit-test\nRoot-Is-Purelib: %v\nTag: %s\n", strings.HasSuffix(tag, "-any"), tag))
	names := make([]string, 0, len(content)+1)
	for k := range content {
		names = append(names, k)
	}
	sort.Strings(names)
	var record strings.Builder
	for _, k := range names {
		sum := sha256.Sum256(content[k])
		fmt.Fprintf(&record, "%s,sha256=%s,%d\n", k, base64.RawURLEncoding.EncodeToString(sum[:]), len(content[k]))
	}
	fmt.Fprintf(&record, "%s/RECORD,,\n", di)
	content[di+"/RECORD"] = []byte(record.String())
	names = append(names, di+"/RECORD")
	ts.Check(os.MkdirAll(dir, 0o755))
	f, err := os.Create(filepath.Join(dir, fmt.Sprintf("%s-%s-%s.whl", dist, version, tag)))
	ts.Check(err)
	zw := zip.NewWriter(f)
	for _, k := range names {
		w, err := zw.Create(k)
		ts.Check(err)
		_, err = w.Write(content[k])
		ts.Check(err)
	}
	ts.Check(zw.Close())
	ts.Check(f.Close())
}

// cmdNeedTool: needtool pip|npm checks that the tool runs. When it does not and CI is
// set, the script fails, so that CI never passes by skipping; when CI is not set it puts
// a program layerkit-missing-TOOL on PATH, for the script's next line to skip with:
//
//	needtool pip
//	[exec:layerkit-missing-pip] skip 'pip is not available'
func cmdNeedTool(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: needtool pip|npm")
	}
	var cmd *exec.Cmd
	switch args[0] {
	case "pip":
		cmd = exec.Command("python3", "-m", "pip", "--version")
	case "npm":
		cmd = exec.Command("npm", "--version")
	default:
		ts.Fatalf("needtool: unknown tool %q", args[0])
	}
	if err := cmd.Run(); err != nil {
		if os.Getenv("CI") != "" {
			ts.Fatalf("%s is needed (CI is set): %v", args[0], err)
		}
		dir := ts.MkAbs(".needtool")
		ts.Check(os.MkdirAll(dir, 0o755))
		ts.Check(os.WriteFile(filepath.Join(dir, "layerkit-missing-"+args[0]), []byte("#!/bin/sh\n"), 0o755))
		ts.Setenv("PATH", dir+string(os.PathListSeparator)+ts.Getenv("PATH"))
	}
}
