package sam

import (
	"encoding/json"
	"fmt"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/layerkit/layerkit/internal/iac/cfn"
	"github.com/layerkit/layerkit/internal/jsscan"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/noderesolve"
	"github.com/layerkit/layerkit/internal/rulecode"
	"github.com/layerkit/layerkit/internal/tree"
)

// A function with Metadata BuildMethod: esbuild is built by aws-lambda-builders'
// NodejsNpmEsbuildBuilder (nodejs_npm_esbuild/workflow.py and esbuild.py at cd41bcf1):
//
//   - with a package.json, the CodeUri folder is copied without node_modules (and
//     .aws-sam, .git), `npm install --omit=dev` (npm ci with UseNpmCi) runs in the
//     copy, and esbuild bundles from there: a package the code imports must be a
//     dependency (a devDependency is not npmInstalled, a vendored node_modules is not
//     copied). Without a package.json esbuild runs in the CodeUri folder itself.
//   - esbuild runs with --bundle --platform=node --outdir=<artifacts> and, unless
//     BuildProperties set them, --target=es2020 --format=cjs --minify; every other
//     BuildProperty becomes a flag (External: [a, b] → --external:a --external:b,
//     OutExtension: [.js=.mjs] → --out-extension:.js=.mjs).
//   - no module is external by default (aws-lambda-builders adds none, nor does sam-cli's
//     ApplicationBuilder._get_build_options at fe8f8dbb1, not even @aws-sdk/*); an External module is left as a require/import in the bundle, and
//     the artifacts folder holds only esbuild's output: at run time an external
//     module must come from a layer or the runtime (@aws-sdk/* on nodejs18.x and
//     later), never from the function's package.
//   - EntryPoints default to the handler up to its first dot (sam-cli: handler.split(".")[0]
//     when BuildProperties has no EntryPoints); an entry point without
//     an extension is looked for as .ts, then .js; esbuild writes each entry's bundle
//     under --outdir at its path relative to the entry points' lowest common folder,
//     with the extension .js (or what OutExtension maps .js to).
//
// layerkit models the build: the imports the bundle inlines must resolve where
// esbuild runs (LK101 when not: sam build fails), and the package Lambda gets is the
// bundle, modelled by a stand-in module per output file (named as sam build writes it,
// .aws-sam/build/<Function>/app.js) that imports the external
// modules the sources import and exports what the entry point exports
// (model.Bundle). The checker then judges the stand-in as any function package.

// esbuildProps are the BuildProperties layerkit reads.
type esbuildProps struct {
	entryPoints []string
	entryPos    model.Pos
	external    []string
	format      string
	formatPos   model.Pos
	outJS       string // what OutExtension maps .js to (".js" by default)
}

// esbuildSourceExts are esbuild's default resolve extensions (--resolve-extensions).
var esbuildSourceExts = []string{".tsx", ".ts", ".jsx", ".js", ".css", ".json"}

// esbuild models the function fn built with BuildMethod esbuild from code (its
// CodeUri folder). It returns false when the build properties cannot be read (an
// expression layerkit cannot evaluate): the caller then keeps the code opaque.
func (l *loader) esbuild(r *cfn.Resource, fn *model.Function, code *model.Code) bool {
	props, ok := l.esbuildProps(r, fn)
	if !ok {
		return false
	}
	src := code.Tree
	build := src
	hasPkg := tree.IsFile(src, "package.json")
	var inst npmInstalled
	if hasPkg {
		build = withoutNodeModules(src, "")
		inst = readInstalled(src)
	}
	major := 0
	if v, ok := strings.CutPrefix(fn.Runtime, "nodejs"); ok {
		major, _ = strconv.Atoi(strings.TrimSuffix(v, ".x"))
	}
	loose := tree.IsFile(src, "tsconfig.json") && tsconfigPaths(src)
	b := &esbuilder{l: l, fn: fn, src: src, build: build, hasPkg: hasPkg, inst: inst, major: major, props: props, loosePaths: loose, display: code.Display}

	var entries []string
	for _, e := range props.entryPoints {
		name, ok := b.entry(e)
		if !ok {
			hint := "Name a file of the CodeUri folder in BuildProperties EntryPoints (relative to CodeUri; without an extension, .ts and then .js is tried). If a step before sam build writes it (tsc), run layerkit after that step."
			if base, found := strings.CutSuffix(e, ".js"); found && tree.IsFile(b.build, strings.TrimPrefix(base, "./")+".ts") {
				hint = fmt.Sprintf("%s.ts is there: EntryPoints: [%s.ts] lets esbuild compile it (or drop the extension: .ts is tried first). If a step before sam build compiles it to %s (tsc), run layerkit after that step.", base, base, e)
			}
			l.b.Note(rulecode.LK102, model.Error, fn.Name, "", props.entryPos,
				fmt.Sprintf("entry point %s does not exist in %s: sam build (BuildMethod esbuild) fails with \"entry point … does not exist\", and %s is not built", e, code.Display, fn.Name),
				hint)
			continue
		}
		entries = append(entries, name)
	}
	if len(entries) == 0 {
		// sam build fails (the note above): there is no bundle to check.
		fn.Unchecked, fn.UncheckedPos = "sam build fails on it (no entry point of BuildProperties EntryPoints exists)", props.entryPos
		return true
	}
	outbase := path.Dir(entries[0])
	for _, e := range entries[1:] {
		outbase = commonDir(outbase, path.Dir(e))
	}
	files := map[string]string{}
	origins := map[string][]model.Origin{}
	for _, e := range entries {
		rel := e
		if outbase != "." {
			rel = strings.TrimPrefix(e, outbase+"/")
		}
		out := strings.TrimSuffix(rel, path.Ext(rel)) + props.outJS
		text, orig := b.standIn(e)
		files[out] = text
		origins[out] = orig
	}
	code.Tree = tree.NewMap(".aws-sam/build/"+fn.Name, files)
	code.Bundle = &model.Bundle{Tool: "esbuild", External: "BuildProperties External", Origins: origins}
	code.NpmPackage = ""
	return true
}

// esbuildProps reads BuildProperties; ok is false when one layerkit needs cannot be
// evaluated.
func (l *loader) esbuildProps(r *cfn.Resource, fn *model.Function) (esbuildProps, bool) {
	p := esbuildProps{outJS: ".js", format: "cjs"}
	bp := r.Metadata.Get("BuildProperties")
	list := func(key string) ([]string, model.Pos, bool, bool) {
		k := bp.Key(key)
		if k == nil {
			return nil, model.Pos{}, true, false
		}
		res := l.tpl.Eval(k.Value)
		var out []string
		switch res.Kind {
		case cfn.ListResult:
			for _, it := range res.Items {
				if it.Kind != cfn.String {
					return nil, model.Pos{}, false, true
				}
				out = append(out, it.Str)
			}
		case cfn.String:
			out = []string{res.Str}
		default:
			return nil, model.Pos{}, false, true
		}
		return out, l.tpl.PosOf(k.Value), true, true
	}
	var ok, set bool
	if bp != nil {
		if p.entryPoints, p.entryPos, ok, set = list("EntryPoints"); !ok {
			return p, false
		}
		if p.external, _, ok, _ = list("External"); !ok {
			return p, false
		}
		var f []string
		if f, p.formatPos, ok, _ = list("Format"); !ok {
			return p, false
		} else if len(f) == 1 {
			p.format = strings.ToLower(f[0])
		}
		var oe []string
		if oe, _, ok, _ = list("OutExtension"); !ok {
			return p, false
		}
		for _, m := range oe {
			if from, to, found := strings.Cut(m, "="); found && from == ".js" {
				p.outJS = to
			}
		}
	}
	if !set {
		// The handler up to its first dot is the entry point (sam-cli
		// ApplicationBuilder._get_build_options: handler.split(".")[0]).
		h := fn.Handler
		i := strings.IndexByte(h, '.')
		if i <= 0 {
			return p, false
		}
		p.entryPoints = []string{h[:i]}
		p.entryPos = fn.HandlerPos
	}
	return p, true
}

// npmInstalled is what npm install --omit=dev puts in the build folder's node_modules.
type npmInstalled struct {
	deps     map[string]bool // dependencies, optional and peer dependencies; with a lock file every non-dev package
	dev      map[string]bool // devDependencies
	complete bool            // a lock file lists every package
	any      bool            // some dependency is declared (npm installs its dependencies unseen)
}

func readInstalled(t tree.Tree) npmInstalled {
	inst := npmInstalled{deps: map[string]bool{}, dev: map[string]bool{}}
	b, err := t.ReadFile("package.json")
	if err != nil {
		return inst
	}
	var pj struct {
		Dependencies, OptionalDependencies, PeerDependencies, DevDependencies map[string]any
	}
	if json.Unmarshal(b, &pj) != nil {
		return inst
	}
	for _, m := range []map[string]any{pj.Dependencies, pj.OptionalDependencies, pj.PeerDependencies} {
		for k := range m {
			inst.deps[k] = true
			inst.any = true
		}
	}
	for k := range pj.DevDependencies {
		inst.dev[k] = true
	}
	if lb, err := t.ReadFile("package-lock.json"); err == nil {
		var lock struct {
			Packages map[string]struct {
				Dev bool `json:"dev"`
			} `json:"packages"`
		}
		if json.Unmarshal(lb, &lock) == nil && lock.Packages != nil {
			inst.complete = true
			for k, p := range lock.Packages {
				rest, found := strings.CutPrefix(k, "node_modules/")
				if found && !p.Dev && !strings.Contains(rest, "/node_modules/") {
					inst.deps[rest] = true
				}
			}
		}
	}
	return inst
}

// tsconfigPaths reports whether tsconfig.json sets paths or baseUrl, which esbuild
// follows and layerkit does not.
func tsconfigPaths(t tree.Tree) bool {
	b, err := t.ReadFile("tsconfig.json")
	return err == nil && (strings.Contains(string(b), `"paths"`) || strings.Contains(string(b), `"baseUrl"`))
}

type esbuilder struct {
	l          *loader
	fn         *model.Function
	src, build tree.Tree
	hasPkg     bool
	inst       npmInstalled
	major      int
	props      esbuildProps
	loosePaths bool
	display    string
	aboveDeps  map[string]bool // declaredAbove's packages, read once
}

// entry is the file of entry point e (aws-lambda-builders _get_explicit_file_type).
func (b *esbuilder) entry(e string) (string, bool) {
	name, ok := tree.Clean(strings.TrimPrefix(e, "./"))
	if !ok || name == "" {
		return "", false
	}
	if path.Ext(name) != "" {
		return name, tree.IsFile(b.build, name)
	}
	for _, ext := range []string{".ts", ".js"} {
		if tree.IsFile(b.build, name+ext) {
			return name + ext, true
		}
	}
	return "", false
}

// ext is one external import the bundle keeps.
type extImport struct {
	spec    string
	at      model.Origin
	lazy    bool
	guarded bool
}

// standIn walks the import graph of entry as esbuild bundles it, reports the imports
// it cannot resolve (LK101: sam build fails), and returns the stand-in module of the
// bundle with the origin of each line.
func (b *esbuilder) standIn(entry string) (string, []model.Origin) {
	var exts []extImport
	seenExt := map[string]bool{}
	done := map[string]bool{entry: true}
	queue := []string{entry}
	var exports []string
	exportsOpen := false
	for len(queue) > 0 {
		file := queue[0]
		queue = queue[1:]
		data, err := b.build.ReadFile(file)
		if err != nil {
			continue
		}
		var imps []jsscan.Import
		switch path.Ext(file) {
		case ".ts", ".tsx", ".mts", ".cts", ".jsx":
			lo := jsscan.ScanLoose(data)
			imps = lo.Imports
			if file == entry {
				exports = lo.Exports
			}
		case ".js", ".mjs", ".cjs":
			f := jsscan.Scan(data)
			imps = f.Imports
			if file == entry {
				for _, e := range f.Exports {
					exports = append(exports, e.Name)
				}
				exportsOpen = f.ExportsOpen || len(f.StarFrom) > 0
			}
		default:
			continue // .json, .css: no imports
		}
		for _, imp := range imps {
			if imp.Computed || imp.Spec == "" || imp.Kind == jsscan.RequireResolve {
				continue
			}
			at := model.Origin{Tree: b.src, File: file, Line: imp.Line, Col: imp.Col}
			spec := imp.Spec
			if ok, _ := noderesolve.Builtin(max(b.major, 18), spec); ok || strings.HasPrefix(spec, "node:") {
				continue // --platform=node: built-ins stay imports, and Node has them
			}
			if b.isExternal(spec) {
				key := spec + "\x00" + strconv.FormatBool(imp.Lazy) + strconv.FormatBool(imp.Guarded)
				if !seenExt[key] {
					seenExt[key] = true
					exts = append(exts, extImport{spec: spec, at: at, lazy: imp.Lazy, guarded: imp.Guarded})
				}
				continue
			}
			if strings.HasPrefix(spec, "./") || strings.HasPrefix(spec, "../") || spec == "." || spec == ".." {
				target, ok := b.resolveFile(path.Join(path.Dir(file), spec), path.Ext(file))
				if ok {
					if !done[target] && !strings.Contains("/"+target, "/node_modules/") {
						done[target] = true
						queue = append(queue, target)
					}
					continue
				}
				b.unresolved(imp, at, spec, "")
				continue
			}
			if strings.HasPrefix(spec, "#") || strings.HasPrefix(spec, "/") {
				continue // package imports maps, absolute paths: not modelled
			}
			b.bare(imp, at, file, spec)
		}
	}
	// The stand-in: the external imports, then the exports.
	var lines []string
	var orig []model.Origin
	esm := b.props.format == "esm"
	for _, e := range exts {
		q := strconv.Quote(e.spec)
		var line string
		switch {
		case esm && !e.lazy && !e.guarded:
			line = "import " + q + ";"
		case esm:
			line = "export const __lazy" + strconv.Itoa(len(lines)) + " = () => import(" + q + ");"
		case e.guarded:
			line = "try { require(" + q + "); } catch (e) {}"
		case e.lazy:
			line = "exports.__lazy" + strconv.Itoa(len(lines)) + " = () => require(" + q + ");"
		default:
			line = "require(" + q + ");"
		}
		lines = append(lines, line)
		orig = append(orig, e.at)
	}
	sort.Strings(exports)
	for i, name := range exports {
		if i > 0 && exports[i-1] == name {
			continue
		}
		var line string
		switch {
		case esm && name == "default":
			line = "export default async function () {}"
		case esm:
			line = "export const " + name + " = async () => {};"
		default:
			line = "exports[" + strconv.Quote(name) + "] = async () => {};"
		}
		lines = append(lines, line)
		orig = append(orig, model.Origin{})
	}
	if exportsOpen && !esm {
		lines = append(lines, "module.exports = Object.assign(module.exports, globalThis.__bundled);")
		orig = append(orig, model.Origin{})
	}
	return strings.Join(lines, "\n") + "\n", orig
}

// isExternal reports whether esbuild leaves spec to Node: an --external pattern
// matches it (a * stands for any text; a package name matches its subpaths too).
func (b *esbuilder) isExternal(spec string) bool {
	for _, e := range b.props.external {
		if e == spec || strings.HasPrefix(spec, e+"/") {
			return true
		}
		if pre, suf, ok := strings.Cut(e, "*"); ok && strings.HasPrefix(spec, pre) && strings.HasSuffix(spec[len(pre):], suf) {
			return true
		}
	}
	return false
}

// resolveFile resolves a relative import as esbuild does: the file, the file with
// one of the resolve extensions (a .js import from TypeScript also as .ts/.tsx), a
// folder's package.json main or index.
func (b *esbuilder) resolveFile(p, fromExt string) (string, bool) {
	name, ok := tree.Clean(p)
	if !ok {
		return "", false
	}
	if tree.IsFile(b.build, name) {
		return name, true
	}
	for _, ext := range esbuildSourceExts {
		if tree.IsFile(b.build, name+ext) {
			return name + ext, true
		}
	}
	if strings.HasPrefix(fromExt, ".ts") || strings.HasPrefix(fromExt, ".mts") || strings.HasPrefix(fromExt, ".cts") || fromExt == ".tsx" {
		base := strings.TrimSuffix(name, path.Ext(name))
		switch path.Ext(name) {
		case ".js", ".jsx":
			for _, ext := range []string{".ts", ".tsx"} {
				if tree.IsFile(b.build, base+ext) {
					return base + ext, true
				}
			}
		case ".mjs":
			if tree.IsFile(b.build, base+".mts") {
				return base + ".mts", true
			}
		case ".cjs":
			if tree.IsFile(b.build, base+".cts") {
				return base + ".cts", true
			}
		}
	}
	if tree.IsDir(b.build, name) {
		if pb, err := b.build.ReadFile(path.Join(name, "package.json")); err == nil {
			var pj struct{ Main string }
			if json.Unmarshal(pb, &pj) == nil && pj.Main != "" {
				if t, ok := b.resolveFile(path.Join(name, pj.Main), ""); ok {
					return t, true
				}
			}
		}
		for _, ext := range esbuildSourceExts {
			if tree.IsFile(b.build, path.Join(name, "index"+ext)) {
				return path.Join(name, "index"+ext), true
			}
		}
	}
	return "", false
}

// bare resolves a package import at build time: a node_modules folder of the build
// folder above file, or what npm install puts there.
func (b *esbuilder) bare(imp jsscan.Import, at model.Origin, file, spec string) {
	pkg := spec
	if parts := strings.SplitN(spec, "/", 3); strings.HasPrefix(spec, "@") && len(parts) >= 2 {
		pkg = parts[0] + "/" + parts[1]
	} else {
		pkg = parts[0]
	}
	for dir := path.Dir(file); ; dir = path.Dir(dir) {
		nm := "node_modules/" + pkg
		if dir != "." {
			nm = dir + "/" + nm
		}
		if tree.IsDir(b.build, nm) || tree.IsFile(b.build, nm+".js") {
			return
		}
		if dir == "." {
			break
		}
	}
	if b.inst.deps[pkg] || !b.hasPkg && b.declaredAbove(pkg) {
		return
	}
	b.unresolved(imp, at, spec, pkg)
}

// declaredAbove reports whether a package.json in a folder above the CodeUri folder,
// inside the checked project, declares pkg (dependencies, devDependencies or
// optionalDependencies). Without a package.json of its own the function is bundled
// where it lies, and esbuild finds pkg in the node_modules that npm install makes
// beside that package.json (a monorepo's root): as for a declared requirement,
// layerkit takes the install as done.
func (b *esbuilder) declaredAbove(pkg string) bool {
	if b.aboveDeps == nil {
		b.aboveDeps = map[string]bool{}
		root := filepath.Clean(b.l.root)
		dir := filepath.Join(root, filepath.FromSlash(strings.TrimSuffix(b.display, "/")))
		for dir != root && strings.HasPrefix(dir, root+string(filepath.Separator)) {
			dir = filepath.Dir(dir)
			data, err := b.l.lim.ReadConfig(filepath.Join(dir, "package.json"))
			if err != nil {
				continue
			}
			var pj struct {
				Deps map[string]any `json:"dependencies"`
				Dev  map[string]any `json:"devDependencies"`
				Opt  map[string]any `json:"optionalDependencies"`
			}
			if json.Unmarshal(data, &pj) != nil {
				continue
			}
			for _, m := range []map[string]any{pj.Deps, pj.Dev, pj.Opt} {
				for name := range m {
					b.aboveDeps[name] = true
				}
			}
		}
	}
	return b.aboveDeps[pkg]
}

// unresolved reports an import esbuild cannot resolve: sam build fails (an error), or
// may (a warning when something layerkit does not follow may provide it).
func (b *esbuilder) unresolved(imp jsscan.Import, at model.Origin, spec, pkg string) {
	if imp.Guarded && imp.Kind == jsscan.Require {
		// esbuild turns a require in a try block that it cannot resolve into a
		// warning and leaves it to run time, where the catch takes the failure.
		return
	}
	sev := model.Error
	var why []string
	fix := ""
	where := fmt.Sprintf("in %s", b.display)
	switch {
	case pkg == "":
		fix = fmt.Sprintf("Create the file, or correct the path: it is resolved from %s, with the extensions %s and a folder's index.", path.Dir(b.src.Display(at.File)), strings.Join(esbuildSourceExts, ", "))
	case b.hasPkg && b.inst.dev[pkg]:
		where = fmt.Sprintf("%s is a devDependency in %spackage.json, and the build installs with npm install --omit=dev", pkg, b.display)
		fix = fmt.Sprintf("Move %s from devDependencies to dependencies in package.json, or add it to BuildProperties External and provide it from a layer.", pkg)
	case b.hasPkg:
		where = fmt.Sprintf("%spackage.json does not declare %s, and the build copies the folder without node_modules before npm install --omit=dev", b.display, pkg)
		fix = fmt.Sprintf("Add %s to the dependencies in package.json, or add it to BuildProperties External and provide it from a layer.", pkg)
		if !b.inst.complete && b.inst.any {
			sev = model.Warning
			why = append(why, "a warning because npm also installs the dependencies of the declared packages, which layerkit does not know without a package-lock.json")
		}
	default:
		where = fmt.Sprintf("no node_modules folder in %s has %s, and no package.json above it in the project declares it", b.display, pkg)
		fix = fmt.Sprintf("Declare %s in a package.json (in %s, and sam build installs it; or at the project root, and run npm install there before sam build), or add it to BuildProperties External and provide it from a layer.", pkg, b.display)
		sev = model.Warning
		why = append(why, "a warning because without a package.json esbuild runs in the CodeUri folder itself, and a node_modules folder outside the project may have it")
	}
	if pkg != "" && b.loosePaths {
		sev = model.Warning
		why = append(why, "a warning because tsconfig.json sets paths or baseUrl, which esbuild follows and layerkit does not")
	}
	msg := fmt.Sprintf("`%s` in %s: sam build (BuildMethod esbuild) of %s fails with `Could not resolve %q` (%s)",
		importText(imp), b.src.Display(at.File)+":"+strconv.Itoa(at.Line), b.fn.Name, spec, where)
	if len(why) > 0 {
		msg += " (" + strings.Join(why, "; ") + ")"
	}
	b.l.b.Note(rulecode.LK101, sev, b.fn.Name, "", model.Pos{File: b.src.Display(at.File), Line: at.Line, Col: at.Col}, msg, fix)
}

func importText(imp jsscan.Import) string {
	q := "'" + imp.Spec + "'"
	switch imp.Kind {
	case jsscan.Require:
		return "require(" + q + ")"
	case jsscan.DynamicImport:
		return "import(" + q + ")"
	case jsscan.ExportFrom:
		return "export … from " + q
	}
	return "import … from " + q
}

// commonDir is the lowest common folder of two folders ("." for the root).
func commonDir(a, b string) string {
	for a != b {
		if len(a) > len(b) {
			a = path.Dir(a)
		} else {
			b = path.Dir(b)
		}
		if a == "." || b == "." {
			return "."
		}
	}
	return a
}
