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
	if rel, err := filepath.Rel(base, filepath.Clean(abs)); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return filepath.ToSlash(rel)
	}
	return filepath.ToSlash(filepath.Clean(p))
}
