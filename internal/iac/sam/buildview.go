package sam

import (
	"io/fs"
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

// excludedNames and excludedSuffixes are excludedFiles split for Excluded, which runs
// on every name looked up in a function's code: each pattern is a plain name or "*"
// and a plain suffix, and a base name has no slash, so a lookup and a few suffix
// tests decide what path.Match over every pattern would.
var excludedNames, excludedSuffixes = splitPatterns(excludedFiles)

func splitPatterns(patterns []string) (names map[string]bool, suffixes []string) {
	names = map[string]bool{}
	for _, p := range patterns {
		rest, glob := strings.CutPrefix(p, "*")
		if strings.ContainsAny(rest, `*?[\`) {
			panic("sam: unsupported pattern " + p)
		}
		if glob {
			suffixes = append(suffixes, rest)
		} else {
			names[p] = true
		}
	}
	return names, suffixes
}

// Excluded reports whether sam build's python source copy drops an entry with this
// base name.
func Excluded(base string) bool {
	if excludedNames[base] {
		return true
	}
	for _, s := range excludedSuffixes {
		if strings.HasSuffix(base, s) {
			return true
		}
	}
	return false
}

// sourceCopy is a tree as sam build's python workflow copies it: t without the
// entries Excluded drops, at any depth.
type sourceCopy struct{ t tree.Tree }

// SourceCopy returns t as sam build's python workflow copies it.
func SourceCopy(t tree.Tree) tree.Tree { return sourceCopy{t} }

func hidden(name string) bool {
	c, ok := tree.Clean(name)
	if !ok {
		return true
	}
	if c == "" {
		return false
	}
	for part := range strings.SplitSeq(c, "/") {
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
	out := list[:0:0]
	for _, e := range list {
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
