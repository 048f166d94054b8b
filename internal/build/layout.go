package build

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// skipSource says which names of the source folder never reach a layer: version
// control, caches, compiled bytecode, virtual environments. Unlike sam build, package
// folders named env or venv are kept unless they really are virtual environments.
func skipSource(dir, name string, isDir bool) bool {
	switch name {
	case ".git", ".hg", ".svn", "__pycache__", ".aws-sam", ".pytest_cache", ".mypy_cache",
		".ruff_cache", ".tox", ".nox", ".idea", ".vscode", ".DS_Store":
		return true
	}
	if !isDir {
		return strings.HasSuffix(name, ".pyc") || strings.HasSuffix(name, ".pyo")
	}
	_, err := os.Stat(filepath.Join(dir, name, "pyvenv.cfg"))
	return err == nil
}

// copyTree copies src into dst (created), following symlinks, skipping what
// skipSource says and the paths (slash-separated, relative to src) skip says. It
// returns the files of dst it overwrote (slash paths relative to dst).
func copyTree(src, dst string, skip func(rel string) bool) (overwrote []string, err error) {
	visited := map[string]bool{}
	var walk func(from, to, rel string) error
	walk = func(from, to, rel string) error {
		real, err := filepath.EvalSymlinks(from)
		if err != nil {
			return err
		}
		if visited[real] {
			return fmt.Errorf("%s: symlink loop", from)
		}
		visited[real] = true
		defer delete(visited, real)
		if err := os.MkdirAll(to, 0o755); err != nil {
			return err
		}
		entries, err := os.ReadDir(from)
		if err != nil {
			return err
		}
		for _, e := range entries {
			name := e.Name()
			p := filepath.Join(from, name)
			st, err := os.Stat(p) // follows symlinks
			if err != nil {
				continue // a dangling symlink: nothing to copy
			}
			r := name
			if rel != "" {
				r = rel + "/" + name
			}
			if skipSource(from, name, st.IsDir()) || (skip != nil && skip(r)) {
				continue
			}
			switch {
			case st.IsDir():
				if err := walk(p, filepath.Join(to, name), r); err != nil {
					return err
				}
			case st.Mode().IsRegular():
				target := filepath.Join(to, name)
				if _, err := os.Lstat(target); err == nil {
					overwrote = append(overwrote, r)
					if err := os.RemoveAll(target); err != nil {
						return err
					}
				}
				if err := copyFile(p, target, st.Mode()); err != nil {
					return err
				}
			}
		}
		return nil
	}
	err = walk(src, dst, "")
	return overwrote, err
}

func copyFile(from, to string, mode os.FileMode) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	perm := os.FileMode(0o644)
	if mode&0o111 != 0 {
		perm = 0o755
	}
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// hasDir reports whether dir/name is a folder.
func hasDir(dir, name string) bool {
	st, err := os.Stat(filepath.Join(dir, name))
	return err == nil && st.IsDir()
}

// fileExists reports whether p is a regular file.
func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

// topNames summarises overwritten paths by their first component, for a note.
func topNames(paths []string) string {
	seen := map[string]bool{}
	var out []string
	for _, p := range paths {
		top, _, _ := strings.Cut(p, "/")
		if !seen[top] {
			seen[top] = true
			out = append(out, top)
		}
	}
	sort.Strings(out)
	if len(out) > 5 {
		out = append(out[:5], "...")
	}
	return strings.Join(out, ", ")
}
