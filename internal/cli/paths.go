package cli

import (
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/layerkit/layerkit/internal/finding"
)

// Where finding paths point. A check reports paths relative to the folder it read
// (check.Result.Root), and a file inside a zip as "fn.zip:app.py". What a reader
// needs differs by format:
//
//   - text: relative to the current folder, so a path is clickable from the shell;
//   - github and sarif: relative to the repository root (git's top level: the nearest
//     folder at or above the checked one holding .git; else the current folder), which
//     is what an annotation or a code scanning alert is matched against;
//   - json: relative to the checked PATH, as the output contract has always said; with
//     several PATHs there is no one PATH, so relative to the current folder.

// repoRoot is the nearest folder at or above dir (absolute) with a .git entry (a
// folder, or a file in a worktree or submodule); "" when there is none.
func repoRoot(dir string) string {
	for {
		if _, err := os.Lstat(filepath.Join(dir, ".git")); err == nil {
			return dir
		}
		up := filepath.Dir(dir)
		if up == dir {
			return ""
		}
		dir = up
	}
}

// pathBase is the folder format's paths are relative to, for findings read from root
// (absolute). several: more than one PATH in the run.
func pathBase(format, root string, several bool) string {
	cwd, err := os.Getwd()
	if err != nil {
		cwd = root
	}
	switch format {
	case "github", "sarif":
		if r := repoRoot(root); r != "" {
			return r
		}
		return cwd
	case "json":
		if several {
			return cwd
		}
		return root
	}
	return cwd
}

// relocator rewrites finding paths from one root to another base folder, remembering
// which of the rewritten paths are archives ("fn.zip" of "fn.zip:app.py").
type relocator struct {
	root, base string
	done       map[string]string
	archives   map[string]bool
}

func newRelocator(root, base string, archives map[string]bool) *relocator {
	return &relocator{root: root, base: base, done: map[string]string{}, archives: archives}
}

// findings rewrites the paths of fs in place.
func (r *relocator) findings(fs []finding.Finding) {
	for i := range fs {
		fs[i].Pos.File = r.path(fs[i].Pos.File)
		if fx := fs[i].Fix; fx != nil {
			// a copy: the check's own fix keeps the paths internal/fix applies
			c := *fx
			c.Edits = slices.Clone(fx.Edits)
			c.Moves = slices.Clone(fx.Moves)
			for j := range c.Edits {
				c.Edits[j].File = r.path(c.Edits[j].File)
			}
			for j := range c.Moves {
				c.Moves[j].From, c.Moves[j].To = r.path(c.Moves[j].From), r.path(c.Moves[j].To)
			}
			fs[i].Fix = &c
		}
	}
}

// path rewrites one path; "" stays "".
func (r *relocator) path(file string) string {
	if file == "" || strings.Contains(file, "://") || strings.HasPrefix(file, "arn:") {
		return file // not a file on disk (a URL, an ARN)
	}
	if out, ok := r.done[file]; ok {
		return out
	}
	fsPath, member := r.split(file)
	out := r.rel(fsPath)
	if member != "" {
		r.archives[out] = true
		out += ":" + member
	}
	r.done[file] = out
	return out
}

// split separates an archive member from the archive's path: "fn.zip:app.py" is
// ("fn.zip", "app.py") when fn.zip is a file under root and "fn.zip:app.py" is not.
func (r *relocator) split(file string) (string, string) {
	if !strings.Contains(file, ":") || isFile(r.abs(file)) {
		return file, ""
	}
	for i := 0; i < len(file); i++ {
		if file[i] == ':' && i > 0 && isFile(r.abs(file[:i])) {
			return file[:i], file[i+1:]
		}
	}
	return file, ""
}

func (r *relocator) abs(p string) string {
	p = filepath.FromSlash(p)
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(r.root, p)
}

// rel is p relative to base, with forward slashes; p as it is when it cannot be.
func (r *relocator) rel(p string) string {
	if r.root == r.base && !filepath.IsAbs(filepath.FromSlash(p)) {
		return p
	}
	out, err := filepath.Rel(r.base, r.abs(p))
	if err != nil {
		return p
	}
	return filepath.ToSlash(out)
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}
