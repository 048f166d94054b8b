package tree

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// dirFixture builds:
//
//	base/outside/secret.py
//	base/root/app.py, pkg/__init__.py, pkg/mod.py, pkg/sub/deep.py
//	base/root/link.py     -> pkg/mod.py          (inside: followed)
//	base/root/pkg/up.py   -> ../app.py           (inside through ..: followed)
//	base/root/pkglink     -> pkg                 (folder inside: followed)
//	base/root/passwd      -> /etc/passwd         (absolute, outside: not visible)
//	base/root/escape.py   -> ../outside/secret.py (outside: not visible)
//	base/root/extdir      -> ../outside          (folder outside: not visible)
//	base/root/absin.py    -> <abs>/root/app.py   (absolute, even inside: not visible)
//	base/root/dangling    -> nope
//	base/root/loop        -> .                   (loops: not visible)
//	base/root/pkg/back    -> ..                  (loops: not visible)
func dirFixture(t *testing.T) string {
	t.Helper()
	base := t.TempDir()
	root := filepath.Join(base, "root")
	writeFiles(t, base, map[string]string{"outside/secret.py": "SECRET"})
	writeFiles(t, root, map[string]string{
		"app.py":          "print('app')\n",
		"pkg/__init__.py": "",
		"pkg/mod.py":      "x = 1\n",
		"pkg/sub/deep.py": "deep\n",
	})
	symlink(t, "pkg/mod.py", filepath.Join(root, "link.py"))
	symlink(t, "../app.py", filepath.Join(root, "pkg", "up.py"))
	symlink(t, "pkg", filepath.Join(root, "pkglink"))
	symlink(t, "/etc/passwd", filepath.Join(root, "passwd"))
	symlink(t, "../outside/secret.py", filepath.Join(root, "escape.py"))
	symlink(t, "../outside", filepath.Join(root, "extdir"))
	symlink(t, filepath.Join(root, "app.py"), filepath.Join(root, "absin.py"))
	symlink(t, "nope", filepath.Join(root, "dangling"))
	symlink(t, ".", filepath.Join(root, "loop"))
	symlink(t, "..", filepath.Join(root, "pkg", "back"))
	return root
}

func TestDirStat(t *testing.T) {
	root := dirFixture(t)
	tr, err := Dir(root, "services/orders")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		want string // "file", "dir" or "" (not found)
		size int64
	}{
		{"", "dir", 0},
		{".", "dir", 0},
		{"app.py", "file", 13},
		{"pkg", "dir", 0},
		{"pkg/", "dir", 0},
		{"./pkg//mod.py", "file", 6},
		{"pkg/sub/deep.py", "file", 5},
		{"missing.py", "", 0},
		{"pkg/missing.py", "", 0},
		{"missing/deeper/x.py", "", 0},
		{"app.py/x", "", 0}, // below a file
		{"link.py", "file", 6},
		{"pkg/up.py", "file", 13},
		{"pkglink", "dir", 0},
		{"pkglink/sub/deep.py", "file", 5},
		{"passwd", "", 0},
		{"escape.py", "", 0},
		{"extdir", "", 0},
		{"extdir/secret.py", "", 0},
		{"absin.py", "", 0},
		{"dangling", "", 0},
		{"loop", "", 0},
		{"loop/app.py", "", 0},
		{"pkg/back", "", 0},
		{"../root/app.py", "", 0},
		{"pkg/../app.py", "", 0},
		{"/app.py", "", 0},
		{root + "/app.py", "", 0},
		{`pkg\mod.py`, "", 0},
		{"app.py\x00", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info, err := tr.Stat(tt.name)
			switch tt.want {
			case "":
				if !errors.Is(err, fs.ErrNotExist) {
					t.Fatalf("Stat = %+v, %v; want fs.ErrNotExist", info, err)
				}
				if _, err := tr.ReadFile(tt.name); !errors.Is(err, fs.ErrNotExist) {
					t.Errorf("ReadFile err = %v; want fs.ErrNotExist", err)
				}
			case "dir":
				if err != nil || !info.Dir || info.Mode&fs.ModeDir == 0 {
					t.Fatalf("Stat = %+v, %v; want a folder", info, err)
				}
			case "file":
				if err != nil || info.Dir || info.Size != tt.size || !info.Mode.IsRegular() {
					t.Fatalf("Stat = %+v, %v; want a file of %d bytes", info, err, tt.size)
				}
			}
		})
	}
}

func TestDirReadDirAndFiles(t *testing.T) {
	root := dirFixture(t)
	tr, err := Dir(root, "")
	if err != nil {
		t.Fatal(err)
	}
	l, err := tr.ReadDir("")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range l {
		got = append(got, e.Name)
	}
	want := []string{"app.py", "link.py", "pkg", "pkglink"}
	if !slices.Equal(got, want) {
		t.Errorf("ReadDir(\"\") = %q, want %q", got, want)
	}
	names := checkConsistent(t, tr)
	wantNames := []string{
		"app.py", "link.py",
		"pkg/", "pkg/__init__.py", "pkg/mod.py", "pkg/sub/", "pkg/sub/deep.py", "pkg/up.py",
		"pkglink/", "pkglink/__init__.py", "pkglink/mod.py", "pkglink/sub/", "pkglink/sub/deep.py", "pkglink/up.py",
	}
	if !slices.Equal(names, wantNames) {
		t.Errorf("walk = %q\nwant   %q", names, wantNames)
	}
	for name, want := range map[string]string{
		"app.py":     "print('app')\n",
		"link.py":    "x = 1\n",
		"pkg/up.py":  "print('app')\n",
		"pkg/mod.py": "x = 1\n",
	} {
		if got := mustRead(t, tr, name); got != want {
			t.Errorf("ReadFile(%q) = %q, want %q", name, got, want)
		}
	}
	// The caller owns ReadDir's slice.
	l[0].Name = "scribbled"
	if again, _ := tr.ReadDir(""); again[0].Name != "app.py" {
		t.Errorf("ReadDir result shares memory with the cache")
	}
	if _, err := tr.ReadDir("app.py"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ReadDir(file) err = %v", err)
	}
	if _, err := tr.ReadDir("missing"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ReadDir(missing) err = %v", err)
	}
}

func TestDirErrors(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{"f.txt": "x"})
	if _, err := Dir(filepath.Join(root, "missing"), ""); err == nil {
		t.Error("Dir(missing) succeeded")
	}
	if _, err := Dir(filepath.Join(root, "f.txt"), ""); err == nil {
		t.Error("Dir(file) succeeded")
	}
}

func TestDirDisplay(t *testing.T) {
	root := t.TempDir()
	tests := []struct {
		display, name, want string
	}{
		{"services/orders", "app.py", "services/orders/app.py"},
		{"services/orders", "", "services/orders"},
		{"services/orders/", "pkg/x.py", "services/orders/pkg/x.py"},
		{"", "app.py", "app.py"},
		{".", "app.py", "app.py"},
		{"", "", "."},
		{".", "", "."},
	}
	for _, tt := range tests {
		tr, err := Dir(root, tt.display)
		if err != nil {
			t.Fatal(err)
		}
		if got := tr.Display(tt.name); got != tt.want {
			t.Errorf("Dir(%q).Display(%q) = %q, want %q", tt.display, tt.name, got, tt.want)
		}
	}
}

func TestDirReadFileCap(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{"big.bin": "0123456789", "small.txt": "ok"})
	tr, err := Caps{MaxFileSize: 5}.Dir(root, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.ReadFile("big.bin"); !errors.Is(err, ErrTooLarge) {
		t.Errorf("ReadFile(big) err = %v, want ErrTooLarge", err)
	}
	if got := mustRead(t, tr, "small.txt"); got != "ok" {
		t.Errorf("ReadFile(small) = %q", got)
	}
}

// TestDirCached checks that a folder is listed once: files created afterwards are not
// seen, which is what makes Stat cheap.
func TestDirCached(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{"pkg/a.py": "a"})
	tr, err := Dir(root, "")
	if err != nil {
		t.Fatal(err)
	}
	if !IsFile(tr, "pkg/a.py") {
		t.Fatal("pkg/a.py missing")
	}
	writeFiles(t, root, map[string]string{"pkg/b.py": "b"})
	if Exists(tr, "pkg/b.py") {
		t.Error("listing was read again: pkg/b.py is visible")
	}
}

func TestDirConcurrent(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{}
	for i := range 20 {
		for j := range 10 {
			files[fmt.Sprintf("d%02d/s%d/f%d.py", i, j%3, j)] = fmt.Sprint(i * j)
		}
	}
	writeFiles(t, root, files)
	tr, err := Dir(root, "")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := range 16 {
		wg.Go(func() {
			for name, body := range files {
				if g%2 == 0 {
					if i, err := tr.Stat(name); err != nil || i.Size != int64(len(body)) {
						errs <- fmt.Errorf("Stat(%q) = %+v, %v", name, i, err)
						return
					}
				} else if b, err := tr.ReadFile(name); err != nil || string(b) != body {
					errs <- fmt.Errorf("ReadFile(%q) = %q, %v", name, b, err)
					return
				}
				if Exists(tr, name+".missing") {
					errs <- fmt.Errorf("%s.missing exists", name)
					return
				}
			}
			n := 0
			if err := Walk(tr, "", func(string, Info) error { n++; return nil }); err != nil || n != 20+60+200 {
				errs <- fmt.Errorf("walk saw %d entries, %v", n, err)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestDirNoDescriptorLeak(t *testing.T) {
	before := openFDs()
	if before < 0 {
		t.Skip("cannot count descriptors here")
	}
	root := t.TempDir()
	writeFiles(t, root, map[string]string{"a/b/c.py": "c", "x.py": "x"})
	var trees []Tree
	for range 300 {
		tr, err := Dir(root, "")
		if err != nil {
			t.Fatal(err)
		}
		checkConsistent(t, tr)
		trees = append(trees, tr)
	}
	if after := openFDs(); after > before+2 {
		t.Errorf("%d open descriptors after 300 trees, %d before", after, before)
	}
	_ = trees
}

// TestDirPaths runs the DirTree tests along every path a DirTree can read by (on
// Linux: openat2, and the os.Root fallback), and checks the paths see the same trees.
func TestDirPaths(t *testing.T) {
	tests := []struct {
		name string
		f    func(*testing.T)
	}{
		{"Stat", TestDirStat},
		{"ReadDirAndFiles", TestDirReadDirAndFiles},
		{"Errors", TestDirErrors},
		{"ReadFileCap", TestDirReadFileCap},
		{"Cached", TestDirCached},
		{"Concurrent", TestDirConcurrent},
		{"NoDescriptorLeak", TestDirNoDescriptorLeak},
		{"Symlinks", testDirSymlinks},
	}
	for _, p := range dirPaths {
		t.Run(p.name, func(t *testing.T) {
			defer p.set()()
			for _, tt := range tests {
				t.Run(tt.name, tt.f)
			}
		})
	}
	if len(dirPaths) < 2 {
		return
	}
	// The same fixture, seen along each path, must give the same snapshot.
	root := symlinkFixture(t)
	probes := symlinkProbes(root)
	var want string
	for i, p := range dirPaths {
		undo := p.set()
		tr, err := Dir(root, "svc")
		if err != nil {
			t.Fatal(err)
		}
		got := dirSnapshot(t, tr, probes...)
		undo()
		if i == 0 {
			want = got
		} else if got != want {
			t.Errorf("%s sees\n%s\n%s sees\n%s", p.name, got, dirPaths[0].name, want)
		}
	}
}

// symlinkFixture is dirFixture with harder links: chains of links around os.Root's
// limit of 8, links through linked folders, links climbing out and back in.
func symlinkFixture(t *testing.T) string {
	t.Helper()
	root := dirFixture(t)
	writeFiles(t, root, map[string]string{
		"real/a/b/c.py":  "c\n",
		"real/a/x.py":    "x\n",
		"other/y.py":     "y\n",
		"plain/deep.txt": "plain\n",
	})
	// chainN.py -> chainN-1.py -> ... -> chain0.py -> app.py
	symlink(t, "app.py", filepath.Join(root, "chain0.py"))
	for i := 1; i <= 10; i++ {
		symlink(t, fmt.Sprintf("chain%d.py", i-1), filepath.Join(root, fmt.Sprintf("chain%d.py", i)))
	}
	symlink(t, "real/a", filepath.Join(root, "alink"))                 // folder inside
	symlink(t, "../../other", filepath.Join(root, "real", "a", "oth")) // sideways, inside
	symlink(t, "../../../other/y.py", filepath.Join(root, "real", "a", "b", "y.py"))
	symlink(t, "../root/app.py", filepath.Join(root, "outin.py")) // out and back in
	symlink(t, "alink/b", filepath.Join(root, "blink"))           // link to a link's folder
	symlink(t, "pkg/../app.py", filepath.Join(root, "dotdot.py"))
	symlink(t, "plain/", filepath.Join(root, "slash"))
	return root
}

func symlinkProbes(root string) []string {
	p := []string{
		"", "app.py", "alink", "alink/x.py", "alink/b/c.py", "alink/oth/y.py", "blink/c.py",
		"blink/y.py", "real/a/oth/y.py", "real/a/b/y.py", "outin.py", "dotdot.py", "slash",
		"slash/deep.txt", "loop/app.py", "pkg/back/app.py", "escape.py", "passwd", "absin.py",
		"dangling", "nope", "plain/deep.txt", root + "/app.py",
	}
	for i := 0; i <= 10; i++ {
		p = append(p, fmt.Sprintf("chain%d.py", i))
	}
	return p
}

// testDirSymlinks checks the links of symlinkFixture one by one.
func testDirSymlinks(t *testing.T) {
	root := symlinkFixture(t)
	tr, err := Dir(root, "")
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{
		"alink/b/c.py":    "c\n",
		"alink/oth/y.py":  "y\n",
		"blink/c.py":      "c\n",
		"blink/y.py":      "y\n",
		"real/a/b/y.py":   "y\n",
		"dotdot.py":       "print('app')\n",
		"slash/deep.txt":  "plain\n",
		"chain0.py":       "print('app')\n",
		"chain7.py":       "print('app')\n", // 8 links: os.Root's limit
		"pkglink/mod.py":  "x = 1\n",
		"plain/deep.txt":  "plain\n",
		"real/a/oth/y.py": "y\n",
	} {
		if got := mustRead(t, tr, name); got != want {
			t.Errorf("ReadFile(%q) = %q, want %q", name, got, want)
		}
	}
	for _, name := range []string{"chain8.py", "chain10.py", "outin.py"} {
		if _, err := tr.ReadFile(name); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("ReadFile(%q) err = %v, want fs.ErrNotExist", name, err)
		}
	}
	checkConsistent(t, tr)
}

// chunkReader reads data at most n bytes at a time, as a reader may read short
// anywhere; then io.EOF.
type chunkReader struct {
	data  []byte
	n     int
	calls int
}

func (r *chunkReader) Read(p []byte) (int, error) {
	r.calls++
	if len(r.data) == 0 {
		return 0, io.EOF
	}
	k := min(len(p), r.n, len(r.data))
	copy(p, r.data[:k])
	r.data = r.data[k:]
	return k, nil
}

// TestReadAll: readAll returns the whole file whatever the reads' sizes, the file
// grown or shrunk since stat'ed, and stops at limit+1; a file read whole in one short
// read of the expected size takes one read, not a second to be told it ended.
func TestReadAll(t *testing.T) {
	data := []byte(strings.Repeat("import os\n", 100)) // 1,000 bytes
	for _, tc := range []struct {
		expected, limit int64
		chunk           int
		want            int
	}{
		{1000, 1 << 20, 1 << 20, 1000}, // as stat'ed
		{1000, 1 << 20, 7, 1000},       // short reads all along
		{1000, 1 << 20, 1, 1000},
		{600, 1 << 20, 1 << 20, 1000},  // grew since
		{600, 1 << 20, 600, 600},       // read short at exactly the stat'ed size: the end, as a regular file says
		{1500, 1 << 20, 1 << 20, 1000}, // shrank
		{0, 1 << 20, 1 << 20, 1000},    // size unknown
		{1000, 500, 1 << 20, 501},      // over the cap: limit+1
		{1000, 500, 3, 501},
	} {
		r := &chunkReader{data: data, n: tc.chunk}
		b, err := readAll(r, tc.expected, tc.limit)
		if err != nil || len(b) != tc.want || string(b) != string(data[:tc.want]) {
			t.Errorf("readAll(expected %d, limit %d, chunks of %d) = %d bytes, %v; want %d", tc.expected, tc.limit, tc.chunk, len(b), err, tc.want)
		}
	}
	r := &chunkReader{data: data, n: 1 << 20}
	if _, err := readAll(r, 1000, 1<<20); err != nil || r.calls != 1 {
		t.Errorf("a file read whole took %d reads (%v), want 1", r.calls, err)
	}
}
