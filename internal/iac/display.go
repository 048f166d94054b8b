package iac

import (
	"path/filepath"
	"strings"
)

// Display names p for a message or a finding: relative to base with forward slashes
// when p is inside base ("." for base itself), else p as the user gave it, cleaned,
// with forward slashes (an absolute path stays absolute, "../x" stays "../x"). A
// relative p is taken relative to base. It is how the artifacts loader names the zips
// and folders given on the command line and how build names its source and output,
// relative to the working folder. Rel differs: it always writes p relative to root,
// climbing out with "../".
func Display(base, p string) string {
	abs := p
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(base, abs)
	}
	if Within(base, abs) {
		rel, _ := filepath.Rel(base, filepath.Clean(abs))
		return filepath.ToSlash(rel)
	}
	return filepath.ToSlash(filepath.Clean(p))
}

// Within reports whether path p is dir or below it, lexically (both absolute, or both
// relative to the same folder; symlinks are the caller's: resolve them first where they
// matter). The one containment test of the loaders, check and build.
func Within(dir, p string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}
