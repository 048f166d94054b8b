package rules

import (
	"fmt"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/native"
	"github.com/layerkit/layerkit/internal/pydist"
	"github.com/layerkit/layerkit/internal/pymeta"
	"github.com/layerkit/layerkit/internal/pyresolve"
	"github.com/layerkit/layerkit/internal/pyscan"
	"github.com/layerkit/layerkit/internal/rulecode"
	"github.com/layerkit/layerkit/internal/tree"
)

const nativeSeverities = "error when an import the handler reaches needs the file (warning when that import runs only inside a function body); warning for a file nothing imports"

var LK301 = register(&Rule{
	Code:       rulecode.LK301,
	Severity:   model.Error,
	Severities: nativeSeverities,
	Summary:    "A compiled extension built for another Python version, or a Node.js addon built for another Node.js ABI (NODE_MODULE_VERSION), than the function's runtime.",
	Why: `CPython loads an extension module only if its file name ends in one of its own suffixes:
.cpython-3XY-<arch>-linux-gnu.so, .abi3.so or .so. A file built for Python 3.11
(_speed.cpython-311-x86_64-linux-gnu.so) is invisible to python3.12, and the import fails with a plain
"No module named ...". The same holds for PyPy builds and free-threaded (cpython-313t) builds.
A package installed for the wrong Python (pip install run with another interpreter) fails the same
way deep inside its own __init__.py, which is why layerkit also checks the compiled files of every
installed distribution the handler's imports load.

Node.js: an addon (.node) built against Node's own ABI loads only on a Node.js with the same
NODE_MODULE_VERSION (nodejs18.x 108, nodejs20.x 115, nodejs22.x 127, nodejs24.x 137). layerkit reads
the version from the node_register_module_vN function the addon exports (NODE_MODULE_INIT); Node
refuses any other with "The module '...' was compiled against a different Node.js version using
NODE_MODULE_VERSION 108. This version of Node.js requires NODE_MODULE_VERSION 115." (code
ERR_DLOPEN_FAILED, passed through by the runtime unwrapped). A Node-API addon (it exports
napi_register_module_v1 or calls napi_* functions) loads on every Node.js and is never reported; an
addon of the old NODE_MODULE macro registers from a static constructor, its version is not readable
from the symbols, and layerkit says nothing about it (inspect shows "NODE_MODULE_VERSION not readable").`,
	Example: `python/fastmod/_speed.cpython-311-x86_64-linux-gnu.so   # function runs python3.12
nodejs/node_modules/fast/build/Release/fast.node        # exports node_register_module_v108, function runs nodejs20.x`,
	Fix: `Build (pip install) the package with the function's Python version, e.g. pip install
--python-version 3.12 --only-binary=:all: --platform manylinux2014_x86_64 --target python/ pkg.
Node.js: rebuild the addon with the function's Node.js (npm rebuild, or npm ci inside
public.ecr.aws/lambda/nodejs:20), or use a version of the package built on Node-API.`,
	Requires: []*Analysis{Installed, Uses, Compiled},
	Run:      func(p *Pass) { reportNative(p) },
	Finish:   func(p *Pass) { warnNative(p) },
})

var LK302 = register(&Rule{
	Code:       rulecode.LK302,
	Severity:   model.Error,
	Severities: nativeSeverities,
	Summary:    "Native code built for another CPU architecture than the function's.",
	Why: `A function runs on x86_64 or arm64 (Architectures). An extension built for the other one has
another suffix (.cpython-312-aarch64-linux-gnu.so vs -x86_64-) and is not a candidate for import; one
whose name does not say (.abi3.so, .so, a bundled libfoo.so.1) is an ELF object for the other machine,
and the dynamic loader refuses it when the import loads it.`,
	Example: `python/armmod/_core.cpython-312-x86_64-linux-gnu.so   # function has Architectures: [arm64]`,
	Fix: `Install the package for the function's architecture (pip --platform manylinux2014_aarch64 for
arm64), or change the function's Architectures.`,
})

var LK303 = register(&Rule{
	Code:       rulecode.LK303,
	Severity:   model.Error,
	Severities: nativeSeverities,
	Summary:    "An ELF object needs a newer GLIBC than the runtime's OS has.",
	Why: `Every ELF object records the GLIBC_x.y symbol versions it needs. python3.8–3.11 run on Amazon
Linux 2 (glibc 2.26); python3.12 and later on Amazon Linux 2023 (glibc 2.34). An object built on a
newer system (a manylinux_2_28 wheel, or compiled on a recent distribution) fails when loaded:
ImportError: /lib64/libc.so.6: version 'GLIBC_2.28' not found.`,
	Example: `python/lib/python3.11/site-packages/fastlib/_core.cpython-311-x86_64-linux-gnu.so   # needs GLIBC_2.34; python3.11 has 2.26`,
	Fix: `Install wheels that fit the runtime's glibc: pip install --platform manylinux2014_x86_64
--only-binary=:all: (glibc 2.17) for python3.8–3.11, up to manylinux_2_34 for python3.12+; or build
inside the runtime's image (public.ecr.aws/lambda/python:3.X); or move the function to python3.12+.`,
})

var LK304 = register(&Rule{
	Code:       rulecode.LK304,
	Severity:   model.Error,
	Severities: nativeSeverities,
	Summary:    "A macOS or Windows binary (Mach-O, PE, .dylib, .pyd, darwin .so), or a musl build, in a Linux artifact.",
	Why: `Lambda runs Linux with glibc. Wheels installed on a Mac or on Windows carry Mach-O or PE files
that Linux cannot load; musllinux wheels (Alpine) link against musl libc, which Lambda does not have.
The import fails with "No module named ..." (the suffix does not match) or "invalid ELF header".`,
	Example: `python/pydantic_core/_pydantic_core.cpython-312-darwin.so`,
	Fix:     `Build the layer on Linux, or with pip --platform manylinux2014_x86_64 --only-binary=:all:.`,
})

// nfile is a compiled file in one of a function's trees.
type nfile struct {
	t    tree.Tree
	name string
}

type nativeRun struct {
	p      *Pass
	warns  map[string]*nativeWarn
	order  []string
	checks map[checkKey][]native.Problem
	others map[otherKey]*otherFiles
	fits   map[fitsKey]bool // wheelSaysFits' answers
}

// otherKey is one sys.path folder (as native.Find walks it) judged for one target.
type otherKey struct {
	tg     native.Target
	t      tree.Tree
	dir    string
	python bool
}

// otherFiles is step 4's memory of one folder for one target: the compiled files found
// there, and which of them may still give a warning. A file that loads (or has a
// loadable sibling) for the target never does, whichever function asks, so it is
// dropped once judged; every function sharing the folder then walks only the files
// with problems, and those some function before it skipped (handled in steps 1–3).
type otherFiles struct {
	files   []string
	pending []int  // indices in files, in walk order
	sibling []int8 // per file: 0 not asked yet, 1 has a loadable sibling, -1 has none
}

type checkKey struct {
	tg    native.Target
	t     tree.Tree
	name  string
	bytes bool
}

// nativeWarn groups files nothing imports: per place (layer or function package),
// code and top-level folder.
type nativeWarn struct {
	code      rulecode.Code
	fn        string // function package: the function; "" for a layer
	layer     *model.Layer
	pos       model.Pos
	top       string
	files     []string
	why       string
	functions []string
	hint      string // the fix, for the first function that had such a file
}

// reportNative reports LK301–LK304 for every analysed function of a batch (Node.js
// addons, then Python's compiled files); the warnings for files nothing imports gather
// the functions of every batch, and warnNative reports them at the end.
func reportNative(p *Pass) {
	reportNodeNative(p)
	c := cacheOf(p)
	if c.native == nil {
		c.native = &nativeRun{warns: map[string]*nativeWarn{}}
	}
	r := c.native
	r.p = p
	for _, f := range p.analysed() {
		if f.Runtime == nil {
			continue
		}
		r.function(f)
	}
}

// warnNative reports the warnings reportNative gathered, one per place, code and
// top-level folder, naming every function they concern.
func warnNative(p *Pass) {
	r := cacheOf(p).native
	if r == nil {
		return
	}
	r.p = p
	for _, k := range r.order {
		r.emitWarning(r.warns[k])
	}
}

func (r *nativeRun) check(f *Function, t tree.Tree, name string) []native.Problem {
	return r.checkWith(f, t, name, true)
}

// checkWith checks one compiled file for f's runtime and arch, from its bytes and name
// (bytes) or from its name alone; results are shared by functions with the same target.
func (r *nativeRun) checkWith(f *Function, t tree.Tree, name string, bytes bool) []native.Problem {
	k := checkKey{nativeTarget(f), t, name, bytes}
	if probs, ok := r.checks[k]; ok {
		return probs
	}
	var bin *native.Binary
	if bytes {
		bin, _ = cacheOf(r.p).bins.Binary(t, name)
	}
	probs := native.Check(k.tg, path.Base(name), bin)
	if !bytes && len(probs) == 0 && !r.wheelSaysFits(f, k.tg, t, name) {
		// The name fits: the header tells the format and machine for 512 bytes instead of
		// the whole file; the GLIBC needs come from the owning wheel's platform tag, or,
		// for a file no wheel owns, from the file itself when it is small.
		probs = native.Check(k.tg, path.Base(name), cacheOf(r.p).bins.Header(t, name))
		if len(probs) == 0 {
			probs = r.glibcOf(f, k.tg, t, name)
		}
	}
	if r.checks == nil {
		r.checks = map[checkKey][]native.Problem{}
	}
	r.checks[k] = probs
	return probs
}

// function judges the compiled files of f, in four steps; a file judged in one step is
// not judged again in a later one.
func (r *nativeRun) function(f *Function) {
	handled := map[nfile]bool{} // compiled files already judged for f
	r.mismatched(f, handled)
	r.importedCompiled(f, handled)
	r.installedNative(f, handled)
	r.otherCompiled(f, handled)
}

// mismatched is step 1 of function: imports whose only candidate is a compiled file
// that is not a candidate here.
func (r *nativeRun) mismatched(f *Function, handled map[nfile]bool) {
	env := f.Result.Env
	for _, pr := range f.Result.Problems {
		if pr.Failure != pyresolve.CompiledMismatch {
			continue
		}
		files := nearFiles(f, pr.Missing)
		code, why := rulecode.LK301, fmt.Sprintf("its name does not end in a suffix %s loads (%s)", f.Runtime.ID, strings.Join(env.Suffixes[:len(env.Suffixes)-2], ", "))
		var shown []string
		found := false
		for _, nf := range files {
			handled[nf] = true
			shown = append(shown, nf.t.Display(nf.name))
			if probs := r.check(f, nf.t, nf.name); len(probs) > 0 && !found {
				found = true
				code, why = probs[0].Kind.Code(), probs[0].Why
			}
		}
		if len(shown) == 0 {
			shown = pr.Near
		}
		sev := model.Error
		if pr.Lazy || pr.PathUnknown != "" {
			sev = model.Warning // an invocation, or a folder layerkit cannot see, decides
		}
		says := fmt.Sprintf("No module named '%s'", pr.Missing)
		if pr.Name != "" {
			// from pkg import name: _handle_fromlist swallowed the submodule's failure
			says = fmt.Sprintf("cannot import name '%s' from '%s'", pr.Name, strings.TrimSuffix(pr.Missing, "."+pr.Name))
		}
		only := "whose only file is"
		if len(shown) > 1 {
			only = "whose only files are"
		}
		r.p.Report(code, sev, f.Fn.Name, "", problemPos(pr),
			fmt.Sprintf("`%s` needs '%s', %s %s: %s%s; %s", pr.Stmt, pr.Missing, only, strings.Join(shown, ", "), why, via(shownChain(f, pr.Chain)),
				failsWith(f, pr, says)),
			nativeHint(code, f, packageFor(r.p, f, pr.Missing), inLayer(f, files)))
	}
}

// nativeModuleKey is nativeModule's key for ModulesWhere: nativeModule reads nothing
// else, so a shared layer package's modules are filtered once, not per function.
type nativeModuleKey struct{}

// nativeModule keeps the compiled extension modules that are files of a tree.
func nativeModule(_ string, m *pyresolve.Module) bool {
	return m.Kind == pyresolve.Compiled && m.Tree != nil && native.IsNativeName(path.Base(m.File))
}

// importedCompiled is step 2 of function: compiled modules the imports load by name,
// whose bytes cannot load.
func (r *nativeRun) importedCompiled(f *Function, handled map[nfile]bool) {
	env := f.Result.Env
	var names []string
	for name := range f.Result.ModulesWhere(nativeModuleKey{}, nativeModule) {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		m := f.Result.Module(name)
		nf := nfile{m.Tree, m.File}
		handled[nf] = true
		probs := r.check(f, m.Tree, m.File)
		if len(probs) == 0 {
			continue
		}
		code := probs[0].Kind.Code()
		site, ok := f.Result.Site(name)
		pos, stmt, sev, chain := handlerPos(f.Fn), "the handler module", model.Error, []string(nil)
		if ok {
			pos, stmt, chain = sitePos(site), "`"+site.Stmt+"`", f.Result.Chain(site.From)
			if site.Lazy {
				sev = model.Warning
			}
		}
		r.p.Report(code, sev, f.Fn.Name, "", pos,
			fmt.Sprintf("%s loads %s (module '%s'), which cannot load on %s (%s, %s): %s%s; %s", stmt, m.Display(), name, f.Fn.Name, f.Runtime.ID, env.Arch,
				why(probs), via(shownChain(f, chain)), loadFailure(f, r.pythonFailure(f, m.Tree, m.File, name), sev == model.Warning)),
			nativeHint(code, f, packageFor(r.p, f, name), inLayer(f, []nfile{nf})))
	}
}

// installedNative is step 3 of function: installed distributions the imports load
// (they are not scanned): their compiled files, unless their WHEEL says they were built
// for this very platform.
func (r *nativeRun) installedNative(f *Function, handled map[nfile]bool) {
	in := installedOf(r.p, f)
	uses := usesOf(r.p, f)
	var dists []string
	for n := range uses {
		dists = append(dists, n)
	}
	sort.Strings(dists)
	tg := nativeTarget(f)
	for _, n := range dists {
		if d := in.Winner(n); d != nil {
			r.distribution(f, d, uses[n], tg, handled)
		}
	}
}

// distribution judges the compiled files of installed distribution d, which f's
// import u loads (step 3), unless its WHEEL says it was built for this very platform.
func (r *nativeRun) distribution(f *Function, d *pymeta.Dist, u *distUse, tg native.Target, handled map[nfile]bool) {
	env := f.Result.Env
	files := cacheOf(r.p).distNative(d)
	if len(files) == 0 || wheelFits(d.Wheel, tg) {
		return
	}
	byCode := map[rulecode.Code][]string{}
	whyOf := map[rulecode.Code]string{}
	var codes []rulecode.Code
	needed := map[rulecode.Code]bool{}        // code -> some file of it is imported unguarded
	firstNeeded := map[rulecode.Code]string{} // code -> the first such file (else the first file)
	var spare []string                        // files nothing needs (another Python's build beside a fallback)
	for _, name := range files {
		nf := nfile{d.Tree, name}
		if handled[nf] {
			continue
		}
		handled[nf] = true
		probs := r.check(f, d.Tree, name)
		if len(probs) == 0 {
			continue
		}
		if native.HasLoadableSibling(d.Tree, name, nativeTarget(f)) {
			spare = append(spare, d.Tree.Display(name))
			continue
		}
		code := probs[0].Kind.Code()
		if _, ok := byCode[code]; !ok {
			codes = append(codes, code)
			whyOf[code] = why(probs)
		}
		byCode[code] = append(byCode[code], d.Tree.Display(name))
		if distNeeds(r.p, d, name) && !needed[code] {
			needed[code] = true
			firstNeeded[code] = name
		} else if firstNeeded[code] == "" {
			firstNeeded[code] = name
		}
	}
	slices.Sort(codes)
	for _, code := range codes {
		sev := model.Error
		if u.Site.Lazy {
			sev = model.Warning
		}
		if !needed[code] {
			// Every import resolves: the files no code of the distribution imports
			// unguarded are dead weight for this Python (a build for another one whose
			// pure-Python fallbacks load instead). Slower, not broken.
			files := append(append([]string(nil), byCode[code]...), spare...)
			r.p.Report(code, model.Warning, f.Fn.Name, "", sitePos(u.Site),
				fmt.Sprintf("`%s` loads %s%s, whose %s cannot load on %s (%s, %s): %s; the import still works: where a module has a pure-Python file beside its compiled one, Python loads that, and no module of %s imports the others at module scope outside a try/except, so %s runs without its compiled speed-ups",
					u.Site.Stmt, d.String(), wheelNote(d), countFiles(files), f.Fn.Name, f.Runtime.ID, env.Arch, whyOf[code], d.Name, f.Fn.Name),
				nativeHint(code, f, d.Name+"=="+d.Version, whereIs(f, d.Tree, d.Meta) != nil))
			continue
		}
		loads := d.String()
		if len(u.Chain) > 1 {
			loads = fmt.Sprintf("%s (%s)", d.String(), strings.Join(u.Chain, " requires "))
		}
		r.p.Report(code, sev, f.Fn.Name, "", sitePos(u.Site),
			fmt.Sprintf("`%s` loads %s, whose %s cannot load on %s (%s, %s): %s%s; %s", u.Site.Stmt, loads, countFiles(byCode[code]), f.Fn.Name, f.Runtime.ID, env.Arch,
				whyOf[code], wheelNote(d), loadFailure(f, r.pythonFailure(f, d.Tree, firstNeeded[code], moduleOfFile(d, firstNeeded[code])), sev == model.Warning)),
			nativeHint(code, f, d.Name+"=="+d.Version, whereIs(f, d.Tree, d.Meta) != nil))
	}
}

// otherCompiled is step 4 of function: every other compiled file on the path: a
// warning, grouped.
func (r *nativeRun) otherCompiled(f *Function, handled map[nfile]bool) {
	env := f.Result.Env
	tg := nativeTarget(f)
	seen := map[nfile]bool{}
	for _, e := range env.Path {
		if e.Tree == nil {
			continue
		}
		o := r.otherFiles(f, e, tg)
		keep := o.pending[:0]
		for _, i := range o.pending {
			name := o.files[i]
			nf := nfile{e.Tree, name}
			if handled[nf] || seen[nf] {
				keep = append(keep, i) // still to judge for the next function
				continue
			}
			seen[nf] = true
			// Nothing imports these: judge them by name (ABI and platform tags) and, when
			// the name fits, by their header (format, machine) — not by reading every
			// shared object of every layer on every check.
			probs := r.checkWith(f, e.Tree, name, false)
			if len(probs) == 0 {
				continue
			}
			if o.sibling[i] == 0 {
				o.sibling[i] = -1
				if native.HasLoadableSibling(e.Tree, name, nativeTarget(f)) {
					o.sibling[i] = 1
				} else if d := cacheOf(r.p).ownerOf(r.p, f, e.Tree, name); d != nil && !distNeeds(r.p, d, name) {
					o.sibling[i] = 1 // no code of its distribution needs it: the import works without it
				}
			}
			if o.sibling[i] > 0 {
				continue
			}
			keep = append(keep, i)
			rel := strings.TrimPrefix(strings.TrimPrefix(name, e.Dir), "/")
			top, _, _ := strings.Cut(rel, "/")
			r.warn(f, e.Tree, name, top, probs[0].Kind.Code(), why(probs))
		}
		o.pending = keep
	}
}

// otherFiles returns step 4's state for path entry e and target tg, made on first use.
func (r *nativeRun) otherFiles(f *Function, e pyresolve.Entry, tg native.Target) *otherFiles {
	python := e.Kind == pyresolve.LayerPython
	k := otherKey{tg, e.Tree, e.Dir, python}
	if o, ok := r.others[k]; ok {
		return o
	}
	r.p.need(Compiled)
	files := cacheOf(r.p).find(e.Tree, e.Dir, python)
	// checkWith reads the header of each file whose name fits: read them side by side.
	var heads []string
	for _, name := range files {
		if len(native.Check(tg, path.Base(name), nil)) == 0 && !r.wheelSaysFits(f, tg, e.Tree, name) {
			heads = append(heads, name)
		}
	}
	cacheOf(r.p).bins.Headers(e.Tree, heads)
	o := &otherFiles{files: files, pending: make([]int, len(files)), sibling: make([]int8, len(files))}
	for i := range o.pending {
		o.pending[i] = i
	}
	if r.others == nil {
		r.others = map[otherKey]*otherFiles{}
	}
	r.others[k] = o
	return o
}

func (r *nativeRun) warn(f *Function, t tree.Tree, name, top string, code rulecode.Code, why string) {
	l := whereIs(f, t, name)
	place := "fn:" + f.Fn.Name
	w := &nativeWarn{code: code, top: top, why: why}
	if l != nil {
		place = "layer:" + l.Name
		w.layer, w.pos = l, l.Pos
	} else {
		w.fn, w.pos = f.Fn.Name, f.Fn.Pos
	}
	key := place + "\x00" + code.String() + "\x00" + top
	if old, ok := r.warns[key]; ok {
		w = old
	} else {
		w.hint = nativeHint(code, f, packageFor(r.p, f, importName(top)), w.layer != nil)
		r.warns[key] = w
		r.order = append(r.order, key)
	}
	disp := t.Display(name)
	if !slices.Contains(w.files, disp) {
		w.files = append(w.files, disp)
	}
	label := fmt.Sprintf("%s (%s, %s)", f.Fn.Name, f.Runtime.ID, f.Result.Env.Arch)
	if !slices.Contains(w.functions, label) {
		w.functions = append(w.functions, label)
	}
}

func (r *nativeRun) emitWarning(w *nativeWarn) {
	where := "the function package"
	layer := ""
	if w.layer != nil {
		where, layer = "layer "+w.layer.Name, w.layer.Name
	}
	what := w.top
	r.p.Report(w.code, model.Warning, w.fn, layer, w.pos,
		fmt.Sprintf("%s has %s that cannot load on %s: %s; nothing the handler imports loads %s now, but an import of '%s' would fail",
			where, countFiles(w.files), strings.Join(w.functions, ", "), w.why, pluralIt(len(w.files)), importName(what)),
		w.hint)
}

func pluralIt(n int) string {
	if n == 1 {
		return "it"
	}
	return "them"
}

// importName turns a top-level entry into the module name an import would use.
func importName(top string) string {
	if n := native.ParseName(top); n.Module != "" {
		return n.Module
	}
	return top
}

func countFiles(files []string) string {
	switch len(files) {
	case 1:
		return "compiled file " + files[0]
	case 2, 3:
		return "compiled files " + strings.Join(files, ", ")
	}
	return fmt.Sprintf("%d compiled files (%s, %s and %d more)", len(files), files[0], files[1], len(files)-2)
}

func why(probs []native.Problem) string {
	s := probs[0].Why
	if len(probs) > 1 {
		var more []string
		for _, p := range probs[1:] {
			more = append(more, p.Why)
		}
		s += " (also: " + strings.Join(more, "; ") + ")"
	}
	return s
}

func via(chain []string) string {
	if len(chain) > 1 {
		return " (reached from the handler through " + strings.Join(chain, " → ") + ")"
	}
	return ""
}

// loadFailure says how the failure shows: text is what Python prints (pythonFailure).
func loadFailure(f *Function, text string, lazy bool) string {
	if lazy {
		exc := "ImportError"
		if strings.HasPrefix(text, "No module named") {
			exc = "ModuleNotFoundError"
		}
		return fmt.Sprintf("an invocation that runs the import will fail with %s: %s", exc, text)
	}
	return "Lambda will fail with " + lambdaError(f, text)
}

// pythonFailure is what CPython prints when the import of module, whose file is name in
// t, fails on f's target (checked with python3.11 on Linux x86_64 against files of each
// kind):
//   - a name without one of the runtime's extension suffixes (another Python's ABI tag,
//     another machine's tag, -darwin.so, .pyd) is never a candidate: "No module named 'm'";
//   - a candidate that dlopen refuses: "<path>: invalid ELF header" (Mach-O, PE),
//     "<path>: wrong ELF class: ELFCLASS32", "<path>: cannot open shared object file: No
//     such file or directory" (ELF for another machine), "/lib64/libc.so.6: version
//     `GLIBC_2.28' not found (required by <path>)" (too new a glibc),
//     "libc.musl-x86_64.so.1: cannot open shared object file: No such file or directory"
//     (musl).
func (r *nativeRun) pythonFailure(f *Function, t tree.Tree, name, module string) string {
	tg := nativeTarget(f)
	base := path.Base(name)
	if n := native.ParseName(base); n.Module == "" || !native.Loadable(tg, n.Module, base) {
		return fmt.Sprintf("No module named '%s'", module)
	}
	where := lambdaPath(f, t, name)
	bin := cacheOf(r.p).bins.Header(t, name)
	if full, _ := cacheOf(r.p).bins.Binary(t, name); full != nil {
		bin = full
	}
	switch {
	case bin == nil:
	case bin.Format == native.MachO || bin.Format == native.PE:
		return where + ": invalid ELF header"
	case bin.Format == native.ELF && bin.Class == 32:
		return where + ": wrong ELF class: ELFCLASS32"
	case bin.Format == native.ELF && bin.Machine != "" && bin.LambdaArch() != native.MachineArch(tg.Arch):
		return where + ": cannot open shared object file: No such file or directory"
	case bin.Format == native.ELF && bin.Musl:
		return fmt.Sprintf("libc.musl-%s.so.1: cannot open shared object file: No such file or directory", native.MachineOfArch(tg.Arch))
	case bin.Format == native.ELF && !tg.Glibc.IsZero() && tg.Glibc.Less(bin.MaxGlibc()):
		return fmt.Sprintf("/lib64/libc.so.6: version `GLIBC_%s' not found (required by %s)", bin.MaxGlibc(), where)
	}
	return fmt.Sprintf("%s: cannot be loaded (ImportError)", where)
}

// lambdaPath is where a file of one of f's path trees lands on Lambda.
func lambdaPath(f *Function, t tree.Tree, name string) string {
	env := f.Result.Env
	switch {
	case env.Opt != nil && t == tree.Tree(env.Opt):
		return "/opt/" + name
	case env.Task != nil && t == env.Task:
		return "/var/task/" + name
	}
	return t.Display(name)
}

// nearFiles lists the compiled files named missing's last part plus a suffix in the
// folders Python searched for it.
func nearFiles(f *Function, missing string) []nfile {
	tail := missing[strings.LastIndexByte(missing, '.')+1:]
	var locs []pyresolve.Loc
	if i := strings.LastIndexByte(missing, '.'); i >= 0 {
		if parent := f.Result.Module(missing[:i]); parent != nil {
			locs = parent.Path
		}
	} else {
		for _, e := range f.Result.Env.Path {
			if e.Tree != nil {
				locs = append(locs, pyresolve.Loc{Tree: e.Tree, Dir: e.Dir})
			}
		}
	}
	var out []nfile
	seen := map[nfile]bool{}
	for _, loc := range locs {
		infos, err := loc.Tree.ReadDir(loc.Dir)
		if err != nil {
			continue
		}
		for _, i := range infos {
			if i.Dir || !strings.HasPrefix(i.Name, tail+".") || !native.IsNativeName(i.Name) {
				continue
			}
			nf := nfile{loc.Tree, path.Join(loc.Dir, i.Name)}
			if !seen[nf] {
				seen[nf] = true
				out = append(out, nf)
			}
		}
	}
	return out
}

// distNativeFiles lists a distribution's compiled files: from RECORD, else found under
// its top-level folders.
func distNativeFiles(d *pymeta.Dist) []string {
	var out []string
	if d.ListsFiles() {
		for _, f := range d.CompiledFiles() {
			if tree.IsFile(d.Tree, f) {
				out = append(out, f)
			}
		}
		return out
	}
	for _, top := range d.TopLevel {
		dir := path.Join(d.Dir, top)
		if tree.IsDir(d.Tree, dir) {
			out = append(out, native.Find(d.Tree, dir, nil)...)
		}
	}
	return out
}

// wheelFits reports whether a WHEEL file says the distribution was built for the
// target: some tag whose platform fits and whose Python tag is this one (or abi3 for
// an older one, or generic). No WHEEL: nothing is known.
func wheelFits(w *pymeta.Wheel, tg native.Target) bool {
	if w == nil {
		return false
	}
	ver := strings.ReplaceAll(tg.Python, ".", "")
	for _, t := range w.Tags {
		if ok, _ := native.ParsePlatform(t.Platform).Fits(tg.Arch, tg.Glibc); !ok {
			continue
		}
		switch {
		case t.Python == "cp"+ver, strings.HasPrefix(t.Python, "py3"):
			return true
		case t.ABI == "abi3" && strings.HasPrefix(t.Python, "cp3"):
			_, minor, _ := strings.Cut(tg.Python, ".")
			have, err1 := strconv.Atoi(t.Python[3:])
			want, err2 := strconv.Atoi(minor)
			if err1 == nil && err2 == nil && have <= want {
				return true
			}
		}
	}
	return false
}

// wheelNote adds what WHEEL says, when it says something useful.
func wheelNote(d *pymeta.Dist) string {
	if d.Wheel == nil || len(d.Wheel.Tags) == 0 {
		return ""
	}
	var tags []string
	for _, t := range d.Wheel.Tags {
		tags = append(tags, t.String())
		if len(tags) == 3 {
			break
		}
	}
	return fmt.Sprintf(" (its WHEEL says %s)", strings.Join(tags, ", "))
}

// packageFor names what to pip install for an import name: the installed distribution
// that owns it, else the curated table's name, else a placeholder.
func packageFor(p *Pass, f *Function, module string) string {
	top := strings.SplitN(module, ".", 2)[0]
	if d := installedOf(p, f).Owner(top); d != nil {
		if d.Version != "" {
			return d.Name + "==" + d.Version
		}
		return d.Name
	}
	if d, ok := pydist.DistForImport(top); ok {
		return d
	}
	if n := native.ParseName(top); n.Module != "" {
		top = n.Module
	}
	return "<package providing " + top + ">"
}

func inLayer(f *Function, files []nfile) bool {
	for _, nf := range files {
		if whereIs(f, nf.t, nf.name) != nil {
			return true
		}
	}
	return len(files) == 0
}

// nativeHint says how to get a loadable build for this function.
func nativeHint(code rulecode.Code, f *Function, pkg string, layer bool) string {
	arch := f.Result.Env.Arch
	plat := "manylinux2014_x86_64"
	if arch == "arm64" {
		plat = "manylinux2014_aarch64"
	}
	v := f.Runtime.Version
	target := "python/"
	if !layer {
		target = "the function's folder"
	}
	pip := fmt.Sprintf("pip install --platform %s --only-binary=:all: --python-version %s --target %s %s", plat, v, target, pkg)
	switch code {
	case rulecode.LK304:
		return fmt.Sprintf("Build on Linux, or install Linux wheels from any OS: %s.", pip)
	case rulecode.LK302:
		return fmt.Sprintf("Install the package for %s: %s (or change the function's Architectures).", arch, pip)
	case rulecode.LK303:
		return fmt.Sprintf("Install a wheel built for glibc %s or older (manylinux2014 needs only 2.17): %s; or build inside public.ecr.aws/lambda/python:%s%s.",
			f.Runtime.Glibc, pip, v, newerRuntimeNote(f))
	}
	return fmt.Sprintf("Install the package with Python %s: %s.", v, pip)
}

func newerRuntimeNote(f *Function) string {
	if g, ok := native.ParseGlibc(f.Runtime.Glibc); ok && g.Less(native.Glibc{Major: 2, Minor: 34}) {
		return ", or move the function to python3.12 or later (glibc 2.34)"
	}
	return ""
}

// smallObject is the size up to which a file no wheel owns is read whole to learn its
// GLIBC needs when nothing imports it.
const smallObject = 4 << 20

// wheelSaysFits reports whether the distribution that installed name (RECORD) has a
// WHEEL tag for tg's Python, architecture and glibc: pip chose the wheel by that tag,
// so a file nothing imports is taken to load as its wheel says, as step 3 takes the
// files of such a distribution, without reading its header.
func (r *nativeRun) wheelSaysFits(f *Function, tg native.Target, t tree.Tree, name string) bool {
	d := cacheOf(r.p).ownerOf(r.p, f, t, name)
	if d == nil {
		return false
	}
	// asked once per compiled file: the answer of its distribution is kept
	k := fitsKey{d, tg}
	fits, ok := r.fits[k]
	if !ok {
		fits = wheelFits(d.Wheel, tg)
		if r.fits == nil {
			r.fits = map[fitsKey]bool{}
		}
		r.fits[k] = fits
	}
	return fits
}

// fitsKey is a distribution judged for a target by its wheel's tags.
type fitsKey struct {
	d  *pymeta.Dist
	tg native.Target
}

// glibcOf judges the GLIBC needs of a file nothing imports: by the platform tag of the
// distribution that installed it (what pip decides by), else by reading a small file.
func (r *nativeRun) glibcOf(f *Function, tg native.Target, t tree.Tree, name string) []native.Problem {
	if d := cacheOf(r.p).ownerOf(r.p, f, t, name); d != nil && d.Wheel != nil {
		for _, tag := range d.Wheel.Tags {
			if ok, why := native.ParsePlatform(tag.Platform).Fits(tg.Arch, tg.Glibc); ok {
				return nil
			} else if strings.Contains(why, "glibc") {
				return []native.Problem{{Kind: native.GlibcTooNew, Why: fmt.Sprintf("its wheel (%s %s) is tagged %s: %s, and the runtime's OS has glibc %s", d.Name, d.Version, tag.Platform, why, tg.Glibc)}}
			}
		}
		return nil
	}
	if info, err := t.Stat(name); err != nil || info.Size > smallObject {
		return nil
	}
	bin, _ := cacheOf(r.p).bins.Binary(t, name)
	return native.Check(tg, path.Base(name), bin)
}

// maxNeedsSource bounds the Python source distNeeds reads of one distribution; past it,
// every compiled file counts as needed (the judgement of old: an error).
const maxNeedsSource = 8 << 20

// distNeeds reports whether code of d imports the compiled module in file name in a way
// that fails the import when the module cannot load: at module scope, outside
// TYPE_CHECKING, and not in the try of a try/except whose handler imports a fallback (a
// handler that only re-raises, as numpy's does, is no fallback). A distribution without
// a RECORD, or too big to read, needs every compiled file.
func distNeeds(p *Pass, d *pymeta.Dist, name string) bool {
	mods := cacheOf(p).needs.Get(d, func() map[string]bool { return distImports(d) })
	if mods == nil {
		return true
	}
	return mods[moduleOfFile(d, name)]
}

// moduleOfFile is the dotted module a compiled file in d's site folder provides.
func moduleOfFile(d *pymeta.Dist, name string) string {
	rel := strings.TrimPrefix(strings.TrimPrefix(name, d.Dir), "/")
	dir, base := path.Split(rel)
	mod := native.ParseName(base).Module
	if mod == "" {
		mod, _, _ = strings.Cut(base, ".")
	}
	return strings.ReplaceAll(dir, "/", ".") + mod
}

// distImports lists the modules d's own Python files import at module scope without a
// fallback (with `from pkg import name`, both pkg and pkg.name); nil when it cannot tell.
func distImports(d *pymeta.Dist) map[string]bool {
	if !d.ListsFiles() {
		return nil
	}
	files := d.FilesWhere(func(rel string) bool { return strings.HasSuffix(rel, ".py") })
	out := map[string]bool{}
	total := 0
	for _, file := range files {
		if !strings.HasSuffix(file, ".py") {
			continue
		}
		src, err := d.Tree.ReadFile(file)
		if err != nil {
			continue
		}
		if total += len(src); total > maxNeedsSource {
			return nil
		}
		rel := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(file, d.Dir), "/"), ".py")
		pkg := strings.ReplaceAll(path.Dir(rel), "/", ".")
		if path.Base(rel) == "__init__" {
			pkg = strings.ReplaceAll(strings.TrimSuffix(strings.TrimSuffix(rel, "__init__"), "/"), "/", ".")
		}
		if pkg == "." {
			pkg = ""
		}
		imps := pyscan.Scan(src).Imports
		fallback := map[int]bool{} // try statements whose except clause imports something
		for _, imp := range imps {
			for _, g := range imp.Guards {
				if g.Role == pyscan.InExcept {
					fallback[g.TryID] = true
				}
			}
		}
		for _, imp := range imps {
			if imp.Scope == pyscan.FunctionScope || imp.TypeChecking || imp.MainBlock {
				continue
			}
			if n := len(imp.Guards); n > 0 && imp.Guards[n-1].Role == pyscan.InTry && fallback[imp.Guards[n-1].TryID] {
				continue // try: from ._speedups import x / except ImportError: from ._native import x
			}
			abs, ok := imp.Absolute(pkg)
			if !ok || abs == "" {
				continue
			}
			out[abs] = true
			for _, n := range imp.Names {
				out[abs+"."+n.Name] = true
			}
		}
	}
	return out
}
