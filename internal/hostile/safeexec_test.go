//go:build unix

package hostile

// Hostile inputs of issue 15 items 1, 3 and 4 (build, output escaping, verify), made at
// test time: symlinks to /proc and out of the tree, npm scripts and sdists cannot be
// committed usefully, and the control-character template is written here beside the
// checks that need it. runBinary's checks apply to every run (no crash, RSS, nothing
// written to HOME or TMPDIR).

import (
	"os/exec"
	"path/filepath"
	"regexp"
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
