package jsscan

import (
	"github.com/tdewolff/parse/v2/js"
)

// What a file exports: ES export declarations (exportStmt) and, for CommonJS, the
// assignments to exports.x, module.exports.x and module.exports at the top level.
// Anything else that hands exports or module.exports to other code (Object.assign,
// a bundler's __export helper, exports[name] = …) makes the list open: layerkit does
// not guess.

// isModuleExports reports whether e is module.exports (module not declared).
func isModuleExports(e js.IExpr) bool {
	d, ok := unparen(e).(*js.DotExpr)
	return ok && freeVar(d.X) == "module" && literalIs(d.Y, "exports")
}

// isExportsObject reports whether e is exports or module.exports.
func isExportsObject(e js.IExpr) bool {
	return freeVar(unparen(e)) == "exports" || isModuleExports(e)
}

// exportAssign records what the expression statement e exports.
func (s *scanner) exportAssign(e js.IExpr) {
	switch n := unparen(e).(type) {
	case *js.CommaExpr:
		for _, x := range n.List {
			s.exportAssign(x)
		}
	case *js.BinaryExpr:
		if n.Op != js.EqToken {
			return
		}
		s.exportTarget(n.X, n.Y)
		s.exportAssign(n.Y) // exports.a = exports.b = …
	case *js.CallExpr:
		s.exportCall(n)
	}
}

func (s *scanner) exportTarget(target, value js.IExpr) {
	switch t := unparen(target).(type) {
	case *js.DotExpr:
		if isModuleExports(t) {
			s.replaceExports(value)
			return
		}
		if rootedAtExports(t.X) && !isExportsObject(t.X) {
			s.file.ExportsOpen = true // exports.handler.x = …: a member changes
			return
		}
		if isExportsObject(t.X) {
			if l, ok := literalData(t.Y); ok {
				e := s.value(value)
				e.Name = string(l)
				s.addExport(e)
			}
		}
	case *js.IndexExpr:
		if isExportsObject(t.X) {
			if name, _, ok := stringLit(t.Y); ok {
				e := s.value(value)
				e.Name = name
				s.addExport(e)
			} else {
				s.file.ExportsOpen = true
			}
		}
	case *js.Var:
		if freeVar(t) == "exports" {
			// exports = …: rebinds the local name only; module.exports is unchanged.
			return
		}
	}
}

// rootedAtExports reports whether e is exports, module.exports, or a member of them.
func rootedAtExports(e js.IExpr) bool {
	for {
		if isExportsObject(e) {
			return true
		}
		switch n := unparen(e).(type) {
		case *js.DotExpr:
			e = n.X
		case *js.IndexExpr:
			e = n.X
		default:
			return false
		}
	}
}

// replaceExports handles module.exports = value.
func (s *scanner) replaceExports(value js.IExpr) {
	if s.lazy > 0 {
		s.file.ExportsOpen = true
		return
	}
	s.file.Exports, s.file.StarFrom, s.file.ExportsOpen = nil, nil, false
	v := unparen(value)
	if b, ok := v.(*js.BinaryExpr); ok && b.Op == js.EqToken {
		v = unparen(b.Y) // module.exports = exports = {…}
	}
	switch n := v.(type) {
	case *js.ObjectExpr:
		e := s.value(n)
		s.file.Exports = e.Members
		if hasSpread(n) {
			s.file.ExportsOpen = true
		}
	case *js.CallExpr:
		if freeVar(unparen(n.X)) == "require" && len(n.Args.List) == 1 {
			if spec, _, ok := stringLit(n.Args.List[0].Value); ok {
				s.file.StarFrom = append(s.file.StarFrom, spec)
				return
			}
		}
		s.file.ExportsOpen = true
	case *js.FuncDecl, *js.ArrowFunc, *js.ClassDecl:
		// a function: its own properties (none until assigned)
	default:
		e := s.value(n)
		if e.Members != nil {
			s.file.Exports = e.Members
			return
		}
		if !e.Func && !e.NotFunc {
			s.file.ExportsOpen = true
		}
	}
}

func hasSpread(o *js.ObjectExpr) bool {
	for _, p := range o.List {
		if p.Spread {
			return true
		}
	}
	return false
}

// exportCall handles a call statement that may export: Object.defineProperty(exports,
// 'name', …) exports name; any other call given exports or module.exports may add
// anything.
func (s *scanner) exportCall(n *js.CallExpr) {
	given := false
	for _, a := range n.Args.List {
		if isExportsObject(a.Value) {
			given = true
		}
	}
	if !given {
		return
	}
	if d, ok := unparen(n.X).(*js.DotExpr); ok && literalIs(d.Y, "defineProperty") && freeVar(d.X) == "Object" && len(n.Args.List) >= 2 && isExportsObject(n.Args.List[0].Value) {
		if name, _, ok := stringLit(n.Args.List[1].Value); ok {
			if name != "__esModule" {
				s.addExport(Export{Name: name})
			}
			return
		}
	}
	if s.lazy == 0 {
		s.file.ExportsOpen = true
	}
}

// value says what layerkit can tell about the value of e.
func (s *scanner) value(e js.IExpr) Export {
	switch n := unparen(e).(type) {
	case nil:
		return Export{NotFunc: true, Falsy: true} // let x; (undefined)
	case *js.LiteralExpr:
		switch d := string(n.Data); {
		case n.TokenType == js.NullToken || n.TokenType == js.FalseToken,
			d == "0" || d == "''" || d == `""` || d == "``":
			return Export{NotFunc: true, Falsy: true}
		}
		return Export{NotFunc: true}
	case *js.FuncDecl:
		return Export{Func: true, Arity: arity(&n.Params)}
	case *js.ArrowFunc:
		return Export{Func: true, Arity: arity(&n.Params)}
	case *js.MethodDecl:
		return Export{Func: true, Arity: arity(&n.Params)}
	case *js.ClassDecl:
		return Export{Func: true, Arity: -1}
	case *js.ArrayExpr, *js.TemplateExpr:
		return Export{NotFunc: true}
	case *js.ObjectExpr:
		e := Export{NotFunc: true, Members: []Export{}}
		for _, p := range n.List {
			if p.Spread || p.Name == nil && p.Value == nil {
				continue
			}
			var m Export
			var name string
			if p.Name == nil { // {handler}
				if v, ok := p.Value.(*js.Var); ok {
					name = string(v.Data)
					m = s.valueOfName(name)
				}
			} else if p.Name.Computed == nil {
				name = aliasName(p.Name.Literal.Data)
				m = s.value(p.Value)
			}
			if name == "" {
				continue
			}
			m.Name = name
			e.Members = append(e.Members, m)
		}
		return e
	case *js.Var:
		if n.Decl == js.NoDecl {
			if string(n.Data) == "undefined" {
				return Export{NotFunc: true, Falsy: true}
			}
			return Export{}
		}
		return s.valueOfName(string(n.Data))
	case *js.UnaryExpr:
		if n.Op == js.VoidToken {
			return Export{NotFunc: true, Falsy: true}
		}
		if n.Op == js.TypeofToken || n.Op == js.NotToken {
			return Export{NotFunc: true}
		}
	case *js.NewExpr:
		return Export{NotFunc: true}
	case *js.BinaryExpr:
		if n.Op == js.EqToken {
			return s.value(n.Y) // a = b = value
		}
	}
	return Export{}
}

func arity(p *js.Params) int {
	n := len(p.List)
	if p.Rest != nil {
		n++
	}
	return n
}

// valueOfName is the value of a name declared at the top level: a function or class
// declaration, or a const/let/var with an initializer (followed a few deep).
func (s *scanner) valueOfName(name string) Export {
	if s.depth > 8 {
		return Export{}
	}
	s.depth++
	defer func() { s.depth-- }()
	var found *Export
	var visit func(st js.IStmt)
	visit = func(st js.IStmt) {
		switch n := st.(type) {
		case *js.FuncDecl:
			if n.Name != nil && string(n.Name.Data) == name {
				found = &Export{Func: true, Arity: arity(&n.Params)}
			}
		case *js.ClassDecl:
			if n.Name != nil && string(n.Name.Data) == name {
				found = &Export{Func: true, Arity: -1}
			}
		case *js.VarDecl:
			for _, b := range n.List {
				if v, ok := b.Binding.(*js.Var); ok && string(v.Data) == name {
					if n.TokenType == js.VarToken && found != nil {
						continue // var x; after function x(){}: still the function
					}
					e := Export{}
					if b.Default != nil {
						e = s.value(b.Default)
					}
					if n.TokenType != js.ConstToken && !e.Func {
						e = Export{} // let/var may be assigned later
					}
					found = &e
				}
			}
		case *js.ExportStmt:
			if n.Decl != nil {
				if d, ok := n.Decl.(js.IStmt); ok {
					visit(d)
				}
			}
		}
	}
	for _, st := range s.top {
		visit(st)
	}
	if found == nil {
		return Export{Arity: -1}
	}
	return *found
}
