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
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
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
