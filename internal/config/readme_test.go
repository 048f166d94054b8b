package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/layerkit/layerkit/internal/suppress"
)

// TestReadmeConfigure reads the README's "Configure" section: its configuration file
// parses, and its Python and Terraform ignores are read (the CLI testscripts
// check_config, check_suppress, check_suppress_iac and check_baseline run the same
// examples end to end).
func TestReadmeConfigure(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, sec, ok := strings.Cut(string(data), "\n## Configure\n")
	if !ok {
		t.Fatal("README has no Configure section")
	}
	sec, _, _ = strings.Cut(sec, "\n## ")
	blocks := map[string][]string{}
	for _, part := range strings.Split(sec, "```")[1:] {
		lang, body, _ := strings.Cut(part, "\n")
		if lang != "" {
			blocks[lang] = append(blocks[lang], body)
		}
	}
	if len(blocks["toml"]) != 1 || len(blocks["python"]) != 1 || len(blocks["hcl"]) != 1 || len(blocks["yaml"]) != 2 || len(blocks["sh"]) != 1 {
		t.Fatalf("Configure's code blocks changed: %v", blocks)
	}
	c, err := Parse("pyproject.toml", []byte(blocks["toml"][0]))
	if err != nil {
		t.Fatalf("the README's configuration: %v", err)
	}
	if c.FailOn != "warning" || len(c.Ignore) != 1 || len(c.PerPath) != 1 || len(c.PerFunction) != 1 || c.Today.IsZero() {
		t.Errorf("the README's configuration reads as %+v", c)
	}
	if s, err := suppress.Python([]byte(blocks["python"][0]), "app.py"); err != nil || len(s) != 2 {
		t.Errorf("the README's Python ignores: %v, %v", s, err)
	}
	if s, err := suppress.Terraform([]byte(blocks["hcl"][0]), "main.tf"); err != nil || len(s) != 1 || s[0].Line != 2 {
		t.Errorf("the README's Terraform ignore: %v, %v", s, err)
	}
	for _, y := range blocks["yaml"] {
		if !strings.Contains(y, "layerkit:") {
			t.Errorf("a YAML example without layerkit:\n%s", y)
		}
	}
}
