package noderesolve

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// TestMaterializeSeed writes the app of differential seed LK_SEED under
// /tmp/lk-seedN (one copy per function, as the differential test does) and prints the
// node command the test runs and the resolver's verdicts:
//
//	LK_SEED=131 go test -run MaterializeSeed -v ./internal/noderesolve/
func TestMaterializeSeed(t *testing.T) {
	s := os.Getenv("LK_SEED")
	if s == "" {
		t.Skip("LK_SEED not set")
	}
	seed, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	app := genAppFor(seed)
	base := "/tmp/lk-seed" + s
	if err := os.RemoveAll(base); err != nil {
		t.Fatal(err)
	}
	h := harnessFiles()
	env := app.env()
	var items []map[string]any
	for j, handler := range app.handlers {
		root := filepath.Join(base, fmt.Sprintf("f%d", j))
		materialize(t, root, app, env, h)
		var np []string
		for _, e := range env.NodePath {
			np = append(np, root+e)
		}
		items = append(items, map[string]any{"root": root, "handler": handler, "nodePath": np})
	}
	arg, _ := json.Marshal(items)
	fmt.Printf("cd %s/f0/var/task && LK_MAJOR=%d node --no-experimental-require-module --no-experimental-detect-module %s/f0/var/runtime/index.mjs '%s'\n", base, app.major, base, arg)
	r := app.resolver()
	for _, handler := range app.handlers {
		ld := r.LoadHandler(handler)
		fmt.Printf("%s: %+v %v\n", handler, ld.Verdict, ld.Alternatives)
	}
}
