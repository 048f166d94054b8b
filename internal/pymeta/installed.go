package pymeta

import (
	"github.com/layerkit/layerkit/internal/memo"
	"github.com/layerkit/layerkit/internal/tree"
)

// Place is one folder on a function's sys.path that holds installed distributions.
type Place struct {
	Tree tree.Tree
	Dir  string
	Path string // how Lambda spells it: "/var/task", "/opt/python", ...
}

// Installed is every distribution on one sys.path, in path order.
type Installed struct {
	Places []Place
	// Dists in path order: by place, then by metadata folder name.
	Dists []*Dist
	place map[*Dist]int
	by    map[string][]*Dist
}

// Cache shares ReadDists results between functions whose paths share folders (the
// same layers). Safe for concurrent use; the zero value is ready. A folder is read
// once: a second caller of Read waits for the first (see Prefetch).
type Cache struct {
	m memo.Map[cacheKey, []*Dist]
}

type cacheKey struct {
	t   tree.Tree
	dir string
}

// Read returns ReadDists(t, dir), cached.
func (c *Cache) Read(t tree.Tree, dir string) []*Dist {
	if c == nil {
		return ReadDists(t, dir)
	}
	return c.m.Get(cacheKey{t, dir}, func() []*Dist { return ReadDists(t, dir) })
}

// Prefetch starts reading the distributions of dir in t in the background, unless they
// are read or being read; a later Read gets the result.
func (c *Cache) Prefetch(t tree.Tree, dir string) {
	c.m.Go(cacheKey{t, dir}, func() []*Dist { return ReadDists(t, dir) })
}

// NewInstalled reads the distributions of each place (places with a nil Tree are
// skipped; a folder listed twice is read once).
func NewInstalled(places []Place, c *Cache) *Installed {
	in := &Installed{}
	var read [][]*Dist // per place in in.Places
	seen := map[cacheKey]bool{}
	for _, p := range places {
		if p.Tree == nil || seen[cacheKey{p.Tree, p.Dir}] {
			continue
		}
		seen[cacheKey{p.Tree, p.Dir}] = true
		in.Places = append(in.Places, p)
		ds := c.Read(p.Tree, p.Dir)
		read = append(read, ds)
		in.Dists = append(in.Dists, ds...)
	}
	// Sized once: functions sharing layers each build these over the same dists.
	in.place = make(map[*Dist]int, len(in.Dists))
	in.by = make(map[string][]*Dist, len(in.Dists))
	for i, ds := range read {
		for _, d := range ds {
			in.place[d] = i
			in.by[d.Normalized] = append(in.by[d.Normalized], d)
		}
	}
	return in
}

// Place returns the place d was found in.
func (in *Installed) Place(d *Dist) Place { return in.Places[in.place[d]] }

// PlaceIndex returns the index in Places of d's place.
func (in *Installed) PlaceIndex(d *Dist) int { return in.place[d] }

// Get returns every copy of a distribution (any spelling), in path order.
func (in *Installed) Get(name string) []*Dist { return in.by[Normalize(name)] }

// Winner returns the copy Python's importlib.metadata finds first; nil when none.
func (in *Installed) Winner(name string) *Dist {
	if ds := in.by[Normalize(name)]; len(ds) > 0 {
		return ds[0]
	}
	return nil
}

// Owner returns the first distribution (path order) that lists top-level import name
// top; nil when none does.
func (in *Installed) Owner(top string) *Dist {
	for _, d := range in.Dists {
		for _, t := range d.TopLevel {
			if t == top {
				return d
			}
		}
	}
	return nil
}

// Forget drops the distributions read in the trees gone says are done with.
func (c *Cache) Forget(gone func(tree.Tree) bool) {
	c.m.DeleteFunc(func(k cacheKey) bool { return gone(k.t) })
}
