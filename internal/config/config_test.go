package config

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/layerkit/layerkit/internal/finding"
	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/rulecode"
)

const full = `select = ["LK101", "deprecated-runtime", "LK104"]
ignore = ["LK104"]
fail-on = "warning"
exclude = ["examples"]
today = 2026-11-22
report-unused-ignores = true
severity = { deprecated-runtime = "error" }

[per-function-ignores]
Legacy = ["unresolved-import"]

[per-path-ignores]
"src/vendored/*" = ["LK101"]
`

func TestParse(t *testing.T) {
	c, err := Parse(".layerkit.toml", []byte(full))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Select) != 3 || c.Select[1] != rulecode.LK405 || c.FailOn != "warning" || !c.Today.Equal(time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)) ||
		c.Severity[rulecode.LK405] != model.Error || c.PerFunction["Legacy"][0] != rulecode.LK101 || !*c.ReportUnusedIgnores {
		t.Errorf("%+v", c)
	}
	p := Merge(c, Flags{}, c.Dir)
	fs := []finding.Finding{
		{Code: rulecode.LK101, Function: "Fn", Pos: model.Pos{File: "src/app.py", Line: 1}},
		{Code: rulecode.LK101, Function: "Legacy", Pos: model.Pos{File: "legacy/app.py", Line: 1}},
		{Code: rulecode.LK101, Function: "Fn", Pos: model.Pos{File: "src/vendored/x/y.py", Line: 1}},
		{Code: rulecode.LK104, Function: "Fn", Pos: model.Pos{File: "src/app.py", Line: 2}},
		{Code: rulecode.LK405, Severity: model.Warning, Function: "Fn", Pos: model.Pos{File: "template.yaml", Line: 2}},
		{Code: rulecode.LK106, Function: "Fn", Pos: model.Pos{File: "src/app.py", Line: 3}},
	}
	got := p.Apply(fs)
	if len(got) != 2 || got[0].Pos.File != "src/app.py" || got[1].Code != rulecode.LK405 || got[1].Severity != model.Error {
		t.Errorf("got %+v", got)
	}
	// --select on the command line replaces the file's.
	p = Merge(c, Flags{Select: []rulecode.Code{rulecode.LK106}}, c.Dir)
	if got := p.Apply(fs); len(got) != 1 || got[0].Code != rulecode.LK106 {
		t.Errorf("--select: got %+v", got)
	}
}

// TestPrefixes: a code prefix selects every rule whose code starts with it, in every
// list, and a code's own severity wins over its prefix's, whatever the table's order.
func TestPrefixes(t *testing.T) {
	c, err := Parse(".layerkit.toml", []byte("ignore = [\"LK4\"]\n[severity]\nLK405 = \"info\"\nLK1 = \"warning\"\nLK10 = \"error\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(c.Ignore, rulecode.LK405) || !slices.Contains(c.Ignore, rulecode.LK401) || slices.Contains(c.Ignore, rulecode.LK101) {
		t.Errorf("ignore LK4: %v", c.Ignore)
	}
	if c.Severity[rulecode.LK405] != model.Info || c.Severity[rulecode.LK101] != model.Error || c.Severity[rulecode.LK110] != model.Warning {
		t.Errorf("severity: %v", c.Severity)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ name, text, want string }{
		{".layerkit.toml", "select = [\"LK101\"]\nignored = []\n", ".layerkit.toml:2:1: unknown configuration key \"ignored\""},
		{".layerkit.toml", "\n\nselect = [\"LK999\"]\n", ".layerkit.toml:3: select: unknown rule code \"LK999\""},
		{".layerkit.toml", "[severity]\nunresolved-imports = \"error\"\n", ".layerkit.toml:2: severity: unknown rule code"},
		{".layerkit.toml", "[per-function-ignores]\nFn = [\"LK19\"]\n", ".layerkit.toml:2: per-function-ignores.Fn: unknown rule code"},
		{".layerkit.toml", "ignore = [\"unresolved-imports\"]\n", "did you mean unresolved-import?"},
		{".layerkit.toml", "fail-on = \"warn\"\n", ".layerkit.toml:1: fail-on = \"warn\""},
		{".layerkit.toml", "select = \"LK101\"\n", ".layerkit.toml:1:"},
		{".layerkit.toml", "select = [\n", ".layerkit.toml:"},
		{".layerkit.toml", "today = \"22/11/2026\"\n", ".layerkit.toml:1: today"},
		{"pyproject.toml", "[project]\nname = \"x\"\n[tool.ruff]\nline-length = 1\n[tool.layerkit]\nselekt = []\n", "pyproject.toml:6:1: unknown configuration key \"selekt\""},
	} {
		_, err := Parse(tc.name, []byte(tc.text))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: err = %v, want %q", tc.text, err, tc.want)
		}
	}
}

func TestFind(t *testing.T) {
	root := t.TempDir()
	sub := filepath.Join(root, "infra", "app")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(p, s string) {
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A pyproject.toml without [tool.layerkit] is not layerkit's: the search goes on up.
	write(filepath.Join(sub, "pyproject.toml"), "[project]\nname = \"app\"\n")
	if c, err := Find(sub, iac.Limits{}); err != nil || c != nil {
		t.Fatalf("Find = %v, %v; want none", c, err)
	}
	write(filepath.Join(root, "pyproject.toml"), "[tool.layerkit]\nignore = [\"LK405\"]\nexclude = [\"infra/app/legacy\", \"other/x\", \"examples\"]\n")
	c, err := Find(sub, iac.Limits{})
	if err != nil || c == nil || c.Ignore[0] != rulecode.LK405 {
		t.Fatalf("Find = %+v, %v", c, err)
	}
	if ex := c.Excludes(sub); strings.Join(ex, ",") != "legacy,examples" {
		t.Errorf("Excludes = %q", ex)
	}
	write(filepath.Join(root, "infra", ".layerkit.toml"), "ignore = [\"LK101\"]\n")
	if c, err := Find(sub, iac.Limits{}); err != nil || c.Ignore[0] != rulecode.LK101 {
		t.Fatalf("nearest: %+v, %v", c, err)
	}
}

func TestMatchPath(t *testing.T) {
	for _, tc := range []struct {
		g, file string
		want    bool
	}{
		{"src/vendored/*", "src/vendored/a/b.py", true},
		{"src/vendored", "src/vendored/a.py", true},
		{"vendored", "src/vendored/a.py", true},
		{"*.py", "src/a.py", true},
		{"src/*", "lib/a.py", false},
		{"tests", "src/a.py", false},
	} {
		if got := MatchPath(tc.g, tc.file); got != tc.want {
			t.Errorf("MatchPath(%q, %q) = %v", tc.g, tc.file, got)
		}
	}
}
