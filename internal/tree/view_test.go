package tree

import (
	"errors"
	"io/fs"
	"slices"
	"testing"
)

type statCase struct {
	name string
	want string // "file", "dir" or "" (not found)
	body string // for files: the content ReadFile must return
}

func checkStats(t *testing.T, tr Tree, cases []statCase) {
	t.Helper()
	for _, c := range cases {
		info, err := tr.Stat(c.name)
		switch c.want {
		case "":
			if !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("Stat(%q) = %+v, %v; want fs.ErrNotExist", c.name, info, err)
			}
		case "dir":
			if err != nil || !info.Dir {
				t.Errorf("Stat(%q) = %+v, %v; want a folder", c.name, info, err)
			}
		case "file":
			if err != nil || info.Dir {
				t.Errorf("Stat(%q) = %+v, %v; want a file", c.name, info, err)
				continue
			}
			if b, err := tr.ReadFile(c.name); err != nil || string(b) != c.body {
				t.Errorf("ReadFile(%q) = %q, %v; want %q", c.name, b, err, c.body)
			}
		}
	}
}

func TestMap(t *testing.T) {
	m := NewMap("fixture", map[string]string{"a/b.py": "b", "a": "shadowed", "./c.py": "c", "../x": "dropped"})
	checkStats(t, m, []statCase{
		{"", "dir", ""},
		{"a", "dir", ""}, // the folder wins over the file "a"
		{"a/b.py", "file", "b"},
		{"c.py", "file", "c"},
		{"x", "", ""},
	})
	if names := checkConsistent(t, m); !slices.Equal(names, []string{"a/", "a/b.py", "c.py"}) {
		t.Errorf("walk = %q", names)
	}
	empty := NewMap("", nil)
	if names := checkConsistent(t, empty); len(names) != 0 {
		t.Errorf("walk of empty map = %q", names)
	}
}

func TestSub(t *testing.T) {
	m := NewMap("repo", map[string]string{
		"services/orders/app.py":      "app",
		"services/orders/pkg/mod.py":  "mod",
		"services/billing/bill.py":    "bill",
		"services/orders.py":          "not in the subtree",
		"services/orders-old/app2.py": "nor this",
	})
	s := Sub(m, "services/orders")
	checkStats(t, s, []statCase{
		{"", "dir", ""},
		{"app.py", "file", "app"},
		{"pkg", "dir", ""},
		{"pkg/mod.py", "file", "mod"},
		{"bill.py", "", ""},
		{"../billing/bill.py", "", ""},
		{"/app.py", "", ""},
	})
	if names := checkConsistent(t, s); !slices.Equal(names, []string{"app.py", "pkg/", "pkg/mod.py"}) {
		t.Errorf("walk = %q", names)
	}
	if got := s.Display("pkg/mod.py"); got != "repo/services/orders/pkg/mod.py" {
		t.Errorf("Display = %q", got)
	}
	if got := s.Display(""); got != "repo/services/orders" {
		t.Errorf("Display(\"\") = %q", got)
	}

	// Nested subs flatten and still display through the parent.
	ss := Sub(Sub(m, "services"), "orders/pkg")
	if got := mustRead(t, ss, "mod.py"); got != "mod" {
		t.Errorf("nested ReadFile = %q", got)
	}
	if got := ss.Display("mod.py"); got != "repo/services/orders/pkg/mod.py" {
		t.Errorf("nested Display = %q", got)
	}

	for _, dir := range []string{"missing", "services/orders/app.py", "../services", "/services"} {
		e := Sub(m, dir)
		if names := checkConsistent(t, e); len(names) != 0 {
			t.Errorf("Sub(%q) is not empty: %q", dir, names)
		}
		if Exists(e, "app.py") {
			t.Errorf("Sub(%q) has app.py", dir)
		}
	}
	if Sub(m, ".") != Tree(m) {
		t.Error(`Sub(t, ".") is not t`)
	}
}

func TestMount(t *testing.T) {
	src := NewMap("layers/core", map[string]string{"x.py": "x", "pkg/y.py": "y"})
	m := Mount(src, "python")
	checkStats(t, m, []statCase{
		{"", "dir", ""},
		{"python", "dir", ""},
		{"python/x.py", "file", "x"},
		{"python/pkg/y.py", "file", "y"},
		{"x.py", "", ""},
		{"pkg", "", ""},
		{"pythonx", "", ""},
		{"python/../x.py", "", ""},
	})
	if i, _ := m.Stat("python"); i.Name != "python" {
		t.Errorf("Stat(python).Name = %q", i.Name)
	}
	if names := checkConsistent(t, m); !slices.Equal(names, []string{"python/", "python/pkg/", "python/pkg/y.py", "python/x.py"}) {
		t.Errorf("walk = %q", names)
	}
	if got := m.Display("python/pkg/y.py"); got != "layers/core/pkg/y.py" {
		t.Errorf("Display = %q", got)
	}
	if got := m.Display("python"); got != "layers/core" {
		t.Errorf("Display(python) = %q", got)
	}

	deep := Mount(src, "python/lib/python3.12/site-packages")
	checkStats(t, deep, []statCase{
		{"python/lib", "dir", ""},
		{"python/lib/python3.12/site-packages/x.py", "file", "x"},
		{"python/lib/python3.13", "", ""},
		{"python/x.py", "", ""},
	})
	l, err := deep.ReadDir("python/lib")
	if err != nil || len(l) != 1 || l[0].Name != "python3.12" || !l[0].Dir {
		t.Errorf("ReadDir(python/lib) = %+v, %v", l, err)
	}
	if names := checkConsistent(t, deep); len(names) != 7 {
		t.Errorf("walk = %q", names)
	}

	// An empty source still shows its mount point.
	e := Mount(NewMap("", nil), "python")
	if names := checkConsistent(t, e); !slices.Equal(names, []string{"python/"}) {
		t.Errorf("walk of empty mount = %q", names)
	}
}

func TestUnion(t *testing.T) {
	src := NewMap("src", map[string]string{"app.py": "src", "pkg/a.py": "a", "conf": "file in src"})
	build := NewMap("build", map[string]string{"app.py": "built", "pkg/b.py": "b", "conf/x.json": "{}"})
	u := Union(src, build)
	checkStats(t, u, []statCase{
		{"app.py", "file", "built"}, // later wins
		{"pkg/a.py", "file", "a"},   // folders merge
		{"pkg/b.py", "file", "b"},
		{"conf", "dir", ""}, // a later folder beats an earlier file
		{"conf/x.json", "file", "{}"},
	})
	if names := checkConsistent(t, u); !slices.Equal(names, []string{"app.py", "conf/", "conf/x.json", "pkg/", "pkg/a.py", "pkg/b.py"}) {
		t.Errorf("walk = %q", names)
	}
	if got := u.Display("pkg/a.py"); got != "src/pkg/a.py" {
		t.Errorf("Display = %q", got)
	}
	if got := u.Display("app.py"); got != "build/app.py" {
		t.Errorf("Display = %q", got)
	}
	if Union(src) != Tree(src) {
		t.Error("Union(t) is not t")
	}
	if names := checkConsistent(t, Union()); len(names) != 0 {
		t.Errorf("Union() walk = %q", names)
	}
}
