package layermap

import (
	"bytes"
	"strings"
	"testing"
)

// TestGraphEscaping: names from the app cannot end a dot string or a Mermaid label, nor
// add markup to a Mermaid label (Mermaid renders labels as HTML).
func TestGraphEscaping(t *testing.T) {
	evil := "a\"b\\c\n<img src=x onerror=alert(1)>|#`\x1b[31m"
	d := &Data{Functions: []*Function{{Name: evil, Runtime: "python3.12", Arch: "x86_64", Verdict: "error",
		Columns: []Column{{ID: "task", Name: evil, Modules: []Mod{{Name: evil, Wins: true}}},
			{ID: "layer:0", Name: "L", Modules: []Mod{{Name: evil, WonBy: "task"}}}},
		Imports: []Import{{Module: evil, Failed: true}}}}}
	var dot bytes.Buffer
	if err := WriteDot(&dot, d); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(dot.String()), "\n") {
		// every quote inside a label is escaped: outside them, a line is id [attrs];
		unq := unquoted(line)
		if strings.ContainsAny(strings.ReplaceAll(unq, "->", ""), "<>\n\x1b") {
			t.Errorf("dot line leaks: %q", line)
		}
	}
	if !strings.Contains(dot.String(), `label="a\"b\\c\n<img`) {
		t.Errorf("dot label not escaped as expected:\n%s", dot.String())
	}
	if strings.Contains(dot.String(), "\x1b") {
		t.Error("dot output holds an escape character")
	}
	var mm bytes.Buffer
	if err := WriteMermaid(&mm, d); err != nil {
		t.Fatal(err)
	}
	out := mm.String()
	for _, bad := range []string{"<img", "\x1b", "a\"b", "|#`"} {
		if strings.Contains(out, bad) {
			t.Errorf("mermaid output holds %q:\n%s", bad, out)
		}
	}
	if !strings.Contains(out, "a#34;b\\c<br/>#60;img src=x onerror=alert(1)#62;#124;#35;#96;#27;[31m") {
		t.Errorf("mermaid label not escaped as expected:\n%s", out)
	}
	if !strings.Contains(out, "-.->") || !strings.Contains(out, "class n4 shadowed") {
		t.Errorf("the shadowed copy is not drawn dashed:\n%s", out)
	}
}

// unquoted drops the quoted strings of a dot line (with their escapes).
func unquoted(line string) string {
	var b strings.Builder
	in := false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case in && c == '\\':
			i++
		case c == '"':
			in = !in
		case !in:
			b.WriteByte(c)
		}
	}
	return b.String()
}
