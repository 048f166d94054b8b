package jsscan

import (
	"github.com/tdewolff/parse/v2/js"
)

// The walk visits the tree in source order (the cursor of token depends on it).

var cjsNames = map[string]bool{"require": true, "module": true, "exports": true, "__filename": true, "__dirname": true}

// freeVar returns the name of e when it is a variable the file does not declare.
func freeVar(e js.IExpr) string {
	if v, ok := e.(*js.Var); ok && v.Decl == js.NoDecl {
		return string(v.Data)
	}
	return ""
}

func (s *scanner) stmts(list []js.IStmt) {
	for _, st := range list {
		s.stmt(st)
	}
}

func (s *scanner) stmt(st js.IStmt) {
	switch n := st.(type) {
	case nil:
	case *js.BlockStmt:
		s.stmts(n.List)
	case *js.ExprStmt:
		s.exportAssign(n.Value)
		s.expr(n.Value)
	case *js.VarDecl:
		s.varDecl(n)
	case *js.IfStmt:
		s.expr(n.Cond)
		s.branch(n.Cond, func() { s.stmt(n.Body) }, func() { s.stmt(n.Else) })
	case *js.DoWhileStmt:
		s.stmt(n.Body)
		s.expr(n.Cond)
	case *js.WhileStmt:
		s.expr(n.Cond)
		s.stmt(n.Body)
	case *js.ForStmt:
		s.expr(n.Init)
		s.expr(n.Cond)
		s.expr(n.Post)
		if n.Body != nil {
			s.stmt(n.Body)
		}
	case *js.ForInStmt:
		s.expr(n.Init)
		s.expr(n.Value)
		if n.Body != nil {
			s.stmt(n.Body)
		}
	case *js.ForOfStmt:
		s.expr(n.Init)
		s.expr(n.Value)
		if n.Body != nil {
			s.stmt(n.Body)
		}
	case *js.SwitchStmt:
		s.expr(n.Init)
		for i := range n.List {
			s.expr(n.List[i].Cond)
			s.stmts(n.List[i].List)
		}
	case *js.ReturnStmt:
		s.expr(n.Value)
	case *js.ThrowStmt:
		s.expr(n.Value)
	case *js.WithStmt:
		s.expr(n.Cond)
		s.stmt(n.Body)
	case *js.LabelledStmt:
		s.stmt(n.Value)
	case *js.TryStmt:
		if n.Body != nil {
			if n.Catch != nil {
				s.guard++
			}
			s.stmt(n.Body)
			if n.Catch != nil {
				s.guard--
			}
		}
		s.binding(n.Binding)
		if n.Catch != nil {
			s.stmt(n.Catch)
		}
		if n.Finally != nil {
			s.stmt(n.Finally)
		}
	case *js.FuncDecl:
		s.function(n, false)
	case *js.ClassDecl:
		s.class(n)
	case *js.ImportStmt:
		s.importStmt(n)
	case *js.ExportStmt:
		s.exportStmt(n)
	}
}

func (s *scanner) importStmt(n *js.ImportStmt) {
	off := s.token(js.ImportToken, "")
	s.markESM(off, "import")
	for _, a := range n.List {
		s.seen(a.Name)
		s.seen(a.Binding)
	}
	s.seen(n.Default)
	s.seen(n.Module)
	s.addImport(Import{Spec: unquote(n.Module), Kind: ImportDecl, Pos: s.posOr(off, s.posOr(s.offset(n.Module), Pos{1, 1})), Type: s.attrs[s.offset(n.Module)], Names: importedNames(n.List)})
}

// importedNames are the names aliases take from a module (the name before "as"),
// without default and *.
func importedNames(list []js.Alias) []string {
	var out []string
	for _, a := range list {
		name := a.Binding
		if a.Name != nil {
			name = a.Name
		}
		if n := aliasName(name); n != "" && n != "*" && n != "default" {
			out = append(out, n)
		}
	}
	return out
}

func (s *scanner) exportStmt(n *js.ExportStmt) {
	off := s.token(js.ExportToken, "")
	s.markESM(off, "export")
	pos := s.posOr(off, Pos{1, 1})
	if n.Module != nil {
		for _, a := range n.List {
			switch {
			case a.Binding == nil:
			case string(a.Binding) == "*" && a.Name == nil:
				s.file.StarFrom = append(s.file.StarFrom, unquote(n.Module))
			default:
				s.addExport(Export{Name: aliasName(a.Binding)})
			}
		}
		s.seen(n.Module)
		s.addImport(Import{Spec: unquote(n.Module), Kind: ExportFrom, Pos: pos, Type: s.attrs[s.offset(n.Module)], Names: importedNames(n.List)})
		return
	}
	for _, a := range n.List {
		if a.Binding == nil {
			continue
		}
		local := a.Binding
		if a.Name != nil {
			local = a.Name
		}
		e := s.valueOfName(string(local))
		e.Name = aliasName(a.Binding)
		s.addExport(e)
	}
	switch d := n.Decl.(type) {
	case nil:
	case *js.VarDecl:
		for _, b := range d.List {
			if v, ok := b.Binding.(*js.Var); ok {
				e := s.value(b.Default)
				e.Name = string(v.Data)
				s.addExport(e)
			}
		}
		s.varDecl(d)
	case *js.FuncDecl:
		name := "default"
		if !n.Default && d.Name != nil {
			name = string(d.Name.Data)
		}
		s.addExport(Export{Name: name, Func: true, Arity: arity(&d.Params)})
		s.function(d, false)
	case *js.ClassDecl:
		name := "default"
		if !n.Default && d.Name != nil {
			name = string(d.Name.Data)
		}
		s.addExport(Export{Name: name, Func: true, Arity: -1})
		s.class(d)
	default:
		e := s.value(d)
		e.Name = "default"
		s.addExport(e)
		s.expr(d)
	}
}

func aliasName(b []byte) string {
	if len(b) > 0 && (b[0] == '"' || b[0] == '\'') {
		return unquote(b)
	}
	return string(b)
}

func (s *scanner) addExport(e Export) {
	if s.lazy > 0 {
		s.file.ExportsOpen = true
		return
	}
	for i := range s.file.Exports {
		if s.file.Exports[i].Name == e.Name {
			s.file.Exports[i] = e
			return
		}
	}
	s.file.Exports = append(s.file.Exports, e)
}

func (s *scanner) varDecl(d *js.VarDecl) {
	for i := range d.List {
		s.binding(d.List[i].Binding)
		s.expr(d.List[i].Default)
	}
}

func (s *scanner) binding(b js.IBinding) {
	switch n := b.(type) {
	case *js.Var:
		s.seen(n.Data)
	case *js.BindingArray:
		for i := range n.List {
			s.binding(n.List[i].Binding)
			s.expr(n.List[i].Default)
		}
		s.binding(n.Rest)
	case *js.BindingObject:
		for i := range n.List {
			if n.List[i].Key != nil {
				s.propertyName(n.List[i].Key)
			}
			s.binding(n.List[i].Value.Binding)
			s.expr(n.List[i].Value.Default)
		}
		if n.Rest != nil {
			s.seen(n.Rest.Data)
		}
	}
}

func (s *scanner) propertyName(p *js.PropertyName) {
	if p.Computed != nil {
		s.expr(p.Computed)
		return
	}
	s.seen(p.Literal.Data)
}

func (s *scanner) params(p *js.Params) {
	for i := range p.List {
		s.binding(p.List[i].Binding)
		s.expr(p.List[i].Default)
	}
	s.binding(p.Rest)
}

// function walks a function; immediate says it is called where it is defined (an
// IIFE), so its body runs when the enclosing code does.
func (s *scanner) function(f *js.FuncDecl, immediate bool) {
	if f.Name != nil {
		s.seen(f.Name.Data)
	}
	s.body(&f.Params, &f.Body, immediate)
}

func (s *scanner) body(p *js.Params, b *js.BlockStmt, immediate bool) {
	guard := s.guard
	if !immediate {
		s.lazy++
		s.guard = 0
	}
	s.fn++
	s.params(p)
	s.stmts(b.List)
	s.fn--
	if !immediate {
		s.lazy--
		s.guard = guard
	}
}

func (s *scanner) class(c *js.ClassDecl) {
	if c.Name != nil {
		s.seen(c.Name.Data)
	}
	s.expr(c.Extends)
	for _, el := range c.List {
		switch {
		case el.StaticBlock != nil:
			s.stmt(el.StaticBlock)
		case el.Method != nil:
			s.method(el.Method)
		default:
			s.propertyName(&el.Field.Name.PropertyName)
			if el.Field.Init != nil {
				if !el.Field.Static {
					s.lazy++ // instance fields are set when an instance is made
				}
				s.expr(el.Field.Init)
				if !el.Field.Static {
					s.lazy--
				}
			}
		}
	}
}

func (s *scanner) method(m *js.MethodDecl) {
	s.propertyName(&m.Name.PropertyName)
	s.body(&m.Params, &m.Body, false)
}

func unparen(e js.IExpr) js.IExpr {
	for {
		g, ok := e.(*js.GroupExpr)
		if !ok {
			return e
		}
		e = g.X
	}
}

func (s *scanner) expr(e js.IExpr) {
	switch n := e.(type) {
	case nil:
	case *js.Var:
		if name := freeVar(n); cjsNames[name] {
			s.cjsUse(name)
		} else {
			s.seen(n.Data)
		}
	case *js.LiteralExpr:
		s.seen(n.Data)
	case js.LiteralExpr:
		s.seen(n.Data)
	case *js.ImportMetaExpr:
		s.markESM(s.token(js.ImportToken, ""), "import.meta")
	case *js.GroupExpr:
		s.expr(n.X)
	case *js.ArrayExpr:
		for i := range n.List {
			s.expr(n.List[i].Value)
		}
	case *js.ObjectExpr:
		for i := range n.List {
			p := &n.List[i]
			if p.Name != nil {
				s.propertyName(p.Name)
			}
			if m, ok := p.Value.(*js.MethodDecl); ok {
				s.body(&m.Params, &m.Body, false)
			} else {
				s.expr(p.Value)
			}
			s.expr(p.Init)
		}
	case *js.TemplateExpr:
		s.expr(n.Tag)
		for i := range n.List {
			s.seen(n.List[i].Value)
			s.expr(n.List[i].Expr)
		}
		s.seen(n.Tail)
	case *js.DotExpr:
		s.expr(n.X)
		s.expr(n.Y)
	case *js.IndexExpr:
		s.expr(n.X)
		s.expr(n.Y)
	case *js.NewExpr:
		s.expr(n.X)
		if n.Args != nil {
			s.args(n.Args)
		}
	case *js.CallExpr:
		s.call(n, false)
	case *js.UnaryExpr:
		if n.Op == js.AwaitToken && s.lazy == 0 && s.fn == 0 && s.file.TopAwait == nil {
			p := s.posOr(s.token(js.AwaitToken, ""), Pos{1, 1})
			s.file.TopAwait = &p
		}
		if n.Op == js.TypeofToken {
			if name := freeVar(unparen(n.X)); cjsNames[name] {
				s.token(js.IdentifierToken, name) // typeof x never throws
				return
			}
		}
		s.expr(n.X)
	case *js.BinaryExpr:
		s.expr(n.X)
		switch n.Op {
		case js.AndToken: // the right side runs when the left is truthy
			s.branch(n.X, func() { s.expr(n.Y) }, nil)
		case js.OrToken, js.NullishToken: // ... when it is falsy (nullish: never for a set variable)
			s.branch(n.X, nil, func() { s.expr(n.Y) })
		default:
			s.expr(n.Y)
		}
	case *js.CondExpr:
		s.expr(n.Cond)
		s.branch(n.Cond, func() { s.expr(n.X) }, func() { s.expr(n.Y) })
	case *js.YieldExpr:
		s.expr(n.X)
	case *js.CommaExpr:
		for _, x := range n.List {
			s.expr(x)
		}
	case *js.ArrowFunc:
		s.body(&n.Params, &n.Body, false)
	case *js.FuncDecl:
		s.function(n, false)
	case *js.ClassDecl:
		s.class(n)
	case *js.MethodDecl:
		s.method(n)
	case *js.VarDecl:
		s.varDecl(n)
	}
}

func (s *scanner) args(a *js.Args) {
	for i := range a.List {
		s.expr(a.List[i].Value)
	}
}

// addUse records a use of a CommonJS binding, unless it is in a branch Lambda never runs.
func (s *scanner) addUse(u Use) {
	if s.dead == 0 {
		s.file.CJSUses = append(s.file.CJSUses, u)
	}
}

// branch walks what a test decides, in source order: then and otherwise (either may be
// nil); on Lambda a test onLambda decides runs one of them only, and the other's
// imports are not recorded.
func (s *scanner) branch(cond js.IExpr, then, otherwise func()) {
	v, known := onLambda(cond)
	for i, f := range []func(){then, otherwise} {
		if f == nil {
			continue
		}
		dead := known && v == (i == 1)
		if dead {
			s.dead++
		}
		f()
		if dead {
			s.dead--
		}
	}
}

func (s *scanner) cjsUse(name string) {
	off := s.token(js.IdentifierToken, name)
	s.addUse(Use{Name: name, Pos: s.posOr(off, Pos{1, 1}), Lazy: s.lazy > 0, Guarded: s.guard > 0})
}

// call walks a call; caught says a .catch handler is attached to its result.
func (s *scanner) call(n *js.CallExpr, caught bool) {
	callee := unparen(n.X)
	switch c := callee.(type) {
	case *js.FuncDecl: // (function () { … })()
		s.function(c, true)
		s.args(&n.Args)
		return
	case *js.ArrowFunc: // (() => { … })()
		s.body(&c.Params, &c.Body, true)
		s.args(&n.Args)
		return
	case *js.LiteralExpr:
		if c.TokenType == js.ImportToken { // import(…)
			off := s.token(js.ImportToken, "")
			s.specifier(DynamicImport, off, n, caught)
			return
		}
	case *js.Var:
		if freeVar(c) == "require" {
			off := s.token(js.IdentifierToken, "require")
			s.addUse(Use{Name: "require", Pos: s.posOr(off, Pos{1, 1}), Lazy: s.lazy > 0, Guarded: s.guard > 0})
			s.specifier(Require, off, n, false)
			return
		}
	case *js.DotExpr:
		if freeVar(c.X) == "require" && literalIs(c.Y, "resolve") {
			off := s.token(js.IdentifierToken, "require")
			s.addUse(Use{Name: "require", Pos: s.posOr(off, Pos{1, 1}), Lazy: s.lazy > 0, Guarded: s.guard > 0})
			s.expr(c.Y)
			s.specifier(RequireResolve, off, n, false)
			return
		}
		if inner, ok := unparen(c.X).(*js.CallExpr); ok && literalIs(c.Y, "catch") {
			s.call(inner, true) // import('x').catch(…)
			s.expr(c.Y)
			s.args(&n.Args)
			return
		}
		// (function () { … }).call(this)
		if f, ok := unparen(c.X).(*js.FuncDecl); ok && (literalIs(c.Y, "call") || literalIs(c.Y, "apply")) {
			s.function(f, true)
			s.expr(c.Y)
			s.args(&n.Args)
			return
		}
	}
	s.expr(n.X)
	s.args(&n.Args)
}

func literalIs(e js.IExpr, name string) bool {
	d, ok := literalData(e)
	return ok && string(d) == name
}

// literalData returns the bytes of a literal; a member name (x.name) is a LiteralExpr
// value, not a pointer.
func literalData(e js.IExpr) ([]byte, bool) {
	switch l := e.(type) {
	case *js.LiteralExpr:
		return l.Data, true
	case js.LiteralExpr:
		return l.Data, true
	}
	return nil, false
}

// specifier records the import made by call n (require, require.resolve, import())
// at offset off.
func (s *scanner) specifier(kind Kind, off int, n *js.CallExpr, caught bool) {
	if len(n.Args.List) == 0 {
		return
	}
	arg := n.Args.List[0].Value
	spec, lit, ok := stringLit(arg)
	if n.Args.List[0].Rest {
		ok = false
	}
	if ok {
		s.seen(lit)
	}
	pos := s.posOr(off, Pos{1, 1})
	if !ok {
		s.expr(arg)
		if off < 0 {
			pos = s.posOr(s.cursor-1, pos)
		}
	}
	for _, a := range n.Args.List[1:] {
		s.expr(a.Value)
	}
	s.addImport(Import{Spec: spec, Kind: kind, Pos: pos, Computed: !ok, Guarded: caught})
}
