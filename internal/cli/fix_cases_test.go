package cli

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/layerkit/layerkit/internal/check"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/rulecode"
)

// TestFixAcceptanceCases runs check --fix --unsafe-fixes on a copy of every acceptance
// app (../shared/cases, ../shared/node-cases) that has a fixable finding, then holds
// the result to issue 20's bars: check reports no error of a fixed code and no finding
// it could still fix; a second --fix changes no byte; and layerkit agrees with the
// interpreter on the fixed app: layerkit verify for Python apps when python3 is here,
// node loading every handler for Node.js apps (fix_cases_node_test.go; node is required
// under CI=true).
func TestFixAcceptanceCases(t *testing.T) {
	var dirs []string
	for _, root := range []string{"../../../shared/cases", "../../../shared/node-cases"} {
		entries, err := os.ReadDir(root)
		if err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("acceptance apps missing in CI: %v", err)
			}
			t.Skipf("no acceptance apps: %v", err)
		}
		for _, e := range entries {
			if e.IsDir() {
				dirs = append(dirs, filepath.Join(root, e.Name()))
			}
		}
	}
	fixable := 0
	for _, src := range dirs {
		name := filepath.Base(src)
		t.Run(name, func(t *testing.T) {
			app := filepath.Join(t.TempDir(), name)
			if err := os.CopyFS(app, os.DirFS(src)); err != nil {
				t.Fatal(err)
			}
			before := checkApp(t, app)
			fixed := map[rulecode.Code]bool{}
			for _, f := range before.Findings {
				if f.Fix != nil {
					fixed[f.Code] = true
				}
			}
			if len(fixed) == 0 {
				t.Skip("no fixable finding")
			}
			fixable++
			// The --diff output is a patch: git apply makes of a second copy what one
			// round of --fix makes of the app.
			patched := ""
			if _, err := exec.LookPath("git"); err == nil {
				patched = filepath.Join(t.TempDir(), name)
				if err := os.CopyFS(patched, os.DirFS(src)); err != nil {
					t.Fatal(err)
				}
				var out, errb bytes.Buffer
				if code := Main([]string{"check", patched, "--diff", "--unsafe-fixes"}, &IO{Out: &out, Err: &errb, Getenv: func(string) string { return "" }}); code != ExitFindings {
					t.Fatalf("--diff: exit %d, want 1\n%s", code, errb.String())
				}
				cmd := exec.Command("git", "apply", "-")
				cmd.Dir, cmd.Stdin = patched, &out
				if b, err := cmd.CombinedOutput(); err != nil {
					t.Fatalf("git apply of --diff's output: %v\n%s\n%s", err, b, out.String())
				}
			}
			runMain(t, "check", app, "--fix", "--unsafe-fixes")
			if patched != "" && treeSum(t, patched) != treeSum(t, app) {
				t.Errorf("git apply of --diff's output and --fix differ:\n%s\n---\n%s", treeSum(t, patched), treeSum(t, app))
			}
			runMain(t, "check", app, "--fix", "--unsafe-fixes")
			after := checkApp(t, app)
			for _, f := range after.Findings {
				if f.Severity == model.Error && fixed[f.Code] {
					t.Errorf("after --fix: error %s at %s:%d: %s", f.Code, f.Pos.File, f.Pos.Line, f.Message)
				}
				if f.Fix != nil {
					t.Errorf("after --fix: %s at %s:%d still has a fix (%s)", f.Code, f.Pos.File, f.Pos.Line, f.Fix.Title)
				}
			}
			sum := treeSum(t, app)
			runMain(t, "check", app, "--fix", "--unsafe-fixes")
			if again := treeSum(t, app); again != sum {
				t.Errorf("a second --fix changed the app:\n%s\n---\n%s", sum, again)
			}
			if strings.HasPrefix(name, "node-") {
				// layerkit verify loads every handler with real node, before and after
				// the fix, and layerkit's verdict must agree both times.
				nodeOrSkip(t)
				orig := filepath.Join(t.TempDir(), name)
				if err := os.CopyFS(orig, os.DirFS(src)); err != nil {
					t.Fatal(err)
				}
				verifyNode(t, orig)
				verifyNode(t, app)
				return
			}
			if _, err := exec.LookPath("python3"); err != nil {
				return
			}
			out, code := runMain(t, "verify", app, "--python", "python3")
			if code != 0 || strings.Contains(out, "DISAGREE") {
				t.Errorf("verify after --fix (exit %d):\n%s", code, out)
			}
		})
	}
	t.Logf("%d acceptance apps with a fixable finding", fixable)
}

func checkApp(t *testing.T, dir string) *check.Result {
	t.Helper()
	res, err := check.Run(context.Background(), check.Options{Path: dir})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// runMain runs the CLI in-process and returns its stdout and stderr, and exit code.
func runMain(t *testing.T, args ...string) (string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	s := &IO{Out: &out, Err: &errb, Getenv: func(string) string { return "" }}
	code := Main(args, s)
	if code >= ExitInput {
		t.Fatalf("%v: exit %d\n%s%s", args, code, out.String(), errb.String())
	}
	return out.String() + errb.String(), code
}

// treeSum lists every file under dir with its SHA-256 and mode, and every folder.
func treeSum(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		info, err := d.Info()
		if err != nil {
			return err
		}
		if d.IsDir() {
			fmt.Fprintf(&b, "%s/ %v\n", rel, info.Mode())
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s %v %x\n", rel, info.Mode(), sha256.Sum256(data))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestReadmeDiff: the README's first example shows check --diff's output on
// examples/package-in-layer as it is.
func TestReadmeDiff(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, block, ok := strings.Cut(string(readme), "```diff\n")
	if !ok {
		t.Fatal("README has no diff block")
	}
	want, _, _ := strings.Cut(block, "```\n")
	var out, errb bytes.Buffer
	s := &IO{Out: &out, Err: &errb, Getenv: func(string) string { return "" }}
	if code := Main([]string{"check", "--diff", filepath.Join("..", "..", "examples", "package-in-layer")}, s); code != ExitFindings {
		t.Fatalf("exit %d, want 1 (something to fix)\n%s", code, errb.String())
	}
	if out.String() != want {
		t.Errorf("README's diff differs from check --diff's:\n%s\nwant\n%s", out.String(), want)
	}
}
