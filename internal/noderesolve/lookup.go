package noderesolve

import (
	"path"
	"strings"

	"github.com/layerkit/layerkit/internal/jsscan"
)

// The handler lookup: the property path after the module name, read off the module's
// exports (module.exports for CommonJS, the namespace for an ES module), as the
// runtime interface client's _resolveHandler does.

// exportsOf returns the exports of a loaded module: the names, whether the list may
// be incomplete, following module.exports = require('x') and export * from 'x'.
func (r *Resolver) exportsOf(file string, format Format, seen map[string]bool) (list []jsscan.Export, open bool) {
	switch {
	case format != FormatCommonJS && format != FormatESM:
		return nil, true // not read
	case seen[file]:
		return nil, false // a cycle: its names are being collected already
	case len(seen) > 256:
		return nil, true // too many re-exports to follow
	}
	seen[file] = true
	f, err := r.scan(file)
	if err != nil || f.Syntax != nil {
		return nil, true
	}
	list, open = f.Exports, f.ExportsOpen
	for _, spec := range f.StarFrom {
		var m Module
		var fail *Failure
		if format == FormatCommonJS {
			m, fail = r.require(spec, &cjsParent{filename: file})
		} else {
			m, fail = r.esmResolve(spec, file)
		}
		if fail != nil || m.Builtin || m.Provided {
			open = true
			continue
		}
		fm := FormatCommonJS
		if format == FormatESM {
			fm, _ = r.importFormat(m.Path)
		} else if ext := path.Ext(m.Path); ext == ".json" || ext == ".node" {
			open = true
			continue
		}
		sub, subOpen := r.exportsOf(m.Path, fm, seen)
		open = open || subOpen
		for _, e := range sub {
			if format == FormatESM && e.Name == "default" {
				continue // export * does not re-export default
			}
			if findExport(list, e.Name) == nil {
				list = append(list, e)
			}
		}
	}
	return list, open
}

// functionProperty are the properties every function has.
var functionProperty = map[string]bool{"name": true, "length": true, "prototype": true, "call": true, "apply": true, "bind": true, "toString": true, "constructor": true, "caller": true, "arguments": true}

func findExport(list []jsscan.Export, name string) *jsscan.Export {
	for i := range list {
		if list[i].Name == name {
			return &list[i]
		}
	}
	return nil
}

// lookupHandler resolves the property path prop on the module file.
func (r *Resolver) lookupHandler(ld *Load, file string, format Format, prop string) Verdict {
	ok := Verdict{OK: true}
	if format != FormatCommonJS && format != FormatESM {
		ld.Unknown = "the handler module is a built-in, a runtime package, JSON or an addon: its exports are not read"
		return ok
	}
	list, open := r.exportsOf(file, format, map[string]bool{})
	site := Site{File: file}
	keys := strings.Split(prop, ".")
	var cur *jsscan.Export
	for i, k := range keys {
		if i == 0 {
			cur = findExport(list, k)
			if cur == nil {
				if open {
					ld.Unknown = "the module's exports cannot all be listed"
					return ok
				}
				ld.Defined = 0
				return Verdict{ErrorType: "Runtime.HandlerNotFound", ErrorMessage: ld.Handler + " is undefined or not exported", At: site}
			}
			continue
		}
		if cur.Members == nil {
			if cur.NotFunc || cur.Func && cur.Arity >= 0 && !functionProperty[k] {
				ld.Defined = 0
				return Verdict{ErrorType: "Runtime.HandlerNotFound", ErrorMessage: ld.Handler + " is undefined or not exported", At: site}
			}
			ld.Unknown = "the value of " + strings.Join(keys[:i], ".") + " is not known"
			return ok
		}
		cur = findExport(cur.Members, k)
		if cur == nil {
			ld.Defined = 0
			return Verdict{ErrorType: "Runtime.HandlerNotFound", ErrorMessage: ld.Handler + " is undefined or not exported", At: site}
		}
	}
	switch {
	case cur.Func:
		ld.Defined = 1
		ld.CallbackHandler = cur.Arity >= 3
		return ok
	case cur.NotFunc && cur.Falsy:
		ld.Defined = 0
		return Verdict{ErrorType: "Runtime.HandlerNotFound", ErrorMessage: ld.Handler + " is undefined or not exported", At: site}
	case cur.NotFunc:
		ld.Defined, ld.NotCallable = 0, true
		return Verdict{ErrorType: "Runtime.HandlerNotFound", ErrorMessage: ld.Handler + " is not a function", At: site}
	}
	ld.Unknown = "the value of " + prop + " is not known"
	return ok
}
