package tree

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unsafe"
)

// compareWithArchiveZip reads data with readCentralDir and with archive/zip (the oracle)
// and fails on any difference: both accept or both refuse; the same entries in the same
// order, with the same raw names, sizes, CRCs, methods, flags, modes and data offsets;
// and every entry either inflates to the same bytes with both or fails with both.
// maxRead bounds the entries whose contents are compared.
func compareWithArchiveZip(t *testing.T, data []byte, maxRead uint64) {
	t.Helper()
	ra := bytes.NewReader(data)
	d, err := readCentralDir(ra, int64(len(data)))
	zr, zerr := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if zerr == zip.ErrInsecurePath {
		zerr = nil
	}
	if (err == nil) != (zerr == nil) {
		t.Fatalf("readCentralDir err = %v, archive/zip err = %v", err, zerr)
	}
	if err != nil {
		return
	}
	if len(d.entries) != len(zr.File) {
		t.Fatalf("%d entries, archive/zip %d", len(d.entries), len(zr.File))
	}
	for i, f := range zr.File {
		e := &d.entries[i]
		if got := d.name(i); got != f.Name {
			t.Fatalf("entry %d: name %q, archive/zip %q", i, got, f.Name)
		}
		if e.usize != f.UncompressedSize64 || e.csize != f.CompressedSize64 || e.crc != f.CRC32 || e.method != entryMethod(f.Method) || e.flags != f.Flags || e.mode != f.Mode() || e.creator != uint8(f.CreatorVersion>>8) {
			t.Fatalf("entry %d (%q): %+v; archive/zip usize %d csize %d crc %x method %d flags %x mode %v creator %d", i, f.Name, *e,
				f.UncompressedSize64, f.CompressedSize64, f.CRC32, f.Method, f.Flags, f.Mode(), f.CreatorVersion>>8)
		}
		off, err := e.dataOffset(ra, int64(len(data)))
		zoff, zerr := f.DataOffset()
		if err == nil && (zerr != nil || off != zoff) {
			t.Fatalf("entry %d (%q): data at %d; archive/zip %d, %v", i, f.Name, off, zoff, zerr)
		}
		if err != nil || e.usize > maxRead {
			continue
		}
		if strings.HasSuffix(f.Name, "/") {
			// archive/zip opens a folder entry without looking at its method (an empty
			// reader); a tree never reads a folder's bytes (ReadFile says not found).
			continue
		}
		got, err := e.inflate(ra, off, nil)
		want, zerr := readAllZip(f, maxRead)
		if (err == nil) != (zerr == nil) || err == nil && !bytes.Equal(got, want) {
			t.Fatalf("entry %d (%q): %d bytes, %v; archive/zip %d bytes, %v", i, f.Name, len(got), err, len(want), zerr)
		}
	}
}

// readAllZip reads f with archive/zip, at most limit bytes.
func readAllZip(f *zip.File, limit uint64) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, int64(limit)+1))
	if err == nil && uint64(len(b)) != f.UncompressedSize64 {
		err = fmt.Errorf("%d bytes, declared %d", len(b), f.UncompressedSize64)
	}
	return b, err
}

// TestCentralDirOracle: generated archives (stored and deflated entries, folders,
// symlinks, modes from Unix and FAT, duplicate and hostile names, data descriptors, a
// zip64 directory of 70,000 entries, data before the archive and a comment after it)
// read the same as archive/zip reads them.
func TestCentralDirOracle(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	names := []string{"a.py", "pkg/__init__.py", "pkg/m.py", "pkg/", "../evil", "/abs", `back\slash`, "a//b/./c.py", "dup.py", "dup.py", "nul\x00.py", "caf\xe9.py", "link", ""}
	gen := func(n int, zip64 bool) []byte {
		var buf bytes.Buffer
		w := zip.NewWriter(&buf)
		for i := range n {
			name := names[rng.IntN(len(names))]
			if zip64 || rng.IntN(3) == 0 {
				name = fmt.Sprintf("python/p%d/m%d.py", i%37, i)
			}
			h := &zip.FileHeader{Name: name, Method: zip.Store}
			if rng.IntN(2) == 0 {
				h.Method = zip.Deflate
			}
			switch rng.IntN(4) {
			case 0:
				h.SetMode(0o755)
			case 1:
				h.SetMode(fs.ModeSymlink | 0o777)
			case 2:
				h.CreatorVersion, h.ExternalAttrs = 0, 0x01 // FAT, read-only
			}
			if strings.HasSuffix(name, "/") {
				h.SetMode(fs.ModeDir | 0o700)
			}
			fw, err := w.CreateHeader(h)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasSuffix(name, "/") {
				fw.Write(bytes.Repeat([]byte(name), rng.IntN(50)))
			}
		}
		if rng.IntN(2) == 0 {
			w.SetComment("a comment")
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	for i := range 40 {
		data := gen(1+rng.IntN(60), false)
		t.Run(fmt.Sprint(i), func(t *testing.T) { compareWithArchiveZip(t, data, 1<<20) })
		// Data before the archive (a self-extracting stub): offsets move.
		stub := append([]byte("#!/bin/sh\nexit 0\n"), data...)
		t.Run(fmt.Sprint(i, "-stub"), func(t *testing.T) { compareWithArchiveZip(t, stub, 1<<20) })
		// Junk after the end record: the record is not found, or (with a comment
		// length that covers it) is.
		junk := append(slices0(data), "junk after the end"...)
		t.Run(fmt.Sprint(i, "-junk"), func(t *testing.T) { compareWithArchiveZip(t, junk, 1<<20) })
		// Every entry inflated, with one byte of the archive changed.
		if len(data) > 0 {
			bad := slices0(data)
			bad[rng.IntN(len(bad))] ^= 0x55
			t.Run(fmt.Sprint(i, "-flip"), func(t *testing.T) { compareWithArchiveZip(t, bad, 1<<20) })
			cut := data[:rng.IntN(len(data))]
			t.Run(fmt.Sprint(i, "-cut"), func(t *testing.T) { compareWithArchiveZip(t, cut, 1<<20) })
		}
	}
	big := gen(70_000, true) // a zip64 end record: more than 65,535 entries
	if !bytes.Contains(big, []byte{0x50, 0x4b, 0x06, 0x06}) {
		t.Fatal("the 70,000-entry archive has no zip64 end record")
	}
	compareWithArchiveZip(t, big, 1<<10)

	// A zip64 extra field carrying the sizes and offset of one entry.
	plain := []byte("print('zip64')\n")
	z64 := rawZip(t, &zip.FileHeader{Name: "z.py", Method: zip.Store, CRC32: crc32.ChecksumIEEE(plain),
		CompressedSize64: 1<<32 + 5, UncompressedSize64: 1<<32 + 5}, plain)
	compareWithArchiveZip(t, z64, 1<<20)
	// A deflated entry whose data descriptor CRC is wrong.
	var comp bytes.Buffer
	fw, _ := flate.NewWriter(&comp, flate.BestSpeed)
	fw.Write(plain)
	fw.Close()
	dd := rawZip(t, &zip.FileHeader{Name: "d.py", Method: zip.Deflate, Flags: 0x8, CRC32: crc32.ChecksumIEEE(plain),
		CompressedSize64: uint64(comp.Len()), UncompressedSize64: uint64(len(plain))}, append(comp.Bytes(), 0x50, 0x4b, 0x07, 0x08, 1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0))
	compareWithArchiveZip(t, dd, 1<<20)
}

func slices0(b []byte) []byte { return append([]byte(nil), b...) }

// TestCentralDirHostileCorpus: every zip of the hostile corpus reads as archive/zip
// reads it.
func TestCentralDirHostileCorpus(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("..", "..", "testdata", "hostile", "zips", "*.zip"))
	if err != nil || len(paths) < 10 {
		t.Fatalf("hostile zips: %v, %d", err, len(paths))
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(filepath.Base(p), func(t *testing.T) { compareWithArchiveZip(t, data, 64<<20) })
	}
}

// FuzzCentralDir: readCentralDir and the entry reads agree with archive/zip on
// arbitrary bytes (see compareWithArchiveZip), and never panic.
func FuzzCentralDir(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		compareWithArchiveZip(t, data, 1<<20)
	})
}

func TestCdEntrySize(t *testing.T) {
	if n := unsafe.Sizeof(cdEntry{}); n != 40 {
		t.Errorf("cdEntry is %d bytes, want 40 (a 1,000,000-entry archive holds a million of them)", n)
	}
}
