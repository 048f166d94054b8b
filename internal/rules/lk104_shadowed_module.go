package rules

import (
	"bytes"
	"fmt"
	"io/fs"
	"strings"

	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/native"
	"github.com/layerkit/layerkit/internal/pyresolve"
	"github.com/layerkit/layerkit/internal/rulecode"
	"github.com/layerkit/layerkit/internal/tree"
)

var LK104 = register(&Rule{
	Code:     rulecode.LK104,
	Severity: model.Warning,
	Summary:  "A top-level module the function imports is provided by more than one place on its path; the first one wins.",
	Why: `Python takes a top-level module from the first sys.path entry that has it: /var/task, then
/opt/python/lib/pythonX.Y/site-packages, then /opt/python, then the runtime's packages, then the
standard library. A regular package hides every later copy, including submodules only the later copy
has. Two layers that ship the same file: the layer applied last replaces the other's file. A layer's
boto3 or botocore replaces the runtime's; a file named like a standard-library module replaces it.
Portions of a namespace package (folders without __init__.py) merge instead, and are not reported.`,
	Example: `# layer A: python/requests/ (2.31)   layer B: python/lib/python3.12/site-packages/requests/ (2.32)
import requests      # B's copy wins: site-packages comes before /opt/python`,
	Fix: `Keep one copy: remove the module from all but one place, or rename your module.`,
	Run: func(p *Pass) {
		for _, f := range p.analysed() {
			env := f.Result.Env
			for _, s := range f.Result.Shadows {
				w := s.Winner
				if w == nil || w.Kind == pyresolve.Namespace {
					continue
				}
				winKind := env.Path[w.Entry].Kind
				var losers []string
				for _, o := range s.Others {
					oKind := env.Path[o.Entry].Kind
					if !shadowMatters(winKind, oKind, w, o.Module) || holdsNoPython(o.Module) || sameContent(w, o.Module) {
						continue
					}
					losers = append(losers, describeEntry(env, o.Entry, o.Module))
				}
				if len(losers) == 0 {
					continue
				}
				hint := fmt.Sprintf("Keep one copy of %s on the path; if the other copy is the one you want, remove or rename this one.", s.Name)
				if sdkModules[s.Name] {
					hint = "Ship boto3, botocore and s3transfer together in the layer at versions that match (boto3 pins botocore to a narrow range), or remove them from the layer and use the runtime's."
				}
				p.Report(rulecode.LK104, model.Warning, f.Fn.Name, "", model.Pos{File: s.Tree.Display(s.File), Line: s.Line, Col: s.Col},
					fmt.Sprintf("'%s' is provided by %s and also by %s; Python imports the first (%s), not the other", s.Name, describeEntry(env, w.Entry, w), strings.Join(losers, " and "), env.Path[w.Entry].Path),
					hint)
			}
			layerConflicts(p, f)
		}
	},
})

// shadowMatters says which pairs are worth a warning (DESIGN: function vs layer, layer vs
// layer, a layer's copy vs the runtime's, user code vs the standard library).
func shadowMatters(win, other pyresolve.EntryKind, w, o *pyresolve.Module) bool {
	isLayer := func(k pyresolve.EntryKind) bool { return k == pyresolve.LayerSite || k == pyresolve.LayerPython }
	if o.Declared != nil && other != pyresolve.Provided {
		// Two requirements files that both install a distribution: which version wins is
		// a question for duplicate-distribution (LK203) once built; not shadowing.
		return false
	}
	switch {
	case other == pyresolve.Stdlib:
		return win != pyresolve.Provided && w.Declared == nil
	case other == pyresolve.Provided:
		// The AWS SDK is where a layer's copy fighting the runtime's bites (boto3 pinned
		// to a botocore range); other runtime packages are harmless to replace.
		return isLayer(win) && sdkModules[w.Name]
	case win == pyresolve.TaskRoot && isLayer(other):
		return true
	case isLayer(win) && isLayer(other):
		return true
	}
	return false
}

var sdkModules = map[string]bool{"boto3": true, "botocore": true, "s3transfer": true}

func describeEntry(env *pyresolve.Env, i int, m *pyresolve.Module) string {
	e := env.Path[i]
	switch e.Kind {
	case pyresolve.Stdlib:
		return "the standard library"
	case pyresolve.Provided:
		return "the runtime (" + e.Path + ")"
	}
	if m.Declared != nil {
		return fmt.Sprintf("%s declared in %s", m.Declared.Dist, posString(m.Declared.Pos))
	}
	if d := m.Display(); d != "" {
		return d
	}
	return e.Path
}

// layerConflicts reports imported module files that two layers both ship: the later
// layer's file replaces the earlier's in /opt.
func layerConflicts(p *Pass, f *Function) {
	env := f.Result.Env
	if env.Opt == nil {
		return
	}
	seen := map[string]bool{}
	for _, m := range f.Result.Imported {
		if m.File == "" || m.Tree != tree.Tree(env.Opt) {
			continue
		}
		owners := cacheOf(p).layerOwners(env.Opt, m.File)
		if len(owners) < 2 || seen[m.File] {
			continue
		}
		seen[m.File] = true
		if identicalInLayers(env.Opt, owners, m.File) {
			continue // byte-identical copies: whichever wins, the module is the same
		}
		a, b := f.Fn.Layers[env.OptLayers[owners[0]]], f.Fn.Layers[env.OptLayers[owners[len(owners)-1]]]
		p.Report(rulecode.LK104, model.Warning, f.Fn.Name, "", b.Pos,
			fmt.Sprintf("layers %s and %s both ship %s; Lambda extracts layers in order, so %s's file replaces %s's and module '%s' comes from %s",
				a.Layer.Name, b.Layer.Name, "/opt/"+m.File, b.Layer.Name, a.Layer.Name, m.Name, b.Layer.Name),
			"Ship each module in one layer only, or make sure the copies are identical.")
	}
}

// layerOwners is o.Owners(name), kept for the pass: functions sharing layers import
// the same modules, and each answer stats every layer.
func (c *passCache) layerOwners(o *tree.Overlay, name string) []int {
	return c.layerOf.Get(listKey{o, name}, func() []int { return o.Owners(name) })
}

// holdsNoPython reports whether m is a namespace portion (a folder without __init__.py)
// with no Python in it: a data folder such as a layer's fonts/ beside the function's
// fonts.py. The module earlier on the path wins and the folder is never imported, so
// nothing is shadowed.
func holdsNoPython(m *pyresolve.Module) bool {
	if m == nil || m.Kind != pyresolve.Namespace {
		return false
	}
	for _, loc := range m.Path {
		found := false
		n := 0
		_ = tree.Walk(loc.Tree, loc.Dir, func(name string, info tree.Info) error {
			if n++; n > 10000 {
				found = true // too big to tell: keep the warning
				return fs.SkipAll
			}
			if !info.Dir && (strings.HasSuffix(name, ".py") || strings.HasSuffix(name, ".pyc") || native.IsNativeName(info.Name)) {
				found = true
				return fs.SkipAll
			}
			return nil
		})
		if found {
			return false
		}
	}
	return true
}

// maxCompare bounds the bytes sameContent and identicalInLayers read.
const maxCompare = 4 << 20

// sameContent reports whether two plain modules (single files) have the same bytes:
// two byte-identical copies of a module, whichever Python takes, are the same module.
func sameContent(a, b *pyresolve.Module) bool {
	if a == nil || b == nil || a.Kind == pyresolve.Package || b.Kind == pyresolve.Package ||
		a.Kind == pyresolve.Namespace || b.Kind == pyresolve.Namespace || a.Tree == nil || b.Tree == nil || a.File == "" || b.File == "" {
		return false
	}
	return sameBytes(a.Tree, a.File, b.Tree, b.File)
}

func sameBytes(ta tree.Tree, a string, tb tree.Tree, b string) bool {
	ia, err1 := ta.Stat(a)
	ib, err2 := tb.Stat(b)
	if err1 != nil || err2 != nil || ia.Size != ib.Size || ia.Size > maxCompare {
		return false
	}
	x, err1 := ta.ReadFile(a)
	y, err2 := tb.ReadFile(b)
	return err1 == nil && err2 == nil && bytes.Equal(x, y)
}

// identicalInLayers reports whether every layer of o in owners has the same bytes at name.
func identicalInLayers(o *tree.Overlay, owners []int, name string) bool {
	first := o.Layer(owners[0])
	for _, i := range owners[1:] {
		if !sameBytes(first, name, o.Layer(i), name) {
			return false
		}
	}
	return true
}
