package layerbuild

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

// SymlinkError is a symlink in the source folder (or the built layer) that build does
// not follow: it leaves the folder, points nowhere, or --follow-symlinks was not given.
type SymlinkError struct {
	Link   string // the link as the user names it (SRC/...), or its path in the layer
	Target string // what it points at (its text), "" when unreadable
	Why    string
}

func (e *SymlinkError) Error() string {
	return fmt.Sprintf("%s: symlink to %s: %s", e.Link, e.Target, e.Why)
}

// walkOptions say how a walk treats symlinks.
type walkOptions struct {
	// display names the walked folder in errors (SRC as given).
	display string
	// follow follows symlinks whose target resolves inside the walked folder (a link
	// is visited as what it points at); a link leaving it is always an error. Without
	// follow, every symlink is an error.
	follow bool
	// why completes the error for a symlink when follow is false.
	why string
	// special is told about FIFOs, sockets and devices, which are never read.
	special func(rel string)
	// dangling passes over a link to nothing (else an error).
	dangling bool
}

// walkTree calls visit for the regular files and folders under root, each folder's
// entries in name order; rel is the slash-separated path under root; visit says
// whether to go into a folder. Nothing outside root is ever read: a symlink is
// followed only as walkOptions say, and FIFOs, sockets and devices are passed over.
func walkTree(root string, o walkOptions, visit func(p, rel string, st os.FileInfo) (descend bool, err error)) error {
	rootReal, err := filepath.EvalSymlinks(root)
	if err != nil {
		return err
	}
	if err := refuseSystemPath(root, rootReal); err != nil {
		return err
	}
	visited := map[string]bool{}
	var walk func(dir, rel string) error
	walk = func(dir, rel string) error {
		real, err := filepath.EvalSymlinks(dir)
		if err != nil {
			return err
		}
		if visited[real] {
			return &SymlinkError{Link: displayPath(o.display, rel), Target: real, Why: "a symlink loop"}
		}
		visited[real] = true
		defer delete(visited, real)
		entries, err := os.ReadDir(dir)
		if err != nil {
			return err
		}
		for _, e := range entries {
			p := filepath.Join(dir, e.Name())
			r := e.Name()
			if rel != "" {
				r = rel + "/" + r
			}
			st, err := os.Lstat(p)
			if err != nil {
				return err
			}
			if st.Mode()&os.ModeSymlink != 0 {
				target, _ := os.Readlink(p)
				if !o.follow {
					return &SymlinkError{Link: displayPath(o.display, r), Target: target, Why: o.why}
				}
				resolved, err := filepath.EvalSymlinks(p)
				if err != nil && o.dangling && os.IsNotExist(err) {
					continue
				}
				if err != nil {
					return &SymlinkError{Link: displayPath(o.display, r), Target: target, Why: "it points nowhere (or loops)"}
				}
				if !inside(resolved, rootReal) {
					return &SymlinkError{Link: displayPath(o.display, r), Target: target,
						Why: "it leaves " + o.display + "; layerkit build reads nothing outside it (copy the files in, or build from a folder holding both)"}
				}
				if st, err = os.Stat(resolved); err != nil {
					return err
				}
			}
			switch {
			case st.IsDir(), st.Mode().IsRegular():
			default:
				if o.special != nil {
					o.special(r)
				}
				continue
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

// displayPath is rel under the folder the user named.
func displayPath(display, rel string) string {
	if display == "" {
		return rel
	}
	return strings.TrimSuffix(filepath.ToSlash(display), "/") + "/" + rel
}

// systemRoots are the folders build never reads from: the kernel's views of processes
// (their environments, memory, open files), devices and kernel state.
var systemRoots = []string{"/proc", "/dev", "/sys"}

// refuseSystemPath is an error when p (resolved: real) is in /proc, /dev or /sys.
func refuseSystemPath(p, real string) error {
	for _, r := range systemRoots {
		if inside(real, r) {
			return inputErr("%s is in %s; layerkit build never reads from %s", p, r, strings.Join(systemRoots, ", "))
		}
	}
	return nil
}

// copyTree copies src into dst (created), skipping what skipSource says and the paths
// (slash-separated, relative to src) skip says. Only regular files and folders are
// copied; a symlink is followed only with follow and only when it stays inside src
// (else a *SymlinkError); FIFOs, sockets and devices are passed over and returned in
// special. It returns the files of dst it overwrote (slash paths relative to dst).
func copyTree(src, display, dst string, follow bool, skip func(rel string) bool) (overwrote, special []string, err error) {
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return nil, nil, err
	}
	o := walkOptions{display: display, follow: follow,
		why:     "layerkit build packages only regular files and folders (replace the link by the file, or pass --follow-symlinks to copy what a link inside the folder points at)",
		special: func(rel string) { special = append(special, rel) }}
	err = walkTree(src, o, func(p, r string, st os.FileInfo) (bool, error) {
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
	return overwrote, special, err
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

// relTo is p relative to dir, slash-separated ("" when it is not below dir).
func relTo(dir, p string) string {
	rel, err := filepath.Rel(dir, p)
	if err != nil {
		return ""
	}
	return filepath.ToSlash(rel)
}

// noteSpecial notes the FIFOs, sockets and devices of SRC that were not packaged.
func (b *builder) noteSpecial(special []string) {
	if len(special) > 0 {
		b.note("%d special file(s) in %s not packaged (only regular files and folders are): %s", len(special), b.o.Src, topNames(special))
	}
}
