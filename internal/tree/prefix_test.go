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
