package sam

import (
	"io/fs"
	"slices"
	"strings"

	"github.com/layerkit/layerkit/internal/tree"
)

// excludedFiles is EXCLUDED_FILES of aws-lambda-builders' python_pip workflow: the
// names (fnmatch patterns, matched against every path component) that CopySourceAction
// leaves out when sam build copies a function's CodeUri or a layer's ContentUri.
// Pip-installed dependencies are not affected (pip installs straight into the
// artifact folder). Facts §5.
var excludedFiles = []string{
	".aws-sam", ".chalice", ".git", ".gitignore",
	"*.pyc", "__pycache__", "*.so", ".Python", "*.egg-info", "*.egg",
	"pip-log.txt", "pip-delete-this-directory.txt",
	"htmlcov", ".tox", ".nox", ".coverage", ".cache", ".pytest_cache",
	".python-version", ".mypy_cache", ".dmypy.json", ".pyre",
	".env", ".venv", "venv", "venv.bak", "env.bak", "ENV", "env",
	".vscode", ".idea",
}

// Excluded reports whether sam build's python source copy drops an entry with this
// base name.
func Excluded(base string) bool {
	if excludedNames[base] {
		return true
	}
	for _, suffix := range excludedSuffixes {
		if strings.HasSuffix(base, suffix) {
			return true
		}
	}
	return false
}

// excludedNames and excludedSuffixes are excludedFiles split into literal names and
// "*<suffix>" patterns (all of them are one or the other; a test pins it), so that
// every path component of every read is two map and string checks, not 30 matches.
var excludedNames, excludedSuffixes = splitExcluded()

func splitExcluded() (map[string]bool, []string) {
	names := map[string]bool{}
	var suffixes []string
	for _, p := range excludedFiles {
		if rest, ok := strings.CutPrefix(p, "*"); ok {
			suffixes = append(suffixes, rest)
		} else {
			names[p] = true
		}
	}
	return names, suffixes
}

// sourceCopy is a tree as sam build's python workflow copies it: t without the
// entries Excluded drops, at any depth.
type sourceCopy struct{ t tree.Tree }

// SourceCopy returns t as sam build's python workflow copies it.
func SourceCopy(t tree.Tree) tree.Tree { return sourceCopy{t} }

// Unwrap is the tree the copy is made from (the sources, for a fix that edits them).
func (s sourceCopy) Unwrap() tree.Tree { return s.t }

func hidden(name string) bool {
	c, ok := tree.Clean(name)
	if !ok {
		return true
	}
	if c == "" {
		return false
	}
	for _, part := range strings.Split(c, "/") {
		if Excluded(part) {
			return true
		}
	}
	return false
}

func (s sourceCopy) Stat(name string) (tree.Info, error) {
	if hidden(name) {
		return tree.Info{}, fs.ErrNotExist
	}
	return s.t.Stat(name)
}

func (s sourceCopy) ReadDir(name string) ([]tree.Info, error) {
	if hidden(name) {
		return nil, fs.ErrNotExist
	}
	list, err := s.t.ReadDir(name)
	if err != nil {
		return nil, err
	}
	first := slices.IndexFunc(list, func(e tree.Info) bool { return Excluded(e.Name) })
	if first < 0 {
		return list, nil // nothing to leave out (as a rule): no copy
	}
	out := slices.Clip(list[:first:first])
	for _, e := range list[first:] {
		if !Excluded(e.Name) {
			out = append(out, e)
		}
	}
	return out, nil
}

func (s sourceCopy) ReadFile(name string) ([]byte, error) {
	if hidden(name) {
		return nil, fs.ErrNotExist
	}
	return s.t.ReadFile(name)
}

func (s sourceCopy) Display(name string) string { return s.t.Display(name) }

func (s sourceCopy) Overrun() error { return tree.Overrun(s.t) }
