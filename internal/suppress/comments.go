package suppress

import (
	"path"
	"regexp"
	"strings"

	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/model"
)

var (
	pyIgnore = regexp.MustCompile(`#\s*layerkit:\s*ignore(-file)?\b(.*)$`)
	jsIgnore = regexp.MustCompile(`//\s*layerkit-ignore(-file)?\b(.*)$`)
	tfIgnore = regexp.MustCompile(`^\s*(?:#|//)\s*layerkit-ignore\b(.*)$`)
)

// ForFile returns the reader of the ignore comments of a source file named name, by its
// extension: Python for .py, JavaScript for .js, .mjs, .cjs and TypeScript; nil for
// a file of another language.
func ForFile(name string) func(text []byte, file string) ([]model.Suppression, error) {
	switch path.Ext(name) {
	case ".py", ".pyi":
		return Python
	case ".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".jsx", ".tsx":
		return JavaScript
	}
	return nil
}

// Python reads the ignores of a Python module, file being how findings name it:
// `# layerkit: ignore[LK101, shadowed-module] -- reason` suppresses findings on its own
// line (the import line the finding points at); `# layerkit: ignore-file[LK101]`, a
// comment line of its own (at the top of the module, by convention), every finding in
// the file. An ignore that names no code or an unknown one is an input error.
func Python(text []byte, file string) ([]model.Suppression, error) {
	var out []model.Suppression
	comments := pyComments(text)
	for i, line := range lines(text) {
		if !strings.Contains(line, "layerkit") {
			continue
		}
		c, ok := comments[i+1]
		if !ok {
			continue // no comment on this line: "layerkit" is in code or a string
		}
		m := pyIgnore.FindStringSubmatch(line[c:])
		if m == nil {
			continue
		}
		pos := model.Pos{File: file, Line: i + 1, Col: c + strings.Index(line[c:], m[0]) + 1}
		rest := strings.TrimSpace(m[2])
		if !strings.HasPrefix(rest, "[") || !strings.Contains(rest, "]") {
			return nil, iac.Errorf(pos, "a layerkit ignore names its codes in brackets: # layerkit: ignore[LK101] -- reason")
		}
		end := strings.Index(rest, "]")
		s, err := parse(rest[1:end], pos)
		if err != nil {
			return nil, err
		}
		s.Reason = reason(rest[end+1:])
		s.File = file
		if m[1] == "" {
			s.Line = i + 1
		}
		out = append(out, s)
	}
	return out, nil
}

// pyComments maps each line (1-based) of Python source holding a comment to the byte
// offset of its "#" in the line: a "#" outside string literals (quoted, triple-quoted,
// with escapes), so that a docstring or string that mentions an ignore is not one.
func pyComments(text []byte) map[int]int {
	out := map[int]int{}
	line, start := 1, 0
	var quote string // the open string's delimiter; "" outside strings
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c == '\n':
			line, start = line+1, i+1
			if len(quote) == 1 {
				quote = "" // an unterminated one-line string ends with its line
			}
		case quote != "" && c == '\\':
			if i+1 < len(text) && text[i+1] == '\n' {
				line, start = line+1, i+2
			}
			i++
		case quote != "":
			if strings.HasPrefix(string(text[i:min(i+3, len(text))]), quote) {
				i += len(quote) - 1
				quote = ""
			}
		case c == '#':
			out[line] = i - start
			for i+1 < len(text) && text[i+1] != '\n' {
				i++
			}
		case c == '"' || c == '\'':
			quote = string(c)
			if i+2 < len(text) && text[i+1] == c && text[i+2] == c {
				quote = strings.Repeat(string(c), 3)
				i += 2
			}
		}
	}
	return out
}

// JavaScript reads the ignores of a JavaScript/TypeScript file (for the Node.js
// resolver): `// layerkit-ignore LK101 -- reason` after code suppresses findings on its
// line; alone on its line, on the next line that is not blank (as eslint's
// disable-next-line); `// layerkit-ignore-file LK101`, every finding in the file.
func JavaScript(text []byte, file string) ([]model.Suppression, error) {
	ls := lines(text)
	var out []model.Suppression
	for i, line := range ls {
		if !strings.Contains(line, "layerkit-ignore") {
			continue
		}
		m := jsIgnore.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		at := strings.Index(line, m[0])
		pos := model.Pos{File: file, Line: i + 1, Col: at + 1}
		s, err := parse(strings.TrimPrefix(strings.TrimSpace(m[2]), ":"), pos)
		if err != nil {
			return nil, err
		}
		s.File = file
		switch {
		case m[1] != "":
		case strings.TrimSpace(line[:at]) != "":
			s.Line = i + 1
		default:
			s.Line = nextCode(ls, i, "//")
		}
		out = append(out, s)
	}
	return out, nil
}

// Terraform reads `# layerkit-ignore LK105 -- reason` (or //) comment lines of a .tf
// file, as tflint's: each returned suppression's Line is the first line after the
// comment that is neither blank nor a comment — the block (or attribute) it is above.
// The loader turns those on a function's or layer's block into ignores of that resource.
func Terraform(text []byte, file string) ([]model.Suppression, error) {
	ls := lines(text)
	var out []model.Suppression
	for i, line := range ls {
		if !strings.Contains(line, "layerkit-ignore") {
			continue
		}
		m := tfIgnore.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		pos := model.Pos{File: file, Line: i + 1, Col: strings.Index(line, "layerkit-ignore") + 1}
		s, err := parse(strings.TrimPrefix(strings.TrimSpace(m[1]), ":"), pos)
		if err != nil {
			return nil, err
		}
		s.File = file
		s.Line = nextCode(ls, i, "#", "//")
		out = append(out, s)
	}
	return out, nil
}

func parse(list string, pos model.Pos) (model.Suppression, error) {
	codes, reason, err := ParseList(list)
	if err != nil {
		return model.Suppression{}, iac.Errorf(pos, "%v", err)
	}
	return model.Suppression{Codes: codes, Reason: reason, Pos: pos}, nil
}

// nextCode is the 1-based number of the first line after ls[i] that is not blank and
// does not start with one of the comment markers; past the end, the line after the last.
func nextCode(ls []string, i int, markers ...string) int {
	for j := i + 1; j < len(ls); j++ {
		t := strings.TrimSpace(ls[j])
		if t == "" {
			continue
		}
		comment := false
		for _, m := range markers {
			if strings.HasPrefix(t, m) {
				comment = true
			}
		}
		if !comment {
			return j + 1
		}
	}
	return len(ls) + 1
}

func lines(text []byte) []string {
	return strings.Split(strings.ReplaceAll(string(text), "\r\n", "\n"), "\n")
}

// reason is the text after "--" up to a further comment ("# ..."); "" when after
// does not start with "--".
func reason(after string) string {
	after = strings.TrimSpace(after)
	if !strings.HasPrefix(after, "--") {
		return ""
	}
	after = after[2:]
	if i := strings.Index(after, " #"); i >= 0 {
		after = after[:i]
	}
	return strings.TrimSpace(after)
}
