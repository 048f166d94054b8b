// Package iactest holds the test helpers the loaders' tests share: looking up a
// function or layer that must be there, listing a code tree, writing fixtures
// (files, zips) and finding the shared cases. Only tests import it.
package iactest

import (
	"archive/zip"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/tree"
)

// Function returns the function name of app, failing the test if there is none.
func Function(t testing.TB, app *model.App, name string) *model.Function {
	t.Helper()
	f := app.Function(name)
	if f == nil {
		t.Fatalf("no function %q", name)
	}
	return f
}

// Layer returns the layer name of app, failing the test if there is none.
func Layer(t testing.TB, app *model.App, name string) *model.Layer {
	t.Helper()
	l := app.Layer(name)
	if l == nil {
		t.Fatalf("no layer %q", name)
	}
	return l
}

// Files lists the files of c's tree as "name=display", sorted.
func Files(t testing.TB, c *model.Code) []string {
	t.Helper()
	if c == nil {
		t.Fatal("no code")
	}
	var out []string
	err := tree.Walk(c.Tree, "", func(n string, i tree.Info) error {
		if !i.Dir {
			out = append(out, n+"="+c.Tree.Display(n))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

// WriteFiles writes files (slash name → content) under dir, making folders.
func WriteFiles(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// WriteZip writes a zip archive at p holding files (name → content), making its folder.
func WriteZip(t testing.TB, p string, files map[string]string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	w := zip.NewWriter(f)
	for n, c := range files {
		fw, err := w.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fw.Write([]byte(c)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// CasesDir finds ../shared/cases beside the repository root (the folder holding
// go.mod), or returns "".
func CasesDir(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			c := filepath.Join(dir, "..", "shared", "cases")
			if fi, err := os.Stat(c); err == nil && fi.IsDir() {
				return c
			}
			return ""
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}
