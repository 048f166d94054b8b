package pymeta

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/layerkit/layerkit/internal/tree"
)

// layerTree is a layer's python/ folder holding dists (names) at site.
func layerTree(label string, names ...string) *tree.Map {
	files := map[string]string{}
	for _, n := range names {
		files[fmt.Sprintf("python/%s-1.0.dist-info/METADATA", n)] = "Name: " + n + "\nVersion: 1.0\n"
		files[fmt.Sprintf("python/%s-1.0.dist-info/RECORD", n)] = n + "/__init__.py,,\n"
		files[n+"/__init__.py"] = ""
	}
	return tree.NewMap(label, files)
}

// describe is what an Installed answers: per dist, its place's path and index, and
// per name the copies in path order.
func describe(in *Installed) string {
	s := ""
	seen := map[string]bool{}
	var winners []*Dist
	for _, d := range in.Dists {
		s += fmt.Sprintf("%s@%s#%d winner=%s copies=%d; ", d.Name, in.Place(d).Path, in.PlaceIndex(d), in.Winner(d.Name).Dir, len(in.Get(d.Name)))
		if !seen[d.Normalized] {
			seen[d.Normalized] = true
			winners = append(winners, d)
		}
	}
	if !slices.Equal(in.Winners(), winners) {
		s += "WINNERS DIFFER"
	}
	return s
}

// TestInstalledSharesCores: functions whose paths differ only in places without
// distributions (their own code) share what NewInstalled indexes, and answer as an
// Installed built alone; a function whose own code holds a distribution, or whose
// layers sit at other indices, gets its own; Forget drops what a gone tree shared.
func TestInstalledSharesCores(t *testing.T) {
	l1, l2 := layerTree("l1", "six", "attrs"), layerTree("l2", "attrs", "idna")
	layers := []Place{{Tree: l1, Dir: "python", Path: "/opt/python"}, {Tree: l2, Dir: "python", Path: "/opt/python2"}}
	own := func(label string, names ...string) Place {
		return Place{Tree: layerTree(label, names...), Dir: "python", Path: "/var/task"}
	}
	var c Cache
	paths := [][]Place{
		append([]Place{own("f1")}, layers...),
		append([]Place{own("f2")}, layers...),
		append([]Place{own("f3", "idna")}, layers...),            // its own code holds a dist
		append([]Place{own("f4"), own("f4b")}, layers...),        // the layers one place later
		append([]Place{own("f5"), {Tree: nil}}, layers...),       // a nil tree is skipped
		append([]Place{own("f6")}, append(layers, layers...)...), // a folder listed twice
	}
	var got []*Installed
	for _, places := range paths {
		in := NewInstalled(places, &c)
		alone := NewInstalled(places, nil)
		if describe(in) != describe(alone) || !slices.Equal(in.Places, alone.Places) || strings.Contains(describe(in), "WINNERS DIFFER") {
			t.Errorf("shared: %s\nalone:  %s", describe(in), describe(alone))
		}
		got = append(got, in)
	}
	same := func(a, b *Installed) bool {
		if (a.ID() == b.ID()) != (fmt.Sprintf("%p", a.by) == fmt.Sprintf("%p", b.by)) {
			t.Errorf("ID says shared %v, the index %v", a.ID() == b.ID(), !(a.ID() == b.ID()))
		}
		return a.ID() == b.ID()
	}
	if !same(got[0], got[1]) || !same(got[0], got[4]) || !same(got[0], got[5]) {
		t.Error("paths with the same layers at the same indices do not share their index")
	}
	if same(got[0], got[2]) || same(got[0], got[3]) {
		t.Error("a path with other distributions, or the layers elsewhere, shares another's index")
	}
	c.Forget(func(t tree.Tree) bool { return t == tree.Tree(l2) })
	after := NewInstalled(paths[0], &c)
	if same(after, got[0]) {
		t.Error("an index over a forgotten tree is still shared")
	}
	if alone := NewInstalled(paths[0], nil); alone.ID() == after.ID() || alone.ID() == NewInstalled(paths[0], nil).ID() {
		t.Error("Installeds made without a Cache share an ID")
	}
	if describe(after) != describe(got[0]) {
		t.Errorf("after Forget: %s, want %s", describe(after), describe(got[0]))
	}
}

// BenchmarkNewInstalled: 200 functions, each with its own code, over the same five
// layers of 40 distributions each, read already (the rules build one Installed per
// function).
func BenchmarkNewInstalled(b *testing.B) {
	var layers []Place
	for l := range 5 {
		var names []string
		for d := range 40 {
			names = append(names, fmt.Sprintf("dist%d_%d", l, d))
		}
		layers = append(layers, Place{Tree: layerTree(fmt.Sprintf("l%d", l), names...), Dir: "python", Path: "/opt/python"})
	}
	var fns [][]Place
	for f := range 200 {
		fns = append(fns, append([]Place{{Tree: layerTree(fmt.Sprintf("f%d", f)), Dir: "", Path: "/var/task"}}, layers...))
	}
	var c Cache // the layers' distributions read once, as the rules' cache reads them
	for _, l := range layers {
		c.Read(l.Tree, l.Dir)
	}
	for b.Loop() {
		for _, places := range fns {
			if in := NewInstalled(places, &c); len(in.Dists) != 200 {
				b.Fatal(len(in.Dists))
			}
		}
	}
}
