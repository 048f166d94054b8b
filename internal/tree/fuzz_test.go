package tree

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// FuzzZip opens arbitrary bytes as an archive, walks everything and reads every file:
// no panic, every walked name is clean, Stat agrees with ReadDir, ReadFile returns
// exactly the declared size or an error, and every entry archive/zip lists with a
// resolvable name is in the tree.
func FuzzZip(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		z, err := ZipBytes(data, "fuzz.zip")
		if err != nil {
			return
		}
		defer z.Close()
		if i, err := z.Stat(""); err != nil || !i.Dir {
			t.Fatalf("root: %+v, %v", i, err)
		}
		err = Walk(z, "", func(name string, info Info) error {
			if c, ok := Clean(name); !ok || c != name || name == "" {
				t.Fatalf("walked name %q escapes or is not clean", name)
			}
			if st, err := z.Stat(name); err != nil || st != info {
				t.Fatalf("Stat(%q) = %+v, %v; ReadDir says %+v", name, st, err, info)
			}
			if info.Dir {
				if _, err := z.ReadFile(name); !errors.Is(err, fs.ErrNotExist) {
					t.Fatalf("ReadFile(folder %q) err = %v", name, err)
				}
				return nil
			}
			if info.Size > 1<<20 {
				return nil // keep iterations fast; the cap is tested elsewhere
			}
			if b, err := z.ReadFile(name); err == nil && int64(len(b)) != info.Size {
				t.Fatalf("ReadFile(%q) = %d bytes, declared %d", name, len(b), info.Size)
			}
			return nil
		})
		if err != nil {
			t.Fatalf("Walk: %v", err)
		}
		checkWalkMatchesReadDir(t, z)
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if zr == nil {
			t.Fatalf("ZipBytes accepted what archive/zip rejects: %v", err)
		}
		for _, f := range zr.File {
			name, reason := zipName(f.Name)
			if reason != "" {
				if Exists(z, f.Name) && f.Name != name {
					t.Fatalf("unresolvable name %q resolves", f.Name)
				}
				continue
			}
			if f.Mode().Type()&^fs.ModeDir == 0 && !Exists(z, name) {
				t.Fatalf("entry %q (%q) is missing", f.Name, name)
			}
		}
	})
}

// TestWriteFuzzSeeds regenerates testdata/fuzz/FuzzZip when LAYERKIT_WRITE_FUZZ_SEEDS
// is set.
func TestWriteFuzzSeeds(t *testing.T) {
	if os.Getenv("LAYERKIT_WRITE_FUZZ_SEEDS") == "" {
		t.Skip("set LAYERKIT_WRITE_FUZZ_SEEDS=1 to regenerate the seed corpus")
	}
	plain := bytes.Repeat([]byte{'a'}, 1000)
	var comp bytes.Buffer
	fw, _ := flate.NewWriter(&comp, flate.BestCompression)
	fw.Write(plain)
	fw.Close()
	seeds := map[string][]byte{
		"simple": buildZip(t,
			zipEntry{name: "python/pkg/__init__.py", body: ""},
			zipEntry{name: "python/pkg/mod.py", body: "import os\n"},
			zipEntry{name: "app.py", body: "def handler(e, c): pass\n"},
		),
		"dotdot": buildZip(t,
			zipEntry{name: "../evil", body: "evil"},
			zipEntry{name: "ok/../../evil2", body: "evil"},
			zipEntry{name: "/abs", body: "evil"},
			zipEntry{name: "fine.py", body: "fine"},
		),
		"backslash": buildZip(t,
			zipEntry{name: `python\evil.py`, body: "evil"},
			zipEntry{name: `..\..\evil.py`, body: "evil"},
			zipEntry{name: "python/fine.py", body: "fine"},
		),
		"symlink": buildZip(t,
			zipEntry{name: "link", body: "../../etc/passwd", mode: fs.ModeSymlink | 0o777},
			zipEntry{name: "dir/", mode: fs.ModeDir | 0o700},
			zipEntry{name: "dir/x", body: "x", mode: 0o600},
		),
		"conflicts": buildZip(t,
			zipEntry{name: "a", body: "file"},
			zipEntry{name: "a/b", body: "under"},
			zipEntry{name: "a/b", body: "again"},
			zipEntry{name: "./c//d/", body: ""},
			zipEntry{name: "c/d", body: "file over folder"},
		),
		"empty":   buildZip(t),
		"inflate": rawZip(t, &zip.FileHeader{Name: "bomb.py", Method: zip.Deflate, CompressedSize64: uint64(comp.Len()), UncompressedSize64: 10, CRC32: crc32.ChecksumIEEE(plain[:10])}, comp.Bytes()),
	}
	z64 := []byte("print('zip64')\n")
	more := map[string][]byte{ // the central-directory reader's own cases
		"zip64-extra": rawZip(t, &zip.FileHeader{Name: "z.py", Method: zip.Store, CRC32: crc32.ChecksumIEEE(z64),
			CompressedSize64: 1<<32 + 5, UncompressedSize64: 1<<32 + 5}, z64),
		"stub":      append([]byte("#!/bin/sh\nexit 0\n"), seeds["simple"]...),
		"junk-tail": append(append([]byte(nil), seeds["simple"]...), "junk"...),
	}
	for dir, set := range map[string][]map[string][]byte{"FuzzZip": {seeds}, "FuzzCentralDir": {seeds, more}} {
		dir = filepath.Join("testdata", "fuzz", dir)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, seeds := range set {
			for name, data := range seeds {
				body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", data)
				if err := os.WriteFile(filepath.Join(dir, "seed-"+name), []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
}
