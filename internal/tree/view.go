package tree

import (
	"errors"
	"io/fs"
	"path"
	"strings"
)

// Sub returns the subtree of t at dir. Names are relative to dir; Display delegates to
// t with the joined name. When dir is missing, is a file, or fails Clean, the subtree
// is empty (its root still exists, with nothing in it).
func Sub(t Tree, dir string) Tree {
	d, ok := Clean(dir)
	if !ok {
		return &sub{t: t, dir: dir, empty: true}
	}
	if d == "" {
		return t
	}
	if s, ok := t.(*sub); ok && !s.empty {
		return &sub{t: s.t, dir: s.dir + "/" + d}
	}
	return &sub{t: t, dir: d}
}

type sub struct {
	t     Tree
	dir   string // clean, not ""
	empty bool
}

func (s *sub) Overrun() error { return Overrun(s.t) }

func (s *sub) Stat(name string) (Info, error) {
	name, ok := Clean(name)
	if !ok || s.empty {
		if ok && name == "" {
			return rootInfo, nil
		}
		return Info{}, fs.ErrNotExist
	}
	if name == "" {
		i, err := s.t.Stat(s.dir)
		if err != nil || !i.Dir {
			return rootInfo, nil
		}
		i.Name = ""
		return i, nil
	}
	return s.t.Stat(s.dir + "/" + name)
}

func (s *sub) ReadDir(name string) ([]Info, error) {
	name, ok := Clean(name)
	if !ok || s.empty {
		if ok && name == "" {
			return []Info{}, nil
		}
		return nil, fs.ErrNotExist
	}
	l, err := s.t.ReadDir(joinName(s.dir, name))
	if name == "" && errors.Is(err, fs.ErrNotExist) {
		return []Info{}, nil
	}
	return l, err
}

func (s *sub) ReadFile(name string) ([]byte, error) {
	name, ok := Clean(name)
	if !ok || s.empty || name == "" {
		return nil, fs.ErrNotExist
	}
	return s.t.ReadFile(s.dir + "/" + name)
}

func (s *sub) Display(name string) string {
	if s.empty {
		return s.t.Display("")
	}
	return s.t.Display(path.Join(s.dir, name))
}

// Mount returns t appearing under prefix: with prefix "python", Stat("python") is a
// folder (t's root), Stat("python/x.py") is t.Stat("x.py"), ReadDir("") lists just
// "python", and nothing else exists. With a prefix "a/b" the folder "a" holds just
// "b". It models SAM's BuildMethod python3.x, which copies ContentUri into python/.
// Display of a name under the prefix is t's Display of the name inside t (the user's
// own file); Display of prefix folders and of missing names is t.Display("").
// A prefix of "" returns t; a prefix failing Clean gives an empty tree.
func Mount(t Tree, prefix string) Tree {
	p, ok := Clean(prefix)
	if !ok {
		return &sub{t: t, dir: prefix, empty: true}
	}
	if p == "" {
		return t
	}
	return &mount{t: t, prefix: p}
}

type mount struct {
	t      Tree
	prefix string // clean, not ""
}

// Unmount is the reverse of Mount: the tree t was made from and its prefix, when t is a
// Mount with a prefix.
func Unmount(t Tree) (inner Tree, prefix string, ok bool) {
	if m, isMount := t.(*mount); isMount {
		return m.t, m.prefix, true
	}
	return nil, "", false
}

// where places a clean name: inside t (rest is the name in t), on the path to the
// prefix (next is the following segment of the prefix), or nowhere.
func (m *mount) where(name string) (rest string, inside bool, next string, above bool) {
	switch {
	case name == m.prefix:
		return "", true, "", false
	case strings.HasPrefix(name, m.prefix) && name[len(m.prefix)] == '/':
		return name[len(m.prefix)+1:], true, "", false
	case name == "":
		next = m.prefix
	case strings.HasPrefix(m.prefix, name) && m.prefix[len(name)] == '/':
		next = m.prefix[len(name)+1:]
	default:
		return "", false, "", false
	}
	next, _, _ = strings.Cut(next, "/")
	return "", false, next, true
}

func (m *mount) Overrun() error { return Overrun(m.t) }

func (m *mount) Stat(name string) (Info, error) {
	name, ok := Clean(name)
	if !ok {
		return Info{}, fs.ErrNotExist
	}
	rest, inside, _, above := m.where(name)
	switch {
	case above:
		if name == "" {
			return rootInfo, nil
		}
		return dirInfo(name), nil
	case !inside:
		return Info{}, fs.ErrNotExist
	case rest == "":
		i, err := m.t.Stat("")
		if err != nil || !i.Dir {
			i = rootInfo
		}
		i.Name = path.Base(m.prefix)
		return i, nil
	}
	return m.t.Stat(rest)
}

func (m *mount) ReadDir(name string) ([]Info, error) {
	name, ok := Clean(name)
	if !ok {
		return nil, fs.ErrNotExist
	}
	rest, inside, next, above := m.where(name)
	switch {
	case above:
		return []Info{dirInfo(next)}, nil
	case !inside:
		return nil, fs.ErrNotExist
	}
	l, err := m.t.ReadDir(rest)
	if rest == "" && errors.Is(err, fs.ErrNotExist) {
		return []Info{}, nil
	}
	return l, err
}

func (m *mount) ReadFile(name string) ([]byte, error) {
	name, ok := Clean(name)
	if !ok {
		return nil, fs.ErrNotExist
	}
	rest, inside, _, _ := m.where(name)
	if !inside || rest == "" {
		return nil, fs.ErrNotExist
	}
	return m.t.ReadFile(rest)
}

func (m *mount) Display(name string) string {
	if name, ok := Clean(name); ok {
		if rest, inside, _, _ := m.where(name); inside {
			return m.t.Display(rest)
		}
	}
	return m.t.Display("")
}

// Union merges trees at the same root: folders merge, and when trees disagree about a
// name the later tree wins (a later file hides an earlier file or folder; a later
// folder hides an earlier file). It is an Overlay; Display delegates to the tree
// whose entry is visible. Union() is an empty tree; Union(t) is t.
func Union(trees ...Tree) Tree {
	if len(trees) == 1 {
		return trees[0]
	}
	return NewOverlay(trees)
}
