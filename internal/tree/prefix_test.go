package tree

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadPrefix(t *testing.T) {
	big := strings.Repeat("x", 100000)
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "a"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "a", "f.so"), []byte("HEAD"+big), 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := Dir(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	w, _ := zw.Create("python/f.so")
	w.Write([]byte("ZHDR" + big))
	w2, _ := zw.Create("short.so")
	w2.Write([]byte("ab"))
	zw.Close()
	z, err := ZipBytes(zb.Bytes(), "l.zip")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		t    Tree
		name string
		want string
	}{
		{d, "a/f.so", "HEAD"},
		{Sub(d, "a"), "f.so", "HEAD"},
		{Mount(d, "python"), "python/a/f.so", "HEAD"},
		{z, "python/f.so", "ZHDR"},
		{z, "short.so", "ab"},
		{NewOverlay([]Tree{Mount(Sub(d, "a"), "python"), z}), "python/f.so", "ZHDR"},
		{NewMap("", map[string]string{"m.so": "MAPDATA"}), "m.so", "MAPD"},
	} {
		got, err := ReadPrefix(tc.t, tc.name, 4)
		if err != nil || string(got) != tc.want {
			t.Errorf("ReadPrefix(%s) = %q, %v; want %q", tc.name, got, err, tc.want)
		}
	}
	if _, err := ReadPrefix(z, "missing", 4); err == nil {
		t.Error("a missing file was read")
	}
}

// ReadFileBuf gives what ReadFile gives, through every kind of tree, and reads a zip
// entry into the buffer when it has the room.
func TestReadFileBuf(t *testing.T) {
	z, err := ZipBytes(buildZip(t, zipEntry{name: "python/a.py", body: "import os\n"}, zipEntry{name: "python/b.txt", body: strings.Repeat("b", 300)}), "l.zip")
	if err != nil {
		t.Fatal(err)
	}
	m := NewMap("m", map[string]string{"python/c.py": "c"})
	trees := map[string]Tree{"zip": z, "map": m, "overlay": NewOverlay([]Tree{m, z}), "sub": Sub(z, "python"), "mount": Mount(z, "opt")}
	names := []string{"python/a.py", "python/b.txt", "python/c.py", "a.py", "b.txt", "opt/python/a.py", "missing", "python", "../x"}
	for label, tr := range trees {
		for _, name := range names {
			want, wantErr := tr.ReadFile(name)
			buf := make([]byte, 0, 512)
			got, err := ReadFileBuf(tr, name, buf)
			if string(got) != string(want) || (err == nil) != (wantErr == nil) {
				t.Errorf("%s: ReadFileBuf(%q) = %q, %v; ReadFile %q, %v", label, name, got, err, want, wantErr)
			}
			if len(got) > 0 && &got[0] != &buf[:1][0] {
				t.Errorf("%s: ReadFileBuf(%q) did not use the buffer", label, name)
			}
		}
	}
	// A Map's bytes are copied, never handed over.
	if got, _ := ReadFileBuf(m, "python/c.py", nil); &got[0] == &m.Files["python/c.py"][0] {
		t.Error("ReadFileBuf handed over a Map's own bytes")
	}
	// Too small a buffer: a new slice, the same bytes.
	if got, err := ReadFileBuf(z, "python/b.txt", make([]byte, 0, 10)); err != nil || len(got) != 300 {
		t.Errorf("small buffer: %d bytes, %v", len(got), err)
	}
}
