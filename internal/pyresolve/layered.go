package pyresolve

import "maps"

// layered is one of an analysis's working maps (mods, state) over the map of a shared
// summary it adopted (summary.go adopt): a read falls back on the summary's map (base)
// for a name the analysis has not set itself (own), and a write goes to own, so that
// adopting a 5,000-module summary copies nothing. It reads as maps.Clone(base) with
// own copied over it. base is shared by every function that adopted it and never
// written; a deletion or a second adoption first makes own the whole map (flatten).
type layered[V any] struct {
	own  map[string]V
	base map[string]V
}

func newLayered[V any](n int) layered[V] { return layered[V]{own: make(map[string]V, n)} }

// get is m[k].
func (l *layered[V]) get(k string) V {
	if v, ok := l.own[k]; ok || l.base == nil {
		return v
	}
	return l.base[k]
}

// lookup is m[k] with its ok.
func (l *layered[V]) lookup(k string) (V, bool) {
	if v, ok := l.own[k]; ok || l.base == nil {
		return v, ok
	}
	v, ok := l.base[k]
	return v, ok
}

// has reports whether k is in the map.
func (l *layered[V]) has(k string) bool {
	_, ok := l.lookup(k)
	return ok
}

// set is m[k] = v.
func (l *layered[V]) set(k string, v V) { l.own[k] = v }

// size is about len(m): an entry set over one of base's counts twice.
func (l *layered[V]) size() int { return len(l.own) + len(l.base) }

// all yields every entry, own's first, in no set order; the loop must not change the
// map.
func (l *layered[V]) all(yield func(k string, v V) bool) {
	for k, v := range l.own {
		if !yield(k, v) {
			return
		}
	}
	for k, v := range l.base {
		if _, ok := l.own[k]; !ok && !yield(k, v) {
			return
		}
	}
}

// flatten makes own the whole map, base's entries copied under own's: for a
// deletion, or before another base is adopted.
func (l *layered[V]) flatten() {
	if l.base == nil {
		return
	}
	m := maps.Clone(l.base)
	maps.Copy(m, l.own)
	l.own, l.base = m, nil
}

// adopt makes b the base: l reads as a copy of b with l's entries copied over it.
func (l *layered[V]) adopt(b map[string]V) {
	l.flatten()
	l.base = b
}
