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

// walkFollow calls visit for everything under root, each folder's entries in name
// order, following symlinks (a link is visited as what it points at; a dangling one is
// skipped; a loop is an error). rel is the slash-separated path under root; visit says
// whether to go into a folder.
func walkFollow(root string, visit func(p, rel string, st os.FileInfo) (descend bool, err error)) error {
	visited := map[string]bool{}
	var walk func(dir, rel string) error
	walk = func(dir, rel string) error {
		real, err := filepath.EvalSymlinks(dir)
		if err != nil {
			return err
		}
		if visited[real] {
			return fmt.Errorf("%s: symlink loop", dir)
		}
		visited[real] = true
		defer delete(visited, real)
		entries, err := os.ReadDir(dir)
		if err != nil {
			return err
		}
		for _, e := range entries {
			p := filepath.Join(dir, e.Name())
			st, err := os.Stat(p) // follows symlinks
			if err != nil {
				continue // a dangling symlink
			}
			r := e.Name()
			if rel != "" {
				r = rel + "/" + r
			}
			descend, err := visit(p, r, st)
			if err != nil {
				return err
			}
			if descend && st.IsDir() {
				if err := walk(p, r); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return walk(root, "")
}

// copyTree copies src into dst (created), following symlinks, skipping what
// skipSource says and the paths (slash-separated, relative to src) skip says. It
// returns the files of dst it overwrote (slash paths relative to dst).
func copyTree(src, dst string, skip func(rel string) bool) (overwrote []string, err error) {
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return nil, err
	}
	err = walkFollow(src, func(p, r string, st os.FileInfo) (bool, error) {
		if skipSource(filepath.Dir(p), st.Name(), st.IsDir()) || (skip != nil && skip(r)) {
			return false, nil
		}
		target := filepath.Join(dst, filepath.FromSlash(r))
		switch {
		case st.IsDir():
			return true, os.MkdirAll(target, 0o755)
		case st.Mode().IsRegular():
			if _, err := os.Lstat(target); err == nil {
				overwrote = append(overwrote, r)
				if err := os.RemoveAll(target); err != nil {
					return false, err
				}
			}
			return false, copyFile(p, target, st.Mode())
		}
		return false, nil
	})
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
