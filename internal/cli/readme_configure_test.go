package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/layerkit/layerkit/internal/iac/iactest"
)

// readmeSection returns the fenced code blocks of README.md's section (## title), in
// order, with their language.
func readmeSection(t *testing.T, title string) (langs, texts []string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, sec, ok := strings.Cut(string(data), "\n## "+title+"\n")
	if !ok {
		t.Fatalf("README has no section %q", title)
	}
	sec, _, _ = strings.Cut(sec, "\n## ")
	parts := strings.Split(sec, "```")
	for i := 1; i+1 < len(parts); i += 2 {
		lang, body, _ := strings.Cut(parts[i], "\n")
		langs, texts = append(langs, lang), append(texts, body)
	}
	return langs, texts
}

// TestReadmeConfigureIgnores runs the README's Configure examples end to end: each
// project is checked with its ignore and without it (the control), and the ignore
// drops exactly the finding it names.
func TestReadmeConfigureIgnores(t *testing.T) {
	langs, texts := readmeSection(t, "Configure")
	var python, metadata, hcl, sls string
	for i, l := range langs {
		switch {
		case l == "python":
			python = texts[i]
		case l == "hcl":
			hcl = texts[i]
		case l == "yaml" && strings.Contains(texts[i], "Metadata:"):
			metadata = texts[i]
		case l == "yaml" && strings.Contains(texts[i], "custom:"):
			sls = texts[i]
		}
	}
	if python == "" || metadata == "" || hcl == "" || sls == "" {
		t.Fatal("Configure lacks the Python, Metadata, Terraform or serverless.yml example")
	}
	sam := "Transform: AWS::Serverless-2016-10-31\nResources:\n" + metadata +
		"    Properties:\n      CodeUri: src/\n      Handler: app.handler\n      Runtime: python3.8\n"
	samBare := strings.Replace(sam, "    Metadata:\n      layerkit:\n", "    Metadata:\n      other:\n", 1)
	app := python + "\ndef handler(event, context):\n    return 1\n"
	appBare := strings.ReplaceAll(strings.ReplaceAll(app, "# layerkit: ignore-file[shadowed-module] -- vendored on purpose", ""), "# layerkit: ignore[LK101]", "")
	tf := hcl + "  layer_name = \"deps\"\n  s3_bucket  = \"artifacts\"\n  s3_key     = \"layers/deps.zip\"\n}\n"
	slsFile := "service: orders\nprovider:\n  name: aws\n  runtime: python3.8\n" + sls +
		"functions:\n  hello:\n    handler: app.handler\n"
	for _, tc := range []struct {
		name        string
		files, bare map[string]string
		gone        []string // what the ignores drop
		stays       string   // what they leave
	}{
		{"python", map[string]string{"template.yaml": samBare, "src/app.py": app}, map[string]string{"template.yaml": samBare, "src/app.py": appBare}, []string{"LK101"}, "LK405"},
		{"metadata", map[string]string{"template.yaml": sam, "src/app.py": app}, map[string]string{"template.yaml": samBare, "src/app.py": app}, []string{"LK405"}, ""},
		{"terraform", map[string]string{"main.tf": tf}, map[string]string{"main.tf": strings.Replace(tf, "# layerkit-ignore", "# not", 1)}, []string{"LK105"}, ""},
		{"serverless", map[string]string{"serverless.yml": slsFile, "app.py": "import requests\n\ndef handler(event, context):\n    return 1\n"},
			map[string]string{"serverless.yml": strings.Replace(slsFile, "  layerkit:", "  other:", 1), "app.py": "import requests\n\ndef handler(event, context):\n    return 1\n"}, []string{"LK405", "LK101"}, ""},
	} {
		run := func(files map[string]string) string {
			dir := t.TempDir()
			iactest.WriteFiles(t, dir, files)
			var out, errb bytes.Buffer
			s := &IO{Out: &out, Err: &errb, Getenv: func(string) string { return "" }}
			if code := Main([]string{"check", dir, "--today", "2026-11-22", "--fail-on", "never"}, s); code != 0 {
				t.Fatalf("%s: exit %d\n%s%s", tc.name, code, out.String(), errb.String())
			}
			return out.String()
		}
		bare, with := run(tc.bare), run(tc.files)
		for _, code := range tc.gone {
			if !strings.Contains(bare, code) {
				t.Errorf("%s: the control has no %s:\n%s", tc.name, code, bare)
			}
			if strings.Contains(with, code) {
				t.Errorf("%s: the README's ignore leaves %s:\n%s", tc.name, code, with)
			}
		}
		if tc.stays != "" && !strings.Contains(with, tc.stays) {
			t.Errorf("%s: %s is gone too:\n%s", tc.name, tc.stays, with)
		}
	}
}
