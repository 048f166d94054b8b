package rulecode

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var kebab = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// TestEveryCodeNamed: every constant is in the names table once, in order, shown as
// LKnnn, with a kebab-case name of its own; Parse reads back what String and Name write.
func TestEveryCodeNamed(t *testing.T) {
	seen := map[string]Code{}
	var prev Code
	for i, c := range All() {
		if i > 0 && c <= prev {
			t.Errorf("%s after %s: the table must be in code order without repeats", c, prev)
		}
		prev = c
		if s := c.String(); !regexp.MustCompile(`^LK[1-9][0-9]{2}$`).MatchString(s) {
			t.Errorf("%d shows as %q, want LKnnn", uint16(c), s)
		}
		n := c.Name()
		if !kebab.MatchString(n) {
			t.Errorf("%s: name %q is not kebab-case", c, n)
		}
		if other, dup := seen[n]; dup {
			t.Errorf("%s and %s share the name %q", other, c, n)
		}
		seen[n] = c
		for _, s := range []string{c.String(), strings.ToLower(c.String()), n} {
			if got, ok := Parse(s); !ok || got != c {
				t.Errorf("Parse(%q) = %s, %v; want %s", s, got, ok, c)
			}
		}
		b, _ := c.MarshalText()
		var back Code
		if err := back.UnmarshalText(b); err != nil || back != c {
			t.Errorf("%s: text round trip gave %s, %v", c, back, err)
		}
	}
	if len(All()) != 33 {
		t.Errorf("%d codes; update this count when adding a rule (and its constant, name and rule file)", len(All()))
	}
	for _, s := range []string{"", "LK", "LK1", "LK112", "LK999", "LK1010", "XX101", "unresolved_import", "101"} {
		if c, ok := Parse(s); ok {
			t.Errorf("Parse(%q) = %s, want not ok", s, c)
		}
	}
	if Code(112).Known() || Code(112).Name() != "" {
		t.Errorf("LK112 is not a rule, yet Known")
	}
	var c Code
	if err := c.UnmarshalText([]byte("LK999")); err == nil {
		t.Errorf("UnmarshalText(LK999) accepted an unknown code")
	}
}

// codeLiteral is a string literal that is (or starts with) a rule code.
var codeLiteral = regexp.MustCompile(`^LK[0-9]`)

// TestNoCodeLiterals: outside this package and the rule files (internal/rules/lk*.go),
// no Go source spells a rule code as a string; they use the constants, so that a
// mistyped code does not compile. Tests and testdata (expected output) are exempt.
func TestNoCodeLiterals(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	files := 0
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel := filepath.ToSlash(strings.TrimPrefix(p, root+string(filepath.Separator)))
		if d.IsDir() {
			switch d.Name() {
			case "testdata", "node_modules", "vendor":
				return filepath.SkipDir
			}
			if strings.HasPrefix(d.Name(), ".") && p != root {
				return filepath.SkipDir
			}
			if rel == "internal/rulecode" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		if dir, base := filepath.Split(rel); dir == "internal/rules/" && strings.HasPrefix(base, "lk") {
			return nil
		}
		files++
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, p, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			if s, err := strconv.Unquote(lit.Value); err == nil && codeLiteral.MatchString(s) {
				t.Errorf("%s: rule code as a string %s; use rulecode.%s", fset.Position(lit.Pos()), lit.Value, s[:min(5, len(s))])
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 50 {
		t.Fatalf("scanned %d Go files under %s; the walk is not seeing the sources", files, root)
	}
}
