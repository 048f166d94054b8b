package tree

import (
	"archive/zip"
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
// Reading is bounded (README "Limits"): an entry declaring more than MaxFileSize is not
// inflated, one inflating past its declared size is refused, an entry whose compressed
// data overlaps that of an entry already read is refused (many entries sharing one
// stream: a zip bomb), and one tree inflates at most zipReadBudget bytes in all.
//
// A ZipTree made by Zip holds no file descriptor between calls: ReadFile reopens the
// archive (and fails if it changed size or time since it was indexed). Close makes
// later ReadFile calls fail; the index stays usable.
type ZipTree struct {
	display  string
	src      *zipSource // nil for ZipBytes
	nodes    map[string]*zipNode
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
	file       *zip.File
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

type zipNode struct {
	info     Info
	file     *zip.File // nil for folders
	children []Info    // folders only, sorted by name
	parent   *zipNode  // while indexing; nil for the root
}

// Zip opens the archive at path. display is how the archive is shown to users
// ("build/deps.zip"); names inside show as display + ":" + name.
func Zip(path, display string) (*ZipTree, error) {
	f, fi, err := openRegular(path, "open")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	src := &zipSource{path: path, size: fi.Size(), mtime: fi.ModTime(), f: f, refs: 1}
	t, err := newZip(src, fi.Size(), display)
	if err != nil {
		return nil, err
	}
	t.src = src
	src.mu.Lock()
	src.refs, src.f = 0, nil // f is closed by the deferred Close above
	src.mu.Unlock()
	return t, nil
}

// ZipBytes reads an archive held in memory (a test fixture, a zip inside a zip).
func ZipBytes(data []byte, display string) (*ZipTree, error) {
	return newZip(bytes.NewReader(data), int64(len(data)), display)
}

func newZip(r io.ReaderAt, size int64, display string) (*ZipTree, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, fmt.Errorf("%s: %w", display, err)
	}
	t := &ZipTree{display: display, zipped: size, nodes: make(map[string]*zipNode, len(zr.File)+len(zr.File)/4)}
	t.index(zr.File)
	return t, nil
}

// index builds the nodes from the central directory. A large layer has tens of
// thousands of entries, so it makes one pass over them with few map operations each
// (consecutive entries mostly share their folder), then fills the folders' listings.
func (t *ZipTree) index(files []*zip.File) {
	// Nodes come from slabs rather than one allocation each, and are made in the order
	// they are linked to their folder: for an archive stored in name order (most are),
	// each listing comes out sorted.
	var slabs [][]zipNode
	newNode := func(info Info, parent *zipNode) *zipNode {
		if len(slabs) == 0 || len(slabs[len(slabs)-1]) == cap(slabs[len(slabs)-1]) {
			size := 256
			if len(slabs) == 0 {
				size = len(files) + len(files)/8 + 1 // the files, and about a folder per eight
			}
			slabs = append(slabs, make([]zipNode, 0, size))
		}
		slab := &slabs[len(slabs)-1]
		*slab = append(*slab, zipNode{info: info, parent: parent})
		return &(*slab)[len(*slab)-1]
	}
	root := newNode(rootInfo, nil)
	t.nodes[""] = root

	// hidden holds, by name, the file entries that a folder of the same name hides: the
	// last copy of the name, the one that would have won.
	var hidden map[string]*zip.File
	hide := func(name string, f *zip.File) {
		if hidden == nil {
			hidden = map[string]*zip.File{}
		}
		hidden[name] = f
	}
	// The folders names imply are bounded, in number and in the length of their
	// names: an archive whose entries each name a new chain of 2,000 folders would
	// otherwise make millions of nodes, and gigabytes of names for every walk of the
	// tree. A real archive has fewer folders than files, and their names are
	// prefixes of its entries' names.
	folders, maxFolders := 0, len(files)+maxZipExtraFolders
	folderBytes, maxFolderBytes := 0, maxZipExtraFolderBytes
	for _, f := range files {
		maxFolderBytes += len(f.Name)
	}
	// folder returns the folder node at name, making it and its parents as needed. A
	// file node there becomes a folder: the folder wins.
	var folder func(name string) *zipNode
	folder = func(name string) *zipNode {
		n := t.nodes[name]
		switch {
		case n == nil:
			dir, base := splitName(name)
			folders++
			folderBytes += len(name)
			n = newNode(Info{Name: base, Dir: true, Mode: fs.ModeDir | 0o755}, folder(dir))
			t.nodes[name] = n
		case !n.info.Dir:
			hide(name, n.file)
			n.file = nil
			n.info = Info{Name: n.info.Name, Dir: true, Mode: fs.ModeDir | 0o755}
		}
		return n
	}

	tooMany := func(dir string) bool {
		return (folders >= maxFolders || folderBytes >= maxFolderBytes) && t.nodes[dir] == nil
	}
	var sum uint64
	lastDir, last := "", root // the folder of the previous file entry
	for _, f := range files {
		mode := f.Mode()
		if !mode.IsDir() {
			sum = satAdd(sum, f.UncompressedSize64)
		}
		name, reason := zipName(f.Name)
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
			t.skips = append(t.skips, Skip{Name: f.Name, Reason: reason})
			continue
		}
		if tooMany(name) || !mode.IsDir() && tooMany(path.Dir(name)) && path.Dir(name) != "." {
			t.skips = append(t.skips, Skip{Name: f.Name, Reason: "past the folders layerkit indexes for this archive: its names imply far more folders, or far longer folder names, than it has entries"})
			continue
		}
		if mode.IsDir() {
			if name != "" { // in archive order: the last entry sets the mode
				folder(name).info.Mode = fs.ModeDir | zipPerm(f, 0o755)
			}
			continue
		}
		info := Info{Size: int64(min(f.UncompressedSize64, math.MaxInt64)), Mode: zipPerm(f, 0o644)}
		if n := t.nodes[name]; n != nil {
			if n.info.Dir {
				hide(name, f)
			} else { // the last copy wins
				n.file, n.info.Size, n.info.Mode = f, info.Size, info.Mode
			}
			continue
		}
		dir, base := splitName(name)
		if dir != lastDir {
			lastDir, last = dir, folder(dir)
		}
		info.Name = base
		n := newNode(info, last)
		n.file = f
		t.nodes[name] = n
	}
	t.unzipped = int64(min(sum, math.MaxInt64))
	if hidden != nil { // report them in archive order
		set := make(map[*zip.File]bool, len(hidden))
		for _, f := range hidden {
			set[f] = true
		}
		for _, f := range files {
			if set[f] {
				t.skips = append(t.skips, Skip{Name: f.Name, Reason: "file hidden by a folder of the same name"})
			}
		}
	}

	// Listings: count first, then fill each folder's slice at its exact size.
	counts := map[*zipNode]int{}
	for _, slab := range slabs {
		for i := range slab {
			if p := slab[i].parent; p != nil {
				counts[p]++
			}
		}
	}
	for p, k := range counts {
		p.children = make([]Info, 0, k)
	}
	for _, slab := range slabs {
		for i := range slab {
			if n := &slab[i]; n.parent != nil {
				n.parent.children = append(n.parent.children, n.info)
				n.parent = nil
			}
		}
	}
	for p := range counts {
		if !slices.IsSortedFunc(p.children, compareInfo) {
			slices.SortFunc(p.children, compareInfo)
		}
	}
}

// How many more folders than entries an archive's names may imply, and how many more
// bytes of folder names than of entry names (see index).
const (
	maxZipExtraFolders     = 1 << 16
	maxZipExtraFolderBytes = 4 << 20
)

func compareInfo(a, b Info) int { return strings.Compare(a.Name, b.Name) }

// zipPerm is the permission an extractor gives the entry: its Unix mode when it was
// made on Unix or macOS (0 included: such a file is unreadable on Lambda too), else
// the default.
func zipPerm(f *zip.File, def fs.FileMode) fs.FileMode {
	switch f.CreatorVersion >> 8 {
	case 3, 19: // Unix, macOS
		return f.Mode().Perm()
	}
	return def
}

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
	n := t.nodes[name]
	if n == nil {
		return Info{}, fs.ErrNotExist
	}
	return n.info, nil
}

func (t *ZipTree) ReadDir(name string) ([]Info, error) {
	name, ok := Clean(name)
	if !ok {
		return nil, fs.ErrNotExist
	}
	n := t.nodes[name]
	if n == nil || !n.info.Dir {
		return nil, fs.ErrNotExist
	}
	return slices.Clone(n.children), nil
}

// ReadFile inflates one entry. It fails, rather than returning more, when the entry
// inflates past its declared size, and refuses entries declaring more than the read
// cap (MaxFileSize).
func (t *ZipTree) ReadFile(name string) ([]byte, error) {
	name, n := t.fileNode(name)
	if n == nil {
		return nil, fs.ErrNotExist
	}
	fail := func(err error) error { return &fs.PathError{Op: "read", Path: t.Display(name), Err: err} }
	declared := n.file.UncompressedSize64
	if declared > uint64(MaxFileSize()) {
		return nil, fail(fmt.Errorf("%w (declares %d bytes)", ErrTooLarge, declared))
	}
	if t.src != nil {
		if err := t.src.acquire(); err != nil {
			return nil, fail(err)
		}
		defer t.src.release()
	}
	if err := t.claim(n.file); err != nil {
		return nil, fail(err)
	}
	rc, err := n.file.Open()
	if err != nil {
		return nil, fail(err)
	}
	defer rc.Close()
	// The declared size is at most the cap: read into a buffer of exactly that size,
	// then make sure nothing follows.
	buf := make([]byte, declared)
	if _, err := io.ReadFull(rc, buf); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, fail(err)
	}
	// At the end, archive/zip checks the CRC; past the declared size it says ErrFormat.
	switch k, err := io.ReadAtLeast(rc, make([]byte, 1), 1); {
	case k > 0 || errors.Is(err, zip.ErrFormat):
		return nil, fail(fmt.Errorf("entry inflates past its declared size of %d bytes", declared))
	case err != io.EOF:
		return nil, fail(err)
	}
	return buf, nil
}

// fileNode returns name cleaned and the node of the file there; nil when a folder or
// nothing is there.
func (t *ZipTree) fileNode(name string) (string, *zipNode) {
	name, ok := Clean(name)
	if !ok {
		return "", nil
	}
	if n := t.nodes[name]; n != nil && n.file != nil {
		return name, n
	}
	return "", nil
}

// claim accounts for reading f: it fails when f's compressed data overlaps the data of
// another entry already read (the overlapping-entries zip bomb: many entries, one
// stream) or when the archive's read budget is spent.
func (t *ZipTree) claim(f *zip.File) error {
	off, err := f.DataOffset()
	if err != nil {
		return err
	}
	end := off + int64(min(f.CompressedSize64, math.MaxInt64/2))
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.inflated+int64(f.UncompressedSize64) > zipReadBudget {
		return fmt.Errorf("%w: the archive's read budget of %d bytes is spent (a zip bomb?)", ErrTooLarge, zipReadBudget)
	}
	i, _ := slices.BinarySearchFunc(t.spans, off, func(s span, off int64) int { return cmp.Compare(s.start, off) })
	if i < len(t.spans) && t.spans[i].file == f {
		t.inflated += int64(f.UncompressedSize64)
		return nil // read before
	}
	overlaps := func(s span) bool { return s.start < end && off < s.end || s.start == off }
	if i < len(t.spans) && overlaps(t.spans[i]) || i > 0 && overlaps(t.spans[i-1]) {
		return fmt.Errorf("the entry's data overlaps another entry's (a zip bomb?)")
	}
	t.spans = slices.Insert(t.spans, i, span{start: off, end: end, file: f})
	t.inflated += int64(f.UncompressedSize64)
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

// zipSource is the archive file, opened only while a ReadFile needs it.
type zipSource struct {
	path   string
	size   int64
	mtime  time.Time
	mu     sync.Mutex
	f      *os.File
	refs   int
	closed bool
}

func (s *zipSource) acquire() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return fs.ErrClosed
	}
	if s.refs == 0 {
		f, err := os.Open(s.path)
		if err != nil {
			return err
		}
		fi, err := f.Stat()
		if err == nil && (fi.Size() != s.size || !fi.ModTime().Equal(s.mtime)) {
			err = errors.New("archive changed since it was indexed")
		}
		if err != nil {
			f.Close()
			return err
		}
		s.f = f
	}
	s.refs++
	return nil
}

func (s *zipSource) release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refs--
	if s.refs == 0 && s.f != nil {
		s.f.Close()
		s.f = nil
	}
}

func (s *zipSource) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
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
