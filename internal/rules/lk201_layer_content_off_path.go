package rules

import (
	"fmt"
	"sort"
	"strings"

	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/pyresolve"
	"github.com/layerkit/layerkit/internal/rulecode"
	"github.com/layerkit/layerkit/internal/tree"
)

var LK201 = register(&Rule{
	Code:     rulecode.LK201,
	Severity: model.Warning,
	Summary:  "A layer holds code where no runtime of the functions that use it looks.",
	Why: `Lambda extracts a layer into /opt. Python looks only in /opt/python and
/opt/python/lib/pythonX.Y/site-packages (X.Y of the function's runtime); Node.js in
/opt/nodejs/node_modules and /opt/nodejs/nodeNN/node_modules. Code at the zip root, under
python/python/, or in the site-packages folder of another Python version is never imported.`,
	Example: `layers/common/aws_utils.py   # ContentUri: layers/common/, no BuildMethod → /opt/aws_utils.py`,
	Fix: `Put Python code under python/ in the layer (or give a SAM layer Metadata: BuildMethod: python3.X,
which does that), and build site-packages for the runtime the functions use.`,
	Requires: []*Analysis{Imports},
	Run: func(p *Pass) {
		for _, l := range p.App.Layers {
			if l.Content == nil || l.Content.Opaque {
				continue
			}
			var users []*Function
			for _, f := range p.Functions {
				for _, ref := range f.Fn.Layers {
					if ref.Layer == l && f.Runtime != nil {
						users = append(users, f)
						break
					}
				}
			}
			if len(users) == 0 {
				continue
			}
			if off := offPathContent(l.Content.Tree, users); len(off) > 0 {
				p.Report(rulecode.LK201, model.Warning, "", l.Name, l.Pos,
					fmt.Sprintf("layer %s has code Lambda never imports for the functions that use it (%s): %s", l.Name, runtimeList(users), strings.Join(off, "; ")),
					"Python code belongs under python/ (→ /opt/python) or python/lib/pythonX.Y/site-packages/ for the functions' Python version; Node.js code under nodejs/node_modules/.")
			}
		}
	},
})

func runtimeList(users []*Function) string {
	seen := map[string]bool{}
	var out []string
	for _, f := range users {
		if !seen[f.Runtime.ID] {
			seen[f.Runtime.ID] = true
			out = append(out, f.Runtime.ID)
		}
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}

// pthDirs are the /opt folders (relative to /opt) that .pth files put on the path of
// every Python user of the layer: a site-packages vendor.pth with the line /opt/vendor
// makes /opt/vendor a path entry (site.addsitedir), so code there is imported.
func pthDirs(users []*Function) map[string]bool {
	var out map[string]bool
	for _, f := range users {
		if !f.Runtime.IsPython() || f.Result == nil || f.Result.Env == nil {
			continue
		}
		env := f.Result.Env
		mine := map[string]bool{}
		for _, e := range env.Path {
			if e.Kind == pyresolve.Extra && env.Opt != nil && e.Tree == tree.Tree(env.Opt) {
				mine[e.Dir] = true
			}
		}
		if out == nil {
			out = mine
			continue
		}
		for d := range out {
			if !mine[d] {
				delete(out, d)
			}
		}
	}
	return out
}

// offPathContent lists the places in a layer that hold code no user's runtime searches.
func offPathContent(t tree.Tree, users []*Function) []string {
	onPath := pthDirs(users)
	allPython, anyPython := true, false
	versions := map[string]bool{}
	for _, f := range users {
		if f.Runtime.IsPython() {
			anyPython = true
			versions[f.Runtime.Version] = true
		} else {
			allPython = false
		}
	}
	var out []string
	root, err := t.ReadDir("")
	if err != nil {
		return nil
	}
	for _, e := range root {
		switch {
		case onPath[""] && anyPython && (e.Name != "python" && e.Name != "nodejs"):
			// /opt itself is on the path (a .pth line "/opt"): its modules import
		case e.Dir && onPath[e.Name]:
			// a .pth file puts this folder on the path
		case !e.Dir && strings.HasSuffix(e.Name, ".py") && anyPython:
			out = append(out, fmt.Sprintf("%s at the layer root (→ /opt/%s)", e.Name, e.Name))
		case e.Dir && e.Name == "nodejs" && allPython:
			out = append(out, "nodejs/ (Node.js code, but every function using the layer is Python)")
		case e.Dir && e.Name == "python" && anyPython:
			if tree.IsDir(t, "python/python") {
				out = append(out, "python/python/ (one python/ too many: it lands at /opt/python/python)")
			}
			libs, _ := t.ReadDir("python/lib")
			for _, lib := range libs {
				v := strings.TrimPrefix(lib.Name, "python")
				if lib.Dir && strings.HasPrefix(lib.Name, "python") && !versions[v] && tree.IsDir(t, "python/lib/"+lib.Name+"/site-packages") {
					out = append(out, fmt.Sprintf("python/lib/%s/site-packages/ (for Python %s)", lib.Name, v))
				}
			}
		case e.Dir && anyPython && isPackageDir(t, e.Name):
			out = append(out, fmt.Sprintf("%s/ at the layer root (→ /opt/%s)", e.Name, e.Name))
		}
	}
	return out
}

// isPackageDir reports whether a root folder holds Python code (and is not one of the
// folders Lambda gives a meaning: bin, lib, python, nodejs, java, ruby, extensions).
func isPackageDir(t tree.Tree, name string) bool {
	switch name {
	case "bin", "lib", "python", "nodejs", "java", "ruby", "extensions", "etc", "share", "include":
		return false
	}
	infos, err := t.ReadDir(name)
	if err != nil {
		return false
	}
	for _, i := range infos {
		if !i.Dir && strings.HasSuffix(i.Name, ".py") {
			return true
		}
	}
	return false
}
