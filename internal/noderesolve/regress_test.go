package noderesolve

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
)

// Regression apps: generated apps on which the resolver and node once disagreed,
// kept as txtar files under testdata/regress (so that they stay what they were when
// the generator changes). The differential test runs them first, in -short too.
//
// Format: the comment holds "runtime nodejsNN.x", an optional "NODE_PATH value" and
// one "handler X" line per function; files are "task/<name>" (/var/task) and
// "layerI/<name>" (the I-th layer, extracted in order).
//
// LK_WRITE_REGRESS=seed[,seed...] go test -run WriteRegress ./internal/noderesolve/
// writes the apps of those seeds.

const regressDir = "testdata/regress"

func appTxtar(app *genApp) []byte {
	var c strings.Builder
	fmt.Fprintf(&c, "generated app, seed %d\nruntime nodejs%d.x\n", app.seed, app.major)
	if app.nodePath != "" {
		fmt.Fprintf(&c, "NODE_PATH %s\n", app.nodePath)
	}
	for _, h := range app.handlers {
		fmt.Fprintf(&c, "handler %s\n", h)
	}
	ar := &txtar.Archive{Comment: []byte(c.String())}
	add := func(prefix string, files map[string]string) {
		names := make([]string, 0, len(files))
		for n := range files {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			text := files[n]
			if !strings.HasSuffix(text, "\n") {
				text += "\n" // txtar files end with a newline; JavaScript and JSON do not mind
			}
			ar.Files = append(ar.Files, txtar.File{Name: prefix + n, Data: []byte(text)})
		}
	}
	add("task/", app.task)
	for i, l := range app.layers {
		add(fmt.Sprintf("layer%d/", i), l)
	}
	return txtar.Format(ar)
}

func readAppTxtar(name string) (*genApp, error) {
	ar, err := txtar.ParseFile(name)
	if err != nil {
		return nil, err
	}
	app := &genApp{name: filepath.Base(name), task: map[string]string{}}
	for _, line := range strings.Split(string(ar.Comment), "\n") {
		k, v, _ := strings.Cut(line, " ")
		switch k {
		case "runtime":
			if _, err := fmt.Sscanf(v, "nodejs%d.x", &app.major); err != nil {
				return nil, fmt.Errorf("%s: %q: %v", name, line, err)
			}
		case "NODE_PATH":
			app.nodePath = v
		case "handler":
			app.handlers = append(app.handlers, v)
		}
	}
	for _, f := range ar.Files {
		prefix, rest, _ := strings.Cut(f.Name, "/")
		if prefix == "task" {
			app.task[rest] = string(f.Data)
			continue
		}
		var i int
		if _, err := fmt.Sscanf(prefix, "layer%d", &i); err != nil {
			return nil, fmt.Errorf("%s: file %s: want task/ or layerN/", name, f.Name)
		}
		for len(app.layers) <= i {
			app.layers = append(app.layers, map[string]string{})
		}
		app.layers[i][rest] = string(f.Data)
	}
	if app.major == 0 || len(app.handlers) == 0 {
		return nil, fmt.Errorf("%s: no runtime or no handler", name)
	}
	return app, nil
}

func regressionApps(t *testing.T) []*genApp {
	names, _ := filepath.Glob(filepath.Join(regressDir, "*.txtar"))
	var apps []*genApp
	for _, n := range names {
		app, err := readAppTxtar(n)
		if err != nil {
			t.Fatal(err)
		}
		apps = append(apps, app)
	}
	return apps
}

func TestWriteRegress(t *testing.T) {
	seeds := os.Getenv("LK_WRITE_REGRESS")
	if seeds == "" {
		t.Skip("LK_WRITE_REGRESS not set")
	}
	for _, s := range strings.Split(seeds, ",") {
		var seed uint64
		if _, err := fmt.Sscanf(s, "%d", &seed); err != nil {
			t.Fatal(err)
		}
		app := genAppFor(seed)
		if err := os.WriteFile(filepath.Join(regressDir, fmt.Sprintf("seed-%d.txtar", seed)), appTxtar(app), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// The txtar form gives the same app back (what the regression files rely on).
func TestAppTxtarRoundTrip(t *testing.T) {
	app := genAppFor(7)
	back, err := readAppTxtarBytes(appTxtar(app))
	if err != nil {
		t.Fatal(err)
	}
	if back.major != app.major || back.nodePath != app.nodePath || strings.Join(back.handlers, ",") != strings.Join(app.handlers, ",") || len(back.task) != len(app.task) || len(back.layers) != len(app.layers) {
		t.Errorf("round trip changed the app")
	}
}

func readAppTxtarBytes(b []byte) (*genApp, error) {
	f := filepath.Join(os.TempDir(), fmt.Sprintf("lk-app-%d.txtar", os.Getpid()))
	if err := os.WriteFile(f, b, 0o600); err != nil {
		return nil, err
	}
	defer os.Remove(f)
	return readAppTxtar(f)
}
