package layerbuild

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/layerkit/layerkit/internal/iac/iactest"
)

// Issue 15.1: build reads nothing outside its source folder and runs none of its code.

// pySource writes a layer source with one module; no requirements (no installer runs).
func pySource(t *testing.T) (dir, src string) {
	t.Helper()
	dir = t.TempDir()
	src = filepath.Join(dir, "src")
	iactest.WriteFiles(t, src, map[string]string{"mylib/__init__.py": "X = 1\n"})
	iactest.WriteFiles(t, dir, map[string]string{"outside/secret.txt": "SECRET\n"})
	return dir, src
}

func buildPy(t *testing.T, src, out string, follow bool) (*Result, error) {
	t.Helper()
	return Run(context.Background(), Options{Src: src, Out: out, Runtime: "python3.12", Env: os.Environ(),
		Today: today, FollowSymlinks: follow, Installer: "pip"})
}

// TestBuildSymlinksLeavingSource: a link to /proc/self/environ, /etc/passwd, a file or
// a folder outside SRC is an error naming the link, with or without --follow-symlinks;
// no zip is written.
func TestBuildSymlinksLeavingSource(t *testing.T) {
	for _, c := range []struct{ name, target string }{
		{"mylib/environ", "/proc/self/environ"},
		{"passwd", "/etc/passwd"},
		{"mylib/secret.txt", "../../outside/secret.txt"},
		{"outside-dir", "../outside"},
		{"root", "/"},
		{"dev-zero", "/dev/zero"},
	} {
		for _, follow := range []bool{false, true} {
			dir, src := pySource(t)
			if err := os.Symlink(c.target, filepath.Join(src, c.name)); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(dir, "out.zip")
			_, err := buildPy(t, src, out, follow)
			var se *SymlinkError
			var ie *InputError
			if !errors.As(err, &se) || !errors.As(err, &ie) {
				t.Errorf("%s → %s (follow %v): %v, want a *SymlinkError as an input error", c.name, c.target, follow, err)
				continue
			}
			if !strings.Contains(err.Error(), filepath.ToSlash(filepath.Join(src, c.name))) || !strings.Contains(err.Error(), c.target) {
				t.Errorf("%s: the error does not name the link and its target: %v", c.name, err)
			}
			if follow && !strings.Contains(err.Error(), "leaves") {
				t.Errorf("%s with --follow-symlinks: %v, want 'leaves'", c.name, err)
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("%s: a zip was written", c.name)
			}
		}
	}
}

// TestBuildSymlinksInside: a link inside SRC is an error by default; with
// --follow-symlinks its target is copied (as a file, not a link).
func TestBuildSymlinksInside(t *testing.T) {
	dir, src := pySource(t)
	if err := os.Symlink("mylib", filepath.Join(src, "alias")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("__init__.py", filepath.Join(src, "mylib", "again.py")); err != nil {
		t.Fatal(err)
	}
	var se *SymlinkError
	if _, err := buildPy(t, src, filepath.Join(dir, "a.zip"), false); !errors.As(err, &se) || !strings.Contains(err.Error(), "--follow-symlinks") {
		t.Errorf("an inside link without --follow-symlinks: %v, want an error naming the flag", err)
	}
	r, err := buildPy(t, src, filepath.Join(dir, "b.zip"), true)
	if err != nil {
		t.Fatal(err)
	}
	names := zipNames(t, r.Out)
	for _, want := range []string{"python/alias/__init__.py", "python/mylib/again.py"} {
		if !has(names, want) {
			t.Errorf("no %s in %v", want, names)
		}
	}
	// a loop through links inside SRC is an error, not a hang
	if err := os.Symlink("..", filepath.Join(src, "mylib", "up")); err != nil {
		t.Fatal(err)
	}
	if _, err := buildPy(t, src, filepath.Join(dir, "c.zip"), true); !errors.As(err, &se) || !strings.Contains(err.Error(), "loop") {
		t.Errorf("a link loop: %v", err)
	}
}

// TestBuildSpecialFiles: a FIFO in SRC is not read (no hang) nor packaged, and a note
// says so; SRC in /proc, /dev or /sys is refused.
func TestBuildSpecialFiles(t *testing.T) {
	dir, src := pySource(t)
	if err := syscall.Mkfifo(filepath.Join(src, "mylib", "pipe.py"), 0o644); err != nil {
		t.Skip(err)
	}
	r, err := buildPy(t, src, filepath.Join(dir, "a.zip"), false)
	if err != nil {
		t.Fatal(err)
	}
	if has(zipNames(t, r.Out), "python/mylib/pipe.py") || !strings.Contains(strings.Join(r.Notes, "\n"), "special file") {
		t.Errorf("FIFO: names %v notes %v", zipNames(t, r.Out), r.Notes)
	}
	for _, p := range []string{"/proc/self/fdinfo", "/dev", "/sys/kernel"} {
		if _, err := os.Stat(p); err != nil {
			continue
		}
		_, err := buildPy(t, p, filepath.Join(dir, "sys.zip"), false)
		var ie *InputError
		if !errors.As(err, &ie) || !strings.Contains(err.Error(), "never reads") {
			t.Errorf("SRC %s: %v, want an input error", p, err)
		}
	}
}

// TestBuildRequirementsLink: SRC/requirements.txt linking to /proc/self/environ is not
// read (it would reach pip's error output).
func TestBuildRequirementsLink(t *testing.T) {
	for _, follow := range []bool{false, true} {
		dir, src := pySource(t)
		if err := os.Symlink("/proc/self/environ", filepath.Join(src, "requirements.txt")); err != nil {
			t.Fatal(err)
		}
		_, err := buildPy(t, src, filepath.Join(dir, "a.zip"), follow)
		var se *SymlinkError
		if !errors.As(err, &se) || !strings.Contains(err.Error(), "requirements.txt") {
			t.Errorf("follow %v: %v, want a *SymlinkError naming requirements.txt", follow, err)
		}
	}
}

// TestCheckRequirements: every line that would make pip or uv build from source is
// refused with file:line, in the file and in what it includes; wheels and plain names
// pass.
func TestCheckRequirements(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	iactest.WriteFiles(t, dir, map[string]string{
		"src/requirements.txt": strings.Join([]string{
			"# comment --no-binary :all:",                // 1: a comment
			"requests==2.32.0",                           // 2
			"--no-binary :all:",                          // 3
			"./localpkg",                                 // 4
			"-e ./editable",                              // 5
			"git+https://example.com/x.git",              // 6
			"pkg @ git+ssh://example.com/y",              // 7
			"https://example.com/x-1.0.tar.gz",           // 8
			"https://example.com/x-1.0-py3-none-any.whl", // 9: a wheel
			"wheels/z-1.0-py3-none-any.whl",              // 10: a local wheel
			"numpy>=2 ; python_version >= \"3.9\"",       // 11
			"--only-binary=:none:",                       // 12
			"localpkg-1.0.tar.gz",                        // 13
			"-r more.txt",                                // 14
			"-c ../outside.txt",                          // 15
			"boto3 \\",                                   // 16: continued
			"  --hash=sha256:abc",                        // 17
			"--no-binary=numpy",                          // 18
			"--editable=.",                               // 19
			"-rhttps://example.com/r.txt",                // 20
			"file:///tmp/pkg",                            // 21
			"pkg[extra] @ https://example.com/p-1.0-cp312-cp312-manylinux2014_x86_64.whl", // 22: a wheel
			"pkg2 @ file:///abs/path/pkg2",             // 23
			"--find-links ../wheels-outside",           // 24
			"-f wheels",                                // 25: inside
			"../wheels-outside/w-1.0-py3-none-any.whl", // 26
		}, "\n") + "\n",
		"src/more.txt":                          "--no-binary :all:\nsix\n-r requirements.txt\n",
		"outside.txt":                           "x==1\n",
		"wheels-outside/w-1.0-py3-none-any.whl": "zip",
		"src/wheels/z-1.0-py3-none-any.whl":     "zip",
	})
	b := &builder{o: Options{Src: src}, src: src}
	data, _ := os.ReadFile(filepath.Join(src, "requirements.txt"))
	err := b.checkRequirements(filepath.Join(src, "requirements.txt"), data)
	var bc *BuildCodeError
	if !errors.As(err, &bc) {
		t.Fatalf("got %v, want a *BuildCodeError", err)
	}
	got := map[string]bool{}
	for _, p := range bc.Problems {
		got[filepath.Base(p.File)+":"+itoa(p.Line)] = true
	}
	want := []string{"requirements.txt:3", "requirements.txt:4", "requirements.txt:5", "requirements.txt:6",
		"requirements.txt:7", "requirements.txt:8", "requirements.txt:12", "requirements.txt:13",
		"requirements.txt:15", "requirements.txt:18", "requirements.txt:19", "requirements.txt:20",
		"requirements.txt:21", "requirements.txt:23", "requirements.txt:24", "requirements.txt:26", "more.txt:1"}
	for _, w := range want {
		if !got[w] {
			t.Errorf("no problem at %s; got %v", w, got)
		}
		delete(got, w)
	}
	for g := range got {
		t.Errorf("a problem at %s, a line that builds nothing:\n%v", g, err)
	}
	if !strings.Contains(err.Error(), "--allow-sdist") || !strings.Contains(err.Error(), "requirements.txt:3: --no-binary :all:") {
		t.Errorf("message:\n%v", err)
	}
	// A clean file passes.
	if err := b.checkRequirements(filepath.Join(src, "ok.txt"), []byte("requests\nnumpy==2.1 --hash=sha256:x\n--only-binary :all:\n--index-url https://pypi.org/simple\n")); err != nil {
		t.Errorf("clean file: %v", err)
	}
}

func itoa(n int) string {
	s := ""
	for {
		s = string(rune('0'+n%10)) + s
		n /= 10
		if n == 0 {
			return s
		}
	}
}

// TestBuildRefusesSdistLines: a requirements.txt with --no-binary :all: and ./localpkg
// fails before any installer runs (the fake python would leave a marker), naming
// file:line, as an input error; --allow-sdist lets it through to the installer.
func TestBuildRefusesSdistLines(t *testing.T) {
	dir, src := pySource(t)
	marker := filepath.Join(dir, "ran")
	fake := filepath.Join(dir, "python3")
	iactest.WriteFiles(t, dir, map[string]string{"python3": "#!/bin/sh\ntouch " + marker + "\nif [ \"$1\" = -c ]; then echo \"$0\"; echo 99.0; echo 12; exit 0; fi\nexit 1\n"})
	os.Chmod(fake, 0o755)
	iactest.WriteFiles(t, src, map[string]string{"requirements.txt": "--no-binary :all:\n./localpkg\n", "localpkg/setup.py": "open('/tmp/pwned','w')\n"})
	// NoIndex: the fake installer needs no index (none is asked, whatever the network).
	o := Options{Src: src, Out: filepath.Join(dir, "a.zip"), Runtime: "python3.12", Installer: "pip", Python: fake, Env: os.Environ(), Today: today, NoIndex: true}
	_, err := Run(context.Background(), o)
	var ie *InputError
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), "requirements.txt:1") || !strings.Contains(err.Error(), "requirements.txt:2") {
		t.Errorf("got %v, want an input error naming requirements.txt:1 and :2", err)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Errorf("an installer ran")
	}
	o.AllowSdist = true
	if _, err := Run(context.Background(), o); err == nil || errors.As(err, &ie) {
		t.Errorf("--allow-sdist: %v, want the (fake) installer's failure", err)
	}
	if _, err := os.Stat(marker); err != nil {
		t.Errorf("--allow-sdist: the installer did not run")
	}
}

// TestBuildNodeRunsNoScripts: neither the layer's own lifecycle scripts (preinstall,
// install, postinstall, prepare) nor a dependency's postinstall run, and SRC's .npmrc
// is not used unless --use-npmrc.
func TestBuildNodeRunsNoScripts(t *testing.T) {
	slowInstall(t)
	needNpm(t)
	t.Parallel()
	env := hermeticEnv(t)
	src := nodeFixture(t, env, false)
	dir := filepath.Dir(src)
	marker := filepath.Join(dir, "markers")
	os.Mkdir(marker, 0o755)
	script := func(name string) string {
		return "node -e \\\"require('fs').writeFileSync('" + filepath.Join(marker, name) + "','')\\\""
	}
	iactest.WriteFiles(t, dir, map[string]string{
		"pkgs/evil/package.json": `{"name": "evil", "version": "1.0.0", "scripts": {"postinstall": "` + script("dep-postinstall") + `", "install": "` + script("dep-install") + `"}}`,
		"pkgs/evil/index.js":     "module.exports = 1;\n",
	})
	cmd := execIn(filepath.Join(dir, "pkgs", "evil"), env, "npm", "pack", "--pack-destination", filepath.Join(dir, "pkgs"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm pack: %v\n%s", err, out)
	}
	iactest.WriteFiles(t, src, map[string]string{
		"package.json": `{"name": "mylayer", "version": "1.0.0",
  "scripts": {"preinstall": "` + script("preinstall") + `", "install": "` + script("install") + `",
              "postinstall": "` + script("postinstall") + `", "prepare": "` + script("prepare") + `"},
  "dependencies": {"leftpadx": "file:../pkgs/leftpadx-1.2.3.tgz", "evil": "file:../pkgs/evil-1.0.0.tgz"}}`,
		".npmrc": "bin-links=false\n",
	})
	o := Options{Src: src, Out: filepath.Join(dir, "a.zip"), Runtime: "nodejs22.x", NoIndex: true, Env: env, Today: today}
	r, err := Run(context.Background(), o)
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	if entries, _ := os.ReadDir(marker); len(entries) > 0 {
		t.Errorf("scripts ran: %v", entries)
	}
	if !has(r.Command, "--ignore-scripts") {
		t.Errorf("command %v", r.Command)
	}
	// .npmrc's bin-links=false was not applied: the .bin link is there; a note says why.
	if names := zipNames(t, r.Out); !has(names, "nodejs/node_modules/.bin/leftpadx") || !has(names, "nodejs/node_modules/evil/index.js") {
		t.Errorf("names %v", names)
	}
	if !strings.Contains(strings.Join(r.Notes, "\n"), ".npmrc is not used") {
		t.Errorf("notes %v", r.Notes)
	}
	o.UseNpmrc, o.Out = true, filepath.Join(dir, "b.zip")
	r, err = Run(context.Background(), o)
	if err != nil {
		t.Fatalf("build --use-npmrc: %v", err)
	}
	if has(zipNames(t, r.Out), "nodejs/node_modules/.bin/leftpadx") {
		t.Errorf("--use-npmrc: .npmrc's bin-links=false not applied")
	}
	if entries, _ := os.ReadDir(marker); len(entries) > 0 {
		t.Errorf("--use-npmrc: scripts ran: %v", entries)
	}
}

// TestBuildIgnoresCurrentFolder: a pip package (or pip.py) in the current folder — a
// repository's root in CI — is not what `python -m pip` runs.
func TestBuildIgnoresCurrentFolder(t *testing.T) {
	needPip(t)
	src, wheels := pyFixture(t)
	cwd := t.TempDir()
	marker := filepath.Join(cwd, "pwned")
	code := "open(" + strconvQuote(marker) + ", 'w').close()\n"
	iactest.WriteFiles(t, cwd, map[string]string{"pip/__init__.py": code, "pip/__main__.py": code, "sitecustomize.py": code})
	t.Chdir(cwd)
	_, err := Run(context.Background(), pyOptions(t, src, wheels, filepath.Join(t.TempDir(), "a.zip"), "x86_64"))
	if _, serr := os.Stat(marker); serr == nil {
		t.Errorf("the current folder's pip ran")
	}
	if err != nil {
		t.Fatalf("build: %v", err)
	}
}

func strconvQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", "\\'") + "'" }

// FuzzCheckRequirements: any requirements file is scanned without panicking, and every
// problem names a line of the file it is about.
func FuzzCheckRequirements(f *testing.F) {
	for _, s := range []string{
		"requests==2.32\n--no-binary :all:\n./localpkg\n",
		"-e .\ngit+https://x/y.git\npkg @ https://x/p-1.0.tar.gz\n",
		"a \\\n  --hash=sha256:x\n# c\n--only-binary=:none:\n",
		"-r more.txt\n-c ../x.txt\n-rhttps://x/r.txt\n-f /proc\n",
		"\ufeffpkg; python_version<'3'\r\nfile:///tmp/x\n\\",
	} {
		f.Add(s)
	}
	dir := f.TempDir()
	os.WriteFile(filepath.Join(dir, "more.txt"), []byte("--no-binary x\n-r requirements.txt\n"), 0o644)
	b := &builder{o: Options{Src: dir}, src: dir}
	f.Fuzz(func(t *testing.T, s string) {
		req := filepath.Join(dir, "requirements.txt")
		err := b.checkRequirements(req, []byte(s))
		var bc *BuildCodeError
		if err != nil && !errors.As(err, &bc) {
			t.Fatalf("%q: %v", s, err)
		}
		if bc == nil {
			return
		}
		lines := strings.Count(s, "\n") + 1
		for _, p := range bc.Problems {
			if p.File == req && (p.Line < 1 || p.Line > lines) {
				t.Fatalf("%q: problem at line %d of %d: %v", s, p.Line, lines, p)
			}
		}
	})
}
