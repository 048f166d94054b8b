package live

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/rulecode"
	"github.com/layerkit/layerkit/internal/tree"
)

// Compare matches each deployed function with the function local describes (by
// CloudFormation logical id, else by name) and returns an LK503 note for each way
// they differ: runtime, architecture, layers, code. Notes point at the local
// function's properties. unmatched lists the deployed functions with no local
// counterpart. layerLogical maps layer version ARNs to the logical ids of the stacks
// that define them (from Result.LayerLogical).
func Compare(deployed []*Deployed, local []*model.App, layerLogical map[string]string) (notes []model.Note, unmatched []string) {
	type loc struct {
		fn  *model.Function
		app *model.App
	}
	byName := map[string]loc{}
	for _, app := range local {
		for _, f := range app.Functions {
			if _, dup := byName[f.Name]; !dup {
				byName[f.Name] = loc{f, app}
			}
		}
	}
	for _, d := range deployed {
		l, ok := byName[d.Logical]
		if !ok || d.Logical == "" {
			l, ok = byName[d.Fn.Name]
		}
		if !ok {
			unmatched = append(unmatched, d.Fn.Name)
			continue
		}
		notes = append(notes, compareOne(d, l.fn, l.app, layerLogical)...)
	}
	return notes, unmatched
}

func compareOne(d *Deployed, lf *model.Function, app *model.App, layerLogical map[string]string) []model.Note {
	dep := d.Fn
	var notes []model.Note
	at := func(p model.Pos) model.Pos {
		if p.IsZero() {
			return lf.Pos
		}
		return p
	}
	add := func(pos model.Pos, msg, hint string) {
		notes = append(notes, model.Note{Code: rulecode.LK503, Severity: model.Warning, Function: dep.Name, Pos: at(pos),
			Message: msg, Hint: hint})
	}
	redeploy := fmt.Sprintf("Deploy the project so that %s matches it (or check out the revision that is deployed).", dep.Name)
	if dep.PackageType == "Image" || lf.PackageType == "Image" {
		if dep.PackageType != lf.PackageType && lf.PackageType != "" {
			add(lf.Pos, fmt.Sprintf("%s is deployed as a %s function; locally %s is a %s function", dep.Name, pkgType(dep.PackageType), lf.Name, pkgType(lf.PackageType)), redeploy)
		}
		return notes
	}
	if lf.Runtime != "" && lf.Runtime != dep.Runtime {
		add(lf.RuntimePos, fmt.Sprintf("%s runs %s on Lambda; locally %s has runtime %s", dep.Name, dep.Runtime, lf.Name, lf.Runtime), redeploy)
	}
	if la := archOf(lf.Arch); la != archOf(dep.Arch) {
		add(lf.ArchPos, fmt.Sprintf("%s runs on %s on Lambda; locally %s is built for %s", dep.Name, archOf(dep.Arch), lf.Name, la), redeploy)
	}
	if diffs := compareLayers(d, lf, app, layerLogical); len(diffs) > 0 {
		add(lf.LayersPos, fmt.Sprintf("the layers of %s differ from the local %s: %s", dep.Name, lf.Name, strings.Join(diffs, "; ")), redeploy)
	}
	if lf.Code != nil && !lf.Code.Opaque && dep.Code != nil {
		subset := !app.Built || lf.Code.Requirements != "" || len(lf.Code.Installs) > 0
		if diff := diffTrees(lf.Code.Tree, dep.Code.Tree, subset); diff != "" {
			add(lf.Pos, fmt.Sprintf("the deployed code of %s (CodeSha256 %s) differs from %s: %s", dep.Name, d.CodeSha256, lf.Code.Display, diff), redeploy)
		}
	}
	return notes
}

func pkgType(t string) string {
	if t == "Image" {
		return "container image"
	}
	return "zip"
}

func archOf(a string) string {
	if a == "" {
		return "x86_64"
	}
	return a
}

// compareLayers lists how the deployed layers differ from the local references.
func compareLayers(d *Deployed, lf *model.Function, app *model.App, layerLogical map[string]string) []string {
	dep := d.Fn
	var diffs []string
	if len(lf.Layers) != len(dep.Layers) {
		diffs = append(diffs, fmt.Sprintf("%d layer(s) deployed (%s), %d locally (%s)",
			len(dep.Layers), strings.Join(d.LayerARNs, ", "), len(lf.Layers), strings.Join(localNames(lf), ", ")))
		return diffs
	}
	for i, ref := range lf.Layers {
		darn := d.LayerARNs[i]
		dl := dep.Layers[i].Layer
		n := i + 1
		switch {
		case ref.Bad || ref.Unknown:
		case ref.ARN != "":
			if ref.ARN != darn {
				diffs = append(diffs, fmt.Sprintf("layer %d is %s on Lambda, %s locally", n, darn, ref.ARN))
			}
		case ref.Layer != nil:
			if logical, ok := layerLogical[darn]; ok && logical != ref.Layer.Name {
				diffs = append(diffs, fmt.Sprintf("layer %d is %s (%s) on Lambda, %s locally", n, darn, logical, ref.Layer.Name))
				continue
			}
			c := ref.Layer.Content
			if c == nil || c.Opaque || dl == nil || dl.Content == nil {
				continue
			}
			subset := !app.Built || c.Requirements != "" || len(c.Installs) > 0
			if diff := diffTrees(c.Tree, dl.Content.Tree, subset); diff != "" {
				diffs = append(diffs, fmt.Sprintf("layer %d (%s) has other content than the local %s: %s", n, darn, ref.Layer.Name, diff))
			}
		}
	}
	return diffs
}

func localNames(f *model.Function) []string {
	var out []string
	for _, r := range f.Layers {
		switch {
		case r.Layer != nil:
			out = append(out, r.Layer.Name)
		case r.ARN != "":
			out = append(out, r.ARN)
		default:
			out = append(out, r.Text)
		}
	}
	return out
}

// diffTrees says how deployed differs from local ("" when it does not): files that
// differ, files only local has, and (unless subset: the local tree holds sources a
// build adds to) files only deployed has. Compiled caches are ignored.
func diffTrees(local, deployed tree.Tree, subset bool) string {
	lf := files(local)
	df := files(deployed)
	var changed, onlyLocal, onlyDeployed []string
	for name := range lf {
		if _, ok := df[name]; !ok {
			onlyLocal = append(onlyLocal, name)
			continue
		}
		a, err1 := local.ReadFile(name)
		b, err2 := deployed.ReadFile(name)
		if err1 != nil || err2 != nil || !bytes.Equal(a, b) {
			changed = append(changed, name)
		}
	}
	if !subset {
		for name := range df {
			if _, ok := lf[name]; !ok {
				onlyDeployed = append(onlyDeployed, name)
			}
		}
	}
	var parts []string
	list := func(what string, names []string) {
		if len(names) == 0 {
			return
		}
		sort.Strings(names)
		shown := names
		if len(shown) > 3 {
			shown = shown[:3]
		}
		s := fmt.Sprintf("%d %s (%s", len(names), what, strings.Join(shown, ", "))
		if len(names) > 3 {
			s += ", ..."
		}
		parts = append(parts, s+")")
	}
	list("file(s) changed", changed)
	list("file(s) only local", onlyLocal)
	list("file(s) only deployed", onlyDeployed)
	return strings.Join(parts, ", ")
}

func files(t tree.Tree) map[string]bool {
	out := map[string]bool{}
	tree.Walk(t, "", func(name string, info tree.Info) error {
		base := path.Base(name)
		if info.Dir && (base == "__pycache__" || base == ".git" || base == ".aws-sam") {
			return errSkipDir
		}
		if !info.Dir && !strings.HasSuffix(name, ".pyc") && base != ".DS_Store" {
			out[name] = true
		}
		return nil
	})
	return out
}

var errSkipDir = fs.SkipDir
