// Package tree is the one read-only view of file content that the checks use: a
// folder on disk, a zip archive (central directory read once, bytes read lazily), an
// in-memory map, and views over them (a sub-folder, a tree mounted under a prefix, and
// the overlay that merges layers into /opt in order).
//
// Names are slash-separated, clean and relative ("" is the root). A tree never hands
// out anything outside itself: names with "..", absolute names, backslashes and
// symlinks that leave the tree are not resolved.
//
// Conventions shared by every implementation in this package:
//   - The root ("") always exists and is a folder, even in an empty tree, so Walk over
//     an empty tree succeeds and visits nothing.
//   - "Not there" is reported as the bare fs.ErrNotExist (no allocation, so a resolver
//     can probe thousands of missing names cheaply). That covers a missing name, a name
//     failing Clean, ReadDir of a file and ReadFile of a folder. Anything else (an I/O
//     error, a corrupt zip entry, a file too large to read) is a different error.
//   - When a name is a file in one place and a folder in another (two zip entries, two
//     layers), the rules are documented on the implementation; ReadDir and Stat always
//     agree.
//   - Slices returned by ReadDir belong to the caller.
//   - Implementations are safe for concurrent use.
package tree

import (
	"io/fs"
	"path"
	"sort"
	"strings"
)

// Info describes one entry.
type Info struct {
	Name string // base name
	Dir  bool
	Size int64 // uncompressed size in bytes; 0 for folders
	// Mode is the type and permission bits. A DirTree reads a file's bits from disk, not
	// a folder's (fs.ModeDir|0o755 below the root), sparing a stat per folder.
	Mode fs.FileMode
}

// Tree is a read-only file tree.
type Tree interface {
	// Stat returns the entry at name; fs.ErrNotExist when there is none.
	Stat(name string) (Info, error)
	// ReadDir lists a folder, sorted by name.
	ReadDir(name string) ([]Info, error)
	// ReadFile returns a file's bytes.
	ReadFile(name string) ([]byte, error)
	// Display says how to show name to a user: a path relative to the checked PATH for
	// trees on disk ("layers/core/python/x.py"), "build/deps.zip:python/x.py" inside a
	// zip. Display("") names the tree itself.
	Display(name string) string
}

// Clean turns a user- or archive-supplied name into a tree name, and reports false
// when it must not be resolved (absolute, "..", backslash, NUL). It does not allocate
// when name is already clean.
func Clean(name string) (string, bool) {
	dirty := false // an empty or "." segment: path.Clean has work to do
	start := 0     // of the current segment
	for i := 0; i < len(name); i++ {
		// Most bytes sort after '/' (letters, digits, '_'): one comparison each. Clean
		// runs on every name a resolver probes and every entry of a zip index.
		c := name[i]
		if c > '/' {
			if c == '\\' {
				return "", false
			}
			continue
		}
		if c == 0 {
			return "", false
		}
		if c != '/' {
			continue
		}
		if i == 0 {
			return "", false
		}
		switch name[start:i] {
		case "..":
			return "", false
		case ".", "":
			dirty = true
		}
		start = i + 1
	}
	switch name[start:] { // the last segment
	case "..":
		return "", false
	case ".", "":
		dirty = true
	}
	if !dirty {
		return name, true
	}
	c := path.Clean(name)
	if c == "." {
		c = ""
	}
	return c, true
}

// Exists reports whether name is in t.
func Exists(t Tree, name string) bool {
	_, err := t.Stat(name)
	return err == nil
}

// IsDir reports whether name is a folder in t.
func IsDir(t Tree, name string) bool {
	i, err := t.Stat(name)
	return err == nil && i.Dir
}

// IsFile reports whether name is a regular file in t.
func IsFile(t Tree, name string) bool {
	i, err := t.Stat(name)
	return err == nil && !i.Dir
}

// Walk calls fn for every entry below dir (not dir itself), depth first, in name order.
// fn returning fs.SkipDir on a folder skips it.
func Walk(t Tree, dir string, fn func(name string, info Info) error) error {
	if w, ok := t.(walker); ok {
		if done, err := w.walk(dir, fn); done {
			return err
		}
	}
	entries, err := t.ReadDir(dir)
	if err != nil {
		return err
	}
	if c, ok := Clean(dir); ok {
		dir = c // then joining a listed base name needs no path.Join
	}
	return walkEntries(dir, entries, fn, func(name string) error { return Walk(t, name, fn) })
}

// walkEntries is one folder of Walk: fn for each entry of dir (clean), then down for
// each folder fn did not skip.
func walkEntries(dir string, entries []Info, fn func(name string, info Info) error, down func(name string) error) error {
	for _, e := range entries {
		name := joinName(dir, e.Name)
		if err := fn(name, e); err != nil {
			if err == fs.SkipDir && e.Dir {
				continue
			}
			return err
		}
		if e.Dir {
			if err := down(name); err != nil {
				return err
			}
		}
	}
	return nil
}

// A walker is a tree that walks itself faster than Walk over ReadDir, with the same
// calls to fn: a zip index holds every name already, so its walk allocates no listing
// and no name (a 200,000-entry layer's walk was 23 MB of them). done is false when it
// cannot, and Walk does.
type walker interface {
	walk(dir string, fn func(name string, info Info) error) (done bool, err error)
}

// An Overrunner is a tree that stops reading past a bound (DirTree: a symlink fan-out)
// and says so. Trees that wrap others pass their Overrun on.
type Overrunner interface {
	Overrun() error
}

// Overrun returns the first bound t, or a tree it wraps, hit; nil when none or when t
// cannot tell.
func Overrun(t Tree) error {
	if o, ok := t.(Overrunner); ok {
		return o.Overrun()
	}
	return nil
}

// Map is an in-memory tree, for tests and for content a build step would write.
// Folders are implied by file names; when a name is both a file and the parent of
// another file, the folder wins (the file is not visible). Lookups are linear in the
// number of files: fine for the small maps it is meant for.
type Map struct {
	Label string            // what Display("") returns
	Files map[string][]byte // name → content
}

// NewMap returns a Map holding files. Names are cleaned; names failing Clean are
// dropped.
func NewMap(label string, files map[string]string) *Map {
	m := &Map{Label: label, Files: map[string][]byte{}}
	for k, v := range files {
		if c, ok := Clean(k); ok && c != "" {
			m.Files[c] = []byte(v)
		}
	}
	return m
}

var rootInfo = Info{Dir: true, Mode: fs.ModeDir | 0o755}

func dirInfo(name string) Info {
	return Info{Name: path.Base(name), Dir: true, Mode: fs.ModeDir | 0o755}
}

// hasChildren reports whether some file lies below name.
func (m *Map) hasChildren(name string) bool {
	prefix := name + "/"
	for k := range m.Files {
		if strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}

func (m *Map) Stat(name string) (Info, error) {
	name, ok := Clean(name)
	if !ok {
		return Info{}, fs.ErrNotExist
	}
	if name == "" {
		return rootInfo, nil
	}
	if m.hasChildren(name) {
		return dirInfo(name), nil
	}
	if b, ok := m.Files[name]; ok {
		return Info{Name: path.Base(name), Size: int64(len(b)), Mode: 0o644}, nil
	}
	return Info{}, fs.ErrNotExist
}

func (m *Map) ReadDir(name string) ([]Info, error) {
	name, ok := Clean(name)
	if !ok {
		return nil, fs.ErrNotExist
	}
	prefix := name + "/"
	if name == "" {
		prefix = ""
	}
	seen := map[string]Info{}
	for k, b := range m.Files {
		if !strings.HasPrefix(k, prefix) {
			continue
		}
		rest := k[len(prefix):]
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			seen[rest[:i]] = Info{Name: rest[:i], Dir: true, Mode: fs.ModeDir | 0o755}
		} else if prev, dup := seen[rest]; !dup || !prev.Dir {
			seen[rest] = Info{Name: rest, Size: int64(len(b)), Mode: 0o644}
		}
	}
	if len(seen) == 0 && name != "" {
		return nil, fs.ErrNotExist
	}
	out := make([]Info, 0, len(seen))
	for _, i := range seen {
		out = append(out, i)
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Name < out[b].Name })
	return out, nil
}

func (m *Map) ReadFile(name string) ([]byte, error) {
	name, ok := Clean(name)
	if !ok || name == "" {
		return nil, fs.ErrNotExist
	}
	b, ok := m.Files[name]
	if !ok || m.hasChildren(name) {
		return nil, fs.ErrNotExist
	}
	return b, nil
}

func (m *Map) Display(name string) string {
	if name == "" {
		return m.Label
	}
	if m.Label == "" {
		return name
	}
	return strings.TrimSuffix(m.Label, "/") + "/" + name
}
