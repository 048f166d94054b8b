package tree

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path"
	"slices"
	"strings"
	"sync"
	"time"
)

// ZipTree is a zip archive. The central directory is read once, when the tree is made,
// into an index of cleaned names; entry bytes are read only by ReadFile.
//
// Index rules:
//   - Folders are implied by file names (zips often have no folder entries).
//   - Entries whose names are absolute, contain a ".." segment, a backslash or a NUL,
//     and entries that are symlinks or other special files, are not resolved; they are
//     listed by Skipped and Skips.
//   - When several entries have the same name, the last one wins (as unzip -o).
//   - When a name is a file in one entry and a folder in another (an entry "a" and an
//     entry "a/x.py", or "a" and "a/"), the folder wins whatever the order, and the
//     file entry is listed by Skips.
//
// Reading is bounded (README "Limits"): an entry declaring more than its cap is not
// inflated, one inflating past its declared size is refused, an entry whose compressed
// data overlaps that of an entry already read is refused (many entries sharing one
// stream: a zip bomb), and one tree inflates at most zipReadBudget bytes in all.
//
// A ZipTree made by Zip opens the archive at its first ReadFile and keeps it open
// between reads, at most 32 archives across the process (zipSource); a read fails if
// the archive changed size or time since it was indexed. Close closes it and makes
// later ReadFile calls fail; the index stays usable.
type ZipTree struct {
	display  string
	max      int64       // read cap (Caps.MaxFileSize)
	src      *zipSource  // nil for ZipBytes
	ra       io.ReaderAt // the archive's bytes: src, or the slice ZipBytes was given
	dir      *centralDir
	nodes    []zipNode // the root first
	byName   nameTable // cleaned name → index in nodes
	children []int32   // each folder's listing, a run of node indexes sorted by name
	skips    []Skip
	zipped   int64
	unzipped int64

	mu       sync.Mutex
	spans    []span // compressed data of the entries read so far, sorted by start
	inflated int64  // bytes ReadFile has inflated, declared sizes
}

// span is where one entry's compressed data lies in the archive.
type span struct {
	start, end int64
	entry      int32
}

// zipReadBudget bounds the bytes ReadFile inflates from one archive: four times what
// Lambda accepts unzipped for a function and its layers together. Reading every file of
// a real layer twice stays far below it; a zip bomb of many honest entries does not.
const zipReadBudget = 1 << 30

// Skip is a zip entry that the index does not resolve, and why.
type Skip struct {
	Name   string // the name exactly as stored in the archive
	Reason string // e.g. "name contains a .. segment", "symlink"
}

// zipNode is a file or folder of the index: 32 bytes.
type zipNode struct {
	name        string      // cleaned, full; a substring of the directory's names when it can be
	entry       int32       // the file's central-directory entry; -1 for a folder
	mode        fs.FileMode // folders only (a file's comes from its entry)
	first, kids int32       // folders: their listing is children[first : first+kids]
}

// info is what Stat and ReadDir say of node i.
func (t *ZipTree) info(i int32) Info {
	n := &t.nodes[i]
	_, base := splitName(n.name)
	if n.entry < 0 {
		return Info{Name: base, Dir: true, Mode: n.mode}
	}
	e := &t.dir.entries[n.entry]
	return Info{Name: base, Size: int64(min(e.usize, math.MaxInt64)), Mode: e.perm(0o644)}
}

// Zip opens the archive at path, with the default caps. display is how the archive is
// shown to users ("build/deps.zip"); names inside show as display + ":" + name.
func Zip(path, display string) (*ZipTree, error) { return Caps{}.Zip(path, display) }

// Zip is tree.Zip with the caps c.
func (c Caps) Zip(path, display string) (*ZipTree, error) {
	f, fi, err := openRegular(path, "open")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	src := &zipSource{path: path, size: fi.Size(), mtime: fi.ModTime(), f: f, refs: 1}
	t, err := c.newZip(src, fi.Size(), display)
	if err != nil {
		return nil, err
	}
	t.src = src
	src.mu.Lock()
	src.refs, src.f = 0, nil // f is closed by the deferred Close above
	src.mu.Unlock()
	return t, nil
}

// ZipBytes reads an archive held in memory (a test fixture, a zip inside a zip), with
// the default caps.
func ZipBytes(data []byte, display string) (*ZipTree, error) { return Caps{}.ZipBytes(data, display) }

// ZipBytes is tree.ZipBytes with the caps c.
func (c Caps) ZipBytes(data []byte, display string) (*ZipTree, error) {
	return c.newZip(bytes.NewReader(data), int64(len(data)), display)
}

func (c Caps) newZip(r io.ReaderAt, size int64, display string) (*ZipTree, error) {
	d, err := readCentralDir(r, size)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", display, err)
	}
	t := &ZipTree{display: display, max: c.maxFile(), zipped: size, ra: r, dir: d}
	t.index()
	return t, nil
}

// index builds the nodes from the central directory. A large layer has tens of
// thousands of entries, so it makes one pass over them with few map operations each
// (consecutive entries mostly share their folder), then fills the folders' listings.
func (t *ZipTree) index() {
	d := t.dir
	size := len(d.entries) + len(d.entries)/8 + 1 // the files, and about a folder per eight
	t.nodes = make([]zipNode, 0, size)
	t.byName = newNameTable(size)
	// Nodes are made in the order they are linked to their folder: for an archive
	// stored in name order (most are), each listing comes out sorted.
	parent := make([]int32, 0, size) // of each node, while indexing
	newNode := func(name string, entry int32, mode fs.FileMode, p int32) int32 {
		t.nodes = append(t.nodes, zipNode{name: name, entry: entry, mode: mode})
		parent = append(parent, p)
		i := int32(len(t.nodes) - 1)
		t.byName.add(t.nodes, name, i)
		return i
	}
	root := newNode("", -1, rootInfo.Mode, -1)

	// hidden holds, by name, the file entries that a folder of the same name hides: the
	// last copy of the name, the one that would have won.
	var hidden map[string]int32
	hide := func(name string, entry int32) {
		if hidden == nil {
			hidden = map[string]int32{}
		}
		hidden[name] = entry
	}
	// The folders names imply are bounded, in number and in the length of their
	// names: an archive whose entries each name a new chain of 2,000 folders would
	// otherwise make millions of nodes, and gigabytes of names for every walk of the
	// tree. A real archive has fewer folders than files, and their names are
	// prefixes of its entries' names.
	folders, maxFolders := 0, len(d.entries)+maxZipExtraFolders
	folderBytes, maxFolderBytes := 0, maxZipExtraFolderBytes+len(d.names)
	// folder returns the folder node at name, making it and its parents as needed. A
	// file node there becomes a folder: the folder wins.
	var folder func(name string) int32
	folder = func(name string) int32 {
		i := t.byName.find(t.nodes, name)
		switch {
		case i < 0:
			dir, _ := splitName(name)
			folders++
			folderBytes += len(name)
			p := folder(dir)
			i = newNode(name, -1, fs.ModeDir|0o755, p)
		case t.nodes[i].entry >= 0:
			hide(name, t.nodes[i].entry)
			t.nodes[i].entry, t.nodes[i].mode = -1, fs.ModeDir|0o755
		}
		return i
	}

	tooMany := func(dir string) bool {
		if folders < maxFolders && folderBytes < maxFolderBytes {
			return false
		}
		return t.byName.find(t.nodes, dir) < 0
	}
	// dirTooMany is tooMany of a file's folder (path.Dir only past the bounds: it
	// cleans the name again).
	dirTooMany := func(name string) bool {
		if folders < maxFolders && folderBytes < maxFolderBytes {
			return false
		}
		dir := path.Dir(name)
		return dir != "." && tooMany(dir)
	}
	var sum uint64
	lastDir, last := "", root // the folder of the previous file entry
	for k := range d.entries {
		e := &d.entries[k]
		raw := d.name(k)
		mode := e.mode
		if !mode.IsDir() {
			sum = satAdd(sum, e.usize)
		}
		name, reason := zipName(raw)
		switch {
		case reason != "":
		case mode&fs.ModeSymlink != 0:
			reason = "symlink"
		case mode.Type()&^fs.ModeDir != 0:
			reason = "special file (" + mode.Type().String() + ")"
		case name == "" && !mode.IsDir():
			reason = "empty name"
		}
		if reason != "" {
			t.skips = append(t.skips, Skip{Name: raw, Reason: reason})
			continue
		}
		if tooMany(name) || !mode.IsDir() && dirTooMany(name) {
			t.skips = append(t.skips, Skip{Name: raw, Reason: "past the folders layerkit indexes for this archive: its names imply far more folders, or far longer folder names, than it has entries"})
			continue
		}
		if mode.IsDir() {
			if name != "" { // in archive order: the last entry sets the mode
				t.nodes[folder(name)].mode = fs.ModeDir | e.perm(0o755)
			}
			continue
		}
		if i := t.byName.find(t.nodes, name); i >= 0 {
			if t.nodes[i].entry < 0 {
				hide(name, int32(k))
			} else { // the last copy wins
				t.nodes[i].entry = int32(k)
			}
			continue
		}
		dir, _ := splitName(name)
		if dir != lastDir || len(t.nodes) == 1 {
			lastDir, last = dir, folder(dir)
		}
		newNode(name, int32(k), 0, last)
	}
	t.unzipped = int64(min(sum, math.MaxInt64))
	if hidden != nil { // report them in archive order
		set := make(map[int32]bool, len(hidden))
		for _, k := range hidden {
			set[k] = true
		}
		for k := range d.entries {
			if set[int32(k)] {
				t.skips = append(t.skips, Skip{Name: d.name(k), Reason: "file hidden by a folder of the same name"})
			}
		}
	}

	// Listings: count each folder's children, give each a run of children, fill the
	// runs in node order, sort the runs that need it.
	for _, p := range parent {
		if p >= 0 {
			t.nodes[p].kids++
		}
	}
	next := int32(0)
	for i := range t.nodes {
		t.nodes[i].first = next
		next += t.nodes[i].kids
		t.nodes[i].kids = 0
	}
	t.children = make([]int32, next)
	for i, p := range parent {
		if p >= 0 {
			n := &t.nodes[p]
			t.children[n.first+n.kids] = int32(i)
			n.kids++
		}
	}
	type kid struct {
		base string
		node int32
	}
	var kids []kid // one folder's listing while it is sorted
	for i := range t.nodes {
		n := &t.nodes[i]
		run := t.children[n.first : n.first+n.kids]
		kids = kids[:0]
		sorted := true
		for k, c := range run {
			_, base := splitName(t.nodes[c].name)
			kids = append(kids, kid{base, c})
			sorted = sorted && (k == 0 || kids[k-1].base <= base)
		}
		if !sorted {
			slices.SortFunc(kids, func(a, b kid) int { return strings.Compare(a.base, b.base) })
			for k := range kids {
				run[k] = kids[k].node
			}
		}
	}
}

// How many more folders than entries an archive's names may imply, and how many more
// bytes of folder names than of entry names (see index).
const (
	maxZipExtraFolders     = 1 << 16
	maxZipExtraFolderBytes = 4 << 20
)

// zipName cleans an archive name, or says why it is not resolved.
func zipName(raw string) (string, string) {
	if name, ok := Clean(raw); ok {
		if len(name) > maxZipName {
			return "", fmt.Sprintf("name longer than %d bytes: under /var/task it passes Linux's 4096-byte path limit, so it cannot be extracted", maxZipName)
		}
		if longSegment(name) {
			return "", "a name segment longer than 255 bytes, Linux's limit on a file name, so it cannot be extracted"
		}
		return name, ""
	}
	switch {
	case strings.HasPrefix(raw, "/"):
		return "", "absolute name"
	case strings.Contains(raw, "\\"):
		return "", "name contains a backslash"
	case strings.Contains(raw, "\x00"):
		return "", "name contains a NUL byte"
	}
	return "", "name contains a .. segment"
}

// maxZipName bounds the names the index resolves: PATH_MAX (4096 bytes with its NUL)
// less "/var/task/". Lambda extracts a package under /var/task and a layer under /opt;
// a longer name cannot be created there. Without the bound, an entry named
// "a/a/a/.../x" 64 KB long makes tens of thousands of folders whose names add up to
// gigabytes (each folder is indexed by its full name).
const maxZipName = 4096 - 1 - len("/var/task/")

// longSegment reports whether a clean name has a segment longer than NAME_MAX (255).
func longSegment(name string) bool {
	for len(name) > 255 {
		i := strings.IndexByte(name, '/')
		if i < 0 || i > 255 {
			return true
		}
		name = name[i+1:]
	}
	return false
}

func (t *ZipTree) Stat(name string) (Info, error) {
	name, ok := Clean(name)
	if !ok {
		return Info{}, fs.ErrNotExist
	}
	i := t.byName.find(t.nodes, name)
	if i < 0 {
		return Info{}, fs.ErrNotExist
	}
	return t.info(i), nil
}

func (t *ZipTree) ReadDir(name string) ([]Info, error) {
	name, ok := Clean(name)
	if !ok {
		return nil, fs.ErrNotExist
	}
	i := t.byName.find(t.nodes, name)
	if i < 0 || t.nodes[i].entry >= 0 {
		return nil, fs.ErrNotExist
	}
	n := &t.nodes[i]
	out := make([]Info, n.kids)
	for k, c := range t.children[n.first : n.first+n.kids] {
		out[k] = t.info(c)
	}
	return out, nil
}

// walk is Walk over the index: the names are the nodes' own.
func (t *ZipTree) walk(dir string, fn func(name string, info Info) error) (bool, error) {
	name, ok := Clean(dir)
	if !ok {
		return true, fs.ErrNotExist
	}
	i := t.byName.find(t.nodes, name)
	if i < 0 || t.nodes[i].entry >= 0 {
		return true, fs.ErrNotExist
	}
	return true, t.walkNode(i, fn)
}

func (t *ZipTree) walkNode(i int32, fn func(name string, info Info) error) error {
	n := &t.nodes[i]
	for _, c := range t.children[n.first : n.first+n.kids] {
		info := t.info(c)
		if err := fn(t.nodes[c].name, info); err != nil {
			if err == fs.SkipDir && info.Dir {
				continue
			}
			return err
		}
		if info.Dir {
			if err := t.walkNode(c, fn); err != nil {
				return err
			}
		}
	}
	return nil
}

// ReadFile inflates one entry. It fails, rather than returning more, when the entry
// inflates past its declared size, and refuses entries declaring more than the read
// cap (Caps.MaxFileSize).
func (t *ZipTree) ReadFile(name string) ([]byte, error) { return t.readFile(name, nil) }

// readFile is ReadFile inflating into buf when it has the room.
func (t *ZipTree) readFile(name string, buf []byte) ([]byte, error) {
	name, k := t.fileEntry(name)
	if k < 0 {
		return nil, fs.ErrNotExist
	}
	fail := func(err error) error { return &fs.PathError{Op: "read", Path: t.Display(name), Err: err} }
	e := &t.dir.entries[k]
	if e.usize > uint64(t.max) {
		return nil, fail(fmt.Errorf("%w: declares %d bytes, over the read cap of %d (--max-file-size)", ErrTooLarge, e.usize, t.max))
	}
	if t.src != nil {
		if err := t.src.acquire(); err != nil {
			return nil, fail(err)
		}
		defer t.src.release()
	}
	off, err := e.dataOffset(t.ra, t.zipped)
	if err != nil {
		return nil, fail(err)
	}
	if err := t.claim(k, off); err != nil {
		return nil, fail(err)
	}
	b, err := e.inflate(t.ra, off, buf)
	if err != nil {
		return nil, fail(err)
	}
	return b, nil
}

// fileEntry returns name cleaned and the central-directory entry of the file there;
// -1 when a folder or nothing is there.
func (t *ZipTree) fileEntry(name string) (string, int32) {
	name, ok := Clean(name)
	if !ok {
		return "", -1
	}
	if i := t.byName.find(t.nodes, name); i >= 0 && t.nodes[i].entry >= 0 {
		return name, t.nodes[i].entry
	}
	return "", -1
}

// claim accounts for reading entry k, whose data starts at off: it fails when that
// data overlaps the data of another entry already read (the overlapping-entries zip
// bomb: many entries, one stream) or when the archive's read budget is spent.
func (t *ZipTree) claim(k int32, off int64) error {
	e := &t.dir.entries[k]
	end := off + int64(min(e.csize, math.MaxInt64/2))
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.inflated+int64(e.usize) > zipReadBudget {
		return fmt.Errorf("%w: the archive's read budget of %d bytes is spent (a zip bomb?)", ErrTooLarge, zipReadBudget)
	}
	i, _ := slices.BinarySearchFunc(t.spans, off, func(s span, off int64) int { return cmp.Compare(s.start, off) })
	if i < len(t.spans) && t.spans[i].entry == k {
		t.inflated += int64(e.usize)
		return nil // read before
	}
	overlaps := func(s span) bool { return s.start < end && off < s.end || s.start == off }
	if i < len(t.spans) && overlaps(t.spans[i]) || i > 0 && overlaps(t.spans[i-1]) {
		return fmt.Errorf("the entry's data overlaps another entry's (a zip bomb?)")
	}
	t.spans = slices.Insert(t.spans, i, span{start: off, end: end, entry: k})
	t.inflated += int64(e.usize)
	return nil
}

// Display shows name as display + ":" + name; Display("") is display.
func (t *ZipTree) Display(name string) string {
	if name == "" {
		return t.display
	}
	return t.display + ":" + name
}

// Skipped lists, in archive order, the names (as stored) of entries the index does not
// resolve. Earlier copies of a duplicated name are not listed: the name resolves, to
// the last copy.
func (t *ZipTree) Skipped() []string {
	out := make([]string, len(t.skips))
	for i, s := range t.skips {
		out[i] = s.Name
	}
	return out
}

// Skips is Skipped with the reason for each entry.
func (t *ZipTree) Skips() []Skip { return slices.Clone(t.skips) }

// Size returns the archive's size and the sum of the uncompressed sizes its entries
// declare (every file entry, skipped or duplicated ones included: what extracting it
// would write, and what Lambda's unzipped-size limit counts).
func (t *ZipTree) Size() (zipped, unzipped int64) { return t.zipped, t.unzipped }

// Close releases the archive; later ReadFile calls fail with fs.ErrClosed.
func (t *ZipTree) Close() error {
	if t.src != nil {
		t.src.close()
	}
	return nil
}

// zipSource is the archive file. It is opened by the first ReadFile and then kept
// open between reads (reopening it for every entry was an open, an fstat and a close
// per file read), up to maxIdleZips archives at a time across the process: past that
// the one idle the longest is closed, and reopened when read again. Each read checks,
// with one fstat, that the file still has the size and time it had when indexed.
type zipSource struct {
	path   string
	size   int64
	mtime  time.Time
	mu     sync.Mutex
	f      *os.File
	refs   int
	closed bool
}

// maxIdleZips bounds the archives kept open with no read under way.
const maxIdleZips = 32

// idleZips are the open archives with no read under way, the one idle the longest
// first.
var idleZips struct {
	mu   sync.Mutex
	list []*zipSource
}

func (s *zipSource) acquire() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return fs.ErrClosed
	}
	if s.refs == 0 {
		f := s.f
		if f == nil {
			var err error
			if f, err = os.Open(s.path); err != nil {
				return err
			}
		}
		fi, err := f.Stat()
		if err == nil && (fi.Size() != s.size || !fi.ModTime().Equal(s.mtime)) {
			err = errors.New("archive changed since it was indexed")
		}
		if err != nil {
			f.Close()
			s.f = nil
			return err
		}
		s.f = f
	}
	s.refs++
	return nil
}

func (s *zipSource) release() {
	s.mu.Lock()
	s.refs--
	idle := s.refs == 0 && s.f != nil
	s.mu.Unlock()
	if !idle {
		return
	}
	idleZips.mu.Lock()
	list := slices.DeleteFunc(idleZips.list, func(o *zipSource) bool { return o == s })
	list = append(list, s)
	var evict *zipSource
	if len(list) > maxIdleZips {
		evict, list = list[0], list[1:]
	}
	idleZips.list = list
	idleZips.mu.Unlock()
	if evict != nil {
		evict.closeIdle()
	}
}

// closeIdle closes the file when no read is under way.
func (s *zipSource) closeIdle() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.refs == 0 && s.f != nil {
		s.f.Close()
		s.f = nil
	}
}

func (s *zipSource) close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.closeIdle()
	idleZips.mu.Lock()
	idleZips.list = slices.DeleteFunc(idleZips.list, func(o *zipSource) bool { return o == s })
	idleZips.mu.Unlock()
}

func (s *zipSource) ReadAt(p []byte, off int64) (int, error) {
	s.mu.Lock()
	f := s.f
	s.mu.Unlock()
	if f == nil {
		return 0, fs.ErrClosed
	}
	return f.ReadAt(p, off)
}

func satAdd(a, b uint64) uint64 {
	if a+b < a {
		return math.MaxUint64
	}
	return a + b
}

func joinName(dir, base string) string {
	if dir == "" {
		return base
	}
	return dir + "/" + base
}
