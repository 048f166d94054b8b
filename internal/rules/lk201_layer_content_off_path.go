package rules

import (
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/pyresolve"
	"github.com/layerkit/layerkit/internal/resolve"
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
	Fixes: `Safe (--fix): a SAM/CloudFormation layer built from a folder (ContentUri) that holds Python
modules or packages at its root and has no BuildMethod gets Metadata: BuildMethod: python3.X (the
runtime of the functions that use it), so that sam build puts the folder under python/. Added as
the resource's last entry, at its indentation; nothing else in the template changes. Not offered
when the functions run different Python versions or Node.js, or when the folder has folders
Lambda gives a meaning (bin/, lib/, python/, nodejs/, ...).
Unsafe (--unsafe-fixes), when there is no safe fix and the layer is a folder in the checked
folder used only by Python functions: its root modules and packages move into python/, and a
python/lib/pythonA.B folder of another version moves to the functions' python/lib/pythonX.Y when
they all run X.Y (git mv in a git work tree). Unsafe because files move: whatever else reads the
folder sees them elsewhere, and compiled extensions built for A.B still need a rebuild (LK301).
Unsafe, python/python/ (a layer zipped with one python/ too many, or a BuildMethod python3.X
layer whose folder already had python/): its entries move up one level.
Unsafe, Node.js (every user a Node.js function): the layer's JavaScript moves into
nodejs/node_modules/ — files and folders at the layer root (utils.js → nodejs/node_modules/utils.js,
which require('utils') finds on NODE_PATH; mylib/ → nodejs/node_modules/mylib/), the packages of a
node_modules/ at the root, code in nodejs/ outside node_modules, the packages of nodejs/nodeNN/ for
a version no user runs; the entries of nodejs/nodejs/ move up one level. For a BuildMethod
nodejsXX.x layer the moves are made in its folder (db.js → node_modules/db.js, which sam build puts
at /opt/nodejs/node_modules/db.js). A user's absolute require of a moved file ('/opt/utils') is
rewritten to the new place in the same fix. Not offered when the BuildMethod layer's folder has a
package.json (npm pack drops node_modules: no move reaches NODE_PATH; require the file by absolute
path or make it a package), when an ES module imports a moved loose file's name (ES modules find
only package folders on NODE_PATH), when a moved file's relative import would then name another
file (require('./data.json') of a file beside it that stays), when a require layerkit cannot follow
names a moved file, or when a target already exists. Each moved file moves only while it holds what the check read.`,
	Requires: []*Analysis{Imports},
	Run: func(p *Pass) {
		// What each layer's users reach, gathered batch by batch; judged in Finish.
		c := cacheOf(p)
		for _, f := range p.Functions {
			if f.Runtime == nil {
				continue
			}
			seen := map[*model.Layer]bool{}
			for _, ref := range f.Fn.Layers {
				l := ref.Layer
				if l == nil || l.Content == nil || l.Content.Opaque || seen[l] {
					continue
				}
				seen[l] = true
				if c.layers == nil {
					c.layers = map[*model.Layer]*layerUse{}
				}
				u := c.layers[l]
				if u == nil {
					u = &layerUse{hooked: true}
					c.layers[l] = u
				}
				u.add(f)
			}
		}
	},
	Finish: func(p *Pass) {
		for _, l := range p.App.Layers {
			u := cacheOf(p).layers[l]
			if l.Content == nil || l.Content.Opaque || u == nil || len(u.users) == 0 {
				continue
			}
			slices.SortFunc(u.users, func(a, b *Function) int { return a.at - b.at })
			users := u.users
			if off := offPathContent(l.Content.Tree, u); len(off) > 0 {
				var hint []string
				for _, f := range users {
					if f.Runtime.IsPython() {
						hint = append(hint, "Python code belongs under python/ (→ /opt/python) or python/lib/pythonX.Y/site-packages/ for the functions' Python version.")
						break
					}
				}
				for _, f := range users {
					if f.Runtime.IsNode() {
						hint = append(hint, "Node.js packages belong under nodejs/node_modules/ (→ /opt/nodejs/node_modules), or nodejs/nodeNN/node_modules/ for Node.js NN only; a layer with BuildMethod nodejsXX.x gets everything under nodejs/ already, so its own code should be a package in node_modules (or be required by absolute path).")
						break
					}
				}
				if len(hint) == 0 {
					hint = append(hint, "Python code belongs under python/ (→ /opt/python); Node.js code under nodejs/node_modules/.")
				}
				// The fixes read the users' imports: analysed again, the batches' analyses
				// being gone (a layer that needs a fix is rare).
				p.ReportFix(rulecode.LK201, model.Warning, "", l.Name, l.Pos,
					fmt.Sprintf("layer %s has code Lambda never imports for the functions that use it (%s): %s", l.Name, runtimeList(users), strings.Join(off, "; ")),
					strings.Join(hint, " "), offPathFix(p, l, p.analysedAgain(users)))
			}
		}
	},
})

// layerUse is what a layer's users (the functions with a known runtime that list it)
// reach, gathered one function at a time: LK201 judges the layer by all of them.
type layerUse struct {
	users []*Function
	// pth are the /opt folders .pth files put on the path of every Python user
	// (pthDirs); pthSet once one Python user was added.
	pth    map[string]bool
	pthSet bool
	// hooked: every Node.js user changes how require resolves (module-alias).
	hooked bool
	reach  reach
}

func (u *layerUse) add(f *Function) {
	u.users = append(u.users, f)
	if f.Runtime.IsPython() && f.Result != nil && f.Result.Env != nil {
		mine := pthOf(f)
		if !u.pthSet {
			u.pth, u.pthSet = mine, true
		} else {
			for d := range u.pth {
				if !mine[d] {
					delete(u.pth, d)
				}
			}
		}
	}
	if f.Runtime.IsNode() && len(f.Runtime.NodePath) > 0 {
		u.hooked = u.hooked && resolutionHook(f) != nil
	}
	u.reach.add(f)
}

// offPathFix is the safe fix (a BuildMethod for a SAM layer) when there is one, else
// an unsafe one (the files moved: Python's root code or site-packages folder, a
// python/python/ folder, Node.js code outside nodejs/node_modules).
func offPathFix(p *Pass, l *model.Layer, users []*Function) *model.Fix {
	for _, make := range []func(*Pass, *model.Layer, []*Function) *model.Fix{buildMethodFix, layerMoveFix, pythonNestedFix, nodeLayerMoveFix} {
		if fx := make(p, l, users); fx != nil {
			return fx
		}
	}
	return nil
}

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

// pthOf are the /opt folders (relative to /opt) that .pth files put on the path of
// Python function f: a site-packages vendor.pth with the line /opt/vendor makes
// /opt/vendor a path entry (site.addsitedir), so code there is imported. A layer's
// folder is on the path when it is on every Python user's (layerUse.pth).
func pthOf(f *Function) map[string]bool {
	env := f.Result.Env
	mine := map[string]bool{}
	for _, e := range env.Path {
		if e.Kind == pyresolve.Extra && env.Opt != nil && e.Tree == tree.Tree(env.Opt) {
			mine[e.Dir] = true
		}
	}
	return mine
}

// offPathContent lists the places in a layer that hold code no user's runtime searches.
func offPathContent(t tree.Tree, u *layerUse) []string {
	users := u.users
	onPath := u.pth
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
	out = append(out, nodeOffPath(t, root, u)...)
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

// nodeOffPath lists the places in a layer that hold JavaScript no Node.js user's
// NODE_PATH reaches: files and folders at the layer root, code in nodejs/ outside
// node_modules (where a BuildMethod nodejsXX.x layer's own files land), nodejs/nodeNN/
// for a version no user runs, and nodejs/nodejs/ (a BuildMethod layer whose content
// already had nodejs/).
func nodeOffPath(t tree.Tree, root []tree.Info, u *layerUse) []string {
	majors := map[string]bool{}
	for _, f := range u.users {
		if f.Runtime.IsNode() && len(f.Runtime.NodePath) > 0 {
			majors[strings.SplitN(f.Runtime.Version, ".", 2)[0]] = true
		}
	}
	if len(majors) == 0 || u.hooked {
		return nil
	}
	reached := u.reach.test
	var out []string
	for _, e := range root {
		switch {
		case reached(e.Name, e.Dir):
			// a user requires it by absolute path (require('/opt/helper.js'))
		case !e.Dir && isJSFile(e.Name):
			out = append(out, fmt.Sprintf("%s at the layer root (→ /opt/%s, on no NODE_PATH)", e.Name, e.Name))
		case e.Dir && e.Name == "node_modules":
			out = append(out, "node_modules/ at the layer root (→ /opt/node_modules, not on NODE_PATH: layer packages belong in nodejs/node_modules/)")
		case e.Dir && e.Name != "nodejs" && holdsJS(t, e.Name):
			out = append(out, fmt.Sprintf("%s/ at the layer root (→ /opt/%s, on no NODE_PATH)", e.Name, e.Name))
		}
	}
	infos, err := t.ReadDir("nodejs")
	if err != nil {
		return out
	}
	var own []string
	for _, e := range infos {
		switch {
		case reached("nodejs/"+e.Name, e.Dir):
			// a user requires it by absolute path (require('/opt/nodejs/db'), AWS's
			// documented way to share code that is not a package)
		case !e.Dir && isJSFile(e.Name):
			own = append(own, e.Name)
		case e.Dir && e.Name == "node_modules":
		case e.Dir && e.Name == "nodejs":
			out = append(out, "nodejs/nodejs/ (one nodejs/ too many: it lands at /opt/nodejs/nodejs, which no NODE_PATH has; a BuildMethod nodejsXX.x layer whose folder already holds nodejs/)")
		case e.Dir && isNodeVersionDir(e.Name):
			if !majors[strings.TrimPrefix(e.Name, "node")] {
				out = append(out, fmt.Sprintf("nodejs/%s/ (searched by Node.js %s only)", e.Name, strings.TrimPrefix(e.Name, "node")))
			}
		case e.Dir && holdsJS(t, "nodejs/"+e.Name):
			own = append(own, e.Name+"/")
		}
	}
	if len(own) > 0 {
		sort.Strings(own)
		out = append(out, fmt.Sprintf("nodejs/%s (→ /opt/nodejs/, outside nodejs/node_modules: reachable only by absolute path)", strings.Join(own, ", nodejs/")))
	}
	return out
}

// optReached returns whether the file or folder name of /opt (a layer's path: layers
// are extracted into /opt) holds code a Node.js user loads: a file its imports resolve to
// in /opt, or one a require layerkit cannot follow names in its text
// (require(process.env.AWS ? '/opt/nodejs/common' : '../layer/nodejs/common')). It is
// not reached when a user's bare import of its name fails (require('db') beside
// require('/opt/nodejs/db')): that user takes it for a package, and the layout is wrong.
func optReached(users []*Function) func(name string, dir bool) bool {
	var r reach
	for _, f := range users {
		r.add(f)
	}
	return r.test
}

// reach is what optReached asks of a layer's Node.js users, gathered one at a time.
type reach struct {
	files, failed map[string]bool
	texts         []string
}

func (r *reach) add(f *Function) {
	if !f.Runtime.IsNode() || f.Analysis == nil {
		return
	}
	if r.files == nil {
		r.files, r.failed = map[string]bool{}, map[string]bool{}
	}
	for _, imp := range f.Analysis.Imports() {
		switch {
		case imp.Found != nil && imp.Found.Place == resolve.Layer:
			r.files[imp.Found.File] = true
		case imp.Found == nil && imp.Module != "" && !strings.HasPrefix(imp.Module, ".") && !strings.HasPrefix(imp.Module, "/"):
			r.failed[strings.SplitN(imp.Module, "/", 2)[0]] = true
		}
	}
	for _, u := range f.Analysis.Unfollowed() {
		if !u.PathEdit && strings.Contains(u.Text, "/opt/") {
			r.texts = append(r.texts, u.Text)
		}
	}
}

func (r *reach) test(name string, dir bool) bool {
	files, failed, texts := r.files, r.failed, r.texts
	stem := strings.TrimSuffix(name, path.Ext(name))
	if dir {
		stem = name
	}
	if failed[path.Base(stem)] {
		return false
	}
	for file := range files {
		if file == name || dir && strings.HasPrefix(file, name+"/") {
			return true
		}
	}
	for _, t := range texts {
		if i := strings.Index(t, "/opt/"+stem); i >= 0 {
			rest := t[i+len("/opt/"+stem):]
			if rest == "" || strings.ContainsAny(rest[:1], "'\"`/.") {
				return true
			}
		}
	}
	return false
}

func isJSFile(name string) bool {
	switch path.Ext(name) {
	case ".js", ".mjs", ".cjs":
		return true
	}
	return false
}

func isNodeVersionDir(name string) bool {
	v, ok := strings.CutPrefix(name, "node")
	if !ok || v == "" {
		return false
	}
	for _, c := range v {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// holdsJS reports whether folder dir of t has a JavaScript file directly in it.
func holdsJS(t tree.Tree, dir string) bool {
	infos, err := t.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, i := range infos {
		if !i.Dir && isJSFile(i.Name) {
			return true
		}
	}
	return false
}
