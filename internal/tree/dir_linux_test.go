package tree

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"golang.org/x/sys/unix"
)

// dirPaths: openat2 (the default), and os.Root as when openat2 is missing.
var dirPaths = []dirPath{
	{"openat2", func() func() { return setNoOpenat2(false) }},
	{"os.Root", func() func() { return setNoOpenat2(true) }},
}

func setNoOpenat2(v bool) (undo func()) {
	old := noOpenat2.Swap(v)
	return func() { noOpenat2.Store(old) }
}

// fastPathWorks skips the test where this kernel or sandbox has no openat2.
func fastPathWorks(t *testing.T) {
	t.Helper()
	fd, err := unix.Openat2(unix.AT_FDCWD, "/", &unix.OpenHow{Flags: unix.O_PATH | unix.O_CLOEXEC, Resolve: unix.RESOLVE_NO_SYMLINKS})
	if err != nil {
		t.Skipf("openat2: %v", err)
	}
	unix.Close(fd)
}

// TestDirFastPathUsed checks that names with no symlink on the way never reach
// os.Root, and that names through a symlink do.
func TestDirFastPathUsed(t *testing.T) {
	fastPathWorks(t)
	defer setNoOpenat2(false)()
	root := dirFixture(t)
	tr, err := NewDir(root, "")
	if err != nil {
		t.Fatal(err)
	}
	before := rootCalls.Load()
	for _, name := range []string{"app.py", "pkg/mod.py", "pkg/sub/deep.py"} {
		mustRead(t, tr, name)
	}
	if n := rootCalls.Load() - before; n != 0 {
		t.Errorf("%d calls through os.Root for names without symlinks", n)
	}
	if tr.rootLinked.Load() {
		t.Error("rootLinked set for a root without symlinks")
	}
	for _, name := range []string{"link.py", "pkg/up.py", "pkglink/sub/deep.py"} {
		before := rootCalls.Load()
		mustRead(t, tr, name)
		if rootCalls.Load() == before {
			t.Errorf("ReadFile(%q) did not go through os.Root", name)
		}
	}
}

// TestDirReadPrefixFast: ReadPrefix (every compiled file's header) opens a file on the
// fast path too, and says what ReadFile's first bytes say.
func TestDirReadPrefixFast(t *testing.T) {
	fastPathWorks(t)
	defer setNoOpenat2(false)()
	tr := mustDir(t, dirFixture(t))
	mustRead(t, tr, "pkg/sub/deep.py") // lists the folders
	calls := 0
	openat2 = func(dirfd int, path string, how *unix.OpenHow) (int, error) {
		calls++
		return unix.Openat2(dirfd, path, how)
	}
	defer func() { openat2 = unix.Openat2 }()
	before := rootCalls.Load()
	got, err := ReadPrefix(tr, "pkg/sub/deep.py", 3)
	if err != nil || string(got) != "dee" {
		t.Errorf("ReadPrefix = %q, %v; want \"dee\"", got, err)
	}
	if calls != 1 || rootCalls.Load() != before {
		t.Errorf("ReadPrefix: %d openat2 calls, %d through os.Root; want 1 and 0", calls, rootCalls.Load()-before)
	}
}

// TestDirRootThroughSymlink: a root named through a symlink is opened first, then
// names below it, still on the fast path.
func TestDirRootThroughSymlink(t *testing.T) {
	fastPathWorks(t)
	defer setNoOpenat2(false)()
	real := dirFixture(t)
	link := filepath.Join(t.TempDir(), "via")
	symlink(t, real, link)
	tr, err := NewDir(link, "")
	if err != nil {
		t.Fatal(err)
	}
	before := rootCalls.Load()
	if got := mustRead(t, tr, "pkg/sub/deep.py"); got != "deep\n" {
		t.Errorf("ReadFile = %q", got)
	}
	if n := rootCalls.Load() - before; n != 0 {
		t.Errorf("%d calls through os.Root", n)
	}
	if !tr.rootLinked.Load() {
		t.Error("rootLinked not set")
	}
	direct, _ := Dir(real, "")
	probes := symlinkProbes(real)
	if a, b := dirSnapshot(t, tr, probes...), dirSnapshot(t, direct, probes...); a != b {
		t.Errorf("through the link:\n%s\ndirect:\n%s", a, b)
	}
}

// TestDirOpenat2Refused acts out kernels without openat2 and seccomp filters refusing
// it: the tree falls back to os.Root at once, sees the same, and remembers.
func TestDirOpenat2Refused(t *testing.T) {
	root := dirFixture(t)
	want := dirSnapshot(t, mustDir(t, root), symlinkProbes(root)...)
	for _, errno := range []error{unix.ENOSYS, unix.EPERM} {
		t.Run(errno.Error(), func(t *testing.T) {
			defer setNoOpenat2(false)()
			calls := 0
			openat2 = func(int, string, *unix.OpenHow) (int, error) { calls++; return -1, errno }
			defer func() { openat2 = unix.Openat2 }()
			tr := mustDir(t, root)
			if got := dirSnapshot(t, tr, symlinkProbes(root)...); got != want {
				t.Errorf("got\n%s\nwant\n%s", got, want)
			}
			if !noOpenat2.Load() {
				t.Error("fallback not remembered")
			}
			if calls != 1 {
				t.Errorf("openat2 called %d times, want 1", calls)
			}
		})
	}
	// Other errors fall back for the one call, and do not turn the fast path off.
	for _, errno := range []error{unix.EAGAIN, unix.EXDEV, unix.ENOENT, unix.EINVAL} {
		t.Run(errno.Error(), func(t *testing.T) {
			defer setNoOpenat2(false)()
			openat2 = func(int, string, *unix.OpenHow) (int, error) { return -1, errno }
			defer func() { openat2 = unix.Openat2 }()
			if got := dirSnapshot(t, mustDir(t, root), symlinkProbes(root)...); got != want {
				t.Errorf("got\n%s\nwant\n%s", got, want)
			}
			if noOpenat2.Load() {
				t.Error("fast path turned off")
			}
		})
	}
}

// TestDirReadFileErrorWrapped: a read error on the fast path is reported as os.Root's
// would be, with the display name.
func TestDirReadFileErrorWrapped(t *testing.T) {
	fastPathWorks(t)
	defer setNoOpenat2(false)()
	root := t.TempDir()
	writeFiles(t, root, map[string]string{"pkg/f.py": "x"})
	tr, err := NewDir(root, "svc")
	if err != nil {
		t.Fatal(err)
	}
	if !IsFile(tr, "pkg/f.py") {
		t.Fatal("pkg/f.py missing")
	}
	// Replace the listed file by a folder: open succeeds, read fails with EISDIR.
	if err := os.Remove(filepath.Join(root, "pkg/f.py")); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(root, "pkg/f.py"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err = tr.ReadFile("pkg/f.py")
	var pe *fs.PathError
	if !errors.As(err, &pe) || pe.Op != "read" || pe.Path != "svc/pkg/f.py" || !errors.Is(err, unix.EISDIR) {
		t.Errorf("err = %#v (%v), want read svc/pkg/f.py: is a directory", err, err)
	}
	defer setNoOpenat2(true)()
	_, err2 := tr.ReadFile("pkg/f.py")
	if err2 == nil || err2.Error() != err.Error() {
		t.Errorf("os.Root says %v, the fast path %v", err2, err)
	}
}

func mustDir(t *testing.T, root string) Tree {
	t.Helper()
	tr, err := Dir(root, "")
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// TestReadDirTypes holds ReadDirTypes (getdents' d_type, parsed here) to os.ReadDir:
// files, folders, symlinks, a FIFO, names with spaces and non-ASCII bytes, and enough
// entries to take several getdents calls.
func TestReadDirTypes(t *testing.T) {
	dir := t.TempDir()
	for i := range 1500 { // ~60 KB of records: more than one 32 KiB buffer
		name := fmt.Sprintf("file-%04d-with-a-longer-name.py", i)
		if i%7 == 0 {
			if err := os.Mkdir(filepath.Join(dir, name), 0o700); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range []string{"a b", "é\x01z", "x"} {
		if err := os.WriteFile(filepath.Join(dir, n), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("x", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("file-0000-with-a-longer-name.py", filepath.Join(dir, "dirlink")); err != nil {
		t.Fatal(err)
	}
	if err := unix.Mkfifo(filepath.Join(dir, "fifo"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := ReadDirTypes(dir)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("ReadDirTypes: %d entries, os.ReadDir: %d", len(got), len(want))
	}
	for i, w := range want {
		if got[i].Name != w.Name() || got[i].Type != w.Type() || got[i].IsDir() != w.IsDir() {
			t.Errorf("entry %d = %q %v, want %q %v", i, got[i].Name, got[i].Type, w.Name(), w.Type())
		}
	}
	if _, err := ReadDirTypes(filepath.Join(dir, "x")); err == nil {
		t.Error("a file listed as a folder")
	}
	if _, err := ReadDirTypes(filepath.Join(dir, "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing folder: %v, want fs.ErrNotExist", err)
	}
}

// TestParseDirentsMalformed: a record length that runs past the buffer, or is too
// short for a header, ends the parse instead of reading past it.
func TestParseDirentsMalformed(t *testing.T) {
	rec := func(ino uint64, reclen uint16, typ uint8, name string) []byte {
		b := make([]byte, 19, max(19, int(reclen)))
		binary.NativeEndian.PutUint64(b[0:], ino)
		binary.NativeEndian.PutUint16(b[16:], reclen)
		b[18] = typ
		b = append(b, name...)
		for len(b) < int(reclen) {
			b = append(b, 0)
		}
		return b
	}
	buf := append(rec(1, 24, unix.DT_REG, "ok"), rec(0, 24, unix.DT_REG, "gone")...)
	buf = append(buf, rec(2, 24, unix.DT_DIR, "..")...)
	got := parseDirents(append(buf, rec(3, 200, unix.DT_REG, "long")[:40]...), nil)
	if len(got) != 1 || got[0] != (dirent{"ok", unix.DT_REG}) {
		t.Errorf("parseDirents = %v, want [ok]", got)
	}
	if got := parseDirents(append(slices.Clone(buf), rec(3, 8, unix.DT_REG, "")[:19]...), nil); len(got) != 1 {
		t.Errorf("short record: %v", got)
	}
}
