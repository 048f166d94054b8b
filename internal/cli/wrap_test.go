package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestCheckWrapsOnTerminal: on a terminal the text report is wrapped to its width (and
// coloured); into a pipe or a file it is not, whatever the width.
func TestCheckWrapsOnTerminal(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"app/template.yaml": "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src/\n      Handler: app.handler\n      Runtime: python3.12\n",
		"app/src/app.py":    "import requests\ndef handler(event, context):\n    return requests\n",
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	env := func(string) string { return "" }
	for _, tc := range []struct {
		tty  bool
		args []string
		wrap bool
	}{
		{true, nil, true},
		{false, nil, false},
		{true, []string{"--output-file", "out.txt"}, false},
	} {
		var out, errb bytes.Buffer
		s := &IO{Out: &out, Err: &errb, Getenv: env, OutTTY: tc.tty, Width: 60}
		if code := Main(append([]string{"check", "app"}, tc.args...), s); code != ExitFindings {
			t.Fatalf("exit %d: %s", code, errb.String())
		}
		text := out.String()
		if len(tc.args) > 0 {
			b, err := os.ReadFile("out.txt")
			if err != nil {
				t.Fatal(err)
			}
			text = string(b)
		}
		if !strings.Contains(text, "app/src/app.py:1:1") {
			t.Fatalf("no finding:\n%s", text)
		}
		widest := 0
		for _, line := range strings.Split(text, "\n") {
			if strings.HasPrefix(line, "    ") {
				widest = max(widest, utf8.RuneCountInString(stripANSI(line)))
			}
		}
		if tc.wrap != (widest <= 60) {
			t.Errorf("tty %v %v: widest message line %d columns:\n%s", tc.tty, tc.args, widest, text)
		}
		if tc.wrap != strings.Contains(text, "\x1b[") {
			t.Errorf("tty %v %v: colour %v", tc.tty, tc.args, strings.Contains(text, "\x1b["))
		}
	}
}

// stripANSI removes the ANSI colour codes (the text report's are SGR: ESC [ ... m).
func stripANSI(s string) string { return sgr.ReplaceAllString(s, "") }

var sgr = regexp.MustCompile("\x1b\\[[0-9;]*m")
