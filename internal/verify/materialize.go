package verify

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/layerkit/layerkit/internal/check"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/pyresolve"
	"github.com/layerkit/layerkit/internal/pysyntax"
	"github.com/layerkit/layerkit/internal/tree"
)

// sharedOpt is one materialized /opt, shared by the functions with the same layers (in
// the same order) and the same stand-ins in it.
type sharedOpt struct {
	dir      string
	standIns []StandIn
	err      error
}

// materialize lays out one function under dir: task/ (its package, plus stand-ins for
// what its requirements.txt would install), runtime/ and langsite/ (the runtime's own
// packages as stand-ins), assumed/ (stand-ins for modules an unreadable layer might
// provide), and returns the harness configuration. /opt is shared between functions.
func (r *runner) materialize(a *check.Function, dir string) (harnessConfig, []StandIn, error) {
	env := pyResult(a).Env
	rt := a.Runtime
	var cfg harnessConfig
	var standIns []StandIn
	task := filepath.Join(dir, "task")
	for _, d := range []string{task, filepath.Join(dir, "runtime"), filepath.Join(dir, "langsite"), filepath.Join(dir, "assumed")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return cfg, nil, err
		}
	}
	if env.Task != nil {
		if err := r.copyTree(env.Task, task); err != nil {
			return cfg, nil, err
		}
	}
	pp, ppSet := a.Fn.Env["PYTHONPATH"]

	// /opt: the inspectable layers merged in order, with the stand-ins the static side
	// puts at /opt/python (distributions a layer's build installs, public layers).
	var optDeclared map[string]*model.Declared
	for _, ent := range env.Path {
		if ent.Kind == pyresolve.LayerPython && ent.Declared != nil {
			optDeclared = ent.Declared
		}
	}
	key := fmt.Sprintf("%p|%v|%s", env.Opt, ppSet, declaredKey(optDeclared))
	so := r.opt.Get(key, func() *sharedOpt {
		so := &sharedOpt{dir: filepath.Join(r.tmp, "opt"+strconv.FormatInt(r.nopt.Add(1)-1, 10))}
		if so.err = os.MkdirAll(so.dir, 0o700); so.err != nil {
			return so
		}
		if env.Opt != nil && env.Opt.Len() > 0 {
			if so.err = r.copyTree(env.Opt, so.dir); so.err != nil {
				return so
			}
		}
		if optDeclared != nil {
			so.standIns, so.err = standInDeclared(filepath.Join(so.dir, "python"), optDeclared, "/opt/python")
		}
		return so
	})
	if so.err != nil {
		return cfg, nil, so.err
	}
	for _, si := range so.standIns {
		// the shared /opt was laid out for the first function with these layers; the
		// declaration each function is told about is its own (its own Layers line)
		if d := optDeclared[si.Module]; d != nil {
			si.Why = standInWhy(d, "/opt/python")
		}
		standIns = append(standIns, si)
	}
	opt := so.dir

	// /var/task: what a build installs into the package.
	for _, ent := range env.Path {
		if ent.Kind == pyresolve.TaskRoot && ent.Declared != nil {
			s, err := standInDeclared(task, ent.Declared, "/var/task")
			if err != nil {
				return cfg, nil, err
			}
			standIns = append(standIns, s...)
		}
	}

	// The runtime's own packages.
	provided := filepath.Join(dir, "langsite")
	if rt.ProvidedSite == "/var/runtime" {
		provided = filepath.Join(dir, "runtime")
	}
	for _, name := range rt.Provided {
		if !pysyntax.IsIdentifier(name) {
			continue
		}
		if err := writeStandIn(provided, name, "provided by the "+rt.ID+" runtime"); err != nil {
			return cfg, nil, err
		}
		standIns = append(standIns, StandIn{Module: name, Why: "provided by the " + rt.ID + " runtime"})
	}

	// Top-level modules layerkit reports as warnings because a layer it cannot read, or
	// a declared distribution whose dependencies it does not know, might provide them.
	unknownDeps := ""
	for _, ent := range env.Path {
		for _, d := range ent.Declared {
			if !d.DepsKnown && (unknownDeps == "" || d.Dist < unknownDeps) {
				unknownDeps = d.Dist
			}
		}
	}
	if env.Uninspectable || unknownDeps != "" {
		why := "a layer layerkit cannot read might provide it"
		if !env.Uninspectable {
			why = "the build also installs " + unknownDeps + ", whose dependencies layerkit does not know, and it may come with it"
		}
		seen := map[string]bool{}
		for _, pr := range pyResult(a).Problems {
			if pr.Failure != pyresolve.NoModule || pr.Lazy || strings.Contains(pr.Missing, ".") || seen[pr.Missing] || !pysyntax.IsIdentifier(pr.Missing) {
				continue
			}
			seen[pr.Missing] = true
			if err := writeStandIn(filepath.Join(dir, "assumed"), pr.Missing, why); err != nil {
				return cfg, nil, err
			}
			standIns = append(standIns, StandIn{Module: pr.Missing, Why: why})
		}
	}

	minor := 0
	if _, after, ok := strings.Cut(rt.Version, "."); ok {
		minor, _ = strconv.Atoi(after)
	}
	cfg = harnessConfig{
		Task:         task,
		OptSite:      filepath.Join(opt, "python", "lib", "python"+rt.Version, "site-packages"),
		OptPython:    filepath.Join(opt, "python"),
		RuntimeDir:   filepath.Join(dir, "runtime"),
		LangSite:     filepath.Join(dir, "langsite"),
		Assumed:      filepath.Join(dir, "assumed"),
		RuntimeMinor: minor,
		Handler:      a.Fn.Handler,
		ResultFD:     3,
	}
	if ppSet {
		entries := []string{}
		val := pp.Value
		if !pp.Known {
			val = ""
		}
		for _, p := range strings.Split(val, ":") {
			if m, ok := mapLambdaPath(p, rt.Version, cfg, opt); ok {
				entries = append(entries, m)
			}
		}
		cfg.PythonPath = &entries
	}
	return cfg, standIns, nil
}

// mapLambdaPath maps a PYTHONPATH entry (a Lambda path) onto the materialized folders.
// A relative entry is relative to the working folder, /var/task. Paths outside what is
// materialized are dropped (they do not exist on Lambda, or hold nothing of the user's).
func mapLambdaPath(p, ver string, cfg harnessConfig, opt string) (string, bool) {
	p = strings.ReplaceAll(p, "${LAMBDA_TASK_ROOT}", "/var/task")
	p = strings.ReplaceAll(p, "$LAMBDA_TASK_ROOT", "/var/task")
	if p == "" {
		return "", false
	}
	if !strings.HasPrefix(p, "/") {
		p = "/var/task/" + p
	}
	p = path.Clean(p)
	under := func(root, local string) (string, bool) {
		if p == root {
			return local, true
		}
		if strings.HasPrefix(p, root+"/") {
			return filepath.Join(local, filepath.FromSlash(strings.TrimPrefix(p, root+"/"))), true
		}
		return "", false
	}
	if m, ok := under("/var/task", cfg.Task); ok {
		return m, true
	}
	if m, ok := under("/opt", opt); ok {
		return m, true
	}
	if m, ok := under("/var/runtime", cfg.RuntimeDir); ok {
		return m, true
	}
	if m, ok := under("/var/lang/lib/python"+ver+"/site-packages", cfg.LangSite); ok {
		return m, true
	}
	return "", false
}

// standInWhy says what a stand-in for an import name stands in for: what d declares,
// where, into lambdaDir.
func standInWhy(d *model.Declared, lambdaDir string) string {
	if d.Pos.File == "" {
		return fmt.Sprintf("%s would provide it in %s (not readable here)", d.Dist, lambdaDir)
	}
	return fmt.Sprintf("%s would install it into %s (declared in %s:%d, not built)", d.Dist, lambdaDir, d.Pos.File, d.Pos.Line)
}

func declaredKey(m map[string]*model.Declared) string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ",")
}

// standInDeclared writes a stand-in in folder dir for every declared import name that
// nothing in dir provides (as the static side uses a declaration only then).
func standInDeclared(dir string, decl map[string]*model.Declared, lambdaDir string) ([]StandIn, error) {
	names := make([]string, 0, len(decl))
	for n := range decl {
		names = append(names, n)
	}
	sort.Strings(names)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []StandIn
	for _, n := range names {
		if !pysyntax.IsIdentifier(n) {
			continue
		}
		taken := false
		for _, e := range entries {
			if e.Name() == n || strings.HasPrefix(e.Name(), n+".") {
				taken = true
				break
			}
		}
		if taken {
			continue
		}
		why := standInWhy(decl[n], lambdaDir)
		if err := writeStandIn(dir, n, why); err != nil {
			return nil, err
		}
		out = append(out, StandIn{Module: n, Why: why})
	}
	return out, nil
}

// standInSource is an empty package that accepts any name and submodule (the harness's
// finder makes submodules of a stand-in stand-ins too).
const standInSource = `# layerkit verify: a stand-in for %[1]s, not the real package (%[2]s).
__layerkit_standin__ = %[3]q
__version__ = "0"


class _Any(object):
    def __init__(self, *args, **kwargs):
        pass

    def __call__(self, *args, **kwargs):
        return _Any()

    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return _Any()

    def __getitem__(self, key):
        return _Any()

    def __iter__(self):
        return iter(())

    def __mro_entries__(self, bases):
        return (object,)

    # a stand-in class in a PEP 604 annotation (FlatFile | Table) evaluated at import
    def __or__(self, other):
        return _Any()

    __ror__ = __or__


def __getattr__(name):
    if name.startswith("__") and name.endswith("__"):
        raise AttributeError(name)
    return _Any()
`

func writeStandIn(dir, name, why string) error {
	pkg := filepath.Join(dir, name)
	if err := os.MkdirAll(pkg, 0o700); err != nil {
		return err
	}
	src := fmt.Sprintf(standInSource, name, strings.ReplaceAll(why, "\n", " "), why)
	return os.WriteFile(filepath.Join(pkg, "__init__.py"), []byte(src), 0o600)
}

// copyTree writes every file of t under dst, as regular files (nothing links back to the
// checked folder), within the materialize budget.
func (r *runner) copyTree(t tree.Tree, dst string) error {
	return tree.Walk(t, "", func(name string, info tree.Info) error {
		target := filepath.Join(dst, filepath.FromSlash(name))
		if info.Dir {
			return os.MkdirAll(target, 0o700)
		}
		if err := r.budget.take(info.Size); err != nil {
			return err
		}
		b, err := t.ReadFile(name)
		if err != nil {
			return fmt.Errorf("%s: %v", t.Display(name), err)
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o700); err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o600)
	})
}

// pyResult is the Python import analysis of a (nil when it has none: not analysed, or
// not Python).
func pyResult(a *check.Function) *pyresolve.Result {
	if a.Analysis == nil {
		return nil
	}
	r, _ := a.Analysis.Detail().(*pyresolve.Result)
	return r
}
