package pyscan

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

func TestTokensCounts(t *testing.T) {
	for _, c := range []struct {
		src         string
		toks, lines int
	}{
		{"", 0, 0},
		{"x = f(1, 'a')\n", 8, 1},
		{"\ufeffif y:  # c\n    z = [1,\n 2]\n", 10, 2},
		{"s = '''a\nb'''\\\n  + rb\"x\"; t = 1\n", 9, 1},
		{"\n\n# only a comment\n", 0, 0},
	} {
		toks, lines := Tokens([]byte(c.src))
		if toks != c.toks || lines != c.lines {
			t.Errorf("Tokens(%q) = %d tokens, %d lines; want %d, %d", c.src, toks, lines, c.toks, c.lines)
		}
	}
}

// TestTokensMatchPython compares Tokens with Python's tokenize module on the small
// generated modules: the tokens that are not layout (NEWLINE, NL, INDENT, DEDENT,
// COMMENT, ENDMARKER), and the logical lines (NEWLINE tokens).
func TestTokensMatchPython(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3")
	}
	const script = `
import io, json, sys, tokenize
for src in json.load(sys.stdin):
    toks = lines = 0
    for tk in tokenize.tokenize(io.BytesIO(src.encode()).readline):
        if tk.type == tokenize.NEWLINE:
            lines += 1
        elif tk.type not in (tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.COMMENT, tokenize.ENDMARKER, tokenize.ENCODING):
            toks += 1
    print(toks, lines)
`
	srcs := smallModules(20)
	in, _ := json.Marshal(func() (s []string) {
		for _, b := range srcs {
			s = append(s, string(b))
		}
		return s
	}())
	cmd := exec.Command(py, "-c", script)
	cmd.Stdin = bytes.NewReader(in)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3: %v", err)
	}
	rows := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(rows) != len(srcs) {
		t.Fatalf("python3 answered %d rows for %d modules", len(rows), len(srcs))
	}
	for i, src := range srcs {
		f := strings.Fields(rows[i])
		wantToks, _ := strconv.Atoi(f[0])
		wantLines, _ := strconv.Atoi(f[1])
		if toks, lines := Tokens(src); toks != wantToks || lines != wantLines {
			t.Errorf("module %d: %d tokens, %d logical lines; python3's tokenize: %d, %d", i, toks, lines, wantToks, wantLines)
		}
	}
}

// BenchmarkTokens is the tokenizing alone of BenchmarkScan's source: what Scan costs
// beyond it is the scanner's own work.
func BenchmarkTokens(b *testing.B) {
	src := benchSource(2000)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		Tokens(src)
	}
}
