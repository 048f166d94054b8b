package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/layerkit/layerkit/internal/verify"
)

// A template whose logical ids, handler and layer name hold newlines, workflow commands
// (::error, ::add-mask::, ::stop-commands::, ##[...]), ESC/OSC sequences, BEL, C1 and
// bidi controls (issue 15.3).
const hostileTemplate = `Transform: AWS::Serverless-2016-10-31
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
  "Lib\r\n::stop-commands::tok":
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: "layer\e]8;;http://x\a/"
`

// rawControl matches a control, C1, bidi or separator character in output.
var rawControl = regexp.MustCompile("[\x00-\x08\x0b-\x1f\x7f\u0080-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]")

// workflowCommand matches a line a GitHub runner reads as a command.
var workflowCommand = regexp.MustCompile(`^[ \t]*::|##\[`)

func TestOutputEscapesInput(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "src"), 0o755)
	os.WriteFile(filepath.Join(dir, "template.yaml"), []byte(hostileTemplate), 0o644)
	os.WriteFile(filepath.Join(dir, "src", "app.py"), []byte("def handler(e, c):\n    pass\n"), 0o644)
	for _, format := range []string{"text", "json", "sarif", "github"} {
		var out, errb bytes.Buffer
		s := &IO{Out: &out, Err: &errb, Getenv: func(k string) string {
			if k == "CLICOLOR_FORCE" && format == "text" {
				return "1" // layerkit's own colours stay; the input's escapes do not
			}
			return ""
		}}
		code := Main([]string{"check", dir, "--format", format, "--fail-on", "never"}, s)
		if code != 0 {
			t.Fatalf("%s: exit %d; stderr:\n%s", format, code, errb.String())
		}
		if !strings.Contains(out.String(), "ContentUri layer") || format != "sarif" && !strings.Contains(out.String(), "pwned") {
			t.Fatalf("%s: the hostile names are not in the output at all:\n%s", format, out.String())
		}
		for name, text := range map[string]string{"stdout": out.String(), "stderr": errb.String()} {
			plain := regexp.MustCompile(`\x1b\[[0-9;]*m`).ReplaceAllString(text, "")
			if m := rawControl.FindString(plain); m != "" {
				t.Errorf("%s %s: raw %q:\n%s", format, name, m, text)
			}
			for _, line := range strings.Split(plain, "\n") {
				if workflowCommand.MatchString(line) && !(format == "github" && name == "stdout" && regexp.MustCompile(`^::(error|warning|notice) file=[^:]*::`).MatchString(line)) {
					t.Errorf("%s %s: a line a runner reads as a command: %q", format, name, line)
				}
			}
		}
		if format == "github" {
			// What a runner parses: the properties up to the next "::", split at ','.
			for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
				if !strings.HasPrefix(line, "::") {
					continue
				}
				end := strings.Index(line[2:], "::") + 2
				_, props, _ := strings.Cut(line[2:end], " ")
				for _, p := range strings.Split(props, ",") {
					k, _, _ := strings.Cut(p, "=")
					if k != "file" && k != "line" && k != "col" && k != "title" {
						t.Errorf("github: the input wrote a property %q: %q", k, line)
					}
				}
			}
		}
	}
}

// TestErrorMessagesEscaped: an input error naming a hostile file is printed inert.
func TestErrorMessagesEscaped(t *testing.T) {
	var out, errb bytes.Buffer
	s := &IO{Out: &out, Err: &errb, Getenv: func(string) string { return "" }}
	Main([]string{"check", "no\n::add-mask::x\x1b]0;t\x07/such"}, s)
	if m := rawControl.FindString(errb.String()); m != "" {
		t.Errorf("stderr: raw %q:\n%s", m, errb.String())
	}
	for _, line := range strings.Split(errb.String(), "\n") {
		if workflowCommand.MatchString(line) {
			t.Errorf("stderr: a workflow command line: %q", line)
		}
	}
}

// TestVerifyOutputEscaped: what the imported code printed reaches the terminal inert.
func TestVerifyOutputEscaped(t *testing.T) {
	rep := &verify.Report{Checked: "t\x1b[2J.yaml", Functions: []verify.Function{{
		Name: "Fn\n::error::x", Runtime: "python3.12", Handler: "app.h\x07", Status: verify.Disagree,
		Interpreter: &verify.Interpreted{Version: "3.12", Fails: true, ErrorType: "Runtime.ImportModuleError",
			Message: "boom\x1b]52;c;ZXZpbA==\x07", Trace: "Traceback\n::add-mask::secret\n",
			Output: "hello\r\n  ::stop-commands::tok\n##[add-mask]y\x9b\u202e\n"},
	}}}
	var b bytes.Buffer
	var s IO
	s.Out = &b
	writeVerifyText(safeOut(&s), rep)
	if m := rawControl.FindString(b.String()); m != "" {
		t.Errorf("raw %q:\n%s", m, b.String())
	}
	for _, line := range strings.Split(b.String(), "\n") {
		if workflowCommand.MatchString(line) {
			t.Errorf("a workflow command line: %q", line)
		}
	}
	if !strings.Contains(b.String(), `hello\r`) {
		t.Errorf("the output is not shown escaped:\n%s", b.String())
	}
}
