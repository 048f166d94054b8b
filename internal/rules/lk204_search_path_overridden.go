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
				if !ok {
					continue
				}
				pos := v.Pos
				if pos.IsZero() {
					pos = f.Fn.Pos
				}
				layers := "its layers"
				if len(f.Fn.Layers) == 0 {
					layers = "any layer it gets later"
				}
				folders := "for Python: /opt/python/lib/pythonX.Y/site-packages:/opt/python"
				if f.Runtime != nil && len(f.Runtime.NodePath) > 0 {
					folders = "Lambda's default is " + strings.Join(f.Runtime.NodePath, ":")
				}
				p.Report(rulecode.LK204, model.Warning, f.Fn.Name, "", pos,
					fmt.Sprintf("%s sets %s=%s, so Lambda does not add the /opt layer folders to the search path: modules in %s are not importable", f.Fn.Name, name, v.Value, layers),
					fmt.Sprintf("Remove %s, or make it include the layer folders (%s).", name, folders))
			}
		}
	},
})
