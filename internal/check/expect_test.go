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
	return f.Code == w.code &&
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

func readFile(p string) string {
	b, err := os.ReadFile(p)
	if err != nil {
		return ""
	}
	return string(b)
}
