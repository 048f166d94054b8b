package rules

import (
	"encoding/json"
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/native"
	"github.com/layerkit/layerkit/internal/noderesolve"
	"github.com/layerkit/layerkit/internal/resolve"
	"github.com/layerkit/layerkit/internal/rulecode"
)

// The Node.js side of the import rules: LK101 for the imports a Node.js function's
// analysis (resolve.Analysis, Detail *noderesolve.Result) says fail, with hints in
// Node's words. The facts come through the language seam; only the hints read the
// resolver's own result.

// nodeResult is f's Node.js analysis; nil for other languages.
func nodeResult(f *Function) *noderesolve.Result {
	if f.Analysis == nil {
		return nil
	}
	res, _ := f.Analysis.Detail().(*noderesolve.Result)
	return res
}

// runLK101Node reports the failing imports of Node.js functions.
func runLK101Node(p *Pass) {
	for _, f := range p.resolved() {
		res := nodeResult(f)
		if res == nil {
			continue
		}
		for _, imp := range f.Analysis.Imports() {
			switch imp.Failure {
			case resolve.NotFound, resolve.BadSpecifier, resolve.NameMissing:
				reportLK101Node(p, f, res, imp)
			}
		}
	}
}

func reportLK101Node(p *Pass, f *Function, res *noderesolve.Result, imp resolve.Import) {
	sev := model.Error
	var why []string
	ri := res.ImportAt(imp.From, imp.At.Line, imp.At.Col)
	if imp.Lazy {
		sev = model.Warning
		why = append(why, "a warning because the import runs only when the function body that holds it runs")
	}
	bare := isBareSpec(imp.Module)
	if imp.Failure == resolve.NotFound && bare {
		if hook := resolutionHook(f); hook != nil {
			sev = model.Warning
			why = append(why, fmt.Sprintf("a warning because `%s` (%s) changes how require resolves names at run time, in a way layerkit does not follow", hook.Text, posString(hook.At.Model())))
		} else if f.Analysis.SearchPath().Uninspectable && !res.R.Env().UserNodePath {
			sev = model.Warning
			why = append(why, "a warning because "+unreadableLayers(f)+" might provide it")
		} else if pkgs := res.MayInstall(imp.From); len(pkgs) > 0 && !offPathFound(res, imp.Module) {
			sev = model.Warning
			why = append(why, fmt.Sprintf("a warning because npm installs the dependencies of %s beside them, and layerkit does not know those", strings.Join(pkgs, ", ")))
		} else if ri != nil && ri.Failure != nil && ri.Failure.OtherReading != "" {
			sev = model.Warning
			why = append(why, fmt.Sprintf("a warning because %s exists, and whether Lambda's NODE_PATH lookup for ES modules reaches it is not documented", ri.Failure.OtherReading))
		}
	}
	via := ""
	if len(imp.Chain) > 1 {
		via = " (reached from the handler through " + strings.Join(imp.Chain, " → ") + ")"
	}
	fails := "Lambda will fail to initialize the function with " + imp.Error
	if imp.Lazy {
		fails = "an invocation that runs it will fail with " + imp.Error
	}
	what := fmt.Sprintf("finds no module '%s'", imp.Module)
	if imp.Failure == resolve.BadSpecifier {
		what = fmt.Sprintf("names '%s' in a way Node refuses", imp.Module)
	}
	msg := fmt.Sprintf("`%s` in %s %s on the path of %s (%s)%s; %s",
		imp.Stmt, imp.At.Model().File, what, f.Fn.Name, f.Runtime.ID, via, fails)
	if len(why) > 0 {
		msg += " (" + strings.Join(why, "; ") + ")"
	}
	p.Report(rulecode.LK101, sev, f.Fn.Name, "", imp.At.Model(), msg, nodeImportHint(f, res, imp))
}

// isBareSpec reports whether spec names a package (not a path, a built-in scheme or an
// imports map entry).
func isBareSpec(spec string) bool {
	return spec != "" && !strings.HasPrefix(spec, ".") && !strings.HasPrefix(spec, "/") && !strings.HasPrefix(spec, "#") && !strings.Contains(spec, ":")
}

// packageName is the package a bare specifier names ("@acme/core" of
// "@acme/core/client").
func packageName(spec string) string {
	parts := strings.SplitN(spec, "/", 3)
	if strings.HasPrefix(spec, "@") && len(parts) >= 2 {
		return parts[0] + "/" + parts[1]
	}
	return parts[0]
}

// nodeImportHint says what to change for a failing Node.js import.
func nodeImportHint(f *Function, res *noderesolve.Result, imp resolve.Import) string {
	r := res.R
	from := imp.From
	spec := imp.Module
	if !isBareSpec(spec) {
		abs := spec
		if !path.IsAbs(spec) {
			abs = path.Join(path.Dir(from), spec)
		}
		if !strings.HasPrefix(imp.Stmt, "require") {
			for _, cand := range []string{abs + ".mjs", abs + ".js", abs + ".cjs", abs + "/index.mjs", abs + "/index.js"} {
				if r.Exists(cand) && !r.IsDir(cand) {
					return fmt.Sprintf("ES modules need the full file name (no extension probing, no folder index): import '%s'.", relSpec(from, cand, spec))
				}
			}
		}
		if m := r.CaseMatch(abs); m != "" && differsInCase(abs, m) {
			return fmt.Sprintf("%s exists, but Lambda's file system is case-sensitive: write the name as it is on disk ('%s').", r.Display(m), relSpec(from, m, spec))
		}
		if strings.HasPrefix(abs, "/opt/nodejs/") {
			if alt := "/opt/nodejs/nodejs/" + strings.TrimPrefix(abs, "/opt/nodejs/"); r.Exists(alt) || r.Exists(alt+".js") || r.Exists(alt+".mjs") {
				return fmt.Sprintf("The layer has it at %s: its content holds nodejs/ and its BuildMethod puts everything under nodejs/ again. Remove the inner nodejs/ folder (or the BuildMethod).", alt)
			}
		}
		for _, ext := range []string{".ts", ".mts", ".cts", ".tsx"} {
			if r.Exists(abs+ext) && !r.IsDir(abs+ext) {
				return fmt.Sprintf("%s is there, but Node does not load TypeScript: compile it (tsc, or a bundler) into %s.js before the package is built, and run layerkit after that step.", r.Display(abs+ext), path.Base(abs))
			}
		}
		return fmt.Sprintf("Create %s, or correct the path: it is resolved from %s.", abs, path.Dir(from))
	}
	name := packageName(spec)
	major := r.Env().Major
	if name == "aws-sdk" && major >= 18 {
		return fmt.Sprintf("%s bundles the AWS SDK for JavaScript v3 (@aws-sdk/*), not v2 (aws-sdk, bundled up to nodejs16.x). Move to the v3 clients (@aws-sdk/client-s3, ...), or add aws-sdk to the function's package.json dependencies.", f.Runtime.ID)
	}
	if env := r.Env(); env.UserNodePath {
		for _, d := range []string{"/opt/nodejs/node" + strconv.Itoa(major) + "/node_modules", "/opt/nodejs/node_modules", noderesolve.RuntimeModules} {
			if r.Exists(path.Join(d, name)) || d == noderesolve.RuntimeModules && strings.HasPrefix(name, "@aws-sdk/") {
				v := f.Fn.Env["NODE_PATH"]
				return fmt.Sprintf("%s is in %s, but the function sets NODE_PATH (%s), which replaces Lambda's default, so that folder is not searched. Remove NODE_PATH, or append :%s to it.", name, d, posString(v.Pos), d)
			}
		}
	}
	// The package (or a file of that name) in a layer folder Lambda does not search.
	if off := offPath(res, name); len(off) > 0 {
		where := off[0]
		switch {
		case strings.HasPrefix(where, "/opt/nodejs/nodejs/"):
			return fmt.Sprintf("The layer has it at %s: its content already holds nodejs/, and its BuildMethod puts everything under nodejs/ again. Remove the inner nodejs/ folder (or the BuildMethod).", where)
		case strings.HasPrefix(where, "/opt/nodejs/node") && !strings.HasPrefix(where, "/opt/nodejs/node_modules"):
			return fmt.Sprintf("The layer has it at %s, which only another Node.js version searches; %s searches /opt/nodejs/node%d/node_modules and /opt/nodejs/node_modules. Move it to nodejs/node_modules/ in the layer (or nodejs/node%d/node_modules/).", where, f.Runtime.ID, major, major)
		}
		return fmt.Sprintf("The layer has it at %s, where Lambda does not look: layer packages belong in nodejs/node_modules/%s (→ /opt/nodejs/node_modules/%s). Move it there, or require it by its absolute path.", where, name, name)
	}
	if strings.HasPrefix(from, noderesolve.OptRoot+"/") && r.Exists(path.Join(noderesolve.TaskRoot, "node_modules", name)) || strings.HasPrefix(from, noderesolve.OptRoot+"/") && declares(r, path.Join(noderesolve.TaskRoot, "node_modules"), name) {
		return fmt.Sprintf("The function installs %s in /var/task/node_modules, but a require from a layer (%s) searches the node_modules folders above it and NODE_PATH, not /var/task/node_modules. Put %s in the layer too (nodejs/node_modules/), or have the function pass it in.", name, from, name)
	}
	if c := f.Fn.Code; c != nil && c.NpmPackage != "" && isDevDependency(c, name) {
		return fmt.Sprintf("%s is in devDependencies of %s, and the build installs with npm install --omit=dev (sam build; node_modules of the sources is not packed), so the package does not have it: move %s to dependencies.", name, c.Tree.Display(c.NpmPackage), name)
	}
	if c := f.Fn.Code; c != nil && c.Bundle != nil {
		return fmt.Sprintf("The %s bundle leaves %s to run time (it is in %s), and the function package holds only the bundle, not node_modules: attach a layer that has %s in nodejs/node_modules/, or take it out of %s so that the bundle includes it (declared in package.json dependencies).", c.Bundle.Tool, name, c.Bundle.External, name, c.Bundle.External)
	}
	if f.Fn.Code != nil && f.Fn.Code.Display != "" {
		return fmt.Sprintf("Add %s to the dependencies in package.json of %s (npm install --omit=dev before packaging), or attach a layer that has it in nodejs/node_modules/.", name, f.Fn.Code.Display)
	}
	return fmt.Sprintf("Add %s to the function's package.json dependencies, or attach a layer that has it in nodejs/node_modules/.", name)
}

// isDevDependency reports whether the package.json a build installs for c lists name
// in devDependencies.
func isDevDependency(c *model.Code, name string) bool {
	b, err := c.Tree.ReadFile(c.NpmPackage)
	if err != nil {
		return false
	}
	var pj struct{ DevDependencies map[string]any }
	if json.Unmarshal(b, &pj) != nil {
		return false
	}
	_, ok := pj.DevDependencies[name]
	return ok
}

// declares reports whether a build step installs name into the node_modules folder nm.
func declares(r *noderesolve.Resolver, nm, name string) bool {
	for _, d := range r.Env().Declared[nm] {
		if d == name {
			return true
		}
	}
	return false
}

// readOptDir lists a folder of the function's /opt overlay.
func readOptDir(res *noderesolve.Result, dir string) ([]string, error) {
	if res.Opt == nil {
		return nil, fmt.Errorf("no layers")
	}
	infos, err := res.Opt.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, in := range infos {
		if in.Dir {
			out = append(out, in.Name)
		}
	}
	return out, nil
}

// relSpec is the specifier that names file from the importer from, in the style of
// spec (relative or absolute).
func relSpec(from, file, spec string) string {
	if path.IsAbs(spec) {
		return file
	}
	dir := path.Dir(from)
	if rest, ok := strings.CutPrefix(file, dir+"/"); ok {
		return "./" + rest
	}
	up := ""
	for d := dir; d != "/" && !strings.HasPrefix(file, d+"/"); d = path.Dir(d) {
		up += "../"
		if rest, ok := strings.CutPrefix(file, path.Dir(d)+"/"); ok {
			return up + rest
		}
	}
	return file
}

// differsInCase reports whether file m is what abs names once letter case is ignored
// (with one of the extensions or the index Node probes), and not as written.
func differsInCase(abs, m string) bool {
	for _, c := range []string{abs, abs + ".js", abs + ".json", abs + ".node", abs + ".mjs", abs + ".cjs", abs + "/index.js"} {
		if strings.EqualFold(c, m) {
			return c != m
		}
	}
	return false
}

// reportNodeNative reports LK302–LK304 for the Node.js addons (.node files) the
// handler's imports load: Mach-O and PE files, ELF code for the other architecture,
// or needing a newer glibc than the runtime's OS has. (NODE_MODULE_VERSION is not
// read yet.)
func reportNodeNative(p *Pass) {
	for _, f := range p.resolved() {
		res := nodeResult(f)
		if res == nil || f.Runtime == nil {
			continue
		}
		arch := f.Fn.Arch
		if arch == "" {
			arch = "x86_64"
		}
		g, _ := native.ParseGlibc(f.Runtime.Glibc)
		tg := native.Target{Arch: arch, Glibc: g}
		for _, imp := range f.Analysis.Imports() {
			m := imp.Found
			if imp.Failure != resolve.Resolved || m == nil || !m.Compiled || m.Tree == nil {
				continue
			}
			bin, _ := cacheOf(p).bins.Binary(m.Tree, m.File)
			probs := native.Check(tg, path.Base(m.File), bin)
			if len(probs) == 0 {
				continue
			}
			abs := m.File
			if m.Place == resolve.Layer {
				abs = noderesolve.OptRoot + "/" + m.File
			} else if m.Place == resolve.Function {
				abs = noderesolve.TaskRoot + "/" + m.File
			}
			text := "Error: " + abs + ": cannot open shared object file"
			switch probs[0].Kind {
			case native.Foreign:
				text = "Error: " + abs + ": invalid ELF header"
			case native.GlibcTooNew:
				text = fmt.Sprintf("Error: /lib64/libc.so.6: version `GLIBC_%s' not found (required by %s)", bin.MaxGlibc(), abs)
			}
			sev := model.Error
			fails := "Lambda will fail to initialize the function with " + text + " (code ERR_DLOPEN_FAILED)"
			if imp.Lazy {
				sev = model.Warning
				fails = "an invocation that runs it will fail with " + text
			}
			via := ""
			if len(imp.Chain) > 1 {
				via = " (reached from the handler through " + strings.Join(imp.Chain, " → ") + ")"
			}
			code := probs[0].Kind.Code()
			p.Report(code, sev, f.Fn.Name, "", imp.At.Model(),
				fmt.Sprintf("`%s` loads the native addon %s, which cannot load on %s (%s, %s): %s%s; %s",
					imp.Stmt, m.Display(), f.Fn.Name, f.Runtime.ID, arch, why(probs), via, fails),
				fmt.Sprintf("Install the package on Linux for %s (npm ci inside public.ecr.aws/lambda/nodejs:%s, or sam build --use-container), or use a version with prebuilt Linux binaries; do not zip node_modules installed on a Mac or on Windows.", archName(arch), strings.SplitN(f.Runtime.Version, ".", 2)[0]))
		}
	}
}

func archName(arch string) string {
	if arch == "arm64" {
		return "arm64 (aarch64)"
	}
	return "x86_64"
}

// runLK108Node reports a SyntaxError that stops a Node.js handler from loading (other
// than module syntax in the wrong system: LK107). layerkit's JavaScript parser is not
// V8's in every corner, so it is a warning that names layerkit's reading.
func runLK108Node(p *Pass) {
	for _, f := range p.resolved() {
		res := nodeResult(f)
		if res == nil {
			continue
		}
		vd := res.Load.Verdict
		if vd.OK || vd.Kind != noderesolve.KindSyntax || vd.At.File == "" {
			continue
		}
		pos := model.Pos{File: res.R.Display(vd.At.File), Line: vd.At.Pos.Line, Col: vd.At.Pos.Col}
		sev := model.Error
		note := ""
		if vd.Uncertain {
			sev = model.Warning
			note = " (a warning: this is layerkit's JavaScript parser's reading, and its grammar is not V8's in every corner)"
		}
		p.Report(rulecode.LK108, sev, f.Fn.Name, "", pos,
			fmt.Sprintf("%s does not parse as JavaScript: %s; Lambda will fail to initialize %s with %s: %s%s",
				path.Base(vd.At.File), strings.TrimPrefix(vd.ErrorMessage, "SyntaxError: "), f.Fn.Name, vd.ErrorType, strings.ReplaceAll(vd.ErrorMessage, "\n", " "), note),
			fmt.Sprintf("Fix line %d of %s; node --check %s shows the error as V8 sees it.", vd.At.Pos.Line, pos.File, path.Base(vd.At.File)))
	}
}

// offPath lists where package name is in the function's layers but off NODE_PATH: at
// /opt, in /opt/nodejs outside node_modules, in /opt/node_modules, nodejs/nodejs, and
// the nodeNN folders of other Node.js versions.
func offPath(res *noderesolve.Result, name string) []string {
	r := res.R
	major := r.Env().Major
	var off []string
	cands := []string{"/opt/" + name, "/opt/nodejs/" + name, "/opt/node_modules/" + name, "/opt/nodejs/nodejs/node_modules/" + name}
	if infos, err := readOptDir(res, "nodejs"); err == nil {
		for _, in := range infos {
			if in != "node"+strconv.Itoa(major) && strings.HasPrefix(in, "node") && in != "node_modules" && in != "nodejs" {
				cands = append(cands, "/opt/nodejs/"+in+"/node_modules/"+name)
			}
		}
	}
	for _, c := range cands {
		for _, x := range []string{c, c + ".js", c + ".mjs", c + ".cjs"} {
			if r.Exists(x) {
				off = append(off, x)
				break
			}
		}
	}
	return off
}

// offPathFound reports whether the package a bare specifier names is in the layers,
// off NODE_PATH: the import means that copy, so it fails whatever npm installs.
func offPathFound(res *noderesolve.Result, spec string) bool {
	return len(offPath(res, packageName(spec))) > 0
}

// resolutionHook is the first import at load of f that changes how require resolves
// names (module-alias and the like: noderesolve.ResolutionHook); nil when none.
func resolutionHook(f *Function) *resolve.Unfollowed {
	if f.Analysis == nil {
		return nil
	}
	for _, u := range f.Analysis.Unfollowed() {
		if u.PathEdit && !u.Lazy {
			return &u
		}
	}
	return nil
}
