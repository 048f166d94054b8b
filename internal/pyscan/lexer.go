package pyscan

import (
	"bytes"
	"fmt"
	"unicode"
	"unicode/utf8"
)

// The lexer turns source bytes into logical lines of tokens. It is deliberately
// forgiving: every byte sequence lexes to something, each byte is looked at a
// bounded number of times, and nothing it does can panic.

type tokKind uint8

const (
	tkName tokKind = iota + 1
	tkNumber
	tkString
	tkOp
)

// Operator codes. Single-character operators use their own byte; the codes below
// (all >= 0x80) name the multi-character ones the scanner cares about.
const (
	opEllipsis byte = 0x80 + iota // ...
	opWalrus                      // :=
	opEqEq                        // ==
	opAug                         // any augmented assignment: += -= *= /= //= %= @= &= |= ^= >>= <<= **=
	opArrow                       // ->
	opOther                       // other multi-character operators: ** // << >> != <= >= <>
	opJunk                        // a byte or character that is not Python
)

// maxNest bounds f-string nesting (strings inside replacement fields inside
// strings ...), like CPython's MAXFSTRINGLEVEL. Deeper strings lex as plain
// strings, which keeps the recursion shallow on adversarial input.
const maxNest = 150

// maxInput is the most input Scan reads; token offsets are int32.
const maxInput = 1<<31 - 1

// maxErrors bounds File.Errors on junk input.
const maxErrors = 20

// maxLineToks bounds the tokens kept for one logical line (16 MiB of tokens): the rest
// of a longer line is read, to find where it ends, but not kept, so that a file of
// junk or of one endless expression cannot make the scanner allocate gigabytes.
const maxLineToks = 1 << 20

type tok struct {
	start, end int32 // byte offsets in src (Scan limits input to maxInput bytes)
	line       int32 // 1-based line of start
	kind       tokKind
	op         byte // for tkOp
}

type lexer struct {
	src   []byte
	pos   int
	line  int
	toks  []tok
	errs  []string
	nerrs int
	// semi is set when the line next returned has a ';' outside brackets
	// (possibly among tokens past maxLineToks, which are not kept): only then
	// need it be split into simple statements.
	semi bool
}

// add appends t to the tokens of the current logical line, merging a run of junk
// characters into one token and dropping tokens past maxLineToks. The common case
// is small enough to be inlined; addSlow does the rest.
func (lx *lexer) add(toks []tok, t tok) []tok {
	if t.op != opJunk && len(toks) < maxLineToks {
		return append(toks, t)
	}
	return lx.addSlow(toks, t)
}

func (lx *lexer) addSlow(toks []tok, t tok) []tok {
	if t.kind == tkOp && t.op == opJunk && len(toks) > 0 {
		if last := &toks[len(toks)-1]; last.kind == tkOp && last.op == opJunk && last.end == t.start {
			last.end = t.end
			return toks
		}
	}
	if len(toks) >= maxLineToks {
		if len(toks) == maxLineToks {
			lx.errorf("line %d: logical line longer than %d tokens: the rest is not scanned", t.line, maxLineToks)
			toks = append(toks, tok{start: t.start, end: t.start, line: t.line, kind: tkOp, op: opJunk})
		}
		return toks
	}
	return append(toks, t)
}

func (lx *lexer) errorf(format string, args ...any) {
	lx.nerrs++
	if lx.nerrs <= maxErrors {
		lx.errs = append(lx.errs, fmt.Sprintf(format, args...))
	}
}

// newlineLen is the length of the newline at src[i]: 1 for \n or a lone \r, 2 for
// \r\n, 0 when src[i] is not a newline (or i is out of range).
func newlineLen(src []byte, i int) int {
	if i >= len(src) {
		return 0
	}
	switch src[i] {
	case '\n':
		return 1
	case '\r':
		if i+1 < len(src) && src[i+1] == '\n' {
			return 2
		}
		return 1
	}
	return 0
}

func (lx *lexer) skipComment() { lx.pos = skipComment(lx.src, lx.pos) }

// skipComment returns the end of the comment at src[i]: the next newline, or
// the end of src.
func skipComment(src []byte, i int) int {
	for i < len(src) && src[i] != '\n' && src[i] != '\r' {
		i++
	}
	return i
}

// tokAt makes the token from start to the current position.
func (lx *lexer) tokAt(start int, line int, kind tokKind, op byte) tok {
	return tok{start: int32(start), end: int32(lx.pos), line: int32(line), kind: kind, op: op}
}

// Byte classes for the dispatch in next.
const (
	clOp        uint8 = iota // anything else: an operator or junk (see opAt)
	clSpace                  // ' ', '\t', '\f'
	clNewline                // '\n', '\r'
	clHash                   // '#'
	clBackslash              // '\\'
	clQuote                  // '"', '\''
	clDigit                  // '0'-'9'
	clDot                    // '.': a number when a digit follows, else an operator
	clIdent                  // an ASCII identifier start
	clHigh                   // a byte >= 0x80: an identifier or junk
)

var byteClass [256]uint8

func init() {
	for c := 0; c < 256; c++ {
		var cl uint8
		switch {
		case c == ' ' || c == '\t' || c == '\f':
			cl = clSpace
		case c == '\n' || c == '\r':
			cl = clNewline
		case c == '#':
			cl = clHash
		case c == '\\':
			cl = clBackslash
		case c == '"' || c == '\'':
			cl = clQuote
		case c >= '0' && c <= '9':
			cl = clDigit
		case c == '.':
			cl = clDot
		case c >= utf8.RuneSelf:
			cl = clHigh
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z': // asciiIDStart, which may not be set yet
			cl = clIdent
		}
		byteClass[c] = cl
	}
}

// next returns the tokens of the next logical line and the indentation width of
// its first physical line (tabs advance to the next multiple of 8, form feed
// resets). ok is false at end of input. The returned slice is reused by the next
// call: lx.toks keeps it, grown or not.
//
// The position is kept in the local pos, which the compiler can hold in a
// register; lx.pos is brought up to date around the calls that use it.
func (lx *lexer) next() (int, []tok, bool) {
	src := lx.src
	n := len(src)
	pos := lx.pos
	indent := 0
	toks := lx.toks[:0]
	depth := 0
	atStart := true
	lx.semi = false
	for {
		if atStart {
			col := 0
		indentLoop:
			for pos < n {
				switch src[pos] {
				case ' ':
					col++
				case '\t':
					col = col/8*8 + 8
				case '\f':
					col = 0
				default:
					break indentLoop
				}
				pos++
			}
			if pos < n && src[pos] == '#' {
				pos = skipComment(src, pos)
			}
			if k := newlineLen(src, pos); k > 0 {
				pos += k
				lx.line++
				continue
			}
			if pos >= n {
				lx.pos, lx.toks = pos, toks[:0]
				return 0, nil, false
			}
			indent = col
			atStart = false
		}
		if pos >= n {
			lx.pos, lx.toks = pos, toks[:0]
			if len(toks) > 0 {
				return indent, toks, true
			}
			return 0, nil, false
		}
		c := src[pos]
		switch byteClass[c] {
		case clSpace:
			pos++
		case clNewline:
			pos += newlineLen(src, pos)
			lx.line++
			if depth > 0 {
				continue
			}
			if len(toks) > 0 {
				lx.pos, lx.toks = pos, toks[:0]
				return indent, toks, true
			}
			atStart = true
		case clHash:
			pos = skipComment(src, pos)
		case clBackslash:
			if k := newlineLen(src, pos+1); k > 0 {
				pos += 1 + k
				lx.line++
				continue
			}
			lx.pos = pos
			toks = lx.add(toks, lx.junk())
			pos = lx.pos
		case clQuote:
			line := lx.line
			lx.pos = pos
			lx.scanString(false, false, 0)
			toks = lx.add(toks, tok{start: int32(pos), end: int32(lx.pos), line: int32(line), kind: tkString})
			pos = lx.pos
		case clDot:
			if pos+1 < n && src[pos+1] >= '0' && src[pos+1] <= '9' {
				lx.pos = pos
				lx.scanNumber()
				toks = lx.add(toks, tok{start: int32(pos), end: int32(lx.pos), line: int32(lx.line), kind: tkNumber})
				pos = lx.pos
				continue
			}
			k, op := opAt(src, pos)
			toks = lx.add(toks, tok{start: int32(pos), end: int32(pos + k), line: int32(lx.line), kind: tkOp, op: op})
			pos += k
		case clDigit:
			lx.pos = pos
			lx.scanNumber()
			toks = lx.add(toks, tok{start: int32(pos), end: int32(lx.pos), line: int32(lx.line), kind: tkNumber})
			pos = lx.pos
		case clIdent, clHigh:
			start := pos
			if c < utf8.RuneSelf {
				// ASCII fast path; scanIdentRest takes over at a non-ASCII byte.
				pos++
				for pos < n && asciiIDCont[src[pos]] {
					pos++
				}
				if pos < n && src[pos] >= utf8.RuneSelf {
					lx.pos = pos
					lx.scanIdentRest()
					pos = lx.pos
				}
			} else {
				lx.pos = pos
				ok := lx.scanIdent()
				if !ok {
					toks = lx.add(toks, lx.junk())
					pos = lx.pos
					continue
				}
				pos = lx.pos
			}
			if pos < n && (src[pos] == '"' || src[pos] == '\'') {
				if raw, f, ok := stringPrefix(src[start:pos]); ok {
					line := lx.line
					lx.pos = pos
					lx.scanString(raw, f, 0)
					toks = lx.add(toks, tok{start: int32(start), end: int32(lx.pos), line: int32(line), kind: tkString})
					pos = lx.pos
					continue
				}
			}
			toks = lx.add(toks, tok{start: int32(start), end: int32(pos), line: int32(lx.line), kind: tkName})
		default:
			k, op := opAt(src, pos)
			if op == opJunk {
				lx.pos = pos
				toks = lx.add(toks, lx.junk())
				pos = lx.pos
				continue
			}
			switch op {
			case '(', '[', '{':
				depth++
			case ')', ']', '}':
				if depth > 0 {
					depth--
				}
			case ';':
				if depth == 0 {
					lx.semi = true
				}
			}
			toks = lx.add(toks, tok{start: int32(pos), end: int32(pos + k), line: int32(lx.line), kind: tkOp, op: op})
			pos += k
		}
	}
}

// junk consumes the character at lx.pos, and the junk characters right after it, as
// one opJunk token.
func (lx *lexer) junk() tok {
	start := lx.pos
	lx.pos += charLen(lx.src, lx.pos)
	for lx.pos < len(lx.src) && isJunkAt(lx.src, lx.pos) {
		lx.pos += charLen(lx.src, lx.pos)
	}
	lx.errorf("line %d: invalid character", lx.line)
	return lx.tokAt(start, lx.line, tkOp, opJunk)
}

func charLen(src []byte, i int) int {
	if src[i] >= utf8.RuneSelf {
		_, size := utf8.DecodeRune(src[i:])
		return size
	}
	return 1
}

// isJunkAt reports whether the character at src[i] lexes as junk whatever precedes it.
func isJunkAt(src []byte, i int) bool {
	c := src[i]
	if c >= utf8.RuneSelf {
		r, _ := utf8.DecodeRune(src[i:])
		return r == utf8.RuneError || !isIDStart(r) && !isIDContinue(r)
	}
	switch {
	case c == ' ' || c == '\t' || c == '\f' || c == '\n' || c == '\r' || c == '#' || c == '\\' || c == '"' || c == '\'':
		return false
	case asciiIDCont[c] || c == '.':
		return false
	}
	_, op := opAt(src, i)
	return op == opJunk
}

// asciiIDStart and asciiIDCont say which ASCII bytes start and continue an
// identifier; they are indexed by any byte (false from utf8.RuneSelf up).
var asciiIDStart, asciiIDCont [256]bool

func init() {
	for c := 0; c < utf8.RuneSelf; c++ {
		start := c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		asciiIDStart[c] = start
		asciiIDCont[c] = start || c >= '0' && c <= '9'
	}
}

// isIDStart and isIDContinue approximate Python's XID_Start / XID_Continue.
func isIDStart(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiIDStart[r]
	}
	return unicode.IsLetter(r) || unicode.Is(unicode.Nl, r) || unicode.Is(unicode.Other_ID_Start, r)
}

func isIDContinue(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiIDCont[r]
	}
	return isIDStart(r) || unicode.In(r, unicode.Mn, unicode.Mc, unicode.Nd, unicode.Pc) ||
		unicode.Is(unicode.Other_ID_Continue, r)
}

// scanIdent consumes an identifier at lx.pos; it returns false (consuming
// nothing) when the character there cannot start one.
func (lx *lexer) scanIdent() bool {
	src := lx.src
	c := src[lx.pos]
	if c < utf8.RuneSelf {
		if !asciiIDStart[c] {
			return false
		}
		lx.pos++
	} else {
		r, size := utf8.DecodeRune(src[lx.pos:])
		if r == utf8.RuneError && size <= 1 || !isIDStart(r) {
			return false
		}
		lx.pos += size
	}
	lx.scanIdentRest()
	return true
}

// scanIdentRest consumes the identifier characters at lx.pos.
func (lx *lexer) scanIdentRest() {
	src := lx.src
	n := len(src)
	for lx.pos < n {
		c := src[lx.pos]
		if c < utf8.RuneSelf {
			if !asciiIDCont[c] {
				return
			}
			lx.pos++
			continue
		}
		r, size := utf8.DecodeRune(src[lx.pos:])
		if r == utf8.RuneError && size <= 1 || !isIDContinue(r) {
			return
		}
		lx.pos += size
	}
}

// scanNumber consumes a numeric literal loosely: digits, letters, '_', '.', and
// a sign right after an exponent marker of a decimal literal.
func (lx *lexer) scanNumber() {
	src := lx.src
	n := len(src)
	hex := lx.pos+1 < n && src[lx.pos] == '0' && (src[lx.pos+1] == 'x' || src[lx.pos+1] == 'X')
	for lx.pos < n {
		c := src[lx.pos]
		switch {
		case c < utf8.RuneSelf && asciiIDCont[c] || c == '.':
			lx.pos++
		case (c == '+' || c == '-') && !hex && (src[lx.pos-1] == 'e' || src[lx.pos-1] == 'E'):
			lx.pos++
		default:
			return
		}
	}
}

// stringPrefix reports whether p is a valid string prefix (any case: r u b f t
// br rb fr rf tr rt) and whether it makes the string raw and/or formatted.
func stringPrefix(p []byte) (raw, fstr, ok bool) {
	if len(p) == 0 || len(p) > 2 {
		return false, false, false
	}
	var r, u, b, f int
	for _, c := range p {
		switch c | 0x20 {
		case 'r':
			r++
		case 'u':
			u++
		case 'b':
			b++
		case 'f', 't':
			f++
		default:
			return false, false, false
		}
	}
	if len(p) == 2 && (r != 1 || u != 0 || b+f != 1) {
		return false, false, false
	}
	return r > 0, f > 0, true
}

// opAt returns the length and code of the operator at src[i].
func opAt(src []byte, i int) (int, byte) {
	c := src[i]
	var c1, c2 byte
	if i+1 < len(src) {
		c1 = src[i+1]
	}
	if i+2 < len(src) {
		c2 = src[i+2]
	}
	switch c {
	case '.':
		if c1 == '.' && c2 == '.' {
			return 3, opEllipsis
		}
		return 1, '.'
	case ':':
		if c1 == '=' {
			return 2, opWalrus
		}
		return 1, ':'
	case '=':
		if c1 == '=' {
			return 2, opEqEq
		}
		return 1, '='
	case '-':
		switch c1 {
		case '>':
			return 2, opArrow
		case '=':
			return 2, opAug
		}
		return 1, '-'
	case '*', '/', '<', '>':
		if c1 == c {
			if c2 == '=' {
				return 3, opAug
			}
			return 2, opOther
		}
		if c1 == '=' {
			if c == '*' || c == '/' {
				return 2, opAug
			}
			return 2, opOther
		}
		if c == '<' && c1 == '>' {
			return 2, opOther
		}
		return 1, c
	case '+', '%', '&', '|', '^', '@':
		if c1 == '=' {
			return 2, opAug
		}
		return 1, c
	case '!':
		if c1 == '=' {
			return 2, opOther
		}
		return 1, '!'
	case '~', '(', ')', '[', ']', '{', '}', ',', ';':
		return 1, c
	}
	return 1, opJunk
}

// scanString consumes a string literal whose opening quote is at lx.pos. raw and
// fstr come from its prefix; nest is the f-string nesting level. Lexically a
// backslash always takes the next character along (also in raw strings, where
// r"\"" is one string); in f-strings a backslash before a brace leaves the brace
// its meaning, and \N{...} (not raw) is a named escape, not a replacement field.
// An unterminated single-quoted string ends before the newline; an unterminated
// triple-quoted one at end of input.
func (lx *lexer) scanString(raw, fstr bool, nest int) {
	src := lx.src
	n := len(src)
	q := src[lx.pos]
	startLine := lx.line
	triple := lx.pos+2 < n && src[lx.pos+1] == q && src[lx.pos+2] == q
	if triple {
		lx.pos += 3
	} else {
		lx.pos++
	}
	for lx.pos < n {
		c := src[lx.pos]
		switch c {
		case q:
			if !triple {
				lx.pos++
				return
			}
			if lx.pos+2 < n && src[lx.pos+1] == q && src[lx.pos+2] == q {
				lx.pos += 3
				return
			}
			lx.pos++
		case '\\':
			lx.pos++
			if lx.pos >= n {
				continue
			}
			if k := newlineLen(src, lx.pos); k > 0 {
				lx.pos += k
				lx.line++
				continue
			}
			c2 := src[lx.pos]
			if fstr && (c2 == '{' || c2 == '}') {
				continue
			}
			if fstr && !raw && c2 == 'N' && lx.pos+1 < n && src[lx.pos+1] == '{' {
				j := lx.pos + 2
				for j < n && src[j] != '}' && src[j] != q && src[j] != '\n' && src[j] != '\r' {
					j++
				}
				if j < n && src[j] == '}' {
					lx.pos = j + 1
					continue
				}
			}
			lx.pos++
		case '\n', '\r':
			if !triple {
				lx.errorf("line %d: unterminated string literal", startLine)
				return
			}
			lx.pos += newlineLen(src, lx.pos)
			lx.line++
		case '{':
			if !fstr {
				lx.pos++
				continue
			}
			if lx.pos+1 < n && src[lx.pos+1] == '{' {
				lx.pos += 2
				continue
			}
			lx.pos++
			lx.scanField(q, triple, nest)
		default:
			lx.pos++
		}
	}
	if triple {
		lx.errorf("line %d: unterminated triple-quoted string literal", startLine)
	} else {
		lx.errorf("line %d: unterminated string literal", startLine)
	}
}

// scanField consumes an f-string replacement field after its '{', up to and
// including the matching '}'. It returns early, consuming nothing more, at the
// enclosing string's end (its closing quote seen from a format spec, or a
// newline at bracket depth 0 in a single-quoted string) so that scanString sees
// it. Strings inside the field are lexed as nested strings (PEP 701), so they
// may use the same quote.
func (lx *lexer) scanField(q byte, triple bool, nest int) {
	src := lx.src
	n := len(src)
	depth := 0
	for lx.pos < n {
		c := src[lx.pos]
		switch {
		case c == '"' || c == '\'':
			lx.scanString(false, false, nest+1)
		case c == '#':
			lx.skipComment()
		case c == '(' || c == '[' || c == '{':
			depth++
			lx.pos++
		case c == ')' || c == ']':
			if depth > 0 {
				depth--
			}
			lx.pos++
		case c == '}':
			lx.pos++
			if depth == 0 {
				return
			}
			depth--
		case c == ':' && depth == 0:
			lx.pos++
			lx.scanSpec(q, triple, nest)
			return
		case c == '\n' || c == '\r':
			if !triple && depth == 0 {
				return
			}
			lx.pos += newlineLen(src, lx.pos)
			lx.line++
		case c == '\\':
			lx.pos++
			if k := newlineLen(src, lx.pos); k > 0 {
				lx.pos += k
				lx.line++
			}
		case c < utf8.RuneSelf && asciiIDStart[c] || c >= utf8.RuneSelf:
			start := lx.pos
			if !lx.scanIdent() {
				lx.pos++
				continue
			}
			if lx.pos < n && (src[lx.pos] == '"' || src[lx.pos] == '\'') {
				if raw, f, ok := stringPrefix(src[start:lx.pos]); ok {
					lx.scanString(raw, f && nest+1 < maxNest, nest+1)
				}
			}
		case c >= '0' && c <= '9':
			lx.scanNumber()
		default:
			lx.pos++
		}
	}
}

// scanSpec consumes a format spec after the ':' of a replacement field, up to
// and including the '}' that closes the field; nested fields are allowed.
func (lx *lexer) scanSpec(q byte, triple bool, nest int) {
	src := lx.src
	n := len(src)
	for lx.pos < n {
		c := src[lx.pos]
		switch c {
		case '{':
			if lx.pos+1 < n && src[lx.pos+1] == '{' {
				lx.pos += 2
				continue
			}
			lx.pos++
			if nest+1 < maxNest {
				lx.scanField(q, triple, nest+1)
			}
		case '}':
			lx.pos++
			return
		case q:
			if !triple || lx.pos+2 < n && src[lx.pos+1] == q && src[lx.pos+2] == q {
				return
			}
			lx.pos++
		case '\n', '\r':
			if !triple {
				return
			}
			lx.pos += newlineLen(src, lx.pos)
			lx.line++
		case '\\':
			lx.pos++
			if k := newlineLen(src, lx.pos); k > 0 {
				lx.pos += k
				lx.line++
			} else if lx.pos < n && src[lx.pos] != '{' && src[lx.pos] != '}' {
				lx.pos++
			}
		default:
			lx.pos++
		}
	}
}

// Tokens tokenizes src as Scan does, logical line by logical line, and returns how
// many tokens and logical lines it holds: Scan's tokenizing pass and nothing else, the
// floor bench/floor measures a check against.
func Tokens(src []byte) (toks, lines int) {
	if len(src) > maxInput {
		src = src[:maxInput]
	}
	lx := lexer{src: src, line: 1}
	if bytes.HasPrefix(src, utf8BOM) {
		lx.pos = len(utf8BOM)
	}
	for {
		_, t, ok := lx.next()
		if !ok {
			return toks, lines
		}
		toks += len(t)
		lines++
	}
}
