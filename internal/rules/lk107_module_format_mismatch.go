package rules

import (
	"fmt"
	"strings"

	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/resolve"
	"github.com/layerkit/layerkit/internal/rulecode"
)

var LK107 = register(&Rule{
	Code:       rulecode.LK107,
	Severity:   model.Error,
	Severities: "warning when the code runs only inside a function body (one invocation fails, not the cold start), and on nodejs24.x, where whether Lambda still turns off require(esm) and module syntax detection is not known",
	Summary:    "A Node.js module is written in the other module system than the one Node loads it with.",
	Why: `Node loads a file as an ES module or as CommonJS by its name and the nearest package.json, not by
what it contains: .mjs is ESM, .cjs is CommonJS, .js is ESM only when the nearest package.json has
"type": "module". The runtime interface client loads the handler module the same way (require() for a
CommonJS .js or .cjs, import() for .mjs or a .js under "type": "module"). Lambda starts nodejs20.x and
nodejs22.x with --no-experimental-require-module and --no-experimental-detect-module, so Node does not
rescue a mismatch:
- import or export in a file loaded as CommonJS: Runtime.UserCodeSyntaxError: SyntaxError: Cannot use
  import statement outside a module (or Unexpected token 'export');
- require, module, exports, __dirname or __filename in an ES module: ReferenceError: require is not
  defined in ES module scope, you can use import instead (at load, or when the function body that
  uses it runs);
- require() of an ES module: Error [ERR_REQUIRE_ESM].`,
	Example: `// src/app.js, no package.json with "type": "module"
import { S3Client } from '@aws-sdk/client-s3';   // LK107
export const handler = async () => {};`,
	Fix: `Make the file name or package.json say what the code is: rename an ES module to .mjs (Handler
app.handler finds app.mjs), or add "type": "module" to the package.json beside it; or rewrite it in the
other system (require and exports.handler for CommonJS, import and export for ESM). In an ES module,
createRequire(import.meta.url) gives a require for CommonJS packages.`,
	Run:      runLK107,
	Requires: []*Analysis{Imports},
})

func runLK107(p *Pass) {
	for _, f := range p.resolved() {
		for _, imp := range resolve.FailedWith(f.Analysis, resolve.WrongFormat) {
			sev := model.Error
			var why []string
			if imp.Lazy {
				sev = model.Warning
				why = append(why, "a warning because it runs only when the function body that holds it runs")
			}
			if f.Runtime != nil && f.Runtime.IsNode() && strings.HasPrefix(f.Runtime.Version, "24") {
				sev = model.Warning
				why = append(why, "a warning because whether "+f.Runtime.ID+" still turns off require(esm) and module syntax detection is not known")
			}
			file := imp.At.Model().File
			if imp.Found != nil && imp.Found.Display() != "" {
				file = imp.Found.Display()
			}
			when := "Lambda will fail to initialize the function with " + imp.Error
			if imp.Lazy {
				when = "an invocation that runs it will fail with " + imp.Error
			}
			var msg, hint string
			switch {
			case strings.Contains(imp.Error, "ERR_REQUIRE_ESM") || strings.Contains(imp.Error, "require() of ES Module"):
				msg = fmt.Sprintf("`%s` requires %s, which Node loads as an ES module; %s", imp.Stmt, file, when)
				hint = "Import it with import (from an ES module) or await import() (from CommonJS), or use a CommonJS build of the package."
			case strings.HasPrefix(imp.Error, "ReferenceError"):
				msg = fmt.Sprintf("`%s`: %s is an ES module (.mjs, or .js under a package.json with \"type\": \"module\") that uses CommonJS; %s", imp.Stmt, file, when)
				hint = "Use import instead of require (createRequire(import.meta.url) for a CommonJS package) and export instead of exports/module.exports; or make the file CommonJS: rename it to .cjs (Handler app.handler finds app.cjs) or remove \"type\": \"module\"."
			default:
				msg = fmt.Sprintf("`%s`: %s uses ES module syntax, but Node loads it as CommonJS (.js without \"type\": \"module\" in the nearest package.json, or .cjs); %s", imp.Stmt, file, when)
				hint = "Rename the file to .mjs (Handler app.handler finds app.mjs), or add \"type\": \"module\" to the package.json beside it; or rewrite it with require and exports."
				if c := f.Fn.Code; c != nil && c.Bundle != nil {
					msg = fmt.Sprintf("`%s`: %s, the %s bundle, is written in ES module syntax (Format: esm) under the name .js, and the function package has no package.json with \"type\": \"module\", so Node loads it as CommonJS; %s", imp.Stmt, file, c.Bundle.Tool, when)
					hint = "Add OutExtension: ['.js=.mjs'] to BuildProperties (Handler app.handler finds app.mjs), or build Format: cjs."
				}
			}
			if len(imp.Chain) > 1 {
				msg += " (reached from the handler through " + strings.Join(imp.Chain, " → ") + ")"
			}
			if len(why) > 0 {
				msg += " (" + strings.Join(why, "; ") + ")"
			}
			p.Report(rulecode.LK107, sev, f.Fn.Name, "", imp.At.Model(), msg, hint)
		}
	}
}
