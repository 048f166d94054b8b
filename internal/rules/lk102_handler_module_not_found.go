package rules

import (
	"fmt"
	"github.com/layerkit/layerkit/internal/tree"
	"path"
	"strings"

	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/rulecode"
)

var LK102 = register(&Rule{
	Code:     rulecode.LK102,
	Severity: model.Error,
	Summary:  "The module named by Handler is not in the function's package (or anywhere on its path).",
	Why: `Lambda splits Handler on its last dot: "pkg.app.handler" means module pkg.app, function handler
("src/app.handler" is accepted too: the slash becomes a dot). The module is imported from the function's
search path, which starts at the root of the package (/var/task). If it is not there, every invocation
fails with Runtime.ImportModuleError: Unable to import module 'pkg.app': No module named 'pkg'.`,
	Example: `Handler: service.main.handler     # but CodeUri has no service/main.py`,
	Fix: `Point Handler at the module's path relative to CodeUri (folders separated by dots), or move the
module there. A Handler without a dot is malformed.`,
	Requires: []*Analysis{Imports, ModuleIndex},
	Run: func(p *Pass) {
		for _, f := range p.resolved() {
			h := f.Analysis.Handler()
			fn := f.Fn
			switch {
			case h.Malformed:
				p.Report(rulecode.LK102, model.Error, fn.Name, "", handlerPos(fn),
					fmt.Sprintf("Handler %q has no module part; Lambda will fail with %s", fn.Handler, h.Error),
					"Write Handler as module.function, e.g. app.handler for def handler in app.py at the root of the package.")
			case h.Found == nil:
				p.Report(rulecode.LK102, model.Error, fn.Name, "", handlerPos(fn),
					fmt.Sprintf("Handler %q names module '%s', which is not in %s's package (%s) or on its path; Lambda will fail with %s",
						fn.Handler, h.Module, fn.Name, codeDisplay(fn), h.Error),
					handlerModuleHint(p, f))
			}
		}
	},
})

func handlerPos(fn *model.Function) model.Pos {
	if !fn.HandlerPos.IsZero() {
		return fn.HandlerPos
	}
	return fn.Pos
}

func codeDisplay(fn *model.Function) string {
	if fn.Code == nil || fn.Code.Display == "" {
		return "its package"
	}
	return fn.Code.Display
}

// typeScriptSource names the TypeScript file (module.ts, .mts, .cts) beside where a Node.js
// handler's module is looked for: in the package, or in the project folder the package is
// made from (a package that leaves out *.ts); "" when there is none.
func typeScriptSource(p *Pass, fn *model.Function, module string) string {
	if fn.Code == nil || fn.Code.Tree == nil {
		return ""
	}
	for _, ext := range []string{".ts", ".mts", ".cts"} {
		if tree.IsFile(fn.Code.Tree, module+ext) {
			return fn.Code.Tree.Display(module + ext)
		}
	}
	dir := fn.Code.Display
	if p.Project == nil || !strings.HasSuffix(dir, "/") {
		return "" // a zip, or a package named otherwise
	}
	for _, ext := range []string{".ts", ".mts", ".cts"} {
		if name := path.Join(dir, module+ext); tree.IsFile(p.Project, name) {
			return p.Project.Display(name)
		}
	}
	return ""
}

// handlerModuleHint looks for the module's file elsewhere in the package.
func handlerModuleHint(p *Pass, f *Function) string {
	h := f.Analysis.Handler()
	if f.Result == nil {
		if f.Runtime != nil && f.Runtime.IsNode() {
			if ts := typeScriptSource(p, f.Fn, h.Module); ts != "" {
				return fmt.Sprintf("%s is TypeScript: Lambda runs JavaScript. Compile it first (tsc, or a bundler such as esbuild) so that %s.js (or .mjs, .cjs) is in the package, then check what the build writes; or point Handler at the compiled file.", ts, h.Module)
			}
			return fmt.Sprintf("Point Handler at a file in %s (path from the package root, up to the first dot: src/app.handler for src/app.js), or create %s.js (or .mjs, .cjs) there exporting %s.", codeDisplay(f.Fn), h.Module, h.Attr)
		}
		return fmt.Sprintf("Point Handler at a module in %s, or create %s there.", codeDisplay(f.Fn), h.Module)
	}
	env := f.Result.Env
	last := h.Module[strings.LastIndexByte(h.Module, '.')+1:]
	if env.Task != nil {
		for _, loc := range indexOf(p, env.Task)[last] {
			if strings.HasSuffix(loc, "/") {
				continue // a folder: not a module file
			}
			dir, base := path.Split(loc) // index entries are x.py, x.cpython-…so, …
			mod := dir + base[:strings.IndexByte(base, '.')]
			return fmt.Sprintf("The package has %s; set Handler to %s.%s (the path from the package root, with dots).", env.Task.Display(loc), strings.ReplaceAll(mod, "/", "."), h.Attr)
		}
	}
	return fmt.Sprintf("Create %s.py in %s with def %s(event, context), or point Handler at the module that has it.", strings.ReplaceAll(h.Module, ".", "/"), codeDisplay(f.Fn), h.Attr)
}
