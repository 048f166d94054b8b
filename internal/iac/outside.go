package iac

import (
	"fmt"
	"os"
	"path/filepath"
)

// A template names where code lives (CodeUri, ContentUri, a CDK asset path, Terraform's
// source_dir, filename and module sources, a serverless artifact). On an untrusted
// repository such a location may point anywhere on the host: CodeUri: / or ../../, or a
// symlink in the repository to /etc. Loaders read a code location only when it resolves
// inside the checked folder, or inside a place the user allowed with --allow-outside.

// ResolveOutside resolves the places outside the checked folder that code locations
// may point into (layerkit check --allow-outside), for Limits.AllowOutside.
func ResolveOutside(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		r, err := resolve(p)
		if err != nil {
			return nil, fmt.Errorf("--allow-outside %s: %w", p, UnwrapPath(err))
		}
		out = append(out, r)
	}
	return out, nil
}

// OutsideError is a code location that resolves outside the checked folder.
type OutsideError struct {
	Path     string // as the template wrote it
	Resolved string // the absolute place it resolves to
	Root     string // the checked folder
}

func (e *OutsideError) Error() string {
	return fmt.Sprintf("%s resolves to %s, outside the checked folder %s; layerkit does not read code outside the folder it checks (a repository could point it at any file on this machine). If that place is yours, allow it with --allow-outside %s",
		e.Path, e.Resolved, e.Root, e.Resolved)
}

// CheckInside reports whether the code location p (absolute, or relative to the working
// folder) resolves, symlinks followed, inside root or an allowed place. It returns an
// *OutsideError when it does not. A location that does not exist is judged by its
// nearest existing parent, so that the caller still reports it as missing.
func (l Limits) CheckInside(root, p string) error {
	rr, err := resolve(root)
	if err != nil {
		return nil // the root itself cannot be read: the caller's own error says so
	}
	rp, err := resolve(p)
	if err != nil {
		return nil
	}
	if Within(rr, rp) {
		return nil
	}
	for _, a := range l.AllowOutside {
		if Within(a, rp) {
			return nil
		}
	}
	return &OutsideError{Path: p, Resolved: rp, Root: rr}
}

// resolve makes p absolute and follows symlinks in the longest part of it that exists.
func resolve(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	rest := ""
	cur := abs
	for {
		if r, err := filepath.EvalSymlinks(cur); err == nil {
			return filepath.Join(r, rest), nil
		} else if !os.IsNotExist(err) {
			return "", err
		}
		parent := filepath.Dir(cur)
		if parent == cur {
			return abs, nil
		}
		rest = filepath.Join(filepath.Base(cur), rest)
		cur = parent
	}
}
