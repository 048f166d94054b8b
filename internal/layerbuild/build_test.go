package layerbuild

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/layerkit/layerkit/internal/finding"
	"github.com/layerkit/layerkit/internal/iac/iactest"
	"github.com/layerkit/layerkit/internal/rulecode"
	"github.com/layerkit/layerkit/internal/zipwrite"
)

var today = time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)

func TestPlatformTags(t *testing.T) {
	tags := PlatformTags("2.34", "arm64")
	if tags[0] != "manylinux_2_34_aarch64" || tags[len(tags)-1] != "manylinux2014_aarch64" {
		t.Errorf("python3.12 arm64: %v", tags)
	}
	for _, want := range []string{"manylinux_2_28_aarch64", "manylinux_2_17_aarch64"} {
		if !has(tags, want) {
			t.Errorf("python3.12 arm64: no %s in %v", want, tags)
		}
	}
	tags = PlatformTags("2.26", "x86_64")
	if tags[0] != "manylinux_2_26_x86_64" || has(tags, "manylinux_2_28_x86_64") || !has(tags, "manylinux2014_x86_64") {
		t.Errorf("python3.11 x86_64 (glibc 2.26): %v", tags)
	}
	for _, s := range PlatformTags("2.26", "x86_64") {
		if strings.Contains(s, "aarch64") {
			t.Errorf("x86_64 tags hold %s", s)
		}
	}
	if got := uvPlatform("2.34", "arm64"); got != "aarch64-manylinux_2_34" {
		t.Errorf("uvPlatform 2.34 arm64 = %s", got)
	}
	if got := uvPlatform("2.26", "x86_64"); got != "x86_64-manylinux_2_17" {
		t.Errorf("uvPlatform 2.26 x86_64 = %s", got)
	}
}

// pyFixture writes a layer source and a wheelhouse: a pure wheel, and a compiled one for
// x86_64 and for aarch64.
func pyFixture(t *testing.T) (src, wheels string) {
	t.Helper()
	dir := t.TempDir()
	src, wheels = filepath.Join(dir, "src"), filepath.Join(dir, "wheels")
	iactest.WriteFiles(t, src, map[string]string{
		"shared/__init__.py":                   "from purelib import VALUE\nimport fastlib\n",
		"shared/__pycache__/x.cpython-312.pyc": "junk",
		"helpers.py":                           "def helper():\n    return 1\n",
		"stale.pyc":                            "junk",
		".git/config":                          "[core]\n",
		"requirements.txt":                     "# the layer's dependencies\npurelib==1.0\nfastlib\n",
	})
	writeWheel(t, wheels, "purelib", "1.0", "py3-none-any", map[string]string{"purelib/__init__.py": "VALUE = 1\n"})
	writeWheel(t, wheels, "fastlib", "1.0", "cp312-cp312-manylinux2014_x86_64", map[string]string{
		"fastlib/__init__.py":                           "from ._core import f\n",
		"fastlib/_core.cpython-312-x86_64-linux-gnu.so": "\x7fELF x86_64",
	})
	writeWheel(t, wheels, "fastlib", "1.0", "cp312-cp312-manylinux_2_17_aarch64.manylinux2014_aarch64", map[string]string{
		"fastlib/__init__.py":                            "from ._core import f\n",
		"fastlib/_core.cpython-312-aarch64-linux-gnu.so": "\x7fELF aarch64",
	})
	return src, wheels
}

func pyOptions(t *testing.T, src, wheels, out, arch string) Options {
	return Options{Src: src, Out: out, Runtime: "python3.12", Arch: arch, FindLinks: []string{wheels},
		NoIndex: true, Installer: "pip", Env: hermeticEnv(t), Today: today}
}

// TestBuildReproducible builds the same input twice, with the sources touched in
// between, and compares the bytes.
func TestBuildReproducible(t *testing.T) {
	slowInstall(t)
	needPip(t)
	t.Parallel()
	src, wheels := pyFixture(t)
	out := t.TempDir()
	before := snapshot(t, src)
	r1, err := Run(context.Background(), pyOptions(t, src, wheels, filepath.Join(out, "a", "layer.zip"), "x86_64"))
	if err != nil {
		t.Fatalf("build: %v\n%+v", err, r1)
	}
	if got := snapshot(t, src); got != before {
		t.Errorf("the build changed SRC:\nbefore\n%s\nafter\n%s", before, got)
	}
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(filepath.Join(src, "helpers.py"), later, later); err != nil {
		t.Fatal(err)
	}
	r2, err := Run(context.Background(), pyOptions(t, src, wheels, filepath.Join(out, "b", "layer.zip"), "x86_64"))
	if err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(filepath.Join(out, "a", "layer.zip"))
	b, _ := os.ReadFile(filepath.Join(out, "b", "layer.zip"))
	if !bytes.Equal(a, b) {
		t.Fatalf("two builds of the same input differ (%d and %d bytes)", len(a), len(b))
	}
	sum := sha256.Sum256(a)
	if want := base64.StdEncoding.EncodeToString(sum[:]); r1.SHA256 != want || r2.SHA256 != want {
		t.Errorf("SHA256 %s / %s, want %s", r1.SHA256, r2.SHA256, want)
	}
	t.Logf("CodeSha256 %s (%d bytes)", r1.SHA256, len(a))

	if r1.Prefix != "python/" || !r1.Verified || !r1.Written || len(r1.Findings) != 0 {
		t.Errorf("result: prefix %q verified %v written %v findings %v", r1.Prefix, r1.Verified, r1.Written, r1.Findings)
	}
	if !strings.HasPrefix(r1.Tool, "pip ") || !has(r1.Command, "--only-binary=:all:") || !has(r1.Command, "manylinux_2_34_x86_64") ||
		!has(r1.Command, "--no-index") || !has(r1.Command, "3.12") {
		t.Errorf("tool %q command %v", r1.Tool, r1.Command)
	}
	names := zipNames(t, filepath.Join(out, "a", "layer.zip"))
	for _, want := range []string{"python/", "python/shared/__init__.py", "python/helpers.py",
		"python/purelib/__init__.py", "python/fastlib/_core.cpython-312-x86_64-linux-gnu.so",
		"python/fastlib-1.0.dist-info/RECORD"} {
		if !has(names, want) {
			t.Errorf("no %s in %v", want, names)
		}
	}
	for _, n := range names {
		if strings.Contains(n, "__pycache__") || strings.HasSuffix(n, ".pyc") || strings.Contains(n, ".git/") {
			t.Errorf("%s is in the zip", n)
		}
	}
	zr, err := zip.NewReader(bytes.NewReader(a), int64(len(a)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if !f.Modified.Equal(zipwrite.DefaultTime) || len(f.Extra) > 0 {
			t.Errorf("%s: modified %v, extra %x", f.Name, f.Modified, f.Extra)
		}
	}
	var own, dist bool
	for _, p := range r1.Packages {
		own = own || (p.Own && p.Name == "shared/")
		dist = dist || (!p.Own && p.Name == "fastlib 1.0")
	}
	if !own || !dist {
		t.Errorf("packages: %+v", r1.Packages)
	}
}

// TestBuildArm64 builds for arm64 from a wheelhouse holding both architectures: only the
// aarch64 wheel may get in. A package with an x86_64 wheel only cannot be installed.
func TestBuildArm64(t *testing.T) {
	slowInstall(t)
	needPip(t)
	t.Parallel()
	src, wheels := pyFixture(t)
	out := filepath.Join(t.TempDir(), "layer.zip")
	r, err := Run(context.Background(), pyOptions(t, src, wheels, out, "arm64"))
	if err != nil {
		t.Fatalf("build: %v\n%+v", err, r)
	}
	names := zipNames(t, out)
	if !has(names, "python/fastlib/_core.cpython-312-aarch64-linux-gnu.so") {
		t.Errorf("no aarch64 extension in %v", names)
	}
	for _, n := range names {
		if strings.Contains(n, "x86_64") {
			t.Errorf("x86_64 file in an arm64 layer: %s", n)
		}
	}
	if !has(r.Command, "manylinux_2_34_aarch64") || has(r.Command, "manylinux2014_x86_64") {
		t.Errorf("command %v", r.Command)
	}

	// x86only has no aarch64 wheel: pip finds nothing, the build fails, no zip.
	writeWheel(t, wheels, "x86only", "2.0", "cp312-cp312-manylinux2014_x86_64", map[string]string{
		"x86only/__init__.py": "", "x86only/_c.cpython-312-x86_64-linux-gnu.so": "\x7fELF"})
	req := filepath.Join(t.TempDir(), "requirements.txt")
	iactest.WriteFiles(t, filepath.Dir(req), map[string]string{"requirements.txt": "x86only\n"})
	o := pyOptions(t, src, wheels, filepath.Join(t.TempDir(), "x.zip"), "arm64")
	o.Requirements = req
	_, err = Run(context.Background(), o)
	if err == nil || !strings.Contains(err.Error(), "x86only") || !strings.Contains(err.Error(), "arm64") {
		t.Errorf("want an install error naming x86only and arm64, got %v", err)
	}
	if _, err := os.Stat(o.Out); err == nil {
		t.Errorf("%s written by a failed build", o.Out)
	}
}

// TestBuildVerifyFails: a layer whose own code needs an x86_64 extension, built for
// arm64, fails its check; the zip is not written and nothing is left beside it.
func TestBuildVerifyFails(t *testing.T) {
	src := t.TempDir()
	iactest.WriteFiles(t, src, map[string]string{
		"python/vend/__init__.py":                        "from ._x import y\n",
		"python/vend/_x.cpython-312-x86_64-linux-gnu.so": "\x7fELF",
	})
	outDir := t.TempDir()
	out := filepath.Join(outDir, "layer.zip")
	if err := os.WriteFile(out, []byte("previous"), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := Run(context.Background(), Options{Src: src, Out: out, Runtime: "python3.12", Arch: "arm64", Today: today})
	if !errors.Is(err, ErrVerify) {
		t.Fatalf("want ErrVerify, got %v", err)
	}
	if r.Prefix != "" {
		t.Errorf("SRC has python/: prefix %q, want kept as is", r.Prefix)
	}
	found := false
	for _, f := range r.Findings {
		if f.Code == rulecode.LK302 && f.Severity.String() == "error" {
			found = true
			if !strings.HasPrefix(f.Pos.File, out) && !strings.Contains(f.Pos.File, "layer.zip:python/vend/__init__.py") {
				t.Errorf("LK302 at %q", f.Pos.File)
			}
		}
		if strings.Contains(f.Message, "layerkit-build-") || strings.Contains(f.Message, verifyModule) {
			t.Errorf("message leaks the build's scratch names: %s", f.Message)
		}
	}
	if !found {
		t.Errorf("no LK302 error in %+v", r.Findings)
	}
	if data, _ := os.ReadFile(out); string(data) != "previous" {
		t.Errorf("the previous zip was replaced")
	}
	entries, _ := os.ReadDir(outDir)
	if len(entries) != 1 {
		t.Errorf("left beside the zip: %v", entries)
	}
	// accepted on purpose: written
	o := Options{Src: src, Out: out, Runtime: "python3.12", Arch: "arm64", Today: today, Ignore: []string{"LK302"}}
	if r, err := Run(context.Background(), o); err != nil || !r.Written {
		t.Errorf("with --ignore LK302: %v", err)
	}
}

// TestBuildExclude drops a runtime-provided distribution on purpose and keeps its
// .dist-info.
func TestBuildExclude(t *testing.T) {
	slowInstall(t)
	needPip(t)
	t.Parallel()
	dir := t.TempDir()
	src, wheels := filepath.Join(dir, "src"), filepath.Join(dir, "wheels")
	iactest.WriteFiles(t, src, map[string]string{"requirements.txt": "boto3\nsmall\n", "app_utils.py": "import boto3\n"})
	writeWheel(t, wheels, "boto3", "1.35.0", "py3-none-any", map[string]string{
		"boto3/__init__.py": "", "boto3/session.py": strings.Repeat("# big\n", 1000)})
	writeWheel(t, wheels, "small", "0.1", "py3-none-any", map[string]string{"small.py": ""})
	out := filepath.Join(dir, "out", "layer.zip")
	o := pyOptions(t, src, wheels, out, "x86_64")
	o.Exclude = []string{"Boto3"}
	r, err := Run(context.Background(), o)
	if err != nil {
		t.Fatalf("build: %v\n%+v", err, r)
	}
	names := zipNames(t, out)
	if has(names, "python/boto3/__init__.py") || has(names, "python/boto3/") {
		t.Errorf("boto3 still in %v", names)
	}
	if !has(names, "python/boto3-1.35.0.dist-info/METADATA") || !has(names, "python/small.py") {
		t.Errorf("lost the .dist-info or another package: %v", names)
	}
	if len(r.Excluded) != 1 || r.Excluded[0].Files != 2 || r.Excluded[0].KeptDir != "boto3-1.35.0.dist-info" {
		t.Errorf("excluded: %+v", r.Excluded)
	}
	for _, f := range r.Findings {
		if f.Severity.String() == "error" {
			t.Errorf("finding: %+v", f)
		}
	}

	o.Exclude = []string{"nosuch"}
	o.Out = filepath.Join(dir, "out", "other.zip")
	if _, err := Run(context.Background(), o); !isInputErr(err) || !strings.Contains(err.Error(), "boto3") {
		t.Errorf("--exclude nosuch: %v", err)
	}
}

func isInputErr(err error) bool {
	var ie *InputError
	return errors.As(err, &ie)
}

func TestBuildInputErrors(t *testing.T) {
	src := t.TempDir()
	iactest.WriteFiles(t, src, map[string]string{"mod.py": ""})
	for _, tc := range []struct {
		o    Options
		want string
	}{
		{Options{Src: src, Out: filepath.Join(src, "layer.zip"), Runtime: "python3.12"}, "inside the source folder"},
		{Options{Src: src, Out: filepath.Join(src, "build", "layer.zip"), Runtime: "python3.12"}, "inside the source folder"},
		{Options{Src: src, Out: "x.zip", Runtime: "python2.7"}, "is Python 2.7"},
		{Options{Src: src, Out: "x.zip", Runtime: "java21"}, "is neither"},
		{Options{Src: src, Out: "x.zip", Runtime: "python3.5"}, "unknown runtime"},
		{Options{Src: src, Out: "x.zip", Runtime: "python3.12", Arch: "sparc"}, "x86_64 or arm64"},
		{Options{Src: filepath.Join(src, "nope"), Out: "x.zip", Runtime: "python3.12"}, "no such folder"},
		{Options{Src: src, Out: t.TempDir(), Runtime: "python3.12"}, "is a folder"},
		{Options{Src: src, Out: "x.zip", Runtime: "nodejs20.x", FindLinks: []string{"w"}}, "Python layers"},
		{Options{Src: src, Out: "x.zip", Runtime: "python3.12", Requirements: filepath.Join(src, "nope.txt")}, "no such file"},
		{Options{Src: src, Out: "x.zip", Runtime: "python3.12", FindLinks: []string{filepath.Join(src, "wheels")}, NoIndex: true}, "wheels: no such folder; with --no-index"},
		{Options{Src: src, Out: "x.zip", Runtime: "python3.12", FindLinks: []string{"file://" + filepath.Join(src, "wheels")}}, "no such folder (give the folder"},
	} {
		_, err := Run(context.Background(), tc.o)
		if !isInputErr(err) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: got %v, want an input error with %q", tc.o, err, tc.want)
		}
	}
	if entries, _ := os.ReadDir(src); len(entries) != 1 {
		t.Errorf("something was written into SRC: %v", entries)
	}
}

// TestBuildNoInstaller: requirements but no pip (and no uv) is a clear input error.
func TestBuildNoInstaller(t *testing.T) {
	src := t.TempDir()
	iactest.WriteFiles(t, src, map[string]string{"requirements.txt": "requests\n"})
	empty := t.TempDir()
	o := Options{Src: src, Out: filepath.Join(t.TempDir(), "l.zip"), Runtime: "python3.12", Env: []string{"PATH=" + empty}}
	_, err := Run(context.Background(), o)
	if !isInputErr(err) || !strings.Contains(err.Error(), "neither uv nor pip") {
		t.Errorf("auto without pip or uv: %v", err)
	}
	o.Installer = "uv"
	if _, err := Run(context.Background(), o); !isInputErr(err) || !strings.Contains(err.Error(), "uv is not on PATH") {
		t.Errorf("--installer uv without uv: %v", err)
	}
	// a layer without requirements needs no installer at all
	iactest.WriteFiles(t, src, map[string]string{"requirements.txt": "# nothing yet\n"})
	o.Installer = ""
	if r, err := Run(context.Background(), o); err != nil || !r.Written {
		t.Errorf("no requirements, no installer: %v", err)
	}
}

// TestBuildInterrupted cancels the build while the installer runs: the installer is
// stopped (not waited out, not left running), no zip, nothing left beside it.
func TestBuildInterrupted(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	dir := t.TempDir()
	fake := filepath.Join(dir, "python3")
	// The install writes its pid, sleeps (away from the build's pipes), then would write
	// python3.finished.
	iactest.WriteFiles(t, dir, map[string]string{"python3": "#!/bin/sh\nif [ \"$1\" = -c ]; then echo \"$0\"; echo 99.0; exit 0; fi\necho $$ > \"$0.pid\"\nsleep 30 >/dev/null 2>&1\ntouch \"$0.finished\"\n"})
	if err := os.Chmod(fake, 0o755); err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(dir, "src")
	iactest.WriteFiles(t, src, map[string]string{"requirements.txt": "anything\n", "m.py": ""})
	outDir := filepath.Join(dir, "out")
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	_, err := Run(ctx, Options{Src: src, Out: filepath.Join(outDir, "layer.zip"), Runtime: "python3.12",
		Installer: "pip", Python: fake, Env: os.Environ(), NoIndex: true}) // no index to ask: the fake is what runs
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("want the context's error, got %v", err)
	}
	if _, err := os.Stat(fake + ".finished"); err == nil {
		t.Error("the installer ran to its end: the build waited it out instead of stopping it")
	}
	if b, err := os.ReadFile(fake + ".pid"); err != nil {
		t.Logf("the build was stopped before the installer started (%v)", err)
	} else if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err != nil {
		t.Fatal(err)
	} else if p, err := os.FindProcess(pid); err == nil && p.Signal(syscall.Signal(0)) == nil {
		t.Errorf("the installer (pid %d) is still running after the build returned", pid)
		p.Kill()
	}
	if entries, _ := os.ReadDir(outDir); len(entries) != 0 {
		t.Errorf("left in the output folder: %v", entries)
	}
}

func TestSourceDateEpoch(t *testing.T) {
	src := t.TempDir()
	iactest.WriteFiles(t, src, map[string]string{"python/m.py": "x = 1\n"})
	out := filepath.Join(t.TempDir(), "l.zip")
	when := time.Date(2024, 2, 3, 4, 5, 6, 0, time.UTC)
	if _, err := Run(context.Background(), Options{Src: src, Out: out, Runtime: "python3.13", Modified: when, Today: today}); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.OpenReader(out)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if !f.Modified.Equal(when) {
			t.Errorf("%s: %v, want %v", f.Name, f.Modified, when)
		}
	}
}

// nodeFixture packs two local packages with npm pack and writes a layer source whose
// package.json depends on one and has the other as a devDependency, with a lockfile.
func nodeFixture(t *testing.T, env []string, lock bool) string {
	t.Helper()
	dir := t.TempDir()
	iactest.WriteFiles(t, dir, map[string]string{
		"pkgs/leftpadx/package.json": `{"name": "leftpadx", "version": "1.2.3", "main": "index.js", "bin": {"leftpadx": "cli.js"}}`,
		"pkgs/leftpadx/index.js":     "module.exports = (s) => ' ' + s;\n",
		"pkgs/leftpadx/cli.js":       "#!/usr/bin/env node\nconsole.log(require('.')('x'));\n",
		"pkgs/devdepx/package.json":  `{"name": "devdepx", "version": "0.1.0"}`,
		"pkgs/devdepx/index.js":      "module.exports = 1;\n",
		"src/package.json": `{"name": "mylayer", "version": "1.0.0",
  "dependencies": {"leftpadx": "file:../pkgs/leftpadx-1.2.3.tgz"},
  "devDependencies": {"devdepx": "file:../pkgs/devdepx-0.1.0.tgz"}}`,
		"src/lib/util.js": "module.exports = require('leftpadx');\n",
	})
	npm := func(wd string, args ...string) {
		cmd := exec.Command("npm", args...)
		cmd.Dir, cmd.Env = wd, env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("npm %v: %v\n%s", args, err, out)
		}
	}
	for _, p := range []string{"leftpadx", "devdepx"} {
		npm(filepath.Join(dir, "pkgs", p), "pack", "--pack-destination", filepath.Join(dir, "pkgs"))
	}
	if lock {
		npm(filepath.Join(dir, "src"), "install", "--package-lock-only", "--offline", "--no-audit", "--no-fund")
	}
	return filepath.Join(dir, "src")
}

func TestBuildNode(t *testing.T) {
	slowInstall(t)
	needNpm(t)
	t.Parallel()
	env := hermeticEnv(t)
	src := nodeFixture(t, env, true)
	before := snapshot(t, src)
	out := t.TempDir()
	o := Options{Src: src, Out: filepath.Join(out, "a.zip"), Runtime: "nodejs22.x", Arch: "arm64", NoIndex: true, Env: env, Today: today}
	r, err := Run(context.Background(), o)
	if err != nil {
		t.Fatalf("build: %v\n%+v", err, r)
	}
	if got := snapshot(t, src); got != before {
		t.Errorf("the build changed SRC:\nbefore\n%s\nafter\n%s", before, got)
	}
	if r.Prefix != "nodejs/" || !strings.HasPrefix(r.Tool, "npm ") || r.Command[1] != "ci" || !has(r.Command, "--omit=dev") || !has(r.Command, "--offline") {
		t.Errorf("prefix %q tool %q command %v", r.Prefix, r.Tool, r.Command)
	}
	names := zipNames(t, o.Out)
	for _, want := range []string{"nodejs/package.json", "nodejs/package-lock.json", "nodejs/lib/util.js",
		"nodejs/node_modules/leftpadx/index.js", "nodejs/node_modules/.bin/leftpadx"} {
		if !has(names, want) {
			t.Errorf("no %s in %v", want, names)
		}
	}
	for _, n := range names {
		if strings.Contains(n, "devdepx") || strings.HasSuffix(n, ".package-lock.json") {
			t.Errorf("%s is in the layer", n)
		}
	}
	// the layer keeps SRC's own lockfile, not the rewritten one
	zr, err := zip.OpenReader(o.Out)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name == "nodejs/package-lock.json" {
			rc, _ := f.Open()
			var b bytes.Buffer
			b.ReadFrom(rc)
			rc.Close()
			if want, _ := os.ReadFile(filepath.Join(src, "package-lock.json")); !bytes.Equal(b.Bytes(), want) {
				t.Errorf("the layer's lockfile differs from SRC's")
			}
		}
		if f.Name == "nodejs/node_modules/.bin/leftpadx" && f.Mode() != 0o755 {
			t.Errorf(".bin/leftpadx mode %v", f.Mode())
		}
	}
	zr.Close()

	o.Out = filepath.Join(out, "b.zip")
	r2, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(filepath.Join(out, "a.zip"))
	b, _ := os.ReadFile(filepath.Join(out, "b.zip"))
	if !bytes.Equal(a, b) || r.SHA256 != r2.SHA256 {
		t.Errorf("two builds differ")
	}

	// --exclude drops a package
	o.Out, o.Exclude = filepath.Join(out, "c.zip"), []string{"leftpadx"}
	r3, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if has(zipNames(t, o.Out), "nodejs/node_modules/leftpadx/index.js") || len(r3.Excluded) != 1 || r3.Excluded[0].Name != "leftpadx 1.2.3" {
		t.Errorf("exclude leftpadx: %+v", r3.Excluded)
	}
}

func TestBuildNodeWithoutLockfile(t *testing.T) {
	slowInstall(t)
	needNpm(t)
	t.Parallel()
	env := hermeticEnv(t)
	src := nodeFixture(t, env, false)
	o := Options{Src: src, Out: filepath.Join(t.TempDir(), "l.zip"), Runtime: "nodejs20.x", NoIndex: true, Env: env, Today: today}
	r, err := Run(context.Background(), o)
	if err != nil {
		t.Fatalf("build: %v\n%+v", err, r)
	}
	if r.Command[1] != "install" || !has(r.Command, "--omit=dev") || !has(r.Command, "--cpu=x64") {
		t.Errorf("command %v", r.Command)
	}
	if !strings.Contains(strings.Join(r.Notes, "\n"), "no package-lock.json") {
		t.Errorf("notes %v", r.Notes)
	}
	if names := zipNames(t, o.Out); !has(names, "nodejs/node_modules/leftpadx/index.js") || has(names, "nodejs/package-lock.json") {
		t.Errorf("entries %v", names)
	}
}

// TestBuildVerifyNames: the check of the built layer names what the user gave — the
// output zip, the handler as '<handler>' — through the check's display fields, not by
// rewriting its messages; nothing of the build's scratch folder shows.
func TestBuildVerifyNames(t *testing.T) {
	src := t.TempDir()
	iactest.WriteFiles(t, src, map[string]string{
		"python/vend/__init__.py": "import missingdep\n",
	})
	out := filepath.Join(t.TempDir(), "layer.zip")
	r, err := Run(context.Background(), Options{Src: src, Out: out, Runtime: "python3.12", Arch: "x86_64", Today: today})
	if !errors.Is(err, ErrVerify) {
		t.Fatalf("want ErrVerify, got %v", err)
	}
	var lk101 []finding.Finding
	for _, f := range r.Findings {
		if strings.Contains(f.Message+f.Hint+f.Pos.File, "layerkit-build-") || strings.Contains(f.Message+f.Hint, verifyModule) {
			t.Errorf("finding leaks the build's scratch names: %+v", f)
		}
		if f.Code == rulecode.LK101 {
			lk101 = append(lk101, f)
		}
	}
	if len(lk101) != 1 {
		t.Fatalf("want one LK101, got %+v", r.Findings)
	}
	f := lk101[0]
	if want := filepath.ToSlash(out) + ":python/vend/__init__.py"; f.Pos.File != want || f.Pos.Line != 1 {
		t.Errorf("LK101 at %s:%d, want %s:1", f.Pos.File, f.Pos.Line, want)
	}
	for _, want := range []string{"Unable to import module '<handler>': No module named 'missingdep'", "through <handler> → vend"} {
		if !strings.Contains(f.Message, want) {
			t.Errorf("message does not say %q: %s", want, f.Message)
		}
	}
}

// TestBuildNodeVerify: the built Node.js layer is checked with the Node.js rules as a
// function that imports each of its packages would be: a package whose require is not
// in the layer (LK101), a Mach-O addon (LK304), an ES module package that calls require
// (LK107) each stop the build; a types-only package (nothing to import) and a package
// hidden behind "exports" subpaths are not imported, so they raise nothing.
func TestBuildNodeVerify(t *testing.T) {
	macho, err := os.ReadFile(filepath.Join("..", "native", "testdata", "macho-arm64.so"))
	if err != nil {
		t.Fatal(err)
	}
	good := map[string]string{
		"nodejs/node_modules/ok/package.json":         `{"name": "ok", "version": "1.0.0", "main": "lib/ok.js"}`,
		"nodejs/node_modules/ok/lib/ok.js":            "module.exports = require('./util');\n",
		"nodejs/node_modules/ok/lib/util.js":          "module.exports = 1;\n",
		"nodejs/node_modules/@types/x/package.json":   `{"name": "@types/x", "version": "1.0.0", "types": "index.d.ts"}`,
		"nodejs/node_modules/@types/x/index.d.ts":     "export {};\n",
		"nodejs/node_modules/esm/package.json":        `{"name": "esm", "version": "1.0.0", "type": "module", "exports": {"import": "./index.js"}}`,
		"nodejs/node_modules/esm/index.js":            "export const a = 1;\n",
		"nodejs/node_modules/subonly/package.json":    `{"name": "subonly", "exports": {"./x": "./x.js"}}`,
		"nodejs/node_modules/subonly/x.js":            "module.exports = 1;\n",
		"nodejs/node20/node_modules/v20/package.json": `{"name": "v20", "version": "1.0.0"}`,
		"nodejs/node20/node_modules/v20/index.js":     "module.exports = require('ok');\n",
	}
	build := func(extra map[string]string) (*Result, error) {
		src := t.TempDir()
		iactest.WriteFiles(t, src, good)
		iactest.WriteFiles(t, src, extra)
		return Run(context.Background(), Options{Src: src, Out: filepath.Join(t.TempDir(), "layer.zip"), Runtime: "nodejs20.x", Arch: "x86_64", Today: today})
	}
	r, err := build(nil)
	if err != nil || !r.Written || !r.Verified {
		t.Fatalf("the good layer: %v %+v", err, r)
	}
	for _, f := range r.Findings {
		if f.Severity.String() == "error" {
			t.Errorf("the good layer: %s %s: %s", f.Code, f.Pos.File, f.Message)
		}
	}
	for name, c := range map[string]struct {
		files map[string]string
		code  rulecode.Code
		at    string
	}{
		"missing dependency": {map[string]string{
			"nodejs/node_modules/broken/package.json": `{"name": "broken", "version": "1.0.0"}`,
			"nodejs/node_modules/broken/index.js":     "const x = require('not-installed');\nmodule.exports = x;\n"}, rulecode.LK101, "nodejs/node_modules/broken/index.js"},
		"mac addon": {map[string]string{
			"nodejs/node_modules/fast/package.json":            `{"name": "fast", "version": "1.0.0"}`,
			"nodejs/node_modules/fast/index.js":                "module.exports = require('./build/Release/fast.node');\n",
			"nodejs/node_modules/fast/build/Release/fast.node": string(macho)}, rulecode.LK304, "nodejs/node_modules/fast/index.js"},
		"require in an ES module": {map[string]string{
			"nodejs/node_modules/mixed/package.json": `{"name": "mixed", "version": "1.0.0", "type": "module", "main": "index.js"}`,
			"nodejs/node_modules/mixed/index.js":     "const fs = require('node:fs');\nexport default fs;\n"}, rulecode.LK107, "nodejs/node_modules/mixed/index.js"},
	} {
		r, err := build(c.files)
		if !errors.Is(err, ErrVerify) || r.Written {
			t.Errorf("%s: want ErrVerify and no zip, got %v (written %v)", name, err, r != nil && r.Written)
			continue
		}
		found := false
		for _, f := range r.Findings {
			if f.Code == c.code && f.Severity.String() == "error" && strings.HasSuffix(f.Pos.File, c.at) {
				found = true
			}
			if strings.Contains(f.Message, "layerkit-build-") || strings.Contains(f.Pos.File, "index.mjs") {
				t.Errorf("%s: the build's scratch handler shows: %s %s", name, f.Pos.File, f.Message)
			}
		}
		if !found {
			t.Errorf("%s: no %s error at %s in %+v", name, c.code, c.at, r.Findings)
		}
	}
}
