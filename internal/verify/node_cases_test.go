package verify

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/layerkit/layerkit/internal/check"
)

// sharedNodeCases are the Node.js acceptance apps beside the repository.
const sharedNodeCases = "../../../shared/node-cases"

// TestNodeCases runs verify on every Node.js acceptance app (../shared/node-cases):
// every function is loaded by the local node, whose verdict must agree with check's,
// and both must be the one the app's expect.txt gives (a function fails exactly when
// expect.txt lists an error LK101, LK102, LK103, LK107 or LK3xx for it). Outside CI a
// missing node or folder skips; under CI=true it fails.
func TestNodeCases(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("node is not on PATH (CI needs it)")
		}
		t.Skip("node is not on PATH")
	}
	entries, err := os.ReadDir(sharedNodeCases)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s: %v (CI needs ../shared beside the repository)", sharedNodeCases, err)
		}
		t.Skip(err)
	}
	n := 0
	for _, e := range entries {
		dir := filepath.Join(sharedNodeCases, e.Name())
		expect, err := os.ReadFile(filepath.Join(dir, "expect.txt"))
		if !e.IsDir() || err != nil {
			continue
		}
		t.Run(e.Name(), func(t *testing.T) {
			rep, err := Run(context.Background(), Options{Check: check.Options{Path: dir}, Node: node, TempDir: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			fails := expectedFailures(string(expect))
			for _, f := range rep.Functions {
				n++
				if f.Status != Agree || f.Interpreter == nil || f.Interpreter.Node == "" {
					t.Errorf("%s: %s %s (interpreter %+v)", f.Name, f.Status, f.Reason, f.Interpreter)
					continue
				}
				if f.Interpreter.Fails != fails[f.Name] {
					t.Errorf("%s: node says fails=%v (%s: %s), expect.txt says fails=%v", f.Name, f.Interpreter.Fails, f.Interpreter.ErrorType, f.Interpreter.Message, fails[f.Name])
				}
			}
			if p := rep.Problems(); len(p) > 0 {
				t.Errorf("problems: %s", strings.Join(p, "\n  "))
			}
		})
	}
	t.Logf("%d Node.js functions verified", n)
	if n == 0 {
		t.Error("no function verified")
	}
}

// expectedFailures reads an expect.txt (CODE FUNCTION FILE:LINE SEVERITY lines): the
// functions with an error whose code means the handler does not load.
func expectedFailures(text string) map[string]bool {
	out := map[string]bool{}
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) < 4 || strings.HasPrefix(f[0], "#") || f[3] != "error" {
			continue
		}
		switch f[0] {
		case "LK101", "LK102", "LK103", "LK107", "LK108", "LK301", "LK302", "LK303", "LK304":
			out[f[1]] = true
		}
	}
	return out
}
