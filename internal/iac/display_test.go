package iac

import (
	"path/filepath"
	"testing"
)

func TestDisplay(t *testing.T) {
	base := filepath.FromSlash("/work/app")
	for _, c := range []struct{ p, want string }{
		{"/work/app", "."},
		{"/work/app/layers/deps.zip", "layers/deps.zip"},
		{"layers/../layers/deps.zip", "layers/deps.zip"},
		{"./fn", "fn"},
		{"/work/other/x.zip", "/work/other/x.zip"},
		{"../other/x.zip", "../other/x.zip"},
		{"/work/application/x.zip", "/work/application/x.zip"}, // a prefix, not inside
	} {
		if got := Display(base, filepath.FromSlash(c.p)); got != c.want {
			t.Errorf("Display(%q, %q) = %q, want %q", base, c.p, got, c.want)
		}
	}
}
