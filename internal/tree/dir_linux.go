package tree

import (
	"bytes"
	"encoding/binary"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// The fast path of DirTree on Linux. os.Root opens the root, then walks a name one
// component at a time (an openat and a close per folder on the way, a readlinkat per
// symlink) and wraps every descriptor in an os.File (fcntl, and an epoll_ctl that
// fails for regular files). Here a name is opened with one openat2 call and read,
// listed and stat'ed on the raw descriptor.
//
// RESOLVE_NO_SYMLINKS makes the kernel refuse any symlink on the way (ELOOP), so the
// fast path only ever opens root/name itself: it sees exactly what os.Root sees. A
// name through a symlink, or any error at all, is handed to the os.Root code, whose
// rules (at most 8 links, absolute links refused, .. resolved lexically) stay the
// reference. Listings remember which entries are symlinks, so names known to go
// through one skip the fast path.

// noOpenat2 is set once openat2 is found missing (ENOSYS: Linux before 5.6) or refused
// (EPERM: a seccomp filter); from then on everything goes through os.Root. Tests set
// it to run the fallback.
var noOpenat2 atomic.Bool

// openat2 is unix.Openat2; tests replace it to act out old kernels and sandboxes.
var openat2 = unix.Openat2

const resolveFlags = unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS

// openFast opens the clean non-empty name below the root with flags (plus O_CLOEXEC
// and O_NOCTTY). ok is false when the caller must use os.Root instead.
//
// With no symlink allowed anywhere, and no .. in a clean name, the absolute path
// root/name can only reach root/name: one openat2 call, nothing to close. When the
// root's own path has a symlink in it (ELOOP), which os.OpenRoot would follow, the
// tree remembers it and opens root first (O_PATH), then name below it with
// RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS.
func (d *DirTree) openFast(name string, flags int) (fd int, ok bool) {
	if noOpenat2.Load() {
		return -1, false
	}
	how := unix.OpenHow{Flags: uint64(flags | unix.O_CLOEXEC | unix.O_NOCTTY)}
	if !d.rootLinked.Load() {
		how.Resolve = unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS
		fd, err := openat2(unix.AT_FDCWD, d.root+"/"+name, &how)
		if err == nil {
			return fd, true
		}
		if err != unix.ELOOP || d.rootLinked.Swap(true) {
			openat2Failed(err)
			return -1, false
		}
		// First ELOOP: the root's path, or name, has a symlink. Try below the root.
	}
	rfd, err := unix.Open(d.root, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, false
	}
	defer unix.Close(rfd)
	how.Resolve = resolveFlags
	fd, err = openat2(rfd, name, &how)
	if err != nil {
		openat2Failed(err)
		return -1, false
	}
	return fd, true
}

// openat2Failed turns the fast path off for good when openat2 is missing or refused.
func openat2Failed(err error) {
	if err == unix.ENOSYS || err == unix.EPERM {
		noOpenat2.Store(true)
	}
}

// openRootDir opens the root folder itself for listing: no openat2 is needed, the
// root's own path is followed as os.OpenRoot follows it.
func openRootDir(root string) (fd int, ok bool) {
	if noOpenat2.Load() {
		return -1, false
	}
	fd, err := unix.Open(root, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC|unix.O_NOCTTY, 0)
	return fd, err == nil
}

// readFast is read on the fast path; ok is false when the caller must use os.Root
// instead. Errors after the open are final, wrapped as readRoot wraps them.
func (d *DirTree) readFast(name string, read func(io.Reader) ([]byte, error)) (b []byte, ok bool, err error) {
	fd, ok := d.openFast(name, unix.O_RDONLY)
	if !ok {
		return nil, false, nil
	}
	defer unix.Close(fd)
	b, err = read(fdReader(fd))
	if err != nil {
		return nil, true, d.wrap("read", name, err)
	}
	return b, true, nil
}

// fdReader reads a raw descriptor.
type fdReader int

func (r fdReader) Read(p []byte) (int, error) {
	for {
		n, err := unix.Read(int(r), p)
		switch {
		case err == unix.EINTR:
			continue
		case err != nil:
			return 0, err
		case n == 0 && len(p) > 0:
			return 0, io.EOF
		}
		return n, nil
	}
}

// loadFast lists the folder name on the fast path; nil means the caller must use
// os.Root instead (a folder reached through a symlink, or anything going wrong).
func (d *DirTree) loadFast(name string, parent *listing, linked bool) *listing {
	if linked {
		return nil
	}
	var fd int
	var ok bool
	if name == "" {
		fd, ok = openRootDir(d.root)
	} else {
		fd, ok = d.openFast(name, unix.O_RDONLY|unix.O_DIRECTORY)
	}
	if !ok {
		return nil
	}
	defer unix.Close(fd)
	l := &listing{parent: parent}
	id := &statInfo{}
	if err := fstat(fd, &id.st); err != nil || !id.IsDir() {
		return nil
	}
	l.id = id
	ents, err := readDirents(fd)
	if err != nil {
		return nil // os.Root reports the error
	}
	l.entries = make([]Info, 0, len(ents))
	var r *os.Root // opened for the first symlink
	defer func() {
		if r != nil {
			r.Close()
		}
	}()
	var st unix.Stat_t
	for _, e := range ents {
		base := e.name
		if !cleanBase(base) {
			continue
		}
		if e.typ == unix.DT_DIR {
			// The listing says it is a folder: a folder's size is 0 and nothing reads
			// its permission bits (see Info), so it needs no stat of its own. Its
			// listing, when read, stats it (loops).
			l.add(base, fs.ModeDir|dirPerm, 0)
			continue
		}
		if err := fstatat(fd, base, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
			continue // removed since listed
		}
		if st.Mode&unix.S_IFMT != unix.S_IFLNK {
			l.add(base, fileMode(st.Mode), st.Size)
			continue
		}
		if r == nil {
			if r, err = os.OpenRoot(d.root); err != nil {
				return nil
			}
		}
		if fi := l.followLink(r, name, base); fi != nil {
			l.add(base, fi.Mode(), fi.Size())
		}
	}
	l.finish()
	return l
}

// fstat is unix.Fstat, retried on EINTR as package os does.
func fstat(fd int, st *unix.Stat_t) error {
	for {
		err := unix.Fstat(fd, st)
		if err != unix.EINTR {
			return err
		}
	}
}

// fstatat is unix.Fstatat, retried on EINTR as package os does.
func fstatat(fd int, name string, st *unix.Stat_t, flags int) error {
	for {
		err := unix.Fstatat(fd, name, st, flags)
		if err != unix.EINTR {
			return err
		}
	}
}

// direntBufs holds getdents buffers; 32 KiB lists most folders in one call.
var direntBufs = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

// dirent is a folder entry as getdents gives it: its name and d_type (unix.DT_DIR,
// DT_REG, DT_LNK...; DT_UNKNOWN when the file system does not say).
type dirent struct {
	name string
	typ  uint8
}

// readDirents returns the entries of the folder fd, without . and .., in the order
// the file system gives them.
func readDirents(fd int) ([]dirent, error) {
	bp := direntBufs.Get().(*[]byte)
	defer direntBufs.Put(bp)
	var out []dirent
	for {
		n, err := unix.Getdents(fd, *bp)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, err
		}
		if n <= 0 {
			return out, nil
		}
		out = parseDirents((*bp)[:n], out)
	}
}

// parseDirents appends the entries of a getdents64 buffer (struct linux_dirent64:
// d_ino u64, d_off s64, d_reclen u16, d_type u8, then the name and a NUL) to out,
// skipping . and .. and deleted entries (inode 0), as unix.ParseDirent does.
func parseDirents(buf []byte, out []dirent) []dirent {
	const nameOff = 19
	for len(buf) >= nameOff {
		reclen := int(binary.NativeEndian.Uint16(buf[16:18]))
		if reclen < nameOff || reclen > len(buf) {
			break // malformed: stop rather than read past the record
		}
		rec := buf[:reclen]
		buf = buf[reclen:]
		if binary.NativeEndian.Uint64(rec[0:8]) == 0 {
			continue
		}
		name := rec[nameOff:]
		if i := bytes.IndexByte(name, 0); i >= 0 {
			name = name[:i]
		}
		if len(name) == 0 || string(name) == "." || string(name) == ".." {
			continue
		}
		out = append(out, dirent{name: string(name), typ: rec[18]})
	}
	return out
}

// ReadDirTypes lists the folder path (symlinks in path followed) by name and type,
// without a stat per entry where the file system gives the type in the listing
// itself: os.ReadDir, sorted by name, at the cost of the listing alone. Discovery
// walks a whole repository with it.
func ReadDirTypes(path string) ([]DirEntry, error) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC|unix.O_NOCTTY, 0)
	for err == unix.EINTR {
		fd, err = unix.Open(path, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC|unix.O_NOCTTY, 0)
	}
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	defer unix.Close(fd)
	ents, err := readDirents(fd)
	if err != nil {
		return nil, &fs.PathError{Op: "readdirent", Path: path, Err: err}
	}
	out := make([]DirEntry, 0, len(ents))
	var st unix.Stat_t
	for _, e := range ents {
		var typ fs.FileMode
		switch e.typ {
		case unix.DT_DIR:
			typ = fs.ModeDir
		case unix.DT_REG:
		case unix.DT_UNKNOWN:
			if err := fstatat(fd, e.name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
				continue // removed since listed
			}
			typ = fileMode(st.Mode).Type()
		default:
			typ = fileMode(dtMode(e.typ)).Type()
		}
		out = append(out, DirEntry{Name: e.name, Type: typ})
	}
	slices.SortFunc(out, func(a, b DirEntry) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// dtMode is the st_mode type bits of a d_type.
func dtMode(t uint8) uint32 { return uint32(t) << 12 }

// fileMode converts st_mode as package os does, as far as DirTree looks at it.
func fileMode(m uint32) fs.FileMode {
	mode := fs.FileMode(m & 0o777)
	switch m & unix.S_IFMT {
	case unix.S_IFDIR:
		mode |= fs.ModeDir
	case unix.S_IFREG:
	case unix.S_IFLNK:
		mode |= fs.ModeSymlink
	case unix.S_IFIFO:
		mode |= fs.ModeNamedPipe
	case unix.S_IFSOCK:
		mode |= fs.ModeSocket
	case unix.S_IFCHR:
		mode |= fs.ModeDevice | fs.ModeCharDevice
	default: // S_IFBLK and anything unknown: not regular, not a folder
		mode |= fs.ModeDevice
	}
	return mode
}

// statInfo is the fs.FileInfo of a folder listed on the fast path, kept to detect
// symlink loops.
type statInfo struct{ st unix.Stat_t }

func (s *statInfo) Name() string       { return "" }
func (s *statInfo) Size() int64        { return s.st.Size }
func (s *statInfo) Mode() fs.FileMode  { return fileMode(s.st.Mode) }
func (s *statInfo) ModTime() time.Time { return time.Unix(s.st.Mtim.Unix()) }
func (s *statInfo) IsDir() bool        { return s.st.Mode&unix.S_IFMT == unix.S_IFDIR }
func (s *statInfo) Sys() any           { return &s.st }

// sameFile is os.SameFile, also for folders listed on the fast path.
func sameFile(a, b fs.FileInfo) bool {
	da, ia, ok1 := devIno(a)
	db, ib, ok2 := devIno(b)
	if ok1 && ok2 {
		return da == db && ia == ib
	}
	return os.SameFile(a, b)
}

func devIno(fi fs.FileInfo) (dev, ino uint64, ok bool) {
	switch st := fi.Sys().(type) {
	case *unix.Stat_t:
		return uint64(st.Dev), uint64(st.Ino), true
	case *syscall.Stat_t:
		return uint64(st.Dev), uint64(st.Ino), true
	}
	return 0, 0, false
}
