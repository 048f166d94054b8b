package rules

import (
	"bytes"
	"fmt"
	"io/fs"
	"strings"

	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/native"
	"github.com/layerkit/layerkit/internal/pyresolve"
	"github.com/layerkit/layerkit/internal/resolve"
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
Portions of a namespace package (folders without __init__.py) merge instead, and are not reported.

Node.js takes a package from the first folder that has it: the node_modules folders above the
requiring file (for the handler: /var/task/node_modules), then NODE_PATH: /opt/nodejs/nodeNN/
node_modules, /opt/nodejs/node_modules, the runtime's /var/runtime/node_modules. A package the
function ships hides the layer's copy; a layer's AWS SDK v3 over the runtime's is taken as deliberate
and not reported.`,
	Example: `# layer A: python/requests/ (2.31)   layer B: python/lib/python3.12/site-packages/requests/ (2.32)
import requests      # B's copy wins: site-packages comes before /opt/python`,
	Fix:      `Keep one copy: remove the module from all but one place, or rename your module.`,
	Requires: []*Analysis{Imports, LayerOwners},
	Run: func(p *Pass) {
		for _, f := range p.resolved() {
			entries := f.Analysis.SearchPath().Entries
			for _, s := range f.Analysis.Shadows() {
				w := s.Winner
				if w.Folder || w.Entry < 0 {
					continue
				}
				var losers []string
				for _, o := range s.Others {
					if o.Entry < 0 || !shadowMatters(entries[w.Entry].Place, entries[o.Entry].Place, s.Name, w, o) || holdsNoPython(o) || sameContent(w, o) {
						continue
					}
					losers = append(losers, describeEntry(entries, o))
				}
				if len(losers) == 0 {
					continue
				}
				hint := fmt.Sprintf("Keep one copy of %s on the path; if the other copy is the one you want, remove or rename this one.", s.Name)
				if sdkModules[s.Name] {
					hint = "Ship boto3, botocore and s3transfer together in the layer at versions that match (boto3 pins botocore to a narrow range), or remove them from the layer and use the runtime's."
				}
				who := "Python imports"
				if f.Runtime != nil && f.Runtime.IsNode() {
					who = "Node loads"
					hint = fmt.Sprintf("Keep one copy of %s on the path (the function's node_modules, or the layer's nodejs/node_modules), at the version the code needs; if the other copy is the one you want, remove this one.", s.Name)
				}
				p.Report(rulecode.LK104, model.Warning, f.Fn.Name, "", s.At.Model(),
					fmt.Sprintf("'%s' is provided by %s and also by %s; %s the first (%s), not the other", s.Name, describeEntry(entries, w), strings.Join(losers, " and "), who, entries[w.Entry].Path),
					hint)
			}
			if f.Result != nil {
				layerConflicts(p, f)
			}
		}
	},
})

// shadowMatters says which pairs are worth a warning (DESIGN: function vs layer, layer vs
// layer, a layer's copy vs the runtime's, user code vs the standard library). win and
// other are the places of the search-path entries the two copies are in.
func shadowMatters(win, other resolve.Place, name string, w, o resolve.Provider) bool {
	if o.Declared != nil && other != resolve.Runtime {
		// Two requirements files that both install a distribution: which version wins is
		// a question for duplicate-distribution (LK203) once built; not shadowing.
		return false
	}
	switch {
	case other == resolve.Builtin:
		return win != resolve.Runtime && w.Declared == nil
	case other == resolve.Runtime:
		// The AWS SDK is where a layer's copy fighting the runtime's bites (boto3 pinned
		// to a botocore range); other runtime packages are harmless to replace.
		return win == resolve.Layer && sdkModules[name]
	case win == resolve.Function && other == resolve.Layer:
		return true
	case win == resolve.Layer && other == resolve.Layer:
		return true
	}
	return false
}

var sdkModules = map[string]bool{"boto3": true, "botocore": true, "s3transfer": true}

// describeEntry names where a copy is: the standard library, the runtime, the
// declaration that installs it, or its file.
func describeEntry(entries []resolve.Entry, m resolve.Provider) string {
	e := entries[m.Entry]
	switch e.Place {
	case resolve.Builtin:
		return "the standard library"
	case resolve.Runtime:
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
	p.need(LayerOwners)
	c, opt := cacheOf(p), env.Opt
	// shipped twice, and not byte-identical copies (whichever wins, those are the same
	// module): what each function over the same layers asks of the same modules, so
	// the modules of a shared layer package's run are asked once (ModulesWhere)
	conflict := func(_ string, m *pyresolve.Module) bool {
		if m.File == "" || m.Tree != tree.Tree(opt) {
			return false
		}
		owners := c.layerOwners(opt, m.File)
		return len(owners) >= 2 && !identicalInLayers(opt, owners, m.File)
	}
	seen := map[string]bool{}
	for _, m := range f.Result.ModulesWhere(layerConflictKey{opt}, conflict) {
		if seen[m.File] {
			continue
		}
		seen[m.File] = true
		owners := c.layerOwners(opt, m.File)
		a, b := f.Fn.Layers[env.OptLayers[owners[0]]], f.Fn.Layers[env.OptLayers[owners[len(owners)-1]]]
		p.Report(rulecode.LK104, model.Warning, f.Fn.Name, "", b.Pos,
			fmt.Sprintf("layers %s and %s both ship %s; Lambda extracts layers in order, so %s's file replaces %s's and module '%s' comes from %s",
				a.Layer.Name, b.Layer.Name, "/opt/"+m.File, b.Layer.Name, a.Layer.Name, m.Name, b.Layer.Name),
			"Ship each module in one layer only, or make sure the copies are identical.")
	}
}

// layerConflictKey is layerConflicts' filter of modules for ModulesWhere: the overlay
// it reads.
type layerConflictKey struct{ o *tree.Overlay }

// layerOwners is o.Owners(name), kept for the pass: functions sharing layers import
// the same modules, and each answer stats every layer.
func (c *passCache) layerOwners(o *tree.Overlay, name string) []int {
	return c.layerOf.Get(listKey{o, name}, func() []int { return o.Owners(name) })
}

// holdsNoPython reports whether m is a namespace portion (a folder without __init__.py)
// with no Python in it: a data folder such as a layer's fonts/ beside the function's
// fonts.py. The module earlier on the path wins and the folder is never imported, so
// nothing is shadowed.
func holdsNoPython(m resolve.Provider) bool {
	if !m.Folder || m.Tree == nil {
		return false
	}
	found := false
	n := 0
	_ = tree.Walk(m.Tree, m.File, func(name string, info tree.Info) error {
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
	return !found
}

// maxCompare bounds the bytes sameContent and identicalInLayers read.
const maxCompare = 4 << 20

// sameContent reports whether two plain modules (single files) have the same bytes:
// two byte-identical copies of a module, whichever Python takes, are the same module.
func sameContent(a, b resolve.Provider) bool {
	if a.Package || b.Package || a.Folder || b.Folder || a.Tree == nil || b.Tree == nil || a.File == "" || b.File == "" {
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
