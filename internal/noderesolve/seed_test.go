package noderesolve

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"testing"
)

// TestMaterializeSeed writes the app of differential seed LK_SEED to /tmp/lk-seedN
// and prints the node command the differential test runs on it and the resolver's
// verdicts: LK_SEED=131 go test -run MaterializeSeed -v ./internal/noderesolve/
func TestMaterializeSeed(t *testing.T) {
	s := os.Getenv("LK_SEED")
	if s == "" {
		t.Skip()
	}
	seed, _ := strconv.ParseUint(s, 10, 64)
	app := genAppFor(seed)
	root := "/tmp/lk-seed" + s
	if err := os.RemoveAll(root); err != nil {
		t.Fatal(err)
	}
	h := map[string]string{}
	for _, f := range []string{"index.mjs", "hooks.mjs"} {
		b, _ := os.ReadFile("testdata/harness/" + f)
		h[f] = string(b)
	}
	materialize(t, root, app, app.env(), h)
	hs, _ := json.Marshal(app.handlers)
	np := ""
	for _, e := range app.env().NodePath {
		np += root + e + ":"
	}
	fmt.Printf("cd %s/var/task && LK_ROOT=%s LK_MAJOR=%d NODE_PATH=%s node --no-experimental-require-module --no-experimental-detect-module %s/var/runtime/index.mjs '%s'\n", root, root, app.major, np, root, hs)
	r := app.resolver()
	for _, h := range app.handlers {
		ld := r.LoadHandler(h)
		fmt.Printf("%s: %+v %v\n", h, ld.Verdict, ld.Alternatives)
	}
}
