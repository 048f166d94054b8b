package tree

import (
	"slices"
	"testing"
)

func TestOverlay(t *testing.T) {
	layers := []Tree{
		NewMap("layers/base", map[string]string{
			"python/a.py":      "0",
			"python/shared.py": "0",
			"python/x":         "file in 0", // folder in layer 1: the folder wins
			"python/gone/z.py": "0",         // file "python/gone" in layer 2 hides it
			"python/back/old":  "0",         // folder, then file (1), then folder (3)
		}),
		NewMap("layers/mid", map[string]string{
			"python/b.py":      "1",
			"python/shared.py": "1",
			"python/x/y.py":    "folder in 1",
			"python/back":      "file in 1",
		}),
		NewMap("layers/top", map[string]string{
			"python/gone":          "file in 2",
			"python/c/__init__.py": "2",
		}),
		NewMap("layers/last", map[string]string{
			"python/back/new": "3",
		}),
	}
	o := NewOverlay(layers)
	checkStats(t, o, []statCase{
		{"", "dir", ""},
		{"python", "dir", ""},
		{"python/a.py", "file", "0"},
		{"python/b.py", "file", "1"},
		{"python/shared.py", "file", "1"},
		{"python/x", "dir", ""},
		{"python/x/y.py", "file", "folder in 1"},
		{"python/gone", "file", "file in 2"},
		{"python/gone/z.py", "", ""},
		{"python/back", "dir", ""},
		{"python/back/new", "file", "3"},
		{"python/back/old", "", ""},
		{"python/missing.py", "", ""},
		{"../python/a.py", "", ""},
	})
	want := []string{
		"python/", "python/a.py", "python/b.py", "python/back/", "python/back/new",
		"python/c/", "python/c/__init__.py", "python/gone", "python/shared.py", "python/x/", "python/x/y.py",
	}
	if names := checkConsistent(t, o); !slices.Equal(names, want) {
		t.Errorf("walk = %q\nwant   %q", names, want)
	}

	owners := []struct {
		name   string
		owner  int
		owners []int
	}{
		{"python", 3, []int{0, 1, 2, 3}},
		{"python/a.py", 0, []int{0}},
		{"python/shared.py", 1, []int{0, 1}},
		{"python/x", 1, []int{0, 1}},
		{"python/x/y.py", 1, []int{1}},
		{"python/gone", 2, []int{0, 2}},
		{"python/gone/z.py", -1, []int{0}}, // there, but hidden
		{"python/back", 3, []int{0, 1, 3}},
		{"python/c", 2, []int{2}},
		{"python/nope", -1, nil},
		{"../x", -1, nil},
	}
	for _, c := range owners {
		if got := o.Owner(c.name); got != c.owner {
			t.Errorf("Owner(%q) = %d, want %d", c.name, got, c.owner)
		}
		if got := o.Owners(c.name); !slices.Equal(got, c.owners) {
			t.Errorf("Owners(%q) = %v, want %v", c.name, got, c.owners)
		}
	}

	displays := map[string]string{
		"python/shared.py": "layers/mid/python/shared.py",
		"python/a.py":      "layers/base/python/a.py",
		"python/gone":      "layers/top/python/gone",
		"python/gone/z.py": "layers/base/python/gone/z.py", // hidden: the layer that has it
		"python/x/y.py":    "layers/mid/python/x/y.py",
	}
	for name, want := range displays {
		if got := o.Display(name); got != want {
			t.Errorf("Display(%q) = %q, want %q", name, got, want)
		}
	}
	if o.Layer(2) != layers[2] || o.Len() != 4 {
		t.Error("Layer/Len")
	}
	layers[0] = nil // NewOverlay copied the slice
	if !IsFile(o, "python/a.py") {
		t.Error("overlay shares the caller's slice")
	}
}

func TestOverlayEmpty(t *testing.T) {
	o := NewOverlay(nil)
	if names := checkConsistent(t, o); len(names) != 0 {
		t.Errorf("walk = %q", names)
	}
	if o.Owner("") != -1 || o.Owner("x") != -1 || o.Owners("x") != nil {
		t.Error("owners of an empty overlay")
	}
}

// TestOverlayMixed puts the real implementations together the way the checker does:
// a SAM layer built from a folder (mounted under python/) and a zip layer.
func TestOverlayMixed(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{"requests/__init__.py": "folder", "own.py": "own"})
	d, err := Dir(root, "layers/http")
	if err != nil {
		t.Fatal(err)
	}
	z, err := ZipBytes(buildZip(t,
		zipEntry{name: "python/requests/__init__.py", body: "zip"},
		zipEntry{name: "python/numpy/__init__.py", body: "np"},
	), "build/deps.zip")
	if err != nil {
		t.Fatal(err)
	}
	o := NewOverlay([]Tree{Mount(d, "python"), z})
	checkStats(t, o, []statCase{
		{"python/requests/__init__.py", "file", "zip"},
		{"python/own.py", "file", "own"},
		{"python/numpy/__init__.py", "file", "np"},
	})
	if got := o.Display("python/own.py"); got != "layers/http/own.py" {
		t.Errorf("Display = %q", got)
	}
	if got := o.Display("python/requests/__init__.py"); got != "build/deps.zip:python/requests/__init__.py" {
		t.Errorf("Display = %q", got)
	}
	if got := o.Owners("python/requests/__init__.py"); !slices.Equal(got, []int{0, 1}) {
		t.Errorf("Owners = %v", got)
	}
	checkConsistent(t, o)
}

// Walk over an overlay (each layer's own walk below a folder only it has) calls fn as
// Walk over its merged listings does: layers that merge, hide and replace each other.
func TestOverlayWalkMatchesReadDir(t *testing.T) {
	zipOf := func(names ...string) Tree {
		var entries []zipEntry
		for _, n := range names {
			entries = append(entries, zipEntry{name: n, body: n})
		}
		z, err := ZipBytes(buildZip(t, entries...), "l.zip")
		if err != nil {
			t.Fatal(err)
		}
		return z
	}
	layers := []Tree{
		zipOf("python/a/x.py", "python/a/y.py", "python/only0/deep/m.py", "python/hidden/h.py", "python/f"),
		NewMap("m", map[string]string{"python/a/z.py": "z", "python/hidden": "a file hides layer 0's folder", "python/m/q.py": "q"}),
		zipOf("python/f/now-a-folder.py", "python/only2/n.py", "python/only2/sub/o.py", "python/a/x.py", "top.py"),
	}
	for n := 1; n <= len(layers); n++ {
		checkWalkMatchesReadDir(t, NewOverlay(layers[:n]))
	}
	checkWalkMatchesReadDir(t, NewOverlay(nil))
}
