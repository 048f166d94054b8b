package rules

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/pyresolve"
	"github.com/layerkit/layerkit/internal/pyscan"
	"github.com/layerkit/layerkit/internal/rulecode"
)

var LK111 = register(&Rule{
	Code:     rulecode.LK111,
	Severity: model.Warning,
	Summary:  "The handler module reads os.environ[\"X\"] when Lambda imports it, and the template sets no X for the function.",
	Why: `Lambda gives a function exactly the environment variables its template sets (Environment:
Variables, and SAM's Globals) plus the ones the runtime sets (AWS_REGION, LAMBDA_TASK_ROOT, ...).
A handler module that reads os.environ["TABLE"] at its top level raises KeyError: 'TABLE' on
every cold start when TABLE is not set, and the function never runs: the classic renamed variable
(the template sets TABLE_NAME, the code reads WEBSOCKETS_DDB_TABLE).

Reported only when layerkit can see the whole environment and the whole read: SAM and
CloudFormation templates whose Variables are a plain map (no intrinsic function where the map is,
no variable a condition may drop, no AWS_LAMBDA_EXEC_WRAPPER script, which may export more);
reads with a literal name in a simple statement at the handler module's top level (not in a def,
an if, a try, a conditional expression, ...); and nothing before the read, in the handler module
or in any module it reaches, that may set a variable (os.environ writes, setdefault, update,
putenv, dotenv). A warning, not an error: a script run after the deployment (aws lambda
update-function-configuration) can still set the variable outside the template.`,
	Example: `# template.yaml: Environment: Variables: TABLE_NAME: !Ref Table
import os
TABLE = os.environ["WEBSOCKETS_DDB_TABLE"]   # KeyError at init`,
	Fix: `Set the variable in the function's Environment: Variables (or SAM's Globals), or fix the name
the code reads; os.environ.get("X") with a default makes the read optional.`,
	Requires: []*Analysis{Imports},
	Run:      runLK111,
})

// runtimeEnv are the variables the runtime sets (and the ones it may set): reads of
// these, and of any AWS_*, LAMBDA_* or _* name, are never reported.
var runtimeEnv = map[string]bool{
	"LANG": true, "PATH": true, "LD_LIBRARY_PATH": true, "PYTHONPATH": true, "TZ": true,
	"HOME": true, "NODE_PATH": true, "PWD": true, "SHLVL": true, "USER": true,
}

func runLK111(p *Pass) {
	for _, f := range p.analysed() {
		kind := f.Fn.Kind
		if kind == "" {
			kind = p.App.Kind
		}
		if kind != "sam" && kind != "cloudformation" || f.Fn.EnvOpen {
			continue
		}
		if _, ok := f.Fn.Env["AWS_LAMBDA_EXEC_WRAPPER"]; ok {
			continue
		}
		h := f.Result.Handler.Found
		if h == nil || h.Tree == nil || (h.Kind != pyresolve.SourceModule && h.Kind != pyresolve.Package) || f.Result.Handler.Defined != 1 {
			continue
		}
		if failsAtInit(f.Result) {
			continue // an import fails first: its own finding says so
		}
		src, err := h.Tree.ReadFile(h.File)
		if err != nil {
			continue
		}
		reads, _ := pyscan.EnvReads(src)
		var missing []pyscan.EnvRead
		for _, r := range reads {
			if _, set := f.Fn.Env[r.Name]; set || runtimeEnv[r.Name] || strings.HasPrefix(r.Name, "AWS_") ||
				strings.HasPrefix(r.Name, "LAMBDA_") || strings.HasPrefix(r.Name, "_") {
				continue
			}
			missing = append(missing, r)
		}
		if len(missing) == 0 || mayWriteEnv(f.Result, h) {
			continue
		}
		r := missing[0] // the first read raises
		var set []string
		for k := range f.Fn.Env {
			set = append(set, k)
		}
		sort.Strings(set)
		sets := "sets no environment variables for it"
		if len(set) > 0 {
			if len(set) > 6 {
				set = append(set[:6], "...")
			}
			sets = "sets only " + strings.Join(set, ", ") + " for it"
		}
		pos := model.Pos{File: h.Tree.Display(h.File), Line: r.Line, Col: r.Col}
		p.Report(rulecode.LK111, model.Warning, f.Fn.Name, "", pos,
			fmt.Sprintf("`os.environ[\"%s\"]` runs when Lambda imports %s, and the template %s; Lambda will fail to initialize the function with KeyError: '%s' (while importing module '%s'), unless something outside the template sets it",
				r.Name, path.Base(h.File), sets, r.Name, handlerModule(f)),
			fmt.Sprintf("Add %s under the function's Environment: Variables (or Globals: Function: Environment), or fix the name the code reads; os.environ.get(%q, default) makes it optional.", r.Name, r.Name))
	}
}

// failsAtInit reports whether an import fails at init (not only in a function body).
func failsAtInit(res *pyresolve.Result) bool {
	for _, pr := range res.Problems {
		if !pr.Lazy {
			return true
		}
	}
	return res.Handler.Missing != ""
}

// mayWriteEnv reports whether a module the handler reaches, other than the handler module
// (whose reads EnvReads stops at its first such line), may set environment variables:
// a function it defines may run before the read.
func mayWriteEnv(res *pyresolve.Result, h *pyresolve.Module) bool {
	for _, m := range res.Modules() {
		if m == nil || m == h || m.Tree == nil {
			continue
		}
		if m.Kind == pyresolve.Compiled || m.Kind == pyresolve.Virtual {
			continue // the runtime's and the standard library's, or compiled: not read
		}
		if m.Kind == pyresolve.Namespace || !strings.HasSuffix(m.File, ".py") {
			continue
		}
		b, err := m.Tree.ReadFile(m.File)
		if err != nil {
			return true
		}
		if _, noWrites := pyscan.EnvReads(b); !noWrites {
			return true
		}
	}
	return false
}
