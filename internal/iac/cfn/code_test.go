package cfn

import (
	"archive/zip"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/layerkit/layerkit/internal/tree"
)

// TestOpener: what Open returns after Prefetch is what OpenLocal returns, errors
// included; a prefetched result is handed out once; paths Prefetch was not told about
// open as OpenLocal.
func TestOpener(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "fn"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "fn", "app.py"), []byte("x = 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(root, "layer.zip"))
	if err != nil {
		t.Fatal(err)
	}
	w := zip.NewWriter(f)
	if _, err := w.Create("python/mod.py"); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := os.WriteFile(filepath.Join(root, "bad.zip"), []byte("not a zip"), 0o644); err != nil {
		t.Fatal(err)
	}
	paths := map[string]string{} // name → absolute path
	for _, n := range []string{"fn", "layer.zip", "bad.zip", "missing", "missing.zip"} {
		paths[n] = filepath.Join(root, n)
	}
	o := NewOpener(root)
	o.Prefetch([]string{paths["layer.zip"], paths["fn"], paths["bad.zip"], paths["missing"], paths["layer.zip"]})
	for _, n := range []string{"missing", "bad.zip", "fn", "layer.zip", "layer.zip", "missing.zip"} {
		got, gotDir, gotErr := o.Open(paths[n])
		want, wantDir, wantErr := OpenLocal(root, paths[n])
		if gotDir != wantDir || (gotErr == nil) != (wantErr == nil) ||
			gotErr != nil && gotErr.Error() != wantErr.Error() || errors.Is(gotErr, ErrNotFound) != errors.Is(wantErr, ErrNotFound) {
			t.Errorf("%s: Open = %v, %v; OpenLocal = %v, %v", n, gotDir, gotErr, wantDir, wantErr)
			continue
		}
		if gotErr != nil {
			continue
		}
		if got.Display != want.Display || tree.IsFile(got.Tree, "app.py") != tree.IsFile(want.Tree, "app.py") ||
			tree.IsFile(got.Tree, "python/mod.py") != tree.IsFile(want.Tree, "python/mod.py") {
			t.Errorf("%s: Open = %+v, OpenLocal = %+v", n, got, want)
		}
	}
	a, _, _ := o.Open(paths["fn"])
	b, _, _ := o.Open(paths["fn"])
	if a == b {
		t.Error("two Opens of one path share a Code")
	}
}
