package pysyntax

import (
	"bytes"
	"encoding/binary"
	"strconv"
	"sync"
	"unicode"
	"unicode/utf8"
)

// maxInput is the largest file read; a larger one is not judged.
const maxInput = 64 << 20

// keepToks is how many tokens of a logical line endLogical looks at: "async def f ["
// is the longest statement start it reads.
const keepToks = 4

// maxDepth bounds nested brackets and f-string fields (CPython: 200 brackets).
const maxDepth = 200

type tokKind uint8

const (
	tName tokKind = iota + 1
	tNumber
	tString
	tOp
)

type token struct {
	kind      tokKind
	off, end  int    // where it is in the source
	text      string // operators, keywords and soft keywords, "print"; "" for other names
	plain     bool   // a name that is no keyword or soft keyword
	line, col int
}

type paren struct {
	ch        byte
	line, col int
}

type quote struct {
	q      byte
	triple bool
}

// reader reads one file with CPython's tokenizer rules.
type reader struct {
	src       []byte
	i         int
	line      int
	lineStart int
	// col's memo: the column colVal of offset colOff on the line starting at colStart.
	colStart, colOff, colVal int
	// ascii: the source (after a byte order mark) is ASCII, each byte a column
	ascii bool

	problems []Problem
	stopped  bool // an error of every version was found
	unsure   bool // something Check does not model: report nothing

	ind, alt []int // indentation stacks (tabs to 8 columns; tabs as 1)
	parens   []paren

	toks       []token  // the current logical line's first tokens (at most keepToks)
	ntoks      int      // how many tokens the current logical line has
	imp        impState // where the reader is in a from-import statement (fromImport)
	afterSemi  bool     // the last token was a ';': a statement starts
	last       token    // its last token
	prev       *token   // the token before the next one, for adjacency (nil at a field start)
	header     bool     // the last logical line ended with ':' (a block header)
	headerLine int
	encl       []quote // the f-strings the reader is inside
}

// readerPool recycles readers, and with them their stacks and token buffer, between
// checks (getReader, putReader).
var readerPool = sync.Pool{New: func() any { return new(reader) }}

// getReader is newReader, from the pool.
func getReader(src []byte) *reader {
	r := readerPool.Get().(*reader)
	*r = reader{src: src, line: 1, ind: append(r.ind[:0], 0), alt: append(r.alt[:0], 0), colStart: -1,
		parens: r.parens[:0], toks: r.toks[:0]}
	return r
}

// putReader returns r to the pool once its problems are handed out; it keeps no source
// and no problem, and buffers that grew large are left to the garbage collector.
func putReader(r *reader) {
	if cap(r.ind) > maxDepth || cap(r.alt) > maxDepth || cap(r.parens) > 4*maxDepth || cap(r.toks) > 4*keepToks {
		return
	}
	*r = reader{ind: r.ind, alt: r.alt, parens: r.parens[:0], toks: r.toks[:0]}
	readerPool.Put(r)
}

// col is the 1-based column (in characters) of offset off on the current line. It
// counts on from the last column asked for, so a long line costs linear time.
func (r *reader) col(off int) int {
	if r.ascii {
		return off - r.lineStart + 1
	}
	return r.colSlow(off)
}

// colSlow is col for a source that is not ASCII.
func (r *reader) colSlow(off int) int {
	if r.colStart != r.lineStart || off < r.colOff {
		r.colStart, r.colOff, r.colVal = r.lineStart, r.lineStart, 1
	}
	r.colVal += utf8.RuneCount(r.src[r.colOff:off])
	r.colOff = off
	return r.colVal
}

// IsASCII reports whether b holds no byte of 0x80 or above, 8 bytes at a time.
func IsASCII(b []byte) bool {
	for len(b) >= 8 {
		if binary.LittleEndian.Uint64(b)&0x8080808080808080 != 0 {
			return false
		}
		b = b[8:]
	}
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func (r *reader) fail(k kind, line, col int, arg string) {
	if !r.stopped {
		r.problems = append(r.problems, Problem{Line: line, Col: col, kind: k, arg: arg})
		r.stopped = true
	}
}

func (r *reader) newer(since int, what string, line, col int) {
	r.problems = append(r.problems, Problem{Line: line, Col: col, Since: since, What: what, kind: kNewer})
}

func (r *reader) newerKind(k kind, since int, line, col int) {
	r.problems = append(r.problems, Problem{Line: line, Col: col, Since: since, kind: k})
}

// run reads the file; false when the reader cannot tell.
func (r *reader) run() bool {
	if len(r.src) > maxInput {
		return false
	}
	if len(r.src) >= 3 && r.src[0] == 0xEF && r.src[1] == 0xBB && r.src[2] == 0xBF {
		r.i, r.lineStart = 3, 3
	}
	// Most source is ASCII: then it is valid UTF-8, and a column is an offset (col).
	r.ascii = IsASCII(r.src[r.i:])
	if !r.ascii && !utf8.Valid(r.src) {
		return false
	}
	bol := true
	for !r.stopped && !r.unsure {
		if bol && len(r.parens) == 0 {
			if !r.indent() {
				break // end of input
			}
			bol = false
		}
		if r.i >= len(r.src) {
			break
		}
		c := r.src[r.i]
		switch {
		case c == ' ' || c == '\t' || c == '\f':
			r.i++
		case c == '#':
			r.skipComment()
		case c == '\n' || c == '\r':
			r.newline()
			if len(r.parens) == 0 {
				r.endLogical()
				bol = true
			}
		case c == '\\':
			r.continuation()
		case c == 0:
			r.unsure = true
		default:
			r.token()
		}
	}
	if r.unsure {
		return false
	}
	if !r.stopped {
		r.eof()
	}
	return true
}

func (r *reader) newline() {
	if r.src[r.i] == '\r' && r.i+1 < len(r.src) && r.src[r.i+1] == '\n' {
		r.i++
	}
	r.i++
	r.line++
	r.lineStart = r.i
}

func (r *reader) skipComment() {
	for r.i < len(r.src) && r.src[r.i] != '\n' && r.src[r.i] != '\r' {
		r.i++
	}
}

func (r *reader) continuation() {
	j := r.i + 1
	switch {
	case j >= len(r.src):
		r.fail(kInvalid, r.line, r.col(r.i), "")
	case r.src[j] == '\n' || r.src[j] == '\r':
		r.i = j
		r.newline()
	default:
		r.fail(kContinuation, r.line, r.col(r.i), "")
	}
}

// indent reads the indentation of the next line that holds a token and applies
// CPython's indentation rules to it; false at the end of the input.
func (r *reader) indent() bool {
	for {
		col, alt := 0, 0
		j := r.i
		for ; j < len(r.src); j++ {
			switch r.src[j] {
			case ' ':
				col++
				alt++
				continue
			case '\t':
				col = (col/8 + 1) * 8
				alt++
				continue
			case '\f':
				r.unsure = true
				return false
			}
			break
		}
		if j >= len(r.src) {
			r.i = j
			return false
		}
		switch r.src[j] {
		case '#':
			r.i = j
			r.skipComment()
			if r.i >= len(r.src) {
				return false
			}
			r.newline()
			continue
		case '\n', '\r':
			r.i = j
			r.newline()
			continue
		case '\\':
			// A line that starts with a continuation: CPython's handling depends on what
			// follows; not modelled.
			r.unsure = true
			return false
		}
		r.i = j
		r.applyIndent(col, alt)
		return true
	}
}

func (r *reader) applyIndent(col, alt int) {
	top := len(r.ind) - 1
	c := r.col(r.i)
	switch {
	case col == r.ind[top]:
		if alt != r.alt[top] {
			r.fail(kTab, r.line, c, "")
			return
		}
		if r.header {
			r.fail(kExpectedIndent, r.line, c, "")
		}
	case col > r.ind[top]:
		if alt <= r.alt[top] {
			r.fail(kTab, r.line, c, "")
			return
		}
		if !r.header {
			r.fail(kUnexpectedIndent, r.line, c, "")
			return
		}
		if len(r.ind) >= maxDepth {
			r.unsure = true
			return
		}
		r.ind = append(r.ind, col)
		r.alt = append(r.alt, alt)
	default:
		for len(r.ind) > 1 && col < r.ind[len(r.ind)-1] {
			r.ind = r.ind[:len(r.ind)-1]
			r.alt = r.alt[:len(r.alt)-1]
		}
		top = len(r.ind) - 1
		if col != r.ind[top] {
			r.fail(kDedent, r.line, c, "")
			return
		}
		if alt != r.alt[top] {
			r.fail(kTab, r.line, c, "")
			return
		}
		if r.header {
			r.fail(kExpectedIndent, r.line, c, "")
		}
	}
	r.header = false
}

func (r *reader) eof() {
	if n := len(r.parens); n > 0 {
		p := r.parens[n-1]
		r.fail(kUnclosed, p.line, p.col, string(p.ch))
		return
	}
	r.endLogical()
	if r.header {
		r.fail(kExpectedIndent, r.line, 1, "")
	}
}

// add records a token of the current logical line and checks it against the one
// before it: two names, or a name and a string, side by side never compile.
func (r *reader) add(t token) {
	if p := r.prev; p != nil && p.plain && (t.plain || t.kind == tString) {
		k := kInvalid
		if p.text == "print" && r.ntoks == 1 && r.encl == nil {
			k = kPrint
		}
		r.fail(k, t.line, t.col, "")
	}
	if len(r.encl) == 0 { // not inside an f-string's field
		semi := t.kind == tOp && t.text == ";"
		if r.imp != impNone || t.kind == tName && t.text == "from" {
			r.fromImport(t, semi)
		}
		r.afterSemi = semi
	}
	if len(r.toks) < keepToks {
		r.toks = append(r.toks, t)
	}
	r.ntoks++
	r.last = t
	r.prev = &r.last
}

// impState is where the reader is in a from-import statement.
type impState uint8

const (
	impNone  impState = iota
	impFrom           // after "from", before "import"
	impFirst          // right after "import"
	impNames          // in the names
	impStar           // right after a star import's "*"
)

// fromImport follows a from-import statement's names, t its next token: a star import
// names nothing else, so "from m import a, *", "from m import *, a" and
// "from m import (*)" never compile (SyntaxError: invalid syntax, every version).
// add calls it outside f-string fields, in a from-import or at a "from"; semi: t is a
// ';'. r.afterSemi is still about the token before t.
func (r *reader) fromImport(t token, semi bool) {
	start := r.ntoks == 0 || r.afterSemi
	switch r.imp {
	case impNone:
		if start && t.kind == tName && t.text == "from" {
			r.imp = impFrom
		}
	case impFrom:
		if t.kind == tName && t.text == "import" {
			r.imp = impFirst
		}
	case impFirst, impNames:
		switch {
		case semi:
			r.imp = impNone
		case t.kind == tOp && t.text == "*" && r.imp == impFirst:
			r.imp = impStar
		case t.kind == tOp && t.text == "*":
			r.fail(kInvalid, t.line, t.col, "")
			r.imp = impNone
		default:
			r.imp = impNames
		}
	case impStar:
		if !semi {
			r.fail(kInvalid, t.line, t.col, "")
		}
		r.imp = impNone
	}
}

// endLogical judges the logical line that just ended: statements newer than some
// runtimes, and whether it opens a block.
func (r *reader) endLogical() {
	ts, last, n := r.toks, r.last, r.ntoks
	r.toks, r.ntoks, r.prev = r.toks[:0], 0, nil
	r.imp, r.afterSemi = impNone, false
	if n == 0 {
		return
	}
	r.header = last.kind == tOp && last.text == ":"
	r.headerLine = ts[0].line
	first := ts[0]
	is := func(i int, kind tokKind, text string) bool {
		return i < len(ts) && ts[i].kind == kind && ts[i].text == text
	}
	// "key": value on a line of its own (a dict's line cut loose from its braces) is an
	// annotated assignment to a literal.
	if (first.kind == tString || first.kind == tNumber) && is(1, tOp, ":") {
		r.fail(kAnnotation, first.line, first.col, "")
		return
	}
	switch {
	case first.kind == tName && first.text == "match" && r.header && n > 2:
		r.newer(10, "a match statement", first.line, first.col)
	case is(0, tName, "except") && is(1, tOp, "*"):
		r.newer(11, "except*", first.line, first.col)
	case is(0, tName, "type") && len(ts) > 2 && ts[1].plain && (is(2, tOp, "=") || is(2, tOp, "[")):
		r.newer(12, "a type statement", first.line, first.col)
	}
	k := 0
	if is(0, tName, "async") {
		k = 1
	}
	if (is(k, tName, "def") || is(k, tName, "class")) && k+2 < len(ts) && ts[k+1].kind == tName && is(k+2, tOp, "[") {
		r.newer(12, "type parameters ("+ts[k].text+" "+string(r.src[ts[k+1].off:ts[k+1].end])+"[...])", ts[k+2].line, ts[k+2].col)
	}
}

// IsKeyword reports whether Check reads word as a keyword or soft keyword: a name
// beside which another name or a string is not an error. pyscan proves files clean
// with it (pyscan syntaxclean.go).
func IsKeyword(word []byte) bool { return keyword(word) != "" }

// keyword returns word when it is a Python 3 keyword or soft keyword (a name that
// starts statements in some versions), as a constant string, else "".
func keyword(word []byte) string {
	if len(word) > 8 {
		return ""
	}
	switch string(word) {
	case "False":
		return "False"
	case "None":
		return "None"
	case "True":
		return "True"
	case "and":
		return "and"
	case "as":
		return "as"
	case "assert":
		return "assert"
	case "async":
		return "async"
	case "await":
		return "await"
	case "break":
		return "break"
	case "class":
		return "class"
	case "continue":
		return "continue"
	case "def":
		return "def"
	case "del":
		return "del"
	case "elif":
		return "elif"
	case "else":
		return "else"
	case "except":
		return "except"
	case "finally":
		return "finally"
	case "for":
		return "for"
	case "from":
		return "from"
	case "global":
		return "global"
	case "if":
		return "if"
	case "import":
		return "import"
	case "in":
		return "in"
	case "is":
		return "is"
	case "lambda":
		return "lambda"
	case "nonlocal":
		return "nonlocal"
	case "not":
		return "not"
	case "or":
		return "or"
	case "pass":
		return "pass"
	case "raise":
		return "raise"
	case "return":
		return "return"
	case "try":
		return "try"
	case "while":
		return "while"
	case "with":
		return "with"
	case "yield":
		return "yield"
	case "match":
		return "match"
	case "case":
		return "case"
	case "type":
		return "type"
	case "_":
		return "_"
	}
	return ""
}

// oneChar holds the one-character operators as strings, so tokens share them.
var oneChar = func() (t [128]string) {
	for c := range t {
		t[c] = string(rune(c))
	}
	return t
}()

// asciiIdent says which ASCII bytes continue an identifier.
var asciiIdent = func() (t [128]bool) {
	for c := range t {
		t[c] = c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
	}
	return t
}()

func isIdentStart(c rune) bool {
	return c == '_' || c < utf8.RuneSelf && (c|0x20 >= 'a' && c|0x20 <= 'z') || c >= utf8.RuneSelf && (unicode.IsLetter(c) || unicode.Is(unicode.Nl, c))
}

func isIdentRest(c rune) bool {
	return isIdentStart(c) || c >= '0' && c <= '9' || c >= utf8.RuneSelf && (unicode.IsDigit(c) || unicode.In(c, unicode.Mn, unicode.Mc, unicode.Nd, unicode.Pc))
}

// Characters that look like Python but are not, as pasted from documents.
var lookalikes = map[rune]bool{
	'\u00a0': true, '\u2013': true, '\u2014': true, '\u2018': true, '\u2019': true,
	'\u201c': true, '\u201d': true, '\u2212': true, '\u00b4': true, '\u2032': true,
}

func (r *reader) token() {
	start := r.i
	line, col := r.line, r.col(start)
	c, n := rune(r.src[r.i]), 1
	if c >= utf8.RuneSelf {
		c, n = utf8.DecodeRune(r.src[r.i:])
	}
	switch {
	case isIdentStart(c):
		j := r.i + n
		for j < len(r.src) {
			if b := r.src[j]; b < utf8.RuneSelf {
				if !asciiIdent[b] {
					break
				}
				j++
				continue
			}
			d, m := utf8.DecodeRune(r.src[j:])
			if !isIdentRest(d) {
				break
			}
			j += m
		}
		word := r.src[r.i:j]
		if j < len(r.src) && (r.src[j] == '"' || r.src[j] == '\'') {
			if raw, fmt, tmpl, ok := prefix(word); ok {
				if tmpl {
					r.newer(14, "a template string (t\"...\")", line, col)
				}
				r.i = j
				r.str(raw, fmt || tmpl, start, line, col)
				return
			}
		}
		t := token{kind: tName, off: r.i, end: j, line: line, col: col}
		if kw := keyword(word); kw != "" {
			t.text = kw
		} else {
			t.plain = true
			if string(word) == "print" {
				t.text = "print"
			}
		}
		r.i = j
		r.add(t)
	case c >= '0' && c <= '9' || c == '.' && r.i+1 < len(r.src) && r.src[r.i+1] >= '0' && r.src[r.i+1] <= '9':
		r.number(line, col)
	case c == '"' || c == '\'':
		r.str(false, false, start, line, col)
	case c < utf8.RuneSelf:
		r.op(line, col)
	case lookalikes[c]:
		r.fail(kInvalidChar, line, col, string(c))
	default:
		r.unsure = true
	}
}

// prefix says whether word is a string prefix, and what kind of string it starts.
func prefix(word []byte) (raw, fmt, tmpl, ok bool) {
	if len(word) > 2 {
		return false, false, false, false
	}
	var seen [256]bool
	for i := 0; i < len(word); i++ {
		c := word[i] | 0x20
		if seen[c] {
			return false, false, false, false
		}
		seen[c] = true
	}
	switch len(word) {
	case 1:
		return seen['r'], seen['f'], seen['t'], seen['r'] || seen['u'] || seen['b'] || seen['f'] || seen['t']
	case 2:
		if seen['r'] && (seen['b'] || seen['f'] || seen['t']) {
			return true, seen['f'], seen['t'], true
		}
	}
	return false, false, false, false
}

func (r *reader) number(line, col int) {
	s := r.src
	j := r.i
	digits := func(ok func(byte) bool) {
		for j < len(s) && (ok(s[j]) || s[j] == '_') {
			j++
		}
	}
	dec := func(b byte) bool { return b >= '0' && b <= '9' }
	hex := func(b byte) bool { return dec(b) || b|0x20 >= 'a' && b|0x20 <= 'f' }
	intOnly := false
	if s[j] == '0' && j+1 < len(s) && (s[j+1]|0x20 == 'x' || s[j+1]|0x20 == 'o' || s[j+1]|0x20 == 'b') {
		j += 2
		digits(hex)
	} else {
		digits(dec)
		intOnly = true
		if j < len(s) && s[j] == '.' {
			intOnly = false
			j++
			digits(dec)
		}
		if j < len(s) && s[j]|0x20 == 'e' {
			k := j + 1
			if k < len(s) && (s[k] == '+' || s[k] == '-') {
				k++
			}
			if k < len(s) && dec(s[k]) {
				intOnly = false
				j = k
				digits(dec)
			}
		}
		if j < len(s) && s[j]|0x20 == 'j' {
			intOnly = false
			j++
		}
	}
	text := s[r.i:j]
	r.i = j
	if intOnly && len(text) > 1 && text[0] == '0' {
		for _, d := range string(text) {
			if d >= '1' && d <= '9' {
				r.fail(kLeadingZero, line, col, "")
				return
			}
		}
	}
	// Python 2's long suffix: 10L.
	if j < len(s) && s[j]|0x20 == 'l' && (j+1 >= len(s) || !isIdentRest(rune(s[j+1]))) && dec(text[len(text)-1]) {
		r.fail(kInvalid, line, r.col(j), "")
		return
	}
	r.add(token{kind: tNumber, line: line, col: col})
}

// opText returns the multi-character operator at the start of s, or "".
func opText(s []byte) string {
	if len(s) < 2 {
		return ""
	}
	c, d := s[0], s[1]
	e := byte(0)
	if len(s) > 2 {
		e = s[2]
	}
	switch {
	case c == '*' && d == '*':
		if e == '=' {
			return "**="
		}
		return "**"
	case c == '/' && d == '/':
		if e == '=' {
			return "//="
		}
		return "//"
	case c == '>' && d == '>':
		if e == '=' {
			return ">>="
		}
		return ">>"
	case c == '<' && d == '<':
		if e == '=' {
			return "<<="
		}
		return "<<"
	case c == '.' && d == '.' && e == '.':
		return "..."
	case c == '-' && d == '>':
		return "->"
	case c == '<' && d == '>':
		return "<>"
	case d == '=':
		switch c {
		case ':':
			return ":="
		case '=':
			return "=="
		case '!':
			return "!="
		case '<':
			return "<="
		case '>':
			return ">="
		case '+':
			return "+="
		case '-':
			return "-="
		case '*':
			return "*="
		case '/':
			return "/="
		case '%':
			return "%="
		case '&':
			return "&="
		case '|':
			return "|="
		case '^':
			return "^="
		case '@':
			return "@="
		}
	}
	return ""
}

func (r *reader) op(line, col int) {
	s := r.src[r.i:]
	text := opText(s)
	if text == "" {
		switch c := s[0]; c {
		case '(', '[', '{':
			if len(r.parens) >= maxDepth {
				r.unsure = true
				return
			}
			r.parens = append(r.parens, paren{c, line, col})
			text = oneChar[c]
		case ')', ']', '}':
			n := len(r.parens)
			if n == 0 {
				r.fail(kUnmatched, line, col, string(c))
				return
			}
			open := r.parens[n-1].ch
			if open != opening(c) {
				r.problems = append(r.problems, Problem{Line: line, Col: col, kind: kMismatch, arg: string(c), arg2: string(open)})
				r.stopped = true
				return
			}
			r.parens = r.parens[:n-1]
			text = oneChar[c]
		case '+', '-', '*', '/', '%', '@', '&', '|', '^', '~', '<', '>', '=', '.', ',', ':', ';':
			text = oneChar[c]
		default: // ! $ ? ` and control characters
			r.fail(kInvalid, line, col, "")
			return
		}
	}
	switch text {
	case "<>":
		r.fail(kInvalid, line, col, "")
		return
	case ":=":
		r.newer(8, "the walrus operator :=", line, col)
	}
	r.i += len(text)
	r.add(token{kind: tOp, text: text, line: line, col: col})
}

// str reads a string literal starting at the quote at r.i.
func (r *reader) str(raw, fmt bool, start, line, col int) {
	q := r.src[r.i]
	triple := r.i+2 < len(r.src) && r.src[r.i+1] == q && r.src[r.i+2] == q
	// A string inside an f-string field that an older Python would read as the end of
	// the f-string around it (PEP 701).
	for _, e := range r.encl {
		if e.q == q && (!e.triple || triple) {
			r.newer(12, "an f-string that reuses its quote inside {} (PEP 701)", line, col)
			break
		}
	}
	if triple {
		r.i += 3
	} else {
		r.i++
	}
	if fmt {
		r.fstr(quote{q, triple}, raw, line, col)
	} else {
		r.plain(quote{q, triple}, line, col)
	}
	if !r.stopped && !r.unsure {
		r.add(token{kind: tString, off: start, line: line, col: col})
	}
}

// closes reports whether the string's closing quote is at r.i.
func (r *reader) closes(qt quote) bool {
	s := r.src
	if s[r.i] != qt.q {
		return false
	}
	return !qt.triple || r.i+2 < len(s) && s[r.i+1] == qt.q && s[r.i+2] == qt.q
}

func (r *reader) endQuote(qt quote) {
	if qt.triple {
		r.i += 3
	} else {
		r.i++
	}
}

func (r *reader) unterminated(qt quote, line, col int) {
	if qt.triple {
		r.fail(kUntermTriple, line, col, strconv.Itoa(r.line))
	} else {
		r.fail(kUntermString, line, col, "")
	}
}

// plain reads the rest of a string that is not an f-string.
func (r *reader) plain(qt quote, line, col int) {
	for {
		if r.i >= len(r.src) {
			r.unterminated(qt, line, col)
			return
		}
		switch c := r.src[r.i]; {
		case r.closes(qt):
			r.endQuote(qt)
			return
		case c == '\\':
			r.i++
			if r.i < len(r.src) && (r.src[r.i] == '\n' || r.src[r.i] == '\r') {
				r.newline()
			} else if r.i < len(r.src) {
				r.i++
			}
		case c == '\n' || c == '\r':
			if !qt.triple {
				r.unterminated(qt, line, col)
				return
			}
			r.newline()
		default:
			r.i++
		}
	}
}

// fstr reads the rest of an f-string as Python 3.12 does, recording what older
// versions read differently.
func (r *reader) fstr(qt quote, raw bool, line, col int) {
	if len(r.encl) >= maxDepth/4 {
		r.unsure = true
		return
	}
	r.encl = append(r.encl, qt)
	defer func() { r.encl = r.encl[:len(r.encl)-1] }()
	for !r.stopped && !r.unsure {
		if r.i >= len(r.src) {
			r.unterminated(qt, line, col)
			return
		}
		switch c := r.src[r.i]; {
		case r.closes(qt):
			r.endQuote(qt)
			return
		case c == '\\':
			r.i++
			if r.i < len(r.src) && (r.src[r.i] == '\n' || r.src[r.i] == '\r') {
				r.newline()
			} else if !raw && r.i+1 < len(r.src) && r.src[r.i] == 'N' && r.src[r.i+1] == '{' {
				// \N{GREEK CAPITAL LETTER DELTA}: a named character, not a field.
				for r.i < len(r.src) && r.src[r.i] != '}' && r.src[r.i] != '\n' && r.src[r.i] != qt.q {
					r.i++
				}
				if r.i < len(r.src) && r.src[r.i] == '}' {
					r.i++
				}
			} else if r.i < len(r.src) && r.src[r.i] != '{' && r.src[r.i] != '}' {
				r.i++ // \{ is a backslash before a field, raw or not
			}
		case c == '\n' || c == '\r':
			if !qt.triple {
				r.unterminated(qt, line, col)
				return
			}
			r.newline()
		case c == '{':
			if r.i+1 < len(r.src) && r.src[r.i+1] == '{' {
				r.i += 2
				continue
			}
			r.field(qt)
		case c == '}':
			if r.i+1 < len(r.src) && r.src[r.i+1] == '}' {
				r.i += 2
				continue
			}
			r.fail(kSingleBrace, r.line, r.col(r.i), "")
		default:
			r.i++
		}
	}
}

// field reads a replacement field {expr!c:spec} of an f-string whose quote is qt,
// starting at its '{'.
func (r *reader) field(qt quote) {
	fline, fcol := r.line, r.col(r.i)
	r.i++
	saveToks, saveN, saveLast, saveParens := r.toks, r.ntoks, r.last, r.parens
	r.toks, r.ntoks, r.prev, r.parens = nil, 0, nil, nil
	defer func() {
		r.toks, r.ntoks, r.last, r.parens = saveToks, saveN, saveLast, saveParens
		r.prev = nil // the f-string's own token comes next
	}()
	ntok := 0
	for !r.stopped && !r.unsure {
		if r.i >= len(r.src) {
			r.unterminated(qt, fline, fcol)
			return
		}
		c := r.src[r.i]
		if len(r.parens) == 0 {
			switch {
			case c == '}':
				if ntok == 0 {
					r.fail(kEmptyField, r.line, r.col(r.i), "")
				}
				r.i++
				return
			case c == '!' && !(r.i+1 < len(r.src) && r.src[r.i+1] == '='):
				if ntok == 0 {
					r.fail(kEmptyField, r.line, r.col(r.i), "")
					return
				}
				r.i++
				r.conversion(qt)
				return
			case c == ':' && !(r.i+1 < len(r.src) && r.src[r.i+1] == '='):
				if ntok == 0 {
					r.fail(kEmptyField, r.line, r.col(r.i), "")
					return
				}
				r.i++
				r.spec(qt)
				return
			case c == ':': // {x:=10} is x formatted with "=10"
				r.i++
				r.spec(qt)
				return
			case c == '=' && r.i+1 < len(r.src) && (r.src[r.i+1] == '}' || r.src[r.i+1] == '!' || r.src[r.i+1] == ':'):
				r.newer(8, "a self-documenting f-string field {x=}", r.line, r.col(r.i))
				r.i++
				continue
			}
		}
		switch {
		case c == ' ' || c == '\t':
			r.i++
		case c == '\n' || c == '\r':
			if !qt.triple {
				r.newer(12, "an f-string field that spans lines (PEP 701)", r.line, r.col(r.i))
			}
			r.newline()
		case c == '#':
			r.newerKind(kCommentField, 12, r.line, r.col(r.i))
			r.skipComment()
		case c == '\\':
			if r.i+1 < len(r.src) && (r.src[r.i+1] == '\n' || r.src[r.i+1] == '\r') {
				r.newerKind(kBackslashField, 12, r.line, r.col(r.i))
				r.i++
				r.newline()
				continue
			}
			r.fail(kBackslashField, r.line, r.col(r.i), "")
		case c == 0:
			r.unsure = true
		default:
			n := r.ntoks
			r.token()
			if r.ntoks > n {
				ntok++
				if t := r.last; t.kind == tString && bytes.IndexByte(r.src[t.off:r.i], '\\') >= 0 {
					r.newerKind(kBackslashField, 12, t.line, t.col)
				}
			}
		}
	}
}

// conversion reads !r, !s or !a and what follows it, up to the field's end.
func (r *reader) conversion(qt quote) {
	j := r.i
	for j < len(r.src) && (r.src[j]|0x20 >= 'a' && r.src[j]|0x20 <= 'z') {
		j++
	}
	if j == r.i {
		r.fail(kInvalid, r.line, r.col(r.i), "")
		return
	}
	r.i = j
	// Python 3.12 reads the conversion as tokens: space, and in a triple-quoted
	// f-string new lines, may follow it; older versions want '}' or ':' at once.
	for sp := false; r.i < len(r.src); {
		c := r.src[r.i]
		if c == ' ' || c == '\t' || (c == '\n' || c == '\r') && qt.triple {
			if !sp {
				r.newer(12, "space after an f-string conversion (PEP 701)", r.line, r.col(r.i))
				sp = true
			}
			if c == ' ' || c == '\t' {
				r.i++
			} else {
				r.newline()
			}
			continue
		}
		break
	}
	switch {
	case r.i < len(r.src) && r.src[r.i] == '}':
		r.i++
	case r.i < len(r.src) && r.src[r.i] == ':':
		r.i++
		r.spec(qt)
	default:
		r.fail(kInvalid, r.line, r.col(r.i), "")
	}
}

// spec reads a format spec up to the field's closing '}', with nested fields.
func (r *reader) spec(qt quote) {
	for !r.stopped && !r.unsure {
		if r.i >= len(r.src) {
			r.unterminated(qt, r.line, r.col(r.i))
			return
		}
		switch c := r.src[r.i]; {
		case r.closes(qt):
			r.fail(kInvalid, r.line, r.col(r.i), "")
			return
		case c == '}':
			r.i++
			return
		case c == '{':
			r.field(qt)
		case c == '\n' || c == '\r':
			if !qt.triple {
				r.unterminated(qt, r.line, r.col(r.i))
				return
			}
			r.newline()
		case c == '\\':
			r.unsure = true // escapes in format specs: not modelled
		default:
			r.i++
		}
	}
}

func opening(c byte) byte {
	switch c {
	case ')':
		return '('
	case ']':
		return '['
	}
	return '{'
}
