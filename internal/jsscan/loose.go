package jsscan

import (
	"bytes"

	"github.com/tdewolff/parse/v2"
	"github.com/tdewolff/parse/v2/js"
)

// Loose is what ScanLoose finds in a source a bundler compiles before Node sees it
// (TypeScript, JSX): the imports the bundle keeps and the names the module exports.
type Loose struct {
	Imports []Import
	Exports []string
}

// ScanLoose reads the imports and exports of a TypeScript or JSX source from its
// tokens, the way esbuild sees them when it compiles the file: import declarations
// (an import whose bindings are used only as types is dropped, as esbuild drops it;
// import type and export type are types only), export … from, import x =
// require('x'), require('x') and import('x'). It is a token scan, not a parse: a
// binding counts as used for a type when it follows `:`, `<`, `|`, `&`, `extends`,
// `implements`, `as`, `satisfies`, `keyof` or `typeof`, or a `,` inside `<…>`; any
// other use keeps the import. A require in a try block is Guarded (esbuild leaves one
// it cannot resolve to run time); Lazy is not set.
func ScanLoose(src []byte) Loose {
	var toks []tok
	l := js.NewLexer(parse.NewInputBytes(blankDecorators(src)))
	off := 0
	prev := js.ErrorToken
	prevText := ""
	nl := false
	for {
		tt, text := l.Next()
		if tt == js.ErrorToken {
			break
		}
		if (tt == js.DivToken || tt == js.DivEqToken) && regexpContext(prev, prevText) {
			tt2, text2 := l.RegExp()
			if tt2 == js.RegExpToken {
				tt, text = tt2, text2
			}
		}
		start := off
		off += len(text)
		if tt == js.LineTerminatorToken || tt == js.CommentLineTerminatorToken {
			nl = true
		}
		if tt == js.WhitespaceToken || tt == js.LineTerminatorToken || tt == js.CommentToken || tt == js.CommentLineTerminatorToken {
			continue
		}
		toks = append(toks, tok{tt, string(text), start, nl})
		nl = false
		prev, prevText = tt, string(text)
	}
	lines := lineStarts(src)
	posOf := func(o int) Pos {
		i := 0
		for i+1 < len(lines) && lines[i+1] <= o {
			i++
		}
		return Pos{Line: i + 1, Col: o - lines[i] + 1}
	}
	str := func(i int) (string, bool) {
		if i < len(toks) && toks[i].tt == js.StringToken && len(toks[i].text) >= 2 {
			return toks[i].text[1 : len(toks[i].text)-1], true
		}
		return "", false
	}
	is := func(i int, text string) bool { return i < len(toks) && toks[i].text == text }

	var out Loose
	// uses counts each identifier's uses outside import declarations that are not
	// type positions.
	valueUse := map[string]bool{}
	var angle []bool // bracket stack, for try blocks
	var tries []int  // len(angle) inside each open try block's brace
	type decl struct {
		imp   Import
		names []string
		// start, end: the token span of the declaration (its names are not uses)
		start, end int
	}
	var decls []decl
	isType := typePositions(toks)
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch t.text {
		case "(", "[", "{":
			if t.text == "{" && is(i-1, "try") {
				tries = append(tries, len(angle)+1)
			}
			angle = append(angle, false)
		case ")", "]", "}":
			if len(angle) > 0 {
				angle = angle[:len(angle)-1]
			}
			for len(tries) > 0 && tries[len(tries)-1] > len(angle) {
				tries = tries[:len(tries)-1]
			}
		}
		startOfStmt := i == 0 || toks[i-1].text == ";" || toks[i-1].text == "}" || toks[i-1].text == "{" || posOf(toks[i-1].off).Line < posOf(t.off).Line
		switch {
		case t.text == "import" && is(i+1, "(") && !is(i-1, "."):
			if s, ok := str(i + 2); ok && is(i+3, ")") {
				out.Imports = append(out.Imports, Import{Spec: s, Kind: DynamicImport, Pos: posOf(t.off)})
			}
		case t.text == "import" && startOfStmt && !is(i+1, "."):
			d := decl{imp: Import{Kind: ImportDecl, Pos: posOf(t.off)}, start: i}
			j := i + 1
			typeOnly := false
			if is(j, "type") && !is(j+1, "from") && !is(j+1, ",") && !is(j+1, "=") {
				typeOnly = true
			}
			if s, ok := str(j); ok { // import 'x'
				d.imp.Spec, d.end = s, j
				out.Imports = append(out.Imports, d.imp)
				i = j
				continue
			}
			if j < len(toks) && js.IsIdentifier(toks[j].tt) && is(j+1, "=") && is(j+2, "require") && is(j+3, "(") {
				if s, ok := str(j + 4); ok { // import x = require('x')
					d.imp.Spec, d.imp.Kind = s, Require
					d.names = []string{toks[j].text}
					d.end = j + 5
					decls = append(decls, d)
					i = j + 5
					continue
				}
			}
			// bindings up to from 'x'
			inBraces, typeMember := false, false
			for ; j < len(toks) && !is(j, ";"); j++ {
				tx := toks[j].text
				if tx == "from" && !inBraces {
					if s, ok := str(j + 1); ok {
						d.imp.Spec = s
						d.end = j + 1
					}
					break
				}
				switch tx {
				case "{":
					inBraces = true
				case "}":
					inBraces = false
				case ",":
					typeMember = false
				case "type":
					if inBraces && j+1 < len(toks) && js.IsIdentifierName(toks[j+1].tt) && !is(j+1, "as") {
						typeMember = true
					}
				case "as", "*":
				default:
					if js.IsIdentifierName(toks[j].tt) {
						if is(j+1, "as") {
							continue // the exported name; the local name follows as
						}
						if !typeMember {
							d.names = append(d.names, tx)
						}
					}
				}
			}
			if d.imp.Spec == "" {
				continue
			}
			if typeOnly {
				i = d.end
				continue
			}
			if len(d.names) == 0 {
				// import {} from 'x', or only type members: esbuild keeps the first
				// (a side effect import), drops the second
				if !bytes.Contains(src[toks[i].off:toks[d.end].off], []byte("type")) {
					out.Imports = append(out.Imports, d.imp)
				}
				i = d.end
				continue
			}
			decls = append(decls, d)
			i = d.end
		case t.text == "export" && startOfStmt:
			j := i + 1
			if is(j, "type") || is(j, "interface") || is(j, "declare") {
				continue
			}
			if is(j, "default") {
				out.Exports = append(out.Exports, "default")
				continue
			}
			if is(j, "async") {
				j++
			}
			switch {
			case is(j, "function") || is(j, "class") || is(j, "const") || is(j, "let") || is(j, "var"):
				k := j + 1
				if is(k, "*") {
					k++
				}
				if k < len(toks) && js.IsIdentifierName(toks[k].tt) {
					out.Exports = append(out.Exports, toks[k].text)
				}
			case is(j, "*"):
				for k := j; k < len(toks) && !is(k, ";"); k++ {
					if is(k, "from") {
						if s, ok := str(k + 1); ok {
							out.Imports = append(out.Imports, Import{Spec: s, Kind: ExportFrom, Pos: posOf(t.off)})
						}
						break
					}
				}
			case is(j, "{"):
				k := j + 1
				var names []string
				for ; k < len(toks) && !is(k, "}"); k++ {
					if !js.IsIdentifierName(toks[k].tt) {
						continue
					}
					if is(k+1, "as") || toks[k].text == "as" && k+1 < len(toks) && js.IsIdentifierName(toks[k+1].tt) {
						continue
					}
					names = append(names, toks[k].text)
				}
				if is(k+1, "from") {
					if s, ok := str(k + 2); ok {
						out.Imports = append(out.Imports, Import{Spec: s, Kind: ExportFrom, Pos: posOf(t.off)})
					}
				}
				out.Exports = append(out.Exports, names...)
			}
		case t.text == "require" && is(i+1, "(") && !is(i-1, "."):
			if s, ok := str(i + 2); ok && is(i+3, ")") {
				out.Imports = append(out.Imports, Import{Spec: s, Kind: Require, Pos: posOf(t.off), Guarded: len(tries) > 0})
			}
		case js.IsIdentifier(t.tt):
			if isType[i] || i > 0 && toks[i-1].text == "." {
				continue
			}
			valueUse[t.text] = true
		}
	}
	// An import declaration is kept when one of its bindings has a value use.
	for _, d := range decls {
		keep := false
		for _, n := range d.names {
			if valueUse[n] {
				keep = true
			}
		}
		if keep {
			out.Imports = append(out.Imports, d.imp)
		}
	}
	sortImports(out.Imports)
	return out
}

type tok struct {
	tt   js.TokenType
	text string
	off  int
	nl   bool // a line break comes before it
}

func newLineBetween(_, b tok) bool { return b.nl }

// blankDecorators blanks the @ of decorators (@Injectable()), which the JavaScript
// lexer does not take; an @ right after a quote, a slash or a backquote (a package
// name in a string, a path) stays.
func blankDecorators(src []byte) []byte {
	if bytes.IndexByte(src, '@') < 0 {
		return src
	}
	out := append([]byte(nil), src...)
	for i, c := range out {
		if c == '@' && (i == 0 || !bytes.ContainsRune([]byte("'\"`/"), rune(out[i-1]))) {
			out[i] = ' '
		}
	}
	return out
}

// typePositions marks the tokens that sit in TypeScript type positions: a type
// annotation (after a `:` that is neither an object literal's key colon, a ternary's
// nor a case label's), a generic's <…>, what follows as, satisfies and implements, a
// type alias (type X = …) and an interface or declare body. A type ends at a `,`, `)`,
// `]`, `}`, `;`, `=` or `{` at its own depth (a `{` that starts it is a type literal),
// and at `=>` unless it started with `(` (a function type).
func typePositions(toks []tok) []bool {
	isType := make([]bool, len(toks))
	type level struct {
		open    string // "(", "[", "{" object literal "o", block "b", type literal "t", generic "<"
		ternary int
		inType  bool // a type runs at this level
		typeFn  bool // the type started with (
		typeLen int  // tokens of the type so far
		caseLbl bool // a case/default label waits for its colon
	}
	stack := []level{{open: "b"}}
	top := func() *level { return &stack[len(stack)-1] }
	is := func(i int, text string) bool { return i >= 0 && i < len(toks) && toks[i].text == text }
	startType := func(l *level) { l.inType, l.typeFn, l.typeLen = true, false, 0 }
	skipTo := -1 // a type alias, interface or declare statement runs to here
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if i <= skipTo {
			isType[i] = true
			continue
		}
		l := top()
		// whole statements that are types
		stmtStart := i == 0 || is(i-1, ";") || is(i-1, "}") || is(i-1, "{") || is(i-1, "export")
		if stmtStart && (t.text == "interface" || t.text == "declare" || t.text == "type" && i+1 < len(toks) && js.IsIdentifier(toks[i+1].tt) && (is(i+2, "=") || is(i+2, "<"))) {
			skipTo = typeStatementEnd(toks, i)
			isType[i] = true
			continue
		}
		if l.inType {
			ends := false
			switch t.text {
			case ",", ")", "]", "}", ";", "=":
				ends = true
			case "{":
				ends = l.typeLen > 0
			case "=>":
				ends = !l.typeFn
			}
			if ends && l.open != "<" && l.open != "t" {
				l.inType = false
			} else if !ends || l.open == "<" || l.open == "t" {
				isType[i] = true
				if l.typeLen == 0 && t.text == "(" {
					l.typeFn = true
				}
				l.typeLen++
			}
		}
		switch t.text {
		case "(", "[":
			typ := l.inType || l.open == "<" || l.open == "t"
			stack = append(stack, level{open: t.text})
			if typ {
				startType(top())
			}
			continue
		case "{":
			kind := "b"
			switch {
			case l.inType && l.typeLen <= 1 || l.open == "t" || l.open == "<":
				kind = "t"
			case i > 0 && objectBefore(toks[i-1]):
				kind = "o"
			}
			stack = append(stack, level{open: kind})
			if kind == "t" {
				startType(top())
			}
			continue
		case "<":
			if i > 0 && (js.IsIdentifierName(toks[i-1].tt) || toks[i-1].text == ">") {
				stack = append(stack, level{open: "<"})
				startType(top())
				isType[i] = true
				continue
			}
		case ">", ">>", ">>>":
			n := len(t.text)
			for k := 0; k < n && len(stack) > 1 && top().open == "<"; k++ {
				stack = stack[:len(stack)-1]
			}
			continue
		case ")", "]", "}":
			for len(stack) > 1 {
				o := top().open
				stack = stack[:len(stack)-1]
				if o != "<" {
					break
				}
			}
			continue
		case "?":
			if !is(i+1, ":") && !is(i+1, ")") && !is(i+1, ",") && !l.inType {
				l.ternary++
			}
		case "case", "default":
			if !l.inType {
				l.caseLbl = true
			}
		case ":":
			switch {
			case l.inType:
			case l.ternary > 0:
				l.ternary--
			case l.caseLbl:
				l.caseLbl = false
			case l.open == "o":
			default:
				startType(l)
			}
		case "as", "satisfies", "implements":
			if !l.inType {
				startType(l)
			}
		}
	}
	return isType
}

// objectBefore reports whether a { after token p opens an object literal (not a block).
func objectBefore(p tok) bool {
	switch p.text {
	case "=", "(", ",", ":", "[", "return", "?", "||", "&&", "??", "...", "yield", "await", "!", "+", "-", "*", "/", "%", "<", ">", "==", "===", "!=", "!==", "|", "&", "^", "in", "of", "typeof", "void", "delete", "new", "case":
		return true
	}
	return false
}

// typeStatementEnd is the last token of the type alias, interface or declare
// statement starting at i: its closing brace (interface, declare with a body), or the
// token before the next statement: a `;` at depth 0, or a new line at depth 0 that does
// not continue the type (| & = , . ? : extends keyof).
func typeStatementEnd(toks []tok, i int) int {
	depth := 0
	braceBody := toks[i].text == "interface"
	for j := i + 1; j < len(toks); j++ {
		switch toks[j].text {
		case "(", "[", "{", "<":
			depth++
		case ")", "]", ">":
			depth--
		case "}":
			depth--
			if depth == 0 && braceBody {
				return j
			}
		case ";":
			if depth <= 0 {
				return j
			}
		}
		if depth <= 0 && !braceBody && j+1 < len(toks) && newLineBetween(toks[j], toks[j+1]) {
			switch toks[j+1].text {
			case "|", "&", "=", ",", ".", "?", ":", "extends", "keyof", "=>":
				continue
			}
			switch toks[j].text {
			case "|", "&", "=", ",", "=>", "<", "{", "(", ":":
				continue
			}
			return j
		}
	}
	return len(toks) - 1
}

// regexpContext reports whether a / after the token prev starts a regular
// expression.
func regexpContext(prev js.TokenType, text string) bool {
	if js.IsIdentifier(prev) || js.IsNumeric(prev) {
		return false
	}
	switch prev {
	case js.ErrorToken:
		return true
	case js.NumericToken, js.StringToken, js.TemplateToken, js.TemplateEndToken, js.RegExpToken, js.PrivateIdentifierToken:
		return false
	}
	switch text {
	case ")", "]", "}", "this", "super", "true", "false", "null", "++", "--":
		return false
	}
	return true
}

// sortImports orders imports by position.
func sortImports(imps []Import) {
	for i := 1; i < len(imps); i++ {
		for j := i; j > 0 && (imps[j].Line < imps[j-1].Line || imps[j].Line == imps[j-1].Line && imps[j].Col < imps[j-1].Col); j-- {
			imps[j], imps[j-1] = imps[j-1], imps[j]
		}
	}
}
