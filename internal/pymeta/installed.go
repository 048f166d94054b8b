package pymeta

import (
	"slices"
	"strconv"
	"sync"

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
	core  *core
}

// ID identifies the distributions in and the indices of their places: Installeds
// made with one Cache over the same places holding distributions have the same ID
// (what is worked out from their Dists once need not be again).
func (in *Installed) ID() any {
	if in.core == nil {
		return in // not made by NewInstalled
	}
	return in.core
}

// Cache shares ReadDists results between functions whose paths share folders (the
// same layers). Safe for concurrent use; the zero value is ready. A folder is read
// once: a second caller of Read waits for the first (see Prefetch).
type Cache struct {
	m memo.Map[cacheKey, []*Dist]

	mu    sync.Mutex
	ids   map[cacheKey]int // a number for each folder read, for core keys
	next  int              // the last number given (never given again)
	cores map[string]*core // by the places holding distributions and their indices
}

// core is what an Installed makes of the places holding distributions, which
// depends only on those places and their indices on the path: functions whose paths
// differ only in places holding none (each function's own code, as a rule, before the
// same layers) share it instead of each indexing the same distributions.
type core struct {
	keys    []cacheKey
	dists   []*Dist
	place   map[*Dist]int
	by      map[string][]*Dist
	winners []*Dist
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
	co := c.core(in.Places, read, func() *core { return newCore(in.Dists, read) })
	in.Dists, in.place, in.by, in.core = co.dists, co.place, co.by, co
	return in
}

// newCore indexes dists (read per place, in path order).
func newCore(dists []*Dist, read [][]*Dist) *core {
	co := &core{dists: slices.Clip(dists), place: make(map[*Dist]int, len(dists)), by: make(map[string][]*Dist, len(dists))}
	for i, ds := range read {
		for _, d := range ds {
			co.place[d] = i
			co.by[d.Normalized] = append(co.by[d.Normalized], d)
		}
	}
	for _, d := range dists {
		if co.by[d.Normalized][0] == d {
			co.winners = append(co.winners, d)
		}
	}
	return co
}

// core returns the core of the places (read: their distributions), made by build
// when no path with the same places holding distributions, at the same indices, has
// made it before.
func (c *Cache) core(places []Place, read [][]*Dist, build func() *core) *core {
	if c == nil {
		return build()
	}
	var key []byte
	var keys []cacheKey
	c.mu.Lock()
	if c.ids == nil {
		c.ids, c.cores = map[cacheKey]int{}, map[string]*core{}
	}
	for i, ds := range read {
		if len(ds) == 0 {
			continue
		}
		k := cacheKey{places[i].Tree, places[i].Dir}
		id, ok := c.ids[k]
		if !ok {
			c.next++
			id = c.next
			c.ids[k] = id
		}
		keys = append(keys, k)
		key = strconv.AppendInt(key, int64(i), 10)
		key = append(key, ':')
		key = strconv.AppendInt(key, int64(id), 10)
		key = append(key, ' ')
	}
	co := c.cores[string(key)]
	c.mu.Unlock()
	if co != nil {
		return co
	}
	co = build()
	co.keys = keys
	c.mu.Lock()
	if prev := c.cores[string(key)]; prev != nil {
		co = prev
	} else {
		c.cores[string(key)] = co
	}
	c.mu.Unlock()
	return co
}

// Winners returns, in path order, the copy of each distribution that Python's
// importlib.metadata finds first (Winner of each name). Shared: not to be changed.
func (in *Installed) Winners() []*Dist {
	if in.core == nil {
		return nil
	}
	return in.core.winners
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
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, co := range c.cores {
		if slices.ContainsFunc(co.keys, func(k cacheKey) bool { return gone(k.t) }) {
			delete(c.cores, k)
		}
	}
	for k := range c.ids {
		if gone(k.t) {
			delete(c.ids, k)
		}
	}
}
