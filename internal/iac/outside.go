package iac

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
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
func (l Limits) CheckInside(root, p string) error { return l.CheckInsideWith(nil, root, p) }

// CheckInsideWith is CheckInside resolving symlinks through r (nil: none), which
// remembers the folders it has resolved: a loader checks hundreds of locations below
// one root, and without it each check would lstat the root's path and each location's
// every component again.
func (l Limits) CheckInsideWith(r *Resolver, root, p string) error {
	rr, err := r.resolve(root)
	if err != nil {
		return nil // the root itself cannot be read: the caller's own error says so
	}
	rp, err := r.resolve(p)
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
func resolve(p string) (string, error) { return (*Resolver)(nil).resolve(p) }

// resolve is the package's resolve through r's memory.
func (r *Resolver) resolve(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	rest := ""
	cur := abs
	for {
		if r, err := r.evalSymlinks(cur); err == nil {
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

// A Resolver is filepath.EvalSymlinks with memory, for the locations of one load
// (CheckInsideWith). It remembers what each existing path it met resolves to, so
// that a path whose parent it has resolved costs one lstat (of its last component),
// and one it has met costs none. Errors are not remembered. A Resolver trusts the
// folders it has seen not to change while it is used: one load's worth. Safe for
// concurrent use; a nil *Resolver remembers nothing.
type Resolver struct {
	mu   sync.Mutex
	seen map[string]string // clean absolute path → what it resolves to
}

// NewResolver returns an empty Resolver.
func NewResolver() *Resolver { return &Resolver{seen: map[string]string{}} }

// evalSymlinks is filepath.EvalSymlinks(abs) for a clean absolute abs. EvalSymlinks
// resolves a path one component at a time, each below what the components before it
// resolved to; so abs resolves to its parent's resolution joined with its last
// component, when that is not a symlink there. A symlink is left to EvalSymlinks.
func (r *Resolver) evalSymlinks(abs string) (string, error) {
	if r == nil || runtime.GOOS == "windows" {
		return filepath.EvalSymlinks(abs)
	}
	r.mu.Lock()
	v, ok := r.seen[abs]
	r.mu.Unlock()
	if ok {
		return v, nil
	}
	parent := filepath.Dir(abs)
	if parent == abs || !filepath.IsAbs(abs) || filepath.Clean(abs) != abs {
		return filepath.EvalSymlinks(abs) // the file system's root, or not a clean absolute path
	}
	rp, err := r.evalSymlinks(parent)
	if err != nil {
		return "", err
	}
	res := filepath.Join(rp, filepath.Base(abs))
	fi, err := os.Lstat(res)
	if err != nil {
		return "", err
	}
	if fi.Mode()&os.ModeSymlink != 0 {
		if res, err = filepath.EvalSymlinks(abs); err != nil {
			return "", err
		}
	} else if !fi.IsDir() {
		// EvalSymlinks refuses a file with components after it (ENOTDIR); only
		// folders are remembered, so a path below a file goes the long way.
		return res, nil
	}
	r.mu.Lock()
	r.seen[abs] = res
	r.mu.Unlock()
	return res, nil
}
