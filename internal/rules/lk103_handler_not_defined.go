package rules

import (
	"fmt"

	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/pyresolve"
)

var LK103 = register(&Rule{
	Code:     "LK103",
	Name:     "handler-not-defined",
	Severity: model.Error,
	Summary:  "The handler module exists but defines no top-level function or name the Handler points at.",
	Why: `After importing the module, Lambda looks the function up as an attribute of it. A name defined only
inside a class or another function, or spelled differently, is not found, and every invocation fails
with Runtime.HandlerNotFound: Handler 'lambda_handler' missing on module 'app'.
Nested attributes (app.Class.method) are not supported: every dot but the last separates modules.`,
	Example: `Handler: app.lambda_handler     # app.py defines def handler(event, context)`,
	Fix:     `Rename the function or change Handler to the name the module defines at top level.`,
	Run: func(p *Pass) {
		for _, f := range p.analysed() {
			h := f.Result.Handler
			if h.Found == nil || h.Defined != 0 {
				continue
			}
			hint := fmt.Sprintf("Define def %s(event, context) at the top level of %s, or set Handler to %s.<the function's name>.", h.Func, h.Found.Display(), h.Module)
			if h.Found.Kind == pyresolve.Namespace {
				hint = fmt.Sprintf("'%s' is a folder without __init__.py, not a module; point Handler at a .py file inside it.", h.Module)
			}
			p.Report("LK103", model.Error, f.Fn.Name, "", handlerPos(f.Fn),
				fmt.Sprintf("Handler %q: module '%s' (%s) defines no top-level '%s'; Lambda will fail with Runtime.HandlerNotFound: Handler '%s' missing on module '%s'",
					f.Fn.Handler, h.Module, h.Found.Display(), h.Func, h.Func, h.Module), hint)
		}
	},
})
