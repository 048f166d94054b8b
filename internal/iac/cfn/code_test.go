package cfn

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/iac/iactest"
	"github.com/layerkit/layerkit/internal/tree"
)

// TestOpener: what Open returns after Prefetch is what OpenLocal returns, errors
// included; a prefetched result is handed out once; paths Prefetch was not told about
// open as OpenLocal.
func TestOpener(t *testing.T) {
	root := t.TempDir()
	iactest.WriteFiles(t, root, map[string]string{"fn/app.py": "x = 1\n", "bad.zip": "not a zip"})
	iactest.WriteZip(t, filepath.Join(root, "layer.zip"), map[string]string{"python/mod.py": ""})
	paths := map[string]string{} // name → absolute path
	for _, n := range []string{"fn", "layer.zip", "bad.zip", "missing", "missing.zip"} {
		paths[n] = filepath.Join(root, n)
	}
	o := NewOpener(iac.Limits{}, root)
	o.Prefetch([]string{paths["layer.zip"], paths["fn"], paths["bad.zip"], paths["missing"], paths["layer.zip"]})
	for _, n := range []string{"missing", "bad.zip", "fn", "layer.zip", "layer.zip", "missing.zip"} {
		got, gotDir, gotErr := o.Open(paths[n])
		want, wantDir, wantErr := OpenLocal(iac.Limits{}, root, paths[n])
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
