package tree

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestZipIndex(t *testing.T) {
	data := buildZip(t,
		zipEntry{name: "python/pkg/__init__.py", body: ""},
		zipEntry{name: "python/pkg/mod.py", body: "x = 1\n"},
		zipEntry{name: "top.py", body: "top"},
		zipEntry{name: "./dot/slash.py", body: "dot"},
		zipEntry{name: "empty/"},
		zipEntry{name: "private.py", body: "p", mode: 0o600},
		zipEntry{name: "bin/tool", body: "#!", mode: 0o755},
	)
	z, err := ZipBytes(data, "build/deps.zip")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		want string // "file", "dir" or ""
		mode fs.FileMode
	}{
		{"", "dir", fs.ModeDir | 0o755},
		{"python", "dir", fs.ModeDir | 0o755}, // implied
		{"python/pkg", "dir", fs.ModeDir | 0o755},
		{"python/pkg/", "dir", fs.ModeDir | 0o755},
		{"python/pkg/mod.py", "file", 0o644},
		{"python/pkg/__init__.py", "file", 0o644},
		{"dot/slash.py", "file", 0o644},
		{"empty", "dir", fs.ModeDir | 0o755},
		{"private.py", "file", 0o600},
		{"bin/tool", "file", 0o755},
		{"python/pkg/mod.py/x", "", 0},
		{"python/missing.py", "", 0},
		{"../top.py", "", 0},
		{"/top.py", "", 0},
		{`python\pkg`, "", 0},
	}
	for _, tt := range tests {
		info, err := z.Stat(tt.name)
		switch tt.want {
		case "":
			if !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("Stat(%q) = %+v, %v; want fs.ErrNotExist", tt.name, info, err)
			}
		default:
			if err != nil || info.Dir != (tt.want == "dir") || info.Mode != tt.mode {
				t.Errorf("Stat(%q) = %+v, %v; want %s with mode %v", tt.name, info, err, tt.want, tt.mode)
			}
		}
	}
	names := checkConsistent(t, z)
	want := []string{"bin/", "bin/tool", "dot/", "dot/slash.py", "empty/",
		"private.py", "python/", "python/pkg/", "python/pkg/__init__.py", "python/pkg/mod.py", "top.py"}
	if !slices.Equal(names, want) {
		t.Errorf("walk = %q\nwant   %q", names, want)
	}
	if got := mustRead(t, z, "python/pkg/mod.py"); got != "x = 1\n" {
		t.Errorf("ReadFile = %q", got)
	}
	if got, want := z.Display("python/pkg/mod.py"), "build/deps.zip:python/pkg/mod.py"; got != want {
		t.Errorf("Display = %q, want %q", got, want)
	}
	if got := z.Display(""); got != "build/deps.zip" {
		t.Errorf("Display(\"\") = %q", got)
	}
	if len(z.Skipped()) != 0 {
		t.Errorf("Skipped = %q", z.Skipped())
	}
	zipped, unzipped := z.Size()
	if zipped != int64(len(data)) || unzipped != int64(len("x = 1\n")+len("top")+len("dot")+1+2) {
		t.Errorf("Size = %d, %d", zipped, unzipped)
	}
}

func TestZipInsecureNamesSkipped(t *testing.T) {
	data := buildZip(t,
		zipEntry{name: "ok.py", body: "ok"},
		zipEntry{name: "../evil.py", body: "evil"},
		zipEntry{name: "/abs/evil.py", body: "evil"},
		zipEntry{name: `python\win.py`, body: "evil"},
		zipEntry{name: "a/../../evil.py", body: "evil"},
		zipEntry{name: "nul\x00.py", body: "evil"},
		zipEntry{name: "link.py", body: "../../etc/passwd", mode: fs.ModeSymlink | 0o777},
		zipEntry{name: "pipe", mode: fs.ModeNamedPipe | 0o644},
		zipEntry{name: "a/fine.py", body: "fine"},
	)
	// With zipinsecurepath=0 (a user's GODEBUG), archive/zip returns ErrInsecurePath
	// alongside a usable reader: not fatal, and the index must come out the same.
	t.Setenv("GODEBUG", "zipinsecurepath=0")
	if _, err := zip.NewReader(bytes.NewReader(data), int64(len(data))); !errors.Is(err, zip.ErrInsecurePath) {
		t.Fatalf("archive/zip did not report ErrInsecurePath: %v", err)
	}
	z, err := ZipBytes(data, "x.zip")
	if err != nil {
		t.Fatal(err)
	}
	wantSkipped := []string{"../evil.py", "/abs/evil.py", `python\win.py`, "a/../../evil.py", "nul\x00.py", "link.py", "pipe"}
	if got := z.Skipped(); !slices.Equal(got, wantSkipped) {
		t.Errorf("Skipped = %q\nwant      %q", got, wantSkipped)
	}
	wantReasons := []string{"name contains a .. segment", "absolute name", "name contains a backslash",
		"name contains a .. segment", "name contains a NUL byte", "symlink", "special file (p---------)"}
	for i, s := range z.Skips() {
		if i < len(wantReasons) && s.Reason != wantReasons[i] {
			t.Errorf("skip %q: reason %q, want %q", s.Name, s.Reason, wantReasons[i])
		}
	}
	names := checkConsistent(t, z)
	if want := []string{"a/", "a/fine.py", "ok.py"}; !slices.Equal(names, want) {
		t.Errorf("walk = %q, want %q", names, want)
	}
	for _, n := range []string{"evil.py", "abs/evil.py", "link.py", "pipe", "python"} {
		if Exists(z, n) {
			t.Errorf("%q is visible", n)
		}
	}
}

func TestZipDuplicatesAndConflicts(t *testing.T) {
	data := buildZip(t,
		zipEntry{name: "a.py", body: "first"},
		zipEntry{name: "b/c.py", body: "one"},
		zipEntry{name: "a.py", body: "second"},
		zipEntry{name: "./b/c.py", body: "two"}, // same name once cleaned
		zipEntry{name: "x", body: "a file"},     // x is also a folder below: the folder wins
		zipEntry{name: "x/y.py", body: "y"},
		zipEntry{name: "d/"},
		zipEntry{name: "d", body: "file after folder"}, // the folder wins here too
	)
	z, err := ZipBytes(data, "x.zip")
	if err != nil {
		t.Fatal(err)
	}
	if got := mustRead(t, z, "a.py"); got != "second" {
		t.Errorf("a.py = %q, want the last entry", got)
	}
	if got := mustRead(t, z, "b/c.py"); got != "two" {
		t.Errorf("b/c.py = %q, want the last entry", got)
	}
	for _, n := range []string{"x", "d"} {
		if !IsDir(z, n) {
			t.Errorf("%s is not a folder", n)
		}
	}
	if got, want := z.Skipped(), []string{"x", "d"}; !slices.Equal(got, want) {
		t.Errorf("Skipped = %q, want %q", got, want)
	}
	l, _ := z.ReadDir("")
	if len(l) != 4 { // a.py b d x, each once
		t.Errorf("ReadDir = %+v", l)
	}
	checkConsistent(t, z)
}

// countingReader records the byte ranges read from an archive.
type countingReader struct {
	r      io.ReaderAt
	mu     sync.Mutex
	ranges [][2]int64
}

func (c *countingReader) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.mu.Lock()
	c.ranges = append(c.ranges, [2]int64{off, off + int64(n)})
	c.mu.Unlock()
	return n, err
}

func (c *countingReader) touched(from, to int64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, r := range c.ranges {
		if r[0] < to && from < r[1] {
			return true
		}
	}
	return false
}

func TestZipLazy(t *testing.T) {
	// Incompressible bodies keep the entries apart; "pad" comes last because opening
	// an archive reads its last KiB to find the end of the central directory.
	rnd := rand.New(rand.NewPCG(1, 2))
	noise := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rnd.Uint32())
		}
		return string(b)
	}
	data := buildZip(t,
		zipEntry{name: "a.py", body: "aaaa"},
		zipEntry{name: "b.py", body: noise(64 << 10)},
		zipEntry{name: "c.py", body: "cccc"},
		zipEntry{name: "pad", body: noise(4 << 10)},
	)
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	span := map[string][2]int64{}
	for _, f := range zr.File {
		off, err := f.DataOffset()
		if err != nil {
			t.Fatal(err)
		}
		span[f.Name] = [2]int64{off, off + int64(f.CompressedSize64)}
	}

	cr := &countingReader{r: bytes.NewReader(data)}
	z, err := Caps{}.newZip(cr, int64(len(data)), "x.zip")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"a.py", "b.py", "c.py"} {
		if cr.touched(span[name][0], span[name][1]) {
			t.Errorf("indexing read the data of %s", name)
		}
	}
	cr.ranges = nil
	if got := mustRead(t, z, "c.py"); got != "cccc" {
		t.Fatalf("c.py = %q", got)
	}
	if !cr.touched(span["c.py"][0], span["c.py"][1]) {
		t.Error("reading c.py did not read its data: the counter is broken")
	}
	for _, name := range []string{"a.py", "b.py"} {
		if cr.touched(span[name][0], span[name][1]) {
			t.Errorf("ReadFile(c.py) read the data of %s", name)
		}
	}

	// Indirectly: a damaged entry does not stop the archive from opening, nor the
	// other entries from being read; only its own ReadFile fails.
	bad := slices.Clone(data)
	for i := span["b.py"][0]; i < span["b.py"][1]; i++ {
		bad[i] ^= 0x5a
	}
	z, err = ZipBytes(bad, "bad.zip")
	if err != nil {
		t.Fatalf("open with a damaged entry: %v", err)
	}
	if got := mustRead(t, z, "a.py"); got != "aaaa" {
		t.Errorf("a.py = %q", got)
	}
	if _, err := z.ReadFile("b.py"); err == nil {
		t.Error("ReadFile of the damaged entry succeeded")
	}
}

func TestZipCorrupt(t *testing.T) {
	data := buildZip(t,
		zipEntry{name: "python/a.py", body: "a"},
		zipEntry{name: "python/b.py", body: "b"},
	)
	for cut := 0; cut < len(data); cut++ {
		z, err := ZipBytes(data[:cut], "t.zip")
		if err == nil {
			t.Errorf("ZipBytes(first %d of %d bytes) succeeded: %q", cut, len(data), z.Skipped())
		}
	}
	if _, err := ZipBytes([]byte("PK\x03\x04 not a zip at all"), "t.zip"); err == nil {
		t.Error("garbage accepted")
	}
	path := filepath.Join(t.TempDir(), "trunc.zip")
	if err := os.WriteFile(path, data[:len(data)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Zip(path, "trunc.zip"); err == nil {
		t.Error("Zip(truncated file) succeeded")
	}
	if _, err := Zip(filepath.Join(t.TempDir(), "missing.zip"), ""); err == nil {
		t.Error("Zip(missing) succeeded")
	}
}

// rawZip writes one entry with a hand-made header.
func rawZip(t *testing.T, h *zip.FileHeader, raw []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	f, err := w.CreateRaw(h)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(raw); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestZipBomb(t *testing.T) {
	plain := make([]byte, 1<<20)
	var comp bytes.Buffer
	fw, _ := flate.NewWriter(&comp, flate.BestCompression)
	fw.Write(plain)
	fw.Close()

	t.Run("inflates past declared size", func(t *testing.T) {
		data := rawZip(t, &zip.FileHeader{
			Name: "bomb.py", Method: zip.Deflate,
			CompressedSize64: uint64(comp.Len()), UncompressedSize64: 10,
			CRC32: crc32.ChecksumIEEE(plain[:10]),
		}, comp.Bytes())
		z, err := ZipBytes(data, "b.zip")
		if err != nil {
			t.Fatal(err)
		}
		if i, _ := z.Stat("bomb.py"); i.Size != 10 {
			t.Errorf("Size = %d", i.Size)
		}
		b, err := z.ReadFile("bomb.py")
		if err == nil {
			t.Fatalf("ReadFile succeeded with %d bytes", len(b))
		}
	})
	t.Run("declares more than the cap", func(t *testing.T) {
		data := rawZip(t, &zip.FileHeader{
			Name: "big.py", Method: zip.Deflate,
			CompressedSize64: uint64(comp.Len()), UncompressedSize64: uint64(len(plain)),
			CRC32: crc32.ChecksumIEEE(plain),
		}, comp.Bytes())
		z, err := Caps{MaxFileSize: 1 << 10}.ZipBytes(data, "b.zip")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := z.ReadFile("big.py"); !errors.Is(err, ErrTooLarge) {
			t.Fatalf("ReadFile err = %v, want ErrTooLarge", err)
		}
		if _, unzipped := z.Size(); unzipped != 1<<20 {
			t.Errorf("unzipped = %d", unzipped)
		}
	})
	t.Run("bad checksum", func(t *testing.T) {
		data := rawZip(t, &zip.FileHeader{
			Name: "crc.py", Method: zip.Deflate,
			CompressedSize64: uint64(comp.Len()), UncompressedSize64: uint64(len(plain)),
			CRC32: 12345,
		}, comp.Bytes())
		z, err := ZipBytes(data, "b.zip")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := z.ReadFile("crc.py"); !errors.Is(err, zip.ErrChecksum) {
			t.Fatalf("ReadFile err = %v, want zip.ErrChecksum", err)
		}
	})
}

func TestZipFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "deps.zip")
	data := buildZip(t, zipEntry{name: "python/a.py", body: "a"}, zipEntry{name: "python/b.py", body: "bb"})
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	before := openFDs()
	var trees []*ZipTree
	for range 300 {
		z, err := Zip(path, "build/deps.zip")
		if err != nil {
			t.Fatal(err)
		}
		checkConsistent(t, z)
		trees = append(trees, z)
	}
	// Archives read stay open between reads, at most maxIdleZips of them.
	if after := openFDs(); before >= 0 && after > before+maxIdleZips+2 {
		t.Errorf("%d open descriptors after 300 archives, %d before", after, before)
	}
	defer func() {
		for _, z := range trees {
			z.Close()
		}
		if after := openFDs(); before >= 0 && after > before+2 {
			t.Errorf("%d open descriptors after closing 300 archives, %d before", after, before)
		}
	}()
	z := trees[0]
	if zipped, unzipped := z.Size(); zipped != int64(len(data)) || unzipped != 3 {
		t.Errorf("Size = %d, %d", zipped, unzipped)
	}
	if got := z.Display("python/b.py"); got != "build/deps.zip:python/b.py" {
		t.Errorf("Display = %q", got)
	}

	// Concurrent reads share the one descriptor safely.
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				if b, err := z.ReadFile("python/b.py"); err != nil || string(b) != "bb" {
					t.Errorf("ReadFile = %q, %v", b, err)
					return
				}
			}
		})
	}
	wg.Wait()

	// Replacing the archive after indexing is noticed, not misread.
	other := buildZip(t, zipEntry{name: "python/a.py", body: "a different, longer body"})
	if err := os.WriteFile(path, other, 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chtimes(path, time.Now().Add(time.Hour), time.Now().Add(time.Hour))
	if _, err := trees[1].ReadFile("python/a.py"); err == nil || !strings.Contains(err.Error(), "changed") {
		t.Errorf("ReadFile from a replaced archive: err = %v", err)
	}

	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := z.ReadFile("python/a.py"); !errors.Is(err, fs.ErrClosed) {
		t.Errorf("ReadFile after Close err = %v, want fs.ErrClosed", err)
	}
	if !IsFile(z, "python/a.py") {
		t.Error("index unusable after Close")
	}
}

func TestZipEmpty(t *testing.T) {
	z, err := ZipBytes(buildZip(t), "e.zip")
	if err != nil {
		t.Fatal(err)
	}
	if names := checkConsistent(t, z); len(names) != 0 {
		t.Errorf("walk = %q", names)
	}
}

// listingOnly hides a tree's own walk, so that Walk lists it with ReadDir.
type listingOnly struct{ Tree }

// checkWalkMatchesReadDir: Walk over z's index calls fn with what Walk over ReadDir
// does, in the same order, for every folder, and stops and skips the same way.
func checkWalkMatchesReadDir(t *testing.T, z Tree) {
	t.Helper()
	type call struct {
		name string
		info Info
	}
	record := func(tr Tree, dir string, stop func(name string, info Info) error) ([]call, error) {
		var calls []call
		err := Walk(tr, dir, func(name string, info Info) error {
			calls = append(calls, call{name, info})
			if stop != nil {
				return stop(name, info)
			}
			return nil
		})
		return calls, err
	}
	var dirs []string
	Walk(listingOnly{z}, "", func(name string, info Info) error {
		if info.Dir {
			dirs = append(dirs, name)
		}
		return nil
	})
	errStop := errors.New("stop")
	stops := []func(string, Info) error{
		nil,
		func(_ string, info Info) error { // skip every other folder
			if info.Dir && len(info.Name)%2 == 0 {
				return fs.SkipDir
			}
			return nil
		},
		func(_ string, info Info) error { // SkipDir on a file ends the walk
			if !info.Dir {
				return fs.SkipDir
			}
			return nil
		},
		func(name string, _ Info) error { // an error ends the walk
			if len(name)%3 == 0 {
				return errStop
			}
			return nil
		},
	}
	for _, dir := range append([]string{"", "./", "missing", "/abs", "../x"}, dirs...) {
		for k, stop := range stops {
			want, wantErr := record(listingOnly{z}, dir, stop)
			got, err := record(z, dir, stop)
			if !slices.Equal(got, want) || err != wantErr {
				t.Fatalf("Walk(%q) with stop %d: index walk %v, %v; ReadDir walk %v, %v", dir, k, got, err, want, wantErr)
			}
		}
	}
}

func TestZipWalkMatchesReadDir(t *testing.T) {
	data := buildZip(t,
		zipEntry{name: "python/b.py"}, zipEntry{name: "python/a/x.py"}, zipEntry{name: "python/a/"},
		zipEntry{name: "top"}, zipEntry{name: "top/inner.py"}, zipEntry{name: "dup.py"}, zipEntry{name: "dup.py", body: "2"},
		zipEntry{name: "z/y/x/w.py"}, zipEntry{name: "../evil.py"}, zipEntry{name: "a//b/./c.py"}, zipEntry{name: "m/"},
	)
	z, err := ZipBytes(data, "w.zip")
	if err != nil {
		t.Fatal(err)
	}
	checkWalkMatchesReadDir(t, z)
	// Walking allocates no listing and no name.
	if n := testing.AllocsPerRun(10, func() { Walk(z, "", func(string, Info) error { return nil }) }); n > 1 {
		t.Errorf("Walk over the index: %v allocations, want at most 1 (the cleaned root)", n)
	}
}

// The index of an archive allocates a bounded number of times, not once per entry (a
// 1,000,000-entry archive made 1,000,000 allocations before).
func TestZipIndexAllocations(t *testing.T) {
	for _, n := range []int{1000, 8000} {
		var entries []zipEntry
		for i := range n {
			entries = append(entries, zipEntry{name: fmt.Sprintf("python/pkg%d/m%d.py", i%40, i)})
		}
		data := buildZip(t, entries...)
		allocs := testing.AllocsPerRun(3, func() {
			if _, err := ZipBytes(data, "n.zip"); err != nil {
				t.Fatal(err)
			}
		})
		if allocs > 200 {
			t.Errorf("%d entries: %v allocations to index", n, allocs)
		}
	}
}
