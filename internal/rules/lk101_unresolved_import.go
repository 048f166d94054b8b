package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/publiclayers"
	"github.com/layerkit/layerkit/internal/pydist"
	"github.com/layerkit/layerkit/internal/pyresolve"
	"github.com/layerkit/layerkit/internal/rulecode"
)

var LK101 = register(&Rule{
	Code:       rulecode.LK101,
	Severity:   model.Error,
	Severities: "warning when the import runs only inside a function body that nothing calls at import time, when a layer layerkit cannot read might provide the module, when a layer folder's requirements.txt declares it and a build step of the repository's own may install it there, or when it runs after a sys.path edit layerkit cannot follow",
	Summary:    "An import reachable from the handler resolves nowhere on the function's Lambda search path.",
	Why: `Lambda imports the handler module when the execution environment starts. Every import that runs
then must find its module in /var/task (the function package), /opt/python or
/opt/python/lib/pythonX.Y/site-packages (the layers, merged in order), the runtime's own packages, or
the standard library of that Python version. One that does not stops the function before it runs:
Runtime.ImportModuleError: Unable to import module 'app': No module named 'x'.

An import in a function body runs when the function is called: at import time when the module's
top-level code, a class body, a decorator or a default argument value calls it (directly or through
other functions, also in other modules), else only when an invocation runs it; the try statements
around the call decide whether its failure is caught, as for an import statement there.

The module's top level is followed as Python runs it. An import under try is not reported when an
except clause that catches its exception (ImportError, ModuleNotFoundError — which does not catch
"cannot import name" —, Exception, BaseException, a bare except, or a tuple holding one) runs to its
end; a clause that re-raises (raise, raise X from e) or fails itself passes the failure on, and an
import in an except block is checked only when that block runs. Tests Lambda decides are evaluated
for the function's runtime: if TYPE_CHECKING:, if __name__ == "__main__":, sys.version_info
comparisons, sys.platform, os.name, platform.system(), if False:, and tests of environment
variables Lambda always sets (os.environ.get("AWS_LAMBDA_FUNCTION_NAME"), "LAMBDA_TASK_ROOT" in
os.environ, and process.env.LAMBDA_TASK_ROOT in Node.js); only the branch that runs is checked. A star import whose module lists in __all__ a name it does not define fails with
AttributeError, and so does reading a.X at import time while a is still initializing (a cycle), or
when a is a namespace package (a folder without __init__.py: it runs no code) that certainly has no
X — X is no submodule in any of its folders, and no code that ran before assigns an attribute X or
sets attributes by a computed name (setattr, __dict__, sys.modules, exec, ...).

Node.js functions are checked on what the build deploys. sam build without esbuild packs the
CodeUri folder with npm pack (its node_modules is left out) and installs package.json's
dependencies with npm install --omit=dev, so a vendored or development-only package is missing.
With Metadata BuildMethod: esbuild the package is the bundle: every import the entry points reach
must resolve when esbuild runs in the build folder (the same npm install, no node_modules copied),
else sam build fails (this rule, at the import, "Could not resolve"); the modules in
BuildProperties External stay imports of the bundle and must come from a layer or the runtime
(@aws-sdk/* on nodejs18.x and later; no module is external by default). A CDK NodejsFunction asset
in cdk.out is such a bundle too (bundling.externalModules, by default @aws-sdk/*); Serverless
leaves development dependencies out of the package.`,
	Example: `# template.yaml: UtilsLayer has ContentUri src/layer_utils and BuildMethod python3.13,
# so its package lands at /opt/python/layer_utils/aws_utils.py
# src/provider/main.py
from aws_utils import s3_object_bytes   # No module named 'aws_utils'`,
	Fix: `Import the module by the name it has on the path (from layer_utils.aws_utils import ...), move the
file where Python looks (python/ in the layer), declare the distribution in requirements.txt, or
attach the layer that provides it. The hint says which applies.`,
	Fixes: `Safe (--fix):
- A module imported by the wrong name, when exactly one module of that name sits inside a package
  on the function's path (its package or its layers' python/ folders): every import of it in the
  function's own code is rewritten to the package-qualified name, from aws_utils import x →
  from layer_utils.aws_utils import x (import aws_utils → import layer_utils.aws_utils as
  aws_utils, so the code's name stays). Imports inside layers are left alone.
- A relative import in a module Lambda loads as top-level, when the module it names is a
  top-level module of the function's package: from .utils import x → from utils import x, and
  from . import a, b → import a, b.
None when several modules could be meant, or the statement is not as the check saw it.
Unsafe (--unsafe-fixes): a third-party module another function of a SAM app declares is
declared in this function's requirements.txt with the same line (version specifier and markers),
the file created when the function's folder has none; sam build then installs it. Unsafe because
it changes what gets installed.`,
	Requires: []*Analysis{Imports, ModuleIndex},
	Run:      runLK101,
})

func runLK101(p *Pass) {
	runLK101Node(p)
	for _, f := range p.analysed() {
		// One finding per missing module and function: the first place the handler
		// reaches it, with the other places listed.
		type group struct {
			first *pyresolve.Problem // into f.Result.Problems: a copy each is 60 MB at 200,000 imports
			also  []string
			sites []*pyresolve.Problem // every site, first included
			eager bool
		}
		var order []string
		groups := map[string]*group{}
		for i := range f.Result.Problems {
			pr := &f.Result.Problems[i]
			if pr.Failure == pyresolve.CompiledMismatch {
				continue // LK301/LK302/LK304
			}
			key := fmt.Sprintf("%d\x00%s\x00%s", pr.Failure, pr.Missing, pr.Name)
			if pr.Failure == pyresolve.NoParent || pr.Failure == pyresolve.BeyondTop {
				key += fmt.Sprintf("\x00%s:%d", pr.File, pr.Line)
			}
			g, ok := groups[key]
			if !ok {
				groups[key] = &group{first: pr, eager: !pr.Lazy, sites: []*pyresolve.Problem{pr}}
				order = append(order, key)
				continue
			}
			g.sites = append(g.sites, pr)
			pos := problemPos(*pr)
			g.also = append(g.also, fmt.Sprintf("%s:%d", pos.File, pos.Line))
			if !pr.Lazy && !g.eager {
				// an eager site makes the whole group an import-time failure
				g.also[len(g.also)-1] = fmt.Sprintf("%s:%d", problemPos(*g.first).File, g.first.Line)
				g.first, g.eager = pr, true
			}
		}
		// Import-time failures that are warnings only because something layerkit cannot
		// see may provide the module are reported once per function and reason, listing
		// the modules: five unreadable layer folders must not become hundreds of warnings
		// that hide the one real failure.
		var hedgeOrder []string
		hedged := map[string][]*group{}
		for _, key := range order {
			g := groups[key]
			if h := hedgeOf(p, f, *g.first); h.why() != "" && g.eager {
				if _, ok := hedged[h.why()]; !ok {
					hedgeOrder = append(hedgeOrder, h.why())
				}
				hedged[h.why()] = append(hedged[h.why()], g)
				continue
			}
			reportLK101(p, f, *g.first, g.also, g.sites)
		}
		for _, r := range hedgeOrder {
			gs := hedged[r]
			if len(gs) == 1 {
				reportLK101(p, f, *gs[0].first, gs[0].also, gs[0].sites)
				continue
			}
			var sites, mods []string
			for _, g := range gs {
				pos := problemPos(*g.first)
				site := fmt.Sprintf("`%s` (%s:%d", g.first.Stmt, pos.File, pos.Line)
				if n := len(g.also); n > 0 {
					site += fmt.Sprintf(", and %d more %s", n, plural(n, "place", "places"))
				}
				sites = append(sites, site+")")
				mods = append(mods, g.first.Missing)
			}
			first := *gs[0].first
			h := hedgeOf(p, f, first)
			msg := fmt.Sprintf("%d imports find no module on the path of %s (%s): %s; %s might provide them, so this is a warning; for each that nothing provides, Lambda will fail with %s",
				len(gs), f.Fn.Name, f.Runtime.ID, strings.Join(sites, ", "), strings.Join(h.subjects(), " or "), lambdaError(f, fmt.Sprintf("No module named '%s'", first.Missing)))
			p.Report(rulecode.LK101, model.Warning, f.Fn.Name, "", problemPos(first), msg, h.hint(f, mods))
		}
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// hedge is why a missing module might yet be provided: layers layerkit cannot read,
// or declared distributions whose dependencies (or import names) the tables do not know.
// Both name what they are about: the reason is the same for every such import of the
// function, so it also groups them.
type hedge struct {
	layers string // "layer SharedLayer (ContentUri build/shared does not exist), which layerkit cannot read,"
	dists  string // "acme-lib (requirements.txt:1), which the build installs and whose dependencies layerkit does not know,"
	// own: "the requirements.txt of a layer folder without BuildMethod, which a build step of
	// the repository's own (Makefile:154) may install into it," (ownbuild.go)
	own string
}

func (h hedge) subjects() []string {
	var out []string
	for _, s := range []string{h.layers, h.dists, h.own} {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

func (h hedge) why() string {
	if s := h.subjects(); len(s) > 0 {
		return "a warning because " + strings.Join(s, " or ") + " might provide it"
	}
	return ""
}

func (h hedge) hint(f *Function, mods []string) string {
	var parts []string
	if h.layers != "" {
		parts = append(parts, "Once layerkit can read those layers (see their LK105 findings), run it again: it then checks these imports against them.")
	}
	if h.dists != "" {
		parts = append(parts, "If the distributions named install or require these modules, nothing needs to change.")
	}
	if h.own != "" {
		parts = append(parts, "Run layerkit after that build step: it then checks these imports against what the step installs. If the step does not install into the layer's python/ folder, add `Metadata: BuildMethod: "+f.Runtime.ID+"` to the layer so that sam build does.")
	}
	var known []string
	for _, m := range mods {
		if d, ok := pydist.DistForImport(m); ok {
			known = append(known, fmt.Sprintf("%s (for %s)", d, m))
		}
	}
	if len(known) > 0 && h.own == "" {
		where := "the function's requirements.txt"
		if f.Fn.Code != nil && f.Fn.Code.Display != "" {
			where = "requirements.txt in " + f.Fn.Code.Display
		}
		parts = append(parts, fmt.Sprintf("If they do not, declare %s in %s.", strings.Join(known, ", "), where))
	}
	return strings.Join(parts, " ")
}

func hedgeOf(p *Pass, f *Function, pr pyresolve.Problem) hedge {
	var h hedge
	if pr.Failure != pyresolve.NoModule {
		return h
	}
	env := f.Result.Env
	if env.Uninspectable && couldComeFromLayer(f, pr.Missing) {
		h.layers = unreadableLayers(f)
	}
	if !strings.Contains(pr.Missing, ".") {
		h.dists = unknownDeclared(env)
	}
	top, _, _ := strings.Cut(pr.Missing, ".")
	if l, _, _, ok := layerRequirement(p, f, top); ok && samBuilds(p, f.Fn) {
		if where := ownInstall(p, l); where != "" {
			// one reason for every such import of the function, so they are reported together
			h.own = fmt.Sprintf("the requirements.txt of a layer folder without BuildMethod, which a build step of the repository's own (%s) may install into it,", where)
		}
	}
	return h
}

// unreadableLayers names the function's layers layerkit cannot read, and why.
func unreadableLayers(f *Function) string {
	var names []string
	for _, ref := range f.Fn.Layers {
		switch {
		case ref.Bad:
		case ref.Layer != nil && ref.Layer.Content == nil:
			n := "layer " + ref.Layer.Name
			if ref.Layer.NotInspectable != "" {
				n += " (" + ref.Layer.NotInspectable + ")"
			}
			names = append(names, n)
		case ref.Layer != nil && ref.Layer.Content.Opaque:
			n := "layer " + ref.Layer.Name
			if ref.Layer.BuildMethod != "" {
				n += " (BuildMethod " + ref.Layer.BuildMethod + ")"
			}
			names = append(names, n)
		case ref.ARN != "":
			if pub, ok := publiclayers.Match(ref.ARN); ok {
				if !pub.Complete {
					names = append(names, "layer "+ref.ARN+" ("+pub.What+")")
				}
				continue
			}
			names = append(names, "layer "+ref.ARN)
		case ref.Unknown:
			names = append(names, "layer "+ref.Text)
		}
	}
	switch len(names) {
	case 0:
		return "a layer layerkit cannot read"
	case 1:
		return names[0] + ", which layerkit cannot read,"
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1] + ", which layerkit cannot read,"
}

// unknownDeclared names the declared distributions on the path whose dependencies the
// tables do not know, with where each is declared, and says when their import names are
// unknown too ("" when there are none).
func unknownDeclared(env *pyresolve.Env) string {
	seen := map[string]bool{}
	var names []string
	var where []string // names[i] is declared at where[i] ("" when unknown)
	unnamed := false
	for _, e := range env.Path {
		var ds []*model.Declared
		for _, d := range e.Declared {
			ds = append(ds, d)
		}
		slices.SortFunc(ds, func(a, b *model.Declared) int { return strings.Compare(a.Dist, b.Dist) })
		for _, d := range ds {
			if d.DepsKnown || seen[d.Dist] {
				continue
			}
			seen[d.Dist] = true
			w := ""
			if !d.Pos.IsZero() {
				w = posString(d.Pos)
			}
			if !pydist.KnowsNames(d.Dist) {
				unnamed = true
			}
			names, where = append(names, d.Dist), append(where, w)
		}
	}
	if len(names) == 0 {
		return ""
	}
	// the distributions one line declares are named together, the place once:
	// "fpdf, pipenv (requirements.txt:3)"
	var parts []string
	for i := 0; i < len(names); {
		j := i + 1
		for j < len(names) && where[j] == where[i] {
			j++
		}
		part := strings.Join(names[i:j], ", ")
		if where[i] != "" {
			part += " (" + where[i] + ")"
		}
		parts = append(parts, part)
		i = j
	}
	what := "dependencies"
	if unnamed {
		what = "import names or dependencies"
	}
	return strings.Join(parts, ", ") + ", which the build installs and whose " + what + " layerkit does not know,"
}

func reportLK101(p *Pass, f *Function, pr pyresolve.Problem, also []string, sites []*pyresolve.Problem) {
	sev := model.Error
	var why []string
	if pr.Lazy {
		sev = model.Warning
		why = append(why, "a warning because the import runs only when the function body that holds it runs")
	}
	if h := hedgeOf(p, f, pr).why(); h != "" {
		sev = model.Warning
		why = append(why, h)
	}
	if pr.PathUnknown != "" {
		sev = model.Warning
		why = append(why, fmt.Sprintf("a warning because sys.path is changed at %s in a way layerkit cannot follow", pr.PathUnknown))
	}
	msg, hint := describeProblem(p, f, pr, sev == model.Warning && !pr.Lazy)
	if pr.CalledAt != "" && !pr.Lazy {
		msg += fmt.Sprintf(". The import is in a function body, but that function runs at import time: it is called at %s", pr.CalledAt)
	}
	if len(also) > 0 {
		shown := also
		more := ""
		if len(shown) > 3 {
			more = fmt.Sprintf(" and %d more", len(shown)-3)
			shown = shown[:3]
		}
		msg += fmt.Sprintf(". The same import fails at %s%s", strings.Join(shown, ", "), more)
	}
	if len(why) > 0 {
		msg += " (" + strings.Join(why, "; ") + ")"
	}
	fx := importFix(p, f, pr, sites)
	if fx == nil {
		fx = requirementFix(p, f, pr, hint)
	}
	p.ReportFix(rulecode.LK101, sev, f.Fn.Name, "", problemPos(pr), msg, hint, fx)
}

// couldComeFromLayer reports whether a layer could still provide the missing module:
// its top-level package is missing, or lives in /opt or is a namespace package (a layer
// can add files to those, but not to a regular package in /var/task).
func couldComeFromLayer(f *Function, missing string) bool {
	top := strings.SplitN(missing, ".", 2)[0]
	if top == missing {
		return true
	}
	m := f.Result.Module(top)
	if m == nil || m.Kind == pyresolve.Namespace {
		return true
	}
	k := f.Result.Env.Path[m.Entry].Kind
	return k == pyresolve.LayerSite || k == pyresolve.LayerPython
}

func problemPos(pr pyresolve.Problem) model.Pos {
	return model.Pos{File: pr.Tree.Display(pr.File), Line: pr.Line, Col: pr.Col}
}

// lambdaError is what Lambda's log will say.
func lambdaError(f *Function, text string) string {
	return fmt.Sprintf("Runtime.ImportModuleError: Unable to import module '%s': %s", handlerModule(f), text)
}

// handlerModule is how findings name f's handler module (model.Function.HandlerShown).
func handlerModule(f *Function) string {
	if f.Fn.HandlerShown != "" {
		return f.Fn.HandlerShown
	}
	return f.Result.Handler.Module
}

// shownChain is an import chain (the handler module first) as findings show it.
func shownChain(f *Function, chain []string) []string {
	if len(chain) == 0 || f.Fn.HandlerShown == "" || chain[0] != f.Result.Handler.Module {
		return chain
	}
	return append([]string{f.Fn.HandlerShown}, chain[1:]...)
}

// failsWith says how the failure shows: at import time for the whole function, or as an
// exception in the invocation that runs the code.
func failsWith(f *Function, pr pyresolve.Problem, text string) string {
	if pr.Lazy {
		exc := "ImportError"
		if strings.HasPrefix(text, "No module named") {
			exc = "ModuleNotFoundError"
		}
		return fmt.Sprintf("an invocation that runs it will fail with %s: %s", exc, text)
	}
	return "Lambda will fail with " + lambdaError(f, text)
}

// failsAttr is failsWith for an AttributeError: awslambdaric reports an exception that
// is not an ImportError under its own class name, not as Runtime.ImportModuleError.
func failsAttr(f *Function, pr pyresolve.Problem, text string) string {
	return failsExc(f, pr, "AttributeError", text)
}

// failsExc is failsWith for an exception of class exc that is not an ImportError.
func failsExc(f *Function, pr pyresolve.Problem, exc, text string) string {
	if pr.Lazy {
		return fmt.Sprintf("an invocation that runs it will fail with %s: %s", exc, text)
	}
	return fmt.Sprintf("Lambda will fail to initialize the function with %s: %s (while importing module '%s')", exc, text, handlerModule(f))
}

// raisedBy notes, on a failure an except clause caught and turned into another
// exception, which one Lambda reports.
func raisedBy(msg string, pr pyresolve.Problem) string {
	if pr.RaisedBy == "" {
		return msg
	}
	return msg + fmt.Sprintf(" (the except clause that catches it raises %s at %s:%d instead of carrying on, so this is what stops the import)", pr.RaisedBy, pr.Tree.Display(pr.File), pr.RaisedLine)
}

// describeProblem renders the message and hint for one failing import; unsure says a
// missing module might yet be provided (so Lambda fails only if nothing provides it).
func describeProblem(p *Pass, f *Function, pr pyresolve.Problem, unsure bool) (string, string) {
	msg, hint := describeProblem1(p, f, pr, unsure)
	if pr.Failure != pyresolve.NoAttribute && pr.Failure != pyresolve.PartialAttr && pr.Failure != pyresolve.NamespaceAttr {
		msg = raisedBy(msg, pr)
	}
	return msg, hint
}

func describeProblem1(p *Pass, f *Function, pr pyresolve.Problem, unsure bool) (string, string) {
	rt := f.Runtime.ID
	via := ""
	if len(pr.Chain) > 1 {
		via = " (reached from the handler through " + strings.Join(shownChain(f, pr.Chain), " → ") + ")"
	}
	switch pr.Failure {
	case pyresolve.NoParent:
		msg := fmt.Sprintf("`%s` is a relative import in a module Lambda loads as top-level%s; Lambda will fail with %s", pr.Stmt, via,
			lambdaError(f, "attempted relative import with no known parent package"))
		return msg, "Use an absolute import (`import x` for a module in the package root), or put the handler in a package (a folder with __init__.py) and set Handler to pkg.module.function."
	case pyresolve.BeyondTop:
		msg := fmt.Sprintf("`%s` climbs above the top-level package%s; Lambda will fail with %s", pr.Stmt, via,
			lambdaError(f, "attempted relative import beyond top-level package"))
		return msg, "Use fewer leading dots, or an absolute import."
	case pyresolve.NoAttribute:
		msg := fmt.Sprintf("`%s`: %s lists '%s' in __all__ but does not define it%s; %s",
			pr.Stmt, pr.Missing, pr.Name, via, failsAttr(f, pr, fmt.Sprintf("module '%s' has no attribute '%s'", pr.Missing, pr.Name)))
		return raisedBy(msg, pr), fmt.Sprintf("Define %s in %s, or remove '%s' from its __all__.", pr.Name, pr.Missing, pr.Name)
	case pyresolve.PartialAttr:
		msg := fmt.Sprintf("`%s` runs while %s is still running its own top-level code (an import cycle back into it) and has not bound '%s' yet%s; %s",
			pr.Stmt, pr.Missing, pr.Name, via, failsAttr(f, pr, fmt.Sprintf("partially initialized module '%s' has no attribute '%s' (most likely due to a circular import)", pr.Missing, pr.Name)))
		return raisedBy(msg, pr), fmt.Sprintf("Bind %s in %s before the import that leads back here, or read %s.%s inside a function (at call time) instead of at import time.", pr.Name, pr.Missing, pr.Missing, pr.Name)
	case pyresolve.NamespaceAttr:
		where, dir := pr.Missing, strings.ReplaceAll(pr.Missing, ".", "/")
		if m := f.Result.Module(pr.Missing); m != nil && len(m.Path) > 0 {
			where = fmt.Sprintf("%s (%s)", pr.Missing, m.Path[0].Tree.Display(m.Path[0].Dir))
		}
		msg := fmt.Sprintf("`%s` reads '%s' of %s, a namespace package (a folder without __init__.py): it runs no code, has no submodule %s, and no code that runs before this sets it%s; %s",
			pr.Stmt, pr.Name, where, pr.Name, via, failsAttr(f, pr, fmt.Sprintf("module '%s' has no attribute '%s'", pr.Missing, pr.Name)))
		return raisedBy(msg, pr), fmt.Sprintf("Read %s from the module that defines it, or define it in an __init__.py in %s/ (which makes %s a regular package).", pr.Name, dir, pr.Missing)
	case pyresolve.PathGone:
		pkg := pr.Missing[:max(strings.LastIndexByte(pr.Missing, '.'), 0)]
		msg := fmt.Sprintf("`%s`: %s is a namespace package (a folder without __init__.py) whose parent package %s failed when it was imported earlier (an except clause caught that) and left sys.modules, while %s stayed there; finding %s in it reads sys.modules['%s']%s; %s",
			pr.Stmt, pkg, pr.Name, pkg, pr.Missing, pr.Name, via, failsExc(f, pr, "KeyError", fmt.Sprintf("'%s'", pr.Name)))
		return msg, fmt.Sprintf("Fix what makes %s fail when it is first imported (see the import of it that an except clause catches); an __init__.py in its folder %s/ (a regular package) also avoids the KeyError.", pr.Name, strings.ReplaceAll(pkg, ".", "/"))
	case pyresolve.NoName:
		if pr.Partial {
			msg := fmt.Sprintf("`%s`: %s is still running its own top-level code when this import runs (an import cycle back into it, or a package importing from itself), and '%s' is not bound yet%s; %s",
				pr.Stmt, pr.Missing, pr.Name, via, failsWith(f, pr, fmt.Sprintf("cannot import name '%s' from partially initialized module '%s' (most likely due to a circular import)", pr.Name, pr.Missing)))
			return msg, fmt.Sprintf("Bind %s in %s before the import that leads back here, import it inside the function that uses it, or import the module (import %s) and use %s.%s at call time.", pr.Name, pr.Missing, pr.Missing, pr.Missing, pr.Name)
		}
		msg := fmt.Sprintf("`%s`: %s has no top-level name '%s' and no submodule of that name%s; %s",
			pr.Stmt, pr.Missing, pr.Name, via, failsWith(f, pr, fmt.Sprintf("cannot import name '%s' from '%s'", pr.Name, pr.Missing)))
		return msg, nameHint(p, f, pr)
	}
	fails := failsWith(f, pr, fmt.Sprintf("No module named '%s'", pr.Missing))
	if unsure {
		fails = "if nothing provides it, " + fails
	}
	msg := fmt.Sprintf("`%s`: no module named '%s' on the path of %s (%s)%s; %s",
		pr.Stmt, pr.Missing, f.Fn.Name, rt, via, fails)
	return msg, moduleHint(p, f, pr)
}
