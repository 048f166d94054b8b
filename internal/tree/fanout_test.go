package tree

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// symlinkFanOut makes levels folders d0..dN, each holding links l1..lK to the next:
// K^levels paths.
func symlinkFanOut(t *testing.T, root string, levels, links int) {
	t.Helper()
	for i := 0; i <= levels; i++ {
		writeFiles(t, root, map[string]string{fmt.Sprintf("d%d/m.py", i): "x = 1\n"})
	}
	for i := range levels {
		for j := range links {
			if err := os.Symlink(fmt.Sprintf("../d%d", i+1), filepath.Join(root, fmt.Sprintf("d%d/l%d", i, j))); err != nil {
				t.Skipf("symlink: %v", err)
			}
		}
	}
}

// TestDirFanOut: a walk over 6^12 paths stops at the bound, with ErrFanOut naming the
// folder, after listing no more folders than the bound allows, and Overrun says so
// through the views over the tree.
func TestDirFanOut(t *testing.T) {
	root := t.TempDir()
	symlinkFanOut(t, root, 12, 6)
	d, err := NewDir(root, "src")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	err = Walk(Mount(Sub(d, "d0"), "python"), "", func(string, Info) error { n++; return nil })
	// Folders reached through links may be 2*plain+maxLinkedExtra (the root and d0 are
	// plain: the walk reaches the others through links), and the listing past the bound
	// fails. Each listing holds 7 entries.
	plain, linked := d.plain.Load(), d.linked.Load()
	if maxLinked := 2*plain + maxLinkedExtra + 1; linked > maxLinked || n > 7*int(plain+maxLinked) {
		t.Errorf("listed %d folders and %d through links, walked %d entries; want at most %d through links and %d entries", plain, linked, n, maxLinked, 7*(plain+maxLinked))
	}
	var pe *os.PathError
	if !errors.Is(err, ErrFanOut) || !errors.As(err, &pe) || filepath.Dir(pe.Path) == "." {
		t.Fatalf("walk error %v, want ErrFanOut naming a folder below src", err)
	}
	if o := Overrun(Mount(Sub(d, "d0"), "python")); !errors.Is(o, ErrFanOut) {
		t.Errorf("Overrun through the views = %v", o)
	}
	if o := Overrun(NewOverlay([]Tree{NewMap("m", nil), Sub(d, "d1")})); !errors.Is(o, ErrFanOut) {
		t.Errorf("Overrun through an overlay = %v", o)
	}
	t.Logf("%d entries walked before %v", n, err)
}

// TestDirLinkedCopy: a link duplicating a large part of the tree (a virtualenv's
// lib64 -> lib) is within the bound.
func TestDirLinkedCopy(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{}
	for i := range 400 { // more than maxLinkedExtra
		files[fmt.Sprintf("lib/python3.12/site-packages/p%d/__init__.py", i)] = ""
	}
	writeFiles(t, root, files)
	if err := os.Symlink("lib", filepath.Join(root, "lib64")); err != nil {
		t.Skipf("symlink: %v", err)
	}
	d, err := NewDir(root, "")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	if err := Walk(d, "", func(string, Info) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	if want := 2 * (400*2 + 3); n != want || d.Overrun() != nil {
		t.Errorf("walked %d entries (want %d), Overrun %v", n, want, d.Overrun())
	}
}
