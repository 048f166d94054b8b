package rules

import (
	"fmt"
	"path"
	"strings"

	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/rulecode"
)

var LK108 = register(&Rule{
	Code:       rulecode.LK108,
	Severity:   model.Error,
	Summary:    "A module the handler imports at init does not compile on the function's Python version (Node.js: does not parse).",
	Severities: "Node.js: warning, since the SyntaxError is layerkit's parser's reading, not V8's",
	Why: `Python compiles a whole module before it runs any of it, so one syntax error anywhere in a module
the handler imports at start-up fails the import, and Lambda fails every cold start with
Runtime.UserCodeSyntaxError: Syntax error in module 'app': invalid syntax (helpers.py, line 12).

Reported are the errors of every Python 3 that layerkit can prove (unterminated strings, unbalanced
brackets, inconsistent indentation, characters that are not Python, Python 2 print statements and
long or octal literals, a star import with other names: from m import a, *) and syntax newer than the function's runtime: := (3.8), match (3.10),
except* (3.11), type statements and type parameters (3.12), f-strings that reuse their quote or hold
a backslash or comment inside {} (3.12), template strings (3.14). Modules imported only from a
function body are not reported here.

Node.js compiles each module as it loads it: a SyntaxError in the handler module or in a module it
requires or imports at load fails the cold start with Runtime.UserCodeSyntaxError (module syntax in the
other module system is LK107).`,
	Example: `# Runtime: python3.9
match event["action"]:      # a match statement needs Python 3.10
    case "get":
        ...`,
	Fix: `Fix the line, or raise the function's Runtime to a Python that has the syntax.
python3.X -m py_compile FILE (with the runtime's version) shows the same error.`,
	Requires: []*Analysis{Imports},
	Run:      runLK108,
})

func runLK108(p *Pass) {
	runLK108Node(p)
	for _, f := range p.analysed() {
		rt := f.Runtime
		_, minor := rt.PyVersion()
		for _, se := range f.Result.Syntax {
			pr := se.Problem
			pos := model.Pos{File: se.Tree.Display(se.File), Line: pr.Line, Col: pr.Col}
			text := pr.Message(minor)
			var b strings.Builder
			fmt.Fprintf(&b, "%s does not compile on %s: %s: %s", path.Base(se.File), rt.ID, pr.Exception(), text)
			if pr.Since > 0 {
				fmt.Fprintf(&b, " (%s needs Python 3.%d or later)", pr.What, pr.Since)
			}
			if len(se.Chain) > 1 {
				fmt.Fprintf(&b, "; the handler imports it at init through %s", strings.Join(shownChain(f, se.Chain), " → "))
			}
			fmt.Fprintf(&b, "; Lambda will fail with Runtime.UserCodeSyntaxError: Syntax error in module '%s': %s (%s, line %d)",
				handlerModule(f), text, path.Base(se.File), pr.Line)
			hint := fmt.Sprintf("Fix line %d of %s; python%s -m py_compile %s shows the same error.", pr.Line, pos.File, rt.Version, path.Base(se.File))
			if pr.Since > 0 {
				hint = fmt.Sprintf("Raise the Runtime to python3.%d or later (and rebuild its layers for it), or write this without %s for %s.", pr.Since, pr.What, rt.ID)
			}
			p.Report(rulecode.LK108, model.Error, f.Fn.Name, "", pos, b.String(), hint)
		}
	}
}
