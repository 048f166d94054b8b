package noderesolve

import "testing"

// BenchmarkGeneratedApps loads every handler of 100 generated apps (about 750
// functions) with the resolver alone: the cost of resolution and handler loading
// without node.
func BenchmarkGeneratedApps(b *testing.B) {
	var apps []*genApp
	for s := uint64(1); s <= 100; s++ {
		apps = append(apps, genAppFor(s))
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, app := range apps {
			r := app.resolver()
			for _, h := range app.handlers {
				r.LoadHandler(h)
			}
		}
	}
}
