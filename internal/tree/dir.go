package tree

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// DefaultMaxFileSize is the default read cap (64 MiB): larger than any real source
// file, METADATA, RECORD, .pth file or template (CloudFormation refuses templates over
// 1 MB), and the size native.Reader stops analysing compiled files at.
const DefaultMaxFileSize = 64 << 20

// Caps are the read bounds a tree is opened with (README "Limits"). Each tree carries
// its own, so checks with different limits can run side by side in one process. The
// zero value is the defaults.
type Caps struct {
	// MaxFileSize caps what ReadFile returns, from a folder or a zip. It exists so a
	// hostile input cannot make the checker allocate gigabytes (layerkit check
	// --max-file-size); <= 0 means DefaultMaxFileSize.
	MaxFileSize int64
}

// maxFile is the read cap, the default filled in.
func (c Caps) maxFile() int64 {
	if c.MaxFileSize <= 0 {
		return DefaultMaxFileSize
	}
	return c.MaxFileSize
}

// ErrTooLarge is returned (wrapped) by ReadFile for files over the read cap.
var ErrTooLarge = errors.New("file too large to read")

// DirEntry is a folder entry as ReadDirTypes lists it: its name and type bits
// (fs.ModeDir, fs.ModeSymlink, ...; none for a regular file).
type DirEntry struct {
	Name string
	Type fs.FileMode
}

// IsDir reports whether the entry is a folder (not a symlink to one).
func (e DirEntry) IsDir() bool { return e.Type.IsDir() }

// dirPerm is the permission bits a DirTree gives a folder listed as one: they are not
// read from disk (Lambda needs nothing of a folder's bits, and no check looks at them).
const dirPerm = 0o755

// DirTree is a folder on disk. Listings are read lazily, once per folder, and cached
// for the tree's life, so Stat is a couple of map lookups after the first touch of a
// folder. Nothing outside the root is ever read, with the containment of os.Root:
//   - a symlink whose target stays inside the root is followed (it looks like what it
//     points to);
//   - a symlink that leaves the root, is absolute, dangles, or loops back to one of its
//     own ancestor folders is not visible at all (fs.ErrNotExist);
//   - sockets, pipes and devices are not visible;
//   - names on disk that fail Clean (a backslash in a file name) are not visible.
//
// Lookups are case-exact even on a case-insensitive file system, as on Lambda.
// No descriptor is held between calls: each listing and each ReadFile opens the root
// and closes it again, so any number of trees can be open at once.
// A DirTree does not notice changes made on disk after a folder was listed.
//
// On Linux, a name with no symlink on its way is opened in one openat2 call
// (RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS) and read on the raw descriptor (dir_linux.go);
// everything else — names through symlinks, errors, kernels or sandboxes without
// openat2, other systems — goes through os.Root, which stays the reference behaviour.
type DirTree struct {
	root    string // absolute OS path
	display string
	max     int64    // read cap (Caps.MaxFileSize)
	dirs    sync.Map // clean folder name → *listing
	// rootLinked is set when the root's own path was found to have a symlink in it
	// (dir_linux.go).
	rootLinked atomic.Bool
	// Folders listed, reached through a symlink or not, and the first bound hit
	// (fanOut).
	plain, linked atomic.Int64
	overrun       atomic.Pointer[fs.PathError]
}

type listing struct {
	err     error       // set when the folder could not be read
	id      fs.FileInfo // the folder's own info, to detect symlink loops
	parent  *listing    // nil for the root
	entries []Info      // sorted by name
	index   map[string]int
	linked  bool            // this folder or one of its ancestors is a symlink
	links   map[string]bool // entries that are symlinks (visible or not); nil if none
}

// viaLink reports whether the entry base of this folder is reached through a symlink:
// such names are left to os.Root, whose rules for following links are the reference.
func (l *listing) viaLink(base string) bool {
	return l.linked || l.links[base]
}

func (l *listing) lookup(name string) (Info, bool) {
	i, ok := l.index[name]
	if !ok {
		return Info{}, false
	}
	return l.entries[i], true
}

// Dir returns the folder root as a tree, with the default caps. display is how the root
// is shown to users (relative to the checked PATH, forward slashes); "" or "." shows
// names bare.
func Dir(root, display string) (Tree, error) { return Caps{}.Dir(root, display) }

// NewDir is Dir returning the concrete type.
func NewDir(root, display string) (*DirTree, error) { return Caps{}.NewDir(root, display) }

// Dir is tree.Dir with the caps c.
func (c Caps) Dir(root, display string) (Tree, error) {
	d, err := c.NewDir(root, display)
	if err != nil {
		return nil, err
	}
	return d, nil
}

// NewDir is tree.NewDir with the caps c.
func (c Caps) NewDir(root, display string) (*DirTree, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return nil, err
	}
	return c.newDir(abs, root, display, fi)
}

// DirStat is Dir for an absolute root the caller has just stat'ed (fi, symlinks
// followed), sparing Dir's own stat: a loader opening 200 function folders has
// stat'ed each to tell a folder from an archive.
func (c Caps) DirStat(abs, display string, fi fs.FileInfo) (Tree, error) {
	if !filepath.IsAbs(abs) {
		return c.Dir(abs, display)
	}
	d, err := c.newDir(filepath.Clean(abs), abs, display, fi)
	if err != nil {
		return nil, err
	}
	return d, nil
}

func (c Caps) newDir(abs, root, display string, fi fs.FileInfo) (*DirTree, error) {
	if !fi.IsDir() {
		return nil, &fs.PathError{Op: "open", Path: root, Err: errors.New("not a directory")}
	}
	display = filepath.ToSlash(display)
	if display == "." {
		display = ""
	}
	return &DirTree{root: abs, display: display, max: c.maxFile()}, nil
}

// list returns the listing of the folder name (clean), reading it on first use. It
// checks the parent chain first, so a folder is only listed when every ancestor lists
// it as a visible folder.
func (d *DirTree) list(name string) (*listing, error) {
	if v, ok := d.dirs.Load(name); ok {
		l := v.(*listing)
		return l, l.err
	}
	var parent *listing
	linked := false
	if name != "" {
		dir, base := splitName(name)
		p, err := d.list(dir)
		if err != nil {
			return nil, err
		}
		if e, ok := p.lookup(base); !ok || !e.Dir {
			return nil, fs.ErrNotExist
		}
		parent = p
		linked = p.viaLink(base)
	}
	var l *listing
	if linked && d.Overrun() != nil {
		l = &listing{err: d.Overrun()} // past the bound: not even listed
	} else {
		l = d.loadFast(name, parent, linked)
		if l == nil {
			l = d.loadRoot(name, parent)
		}
		l.linked = linked
		if l.err == nil && d.fanOut(name, linked) {
			l = &listing{err: d.Overrun()}
		}
	}
	v, _ := d.dirs.LoadOrStore(name, l)
	l = v.(*listing)
	return l, l.err
}

// ErrFanOut is the error (wrapped in an *fs.PathError naming the folder) of a listing
// past a DirTree's bound on folders reached through symlinks.
var ErrFanOut = errors.New("more folders reached through symlinks than the tree holds (a symlink fan-out): layerkit stops reading there")

// fanOut counts the listing of a folder (reached through a symlink when linked) and
// reports whether it is past the bound. In-tree symlinks to sibling folders make a
// graph whose paths multiply at every level (six links per folder, twelve levels deep:
// two billion folders in a 120 KB tree), and each path is a folder of its own. The
// bound leaves room for real trees, where links duplicate a part of the tree at most
// a few times (a virtualenv's lib64 -> lib): folders reached through links may be
// twice those that are not, plus maxLinkedExtra.
func (d *DirTree) fanOut(name string, linked bool) bool {
	if !linked {
		d.plain.Add(1)
		return false
	}
	if d.linked.Add(1) <= 2*d.plain.Load()+maxLinkedExtra {
		return false
	}
	d.overrun.CompareAndSwap(nil, &fs.PathError{Op: "readdir", Path: d.Display(name), Err: ErrFanOut})
	return true
}

// maxLinkedExtra: see fanOut.
const maxLinkedExtra = 256

// Overrun returns the first bound the tree hit (an *fs.PathError wrapping ErrFanOut),
// nil when none. A walk of the tree stops there, so the caller should report the
// input as unreadable rather than its results as complete.
func (d *DirTree) Overrun() error {
	if e := d.overrun.Load(); e != nil {
		return e
	}
	return nil
}

// rootCalls counts the listings and reads that went through os.Root, for tests.
var rootCalls atomic.Int64

// loadRoot reads one folder from disk through os.Root.
func (d *DirTree) loadRoot(name string, parent *listing) *listing {
	rootCalls.Add(1)
	l := &listing{parent: parent}
	r, err := os.OpenRoot(d.root)
	if err != nil {
		l.err = err
		return l
	}
	defer r.Close()
	f, err := r.Open(osName(name))
	if err != nil {
		l.err = d.wrap("open", name, err)
		return l
	}
	defer f.Close()
	l.id, err = f.Stat()
	if err != nil {
		l.err = d.wrap("stat", name, err)
		return l
	}
	if !l.id.IsDir() {
		l.err = fs.ErrNotExist // replaced by a file since its parent was listed
		return l
	}
	des, err := f.ReadDir(-1)
	if err != nil {
		l.err = d.wrap("readdir", name, err)
		return l
	}
	l.entries = make([]Info, 0, len(des))
	for _, de := range des {
		base := de.Name()
		if !cleanBase(base) {
			continue
		}
		var fi fs.FileInfo
		if de.Type()&fs.ModeSymlink != 0 {
			if fi = l.followLink(r, name, base); fi == nil {
				continue
			}
		} else if de.IsDir() {
			l.add(base, fs.ModeDir, 0) // as the fast path: no stat of its own
			continue
		} else if fi, err = de.Info(); err != nil {
			continue // removed since listed
		}
		l.add(base, fi.Mode(), fi.Size())
	}
	l.finish()
	return l
}

// cleanBase reports whether a name read from disk is visible: names that fail Clean
// (a backslash) are not.
func cleanBase(base string) bool {
	c, ok := Clean(base)
	return ok && c == base && c != ""
}

// followLink returns what the symlink base in the folder name points to, or nil when
// it is not visible. Root.Stat follows the link and fails when it leaves the root, is
// absolute, or dangles; a link to this folder or one of its ancestors loops.
func (l *listing) followLink(r *os.Root, name, base string) fs.FileInfo {
	if l.links == nil {
		l.links = map[string]bool{}
	}
	l.links[base] = true
	fi, err := r.Stat(osName(path.Join(name, base)))
	if err != nil || (fi.IsDir() && l.loops(fi)) {
		return nil
	}
	return fi
}

// add appends the entry base if it is a folder or a regular file.
func (l *listing) add(base string, mode fs.FileMode, size int64) {
	switch {
	case mode.IsDir():
		l.entries = append(l.entries, Info{Name: base, Dir: true, Mode: fs.ModeDir | dirPerm})
	case mode.IsRegular():
		l.entries = append(l.entries, Info{Name: base, Size: size, Mode: mode.Perm()})
	}
}

// finish sorts the entries and indexes them by name.
func (l *listing) finish() {
	slices.SortFunc(l.entries, func(a, b Info) int { return strings.Compare(a.Name, b.Name) })
	l.index = make(map[string]int, len(l.entries))
	for i, e := range l.entries {
		l.index[e.Name] = i
	}
}

// loops reports whether the folder fi is this folder or one of its ancestors.
func (l *listing) loops(fi fs.FileInfo) bool {
	for a := l; a != nil; a = a.parent {
		if a.id != nil && sameFile(a.id, fi) {
			return true
		}
	}
	return false
}

func (d *DirTree) wrap(op, name string, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return fs.ErrNotExist // removed since its parent was listed
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return &fs.PathError{Op: op, Path: d.Display(name), Err: err}
}

func (d *DirTree) Stat(name string) (Info, error) {
	i, _, err := d.stat(name)
	return i, err
}

// stat is Stat also returning the listing of the entry's folder (nil for the root).
func (d *DirTree) stat(name string) (Info, *listing, error) {
	name, ok := Clean(name)
	if !ok {
		return Info{}, nil, fs.ErrNotExist
	}
	if name == "" {
		l, err := d.list("")
		if err != nil {
			return Info{}, nil, err
		}
		i := rootInfo
		if l.id != nil {
			i.Mode = fs.ModeDir | l.id.Mode().Perm()
		}
		return i, nil, nil
	}
	dir, base := splitName(name)
	l, err := d.list(dir)
	if err != nil {
		return Info{}, nil, err
	}
	if e, ok := l.lookup(base); ok {
		return e, l, nil
	}
	return Info{}, nil, fs.ErrNotExist
}

func (d *DirTree) ReadDir(name string) ([]Info, error) {
	name, ok := Clean(name)
	if !ok {
		return nil, fs.ErrNotExist
	}
	l, err := d.list(name)
	if err != nil {
		return nil, err
	}
	return slices.Clone(l.entries), nil
}

func (d *DirTree) ReadFile(name string) ([]byte, error) {
	info, l, err := d.stat(name)
	if err != nil {
		return nil, err
	}
	if info.Dir {
		return nil, fs.ErrNotExist
	}
	name, _ = Clean(name)
	limit := d.max
	if info.Size > limit {
		return nil, &fs.PathError{Op: "read", Path: d.Display(name), Err: fmt.Errorf("%w: %d bytes, over the read cap of %d (--max-file-size)", ErrTooLarge, info.Size, limit)}
	}
	// The file may have grown since it was listed: read at most the cap plus one byte.
	b, err := d.read(name, l, func(r io.Reader) ([]byte, error) { return readAll(r, info.Size, limit) })
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, &fs.PathError{Op: "read", Path: d.Display(name), Err: ErrTooLarge}
	}
	return b, nil
}

// read opens the file name (clean, an entry of the listing l) and hands it to read: on
// the fast path when no symlink is on its way, else through os.Root. Errors from read
// are wrapped with the name.
func (d *DirTree) read(name string, l *listing, read func(io.Reader) ([]byte, error)) ([]byte, error) {
	if _, base := splitName(name); !l.viaLink(base) {
		if b, ok, err := d.readFast(name, read); ok {
			return b, err
		}
	}
	return d.readRoot(name, read)
}

// readRoot is read through os.Root.
func (d *DirTree) readRoot(name string, read func(io.Reader) ([]byte, error)) ([]byte, error) {
	rootCalls.Add(1)
	r, err := os.OpenRoot(d.root)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	f, err := r.Open(osName(name))
	if err != nil {
		return nil, d.wrap("open", name, err)
	}
	defer f.Close()
	b, err := read(f)
	if err != nil {
		return nil, d.wrap("read", name, err)
	}
	return b, nil
}

// readAll reads r to its end into a buffer sized for the expected size, returning at
// most limit+1 bytes. r is a regular file whose size was expected when stat'ed: a read
// that stops short of the room it was given, with exactly expected bytes read, is at
// the end (a regular file reads short only there), so no further read is made to be
// told so: that read is a system call per file, 1,500 of them on a 200-function app.
// A file that grew since is read on to its end (or the cap), one that shrank to its
// end as before.
func readAll(r io.Reader, expected, limit int64) ([]byte, error) {
	b := make([]byte, 0, min(max(expected, 0), limit)+1)
	for int64(len(b)) <= limit {
		if len(b) == cap(b) {
			b = slices.Grow(b, int(min(int64(cap(b)), limit+1-int64(len(b)))))
		}
		room := b[len(b):min(int64(cap(b)), limit+1)]
		n, err := r.Read(room)
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
		if expected > 0 && n > 0 && n < len(room) && int64(len(b)) == expected {
			return b, nil
		}
	}
	return b, nil
}

func (d *DirTree) Display(name string) string {
	if d.display == "" {
		if name == "" {
			return "."
		}
		return name
	}
	return path.Join(d.display, name)
}

// splitName splits a clean non-empty name into its folder and base name.
func splitName(name string) (dir, base string) {
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		return name[:i], name[i+1:]
	}
	return "", name
}

func osName(name string) string {
	if name == "" {
		return "."
	}
	return filepath.FromSlash(name)
}

// Root is the absolute path of the folder on disk (for a fix that moves files in it).
func (d *DirTree) Root() string { return d.root }

// Release drops what t keeps of the folders it listed (a DirTree's listings), through
// the views that wrap one (Unwrap): a tree nothing will read for a while holds no
// memory. A later read lists the folders again (and counts them again toward the
// fan-out bound, which compares counts, so a re-read does not trip it).
func Release(t Tree) {
	for t != nil {
		switch v := t.(type) {
		case *DirTree:
			v.dirs.Clear()
			return
		case interface{ Unwrap() Tree }:
			t = v.Unwrap()
		default:
			return
		}
	}
}
