package release

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v4"
)

// The manifest schema of pre-commit, MANIFEST_HOOK_DICT in pre_commit/clientlib.py
// (github.com/pre-commit/pre-commit, commit 017fa5c0b8464e155f182506fa1dd32deb0f9eeb):
// cfgv.Required id, name, entry (strings) and language (one of all_languages); the other
// keys cfgv.Optional with these checks. pre-commit itself is not installable here (no
// PyPI), so the test applies the schema.
var (
	required = map[string]string{"id": "string", "name": "string", "entry": "string", "language": "language"}
	optional = map[string]string{
		"alias": "string", "files": "regex", "exclude": "regex",
		"types": "tags", "types_or": "tags", "exclude_types": "tags",
		"additional_dependencies": "strings", "args": "strings",
		"always_run": "bool", "fail_fast": "bool", "pass_filenames": "bool",
		"description": "string", "language_version": "string", "log_file": "string",
		"minimum_pre_commit_version": "string", "require_serial": "bool",
		"stages": "stages", "verbose": "bool",
	}
	// Languages both in pre_commit/languages/all.py of pre-commit 3.x and in 4.4's
	// (which renamed system and script to unsupported and unsupported_script): a hook in
	// this set works on both.
	languages = []string{"conda", "coursier", "dart", "docker", "docker_image", "dotnet", "fail",
		"golang", "haskell", "lua", "node", "perl", "pygrep", "python", "r", "ruby", "rust", "swift"}
	// C.STAGES of pre_commit/constants.py (3.x and 4.x).
	stages = []string{"commit-msg", "post-checkout", "post-commit", "post-merge", "post-rewrite",
		"pre-commit", "pre-merge-commit", "pre-push", "pre-rebase", "prepare-commit-msg", "manual"}
)

func loadHooks(t *testing.T) []map[string]*yaml.Node {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, ".pre-commit-hooks.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatalf(".pre-commit-hooks.yaml: %v", err)
	}
	// MANIFEST_SCHEMA = cfgv.Array(MANIFEST_HOOK_DICT): a list of maps.
	if len(doc.Content) != 1 || doc.Content[0].Kind != yaml.SequenceNode {
		t.Fatalf(".pre-commit-hooks.yaml is not a list of hooks")
	}
	var hooks []map[string]*yaml.Node
	for _, h := range doc.Content[0].Content {
		if h.Kind != yaml.MappingNode {
			t.Fatalf("line %d: a hook is not a mapping", h.Line)
		}
		m := map[string]*yaml.Node{}
		for i := 0; i < len(h.Content); i += 2 {
			m[h.Content[i].Value] = h.Content[i+1]
		}
		hooks = append(hooks, m)
	}
	return hooks
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// checkValue applies one cfgv check to a YAML value. Strings must be YAML strings (cfgv's
// check_string is isinstance(v, str): an unquoted 3.0 is a float and fails).
func checkValue(t *testing.T, key, kind string, n *yaml.Node) {
	t.Helper()
	isStr := func(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!str" }
	switch kind {
	case "string", "regex", "language":
		if !isStr(n) {
			t.Errorf("line %d: %s must be a string, is %s", n.Line, key, n.ShortTag())
			return
		}
		if kind == "language" && !contains(languages, n.Value) {
			t.Errorf("line %d: language %q is not one pre-commit 3 and 4 both know", n.Line, n.Value)
		}
		if kind == "regex" {
			if _, err := regexp.Compile(n.Value); err != nil {
				t.Errorf("line %d: %s does not compile: %v", n.Line, key, err)
			}
		}
	case "bool":
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" {
			t.Errorf("line %d: %s must be a bool", n.Line, key)
		}
	case "strings", "tags", "stages":
		if n.Kind != yaml.SequenceNode {
			t.Errorf("line %d: %s must be a list", n.Line, key)
			return
		}
		for _, c := range n.Content {
			if !isStr(c) {
				t.Errorf("line %d: %s items must be strings", c.Line, key)
			} else if kind == "stages" && !contains(stages, c.Value) {
				t.Errorf("line %d: unknown stage %q", c.Line, c.Value)
			}
		}
	}
}

// TestPreCommitManifest checks .pre-commit-hooks.yaml against pre-commit's manifest
// schema, and what the layerkit hook must be: run by pre-commit's golang support (which
// runs `go install ./...` in the clone, so the entry is an installed command), once per
// run rather than per file.
func TestPreCommitManifest(t *testing.T) {
	hooks := loadHooks(t)
	ids := map[string]bool{}
	for _, h := range hooks {
		for key, kind := range required {
			if n := h[key]; n == nil {
				t.Errorf("a hook lacks the required %s", key)
			} else {
				checkValue(t, key, kind, n)
			}
		}
		for key, n := range h {
			if _, ok := required[key]; ok {
				continue
			}
			kind, ok := optional[key]
			if !ok {
				// cfgv ignores unknown keys in a manifest: a typo would be silently dropped.
				t.Errorf("line %d: %s is not a pre-commit hook key", n.Line, key)
				continue
			}
			checkValue(t, key, kind, n)
		}
		if h["id"] != nil {
			if ids[h["id"].Value] {
				t.Errorf("hook id %s twice", h["id"].Value)
			}
			ids[h["id"].Value] = true
		}
	}
	var lk map[string]*yaml.Node
	for _, h := range hooks {
		if h["id"] != nil && h["id"].Value == "layerkit" {
			lk = h
		}
	}
	if lk == nil {
		t.Fatal("no hook with id layerkit")
	}
	for key, want := range map[string]string{"language": "golang", "entry": "layerkit check", "pass_filenames": "false"} {
		if n := lk[key]; n == nil || n.Value != want {
			t.Errorf("layerkit hook: %s should be %q", key, want)
		}
	}
	if v := lk["minimum_pre_commit_version"]; v != nil {
		for _, p := range strings.Split(v.Value, ".") {
			if _, err := strconv.Atoi(p); err != nil {
				t.Errorf("minimum_pre_commit_version %q: clientlib's parse_version needs dotted integers", v.Value)
			}
		}
	}
	// The entry names the command `go install ./...` puts in the hook's environment.
	if _, err := os.Stat(filepath.Join(root, "cmd", strings.Fields(lk["entry"].Value)[0], "main.go")); err != nil {
		t.Errorf("entry %q is not a command of this module: %v", lk["entry"].Value, err)
	}
}

// TestPreCommitFiles checks the layerkit hook's files regex: it runs on the files a check
// reads and not on others, and Go's regexp (RE2) and Python's re (what pre-commit uses:
// re.search on the path, slashes forward) agree on every path.
func TestPreCommitFiles(t *testing.T) {
	var files string
	for _, h := range loadHooks(t) {
		if h["id"] != nil && h["id"].Value == "layerkit" && h["files"] != nil {
			files = h["files"].Value
		}
	}
	if files == "" {
		t.Fatal("the layerkit hook has no files regex (it would run on every commit)")
	}
	re := regexp.MustCompile(files)
	match := []string{
		"template.yaml", "infra/template.yml", "stack.template", "cdk.out/manifest.json", "cdk.out/App.template.json",
		"main.tf", "modules/fn/variables.tf", "prod.tfvars", "main.tf.json", "terraform.tfvars.json",
		"serverless.yml", "services/api/serverless.yaml", "samconfig.toml",
		"src/app.py", "layer/python/pkg/__init__.py", "stubs/x.pyi", "site.pth", "requirements.txt", "layer/requirements-prod.txt",
		"pyproject.toml", "setup.cfg", "Makefile", "src/layer/Makefile",
		"handler.js", "index.mjs", "lib/x.cjs", "src/handler.ts", "package.json", "layer/nodejs/package-lock.json",
		"build/function.zip",
	}
	noMatch := []string{
		"README.md", "go.mod", "main.go", "docs/image.png", "LICENSE", "requirements.txt.bak", "app.pyc",
		"Makefile.old", "notes.txt", "src/app.py~", "mypackage.json5", "x.tfstate",
	}
	for _, p := range match {
		if !re.MatchString(p) {
			t.Errorf("files regex does not match %s: the hook would not run when it changes", p)
		}
	}
	for _, p := range noMatch {
		if re.MatchString(p) {
			t.Errorf("files regex matches %s", p)
		}
	}
	// Python's re is the oracle for what pre-commit does with the regex.
	python, err := exec.LookPath("python3")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("python3 is needed (CI=true)")
		}
		t.Skip("python3 not found")
	}
	all := append(append([]string{}, match...), noMatch...)
	script := `import re, sys
r = re.compile(sys.argv[1])
for p in sys.argv[2:]:
    print("1" if r.search(p) else "0")`
	out, err := exec.Command(python, append([]string{"-c", script, files}, all...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("python3: %v\n%s", err, out)
	}
	got := strings.Fields(string(out))
	if len(got) != len(all) {
		t.Fatalf("python3 printed %q", out)
	}
	for i, p := range all {
		if (got[i] == "1") != re.MatchString(p) {
			t.Errorf("%s: Python's re.search says %s, Go's regexp %v", p, got[i], re.MatchString(p))
		}
	}
}
