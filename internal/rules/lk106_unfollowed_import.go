package rules

import (
	"fmt"

	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/rulecode"
)

var LK106 = register(&Rule{
	Code:     rulecode.LK106,
	Severity: model.Info,
	Summary:  "An import layerkit cannot follow: a module name computed at run time, or a change to the module search path it cannot evaluate.",
	Why: `layerkit reads the code; it does not run it. When the name of the module to load is computed
(Python: importlib.import_module(name) or __import__(name) with anything but a string literal or,
at module level, a name the module's top level bound to one, NAME = "pkg.mod", and nothing rebound since;
Node.js: require(variable), import() of a computed string), layerkit cannot know which module is
loaded, so it does not check that it exists in the function package or its layers. The same holds
for a change to the search path layerkit cannot evaluate (Python: sys.path.insert(0, some_function()),
site.addsitedir(variable)): the imports after it may find modules in a folder layerkit does not
know, so those that layerkit cannot find are reported as warnings, not errors.

The same holds for a module whose file layerkit does not read: one over --max-file-size (64 MiB
by default) or one the disk cannot read. Its imports and names are not checked.

Literal forms are followed and checked like plain imports: importlib.import_module("pkg.mod"),
__import__("mod"), sys.path.insert(0, os.path.dirname(__file__)),
sys.path.append(os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib")),
sys.path.insert(0, "/opt/python/vendor"), str(pathlib.Path(__file__).parent / "lib").`,
	Example: `# app.py
import importlib, os, sys
sys.path.insert(0, os.environ["PLUGIN_DIR"])           # LK106: not evaluated
backend = importlib.import_module(os.environ["BACKEND"])  # LK106: not checked`,
	Fix: `Nothing is wrong yet: the finding says what was not checked. Where you can, write the name or
path as a literal (a dict from setting to module name, a path built from __file__), so that it is
checked; otherwise make sure that every module the code may load is in the function package or one
of its layers, and run layerkit verify to import the handler with the real interpreter.`,
	Requires: []*Analysis{Imports},
	Run:      runLK106,
})

func runLK106(p *Pass) {
	for _, f := range p.resolved() {
		for _, u := range f.Analysis.Unfollowed() {
			pos := u.At.Model()
			when := "when the module is imported"
			if u.Lazy {
				when = "when the function body that holds it runs"
			}
			var msg, hint string
			if u.Unread != "" {
				msg = fmt.Sprintf("layerkit did not read %s (module %s, imported %s): %s; nothing it imports or defines is checked for %s",
					pos.File, u.Text, when, u.Unread, f.Fn.Name)
				if f.Runtime != nil && f.Runtime.IsNode() {
					msg = fmt.Sprintf("layerkit did not read %s (%s, loaded %s): %s; nothing it imports or exports is checked for %s",
						pos.File, u.Text, when, u.Unread, f.Fn.Name)
				}
				hint = "A source file this large is unusual: if it is generated data, keep it out of the import path; otherwise raise the cap with --max-file-size (MiB) so that layerkit reads it, or run layerkit verify."
				if u.Handler {
					msg = fmt.Sprintf("layerkit did not read the handler module %s (%s): %s; whether it defines %s and what it imports is not checked for %s",
						u.Text, pos.File, u.Unread, f.Analysis.Handler().Attr, f.Fn.Name)
				}
			} else if u.PathEdit && f.Runtime != nil && f.Runtime.IsNode() {
				msg = fmt.Sprintf("`%s` changes how require resolves module names at run time (aliases, extra lookup folders), which layerkit does not follow; the bare imports layerkit cannot find are reported as warnings, since the aliases may map them", u.Text)
				hint = "Check that every alias maps to a folder the function or its layers have on Lambda (/var/task, /opt/nodejs/...); a plain relative require or a package in nodejs/node_modules/ is checked like any import."
			} else if u.PathEdit {
				msg = fmt.Sprintf("`%s` changes sys.path in a way layerkit cannot follow (it runs %s); the imports after it that layerkit cannot find are reported as warnings, since they may be found in the folder it adds",
					u.Text, when)
				hint = "Build the path from __file__, a literal, or os.environ[\"LAMBDA_TASK_ROOT\"] (for example sys.path.insert(0, os.path.join(os.path.dirname(__file__), \"lib\"))) so that layerkit can follow it, or run layerkit verify."
			} else {
				msg = fmt.Sprintf("`%s` imports a module whose name is computed at run time (it runs %s): layerkit did not check that the module it loads exists on the path of %s",
					u.Text, when, f.Fn.Name)
				hint = "Make sure every module this call may load is in the function package or one of its layers; a literal name (importlib.import_module(\"pkg.mod\")) is checked like an import. layerkit verify imports the handler with the real interpreter."
				if f.Runtime != nil && f.Runtime.IsNode() {
					hint = "Make sure every module this call may load is in the function package or one of its layers; a literal specifier (require('./plugins/csv'), or a map from setting to specifier) is checked like an import."
				}
			}
			p.Report(rulecode.LK106, model.Info, f.Fn.Name, "", pos, msg, hint)
		}
	}
}
