package check

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/layerkit/layerkit/internal/finding"
)

// want is one expected finding, in the format of ../shared/cases/*/expect.txt:
// CODE FUNCTION FILE:LINE SEVERITY ("-" any function, "*" any file or severity, line 0 any).
type want struct {
	code, function, file string
	line                 int
	severity             string
}

func (w want) String() string {
	return fmt.Sprintf("%s %s %s:%d %s", w.code, w.function, w.file, w.line, w.severity)
}

func (w want) matches(f finding.Finding) bool {
	return f.Code.String() == w.code &&
		(w.function == "-" || f.Function == w.function) &&
		(w.file == "*" || f.Pos.File == w.file) &&
		(w.line == 0 || f.Pos.Line == w.line) &&
		(w.severity == "*" || f.Severity.String() == w.severity)
}

// parseExpect reads an expect.txt.
func parseExpect(text string) (strict bool, wants []want, err error) {
	sc := bufio.NewScanner(strings.NewReader(text))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if line == "strict" {
			strict = true
			continue
		}
		f := strings.Fields(line)
		if len(f) != 4 {
			return false, nil, fmt.Errorf("line %d: want CODE FUNCTION FILE:LINE SEVERITY, got %q", n, line)
		}
		i := strings.LastIndexByte(f[2], ':')
		if i < 0 {
			return false, nil, fmt.Errorf("line %d: %q has no :LINE", n, f[2])
		}
		ln, err := strconv.Atoi(f[2][i+1:])
		if err != nil {
			return false, nil, fmt.Errorf("line %d: %v", n, err)
		}
		wants = append(wants, want{f[0], f[1], f[2][:i], ln, f[3]})
	}
	return strict, wants, sc.Err()
}

// compare returns what is wrong with findings against the expectation, as the
// acceptance script judges it: every want present; no unlisted error (strict: no
// unlisted finding at all).
func compare(strict bool, wants []want, findings []finding.Finding) []string {
	var problems []string
	used := map[int]bool{}
	for _, w := range wants {
		hit := false
		for i, f := range findings {
			if w.matches(f) {
				used[i] = true
				hit = true
			}
		}
		if !hit {
			problems = append(problems, "missing: "+w.String())
		}
	}
	for i, f := range findings {
		if used[i] {
			continue
		}
		if strict || f.Severity.String() == "error" {
			problems = append(problems, fmt.Sprintf("unexpected: %s %s %s:%d %s %s", f.Code, f.Function, f.Pos.File, f.Pos.Line, f.Severity, f.Message))
		}
	}
	return problems
}

// messageWant is one line of a case's messages.txt:
//
//	CODE FUNCTION FILE:LINE contains TEXT
//	CODE FUNCTION FILE:LINE lacks TEXT
//
// (FUNCTION '-', FILE '*' and LINE 0 match any, as in expect.txt). The findings it
// selects must exist, and each one's message and hint together must contain TEXT (or,
// for lacks, none may). expect.txt cannot say what a finding says; this file can.
type messageWant struct {
	sel      want
	contains bool
	text     string
}

func parseMessages(text string) ([]messageWant, error) {
	var out []messageWant
	for n, raw := range strings.Split(text, "\n") {
		line := strings.TrimSpace(raw)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.SplitN(line, " ", 5)
		if len(f) != 5 || (f[3] != "contains" && f[3] != "lacks") {
			return nil, fmt.Errorf("messages.txt line %d: want CODE FUNCTION FILE:LINE contains|lacks TEXT, got %q", n+1, line)
		}
		_, ws, err := parseExpect(strings.Join(append(f[:3:3], "*"), " "))
		if err != nil || len(ws) != 1 {
			return nil, fmt.Errorf("messages.txt line %d: %v", n+1, err)
		}
		out = append(out, messageWant{ws[0], f[3] == "contains", f[4]})
	}
	return out, nil
}

// compareMessages returns what is wrong with findings against messages.txt.
func compareMessages(wants []messageWant, findings []finding.Finding) []string {
	var problems []string
	for _, w := range wants {
		n := 0
		for _, f := range findings {
			if !w.sel.matches(f) {
				continue
			}
			n++
			if has := strings.Contains(f.Message+"\n"+f.Hint, w.text); has != w.contains {
				verb := "does not contain"
				if has {
					verb = "contains"
				}
				problems = append(problems, fmt.Sprintf("%s %s %s:%d %s %q:\n    %s\n    fix: %s", f.Code, f.Function, f.Pos.File, f.Pos.Line, verb, w.text, f.Message, f.Hint))
			}
		}
		if n == 0 && w.contains {
			problems = append(problems, "no finding for messages.txt line: "+w.sel.String())
		}
	}
	return problems
}

func readFile(p string) string {
	b, err := os.ReadFile(p)
	if err != nil {
		return ""
	}
	return string(b)
}
