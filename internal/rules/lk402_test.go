package rules

import (
	"strings"
	"testing"
)

// topOfBySplit is what topOf answered before it cut names instead of splitting them.
func topOfBySplit(name string, layer bool) string {
	parts := strings.Split(name, "/")
	if !layer || parts[0] != "python" || len(parts) < 3 {
		if len(parts) == 1 {
			return parts[0]
		}
		return parts[0] + "/"
	}
	if parts[1] == "lib" && len(parts) >= 5 && strings.HasPrefix(parts[2], "python") && parts[3] == "site-packages" {
		if len(parts) == 5 {
			return strings.Join(parts[:5], "/")
		}
		return strings.Join(parts[:5], "/") + "/"
	}
	return "python/" + parts[1] + "/"
}

func TestTopOf(t *testing.T) {
	names := []string{"app.py", "pkg/mod.py", "python", "python/x.py", "python/pkg/a.py", "python/pkg/sub/a.py",
		"python/lib/python3.12/site-packages/numpy/core/x.so", "python/lib/python3.12/site-packages/six.py",
		"python/lib/python3.12/site-packages", "python/lib/python3.12/x.py", "python/lib/other/site-packages/a/b",
		"python/lib/python3.12/site-packages/", "nodejs/node_modules/a/index.js", "a/b/c/d/e/f", "python//x", "/"}
	for _, n := range names {
		for _, layer := range []bool{false, true} {
			if got, want := topOf(n, layer), topOfBySplit(n, layer); got != want {
				t.Errorf("topOf(%q, %v) = %q, want %q", n, layer, got, want)
			}
		}
	}
}

func FuzzTopOf(f *testing.F) {
	f.Add("python/lib/python3.12/site-packages/numpy/core/x.so", true)
	f.Add("python/pkg/a.py", true)
	f.Fuzz(func(t *testing.T, name string, layer bool) {
		if got, want := topOf(name, layer), topOfBySplit(name, layer); got != want {
			t.Errorf("topOf(%q, %v) = %q, want %q", name, layer, got, want)
		}
	})
}
