package tree

import (
	"path"
	"strings"
	"testing"
)

func TestClean(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"", "", true},
		{".", "", true},
		{"./", "", true},
		{"a", "a", true},
		{"a/b.py", "a/b.py", true},
		{"a//b/", "a/b", true},
		{"./a/./b", "a/b", true},
		{"a/.../b", "a/.../b", true},
		{"..", "", false},
		{"../a", "", false},
		{"a/..", "", false},
		{"a/../b", "", false},
		{"/a", "", false},
		{"/", "", false},
		{`a\b`, "", false},
		{"a\x00", "", false},
	}
	for _, tt := range tests {
		got, ok := Clean(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Clean(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// TestCleanDefinition compares the one-pass Clean with its definition on every
// string of up to six pieces.
func TestCleanDefinition(t *testing.T) {
	def := func(name string) (string, bool) {
		if strings.ContainsAny(name, "\\\x00") || strings.HasPrefix(name, "/") {
			return "", false
		}
		for _, part := range strings.Split(name, "/") {
			if part == ".." {
				return "", false
			}
		}
		c := path.Clean(name)
		if c == "." {
			c = ""
		}
		return c, true
	}
	pieces := []string{"a", ".", "..", "/", `\`, "\x00", "b"}
	var gen func(s string, n int)
	gen = func(s string, n int) {
		got, ok := Clean(s)
		if want, wok := def(s); got != want || ok != wok {
			t.Errorf("Clean(%q) = %q, %v; definition says %q, %v", s, got, ok, want, wok)
		}
		if n > 0 {
			for _, p := range pieces {
				gen(s+p, n-1)
			}
		}
	}
	gen("", 6)
}

func TestCleanNoAlloc(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() { Clean("python/pkg/mod.py") }); n != 0 {
		t.Errorf("Clean of a clean name allocates %v times", n)
	}
}
