package rules

import (
	"fmt"

	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/rulecode"
)

var LK103 = register(&Rule{
	Code:     rulecode.LK103,
	Severity: model.Error,
	Summary:  "The handler module exists but defines no top-level function or name the Handler points at.",
	Why: `After importing the module, Lambda looks the function up as an attribute of it. A name defined only
inside a class or another function, or spelled differently, is not found, and every invocation fails
with Runtime.HandlerNotFound: Handler 'lambda_handler' missing on module 'app'. The name is looked up
as the module's top level leaves it: a def only under if TYPE_CHECKING:, or in a branch the runtime's
Python version or platform skips, does not count, nor one removed by del; one rebound to None (or
another value that cannot be called) lets the function initialize but fails every invocation with
TypeError.
Nested attributes (app.Class.method) are not supported: every dot but the last separates modules.

Node.js: the module is the Handler up to its first dot and the rest a property path (routes.api.get);
the runtime looks it up on module.exports (CommonJS) or the module namespace (ES modules: a default
export is not looked up) and fails with Runtime.HandlerNotFound: app.handler is undefined or not
exported. nodejs24.x does not support callback handlers (three parameters): a warning.`,
	Example:  `Handler: app.lambda_handler     # app.py defines def handler(event, context)`,
	Fix:      `Rename the function or change Handler to the name the module defines at top level.`,
	Requires: []*Analysis{Imports},
	Run: func(p *Pass) {
		for _, f := range p.resolved() {
			h := f.Analysis.Handler()
			if res := nodeResult(f); res != nil && res.Load.CallbackHandler && res.Load.Verdict.OK && f.Runtime != nil && f.Runtime.IsNode() && !f.Runtime.CallbackHandlers() {
				p.Report(rulecode.LK103, model.Warning, f.Fn.Name, "", handlerPos(f.Fn),
					fmt.Sprintf("Handler %q: %s takes three parameters (event, context, callback); AWS documents callback-based handlers for Node.js 22 and earlier runtimes only, so on %s the callback is not given and a handler that answers through it does not answer (a warning: the runtime's exact behaviour is documented second-hand)",
						f.Fn.Handler, h.Attr, f.Runtime.ID),
					"Make the handler async and return the response (export const handler = async (event, context) => {...}), or run the function on nodejs22.x.")
				continue
			}
			if h.Found == nil || h.Defined != 0 {
				continue
			}
			hint := fmt.Sprintf("Define def %s(event, context) at the top level of %s, or set Handler to %s.<the function's name>.", h.Attr, h.Found.Display(), h.Module)
			if f.Runtime != nil && f.Runtime.IsNode() {
				hint = fmt.Sprintf("Export it from %s (exports.%s = async (event) => {...} in CommonJS, export const %s = async (event) => {...} in an ES module; a default export is not looked up), or set Handler to %s.<an exported name>.",
					h.Found.Display(), h.Attr, h.Attr, h.Module)
			}
			if h.NotModule {
				hint = fmt.Sprintf("'%s' is a folder without __init__.py, not a module; point Handler at a .py file inside it.", h.Module)
			}
			if h.NotCallable {
				hint := fmt.Sprintf("Make the last binding of %s in %s a function (def %s(event, context): ...), removing any later assignment or import that rebinds it to a value, or set Handler to the name of a function the module defines.", h.Attr, h.Found.Display(), h.Attr)
				if f.Runtime != nil && f.Runtime.IsNode() {
					hint = fmt.Sprintf("Export a function as %s from %s (exports.%s = async (event) => { ... }, or export const %s = async (event) => { ... }), or set Handler to the name of a function the module exports.", h.Attr, h.Found.Display(), h.Attr, h.Attr)
				}
				msg := fmt.Sprintf("Handler %q: module '%s' (%s) ends its top level with '%s' bound to a value that cannot be called (None, a number, a string, a list, ...); the function initializes, but every invocation fails with %s (awslambdaric calls the handler without checking)",
					f.Fn.Handler, h.Module, h.Found.Display(), h.Attr, h.Error)
				if f.Runtime != nil && f.Runtime.IsNode() {
					msg = fmt.Sprintf("Handler %q: module '%s' (%s) exports '%s' as a value that is not a function (a number, a string, an object, ...); the runtime checks it when it loads the handler, so Lambda will fail to initialize with %s",
						f.Fn.Handler, h.Module, h.Found.Display(), h.Attr, h.Error)
				}
				p.Report(rulecode.LK103, model.Error, f.Fn.Name, "", handlerPos(f.Fn), msg, hint)
				continue
			}
			if h.NotRun {
				p.Report(rulecode.LK103, model.Error, f.Fn.Name, "", handlerPos(f.Fn),
					fmt.Sprintf("Handler %q: module '%s' (%s) defines '%s' at its top level only in code that does not run when Lambda imports it (a try body that an import failing before the definition leaves, with the failure caught; a branch the runtime's Python or platform skips; if TYPE_CHECKING:), or removes it again (del); Lambda will fail with %s",
						f.Fn.Handler, h.Module, h.Found.Display(), h.Attr, h.Error),
					fmt.Sprintf("Define %s where it always runs (not after an import in the same try body that can fail, nor under a test the runtime decides), or fix what fails before it in the same try body.", h.Attr))
				continue
			}
			p.Report(rulecode.LK103, model.Error, f.Fn.Name, "", handlerPos(f.Fn),
				fmt.Sprintf("Handler %q: module '%s' (%s) defines no top-level '%s'; Lambda will fail with %s",
					f.Fn.Handler, h.Module, h.Found.Display(), h.Attr, h.Error), hint)
		}
	},
})
