package report

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/layerkit/layerkit/internal/finding"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/rulecode"
)

// TestTextWraps: on a terminal (Width set) no message or fix line is wider than the
// terminal, every word is kept in order; without a width each stays on one line.
func TestTextWraps(t *testing.T) {
	msg := "`import requests`: no module named 'requests' on the path of Fn (python3.12); Lambda will fail with Runtime.ImportModuleError: Unable to import module 'app': No module named 'requests'"
	hint := "Nothing on the path provides requests. Declare requests in requirements.txt in src/, or attach a layer that has it under python/."
	in := Input{Findings: []finding.Finding{{Code: rulecode.LK101, Severity: model.Error, Function: "Fn",
		Pos: model.Pos{File: "src/app.py", Line: 1, Col: 1}, Message: msg, Hint: hint}},
		Functions: []FunctionLine{{Name: "Fn", Kind: "sam", Runtime: "python3.12", Arch: "x86_64"}}}
	for _, width := range []int{0, 60, 80} {
		for _, color := range []bool{false, true} {
			in.Width, in.Color = width, color
			var b bytes.Buffer
			if err := Write(&b, "text", in); err != nil {
				t.Fatal(err)
			}
			var body []string
			for _, line := range strings.Split(b.String(), "\n") {
				plain := stripColor(line)
				if width > 0 && utf8.RuneCountInString(plain) > width && strings.HasPrefix(plain, "    ") {
					t.Errorf("width %d: line of %d columns: %q", width, utf8.RuneCountInString(plain), plain)
				}
				if strings.HasPrefix(plain, "    ") {
					body = append(body, strings.TrimSpace(plain))
				}
			}
			if got, want := strings.Join(body, " "), msg+" fix: "+hint; got != want {
				t.Errorf("width %d: words changed:\n%s\nwant\n%s", width, got, want)
			}
			if lines := len(body); (width == 0) != (lines == 2) {
				t.Errorf("width %d: %d message/fix lines", width, lines)
			}
		}
	}
}

// stripColor removes the ANSI colour codes (the text report's are SGR: ESC [ ... m).
func stripColor(s string) string { return sgr.ReplaceAllString(s, "") }

var sgr = regexp.MustCompile("\x1b\\[[0-9;]*m")
