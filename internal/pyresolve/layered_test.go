package pyresolve

import (
	"maps"
	"math/rand/v2"
	"strconv"
	"testing"
)

// TestLayeredMatchesClone holds layered to what adopt made before it: a map cloned from
// the summary's with the analysis's own entries copied over it, then written to. Random
// sets, reads, iterations, deletions (after flatten) and second adoptions are made on
// both and compared after every step; the base maps are checked to be left as they were.
func TestLayeredMatchesClone(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 19))
	key := func() string { return "m" + strconv.Itoa(rng.IntN(60)) }
	for round := range 200 {
		l := newLayered[int](4)
		want := map[string]int{}
		var bases []map[string]int
		var frozen []map[string]int
		for range 80 {
			switch op := rng.IntN(10); {
			case op < 4:
				k, v := key(), rng.IntN(3)
				l.set(k, v)
				want[k] = v
			case op < 5:
				base := map[string]int{}
				for range rng.IntN(40) {
					base[key()] = rng.IntN(3)
				}
				bases, frozen = append(bases, base), append(frozen, maps.Clone(base))
				l.adopt(base)
				m := maps.Clone(base)
				maps.Copy(m, want)
				want = m
			case op < 6:
				k := key()
				l.flatten()
				delete(l.own, k)
				delete(want, k)
			default:
				k := key()
				got, ok := l.lookup(k)
				w, wok := want[k]
				if got != w || ok != wok || l.get(k) != w || l.has(k) != wok {
					t.Fatalf("round %d: %s: got %d %t, want %d %t", round, k, got, ok, w, wok)
				}
			}
			seen := map[string]int{}
			for k, v := range l.all {
				if _, dup := seen[k]; dup {
					t.Fatalf("round %d: %s yielded twice", round, k)
				}
				seen[k] = v
			}
			if !maps.Equal(seen, want) {
				t.Fatalf("round %d: all yields %v, want %v", round, seen, want)
			}
			if l.size() < len(want) {
				t.Fatalf("round %d: size %d < %d", round, l.size(), len(want))
			}
		}
		for i := range bases {
			if !maps.Equal(bases[i], frozen[i]) {
				t.Fatalf("round %d: base %d was written", round, i)
			}
		}
	}
}
