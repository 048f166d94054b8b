// Package filter holds what the source-mode loaders need to model a packaging step
// that leaves files out: glob patterns in the doublestar / minimatch style (Terraform
// archive_file excludes, Serverless package.patterns) and a read-only tree view that
// shows only the files a predicate keeps.
package filter

import (
	"io/fs"
	"path"
	"strings"
	"sync"

	"github.com/layerkit/layerkit/internal/tree"
)

// Match reports whether the slash-separated name matches pattern. "**" as a whole
// segment matches zero or more segments; other segments use path.Match syntax (*, ?,
// [...]), and {a,b} alternatives are expanded. A leading "./" on either is ignored.
// A malformed pattern matches nothing.
func Match(pattern, name string) bool {
	for _, p := range expandBraces(pattern, 0) {
		p = strings.TrimPrefix(p, "./")
		p = strings.TrimSuffix(p, "/")
		if matchSegs(strings.Split(p, "/"), strings.Split(strings.TrimPrefix(name, "./"), "/")) {
			return true
		}
	}
	return false
}

// HasMeta reports whether pattern holds glob syntax.
func HasMeta(pattern string) bool { return strings.ContainsAny(pattern, "*?[{") }

func matchSegs(pat, name []string) bool {
	// Memoized on (pattern position, name position): patterns with many "**" would
	// otherwise backtrack exponentially.
	memo := make([]int8, (len(pat)+1)*(len(name)+1)) // 0 unknown, 1 no, 2 yes
	var match func(i, j int) bool
	match = func(i, j int) bool {
		k := i*(len(name)+1) + j
		if memo[k] != 0 {
			return memo[k] == 2
		}
		ok := false
		switch {
		case i == len(pat):
			ok = j == len(name)
		case pat[i] == "**":
			for x := j; x <= len(name) && !ok; x++ {
				ok = match(i+1, x)
			}
		case j < len(name):
			m, err := path.Match(pat[i], name[j])
			ok = err == nil && m && match(i+1, j+1)
		}
		memo[k] = 1
		if ok {
			memo[k] = 2
		}
		return ok
	}
	return match(0, 0)
}

// expandBraces turns "a{b,c}d" into ["abd", "acd"]; unbalanced braces are literal.
func expandBraces(p string, depth int) []string {
	open := strings.IndexByte(p, '{')
	if open < 0 || depth > 8 {
		return []string{p}
	}
	level, closeAt := 0, -1
	var commas []int
	for i := open; i < len(p) && closeAt < 0; i++ {
		switch p[i] {
		case '{':
			level++
		case '}':
			level--
			if level == 0 {
				closeAt = i
			}
		case ',':
			if level == 1 {
				commas = append(commas, i)
			}
		}
	}
	if closeAt < 0 || len(commas) == 0 {
		return []string{p}
	}
	var alts []string
	start := open + 1
	for _, c := range append(commas, closeAt) {
		alts = append(alts, p[start:c])
		start = c + 1
	}
	var out []string
	for _, a := range alts {
		out = append(out, expandBraces(p[:open]+a+p[closeAt+1:], depth+1)...)
		if len(out) > 256 {
			break
		}
	}
	return out
}

// Rule is one packaging pattern: files matching Glob are included, or excluded when
// Exclude is set. Rules apply in order; the last one that matches a file wins.
type Rule struct {
	Glob    string
	Exclude bool
}

// ParseRules reads Serverless-style patterns: "!x" excludes, anything else includes.
func ParseRules(patterns []string) []Rule {
	var out []Rule
	for _, p := range patterns {
		r := Rule{Glob: p}
		if strings.HasPrefix(p, "!") {
			r = Rule{Glob: p[1:], Exclude: true}
		}
		if r.Glob != "" {
			out = append(out, r)
		}
	}
	return out
}

// Keeps reports whether the file name survives rules, everything being included to
// start with. A rule also matches the files below a folder it names literally
// ("node_modules", "!tests" exclude the whole folder).
func Keeps(rules []Rule, name string) bool {
	keep := true
	for _, r := range rules {
		if ruleMatches(r.Glob, name) {
			keep = !r.Exclude
		}
	}
	return keep
}

func ruleMatches(glob, name string) bool {
	if Match(glob, name) {
		return true
	}
	g := strings.TrimSuffix(strings.TrimPrefix(glob, "./"), "/")
	if g == "" {
		return false
	}
	if !HasMeta(g) {
		return strings.HasPrefix(name, g+"/")
	}
	// "dir/*" style patterns naming folders: match any ancestor folder.
	for dir := path.Dir(name); dir != "." && dir != "" && dir != "/"; dir = path.Dir(dir) {
		if Match(g, dir) {
			return true
		}
	}
	return false
}

// Tree returns a view of t holding only the files keep accepts (names are full tree
// names) and the folders that hold at least one of them. Display is t's.
func Tree(t tree.Tree, keep func(name string) bool) tree.Tree {
	return &view{t: t, keep: keep, dirs: map[string]bool{}}
}

type view struct {
	t    tree.Tree
	keep func(string) bool
	mu   sync.Mutex
	dirs map[string]bool // folder → holds a kept file
}

func (v *view) hasKept(dir string) bool {
	v.mu.Lock()
	r, ok := v.dirs[dir]
	v.mu.Unlock()
	if ok {
		return r
	}
	found := false
	entries, err := v.t.ReadDir(dir)
	if err == nil {
		for _, e := range entries {
			n := path.Join(dir, e.Name)
			if (e.Dir && v.hasKept(n)) || (!e.Dir && v.keep(n)) {
				found = true
				break
			}
		}
	}
	v.mu.Lock()
	v.dirs[dir] = found
	v.mu.Unlock()
	return found
}

func (v *view) Stat(name string) (tree.Info, error) {
	name, ok := tree.Clean(name)
	if !ok {
		return tree.Info{}, fs.ErrNotExist
	}
	i, err := v.t.Stat(name)
	if err != nil {
		return i, err
	}
	if name == "" {
		return i, nil
	}
	if i.Dir {
		if !v.hasKept(name) {
			return tree.Info{}, fs.ErrNotExist
		}
		return i, nil
	}
	if !v.keep(name) {
		return tree.Info{}, fs.ErrNotExist
	}
	return i, nil
}

func (v *view) ReadDir(name string) ([]tree.Info, error) {
	name, ok := tree.Clean(name)
	if !ok {
		return nil, fs.ErrNotExist
	}
	if name != "" && !v.hasKept(name) {
		return nil, fs.ErrNotExist
	}
	entries, err := v.t.ReadDir(name)
	if err != nil {
		return nil, err
	}
	out := make([]tree.Info, 0, len(entries))
	for _, e := range entries {
		n := path.Join(name, e.Name)
		if (e.Dir && v.hasKept(n)) || (!e.Dir && v.keep(n)) {
			out = append(out, e)
		}
	}
	return out, nil
}

func (v *view) ReadFile(name string) ([]byte, error) {
	name, ok := tree.Clean(name)
	if !ok || !v.keep(name) {
		return nil, fs.ErrNotExist
	}
	return v.t.ReadFile(name)
}

func (v *view) Display(name string) string { return v.t.Display(name) }

// Only returns a view of t holding the one file name (for a single-file archive:
// Terraform source_file, a requirements.txt a plugin copies into a layer).
func Only(t tree.Tree, name string) tree.Tree {
	return Tree(t, func(n string) bool { return n == name })
}
