package iac

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

func TestCheckInside(t *testing.T) {
	root := t.TempDir()
	other := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "src", "fn"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(other, filepath.Join(root, "escape")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(root, "src"), filepath.Join(root, "inlink")); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		p       string
		outside bool
	}{
		{filepath.Join(root, "src", "fn"), false},
		{root, false},
		{filepath.Join(root, "src", "missing", "deeper"), false},
		{filepath.Join(root, "inlink", "fn"), false},
		{filepath.Join(root, ".."), true},
		{"/", true},
		{filepath.Join(root, "src", "..", "..", "x"), true},
		{filepath.Join(root, "escape"), true},
		{filepath.Join(root, "escape", "not-yet"), true},
		{root + "-sibling", true},
	} {
		err := Limits{}.CheckInside(root, tc.p)
		var oe *OutsideError
		if got := errors.As(err, &oe); got != tc.outside {
			t.Errorf("CheckInside(%s) = %v, want outside=%v", tc.p, err, tc.outside)
		}
	}
	allow, err := ResolveOutside([]string{other})
	if err != nil {
		t.Fatal(err)
	}
	l := Limits{AllowOutside: allow}
	if err := l.CheckInside(root, filepath.Join(root, "escape")); err != nil {
		t.Errorf("allowed place still refused: %v", err)
	}
	if err := (Limits{}).CheckInside(root, filepath.Join(root, "escape")); err == nil {
		t.Error("another Limits value sees the allowed place")
	}
	if err := l.CheckInside(root, "/"); err == nil {
		t.Error("/ allowed although only another folder was")
	}
}

// TestResolverMatchesEvalSymlinks holds the Resolver's memory to filepath.EvalSymlinks
// and to CheckInside without it, on a tree with symlinks of every kind: relative,
// absolute, chained, dangling, looping, to a file, through a file, and out of the root.
func TestResolverMatchesEvalSymlinks(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "root")
	other := filepath.Join(base, "other")
	for _, d := range []string{"root/src/fn/pkg", "root/src/b", "other/x"} {
		if err := os.MkdirAll(filepath.Join(base, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(root, "src", "file.zip"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	links := map[string]string{
		"root/rel":      "src/fn",
		"root/abs":      filepath.Join(root, "src"),
		"root/chain":    "rel",
		"root/dangling": "nowhere",
		"root/loop":     "loop",
		"root/tofile":   "src/file.zip",
		"root/escape":   "../other",
		"root/src/up":   "..",
		"root/src/b/in": "../fn",
		"other/back":    filepath.Join(root, "src"),
	}
	for l, to := range links {
		if err := os.Symlink(to, filepath.Join(base, l)); err != nil {
			t.Fatal(err)
		}
	}
	paths := []string{root, base, other, "/", filepath.Join(root, "..")}
	for _, p := range []string{"src", "src/fn", "src/fn/pkg", "src/fn/pkg/missing", "src/file.zip", "src/file.zip/below",
		"rel", "rel/pkg", "abs/fn", "chain/pkg", "dangling", "dangling/x", "loop", "loop/x", "tofile", "tofile/x",
		"escape", "escape/x", "escape/back/fn", "src/up/src/b/in/pkg", "src/b/in", "missing/deeper", "src/../escape/x"} {
		paths = append(paths, filepath.Join(root, p))
	}
	r := NewResolver()
	for round := range 2 { // the second round answers from memory
		for _, p := range paths {
			want, werr := filepath.EvalSymlinks(p)
			got, gerr := r.evalSymlinks(p)
			if got != want || (werr == nil) != (gerr == nil) || os.IsNotExist(werr) != os.IsNotExist(gerr) {
				t.Errorf("round %d: evalSymlinks(%s) = %q, %v; EvalSymlinks: %q, %v", round, p, got, gerr, want, werr)
			}
			wr, werr := resolve(p)
			gr, gerr := r.resolve(p)
			if gr != wr || (werr == nil) != (gerr == nil) {
				t.Errorf("round %d: resolve(%s) = %q, %v; without memory: %q, %v", round, p, gr, gerr, wr, werr)
			}
			want1, want2 := Limits{}.CheckInside(root, p), Limits{}.CheckInsideWith(r, root, p)
			if (want1 == nil) != (want2 == nil) {
				t.Errorf("round %d: CheckInsideWith(%s) = %v; CheckInside: %v", round, p, want2, want1)
			}
		}
	}
	if err := (Limits{}).CheckInsideWith(r, root, filepath.Join(root, "escape", "x")); err == nil {
		t.Error("a symlink out of the root is let through from memory")
	}
}

// BenchmarkCheckInside: 200 function folders below one root, as a loader checks
// them (cfn.Opener), with and without a Resolver.
func BenchmarkCheckInside(b *testing.B) {
	root := b.TempDir()
	var fns []string
	for i := range 200 {
		fn := filepath.Join(root, "fns", fmt.Sprintf("f%04d", i))
		if err := os.MkdirAll(fn, 0o755); err != nil {
			b.Fatal(err)
		}
		fns = append(fns, fn)
	}
	b.Run("plain", func(b *testing.B) {
		for b.Loop() {
			for _, fn := range fns {
				if err := (Limits{}).CheckInside(root, fn); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("resolver", func(b *testing.B) {
		for b.Loop() {
			r := NewResolver()
			for _, fn := range fns {
				if err := (Limits{}).CheckInsideWith(r, root, fn); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}
