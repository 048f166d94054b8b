package pyscan

import (
	"bytes"

	"github.com/layerkit/layerkit/internal/pysyntax"
)

// The scan proves, on its own tokens, that pysyntax.Check finds nothing in most files,
// so that a file is tokenized once, not once for the imports and again for the syntax
// check (issue 19.1). It is a proof of absence, never a verdict: a file it is not sure
// of (File.SyntaxClean false) is checked by pysyntax as before, and pysyntax alone
// says what a problem is and where. It is sure only of a file that is
//   - ASCII, with no tab or form feed (each column is a byte; both readers then count
//     indentation alike), and that the lexer read without an error (no unterminated
//     string, no character that is not Python, no line past maxLineToks);
//   - free of every construct pysyntax reports (reader.go): t-strings, f-strings other
//     than plain ones (fstringClean: one line, plain fields), the walrus operator, '!'
//     alone, '<>', a number other than a plain decimal, float or hexadecimal one, two
//     names side by side (or a name and a string) unless one is a keyword, a star
//     import with other names (starImports), a line starting with a string or number
//     and ':', the statements newer than some Python 3 (match, except*, type, type
//     parameters), brackets that do not match or close;
//   - indented as pysyntax's applyIndent requires: an indented block after each line
//     that ends with ':' and only there, dedents to an outer level.
// TestSyntaxCleanImpliesCheck (pysyntax) and FuzzSyntaxClean hold it to pysyntax.Check.

// maxCleanDepth is pysyntax's maxDepth: deeper brackets or blocks are not judged here.
const maxCleanDepth = 200

// synClean follows the logical lines of one scan.
type synClean struct {
	ok     bool
	header bool   // the last logical line ended with ':'
	ind    []int  // indentation widths of the open blocks, outermost (0) first
	parens []byte // the brackets open in the current logical line
}

// start readies c for src: ok when src is ASCII with no tab or form feed.
func (c *synClean) start(src []byte) {
	c.ok = pysyntax.IsASCII(src) && bytes.IndexByte(src, '\t') < 0 && bytes.IndexByte(src, '\f') < 0
	c.header = false
	c.ind = append(c.ind[:0], 0)
	c.parens = c.parens[:0]
}

// clean is the verdict once every line is seen: nerrs is the lexer's error count.
func (c *synClean) clean(nerrs int) bool {
	return c.ok && nerrs == 0 && !c.header
}

// line follows one logical line: its indentation width and tokens.
func (c *synClean) line(src []byte, indent int, toks []tok) {
	if !c.ok || len(toks) == 0 {
		return
	}
	if !c.indent(indent) || !c.tokens(src, toks) || !c.statement(src, toks) {
		c.ok = false
		return
	}
	c.header = isOp(toks[len(toks)-1], ':')
}

// indent is pysyntax's applyIndent for a source with no tab: false where it fails.
func (c *synClean) indent(col int) bool {
	top := c.ind[len(c.ind)-1]
	switch {
	case col == top:
		return !c.header
	case col > top:
		if !c.header || len(c.ind) >= maxCleanDepth {
			return false
		}
		c.ind = append(c.ind, col)
		return true
	}
	for len(c.ind) > 1 && col < c.ind[len(c.ind)-1] {
		c.ind = c.ind[:len(c.ind)-1]
	}
	return col == c.ind[len(c.ind)-1] && !c.header
}

// tokens checks each token of a logical line and the brackets.
func (c *synClean) tokens(src []byte, toks []tok) bool {
	parens := c.parens[:0]
	defer func() { c.parens = parens[:0] }()
	star, from := false, false
	for i, t := range toks {
		switch t.kind {
		case tkName:
			// two names side by side, or a name and a string, with no keyword first:
			// asked only of a name another name or a string follows
			if i+1 < len(toks) {
				if next := toks[i+1]; (next.kind == tkName || next.kind == tkString) && !pysyntax.IsKeyword(src[t.start:t.end]) &&
					(next.kind == tkString || !pysyntax.IsKeyword(src[next.start:next.end])) {
					return false
				}
			}
			from = from || isNameIn(src, t, "from")
		case tkString:
			for _, b := range src[t.start:t.end] {
				if b == '"' || b == '\'' {
					break
				}
				if b|0x20 == 't' {
					return false // a t-string
				}
				if b|0x20 == 'f' {
					if !fstringClean(src[t.start:t.end]) {
						return false
					}
					break
				}
			}
		case tkNumber:
			if !plainNumber(src, t) {
				return false
			}
		case tkOp:
			switch t.op {
			case '(', '[', '{':
				if len(parens) >= maxCleanDepth {
					return false
				}
				parens = append(parens, t.op)
			case ')', ']', '}':
				if len(parens) == 0 || parens[len(parens)-1] != openerOf(t.op) {
					return false
				}
				parens = parens[:len(parens)-1]
			case '!', opWalrus, opJunk:
				return false
			case opOther:
				if string(src[t.start:t.end]) == "<>" {
					return false
				}
			case '*':
				star = true
			}
		}
	}
	if len(parens) > 0 {
		return false // unclosed at the end of the input
	}
	return !from || !star || starImports(src, toks)
}

// starImports is pysyntax's fromImport over a logical line with a "from" and a '*':
// false where a star import names something else too (from m import a, *; from m
// import *, a; from m import (*); from import import *).
func starImports(src []byte, toks []tok) bool {
	const (
		none  = iota
		from  // after a statement's "from", before "import"
		first // right after "import"
		names // in the names
		star  // right after the star
	)
	state, afterSemi := none, false
	for i, t := range toks {
		semi := isOp(t, ';')
		switch state {
		case none:
			if (i == 0 || afterSemi) && isNameIn(src, t, "from") {
				state = from
			}
		case from:
			if isNameIn(src, t, "import") {
				state = first
			}
		case first, names:
			switch {
			case semi:
				state = none
			case isOp(t, '*') && state == first:
				state = star
			case isOp(t, '*'):
				return false
			default:
				state = names
			}
		case star:
			if !semi {
				return false
			}
			state = none
		}
		afterSemi = semi
	}
	return true
}

// statement is pysyntax's endLogical: the line's first tokens.
func (c *synClean) statement(src []byte, toks []tok) bool {
	n := len(toks)
	op := func(i int, o byte) bool { return i < n && isOp(toks[i], o) }
	first := toks[0]
	switch first.kind {
	case tkString, tkNumber:
		return !op(1, ':') // "key": value, an annotation of a literal
	case tkName:
	default:
		return true
	}
	k := 0
	switch string(src[first.start:first.end]) {
	case "match":
		return !(isOp(toks[n-1], ':') && n > 2)
	case "except":
		return !op(1, '*')
	case "type":
		return !(n > 2 && toks[1].kind == tkName && (op(2, '=') || op(2, '[')))
	case "async":
		if n < 2 || !isNameIn(src, toks[1], "def") && !isNameIn(src, toks[1], "class") {
			return true
		}
		k = 1
	case "def", "class":
	default:
		return true
	}
	// type parameters
	return !(k+2 < n && toks[k+1].kind == tkName && op(k+2, '['))
}

func isNameIn(src []byte, t tok, w string) bool {
	return t.kind == tkName && int(t.end-t.start) == len(w) && string(src[t.start:t.end]) == w
}

// openerOf is the opening bracket of closing bracket c: '(' is one below ')' in
// ASCII, '[' and '{' two below ']' and '}'.
func openerOf(c byte) byte {
	if c == ')' {
		return '('
	}
	return c - 2
}

// plainNumber reports whether number token t is one pysyntax reads the same and
// accepts: decimal digits (no leading zero before another digit), a float of digits
// and one '.', or 0x and hexadecimal digits, with no letter, digit or '.' right after
// it (no suffix, exponent or underscore).
func plainNumber(src []byte, t tok) bool {
	s := src[t.start:t.end]
	if e := int(t.end); e < len(src) && (asciiIDCont[src[e]] || src[e] == '.') {
		return false
	}
	if len(s) > 2 && s[0] == '0' && s[1]|0x20 == 'x' {
		for _, b := range s[2:] {
			if !(b >= '0' && b <= '9' || b|0x20 >= 'a' && b|0x20 <= 'f') {
				return false
			}
		}
		return true
	}
	dot, digits, nonzero := false, 0, false
	for _, b := range s {
		switch {
		case b == '.' && !dot:
			dot = true
		case b >= '0' && b <= '9':
			digits++
			nonzero = nonzero || b != '0'
		default:
			return false
		}
	}
	return digits > 0 && (dot || s[0] != '0' || !nonzero)
}

// fstringClean reports whether f-string token s (prefix and quotes included) is one
// pysyntax reads without a problem, judged conservatively: one quote each side (not
// triple), no backslash, '#', quote or line break inside; '{{' and '}}' for braces;
// each replacement field a plain expression (fieldClean) with an optional conversion
// !r, !s or !a and an optional format spec with no nested field.
func fstringClean(s []byte) bool {
	qi := bytes.IndexAny(s, `'"`)
	if qi < 0 || len(s)-qi < 2 || s[len(s)-1] != s[qi] {
		return false
	}
	if len(s)-qi >= 3 && s[qi+1] == s[qi] && s[qi+2] == s[qi] {
		return false // triple-quoted
	}
	body := s[qi+1 : len(s)-1]
	if bytes.ContainsAny(body, "\\#'\"\n\r") {
		return false
	}
	for i := 0; i < len(body); {
		switch body[i] {
		case '{', '}':
			if i+1 < len(body) && body[i+1] == body[i] {
				i += 2
				continue
			}
			if body[i] == '}' {
				return false // a single '}'
			}
			j, ok := fieldClean(body, i+1)
			if !ok {
				return false
			}
			i = j
		default:
			i++
		}
	}
	return true
}

// fieldClean reads the replacement field at body[i:] (after its '{') and returns
// where it ends (after its '}'); ok only when the expression is made of names and
// numbers (decimal, no leading zero, no suffix, no '.' after) joined by . , + - * / % and brackets
// that match, with no two names side by side (keywords included) and no '=', '!' or ':'
// inside it: pysyntax then finds nothing in it (reader.go field, conversion, spec).
func fieldClean(body []byte, i int) (int, bool) {
	var open [8]byte
	depth, ntok := 0, 0
	prevName := false
	for i < len(body) {
		c := body[i]
		if depth == 0 {
			switch c {
			case '}':
				return i + 1, ntok > 0
			case '!':
				if ntok == 0 || i+2 >= len(body) || body[i+1] != 'r' && body[i+1] != 's' && body[i+1] != 'a' {
					return 0, false
				}
				switch body[i+2] {
				case '}':
					return i + 3, true
				case ':':
					return specClean(body, i+3)
				}
				return 0, false
			case ':':
				if ntok == 0 {
					return 0, false
				}
				return specClean(body, i+1)
			}
		}
		switch {
		case c == ' ':
			i++
			continue
		case asciiIDStart[c]:
			if prevName {
				return 0, false
			}
			for i < len(body) && asciiIDCont[body[i]] {
				i++
			}
			prevName = true
			ntok++
			continue
		case c >= '0' && c <= '9':
			j := i
			for j < len(body) && asciiIDCont[body[j]] {
				if body[j] < '0' || body[j] > '9' {
					return 0, false
				}
				j++
			}
			if j-i > 1 && c == '0' {
				return 0, false
			}
			if j < len(body) && body[j] == '.' {
				return 0, false // a float (0.e0L, 1.5): pysyntax reads it as one number
			}
			i, prevName = j, false
			ntok++
			continue
		case c == '(' || c == '[':
			if depth == len(open) {
				return 0, false
			}
			open[depth] = c
			depth++
		case c == ')' || c == ']':
			if depth == 0 || open[depth-1] != openerOf(c) {
				return 0, false
			}
			depth--
		case c == '.' || c == ',' || c == '+' || c == '-' || c == '*' || c == '/' || c == '%':
		default:
			return 0, false
		}
		i++
		ntok++
		prevName = false
	}
	return 0, false
}

// specClean reads a format spec at body[i:] up to the field's '}'; a nested field is
// not judged here.
func specClean(body []byte, i int) (int, bool) {
	for ; i < len(body); i++ {
		switch body[i] {
		case '}':
			return i + 1, true
		case '{':
			return 0, false
		}
	}
	return 0, false
}
