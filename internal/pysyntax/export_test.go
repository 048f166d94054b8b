package pysyntax

import "math/rand/v2"

// Corpus is, for the tests of packages that prove files clean for Check
// (clean_test.go, package pysyntax_test), sources of every kind the differential tests
// compile: n generated modules from seed, each also with a targeted construct injected
// and with one to three random edits; then the known shapes and the targeted
// constructs, alone and after a generated module.
func Corpus(seed uint64, n int) []string {
	rng := rand.New(rand.NewPCG(seed, 19))
	var out []string
	for range n {
		g := &gen{rng: rng}
		base := g.module()
		out = append(out, base)
		if inj, ok := g.inject(base); ok {
			out = append(out, inj)
		}
		m := base
		for range 1 + rng.IntN(3) {
			m = mutate(rng, m)
			out = append(out, m)
		}
	}
	g := &gen{rng: rng}
	base := g.module()
	for _, s := range append(append([]string{}, knownShapes...), targeted...) {
		out = append(out, s, base+s)
	}
	return out
}
