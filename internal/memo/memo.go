// Package memo makes a value once per key and shares it: the caches of a check, where
// functions with the same layers ask the same questions side by side.
package memo

import "sync"

// Map makes the value of each key once. A caller asking for a key whose value is being
// made waits for it. Safe for concurrent use; the zero value is ready.
type Map[K comparable, V any] struct {
	mu sync.Mutex
	m  map[K]*entry[V]
}

type entry[V any] struct {
	once    sync.Once
	v       V
	started bool // Go started making it (guarded by Map.mu)
}

func (m *Map[K, V]) entry(k K, start bool) (e *entry[V], first bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.m[k]
	if !ok {
		if m.m == nil {
			m.m = map[K]*entry[V]{}
		}
		e = &entry[V]{}
		m.m[k] = e
	}
	first = start && !e.started
	if start {
		e.started = true
	}
	return e, first
}

// Get returns the value of k, calling make to make it if no one has.
func (m *Map[K, V]) Get(k K, make func() V) V {
	e, _ := m.entry(k, false)
	e.once.Do(func() { e.v = make() })
	return e.v
}

// Go starts making the value of k in the background, unless it is made, being made,
// or was started before; a later Get returns it.
func (m *Map[K, V]) Go(k K, make func() V) {
	if e, first := m.entry(k, true); first {
		go e.once.Do(func() { e.v = make() })
	}
}

// Delete forgets k's value, a later Get making it again, and returns it (the zero value
// when k had none, or its make had not started). It waits for a make under way.
func (m *Map[K, V]) Delete(k K) (v V) {
	m.mu.Lock()
	e, ok := m.m[k]
	delete(m.m, k)
	m.mu.Unlock()
	if ok {
		e.once.Do(func() {})
		v = e.v
	}
	return v
}

// DeleteFunc forgets the values of the keys del returns true for (a later Get makes
// them again). It does not wait for makes under way.
func (m *Map[K, V]) DeleteFunc(del func(K) bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for k := range m.m {
		if del(k) {
			delete(m.m, k)
		}
	}
}
