package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/layerkit/layerkit/internal/txtardir"
)

// TestFixNodeLayouts holds fix 8's moves to the interpreter: every app of the golden
// script check_fix_node.txtar (layer code at the root, in nodejs/ outside node_modules,
// in nodejs/nodeNN/ of another version, in nodejs/nodejs/ of a BuildMethod layer, and an
// absolute require of a moved file) goes through layerkit verify (real node, loading
// each handler as the runtime interface client does) before and after check --fix
// --unsafe-fixes. layerkit must agree with node both times; before the fix some handler fails, after it every handler loads. The
// Python app of the script (python/python/) goes through layerkit verify when python3
// is here.
func TestFixNodeLayouts(t *testing.T) {
	nodeOrSkip(t)
	dir := t.TempDir()
	if _, err := txtardir.Unpack(filepath.Join("testdata", "script", "check_fix_node.txtar"), dir); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"root", "own", "built", "packed"} {
		t.Run(name, func(t *testing.T) {
			app := filepath.Join(dir, name)
			before := checkApp(t, app)
			if name != "packed" {
				failed := false
				for _, loads := range verifyNode(t, app) {
					failed = failed || !loads
				}
				if !failed {
					t.Errorf("every handler loads before the fix: the app shows nothing")
				}
			}
			runMain(t, "check", app, "--fix", "--unsafe-fixes")
			if name == "packed" {
				// no move helps a BuildMethod layer with a package.json: nothing moved
				for _, f := range before.Findings {
					if f.Fix != nil {
						t.Errorf("%s has a fix: %s", f.Code, f.Fix.Title)
					}
				}
				return
			}
			for fn, loads := range verifyNode(t, app) {
				if !loads {
					t.Errorf("%s does not load after the fix", fn)
				}
			}
		})
	}
	t.Run("pynest", func(t *testing.T) {
		if _, err := exec.LookPath("python3"); err != nil {
			t.Skip("python3 is not on PATH")
		}
		app := filepath.Join(dir, "pynest")
		runMain(t, "check", app, "--fix", "--unsafe-fixes")
		out, code := runMain(t, "verify", app, "--python", "python3")
		if code != 0 || strings.Contains(out, "DISAGREE") {
			t.Errorf("verify after --fix (exit %d):\n%s", code, out)
		}
		if _, err := os.Stat(filepath.Join(app, "layers", "plain", "python", "plainlib.py")); err != nil {
			t.Error(err)
		}
	})
}
