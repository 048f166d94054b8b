package filter

import (
	"testing"

	"github.com/layerkit/layerkit/internal/tree"
)

func TestMatch(t *testing.T) {
	tests := []struct {
		pat, name string
		want      bool
	}{
		{"*.py", "a.py", true},
		{"*.py", "x/a.py", false},
		{"**/*.py", "x/a.py", true},
		{"**/*.py", "a.py", true},
		{"node_modules/**", "node_modules/a/b.js", true},
		{"node_modules/**", "src/node_modules/a.js", false},
		{"**/__pycache__/**", "a/__pycache__/x.pyc", true},
		{"tests/*", "tests/t.py", true},
		{"*.{py,txt}", "r.txt", true},
		{"*.{py,txt}", "r.md", false},
		{"./src/*.py", "src/a.py", true},
		{"[", "[", false},
		{"a/b", "a/b", true},
		{"a/b", "a/bc", false},
	}
	for _, tt := range tests {
		if got := Match(tt.pat, tt.name); got != tt.want {
			t.Errorf("Match(%q, %q) = %v, want %v", tt.pat, tt.name, got, tt.want)
		}
	}
}

func TestKeeps(t *testing.T) {
	rules := ParseRules([]string{"!node_modules/**", "node_modules/keep/**", "!tests", "!*.md"})
	tests := map[string]bool{
		"app.py":                   true,
		"node_modules/x/index.js":  false,
		"node_modules/keep/i.js":   true,
		"tests/test_app.py":        false,
		"README.md":                false,
		"docs/README.md":           true,
		"handlers/tests_helper.py": true,
	}
	for name, want := range tests {
		if got := Keeps(rules, name); got != want {
			t.Errorf("Keeps(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestTree(t *testing.T) {
	m := tree.NewMap("svc", map[string]string{
		"app.py":              "x",
		"node_modules/a/i.js": "x",
		"pkg/mod.py":          "x",
		"pkg/mod_test.py":     "x",
	})
	v := Tree(m, func(n string) bool { return Keeps(ParseRules([]string{"!node_modules/**", "!**/*_test.py"}), n) })
	if tree.Exists(v, "node_modules") || tree.Exists(v, "node_modules/a/i.js") {
		t.Error("node_modules should be filtered out")
	}
	if !tree.IsFile(v, "pkg/mod.py") || tree.Exists(v, "pkg/mod_test.py") {
		t.Error("pkg filtering wrong")
	}
	es, err := v.ReadDir("")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name)
	}
	if len(names) != 2 || names[0] != "app.py" || names[1] != "pkg" {
		t.Errorf("ReadDir(\"\") = %v, want [app.py pkg]", names)
	}
	if _, err := v.ReadFile("pkg/mod_test.py"); err == nil {
		t.Error("ReadFile of a filtered file should fail")
	}
	if v.Display("pkg/mod.py") != "svc/pkg/mod.py" {
		t.Errorf("Display = %q", v.Display("pkg/mod.py"))
	}
	o := Only(m, "app.py")
	if es, _ := o.ReadDir(""); len(es) != 1 {
		t.Errorf("Only: %v", es)
	}
}
