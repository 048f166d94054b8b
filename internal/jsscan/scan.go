// Package jsscan reads a JavaScript file the way layerkit needs it for Node.js
// functions: the modules it imports (require, require.resolve, import declarations,
// import(), export … from) with their positions and how they run (at load, in a
// function body, in the try block of a try/catch, or with a name computed at run
// time), which module system its syntax belongs to, and the names it exports (for
// the handler lookup).
//
// It parses with github.com/tdewolff/parse/v2/js, a pure-Go ECMAScript parser
// (ES2020+: classes, async, optional chaining, template literals, regular
// expressions in context, import.meta), and walks the tree. The parser was chosen
// over github.com/evanw/esbuild/pkg/api because esbuild's public API gives no tree:
// only a bundle's metafile (import paths without positions), nothing for
// require(variable), nor whether an import sits in a function body or a try block,
// nor the exported names; its parser is internal. tdewolff's tree has those, and
// the package adds little to the binary. It reads no TypeScript: a TypeScript source
// is read where a build step has compiled it.
//
// Two corners of the language the parser (v2.8.20) does not take are handled before
// a second parse, offsets kept: import attributes (with { type: 'json' }, blanked
// and recorded as Import.Type) and an arrow function's block body followed by a line
// starting with [ or ( (a semicolon is put in the blank before it, as ASI does).
// Every .js, .cjs and .mjs of npm and corepack (1,152 files) parses; TestRealCode
// checks a folder of real code (LK_JS_CORPUS).
//
// tdewolff's tree has no positions, but the bytes of its literals and names are
// slices of the input: a literal's position is its offset in the input. Where a
// node has no literal of its own (require(name), the import keyword of a declaration
// spread over lines), the position is that of the keyword's token, found by lexing
// forward from the last literal seen, since the walk visits the tree in source
// order.
package jsscan

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"unsafe"

	"github.com/tdewolff/parse/v2"
	"github.com/tdewolff/parse/v2/js"
)

// Kind says how a module is imported.
type Kind uint8

const (
	Require        Kind = iota // require('x')
	RequireResolve             // require.resolve('x'): resolved, not loaded
	ImportDecl                 // import … from 'x', import 'x'
	ExportFrom                 // export … from 'x'
	DynamicImport              // import('x')
)

func (k Kind) String() string {
	switch k {
	case Require:
		return "require"
	case RequireResolve:
		return "require.resolve"
	case ImportDecl:
		return "import"
	case ExportFrom:
		return "export-from"
	case DynamicImport:
		return "import()"
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Static reports whether the import is part of an ES module's static graph (linked
// before any code of the module runs).
func (k Kind) Static() bool { return k == ImportDecl || k == ExportFrom }

// Pos is a place in the file: line and column, both from 1 (the column counts bytes).
type Pos struct{ Line, Col int }

// Import is one import of a module.
type Import struct {
	Spec string // the specifier; "" when Computed
	Kind Kind
	Pos
	// Computed: the specifier is not a string literal (require(name), a template
	// with substitutions): what it loads is known only at run time.
	Computed bool
	// Lazy: the import is in a function body (other than one called where it is
	// defined): it runs when the function is called, not when the module loads.
	Lazy bool
	// Guarded: the import is in the try block of a try/catch (or an import() with a
	// .catch handler): a failure is caught.
	Guarded bool
	// Type is the import attribute type ("json" for with { type: 'json' }), "" when
	// none.
	Type string
	// Names are the names an import declaration or export…from takes from the module
	// by name (import {A, B as C} → A, B; not default, not *): what the module must
	// export for an ES module graph to link (layerkit verify's stand-ins export them).
	Names []string
}

// Use is a use of a CommonJS binding (require, module, exports, __filename,
// __dirname) that the file does not declare itself.
type Use struct {
	Name string
	Pos
	Lazy    bool
	Guarded bool
}

// Export is one name a module exports, with what layerkit can tell of its value.
type Export struct {
	Name string
	// Func: the value is a function (declaration, expression, arrow, method);
	// NotFunc: a value that is not one (literal, object, array, class instance...);
	// neither: not known.
	Func, NotFunc bool
	// Falsy: a value that is not a function and is falsy (undefined, null, false,
	// 0, ""): the runtime says "is undefined or not exported" rather than "is not a
	// function".
	Falsy bool
	// Arity is the number of declared parameters (a rest parameter counts) when
	// Func and the function is known; -1 otherwise. A handler with three parameters
	// is a callback handler, which nodejs24.x does not support.
	Arity int
	// Members are the properties of an object literal value, for property paths
	// (Handler routes.api.get).
	Members []Export
}

// File is what Scan found in one file.
type File struct {
	Imports []Import
	// ESM: the file has import or export declarations or import.meta: ES module
	// syntax, a SyntaxError when the file is loaded as CommonJS. ESMPos is the first.
	ESM    bool
	ESMPos Pos
	// ESMWhat is the ES module syntax at ESMPos: "import", "export" or "import.meta"
	// (each has its own SyntaxError under CommonJS).
	ESMWhat string
	// TopAwait is the first await outside any function (nil when none): valid in an
	// ES module only.
	TopAwait *Pos
	// CJSUses are the uses of CommonJS bindings: a ReferenceError when the file is
	// loaded as an ES module and the use runs (typeof x does not count).
	CJSUses []Use
	// Exports are the names the file exports (ESM declarations, exports.x = …,
	// module.exports = {…}), in first-seen order. "default" is an ES default export.
	Exports []Export
	// StarFrom are the modules whose names the file re-exports as a whole:
	// export * from 'x', module.exports = require('x').
	StarFrom []string
	// ExportsOpen: the file exports names layerkit cannot list (module.exports =
	// a call or a variable, exports[name] = …, Object.assign(module.exports, …)); a
	// name not in Exports may still be there.
	ExportsOpen bool
	// Syntax is the first syntax error, nil when the file parses; Imports and the
	// rest are then empty.
	Syntax *SyntaxError
}

// SyntaxError is a file that does not parse.
type SyntaxError struct {
	Pos
	Msg string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("%d:%d: %s", e.Line, e.Col, e.Msg) }

// Find returns the export called name, or nil.
func (f *File) Find(name string) *Export {
	for i := range f.Exports {
		if f.Exports[i].Name == name {
			return &f.Exports[i]
		}
	}
	return nil
}

// Scan parses src, a JavaScript file (script or module), and returns what it
// imports and exports. A file that does not parse is not an error: the result has
// Syntax set.
func Scan(src []byte) *File {
	// The parser appends a NUL to its input when there is room: give it a private
	// copy with room, so that src is never written and literals alias buf.
	buf := make([]byte, len(src), len(src)+1)
	copy(buf, src)
	ast, err := parse1(buf, js.Options{})
	var attrs map[int]string
	if err != nil {
		// Import attributes (import x from './d.json' with { type: 'json' }) are newer
		// than the parser: blank them out (offsets stay) and parse again.
		buf2 := make([]byte, len(src), len(src)+1)
		copy(buf2, src)
		if a := blankAttributes(buf2); len(a) > 0 {
			if ast2, err2 := parse1(buf2, js.Options{}); err2 == nil {
				ast, err, buf, attrs = ast2, nil, buf2, a
			}
		}
	}
	if err != nil {
		// The parser does not end an arrow function's block body at a line break
		// before [ or ( (ASI): put the semicolon there and parse again.
		buf2 := make([]byte, len(buf), len(buf)+1)
		copy(buf2, buf)
		for try := 0; try < 32 && err != nil; try++ {
			if !insertASI(buf2, err) {
				break
			}
			if ast2, err2 := parse1(buf2, js.Options{}); err2 == nil {
				ast, err, buf = ast2, nil, buf2
			} else {
				err = err2
			}
		}
	}
	if err != nil {
		// A CommonJS file may return at its top level (it is a function body): parse
		// it again as such before giving up.
		buf2 := make([]byte, len(src), len(src)+1)
		copy(buf2, src)
		blankShebang(buf2)
		if ast2, err2 := parse1(buf2, js.Options{Inline: true}); err2 == nil {
			ast, err, buf = ast2, nil, buf2
		}
	}
	if err != nil {
		return &File{Syntax: syntaxError(err)}
	}
	s := &scanner{src: buf, file: &File{}, attrs: attrs}
	s.lines = lineStarts(buf)
	s.top = ast.BlockStmt.List
	s.stmts(ast.BlockStmt.List)
	return s.file
}

func parse1(buf []byte, o js.Options) (ast *js.AST, err error) {
	defer func() {
		// The parser is third-party code: a panic on hostile input is a syntax error,
		// never a crash of the check.
		if r := recover(); r != nil {
			ast, err = nil, fmt.Errorf("parser failed: %v", r)
		}
	}()
	return js.Parse(parse.NewInputBytes(buf), o)
}

// blankAttributes blanks the attribute clause of each import and export-from
// declaration (with { … } or assert { … } after the module specifier) and returns the
// specifiers' offsets with the type attribute given. It lexes without the parser:
// used only when a parse failed, and kept only when the parse then succeeds.
func blankAttributes(b []byte) map[int]string {
	l := js.NewLexer(parse.NewInputBytes(b[:len(b):len(b)]))
	out := map[int]string{}
	off := 0
	type tok struct {
		tt  js.TokenType
		off int
		d   []byte
	}
	var prev []tok // the last significant tokens
	for {
		tt, data := l.Next()
		if tt == js.ErrorToken {
			return out
		}
		at := off
		off += len(data)
		if tt == js.WhitespaceToken || tt == js.LineTerminatorToken || tt == js.CommentToken || tt == js.CommentLineTerminatorToken {
			continue
		}
		n := len(prev)
		isKw := (tt == js.IdentifierToken || tt == js.WithToken) && (string(data) == "with" || string(data) == "assert")
		if isKw && n >= 2 && prev[n-1].tt == js.StringToken && (prev[n-2].tt == js.FromToken || prev[n-2].tt == js.ImportToken) {
			spec := prev[n-1].off
			// the clause: { … } up to the matching brace
			start, depth, typ := at, 0, ""
			var last []byte
			for {
				tt2, d2 := l.Next()
				if tt2 == js.ErrorToken {
					return out
				}
				off += len(d2)
				switch tt2 {
				case js.OpenBraceToken:
					depth++
				case js.CloseBraceToken:
					depth--
				case js.StringToken:
					if string(last) == "type" {
						typ = unquote(d2)
					}
				}
				if tt2 != js.WhitespaceToken && tt2 != js.LineTerminatorToken && tt2 != js.ColonToken {
					last = d2
				}
				if depth == 0 && tt2 == js.CloseBraceToken {
					break
				}
			}
			for i := start; i < off; i++ {
				if b[i] != '\n' {
					b[i] = ' '
				}
			}
			out[spec] = typ
			prev = prev[:0]
			continue
		}
		prev = append(prev, tok{tt, at, data})
		if len(prev) > 3 {
			prev = prev[1:]
		}
	}
}

// insertASI turns the blank before a [ or ( that starts a line after a } (where err
// points) into a semicolon, and reports whether it did.
func insertASI(b []byte, err error) bool {
	var pe *parse.Error
	if !errors.As(err, &pe) || pe.Line < 1 || pe.Column < 1 {
		return false
	}
	o := 0
	for line := 1; line < pe.Line && o < len(b); o++ {
		if b[o] == '\n' {
			line++
		}
	}
	o += pe.Column - 1
	if o <= 0 || o >= len(b) || b[o] != '[' && b[o] != '(' {
		return false
	}
	i := o - 1
	for i >= 0 && (b[i] == ' ' || b[i] == '\t') {
		i--
	}
	if i < 0 || b[i] != '\n' || o-1 == i {
		return false // not at the start of an indented line
	}
	j := i - 1
	for j >= 0 && (b[j] == ' ' || b[j] == '\t' || b[j] == '\r' || b[j] == '\n') {
		j--
	}
	if j < 0 || b[j] != '}' {
		return false
	}
	b[o-1] = ';'
	return true
}

func blankShebang(b []byte) {
	if len(b) >= 2 && b[0] == '#' && b[1] == '!' {
		for i := 0; i < len(b) && b[i] != '\n'; i++ {
			b[i] = ' '
		}
	}
}

func syntaxError(err error) *SyntaxError {
	var pe *parse.Error
	if errors.As(err, &pe) {
		return &SyntaxError{Pos: Pos{pe.Line, pe.Column}, Msg: pe.Message}
	}
	return &SyntaxError{Pos: Pos{1, 1}, Msg: err.Error()}
}

func lineStarts(b []byte) []int {
	starts := []int{0}
	for i, c := range b {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

type scanner struct {
	src    []byte
	lines  []int
	file   *File
	cursor int // end of the last token placed, in source order

	lazy, guard int // depth of function bodies, of guarded try blocks
	// dead is the depth of branches Lambda never runs (a test of a variable Lambda
	// always sets, lambdaenv.go): what they import or use is not recorded.
	dead int
	// fn is the depth of function bodies, those called where they are defined (IIFEs)
	// included: an await in one is not a top-level await.
	fn int

	top   []js.IStmt     // the top level, for the values of exported names
	attrs map[int]string // import attributes blanked out: specifier offset → type
	depth int            // of valueOfName
}

// offset returns where b lies in the source, or -1 when it is not a slice of it.
func (s *scanner) offset(b []byte) int {
	if len(b) == 0 || len(s.src) == 0 {
		return -1
	}
	base := uintptr(unsafe.Pointer(unsafe.SliceData(s.src)))
	p := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	if p < base || p >= base+uintptr(len(s.src)) {
		return -1
	}
	return int(p - base)
}

func (s *scanner) pos(off int) Pos {
	i := sort.Search(len(s.lines), func(i int) bool { return s.lines[i] > off }) - 1
	return Pos{Line: i + 1, Col: off - s.lines[i] + 1}
}

// seen advances the cursor past b when b is a slice of the source, and returns its
// offset (-1 otherwise).
func (s *scanner) seen(b []byte) int {
	off := s.offset(b)
	if off >= 0 && off+len(b) > s.cursor {
		s.cursor = off + len(b)
	}
	return off
}

// token finds the next token of type tt (and text, when not nil) from the cursor,
// moves the cursor past it and returns its offset; -1 when there is none. It lexes a
// window after the cursor, widened until the token is found (the lexer copies its
// input: lexing the rest of a large file for each lookup would be quadratic).
func (s *scanner) token(tt js.TokenType, text string) int {
	for w := 512; ; w *= 16 {
		end := min(s.cursor+w, len(s.src))
		if at, n := s.tokenIn(s.cursor, end, tt, text); at >= 0 {
			s.cursor = at + n
			return at
		}
		if end == len(s.src) {
			return -1
		}
	}
}

func (s *scanner) tokenIn(from, to int, tt js.TokenType, text string) (int, int) {
	if from >= to {
		return -1, 0
	}
	win := make([]byte, to-from, to-from+1)
	copy(win, s.src[from:to])
	l := js.NewLexer(parse.NewInputBytes(win))
	off := 0
	for {
		t, data := l.Next()
		if t == js.ErrorToken {
			return -1, 0
		}
		if t == tt && (text == "" || string(data) == text) && (from+off+len(data) < to || to == len(s.src)) {
			return from + off, len(data)
		}
		off += len(data)
	}
}

func (s *scanner) posOr(off int, fallback Pos) Pos {
	if off < 0 {
		return fallback
	}
	return s.pos(off)
}

func (s *scanner) markESM(off int, what string) {
	if !s.file.ESM {
		s.file.ESM = true
		s.file.ESMPos = s.posOr(off, Pos{1, 1})
		s.file.ESMWhat = what
	}
}

func (s *scanner) addImport(imp Import) {
	if s.dead > 0 {
		return
	}
	imp.Lazy = imp.Lazy || s.lazy > 0
	imp.Guarded = imp.Guarded || s.guard > 0
	s.file.Imports = append(s.file.Imports, imp)
}

// stringLit returns the value of a string literal expression.
func stringLit(e js.IExpr) (string, []byte, bool) {
	switch e := e.(type) {
	case *js.LiteralExpr:
		if e.TokenType == js.StringToken {
			return unquote(e.Data), e.Data, true
		}
	case *js.TemplateExpr:
		if e.Tag == nil && len(e.List) == 0 {
			return unquoteTemplate(e.Tail), e.Tail, true
		}
	case *js.GroupExpr:
		return stringLit(e.X)
	}
	return "", nil, false
}

// unquote decodes a JavaScript string literal (quotes included).
func unquote(b []byte) string {
	if len(b) < 2 {
		return string(b)
	}
	body := b[1 : len(b)-1]
	if bytes.IndexByte(body, '\\') < 0 {
		return string(body)
	}
	var out []byte
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c != '\\' || i+1 == len(body) {
			out = append(out, c)
			continue
		}
		i++
		switch c = body[i]; c {
		case 'n':
			out = append(out, '\n')
		case 't':
			out = append(out, '\t')
		case 'r':
			out = append(out, '\r')
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'v':
			out = append(out, '\v')
		case '0':
			out = append(out, 0)
		case '\n':
		case 'x':
			if i+2 < len(body) {
				if v, err := strconv.ParseUint(string(body[i+1:i+3]), 16, 8); err == nil {
					out = append(out, byte(v))
					i += 2
					continue
				}
			}
			out = append(out, c)
		case 'u':
			hex := ""
			if i+1 < len(body) && body[i+1] == '{' {
				if j := bytes.IndexByte(body[i:], '}'); j > 0 {
					hex = string(body[i+2 : i+j])
					i += j
				}
			} else if i+4 < len(body) {
				hex = string(body[i+1 : i+5])
				i += 4
			}
			if v, err := strconv.ParseUint(hex, 16, 32); err == nil {
				out = append(out, string(rune(v))...)
			}
		default:
			out = append(out, c)
		}
	}
	return string(out)
}

// unquoteTemplate decodes a template without substitutions (`x`).
func unquoteTemplate(b []byte) string {
	if len(b) >= 2 && b[0] == '`' && b[len(b)-1] == '`' {
		return unquote(append([]byte{'"'}, append(append([]byte{}, b[1:len(b)-1]...), '"')...))
	}
	return string(b)
}
