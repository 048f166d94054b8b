package buildscript

import (
	"fmt"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/iac/artifacts/filter"
	"github.com/layerkit/layerkit/internal/tree"
)

// Artifact is a zip or folder a build makes, as a tree of the repository's files, and
// what pip installs into it.
type Artifact struct {
	Tree       tree.Tree
	Installs   []string // requirement lines
	InstallDir string   // the folder of Tree they go to ("" for its root)
	From       string   // the build: "Makefile target python"
}

// Build is one way the repository builds things, run on demand.
type Build struct {
	Label string
	Run   func(r *Runner) error
}

// Set runs builds lazily (each once) and finds which one makes a path.
type Set struct {
	root   string
	lim    iac.Limits
	builds []Build
	ran    []*Runner
	errs   []error
	steps  int // run by all builds so far (maxTotal)
}

// NewSet returns the builds of the checked folder root, tried in order, reading within lim.
func NewSet(root string, lim iac.Limits, builds []Build) *Set {
	return &Set{root: root, lim: lim, builds: builds}
}

// Output returns what the first build that writes abs (a zip or a folder) puts there;
// disp names abs for display. When no build writes it, nil, and why not when a build
// writes it but cannot be followed.
func (s *Set) Output(abs, disp string) (*Artifact, string) {
	abs = filepath.Clean(abs)
	var why []string
	for i, b := range s.builds {
		if i >= len(s.ran) {
			if s.steps >= maxTotal {
				why = append(why, fmt.Sprintf("the repository's builds are too long to model (%s and later ones not run)", b.Label))
				break
			}
			r := New(s.root, s.lim)
			err := b.Run(r)
			s.steps += r.steps
			s.ran = append(s.ran, r)
			s.errs = append(s.errs, err)
		}
		r := s.ran[i]
		a := r.output(abs, disp)
		if a == nil {
			continue
		}
		if t := r.taint(abs); t != "" {
			why = append(why, fmt.Sprintf("%s writes it but runs %s, which layerkit does not model, where the package is made", b.Label, t))
			continue
		}
		if s.errs[i] != nil || len(r.gaps) > 0 {
			reason := ""
			if s.errs[i] != nil {
				reason = s.errs[i].Error()
			}
			if len(r.gaps) > 0 {
				reason = strings.Join(r.gaps, "; ")
			}
			why = append(why, fmt.Sprintf("%s writes it but cannot be followed (%s)", b.Label, reason))
			continue
		}
		a.From = b.Label
		// the artifact's own name for its root (what its installs are declared by)
		a.Tree = tree.Union(a.Tree, tree.NewMap(fmt.Sprintf("%s (built by %s)", disp, b.Label), nil))
		return a, ""
	}
	return nil, strings.Join(why, "; ")
}

// output is the artifact at abs after the run, nil when the run made nothing there.
func (r *Runner) output(abs, disp string) *Artifact {
	n := r.fs.lookup(abs)
	if n == nil {
		return nil
	}
	switch {
	case n.zip != nil:
		n = n.zip
	case n.dir && !r.pristine(n, abs):
	default:
		return nil // a file it did not zip, or a folder it did not change
	}
	a := &Artifact{}
	var trees []tree.Tree
	r.collect(n, abs, "", disp, &trees, a)
	a.Tree = tree.Union(trees...)
	if len(trees) == 0 {
		a.Tree = tree.NewMap(disp, nil)
	}
	return a
}

// taint names a program not modelled that may have written into the artifact at abs.
func (r *Runner) taint(abs string) string {
	n := r.fs.lookup(abs)
	if n == nil {
		return ""
	}
	if n.zip != nil {
		n = n.zip
	}
	var find func(n *node, depth int) string
	find = func(n *node, depth int) string {
		if n.tainted != "" || depth > 64 {
			return n.tainted
		}
		for _, k := range n.kids {
			if t := find(k, depth+1); t != "" {
				return t
			}
		}
		if n.zip != nil {
			return find(n.zip, depth+1)
		}
		return ""
	}
	return find(n, 0)
}

// pristine reports whether n is the real folder at abs, unchanged.
func (r *Runner) pristine(n *node, abs string) bool {
	if n.real != abs || n.data != nil || n.zip != nil || len(n.installs) > 0 || len(n.gone) > 0 || n.tainted != "" {
		return false
	}
	for name, k := range n.kids {
		if !r.pristine(k, filepath.Join(abs, name)) {
			return false
		}
	}
	return true
}

// collect adds the trees of folder n, placed at prefix inside the artifact, and its
// installs.
func (r *Runner) collect(n *node, abs, prefix, disp string, trees *[]tree.Tree, a *Artifact) {
	if len(n.installs) > 0 {
		if len(a.Installs) == 0 || a.InstallDir == prefix {
			a.InstallDir = prefix
			for _, in := range n.installs {
				a.Installs = append(a.Installs, in.Lines...)
			}
		}
	}
	var changed []string
	for name, k := range n.kids {
		if n.real != "" && r.pristine(k, filepath.Join(n.real, name)) {
			continue
		}
		changed = append(changed, name)
	}
	sort.Strings(changed)
	if n.real != "" && n.dir {
		if t, err := r.fs.lim.Dir(n.real, iac.Rel(r.fs.root, n.real)); err == nil {
			hide := map[string]bool{}
			for k := range n.gone {
				hide[k] = true
			}
			for _, k := range changed {
				hide[k] = true
			}
			if len(hide) > 0 {
				t = filter.Tree(t, func(name string) bool {
					first, _, _ := strings.Cut(name, "/")
					return !hide[first]
				})
			}
			*trees = append(*trees, tree.Mount(t, prefix))
		}
	}
	for _, name := range changed {
		k := n.kids[name]
		p := path.Join(prefix, name)
		switch {
		case k.dir:
			r.collect(k, filepath.Join(abs, name), p, disp, trees, a)
		case k.data != nil:
			*trees = append(*trees, tree.NewMap(disp, map[string]string{p: *k.data}))
		case k.real != "" && filepath.Base(k.real) == name:
			if t, err := r.fs.lim.Dir(filepath.Dir(k.real), iac.Rel(r.fs.root, filepath.Dir(k.real))); err == nil {
				*trees = append(*trees, tree.Mount(filter.Only(t, name), prefix))
			}
		case k.real != "":
			b, err := r.fs.lim.ReadConfig(k.real)
			if err == nil {
				*trees = append(*trees, tree.NewMap(disp, map[string]string{p: string(b)}))
			}
		default: // a file of unknown content, or a zip inside the artifact
			*trees = append(*trees, tree.NewMap(disp, map[string]string{p: ""}))
		}
	}
}
