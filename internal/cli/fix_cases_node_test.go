package cli

import (
	"context"
	"os"
	"os/exec"
	"sort"
	"testing"

	"github.com/layerkit/layerkit/internal/verify"
)

// verifyNode runs layerkit verify on the Node.js app in dir: every function's handler
// is loaded by real node as the Lambda runtime interface client does
// (internal/verify/nodeload, on a /var/task and /opt materialized from the app, with
// Lambda's NODE_PATH and flags), and layerkit's static verdict must agree with node's
// for each function. It returns node's verdict per function: true when it loads.
func verifyNode(t *testing.T, dir string) map[string]bool {
	t.Helper()
	rep, err := verify.App(context.Background(), dir)
	if err != nil {
		t.Fatalf("verify %s: %v", dir, err)
	}
	for _, p := range rep.Problems() {
		t.Errorf("verify %s: %s", dir, p)
	}
	loads := map[string]bool{}
	var names []string
	for _, f := range rep.Functions {
		if f.Interpreter == nil {
			continue
		}
		loads[f.Name] = !f.Interpreter.Fails
		names = append(names, f.Name)
	}
	sort.Strings(names)
	for _, n := range names {
		t.Logf("%s: node loads it: %v", n, loads[n])
	}
	return loads
}

// nodeOrSkip is node, or a skip (a failure under CI=true, as the other node tests).
func nodeOrSkip(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("node is not on PATH (required in CI)")
		}
		t.Skip("node is not on PATH: the fixed Node.js app cannot be loaded")
	}
	return bin
}
