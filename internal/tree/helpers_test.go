package tree

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// zipEntry is one entry of a test archive.
type zipEntry struct {
	name string
	body string
	mode fs.FileMode // 0: leave the header's mode alone
}

// buildZip writes entries, in order, into an in-memory archive.
func buildZip(t testing.TB, entries ...zipEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate}
		if e.mode != 0 {
			h.SetMode(e.mode)
		}
		if strings.HasSuffix(e.name, "/") {
			h.Method = zip.Store
		}
		f, err := w.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Write([]byte(e.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// writeFiles creates files (name → content) below root, with folders as needed.
func writeFiles(t testing.TB, root string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// symlink makes a symlink or skips the test where the OS does not allow it.
func symlink(t testing.TB, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		if runtime.GOOS == "windows" {
			t.Skipf("symlinks not available: %v", err)
		}
		t.Fatal(err)
	}
}

// checkConsistent walks tr and checks that every implementation agrees with itself:
// Stat matches the ReadDir entry, walked names are clean, ReadFile of a file returns
// Size bytes, ReadFile of a folder and ReadDir of a file report fs.ErrNotExist.
// It returns the walked names, folders with a trailing slash.
func checkConsistent(t *testing.T, tr Tree) []string {
	t.Helper()
	if i, err := tr.Stat(""); err != nil || !i.Dir {
		t.Errorf("Stat(\"\") = %+v, %v; want a folder", i, err)
	}
	var names []string
	err := Walk(tr, "", func(name string, info Info) error {
		if c, ok := Clean(name); !ok || c != name || name == "" {
			t.Errorf("walked name %q is not clean", name)
		}
		st, err := tr.Stat(name)
		if err != nil {
			t.Errorf("Stat(%q) of a listed entry: %v", name, err)
		} else if st != info {
			t.Errorf("Stat(%q) = %+v, ReadDir says %+v", name, st, info)
		}
		if info.Dir {
			names = append(names, name+"/")
			checkOwned(t, tr, name)
			if _, err := tr.ReadFile(name); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("ReadFile(folder %q) err = %v, want fs.ErrNotExist", name, err)
			}
			return nil
		}
		names = append(names, name)
		if _, err := tr.ReadDir(name); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("ReadDir(file %q) err = %v, want fs.ErrNotExist", name, err)
		}
		b, err := tr.ReadFile(name)
		if err != nil {
			t.Errorf("ReadFile(%q): %v", name, err)
		} else if int64(len(b)) != info.Size {
			t.Errorf("ReadFile(%q) gave %d bytes, Size says %d", name, len(b), info.Size)
		}
		return nil
	})
	if err != nil {
		t.Errorf("Walk: %v", err)
	}
	checkOwned(t, tr, "")
	return names
}

// checkOwned checks that the caller owns the slice ReadDir returns.
func checkOwned(t *testing.T, tr Tree, dir string) {
	t.Helper()
	l, err := tr.ReadDir(dir)
	if err != nil || len(l) == 0 {
		return
	}
	want := l[0].Name
	l[0].Name = "\x00scribbled"
	if again, _ := tr.ReadDir(dir); len(again) == 0 || again[0].Name != want {
		t.Errorf("ReadDir(%q) returns memory the tree keeps", dir)
	}
}

// openFDs counts this process's open descriptors, or -1 where that is not known.
func openFDs() int {
	for _, dir := range []string{"/proc/self/fd", "/dev/fd"} {
		if es, err := os.ReadDir(dir); err == nil {
			return len(es)
		}
	}
	return -1
}

func mustRead(t *testing.T, tr Tree, name string) string {
	t.Helper()
	b, err := tr.ReadFile(name)
	if err != nil {
		t.Fatalf("ReadFile(%q): %v", name, err)
	}
	return string(b)
}

// dirPath is one way DirTree can read a folder: set switches to it and returns the
// function that switches back. dirPaths (per system) lists them, the default first.
type dirPath struct {
	name string
	set  func() (undo func())
}

// dirSnapshot describes everything tr shows: every walked entry with its Info, the
// contents of every file, and what Stat and ReadFile say for each probe name.
func dirSnapshot(t *testing.T, tr Tree, probes ...string) string {
	t.Helper()
	var sb strings.Builder
	err := Walk(tr, "", func(name string, info Info) error {
		fmt.Fprintf(&sb, "%s %+v", name, info)
		if !info.Dir {
			b, err := tr.ReadFile(name)
			fmt.Fprintf(&sb, " %q %v", b, err)
		}
		sb.WriteByte('\n')
		return nil
	})
	if err != nil {
		t.Fatalf("Walk: %v", err)
	}
	for _, name := range probes {
		info, err := tr.Stat(name)
		b, rerr := tr.ReadFile(name)
		l, lerr := tr.ReadDir(name)
		fmt.Fprintf(&sb, "probe %q: %+v %v / %q %v / %d %v\n", name, info, err, b, rerr, len(l), lerr)
	}
	return sb.String()
}
