package zipwrite

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestWriteDeterministic(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "big.txt")
	if err := os.WriteFile(src, []byte(strings.Repeat("layerkit ", 1000)), 0o600); err != nil {
		t.Fatal(err)
	}
	files := []File{
		{Name: "python/pkg/__init__.py", Data: []byte("x = 1\n")},
		{Name: "python/big.txt", Src: src},
		{Name: "python/bin/tool", Data: []byte("#!/bin/sh\n"), Exec: true},
		{Name: "python/empty/", Dir: true},
		{Name: "python/zero", Data: []byte{}},
		{Name: "python/ünï.py", Data: []byte("pass\n")},
	}
	var a, b bytes.Buffer
	if _, err := Write(&a, files, Options{}); err != nil {
		t.Fatal(err)
	}
	// the same entries in another order, the source file with another mtime and mode
	rev := append([]File(nil), files...)
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	if err := os.Chtimes(src, time.Now(), time.Now().Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(src, 0o666); err != nil {
		t.Fatal(err)
	}
	stats, err := Write(&b, rev, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("same entries in another order gave different bytes")
	}

	zr, err := zip.NewReader(bytes.NewReader(a.Bytes()), int64(a.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		if len(f.Extra) != 0 {
			t.Errorf("%s has an extra field %x", f.Name, f.Extra)
		}
		if !f.Modified.Equal(DefaultTime) {
			t.Errorf("%s: modified %v, want %v", f.Name, f.Modified, DefaultTime)
		}
		if f.Flags&0x8 != 0 {
			t.Errorf("%s has a data descriptor", f.Name)
		}
		want := os.FileMode(0o644)
		switch {
		case strings.HasSuffix(f.Name, "/"):
			want = os.ModeDir | 0o755
		case f.Name == "python/bin/tool":
			want = 0o755
		}
		if f.Mode() != want {
			t.Errorf("%s: mode %v, want %v", f.Name, f.Mode(), want)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		if _, err := got.ReadFrom(rc); err != nil {
			t.Errorf("%s: %v", f.Name, err)
		}
		rc.Close()
	}
	wantNames := "python/ python/big.txt python/bin/ python/bin/tool python/empty/ python/pkg/ python/pkg/__init__.py python/zero python/ünï.py"
	if got := strings.Join(names, " "); got != wantNames {
		t.Errorf("entries:\n got %s\nwant %s", got, wantNames)
	}
	if len(stats) != len(names) {
		t.Errorf("%d stats for %d entries", len(stats), len(names))
	}
	for _, s := range stats {
		if s.Name == "python/big.txt" && (!s.Deflated || s.Compressed >= s.Size) {
			t.Errorf("big.txt not deflated: %+v", s)
		}
	}
}

func TestWriteTimestamp(t *testing.T) {
	for _, tc := range []struct{ in, want time.Time }{
		{time.Unix(0, 0), DefaultTime},
		{time.Date(2024, 5, 6, 7, 8, 10, 0, time.UTC), time.Date(2024, 5, 6, 7, 8, 10, 0, time.UTC)},
		{time.Date(2024, 5, 6, 7, 8, 11, 0, time.UTC), time.Date(2024, 5, 6, 7, 8, 10, 0, time.UTC)},
	} {
		var b bytes.Buffer
		if _, err := Write(&b, []File{{Name: "a", Data: []byte("a")}}, Options{Modified: tc.in}); err != nil {
			t.Fatal(err)
		}
		zr, err := zip.NewReader(bytes.NewReader(b.Bytes()), int64(b.Len()))
		if err != nil {
			t.Fatal(err)
		}
		if got := zr.File[0].Modified; !got.Equal(tc.want) {
			t.Errorf("Modified %v: got %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestWriteBadNames(t *testing.T) {
	for _, files := range [][]File{
		{{Name: "../x", Data: []byte("")}},
		{{Name: "/x", Data: []byte("")}},
		{{Name: "a/./b", Data: []byte("")}},
		{{Name: "a", Data: []byte("")}, {Name: "a", Data: []byte("")}},
		{{Name: "a", Data: []byte("")}, {Name: "a/b", Data: []byte("")}},
	} {
		if _, err := Write(&bytes.Buffer{}, files, Options{}); err == nil {
			t.Errorf("%v: no error", files)
		}
	}
}
