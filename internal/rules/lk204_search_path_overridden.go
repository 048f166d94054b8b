package rules

import (
	"fmt"
	"strings"

	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/rulecode"
)

var LK204 = register(&Rule{
	Code:     rulecode.LK204,
	Severity: model.Warning,
	Summary:  "The function sets PYTHONPATH (or NODE_PATH), which turns off the layer paths.",
	Why: `Lambda's Python bootstrap adds /opt/python and /opt/python/lib/pythonX.Y/site-packages to sys.path,
and processes .pth files there, only when PYTHONPATH is not set. The Node.js bootstrap sets NODE_PATH
to the layer folders only when NODE_PATH is empty. Setting either makes every layer invisible unless
the value repeats those folders.`,
	Example: `Environment:
  Variables:
    PYTHONPATH: /var/task/vendor`,
	Fix: `Remove the variable and put vendored code in the package root or a layer; or include the layer
paths: PYTHONPATH: /var/task/vendor:/opt/python/lib/python3.12/site-packages:/opt/python`,
	Fixes: `Safe (--fix): a PYTHONPATH written as a literal gets the layer folders appended in Lambda's
order (/opt/python/lib/python3.X/site-packages:/opt/python); a NODE_PATH gets the runtime's
default entries it leaves out (/opt/nodejs/nodeNN/node_modules:/opt/nodejs/node_modules:
/var/runtime/node_modules:...). The value is edited where it is written (YAML, JSON or HCL), its
quoting kept. A value that already holds every such folder is not reported.`,
	Run: func(p *Pass) {
		for _, f := range p.Functions {
			// The variable is the runtime catalogue's (Runtime.PathVar); for an unknown
			// runtime, either.
			names := []string{"PYTHONPATH", "NODE_PATH"}
			if f.Runtime != nil {
				names = []string{f.Runtime.PathVar()}
			}
			for _, name := range names {
				v, ok := f.Fn.Env[name]
				if !ok || v.Known && f.Runtime != nil && f.Runtime.PathVar() == name && len(missingPathEntries(f, v.Value)) == 0 {
					continue // unset, or a value that repeats every folder Lambda would have searched
				}
				pos := v.Pos
				if pos.IsZero() {
					pos = f.Fn.Pos
				}
				layers := "its layers"
				if len(f.Fn.Layers) == 0 {
					layers = "any layer it gets later"
				}
				var fx *model.Fix
				if f.Runtime != nil {
					fx = pathVarFix(p, f, name, v)
				}
				folders := "for Python: /opt/python/lib/pythonX.Y/site-packages:/opt/python"
				if f.Runtime != nil && len(f.Runtime.NodePath) > 0 {
					folders = "Lambda's default is " + strings.Join(f.Runtime.NodePath, ":")
				}
				p.ReportFix(rulecode.LK204, model.Warning, f.Fn.Name, "", pos,
					fmt.Sprintf("%s sets %s=%s, so Lambda does not add the /opt layer folders to the search path: modules in %s are not importable", f.Fn.Name, name, v.Value, layers),
					fmt.Sprintf("Remove %s, or make it include the layer folders (%s).", name, folders), fx)
			}
		}
	},
})
