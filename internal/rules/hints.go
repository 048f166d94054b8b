package rules

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/pydist"
	"github.com/layerkit/layerkit/internal/pyresolve"
	"github.com/layerkit/layerkit/internal/pysyntax"
	"github.com/layerkit/layerkit/internal/runtimes"
	"github.com/layerkit/layerkit/internal/tree"
)

// moduleIndex maps a module name to every place in a tree that would provide a module
// of that name if its folder were on the path: "x.py", "x/", "x.cpython-312-...so".
type moduleIndex map[string][]string

// skipDirs are folders never worth looking into for hints.
var skipDirs = map[string]bool{".git": true, "node_modules": true, ".aws-sam": true, "__pycache__": true,
	"cdk.out": true, ".venv": true, "venv": true, ".tox": true, ".terraform": true, ".serverless": true, ".mypy_cache": true, ".pytest_cache": true}

const (
	indexDepth   = 7
	indexEntries = 50000
)

// indexOf is t's module index, built once per pass and only when a hint needs it.
func indexOf(p *Pass, t tree.Tree) moduleIndex {
	p.need(ModuleIndex)
	return cacheOf(p).indexes.Get(t, func() moduleIndex { return makeIndex(t) })
}

// makeIndex walks t (skipping tool and cache folders, and no deeper than indexDepth)
// for the names of the modules it holds.
func makeIndex(t tree.Tree) moduleIndex {
	ix := moduleIndex{}
	n := 0
	_ = tree.Walk(t, "", func(name string, info tree.Info) error {
		n++
		if n > indexEntries {
			return fs.SkipAll
		}
		depth := strings.Count(name, "/")
		if info.Dir {
			if skipDirs[info.Name] || strings.HasSuffix(info.Name, ".dist-info") || strings.HasSuffix(info.Name, ".egg-info") || depth >= indexDepth {
				return fs.SkipDir
			}
			ix[info.Name] = append(ix[info.Name], name+"/")
			return nil
		}
		base := info.Name
		switch {
		case strings.HasSuffix(base, ".py"):
			base = strings.TrimSuffix(base, ".py")
		case strings.HasSuffix(base, ".so"), strings.HasSuffix(base, ".pyd"), strings.HasSuffix(base, ".pyc"):
			base = base[:strings.IndexByte(base, '.')]
		default:
			return nil
		}
		if base != "__init__" {
			ix[base] = append(ix[base], name)
		}
		return nil
	})
	return ix
}

// onPathDirs are the layer folders a runtime searches (the runtime catalogue's).
func onPathDirs(rt *runtimes.Runtime) []string { return rt.LayerDirs() }

// moduleHint explains a 'No module named' failure and says what to change.
func moduleHint(p *Pass, f *Function, pr pyresolve.Problem) string {
	env := f.Result.Env
	parts := strings.Split(pr.Missing, ".")
	top := parts[0]
	if len(parts) > 1 {
		if h := submoduleHint(f, pr.Missing); h != "" {
			return h
		}
	}
	if env.PythonPath {
		if where := inLayers(p, f, top, func(dir string) bool { return isOnPath(f.Runtime, dir) }); where != "" {
			return fmt.Sprintf("The function sets PYTHONPATH (%s), so Lambda does not put /opt/python or /opt/python/lib/python%s/site-packages on the path, and %s. Remove PYTHONPATH, or add /opt/python to it.",
				posString(env.Function.Env["PYTHONPATH"].Pos), f.Runtime.Version, where)
		}
	}
	if h := offPathHint(p, f, top); h != "" {
		return h
	}
	if h := didYouMean(p, f, pr); h != "" {
		return h
	}
	if len(parts) == 1 {
		if in, ok := runtimes.StdlibRemovedIn(top, f.Runtime.Version); ok {
			return fmt.Sprintf("'%s' was removed from the standard library in Python %s, so %s does not have it. %s",
				top, in, f.Runtime.ID, stdlibReplacement(top))
		}
		if since := runtimes.StdlibAddedIn(top); since != "" && !f.Runtime.StdlibHas(top) {
			return fmt.Sprintf("'%s' is in the standard library only from Python %s; this function runs %s. Raise the Runtime, or use a backport from PyPI.", top, since, f.Runtime.ID)
		}
	}
	if top == "cfnresponse" && len(parts) == 1 {
		return cfnResponseHint(f)
	}
	if h := opaqueLayerHint(f, top); h != "" {
		return h
	}
	if h := unbuiltRequirements(p, f, top); h != "" {
		return h
	}
	if h := declaredElsewhere(p, f, top); h != "" {
		return h
	}
	if h := inOtherLayer(p, f, top); h != "" {
		return h
	}
	if h := aboveCodeURI(p, f, pr.Missing); h != "" {
		return h
	}
	return declareHint(f, top)
}

func posString(pos model.Pos) string {
	if pos.Line > 0 {
		return fmt.Sprintf("%s:%d", pos.File, pos.Line)
	}
	return pos.File
}

func isOnPath(rt *runtimes.Runtime, dir string) bool {
	for _, d := range onPathDirs(rt) {
		if dir == d {
			return true
		}
	}
	return false
}

// inLayers finds top in the function's readable layers in a folder accepted by keep,
// and describes where ("layer UtilsLayer has it at python/x.py").
func inLayers(p *Pass, f *Function, top string, keep func(dir string) bool) string {
	for _, ref := range f.Fn.Layers {
		if !ref.Inspectable() || ref.Layer.Content.Opaque {
			continue // an opaque layer's tree is its sources, not what lands in /opt
		}
		for _, loc := range indexOf(p, ref.Layer.Content.Tree)[top] {
			dir := path.Dir(strings.TrimSuffix(loc, "/"))
			if dir == "." {
				dir = ""
			}
			if keep(dir) {
				return fmt.Sprintf("layer %s has it at %s", ref.Layer.Name, ref.Layer.Content.Tree.Display(strings.TrimSuffix(loc, "/")))
			}
		}
	}
	return ""
}

// offPathHint: the module is in an attached layer, in a folder no Python path covers.
func offPathHint(p *Pass, f *Function, top string) string {
	rt := f.Runtime
	for _, ref := range f.Fn.Layers {
		if !ref.Inspectable() || ref.Layer.Content.Opaque {
			continue // an opaque layer's tree is its sources, not what lands in /opt
		}
		t := ref.Layer.Content.Tree
		for _, loc := range indexOf(p, t)[top] {
			name := strings.TrimSuffix(loc, "/")
			dir := path.Dir(name)
			if dir == "." {
				dir = ""
			}
			if isOnPath(rt, dir) {
				continue
			}
			shown := t.Display(name)
			optPath := "/opt/" + name
			switch {
			case strings.HasPrefix(dir, "python/lib/python") && strings.HasSuffix(dir, "/site-packages"):
				other := strings.TrimSuffix(strings.TrimPrefix(dir, "python/lib/python"), "/site-packages")
				return fmt.Sprintf("Layer %s has %s at %s (%s), in the site-packages folder of Python %s; %s only searches /opt/python and /opt/python/lib/python%s/site-packages. Rebuild the layer for %s (pip install --target python/ or python/lib/python%s/site-packages/ with Python %s).",
					ref.Layer.Name, top, shown, optPath, other, rt.ID, rt.Version, rt.ID, rt.Version, rt.Version)
			case dir == "":
				fix := fmt.Sprintf("move it to python/%s in the layer", path.Base(name))
				if samBuilds(p, f.Fn) && ref.Layer.BuildMethod == "" && ref.Layer.Content.Display != "" && !strings.HasSuffix(ref.Layer.Content.Display, ".zip") {
					fix += fmt.Sprintf(", or add Metadata: BuildMethod: %s to the layer so that sam build puts its contents under python/", rt.ID)
				}
				return fmt.Sprintf("Layer %s has %s at its root (%s, which lands at %s); Python on Lambda only looks in /opt/python and /opt/python/lib/python%s/site-packages. To fix: %s.",
					ref.Layer.Name, top, shown, optPath, rt.Version, fix)
			case strings.HasPrefix(dir, "python/python"):
				return fmt.Sprintf("Layer %s has %s at %s, which lands at %s: one python/ too many (a ContentUri that already contains python/ built with BuildMethod adds another). Remove the inner python/ folder, or drop BuildMethod.",
					ref.Layer.Name, top, shown, optPath)
			case strings.HasPrefix(dir, "nodejs"):
				continue
			default:
				// deeper inside a package: did-you-mean handles it when that package is on the path
				if !strings.HasPrefix(dir, "python/") {
					return fmt.Sprintf("Layer %s has %s at %s (lands at %s), which is not on the Python path; Python on Lambda only looks in /opt/python and /opt/python/lib/python%s/site-packages. Move it under python/ in the layer.",
						ref.Layer.Name, top, shown, optPath, rt.Version)
				}
			}
		}
	}
	return ""
}

// moduleCandidate is a module of the wanted name inside a package on the function's
// path: its dotted name there, where it is, and whose it is.
type moduleCandidate struct{ dotted, where, owner string }

// moduleCandidates lists the modules named like pr.Missing's top-level name inside a
// package of the function's package or (when PYTHONPATH does not hide them) of its
// layers' folders on the path, fewest dots first.
func moduleCandidates(p *Pass, f *Function, pr pyresolve.Problem) []moduleCandidate {
	top := strings.Split(pr.Missing, ".")[0]
	var cands []moduleCandidate
	add := func(t tree.Tree, owner, root string, loc string) {
		name := strings.TrimSuffix(loc, "/")
		if root != "" {
			if !strings.HasPrefix(name, root+"/") {
				return
			}
			name = strings.TrimPrefix(name, root+"/")
		}
		if !strings.Contains(name, "/") {
			return // at the entry's root: it would have resolved
		}
		pkgPath := path.Dir(name)
		for _, seg := range strings.Split(pkgPath, "/") {
			if !pysyntax.IsIdentifier(seg) {
				return
			}
		}
		cands = append(cands, moduleCandidate{strings.ReplaceAll(pkgPath, "/", ".") + "." + top, t.Display(strings.TrimSuffix(loc, "/")), owner})
	}
	env := f.Result.Env
	if env.Task != nil {
		for _, loc := range indexOf(p, env.Task)[top] {
			add(env.Task, "the function's package", "", loc)
		}
	}
	if !env.PythonPath {
		for _, ref := range f.Fn.Layers {
			if !ref.Inspectable() || ref.Layer.Content.Opaque {
				continue
			}
			t := ref.Layer.Content.Tree
			for _, loc := range indexOf(p, t)[top] {
				for _, d := range onPathDirs(f.Runtime) {
					if strings.HasPrefix(loc, d+"/") {
						add(t, "layer "+ref.Layer.Name, d, loc)
						break
					}
				}
			}
		}
	}
	sort.SliceStable(cands, func(i, j int) bool { return strings.Count(cands[i].dotted, ".") < strings.Count(cands[j].dotted, ".") })
	return cands
}

// didYouMean: the module exists inside a package on the path; the import names it
// without the package.
func didYouMean(p *Pass, f *Function, pr pyresolve.Problem) string {
	cands := moduleCandidates(p, f, pr)
	if len(cands) == 0 {
		return ""
	}
	top := strings.Split(pr.Missing, ".")[0]
	c := cands[0]
	rest := strings.TrimPrefix(pr.Missing, top)
	full := c.dotted + rest
	suggest := "import " + full
	if strings.HasPrefix(pr.Stmt, "from ") {
		if i := strings.Index(pr.Stmt, " import "); i >= 0 {
			suggest = "from " + full + pr.Stmt[i:]
		}
	}
	return fmt.Sprintf("%s is not a top-level module, but %s has it inside a package, as %s (%s); did you mean `%s`?", top, c.owner, c.dotted, c.where, suggest)
}

// submoduleHint: the package resolves but has no such submodule.
func submoduleHint(f *Function, missing string) string {
	i := strings.LastIndexByte(missing, '.')
	parentName, tail := missing[:i], missing[i+1:]
	parent := f.Result.Module(parentName)
	if parent == nil || !parent.IsPackage() || len(parent.Path) == 0 {
		return ""
	}
	var have []string
	for _, loc := range parent.Path {
		infos, err := loc.Tree.ReadDir(loc.Dir)
		if err != nil {
			continue
		}
		for _, fi := range infos {
			n := fi.Name
			switch {
			case fi.Dir && pysyntax.IsIdentifier(n) && n != "__pycache__":
				have = append(have, n)
			case strings.HasSuffix(n, ".py") && n != "__init__.py":
				have = append(have, strings.TrimSuffix(n, ".py"))
			}
		}
	}
	where := parent.Path[0].Tree.Display(parent.Path[0].Dir)
	if len(have) == 0 {
		return fmt.Sprintf("%s (%s) has no module %s. Add %s.py there, or fix the name.", parentName, where, tail, tail)
	}
	if len(have) > 12 {
		have = append(have[:12], "…")
	}
	return fmt.Sprintf("%s (%s) has no module %s; it has: %s. Add %s.py there, or fix the name.", parentName, where, tail, strings.Join(have, ", "), tail)
}

// nameHint: from m import n, where m does not define n.
func nameHint(p *Pass, f *Function, pr pyresolve.Problem) string {
	m := f.Result.Module(pr.Missing)
	where := pr.Missing
	if m != nil && m.Display() != "" {
		where = m.Display()
	}
	return fmt.Sprintf("Define %s at the top level of %s, import it from the module that defines it, or check the spelling.", pr.Name, where)
}

// declaredElsewhere: another function declares the distribution that provides top.
func declaredElsewhere(p *Pass, f *Function, top string) string {
	for _, g := range p.every() {
		if g == f || g.Fn.Code == nil {
			continue
		}
		for _, d := range g.Fn.Code.Declared {
			for _, m := range d.Modules {
				if m == top {
					return fmt.Sprintf("%s's requirements.txt (%s) declares %s, which provides %s, but %s's package does not: declare %s in %s's requirements.txt too, or move it to a layer both functions use.",
						g.Fn.Name, posString(d.Pos), d.Dist, top, f.Fn.Name, d.Dist, f.Fn.Name)
				}
			}
		}
	}
	return ""
}

// aboveCodeURI: the module exists in the project, but outside the function's package.
// missing is the dotted name that failed; top its first part. A candidate is a module
// or package named top that a folder of the project would import as top-level: not a
// submodule of a regular package (charset_normalizer/utils.py is charset_normalizer.utils),
// and a folder without __init__.py (a namespace package) only when it holds Python files.
// One that also holds the rest of missing (utils/parser.py for utils.parser) comes first.
func aboveCodeURI(p *Pass, f *Function, missing string) string {
	if p.Project == nil || f.Fn.Code == nil {
		return ""
	}
	code := strings.TrimSuffix(f.Fn.Code.Display, "/")
	if code == "" || code == "." {
		return "" // the package is the whole project folder
	}
	parts := strings.Split(missing, ".")
	top := parts[0]
	found, foundDir, whole := "", false, false
	for _, loc := range indexOf(p, p.Project)[top] {
		name := strings.TrimSuffix(loc, "/")
		if name == code || strings.HasPrefix(name, code+"/") {
			continue
		}
		if dir := path.Dir(name); dir != "." && tree.IsFile(p.Project, dir+"/__init__.py") {
			continue // a submodule of a regular package
		}
		isDir := strings.HasSuffix(loc, "/")
		if isDir && !tree.IsFile(p.Project, name+"/__init__.py") && !holdsPython(p.Project, name) {
			continue
		}
		has := len(parts) == 1
		if isDir && len(parts) > 1 {
			rest := name + "/" + strings.Join(parts[1:], "/")
			has = tree.IsFile(p.Project, rest+".py") || tree.IsDir(p.Project, rest)
		}
		if found == "" || has && !whole {
			found, foundDir, whole = name, isDir, has
		}
		if whole {
			break
		}
	}
	if found == "" {
		return ""
	}
	disp := p.Project.Display(found)
	if foundDir {
		disp += "/"
	}
	return fmt.Sprintf("%s exists at %s, outside the function's package %s: it imports fine when tests run from the repository root, but Lambda gets only the contents of %s. Move it into %s, or into a layer under python/.",
		top, disp, f.Fn.Code.Display, f.Fn.Code.Display, f.Fn.Code.Display)
}

// holdsPython reports whether folder dir of t has a .py file directly in it.
func holdsPython(t tree.Tree, dir string) bool {
	infos, err := t.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, fi := range infos {
		if !fi.Dir && strings.HasSuffix(fi.Name, ".py") {
			return true
		}
	}
	return false
}

func declareHint(f *Function, top string) string {
	where := "the requirements.txt next to the function code"
	if f.Fn.Code != nil && f.Fn.Code.Display != "" {
		where = "requirements.txt in " + f.Fn.Code.Display
	}
	if dist, ok := pydist.DistForImport(top); ok {
		return fmt.Sprintf("Nothing on the path provides %s. Declare %s in %s, or attach a layer that has it under python/.", top, dist, where)
	}
	// The same words for every unknown module of a function (the message names the
	// module): one string per place, not one per import — 200,000 missing imports would
	// otherwise hold 50 MB of copies of this hint.
	if h, ok := unknownHints.Load(where); ok {
		return h.(string)
	}
	h, _ := unknownHints.LoadOrStore(where, fmt.Sprintf("Nothing on the path provides it. If it is a third-party package, declare the distribution that provides it in %s or attach a layer that has it under python/; if it is your code, put it in the function's package.", where))
	return h.(string)
}

// unknownHints holds declareHint's words for a module no distribution is known to
// provide, by where it says to declare it.
var unknownHints sync.Map

func stdlibReplacement(top string) string {
	switch top {
	case "imp":
		return "Use importlib instead."
	case "distutils":
		return "Use setuptools (declare it) or packaging; distutils.util.strtobool has no stdlib replacement—copy it."
	case "asyncore", "asynchat":
		return "Use asyncio instead."
	case "smtpd":
		return "Use aiosmtpd (declare it) instead."
	case "cgi", "cgitb":
		return "Use email.message / urllib.parse instead."
	case "telnetlib":
		return "Use telnetlib3 (declare it) instead."
	}
	return "Use its replacement, or declare a PyPI backport."
}

// inOtherLayer: a layer of the app that the function does not (successfully) attach has
// the module where Python would find it.
func inOtherLayer(p *Pass, f *Function, top string) string {
	attached := map[*model.Layer]bool{}
	var broken []string
	for _, ref := range f.Fn.Layers {
		if ref.Layer != nil {
			attached[ref.Layer] = true
		}
		if ref.Bad {
			broken = append(broken, fmt.Sprintf("%s (%s)", posString(ref.Pos), ref.Problem))
		}
	}
	for _, l := range p.App.Layers {
		if attached[l] || l.Content == nil || l.Content.Opaque {
			continue
		}
		for _, loc := range indexOf(p, l.Content.Tree)[top] {
			dir := path.Dir(strings.TrimSuffix(loc, "/"))
			if !isOnPath(f.Runtime, dir) {
				continue
			}
			msg := fmt.Sprintf("Layer %s has %s (%s), but %s does not attach it", l.Name, top, l.Content.Tree.Display(strings.TrimSuffix(loc, "/")), f.Fn.Name)
			if len(broken) > 0 {
				return msg + ": its Layers entry " + strings.Join(broken, "; ") + " is wrong. Fix that reference."
			}
			return msg + ". Add it to the function's Layers."
		}
	}
	return ""
}

// cfnResponseHint: cfnresponse is added by CloudFormation only to inline code that has
// the exact statement `import cfnresponse` (cfn.CfnResponseFile).
func cfnResponseHint(f *Function) string {
	if f.Fn.Code != nil && strings.Contains(f.Fn.Code.Display, "#") { // inline code: "template.yaml#Fn.Code"
		return "CloudFormation adds the cfnresponse module to inline code (ZipFile, InlineCode) only when the code has the exact statement `import cfnresponse`; other forms, such as `from cfnresponse import send`, do not get it. Write `import cfnresponse` and call cfnresponse.send(...)."
	}
	return "CloudFormation provides cfnresponse only to inline code (Code.ZipFile, SAM InlineCode), not to a packaged function. Put a copy of the module in the function's package (the source is in the CloudFormation User Guide, \"cfn-response module\"), or declare the cfnresponse distribution in its requirements.txt."
}

// unbuiltRequirements: an attached layer folder has a requirements.txt that declares the
// distribution providing top, but no BuildMethod, so sam build installs nothing and the
// folder is deployed as it is.
func unbuiltRequirements(p *Pass, f *Function, top string) string {
	l, file, r, ok := layerRequirement(p, f, top)
	if !ok {
		return ""
	}
	t := l.Content.Tree
	at := fmt.Sprintf("Layer %s's %s (%s:%d) declares %s, which provides %s", l.Name, file, t.Display(file), r.Line, r.Name, top)
	if !samBuilds(p, f.Fn) {
		return fmt.Sprintf("%s, but nothing installs it: the layer folder is packaged as it is, %s included, and a requirements file does nothing on Lambda. Install the requirements into the folder's python/ before it is zipped (pip install -r %s -t python/ --platform %s --only-binary=:all: --python-version %s), as a step of your build.",
			at, file, file, pipPlatform(f), f.Runtime.Version)
	}
	if file != "requirements.txt" {
		return fmt.Sprintf("%s, but sam build installs only a requirements.txt at the root of the layer folder, and only with a BuildMethod: the folder is deployed as it is. Move the file to the folder's root and add `Metadata: BuildMethod: %s` to %s, so that sam build pip-installs it under python/.",
			at, f.Runtime.ID, l.Name)
	}
	return fmt.Sprintf("%s, but the layer has no BuildMethod, so sam build installs nothing: the folder is deployed as it is, requirements.txt included. Add `Metadata: BuildMethod: %s` to %s (Metadata beside Properties), so that sam build pip-installs its requirements under python/. If a step of your own build (a Makefile target, a script) pip-installs them into the folder's python/ before sam build, run layerkit after that step.",
		at, f.Runtime.ID, l.Name)
}

// opaqueLayerHint: an attached layer is built by a step layerkit does not model in full
// (a make target it cannot read): what it puts in /opt is unknown.
func opaqueLayerHint(f *Function, top string) string {
	var names []string
	for _, ref := range f.Fn.Layers {
		if ref.Inspectable() && ref.Layer.Content.Opaque {
			names = append(names, ref.Layer.Name)
		}
	}
	if len(names) == 0 {
		return ""
	}
	return fmt.Sprintf("Layer %s is built by a step layerkit cannot follow in full (see its LK105 note). If that build puts %s under python/ (→ /opt/python/%s), nothing needs to change; otherwise make it install or copy %s there, or put %s in the function's package.",
		strings.Join(names, ", "), top, top, top, top)
}

// samBuilds says whether fn's layers are built by sam build, where Metadata: BuildMethod
// is the fix: SAM and CloudFormation templates. Terraform, the Serverless Framework and
// the CDK zip a layer folder as it is, so their fix is a folder layout or a build step.
func samBuilds(p *Pass, fn *model.Function) bool {
	kind := fn.Kind
	if kind == "" && p.App != nil {
		kind = p.App.Kind
	}
	return kind == "sam" || kind == "cloudformation"
}
