package fix

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"

	"github.com/rogpeppe/go-internal/diff"
)

// Diff is the plan as a unified diff (git's form: a/ and b/ prefixes, so that `git
// apply` or `patch -p1` in Root applies it), files by path, then the moves.
func (p *Plan) Diff() []byte {
	var out bytes.Buffer
	for _, f := range p.Files {
		from := "a/" + f.Path
		if f.created {
			from = "/dev/null"
		}
		d := diff.Diff(from, f.Before, "b/"+f.Path, f.After)
		// go-internal's header is "diff a/x b/x"; git's is "diff --git a/x b/x".
		if i := bytes.IndexByte(d, '\n'); i >= 0 && bytes.HasPrefix(d, []byte("diff ")) {
			fmt.Fprintf(&out, "diff --git a/%s b/%s\n", f.Path, f.Path)
			if f.created {
				fmt.Fprintf(&out, "new file mode 100644\n")
			}
			d = d[i+1:]
		}
		out.Write(d)
	}
	for _, m := range p.Moves {
		for _, f := range p.filesIn(m.From) {
			from, to := m.From+f, m.To+f
			fmt.Fprintf(&out, "diff --git a/%s b/%s\nsimilarity index 100%%\nrename from %s\nrename to %s\n", from, to, from, to)
		}
	}
	return out.Bytes()
}

// filesIn lists the files a move of name carries, as suffixes of name: "" for a
// file, "/x.py", "/sub/y.py" ... for a folder (git's diff names files only).
func (p *Plan) filesIn(name string) []string {
	root := filepath.Join(p.Root, filepath.FromSlash(name))
	var out []string
	_ = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return nil
		}
		if rel == "." {
			out = append(out, "")
		} else {
			out = append(out, "/"+filepath.ToSlash(rel))
		}
		return nil
	})
	return out
}

// Write makes the plan's changes: each file through a temporary file in its folder
// renamed over it (same permissions), then the moves (git mv when Root is in a git work
// tree and git knows the file, else a rename). It stops at the first error.
func (p *Plan) Write() error {
	for _, f := range p.Files {
		if err := writeAtomic(filepath.Join(p.Root, filepath.FromSlash(f.Path)), f.After, f.mode); err != nil {
			return fmt.Errorf("writing %s: %w", f.Path, err)
		}
	}
	for _, m := range p.Moves {
		if err := move(p.Root, m.From, m.To); err != nil {
			return fmt.Errorf("moving %s to %s: %w", m.From, m.To, err)
		}
	}
	return nil
}

func writeAtomic(name string, b []byte, mode os.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".layerkit-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name()) // a no-op once renamed
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Chmod(f.Name(), mode); err != nil {
		return err
	}
	return os.Rename(f.Name(), name)
}

// move renames from to to (git mv when git tracks from), then removes the folders above
// from that the move left empty, up to root (as git apply does with a patch's renames).
func move(root, from, to string) error {
	if err := rename(root, from, to); err != nil {
		return err
	}
	for dir := path.Dir(from); dir != "." && dir != "/" && dir != ""; dir = path.Dir(dir) {
		if os.Remove(filepath.Join(root, filepath.FromSlash(dir))) != nil {
			break // not empty (or not ours to remove)
		}
	}
	return nil
}

func rename(root, from, to string) error {
	src := filepath.Join(root, filepath.FromSlash(from))
	dst := filepath.Join(root, filepath.FromSlash(to))
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	if tracked(root, from) {
		cmd := exec.Command("git", "mv", "--", filepath.FromSlash(from), filepath.FromSlash(to))
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err == nil {
			return nil
		} else if _, serr := os.Lstat(src); serr != nil {
			return fmt.Errorf("git mv: %v: %s", err, bytes.TrimSpace(out))
		}
		// git refused but left the file: rename it ourselves
	}
	return os.Rename(src, dst)
}

// tracked reports whether git knows path (relative to root) in a work tree around root.
func tracked(root, path string) bool {
	if _, err := exec.LookPath("git"); err != nil {
		return false
	}
	cmd := exec.Command("git", "ls-files", "--error-unmatch", "--", filepath.FromSlash(path))
	cmd.Dir = root
	cmd.Stdout, cmd.Stderr = nil, nil
	return cmd.Run() == nil
}
