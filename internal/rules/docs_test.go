package rules

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/layerkit/layerkit/internal/rulecode"
)

var updateDocs = flag.Bool("update-docs", false, "rewrite docs/rules from the rules' metadata")

const docsDir = "../../docs/rules"

// TestDocsInSync fails when docs/rules/*.md differ from what the rules' metadata
// generates. Run `go test ./internal/rules -update-docs` after changing a rule.
func TestDocsInSync(t *testing.T) {
	want := map[string]string{"README.md": Index()}
	for _, r := range All() {
		want[r.Code.String()+".md"] = Markdown(r)
	}
	if *updateDocs {
		if err := os.MkdirAll(docsDir, 0o755); err != nil {
			t.Fatal(err)
		}
		old, _ := filepath.Glob(filepath.Join(docsDir, "*.md"))
		for _, f := range old {
			os.Remove(f)
		}
		for name, text := range want {
			if err := os.WriteFile(filepath.Join(docsDir, name), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	have, _ := filepath.Glob(filepath.Join(docsDir, "*.md"))
	for _, f := range have {
		if _, ok := want[filepath.Base(f)]; !ok {
			t.Errorf("%s has no rule behind it; run go test ./internal/rules -update-docs", f)
		}
	}
	for name, text := range want {
		b, err := os.ReadFile(filepath.Join(docsDir, name))
		if err != nil || string(b) != text {
			t.Errorf("docs/rules/%s is out of date; run go test ./internal/rules -update-docs", name)
		}
	}
}

// TestRuleMetadata: every rule is documented and named the way the catalogue promises.
func TestRuleMetadata(t *testing.T) {
	for _, r := range All() {
		if s := r.Code.String(); len(s) != 5 || !strings.HasPrefix(s, "LK") {
			t.Errorf("%s: code must be LKnnn", r.Code)
		}
		if r.Name() == "" || strings.ToLower(r.Name()) != r.Name() || strings.Contains(r.Name(), " ") {
			t.Errorf("%s: name %q must be kebab-case", r.Code, r.Name())
		}
		for field, v := range map[string]string{"Summary": r.Summary, "Why": r.Why, "Example": r.Example, "Fix": r.Fix} {
			if strings.TrimSpace(v) == "" {
				t.Errorf("%s: %s is empty", r.Code, field)
			}
		}
	}
	// every code has its rule, and every rule a code of its own (register refuses the rest)
	for _, code := range rulecode.All() {
		if _, ok := Lookup(code); !ok {
			t.Errorf("rule %s is missing from the catalogue", code)
		}
	}
	if len(All()) != len(rulecode.All()) {
		t.Errorf("%d rules for %d codes", len(All()), len(rulecode.All()))
	}
}
