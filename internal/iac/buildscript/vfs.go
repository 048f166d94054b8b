package buildscript

import (
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/layerkit/layerkit/internal/iac"
)

// pipEntry is the name a folder's pip installs go by in a listing, so that a glob over
// site-packages (`cp -r .venv/lib/*/site-packages/* build/`) carries them along. No
// file can have this name.
const pipEntry = "\x00pip"

// node is one file or folder of the virtual file system: a copy of a real file or
// folder of the checked tree (real), changed by what the script did since (kids added
// or replaced, gone removed), or a file the script wrote (data) or zipped (zip).
type node struct {
	real     string           // the real path this is a copy of; "" for a folder or file the script made
	dir      bool             // a folder
	kids     map[string]*node // entries added or replaced
	gone     map[string]bool  // real entries removed
	installs []Install        // what pip installs into this folder
	data     *string          // a file the script wrote (nil: unknown content or a real copy)
	zip      *node            // a zip the script made: its root folder
	tainted  string           // a program not modelled may have written here: what ran
	listed   []string         // the real folder's names, once read (nil: not yet)
	venvLib  bool             // the lib folder of a virtualenv: python3.X is its python3
}

func newDir() *node { return &node{dir: true} }

// fsys is the virtual file system: the checked folder as it is (read-only, lazily
// looked up), and what the script changed.
type fsys struct {
	root string // the checked folder, absolute and clean
	lim  iac.Limits
	top  *node // "/"
}

func newFS(root string, lim iac.Limits) *fsys {
	return &fsys{root: filepath.Clean(root), lim: lim, top: &node{real: "/", dir: true}}
}

// visible reports whether a real path may be looked at: inside the checked folder.
func (f *fsys) visible(p string) bool {
	return iac.Within(f.root, p) && f.lim.CheckInside(f.root, p) == nil
}

// child returns the entry name of folder n, or nil.
func (f *fsys) child(n *node, name string) *node {
	if n == nil || !n.dir {
		return nil
	}
	if k, ok := n.kids[name]; ok {
		return k
	}
	if n.venvLib && strings.HasPrefix(name, "python3") {
		return n.kids["python3"]
	}
	if n.gone[name] || n.real == "" {
		return nil
	}
	p := filepath.Join(n.real, name)
	if p != f.root && !strings.HasPrefix(f.root, p+string(filepath.Separator)) && !f.visible(p) {
		return nil
	}
	st, err := os.Stat(p)
	if err != nil {
		return nil
	}
	k := &node{real: p, dir: st.IsDir()}
	if n.kids == nil {
		n.kids = map[string]*node{}
	}
	n.kids[name] = k
	return k
}

func split(abs string) []string {
	abs = filepath.ToSlash(filepath.Clean(abs))
	if abs == "/" {
		return nil
	}
	return strings.Split(strings.TrimPrefix(abs, "/"), "/")
}

// writtenBy names the program not modelled that may have made abs, a path that does not
// exist in the model: the one that ran in the nearest folder above it that exists; "" when
// none did.
func (f *fsys) writtenBy(abs string) string {
	for p := filepath.Dir(abs); ; p = filepath.Dir(p) {
		if n := f.lookup(p); n != nil {
			if n.dir {
				return n.tainted
			}
			return ""
		}
		if p == filepath.Dir(p) {
			return ""
		}
	}
}

// taintCopy records a copy of src, which a program not modelled (prog) may have made, to
// dst: the folder that receives it holds what layerkit cannot know.
func (f *fsys) taintCopy(src, dst string, contents bool, prog string) {
	target := dst
	if n := f.lookup(dst); n != nil && n.dir && !contents {
		target = filepath.Join(dst, filepath.Base(src))
	}
	n := f.mkdirAll(target)
	if n == nil {
		n = f.lookup(target)
	}
	if n != nil && n.tainted == "" {
		n.tainted = prog
	}
}

// lookup returns the node at abs, or nil.
func (f *fsys) lookup(abs string) *node {
	n := f.top
	for _, c := range split(abs) {
		if n = f.child(n, c); n == nil {
			return nil
		}
	}
	return n
}

// parent returns the folder that holds abs (made when mkParents) and abs's base name.
func (f *fsys) parent(abs string, mkParents bool) (*node, string) {
	parts := split(abs)
	if len(parts) == 0 {
		return nil, ""
	}
	n := f.top
	for _, c := range parts[:len(parts)-1] {
		k := f.child(n, c)
		if k == nil {
			if !mkParents || !n.dir {
				return nil, ""
			}
			k = newDir()
			f.set(n, c, k)
		}
		if !k.dir {
			return nil, ""
		}
		n = k
	}
	return n, parts[len(parts)-1]
}

func (f *fsys) set(dir *node, name string, k *node) {
	if dir.kids == nil {
		dir.kids = map[string]*node{}
	}
	dir.kids[name] = k
	delete(dir.gone, name)
}

func (f *fsys) remove(abs string) {
	d, name := f.parent(abs, false)
	if d == nil {
		return
	}
	delete(d.kids, name)
	if d.gone == nil {
		d.gone = map[string]bool{}
	}
	d.gone[name] = true
}

func (f *fsys) mkdirAll(abs string) *node {
	if n := f.lookup(abs); n != nil {
		if n.dir {
			return n
		}
		return nil
	}
	d, name := f.parent(abs, true)
	if d == nil {
		return nil
	}
	k := newDir()
	f.set(d, name, k)
	return k
}

// list returns the names in folder n, sorted (the pip entry last, when it installs).
func (f *fsys) list(n *node) []string {
	if n == nil || !n.dir {
		return nil
	}
	seen := map[string]bool{}
	if n.real != "" && n.listed == nil {
		n.listed = []string{}
		if f.visible(n.real) {
			if es, err := os.ReadDir(n.real); err == nil {
				for i, e := range es {
					if i >= maxList {
						break
					}
					n.listed = append(n.listed, e.Name())
				}
			}
		}
	}
	for _, name := range n.listed {
		if !n.gone[name] {
			seen[name] = true
		}
	}
	for k := range n.kids {
		seen[k] = true
	}
	out := make([]string, 0, len(seen)+1)
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	if len(n.installs) > 0 {
		out = append(out, pipEntry)
	}
	return out
}

// clone copies a node (a cp -r): real copies stay references; what the script made
// is copied.
func clone(n *node) *node {
	c := &node{real: n.real, dir: n.dir, data: n.data, zip: n.zip, tainted: n.tainted, venvLib: n.venvLib, listed: n.listed}
	c.installs = append(c.installs, n.installs...)
	if len(n.kids) > 0 {
		c.kids = make(map[string]*node, len(n.kids))
		for k, v := range n.kids {
			c.kids[k] = clone(v)
		}
	}
	if len(n.gone) > 0 {
		c.gone = make(map[string]bool, len(n.gone))
		for k := range n.gone {
			c.gone[k] = true
		}
	}
	return c
}

// copyInto copies src to dst as cp -r does: into dst when dst is a folder, else as dst.
// A source named by the pip entry carries its installs into the destination folder.
func (f *fsys) copyInto(srcAbs, dstAbs string, contents bool) bool {
	if path.Base(filepath.ToSlash(srcAbs)) == pipEntry {
		from := f.lookup(filepath.Dir(srcAbs))
		to := f.lookup(dstAbs)
		if from == nil || to == nil || !to.dir {
			return false
		}
		to.installs = append(to.installs, from.installs...)
		if from.tainted != "" && to.tainted == "" {
			to.tainted = from.tainted
		}
		return true
	}
	src := f.lookup(srcAbs)
	if src == nil {
		return false
	}
	dst := f.lookup(dstAbs)
	if contents && src.dir { // cp -r SRC/. DST, rsync SRC/ DST: the folder's entries
		if dst == nil {
			if dst = f.mkdirAll(dstAbs); dst == nil {
				return false
			}
		}
		for _, name := range f.list(src) {
			if !f.copyInto(filepath.Join(srcAbs, name), dstAbs, false) {
				return false
			}
		}
		return true
	}
	if dst != nil && dst.dir {
		dstAbs = filepath.Join(dstAbs, filepath.Base(srcAbs))
	}
	d, name := f.parent(dstAbs, false)
	if d == nil {
		return false
	}
	f.set(d, name, clone(src))
	return true
}
