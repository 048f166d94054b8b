package tree

import (
	"errors"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// Overlay is what Lambda builds in /opt: the layers extracted one after another, in
// order. The view is what that sequence of extractions leaves behind:
//   - folders merge;
//   - when several layers have a file at the same name, the last layer's file wins;
//   - when layers disagree about the kind of a name, the later layer wins whatever the
//     kinds: a folder in layer 1 replaces a file in layer 0, and a file in layer 1
//     replaces a folder in layer 0 together with everything layer 0 had below it;
//   - so an entry at "a/b" from layer i is visible only if no later layer has a file
//     at "a" (or at "a/b" itself, or any other ancestor).
//
// Display delegates to the layer whose entry is visible (the owner).
//
// Layers are read-only, so the overlay caches what it works out per name (which layer
// wins, the merged listing of a folder): many functions share one overlay, and each
// asks about the same names.
type Overlay struct {
	layers []Tree
	cache  sync.Map // clean name → *resolved
}

// resolved is the cached answer of resolve for one name, and the merged listing when
// the name is a folder that was listed.
type resolved struct {
	win  int
	info Info
	live []int
	err  error

	list atomic.Pointer[[]Info] // set once a listing succeeded
}

// NewOverlay returns the overlay of layers, in extraction order (layers[0] first, the
// last one wins). The slice is copied.
func NewOverlay(layers []Tree) *Overlay {
	return &Overlay{layers: slices.Clone(layers)}
}

// Layer returns layer i.
func (o *Overlay) Layer(i int) Tree { return o.layers[i] }

// Len returns the number of layers.
func (o *Overlay) Len() int { return len(o.layers) }

// lookup returns resolve's answer for name (clean), cached. Errors other than
// fs.ErrNotExist (I/O) are not cached.
func (o *Overlay) lookup(name string) *resolved {
	if v, ok := o.cache.Load(name); ok {
		return v.(*resolved)
	}
	r := &resolved{}
	r.win, r.info, r.live, r.err = o.resolve(name, make([]int, 0, len(o.layers)))
	if r.err != nil && r.err != fs.ErrNotExist {
		return r
	}
	v, _ := o.cache.LoadOrStore(name, r)
	return v.(*resolved)
}

// resolve finds the visible entry at name (clean): the index of the layer it comes
// from and its Info. When that entry is a folder, live holds, in order, the layers
// whose content below it is visible (every layer that has a folder there and comes
// after the last layer having a file there). live is built in buf.
//
// It starts from the folder's answer (lookup, cached) and looks at the last segment
// only: resolving each prefix of the name again would cost the square of its length
// for each name, the cube for a walk down a deep tree.
func (o *Overlay) resolve(name string, buf []int) (win int, info Info, live []int, err error) {
	live = buf[:0]
	if name == "" {
		for i := range o.layers {
			live = append(live, i)
		}
		return len(o.layers) - 1, rootInfo, live, nil
	}
	dir, _ := splitName(name)
	p := o.lookup(dir)
	if p.err != nil {
		return -1, Info{}, nil, p.err
	}
	if !p.info.Dir {
		return -1, Info{}, nil, fs.ErrNotExist
	}
	win = -1
	for _, i := range p.live {
		e, err := o.layers[i].Stat(name)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			return -1, Info{}, nil, err
		}
		win, info = i, e
		if e.Dir {
			live = append(live, i)
		} else {
			live = live[:0] // a file here hides every earlier folder
		}
	}
	if win < 0 {
		return -1, Info{}, nil, fs.ErrNotExist
	}
	if !info.Dir {
		return win, info, nil, nil
	}
	return win, info, live, nil
}

// Overrun is the first of its layers' Overrun.
func (o *Overlay) Overrun() error {
	for _, t := range o.layers {
		if err := Overrun(t); err != nil {
			return err
		}
	}
	return nil
}

// walk is Walk over the overlay: below a folder that only one layer has, that layer's
// own walk (a zip's index: no listing, no name made), else the merged listings.
func (o *Overlay) walk(dir string, fn func(name string, info Info) error) (bool, error) {
	name, ok := Clean(dir)
	if !ok {
		return true, fs.ErrNotExist
	}
	return true, o.walkDir(name, fn)
}

func (o *Overlay) walkDir(dir string, fn func(name string, info Info) error) error {
	if r := o.lookup(dir); r.err == nil && r.info.Dir && len(r.live) == 1 {
		// Everything visible below dir is that layer's, at the same names.
		if w, ok := o.layers[r.live[0]].(walker); ok {
			if done, err := w.walk(dir, fn); done {
				return err
			}
		}
	}
	entries, err := o.ReadDir(dir)
	if err != nil {
		return err
	}
	return walkEntries(dir, entries, fn, func(name string) error { return o.walkDir(name, fn) })
}

func (o *Overlay) Stat(name string) (Info, error) {
	name, ok := Clean(name)
	if !ok {
		return Info{}, fs.ErrNotExist
	}
	r := o.lookup(name)
	return r.info, r.err
}

func (o *Overlay) ReadDir(name string) ([]Info, error) {
	name, ok := Clean(name)
	if !ok {
		return nil, fs.ErrNotExist
	}
	r := o.lookup(name)
	if r.err != nil {
		return nil, r.err
	}
	if !r.info.Dir {
		return nil, fs.ErrNotExist
	}
	if len(r.live) == 1 {
		// One layer has the folder: its listing is the overlay's, and the layer keeps
		// its own (a folder's, or a zip's index); a merged copy kept here would double
		// the listings of a 200,000-file layer.
		return o.layers[r.live[0]].ReadDir(name)
	}
	if l := r.list.Load(); l != nil {
		return slices.Clone(*l), nil
	}
	l, err := o.readDir(name, r.live)
	if err != nil {
		return nil, err
	}
	r.list.Store(&l)
	return slices.Clone(l), nil
}

// readDir merges the listings of name in the live layers.
func (o *Overlay) readDir(name string, live []int) ([]Info, error) {
	var out []Info // layers hand over their slices, so out needs no copy
	for _, i := range live {
		l, err := o.layers[i].ReadDir(name)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			return nil, err
		}
		if len(out) == 0 {
			out = l
		} else if len(l) > 0 {
			out = mergeInfos(out, l)
		}
	}
	if out == nil {
		out = []Info{}
	}
	return out, nil
}

// mergeInfos merges two lists sorted by name; on equal names b's entry wins.
func mergeInfos(a, b []Info) []Info {
	out := make([]Info, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		switch c := strings.Compare(a[0].Name, b[0].Name); {
		case c < 0:
			out, a = append(out, a[0]), a[1:]
		case c > 0:
			out, b = append(out, b[0]), b[1:]
		default:
			out, a, b = append(out, b[0]), a[1:], b[1:]
		}
	}
	out = append(out, a...)
	return append(out, b...)
}

func (o *Overlay) ReadFile(name string) ([]byte, error) {
	l, name, err := o.fileLayer(name)
	if err != nil {
		return nil, err
	}
	return l.ReadFile(name)
}

// fileLayer returns the layer whose file is visible at name, and name cleaned;
// fs.ErrNotExist when a folder or nothing is visible there.
func (o *Overlay) fileLayer(name string) (Tree, string, error) {
	name, ok := Clean(name)
	if !ok {
		return nil, "", fs.ErrNotExist
	}
	r := o.lookup(name)
	if r.err != nil {
		return nil, "", r.err
	}
	if r.info.Dir {
		return nil, "", fs.ErrNotExist
	}
	return o.layers[r.win], name, nil
}

// Display shows name as the owning layer shows it. For a name no layer makes visible
// it falls back to the last layer that has an entry there, then to the last layer;
// with no layers it is name itself.
func (o *Overlay) Display(name string) string {
	c, ok := Clean(name)
	if ok {
		if i := o.Owner(c); i >= 0 {
			return o.layers[i].Display(c)
		}
		if own := o.Owners(c); len(own) > 0 {
			return o.layers[own[len(own)-1]].Display(c)
		}
	}
	if len(o.layers) == 0 {
		return name
	}
	return o.layers[len(o.layers)-1].Display(name)
}

// LayerOf returns the tree whose file is visible at name: for an overlay, the layer that
// holds it (so caches keyed by tree and name share a layer's file between overlays);
// otherwise t itself.
func LayerOf(t Tree, name string) Tree {
	if o, ok := t.(*Overlay); ok {
		if i := o.Owner(name); i >= 0 {
			return o.Layer(i)
		}
	}
	return t
}

// Owner returns the index of the layer whose entry is visible at name (for a folder,
// the last layer whose folder is merged there; for the root, the last layer); -1 when
// nothing is visible at name.
func (o *Overlay) Owner(name string) int {
	name, ok := Clean(name)
	if !ok {
		return -1
	}
	r := o.lookup(name)
	if r.err != nil {
		return -1
	}
	return r.win
}

// Owners returns, in order, every layer that has an entry at name, visible or not
// (so len(Owners) > 1 means layers collide there). Empty when none has.
func (o *Overlay) Owners(name string) []int {
	var out []int
	for i, l := range o.layers {
		if _, err := l.Stat(name); err == nil {
			out = append(out, i)
		}
	}
	return out
}
