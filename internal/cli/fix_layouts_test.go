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
// absolute require of a moved file) is loaded by real node as the runtime interface
// client does, before and after check --fix --unsafe-fixes. layerkit must agree with
// node both times; before the fix some handler fails, after it every handler loads. The
// Python app of the script (python/python/) goes through layerkit verify when python3
// is here.
func TestFixNodeLayouts(t *testing.T) {
	node := nodeOrSkip(t)
	dir := t.TempDir()
	if _, err := txtardir.Unpack(filepath.Join("testdata", "script", "check_fix_node.txtar"), dir); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"root", "own", "built", "packed"} {
		t.Run(name, func(t *testing.T) {
			app := filepath.Join(dir, name)
			before := checkApp(t, app)
			loads, ok := nodeLoadApp(t, node, app)
			if !ok && name != "packed" {
				t.Fatal("not a layout the node loader handles")
			}
			if ok {
				failed := false
				for _, v := range loads {
					failed = failed || !v.OK
				}
				if !failed {
					t.Errorf("every handler loads before the fix: the app shows nothing")
				}
				nodeAgrees(t, node, app, before)
			}
			runMain(t, "check", app, "--fix", "--unsafe-fixes")
			after := checkApp(t, app)
			if name == "packed" {
				// no move helps a BuildMethod layer with a package.json: nothing moved
				for _, f := range before.Findings {
					if f.Fix != nil {
						t.Errorf("%s has a fix: %s", f.Code, f.Fix.Title)
					}
				}
				return
			}
			nodeAgrees(t, node, app, after)
			loads, _ = nodeLoadApp(t, node, app)
			for fn, v := range loads {
				if !v.OK {
					t.Errorf("%s after the fix: %s", fn, okOrErr(v))
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
