//go:build unix

package hostile

// Hostile inputs of issue 15 items 1, 3 and 4 (build, output escaping, verify), made at
// test time: symlinks to /proc and out of the tree, npm scripts and sdists cannot be
// committed usefully, and the control-character template is written here beside the
// checks that need it. runBinary's checks apply to every run (no crash, RSS, nothing
// written to HOME or TMPDIR).

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// controlTemplate holds, in logical ids, a handler, a layer reference and a path,
// newlines with workflow commands (::error, ::add-mask::, ::stop-commands::, ##[...]),
// ESC/OSC sequences, BEL, C1 CSI and bidi overrides.
const controlTemplate = `Transform: AWS::Serverless-2016-10-31
Resources:
  "Fn\n::error file=evil.py,line=1::pwned\e]0;owned\a":
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: "app.main\n::add-mask::secret\e[2J\x9b31m"
      Runtime: python3.12
      Layers: [!Ref "Lib\r\n::stop-commands::tok"]
  "Two\u202egnp.exe ##[add-mask]x":
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: "  ::warning::x.handler"
      Runtime: python3.12
  Raiser:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: boom.handler
      Runtime: python3.12
  "Lib\r\n::stop-commands::tok":
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: "layer\e]8;;http://x\a/"
`

// boomPy imports fine for layerkit but raises at import, printing hostile output first:
// verify shows the interpreter's message, trace and output.
const boomPy = `import sys
print("\n::add-mask::printed\x1b]0;pwn\x07\x9b\u202e")
sys.stderr.write("##[error]err\r\n  ::stop-commands::x\n")
raise RuntimeError("\x1b]52;c;ZXZpbA==\x07\n::error::raised")
def handler(e, c):
    pass
`

func genControlChars(t testing.TB, p string) {
	writeFile(t, p, "template.yaml", []byte(controlTemplate))
	writeFile(t, p, "src/app.py", []byte("def handler(e, c):\n    pass\n"))
	writeFile(t, p, "src/boom.py", []byte(boomPy))
}

var (
	rawControl      = regexp.MustCompile("[\x00-\x08\x0b-\x1f\x7f\u0080-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
	workflowCommand = regexp.MustCompile(`^[ \t]*::|##\[`)
	annotation      = regexp.MustCompile(`^::(error|warning|notice) file=[^:]*::`)
)

// TestControlCharsInert (15.3): in every format of check, and in verify's text and JSON,
// nothing from the input reaches stdout or stderr raw: no control character, no line a
// GitHub runner reads as a workflow command but layerkit's own annotations.
func TestControlCharsInert(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "control-chars")
	genControlChars(t, dir)
	runs := [][]string{
		{"check", "--format", "text"},
		{"check", "--format", "json"},
		{"check", "--format", "sarif"},
		{"check", "--format", "github"},
		{"check", "no\n::add-mask::x\x1b]0;t\x07/such"},
	}
	if _, err := exec.LookPath("python3"); err == nil {
		runs = append(runs, []string{"verify"}, []string{"verify", "--format", "json"})
	}
	for _, args := range runs {
		res := runBinary(t, dir, args...)
		stdout := res.stdout
		what := "layerkit " + strings.Join(args, " ")
		if args[0] == "verify" && !strings.Contains(stdout, "raised") {
			t.Errorf("%s: the interpreter's message is not shown:\n%s", what, stdout)
		}
		for name, text := range map[string]string{"stdout": stdout, "stderr": res.stderr} {
			if m := rawControl.FindString(text); m != "" {
				t.Errorf("%s: raw %q on %s:\n%s", what, m, name, text)
			}
			for _, line := range strings.Split(text, "\n") {
				if workflowCommand.MatchString(line) && !(name == "stdout" && args[len(args)-1] == "github" && annotation.MatchString(line)) {
					t.Errorf("%s: %s line a runner reads as a command: %q", what, name, line)
				}
			}
		}
	}
}

// secretEnv is in the environment of the build runs: it must appear nowhere in what
// they print or write (a link to /proc/self/environ would carry it).
const secretEnv = "LAYERKIT_HOSTILE_SECRET=s3cr3t-value-from-ci"

// runBuild runs `layerkit build` in dir with a private HOME and npm cache; it checks
// for a crash and for the secret in the output.
func runBuild(t *testing.T, dir string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	home := t.TempDir()
	cmd := exec.Command(bin, append([]string{"build"}, args...)...)
	cmd.Dir = dir
	cmd.Env = []string{"HOME=" + home, "TMPDIR=" + t.TempDir(), "PATH=" + os.Getenv("PATH"), "NO_COLOR=1",
		"npm_config_cache=" + filepath.Join(home, ".npm"), "npm_config_update_notifier=false",
		"PIP_CONFIG_FILE=" + os.DevNull, "PIP_NO_CACHE_DIR=1", secretEnv}
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatal(err)
	}
	what := "layerkit build " + strings.Join(args, " ")
	if crashRE.MatchString(e.String()) {
		t.Errorf("%s: crashed:\n%s", what, e.String())
	}
	secret := strings.SplitN(secretEnv, "=", 2)[1]
	if strings.Contains(o.String()+e.String(), secret) {
		t.Errorf("%s: printed the environment's secret:\n%s%s", what, o.String(), e.String())
	}
	return cmd.ProcessState.ExitCode(), o.String(), e.String()
}

// zipHolds reports whether the zip at p contains s in any entry's name or content.
func zipHolds(t *testing.T, p, s string) bool {
	t.Helper()
	zr, err := zip.OpenReader(p)
	if err != nil {
		return false
	}
	defer zr.Close()
	for _, f := range zr.File {
		if strings.Contains(f.Name, s) {
			return true
		}
		rc, err := f.Open()
		if err != nil {
			continue
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		if bytes.Contains(b, []byte(s)) {
			return true
		}
	}
	return false
}

// TestBuildHostileLayer (15.1): a layer folder with links to /proc/self/environ,
// /etc/passwd and a file outside, a package.json whose scripts write a marker, a
// requirements.txt with --no-binary :all: and ./localpkg (whose setup.py writes a
// marker). Each link is an error naming it (exit 2, no zip, with or without
// --follow-symlinks); no script or build backend runs.
func TestBuildHostileLayer(t *testing.T) {
	work := t.TempDir()
	writeFile(t, work, "outside/key.pem", []byte("PRIVATE KEY\n"))
	for _, c := range []struct{ link, target string }{
		{"environ", "/proc/self/environ"},
		{"mylib/passwd", "/etc/passwd"},
		{"key.pem", "../../outside/key.pem"},
	} {
		for _, follow := range []bool{false, true} {
			layer := filepath.Join(work, "links", strings.ReplaceAll(c.link, "/", "-"), "layer")
			os.RemoveAll(layer)
			writeFile(t, layer, "mylib/__init__.py", []byte("X = 1\n"))
			symlink(t, c.target, filepath.Join(layer, c.link))
			args := []string{"layer", "-o", "../out.zip", "--runtime", "python3.12"}
			if follow {
				args = append(args, "--follow-symlinks")
			}
			code, _, stderr := runBuild(t, filepath.Dir(layer), args...)
			if code != 2 || !strings.Contains(stderr, "layer/"+c.link) || !strings.Contains(stderr, c.target) {
				t.Errorf("%s → %s (follow %v): exit %d, want 2 and the link named; stderr:\n%s", c.link, c.target, follow, code, stderr)
			}
			if _, err := os.Stat(filepath.Join(filepath.Dir(layer), "out.zip")); err == nil {
				t.Errorf("%s: a zip was written", c.link)
			}
		}
	}

	// Python: wheels-only cannot be turned off by the requirements; nothing is built.
	py := filepath.Join(work, "py")
	marker := filepath.Join(work, "setup-py-ran")
	writeFile(t, py, "layer/requirements.txt", []byte("--no-binary :all:\n./localpkg\n"))
	writeFile(t, py, "layer/localpkg/setup.py", []byte("open("+strconv.Quote(marker)+", 'w').close()\nfrom setuptools import setup\nsetup(name='localpkg')\n"))
	writeFile(t, py, "layer/localpkg/pyproject.toml", []byte("[build-system]\nrequires = []\nbuild-backend = 'setuptools.build_meta'\n"))
	code, _, stderr := runBuild(t, py, "layer", "-o", "out.zip", "--runtime", "python3.12", "--no-index")
	if code != 2 || !strings.Contains(stderr, "requirements.txt:1") || !strings.Contains(stderr, "requirements.txt:2") || !strings.Contains(stderr, "--allow-sdist") {
		t.Errorf("sdist lines: exit %d, want 2 naming requirements.txt:1 and :2; stderr:\n%s", code, stderr)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Errorf("localpkg's setup.py ran")
	}

	// Node.js: no lifecycle script of the layer or of a dependency runs.
	if _, err := exec.LookPath("npm"); err != nil {
		t.Logf("npm not on PATH: the scripts case is not run")
		return
	}
	node := filepath.Join(work, "node")
	nodeMarker := filepath.Join(work, "npm-script-ran")
	js := "node -e \\\"require('fs').writeFileSync(" + strings.ReplaceAll(strconv.Quote(nodeMarker), `"`, `'`) + ",'')\\\""
	writeFile(t, node, "layer/package.json", []byte(`{"name": "l", "version": "1.0.0", "scripts": {"preinstall": "`+js+`", "postinstall": "`+js+`", "prepare": "`+js+`"}}`))
	writeFile(t, node, "layer/index.js", []byte("module.exports = 1;\n"))
	writeFile(t, node, "layer/.npmrc", []byte("ignore-scripts=false\n"))
	code, stdout, stderr := runBuild(t, node, "layer", "-o", "out.zip", "--runtime", "nodejs20.x", "--no-index")
	if code != 0 {
		t.Errorf("node layer: exit %d; stderr:\n%s", code, stderr)
	}
	if _, err := os.Stat(nodeMarker); err == nil {
		t.Errorf("an npm script ran")
	}
	if !strings.Contains(stdout, ".npmrc is not used") {
		t.Errorf("no note about .npmrc:\n%s", stdout)
	}
	if zipHolds(t, filepath.Join(node, "out.zip"), strings.SplitN(secretEnv, "=", 2)[1]) {
		t.Errorf("the zip holds the environment's secret")
	}
}

// spyTemplate has one function per containment case of verify (15.4).
const spyTemplate = `Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: python3.11
    CodeUri: src/
Resources:
  Spy:
    Type: AWS::Serverless::Function
    Properties: {Handler: spy.handler}
  Daemon:
    Type: AWS::Serverless::Function
    Properties: {Handler: daemon.handler}
  Forger:
    Type: AWS::Serverless::Function
    Properties: {Handler: forger.handler}
  Writer:
    Type: AWS::Serverless::Function
    Properties: {Handler: writer.handler}
`

// TestVerifyContainment (15.4): the imported code cannot read layerkit's environment
// through its parent, cannot leave a process running (a double-forked setsid() daemon),
// cannot forge a verdict through a file or the pipe's old number, and cannot write
// into the checked folder; a timeout ends the import and what it started.
func TestVerifyContainment(t *testing.T) {
	python := verifyPython(t)
	dir := t.TempDir()
	app := filepath.Join(dir, "app")
	state := filepath.Join(dir, "state") // where the code reports what it did, outside app
	mkdir(t, state)
	writeFile(t, app, "template.yaml", []byte(spyTemplate))
	q := strconv.Quote
	writeFile(t, app, "src/spy.py", []byte(`import os
env = open("/proc/%d/environ" % os.getppid(), "rb").read()
print("PARENT_ENV_HAS_SECRET", b"s3cr3t" in env, "HAS_PATH", b"PATH=" in env)
print("OWN_ENV_HAS_SECRET", b"s3cr3t" in open("/proc/self/environ", "rb").read())
raise RuntimeError("spy done")
def handler(e, c): pass
`))
	writeFile(t, app, "src/daemon.py", []byte(`import os, time
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        open(`+q(filepath.Join(state, "daemon.pid"))+`, "w").write(str(os.getpid()))
        time.sleep(2)
        open(`+q(filepath.Join(state, "daemon-survived"))+`, "w").write("x")
        os._exit(0)
    os._exit(0)
time.sleep(0.3)
def handler(e, c): pass
`))
	writeFile(t, app, "src/forger.py", []byte(`import os, json
fake = json.dumps({"ok": True}).encode()
for d in ("result.json", "../result.json", os.path.join(os.environ["LAMBDA_TASK_ROOT"], "..", "result.json")):
    try: open(d, "w").write(fake.decode())
    except OSError: pass
try:
    os.write(3, fake)
    print("FD3_WRITABLE")
except OSError:
    print("FD3_CLOSED")
for fd in os.listdir("/proc/self/fd"):
    try:
        if os.readlink("/proc/self/fd/" + fd).startswith("pipe:") and int(fd) > 2:
            os.write(int(fd), fake)
            print("WROTE_PIPE", fd)
    except OSError:
        pass
raise RuntimeError("forger fails")
def handler(e, c): pass
`))
	writeFile(t, app, "src/writer.py", []byte(`import os
open("written-here", "w").write("x")
open(os.path.join(os.environ["LAMBDA_TASK_ROOT"], "written-root"), "w").write("x")
open("spy.py", "a").write("# changed")
def handler(e, c): pass
`))
	before := snapshot(t, app)
	res := runBinarySecret(t, app, "verify", "--python", python, "--format", "json")
	if diff := compare(before, snapshot(t, app)); diff != "" {
		t.Errorf("the imported code changed the checked folder: %s", diff)
	}
	out := res.stdout
	if strings.Contains(out, "PARENT_ENV_HAS_SECRET True") || !strings.Contains(out, "PARENT_ENV_HAS_SECRET False HAS_PATH True") || strings.Contains(out, "OWN_ENV_HAS_SECRET True") {
		t.Errorf("the code saw layerkit's environment (or did not run):\n%s", out)
	}
	if !strings.Contains(out, "FD3_CLOSED") {
		t.Errorf("the verdict pipe is still fd 3 when user code runs:\n%s", out)
	}
	checkSpyReport(t, out, state)
}

// checkSpyReport checks verify's JSON report out on the spy apps (Forger, Daemon,
// Writer) and that the daemon the Daemon function started (its pid in state) is gone.
func checkSpyReport(t *testing.T, out, state string) {
	t.Helper()
	var rep struct {
		Functions []struct {
			Function, Status, Reason string
			Interpreter              *struct{ Fails bool }
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, f := range rep.Functions {
		t.Logf("%s: %s %s", f.Function, f.Status, f.Reason)
		switch f.Function {
		case "Forger":
			// It wrote a fake verdict on the pipe, then the harness wrote the real one:
			// two verdicts, none taken. Never "imports".
			if f.Status == "agree" || f.Interpreter != nil && !f.Interpreter.Fails && f.Status != "error" {
				t.Errorf("Forger: %+v: a forged verdict was taken", f)
			}
		case "Daemon", "Writer":
			if f.Status != "agree" {
				t.Errorf("%s: %+v, want agree", f.Function, f)
			}
		}
	}
	time.Sleep(2500 * time.Millisecond) // past the daemon's 2 s
	if _, err := os.Stat(filepath.Join(state, "daemon-survived")); err == nil {
		t.Errorf("a double-forked setsid() daemon outlived verify")
	}
	if b, err := os.ReadFile(filepath.Join(state, "daemon.pid")); err != nil {
		t.Errorf("the daemon did not start: %v", err)
	} else if pid, _ := strconv.Atoi(string(b)); pid > 0 && syscall.Kill(pid, 0) == nil {
		t.Errorf("the daemon (pid %d) is still running", pid)
		syscall.Kill(pid, syscall.SIGKILL)
	}
}

// TestVerifyTimeoutAndSize (15.4): a timeout ends the import and every process it
// started; --max-materialize caps what verify writes.
func TestVerifyTimeoutAndSize(t *testing.T) {
	python := verifyPython(t)
	dir := t.TempDir()
	app := filepath.Join(dir, "app")
	pidFile := filepath.Join(dir, "child.pid")
	writeFile(t, app, "template.yaml", []byte(strings.SplitN(spyTemplate, "  Spy:", 2)[0]+"  Hang:\n    Type: AWS::Serverless::Function\n    Properties: {Handler: hang.handler}\n"))
	writeFile(t, app, "src/hang.py", []byte(`import os, subprocess, time
p = subprocess.Popen(["sleep", "60"], start_new_session=True)
open(`+strconv.Quote(pidFile)+`, "w").write(str(p.pid))
time.sleep(60)
def handler(e, c): pass
`))
	start := time.Now()
	res := runBinary(t, app, "verify", "--python", python, "--timeout", "4s")
	if res.exit != 1 || !strings.Contains(res.stdout, "--timeout") {
		t.Errorf("exit %d, want 1 and the timeout named:\n%s", res.exit, res.stdout)
	}
	if d := time.Since(start); d > 15*time.Second {
		t.Errorf("verify took %v", d)
	}
	if b, err := os.ReadFile(pidFile); err != nil {
		t.Errorf("the child did not start: %v", err)
	} else if pid, _ := strconv.Atoi(string(b)); pid > 0 && syscall.Kill(pid, 0) == nil {
		t.Errorf("the import's child (pid %d, own session) outlived the timeout", pid)
		syscall.Kill(pid, syscall.SIGKILL)
	}

	big := filepath.Join(dir, "big")
	writeFile(t, big, "template.yaml", []byte(strings.SplitN(spyTemplate, "  Spy:", 2)[0]+"  Big:\n    Type: AWS::Serverless::Function\n    Properties: {Handler: app.handler}\n"))
	writeFile(t, big, "src/app.py", []byte("def handler(e, c): pass\n"))
	writeFile(t, big, "src/blob.bin", bytes.Repeat([]byte("x"), 3<<20))
	res = runBinary(t, big, "verify", "--python", python, "--max-materialize", "1")
	if res.exit != 1 || !strings.Contains(res.stdout, "--max-materialize") {
		t.Errorf("--max-materialize 1 with a 3 MiB package: exit %d:\n%s", res.exit, res.stdout)
	}
}

// runBinarySecret is runBinary with secretEnv in layerkit's environment.
func runBinarySecret(t *testing.T, dir string, args ...string) result {
	t.Helper()
	t.Setenv("LAYERKIT_HOSTILE_SECRET", strings.SplitN(secretEnv, "=", 2)[1])
	return runBinary(t, dir, args...)
}

// verifyPython is the interpreter the verify tests run: python3.11 (the functions'
// runtime), else python3 (verify then notes the version differs).
func verifyPython(t *testing.T) string {
	for _, name := range []string{"python3.11", "python3"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no python3 on PATH (CI is set)")
	}
	t.Skip("no python3 on PATH")
	return ""
}

// landlockAvailable reports whether this kernel offers Landlock (verify's write
// restriction, internal/verify/landlock_linux.go).
func landlockAvailable() bool {
	if runtime.GOOS != "linux" {
		return false
	}
	abi, _, errno := syscall.Syscall(444, 0, 0, 1) // landlock_create_ruleset(NULL, 0, VERSION)
	return errno == 0 && int(abi) >= 1
}

// TestVerifyCannotWriteCheckedFolder (15.4): with Landlock, the imported code cannot
// write the checked folder even by its absolute path (the folder is made outside /tmp,
// which stays writable as on Lambda), nor create files beside it; it can write its HOME,
// the task copy and /tmp.
func TestVerifyCannotWriteCheckedFolder(t *testing.T) {
	if !landlockAvailable() {
		t.Skip("no Landlock on this kernel: verify cannot restrict writes (the copy still protects the checked folder from relative writes)")
	}
	python := verifyPython(t)
	base := "/var/tmp"
	if st, err := os.Stat(base); err != nil || !st.IsDir() {
		t.Skip("no /var/tmp")
	}
	dir, err := os.MkdirTemp(base, "layerkit-hostile-")
	if err != nil {
		t.Skip(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	app := filepath.Join(dir, "app")
	writeFile(t, app, "template.yaml", []byte(strings.SplitN(spyTemplate, "  Spy:", 2)[0]+"  Writer:\n    Type: AWS::Serverless::Function\n    Properties: {Handler: writer.handler}\n"))
	writeFile(t, app, "src/writer.py", []byte(`import os
for p in (`+strconv.Quote(filepath.Join(app, "src", "writer.py"))+`, `+strconv.Quote(filepath.Join(app, "pwned"))+`, `+strconv.Quote(filepath.Join(dir, "pwned"))+`,
          os.path.join(os.environ["HOME"], "ok"), "ok-task"):
    try:
        open(p, "a").write("x")
        print("WROTE", p)
    except OSError as e:
        print("DENIED", p)
try:
    os.rename(`+strconv.Quote(filepath.Join(app, "template.yaml"))+`, "stolen.yaml")
    print("WROTE rename")
except OSError:
    print("DENIED rename")
raise RuntimeError("show the output")
def handler(e, c): pass
`))
	before := snapshot(t, dir)
	res := runBinary(t, app, "verify", "--python", python)
	if diff := compare(before, snapshot(t, dir)); diff != "" {
		t.Errorf("the imported code changed the checked folder or its parent: %s\n%s", diff, res.stdout)
	}
	for _, want := range []string{"DENIED " + filepath.Join(app, "src", "writer.py"), "DENIED " + filepath.Join(app, "pwned"),
		"DENIED " + filepath.Join(dir, "pwned"), "DENIED rename", "WROTE ok-task"} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("no %q in the output:\n%s", want, res.stdout)
		}
	}
}
