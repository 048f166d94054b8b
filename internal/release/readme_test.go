package release

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"go.yaml.in/yaml/v4"

	"github.com/layerkit/layerkit/internal/wheel"
)

// codeBlock is a code block of README.md: fenced (with its language) or indented.
type codeBlock struct {
	lang, text, section string
	fenced              bool
}

func readmeBlocks(t *testing.T) []codeBlock {
	t.Helper()
	f, err := os.Open(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var blocks []codeBlock
	var cur *codeBlock
	section, prevBlank := "", true
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case cur != nil && cur.fenced && line == "```":
			blocks = append(blocks, *cur)
			cur = nil
		case cur != nil && cur.fenced:
			cur.text += line + "\n"
		case strings.HasPrefix(line, "```"):
			lang := strings.TrimPrefix(line, "```")
			if lang == "" {
				lang = "text"
			}
			cur = &codeBlock{lang: lang, section: section, fenced: true}
		case cur != nil && (strings.HasPrefix(line, "    ") || line == ""):
			cur.text += strings.TrimPrefix(line, "    ") + "\n"
		case cur != nil:
			cur.text = strings.TrimRight(cur.text, "\n") + "\n"
			blocks = append(blocks, *cur)
			cur = nil
			fallthrough
		default:
			if strings.HasPrefix(line, "    ") && prevBlank && !strings.HasPrefix(strings.TrimSpace(line), "-") {
				cur = &codeBlock{lang: "text", section: section, text: strings.TrimPrefix(line, "    ") + "\n"}
			}
			if strings.HasPrefix(line, "## ") {
				section = strings.TrimPrefix(line, "## ")
			}
		}
		prevBlank = line == ""
	}
	if cur != nil {
		blocks = append(blocks, *cur)
	}
	return blocks
}

func sectionBlocks(t *testing.T, section string) []codeBlock {
	t.Helper()
	var out []codeBlock
	for _, b := range readmeBlocks(t) {
		if b.section == section {
			out = append(out, b)
		}
	}
	if len(out) == 0 {
		t.Fatalf("README has no code in section %q", section)
	}
	return out
}

func modulePath(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^module\s+(\S+)$`).FindSubmatch(b)
	if m == nil {
		t.Fatal("go.mod has no module line")
	}
	// go install pkg@version refuses a main module with replace or exclude directives.
	if regexp.MustCompile(`(?m)^\s*(replace|exclude)\b`).Match(b) {
		t.Error("go.mod has replace or exclude directives: `go install …@latest` would refuse it")
	}
	return string(m[1])
}

// TestReadmeOrder: the README's first two commands (code blocks that start with a
// lower-case program name, not the Lambda error quoted at the top) are still running
// layerkit on an example and running the tests; Install comes after them.
func TestReadmeOrder(t *testing.T) {
	isCommand := regexp.MustCompile(`^[a-z][\w.-]* `)
	var commands []string
	for _, b := range readmeBlocks(t) {
		if b.lang == "text" || b.lang == "sh" {
			if c := strings.TrimSpace(b.text); isCommand.MatchString(c) {
				commands = append(commands, c)
			}
		}
	}
	if len(commands) < 3 {
		t.Fatalf("README has %d commands", len(commands))
	}
	if !strings.HasPrefix(commands[0], "go run ./cmd/layerkit check examples/") {
		t.Errorf("first README command is %q", commands[0])
	}
	if !strings.Contains(commands[0], "\ngo run ./cmd/layerkit check --diff examples/package-in-layer") {
		t.Errorf("the first README example lacks the fix step (check --diff examples/package-in-layer): %q", commands[0])
	}
	if commands[1] != "go test ./..." {
		t.Errorf("second README command is %q", commands[1])
	}
	if !strings.HasPrefix(commands[2], "go install ") {
		t.Errorf("third README command is %q, want Install's go install", commands[2])
	}
}

// TestReadmeInstall tries the Install section: its first line is go install of this
// module's command at @latest (a local go install stands in for the download), the
// release commands run against a local copy of a release, and the wheel names are the ones
// scripts/build-wheels.sh writes.
func TestReadmeInstall(t *testing.T) {
	blocks := sectionBlocks(t, "Install")
	mod := modulePath(t)
	if got, want := strings.TrimSpace(blocks[0].text), "go install "+mod+"/cmd/layerkit@latest"; got != want {
		t.Errorf("first install line is %q, want %q", got, want)
	}

	t.Run("go install", func(t *testing.T) {
		if testing.Short() {
			t.Skip("builds layerkit")
		}
		layerkitBinary(t) // warms the build cache
		gobin := t.TempDir()
		cmd := exec.Command("go", "install", "./cmd/layerkit")
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "GOBIN="+gobin, "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go install: %v\n%s", err, out)
		}
		for _, args := range [][]string{{"version"}, {"--version"}} {
			checkVersionOutput(t, filepath.Join(gobin, "layerkit"), args, nil)
		}
	})

	t.Run("release archive", func(t *testing.T) {
		needBash(t)
		if _, err := exec.LookPath("sha256sum"); err != nil {
			t.Skip("sha256sum not found")
		}
		if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
			t.Skip("the README's example is the linux/amd64 archive")
		}
		var script string
		for _, b := range blocks {
			if b.lang == "sh" && strings.Contains(b.text, "releases/download") {
				script = b.text
			}
		}
		if script == "" {
			t.Fatal("no release download commands in Install")
		}
		binary, err := os.ReadFile(layerkitBinary(t))
		if err != nil {
			t.Fatal(err)
		}
		url := fakeRelease(t, t.TempDir(), "v0.1.0", "linux", "amd64", binary)
		const real = "https://github.com/layerkit/layerkit/releases/download"
		if !strings.Contains(script, real+"/v0.1.0/") {
			t.Fatalf("release commands do not download from %s", real)
		}
		cmd := exec.Command("bash", "-eo", "pipefail", "-c", strings.ReplaceAll(script, real, url))
		cmd.Dir = t.TempDir()
		out, err := cmd.CombinedOutput()
		if err != nil || !regexp.MustCompile(`(?m)^layerkit \S+ \(.*\)$`).Match(out) {
			t.Errorf("README release commands: %v\n%s", err, out)
		}
	})

	t.Run("wheel names", func(t *testing.T) {
		w := &wheel.Wheel{Version: "0.1.0", Target: wheel.Target{GOOS: "linux", GOARCH: "amd64"}}
		name, err := w.FileName()
		if err != nil {
			t.Fatal(err)
		}
		var n int
		for _, b := range blocks {
			for _, m := range regexp.MustCompile(`\./(layerkit-\S+\.whl)`).FindAllStringSubmatch(b.text, -1) {
				n++
				if m[1] != name {
					t.Errorf("README installs %s; scripts/build-wheels.sh v0.1.0 writes %s", m[1], name)
				}
			}
		}
		if n < 2 {
			t.Errorf("README shows %d wheel commands, want pipx and uvx", n)
		}
		if _, err := os.Stat(filepath.Join(root, "scripts", "build-wheels.sh")); err != nil {
			t.Error(err)
		}
	})
}

// checkVersionOutput runs bin with args and wants exactly one version line on stdout,
// nothing on stderr, exit 0: through the supervisor and its worker (internal/supervise)
// the line must come out once.
func checkVersionOutput(t *testing.T, bin string, args, env []string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Errorf("%s %v: %v\n%s", bin, args, err, stderr.String())
	}
	if !regexp.MustCompile(`^layerkit \S+ \((commit [0-9a-f]{12}(\+dirty)?(, \S+)?|commit not recorded), go1\.\S+ \w+/\w+\)\n$`).Match(out) || stderr.Len() > 0 {
		t.Errorf("%v %v: stdout %q, stderr %q", args, env, out, stderr.String())
	}
}

// TestVersionBinary: the built binary prints its version once and exits 0, supervised or
// not.
func TestVersionBinary(t *testing.T) {
	bin := layerkitBinary(t)
	for _, args := range [][]string{{"version"}, {"--version"}} {
		checkVersionOutput(t, bin, args, nil)
		checkVersionOutput(t, bin, args, []string{"LAYERKIT_NO_SUPERVISOR=1"})
	}
}

// copyExample copies examples/NAME to a fresh folder, a user's repository for the CI
// snippets (whatever they write stays out of this tree).
func copyExample(t *testing.T, name string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), name)
	if err := os.CopyFS(dir, os.DirFS(filepath.Join(root, "examples", name))); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestReadmeCI tries the "Use in CI" section: the workflow's layerkit step is run by the
// fake runner with the README's inputs (a local release standing in for GitHub's), on a
// copy of an example with a finding, and its SARIF file is the one the upload step reads;
// the pre-commit snippet names this repository's hook, whose entry is run as pre-commit
// runs it.
func TestReadmeCI(t *testing.T) {
	needBash(t)
	blocks := sectionBlocks(t, "Use in CI")
	var workflow, precommit string
	for _, b := range blocks {
		switch {
		case b.lang == "yaml" && strings.Contains(b.text, "jobs:"):
			workflow = b.text
		case b.lang == "yaml" && strings.Contains(b.text, "repos:"):
			precommit = b.text
		}
	}
	if workflow == "" || precommit == "" {
		t.Fatal("Use in CI lacks the workflow or the pre-commit configuration")
	}

	type step struct {
		Uses string            `yaml:"uses"`
		If   string            `yaml:"if"`
		With map[string]string `yaml:"with"`
	}
	var wf struct {
		Permissions map[string]string `yaml:"permissions"`
		Jobs        map[string]struct {
			Steps []step `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal([]byte(workflow), &wf); err != nil {
		t.Fatalf("workflow: %v", err)
	}
	var lk, upload *step
	for _, j := range wf.Jobs {
		for i := range j.Steps {
			s := &j.Steps[i]
			if strings.HasPrefix(s.Uses, "layerkit/layerkit@") {
				lk = s
			}
			if strings.HasPrefix(s.Uses, "github/codeql-action/upload-sarif@") {
				upload = s
			}
		}
	}
	if lk == nil || upload == nil {
		t.Fatal("workflow lacks the layerkit step or the upload-sarif step")
	}
	ref := strings.TrimPrefix(lk.Uses, "layerkit/layerkit@")
	if lk.With["version"] != ref {
		t.Errorf("workflow installs %q with the action at %q", lk.With["version"], ref)
	}
	if wf.Permissions["security-events"] != "write" {
		t.Error("upload-sarif needs permissions: security-events: write")
	}
	if upload.With["sarif_file"] == "" || upload.With["sarif_file"] != lk.With["sarif-file"] {
		t.Errorf("upload-sarif reads %q, layerkit writes %q", upload.With["sarif_file"], lk.With["sarif-file"])
	}
	if !strings.Contains(upload.If, "always()") && !strings.Contains(upload.If, "!cancelled()") {
		t.Errorf("upload-sarif runs only when the check passed (if: %q): findings would never be uploaded", upload.If)
	}

	ros, rarch := runnerPlatform(runtime.GOOS, runtime.GOARCH)
	if ros == "" || rarch == "" {
		t.Skipf("no runner platform for %s/%s", runtime.GOOS, runtime.GOARCH)
	}
	binary, err := os.ReadFile(layerkitBinary(t))
	if err != nil {
		t.Fatal(err)
	}
	inputs := map[string]string{"release-url": fakeRelease(t, t.TempDir(), ref, runtime.GOOS, runtime.GOARCH, binary)}
	for k, v := range lk.With {
		inputs[k] = v
	}
	r := &runner{os: ros, arch: rarch, workspace: copyExample(t, "package-in-layer"), temp: t.TempDir(), inputs: inputs}
	failed, code := r.run(t, loadAction(t))
	if failed != "check" || code != 1 || !strings.Contains(r.logs["check"], "::error file=") {
		t.Errorf("workflow's layerkit step: step %q exit %d, want the check to fail the job with annotations\n%s\n%s", failed, code, r.logs["install"], r.logs["check"])
	}
	if b, err := os.ReadFile(filepath.Join(r.workspace, upload.With["sarif_file"])); err != nil || !strings.Contains(string(b), `"ruleId": "LK101"`) && !strings.Contains(string(b), `"ruleId":"LK101"`) {
		t.Errorf("the file upload-sarif reads has no LK101 result (%v)", err)
	}

	// pre-commit.
	var pc struct {
		Repos []struct {
			Repo  string `yaml:"repo"`
			Rev   string `yaml:"rev"`
			Hooks []struct {
				ID   string   `yaml:"id"`
				Args []string `yaml:"args"`
			} `yaml:"hooks"`
		} `yaml:"repos"`
	}
	if err := yaml.Unmarshal([]byte(precommit), &pc); err != nil {
		t.Fatalf("pre-commit configuration: %v", err)
	}
	if len(pc.Repos) != 1 || pc.Repos[0].Repo != "https://github.com/"+strings.TrimPrefix(modulePath(t), "github.com/") || pc.Repos[0].Rev != ref {
		t.Fatalf("pre-commit configuration: %+v", pc.Repos)
	}
	manifest := map[string]string{}
	for _, h := range loadHooks(t) {
		manifest[h["id"].Value] = h["entry"].Value
	}
	for _, h := range pc.Repos[0].Hooks {
		entry, ok := manifest[h.ID]
		if !ok {
			t.Fatalf("pre-commit hook %q is not in .pre-commit-hooks.yaml", h.ID)
		}
		// pre-commit runs entry + args in the repository's root (pass_filenames: false).
		for _, tc := range []struct {
			example string
			code    int
		}{{"package-in-layer", 1}, {"healthy", 0}} {
			f := strings.Fields(entry)
			cmd := exec.Command(layerkitBinary(t), append(f[1:], h.Args...)...)
			cmd.Dir = copyExample(t, tc.example)
			out, err := cmd.CombinedOutput()
			if got := cmd.ProcessState.ExitCode(); got != tc.code {
				t.Errorf("hook %s in %s: exit %d (%v), want %d\n%s", h.ID, tc.example, got, err, tc.code, out)
			}
		}
	}
}

// TestReadmeCIBaseline tries the baseline in "Use in CI": the README's --write-baseline
// command run in a copy of an example with a finding, then the README's action step with
// its args passes where the same step without them fails (the control).
func TestReadmeCIBaseline(t *testing.T) {
	needBash(t)
	var write, step string
	for _, b := range sectionBlocks(t, "Use in CI") {
		switch {
		case b.lang == "sh" && strings.Contains(b.text, "--write-baseline"):
			write = strings.TrimSpace(b.text)
		case b.lang == "yaml" && strings.Contains(b.text, "--baseline"):
			step = b.text
		}
	}
	if write == "" || step == "" {
		t.Fatal("Use in CI lacks the --write-baseline command or the step with --baseline")
	}
	var steps []struct {
		Uses string            `yaml:"uses"`
		With map[string]string `yaml:"with"`
	}
	if err := yaml.Unmarshal([]byte(step), &steps); err != nil || len(steps) != 1 {
		t.Fatalf("the step with --baseline: %v", err)
	}
	ref := strings.TrimPrefix(steps[0].Uses, "layerkit/layerkit@")
	if steps[0].With["version"] != ref {
		t.Errorf("the step installs %q with the action at %q", steps[0].With["version"], ref)
	}
	ros, rarch := runnerPlatform(runtime.GOOS, runtime.GOARCH)
	if ros == "" || rarch == "" {
		t.Skipf("no runner platform for %s/%s", runtime.GOOS, runtime.GOARCH)
	}
	bin := layerkitBinary(t)
	binary, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	release := fakeRelease(t, t.TempDir(), ref, runtime.GOOS, runtime.GOARCH, binary)
	workspace := copyExample(t, "package-in-layer")
	f := strings.Fields(write)
	if f[0] != "layerkit" {
		t.Fatalf("the README's command %q does not run layerkit", write)
	}
	cmd := exec.Command(bin, f[1:]...)
	cmd.Dir = workspace
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", write, err, out)
	}
	for _, tc := range []struct {
		args string
		code int
	}{{"", 1}, {steps[0].With["args"], 0}} {
		inputs := map[string]string{"release-url": release}
		for k, v := range steps[0].With {
			inputs[k] = v
		}
		inputs["args"] = tc.args
		r := &runner{os: ros, arch: rarch, workspace: workspace, temp: t.TempDir(), inputs: inputs}
		if _, code := r.run(t, loadAction(t)); code != tc.code {
			t.Errorf("the step with args %q: exit %d, want %d\n%s\n%s", tc.args, code, tc.code, r.logs["install"], r.logs["check"])
		}
	}
}
