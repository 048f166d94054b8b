// Package pyscan reads one Python source file and reports its import
// statements — with position, scope, ImportError guards, TYPE_CHECKING and
// __main__ context — and the names the module binds at top level.
//
// It works on tokens, not regular expressions and not a full parse: a
// hand-written lexer knows every string form (all prefixes, triple quotes,
// PEP 701 f-strings with nested strings and format specs), comments, line
// continuations and bracket joining, so text inside strings and comments is
// never taken for an import. Blocks are followed by indentation. Scan accepts
// any bytes: it never panics, runs in time linear in the input, and reports
// lexical problems in File.Errors rather than failing.
//
// Positions: Line is 1-based (\n, \r\n and a lone \r end a line, as in
// Python); Col is 1-based and counts characters (runes; an invalid UTF-8 byte
// counts as one, a tab as one), like Python's tokenize module and unlike
// ast's byte-based col_offset.
//
// Known limitations (it is not a parser):
//   - Input that is not valid Python gets a best-effort answer; blocks follow
//     indentation only.
//   - A handler naming a variable (`except errors:` with errors a tuple) is not
//     seen to catch ImportError.
//   - An alias of import_module (`from importlib import import_module as im`)
//     is recognised only in calls after that import; bare import_module(...)
//     counts wherever `from importlib import import_module` appears.
//   - TYPE_CHECKING and __main__ tests are recognised in their plain forms only
//     (optionally parenthesised), not inside and/or expressions.
//   - Names: match-statement capture patterns bind nothing here; a walrus in a
//     module-level lambda body is counted as a module binding.
//   - In a single-quoted f-string, a newline inside a replacement field outside
//     brackets ends the string (as an error), which CPython 3.12 may accept.
//   - Input beyond 2 GiB is not scanned.
package pyscan

import (
	"bytes"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// Scope is the kind of code an import runs in.
type Scope int

const (
	// ModuleScope: outside any def or class body (top-level if/try/for/... included).
	ModuleScope Scope = iota
	// FunctionScope: inside a def body (also a class body nested in a def).
	FunctionScope
	// ClassScope: inside a class body that is not inside a def.
	ClassScope
)

func (s Scope) String() string {
	switch s {
	case FunctionScope:
		return "function"
	case ClassScope:
		return "class"
	}
	return "module"
}

// GuardRole says which part of a guarding try statement an import sits in.
type GuardRole int

const (
	InTry GuardRole = iota + 1
	InExcept
)

func (r GuardRole) String() string {
	if r == InExcept {
		return "except"
	}
	return "try"
}

// Guard records that an import sits in the body (InTry) or in a handler
// (InExcept) of try statement TryID, and that the try has at least one handler
// catching the ImportError family: ImportError, ModuleNotFoundError, Exception,
// BaseException (also dotted, e.g. builtins.ImportError, or in a tuple), or a
// bare except. Tries whose handlers catch none of these are no guards, and the
// else/finally blocks of a try are not guarded.
type Guard struct {
	TryID int
	Role  GuardRole
}

// Name is one imported name of a from-import: `from m import a as b` gives
// {Name: "a", Alias: "b"}; a star import gives Name "*". Line and Col are the
// position of the name.
type Name struct {
	Name, Alias string
	Line, Col   int
}

// Import is one imported module. `import a, b` gives two Imports with the
// position of the `import` keyword.
type Import struct {
	// Module is the dotted module as written, without leading dots: "a.b"; ""
	// for `from . import x`.
	Module string
	// Level is the number of leading dots of a relative import; 0 for absolute.
	Level int
	// From is true for `from ... import ...`.
	From bool
	// Names are the imported names of a from-import.
	Names []Name
	// Alias is c in `import a.b as c`.
	Alias string
	// Line and Col are the position of the statement's first token (`import` or
	// `from`), or of the start of the call for a dynamic import.
	Line, Col int
	Scope     Scope
	// Dynamic is true for importlib.import_module("lit"), import_module("lit")
	// when imported from importlib, and __import__("lit"): string-literal
	// arguments only, or, in a call at module level, a name the module's top level
	// bound to a string literal (NAME = "lit") and nothing rebound since. A relative literal (".x") needs a package argument: a
	// literal package gives the absolute module, package=__package__ gives
	// Level; anything else is skipped.
	Dynamic bool
	// ReturnsTop is true for a dynamic __import__("a.b") whose fromlist is absent or
	// empty: __import__ then returns the top-level package a, importing it after a.b
	// (import.c, PyImport_ImportModuleLevelObject; importlib._bootstrap.__import__'s
	// _gcd_import(name.partition('.')[0])), which runs a again if it failed earlier
	// and left sys.modules while a.b stayed. importlib.import_module returns a.b itself.
	ReturnsTop bool
	// Guards are the enclosing ImportError-catching try statements, outermost
	// first.
	Guards []Guard
	// TypeChecking: inside `if TYPE_CHECKING:` / `if typing.TYPE_CHECKING:`
	// (any nesting; also `elif TYPE_CHECKING:`; not the elif/else branches
	// that follow such a test, and not `if not TYPE_CHECKING:`).
	TypeChecking bool
	// MainBlock: inside `if __name__ == "__main__":` (either operand order;
	// also as an elif).
	MainBlock bool
	// CalledAt is set on an import in a function body that a call at import time
	// runs (see calls.go): the line of that call. Such an import is in Imports where
	// it is written (FunctionScope), and in Events as an ImportEvent at the call, with
	// the call's scope and context and CalledAt set.
	CalledAt int
}

// Star reports whether imp is a star import (from m import *).
func (imp *Import) Star() bool { return imp.From && len(imp.Names) == 1 && imp.Names[0].Name == "*" }

// Absolute is the module imp names when it runs in a module whose __package__ is pkg;
// ok is false when a relative import has no parent package or reaches beyond the top one.
func (imp Import) Absolute(pkg string) (name string, ok bool) {
	if imp.Level == 0 {
		return imp.Module, true
	}
	// drop the last Level-1 parts of pkg
	for up := imp.Level - 1; up > 0; up-- {
		i := strings.LastIndexByte(pkg, '.')
		if i < 0 {
			return "", false
		}
		pkg = pkg[:i]
	}
	if pkg == "" {
		return "", false
	}
	if imp.Module != "" {
		pkg += "." + imp.Module
	}
	return pkg, true
}

// File is what Scan found in one source file.
type File struct {
	Imports []Import
	// Lines holds the names bound at module scope (outside def and class bodies,
	// including inside top-level if/try/for/while/with blocks): def, async def
	// and class names; assignment targets (also unpacking, starred, annotated
	// with a value, augmented, walrus); for targets; with ... as and except
	// ... as names; import bindings; type aliases; and names declared `global`
	// anywhere. A bare annotation (`x: int`) does not bind; del does not unbind.
	// Each gives the line of its first binding at module scope (0 when the binding
	// has no line of its own, e.g. a `global` declaration). Defines asks it.
	Lines map[string]int
	// Open is true when the module's top-level names cannot be known
	// statically: a module-level `def __getattr__`, a star import at module
	// scope, or any call of globals(), vars() or exec(), or sys.modules[__name__],
	// anywhere in the file.
	Open bool
	// DefinesAll is true when __all__ is bound at module scope.
	DefinesAll bool
	// Errors are lexical problems (unterminated strings, invalid characters);
	// informative only, at most about 20.
	Errors []string
	// Events are, in program order, the imports that functions called at import time
	// run, the calls into other modules at import time, the sys.path edits and the
	// dynamic imports that cannot be followed (calls.go, syspath.go).
	Events []Event
	// Funcs says what calling each module-level function or method runs (calls.go).
	Funcs map[string]*Func

	// Flow is the module's top level as Python runs it (flow.go).
	Flow []Stmt
	// All is the literal __all__ (a list or tuple of strings, bound at the top level,
	// possibly extended with +=); AllKnown says it is that and nothing else binds it.
	All      []string
	AllKnown bool
	// Dynamic is true when the module's names cannot be known for a reason other than
	// a star import or a module-level __getattr__ (a binding in Flow, which counts
	// from the moment it runs): globals(), vars(), exec(), sys.modules[__name__].
	Dynamic bool
	// MaybeNames are names bound only where flow does not follow (`global x` in a def).
	MaybeNames map[string]bool
	// AttrReads is true when Flow has an StAttr.
	AttrReads bool
	// AttrStores are the attribute names the file may assign, at any scope, on an object
	// other than self or cls: a target `a.X = v`, `a.X += v`, `a.X, b = v`, `for a.X in`,
	// `with ... as a.X` (a name read in a target, such as d[a.K] = v, counts too). At most
	// maxAttrStores; past that, SetsAttrs.
	AttrStores []string
	// SetsAttrs is true when the file may set attributes whose names it computes, or
	// replace modules: setattr(...), __setattr__, __dict__, vars(...), exec(...),
	// eval(...), or any use of a name `modules` (sys.modules).
	SetsAttrs bool
	// CondNames are the names Flow binds only under a condition (in a try, an if, a
	// loop) or deletes; every other name in Names is bound when the statement at its
	// line in Lines runs.
	CondNames map[string]bool
	// Consts are the names bound once, at the top level outside any block, to a test
	// Cond evaluates (`PY2 = sys.version_info[0] == 2`, `PY3 = not PY2`), and nowhere
	// else: an if test that reads one is decided as that test is (Cond.EvalWith).
	Consts map[string]*Cond
	// SyntaxClean is true when the scan proved, on its own tokens, that pysyntax.Check
	// finds nothing in the file (syntaxclean.go); false says nothing about the file.
	SyntaxClean bool
}

type blockKind uint8

const (
	bPlain blockKind = iota
	bDef
	bClass
	bTryBody
	bExcept
	bIfTC
	bIfMain
	bMatch
)

type block struct {
	indent int
	kind   blockKind
	tryID  int
	cond   int32 // an if/elif/else/while block: 1 + index in callState.conds (calls.go)
	loop   bool  // a for or while block (its body may run more than once)
}

// pending dynamic import: kept at the end only if its callee turns out to be
// importlib.import_module.
type pending struct {
	idx  int    // index in scanner.imps
	qual string // "importlib" alias for q.import_module(...), "" for a bare import_module(...)
}

// span is a range [start, end) of one of the scanner's scratch buffers.
type span struct{ start, end int32 }

// impExtra is what an import in scanner.imps has besides the Import: where its
// names and its guards are in the scratch buffers, and whether it is dropped.
type impExtra struct {
	names, guards span
	drop          bool
}

// binding is one module-level name binding, in source order: the name is
// src[start:end], or name when start < 0.
type binding struct {
	name             string
	start, end, line int32
}

type scanner struct {
	src    []byte
	lx     lexer
	syn    synClean // the proof that pysyntax finds nothing (syntaxclean.go)
	f      *File
	stack  []block
	nDef   int
	nClass int
	nLoop  int // for and while blocks on stack
	// strConst: module-level names bound at the top level (in no block) to a plain
	// string literal (NAME = "x"), until something binds or deletes them again; the
	// value a dynamic import at module level reads (importlib.import_module(NAME)).
	// strSpoil: names a `global` declaration lets a function rebind.
	strConst map[string]string
	strSpoil map[string]bool
	catches  []bool // by try ID; index 0 unused
	pend     []pending
	modAlias map[string]bool // names bound to importlib.import_module
	libAlias map[string]bool // names bound to the importlib module
	cx       *callState      // calls, defs, sys.path edits (calls.go)

	// Imports, their names and guards, and the module-level bindings are collected
	// in scratch buffers that are reused from scan to scan (see scanPool); finish
	// copies them once into exactly sized results. imps[i].Names and .Guards are
	// unset until then: extra[i] says where they are.
	imps   []Import
	extra  []impExtra
	names  []Name
	guards []Guard
	binds  []binding
	// finish's own scratch: the real guards.
	realGuards []Guard
	// attrStores' candidates
	attrCand []int32

	// block context of the current stack, valid until the next push or pop
	ctxOK     bool
	ctxGuards span // in guards
	ctxTC     bool
	ctxMain   bool

	colOff, colVal int // last col() answer

	fl    flowState // File.Flow being built (flow.go)
	cslab []cnode   // if tests' nodes (cond.go)
	pslab []*cnode
	// the last test parseCond read: where, and what it gave
	condSeen bool
	condSpan span
	condLast *Cond

	// strings handed out by str
	strs     strings.Builder
	strChunk int
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// scanPool recycles scanners, and with them their scratch buffers, between scans.
var scanPool = &sync.Pool{New: func() any { return new(scanner) }}

// maxPooled bounds the length of a scratch buffer kept for the next scan, so that
// one huge file does not pin its buffers.
const maxPooled = 1 << 14

// maxPooledMap is the most entries a scratch map may hold at the end of a scan to be
// kept for the next: clearing a map costs what it once held, not what it holds, so a
// map one large file grew would make every later scan pay for it.
const maxPooledMap = 64

// Scan scans one Python source file. It accepts any input.
func Scan(src []byte) *File {
	s := scanPool.Get().(*scanner)
	s.reset()
	s.flowReset()
	s.f = &File{}
	if len(src) > maxInput {
		src = src[:maxInput]
		s.lx.errorf("input longer than %d bytes: the rest is not scanned", maxInput)
	}
	s.src = src
	s.lx.src = src
	s.lx.line = 1
	if bytes.HasPrefix(src, utf8BOM) {
		s.lx.pos = len(utf8BOM)
	}
	s.syn.start(src)
	for {
		indent, toks, ok := s.lx.next()
		if !ok {
			break
		}
		s.syn.line(src, indent, toks)
		s.logicalLine(indent, toks)
	}
	f := s.f
	f.SyntaxClean = s.syn.clean(s.lx.nerrs)
	s.finish()
	s.finishCalls()
	s.release()
	return f
}

// reset readies a scanner from scanPool for a new scan, keeping its buffers.
func (s *scanner) reset() {
	*s = scanner{
		lx:         lexer{toks: s.lx.toks[:0]},
		stack:      s.stack[:0],
		catches:    append(s.catches[:0], false),
		pend:       s.pend[:0],
		imps:       s.imps[:0],
		extra:      s.extra[:0],
		names:      s.names[:0],
		guards:     s.guards[:0],
		binds:      s.binds[:0],
		realGuards: s.realGuards[:0],
		attrCand:   s.attrCand[:0],
		cx:         s.cx.recycle(),
		fl:         flowState{frames: s.fl.frames[:0], modName: s.fl.modName, renum: s.fl.renum, arena: s.fl.arena[:0]},
		syn:        synClean{ind: s.syn.ind[:0], parens: s.syn.parens[:0]},
	}
}

// release returns s to scanPool, dropping the source and buffers that grew too
// large. The small strings left in its buffers are not cleared (that costs more
// than the scan's own copying): they are kept only until the next scan overwrites
// them or the pool drops the scanner.
func (s *scanner) release() {
	s.src, s.lx.src, s.lx.errs, s.f, s.modAlias, s.libAlias = nil, nil, nil, nil, nil, nil
	s.cslab, s.pslab, s.condLast = nil, nil, nil // the File holds them
	s.strs = strings.Builder{}
	if s.cx != nil {
		s.cx.in = s.cx.in.recycle()
	}
	if cap(s.lx.toks) > maxPooled*4 || cap(s.imps) > maxPooled || cap(s.names) > maxPooled ||
		cap(s.binds) > maxPooled || cap(s.guards) > maxPooled || cap(s.stack) > maxPooled ||
		cap(s.catches) > maxPooled || cap(s.pend) > maxPooled || cap(s.attrCand) > maxPooled ||
		cap(s.syn.ind) > maxCleanDepth || cap(s.syn.parens) > maxCleanDepth {
		return // let the garbage collector have it all
	}
	scanPool.Put(s)
}

// finish decides the pending dynamic imports and builds the File's results from
// the scratch buffers: one allocation each for the imports, their names, their
// guards, and the two name maps.
func (s *scanner) finish() {
	f := s.f
	for _, p := range s.pend {
		keep := false
		if p.qual == "" {
			keep = s.modAlias["import_module"]
		} else {
			keep = p.qual == "importlib" || s.libAlias[p.qual]
		}
		if !keep {
			s.extra[p.idx].drop = true
		}
	}
	if n := len(s.imps) - s.dropped(); n > 0 {
		// Guards of tries that catch the ImportError family, computed once for the
		// imports that share one context.
		guards := s.realGuards[:0]
		var last, lastReal span
		for i := range s.imps {
			x := &s.extra[i]
			if x.drop || x.guards.start == x.guards.end {
				continue
			}
			if x.guards != last {
				last = x.guards
				lastReal.start = int32(len(guards))
				for _, g := range s.guards[x.guards.start:x.guards.end] {
					if s.catches[g.TryID] {
						guards = append(guards, g)
					}
				}
				lastReal.end = int32(len(guards))
			}
			x.guards = lastReal
		}
		s.realGuards = guards
		var allGuards []Guard
		if len(guards) > 0 {
			allGuards = make([]Guard, len(guards))
			copy(allGuards, guards)
		}
		var allNames []Name
		if len(s.names) > 0 {
			allNames = make([]Name, len(s.names))
			copy(allNames, s.names)
		}
		out := make([]Import, 0, n)
		for i := range s.imps {
			x := &s.extra[i]
			if x.drop {
				continue
			}
			out = append(out, s.imps[i])
			imp := &out[len(out)-1]
			if x.names.start < x.names.end {
				imp.Names = allNames[x.names.start:x.names.end:x.names.end]
			}
			if x.guards.start < x.guards.end {
				imp.Guards = allGuards[x.guards.start:x.guards.end:x.guards.end]
			}
		}
		f.Imports = out
	}
	s.nameMaps()
	f.DefinesAll = f.Defines("__all__")
	f.Errors = s.lx.errs
	if s.lx.nerrs > maxErrors {
		f.Errors = append(f.Errors, "... more errors")
	}
	s.flowFinish()
}

// dropped counts the imports finish drops.
func (s *scanner) dropped() int {
	n := 0
	for _, p := range s.pend {
		if s.extra[p.idx].drop {
			n++
		}
	}
	return n
}

// nameMaps builds File.Lines from the bindings: the first binding of a name gives its
// line. Lines is nil when nothing is bound.
func (s *scanner) nameMaps() {
	f := s.f
	if len(s.binds) == 0 {
		return
	}
	lines := make(map[string]int, len(s.binds))
	for _, b := range s.binds {
		if b.start < 0 {
			if _, ok := lines[b.name]; !ok {
				lines[b.name] = int(b.line)
			}
			continue
		}
		if _, ok := lines[string(s.src[b.start:b.end])]; !ok {
			lines[s.str(s.src[b.start:b.end])] = int(b.line)
		}
	}
	f.Lines = lines
}

// Defines reports whether the module binds name at module scope (File.Lines).
func (f *File) Defines(name string) bool {
	_, ok := f.Lines[name]
	return ok
}

// str returns b as a string. The strings of one scan (module names, imported
// names, bound names) are carved from a few shared chunks rather than allocated
// one by one: a strings.Builder never changes bytes it has written, so each
// string it returned stays valid while it fills. The chunks grow from 128 bytes
// to 4 KiB, which keeps the unused tail small for small files.
func (s *scanner) str(b []byte) string {
	if len(b) > s.strs.Cap()-s.strs.Len() {
		s.strChunk = min(max(2*s.strChunk, 128), 4096)
		s.strs = strings.Builder{}
		s.strs.Grow(max(len(b), s.strChunk))
	}
	s.strs.Write(b)
	all := s.strs.String()
	return all[len(all)-len(b):]
}

// addImport adds imp, whose names (of a from-import) are s.names[nameStart:].
func (s *scanner) addImport(imp *Import, nameStart int) {
	s.imps = append(s.imps, *imp)
	s.extra = append(s.extra, impExtra{
		names:  span{int32(nameStart), int32(len(s.names))},
		guards: s.ctxGuards,
	})
	s.noteImport()
	s.flowImport()
}

// ---- token helpers

func (s *scanner) bytesOf(t tok) []byte { return s.src[t.start:t.end] }

func (s *scanner) isName(t tok, w string) bool {
	return t.kind == tkName && int(t.end-t.start) == len(w) && string(s.src[t.start:t.end]) == w
}

func isOp(t tok, op byte) bool { return t.kind == tkOp && t.op == op }

// isIdent reports whether t is a name usable as an identifier (not a hard
// keyword).
func (s *scanner) isIdent(t tok) bool {
	return t.kind == tkName && !isKeyword(s.src[t.start:t.end])
}

func isKeyword(b []byte) bool { return isKeywordString(string(b)) }

func isKeywordString(s string) bool {
	switch s {
	case "False", "None", "True", "and", "as", "assert", "async", "await",
		"break", "class", "continue", "def", "del", "elif", "else", "except",
		"finally", "for", "from", "global", "if", "import", "in", "is",
		"lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try",
		"while", "with", "yield":
		return true
	}
	return false
}

// col is the 1-based character column of byte offset off.
// Columns are asked for in increasing offsets almost always; continuing from the
// previous answer when it is on the same line keeps many imports on one huge
// line linear.
func (s *scanner) col(off int) int {
	if s.colOff > 0 && off >= s.colOff && noNewline(s.src[s.colOff:off]) {
		s.colVal += utf8.RuneCount(s.src[s.colOff:off])
		s.colOff = off
		return s.colVal
	}
	i := off
	for i > 0 && s.src[i-1] != '\n' && s.src[i-1] != '\r' {
		i--
	}
	if i == 0 && bytes.HasPrefix(s.src, utf8BOM) {
		i = len(utf8BOM)
	}
	if i > off {
		i = off
	}
	s.colOff, s.colVal = off, utf8.RuneCount(s.src[i:off])+1
	return s.colVal
}

// noNewline reports whether b holds neither '\n' nor '\r'.
func noNewline(b []byte) bool {
	return bytes.IndexByte(b, '\n') < 0 && bytes.IndexByte(b, '\r') < 0
}

// closeOf returns the index of the bracket closing toks[i], or -1.
func closeOf(toks []tok, i int) int {
	depth := 0
	for j := i; j < len(toks); j++ {
		t := toks[j]
		if t.kind != tkOp {
			continue
		}
		switch t.op {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return -1
}

// findColon returns the index of the ':' ending a compound statement header
// that starts at toks[from], skipping brackets and lambda colons; -1 if none.
func (s *scanner) findColon(toks []tok, from int) int {
	depth, lambdas := 0, 0
	for i := from; i < len(toks); i++ {
		t := toks[i]
		switch t.kind {
		case tkOp:
			switch t.op {
			case '(', '[', '{':
				depth++
			case ')', ']', '}':
				if depth > 0 {
					depth--
				}
			case ':':
				if depth == 0 {
					if lambdas == 0 {
						return i
					}
					lambdas--
				}
			}
		case tkName:
			if depth == 0 && s.isName(t, "lambda") {
				lambdas++
			}
		}
	}
	return -1
}

// ---- block context

func (s *scanner) moduleScope() bool { return s.nDef == 0 && s.nClass == 0 }

func (s *scanner) push(b block) {
	s.ctxOK = false
	s.stack = append(s.stack, b)
	switch b.kind {
	case bDef:
		s.nDef++
	case bClass:
		s.nClass++
	}
	if b.loop {
		s.nLoop++
	}
}

func (s *scanner) pop() block {
	s.ctxOK = false
	b := s.stack[len(s.stack)-1]
	s.stack = s.stack[:len(s.stack)-1]
	s.flowClose()
	if b.loop {
		s.nLoop--
	}
	switch b.kind {
	case bDef:
		s.nDef--
		s.closeDef()
	case bClass:
		s.nClass--
		s.closeDef()
	}
	return b
}

// newImport starts an Import at t with the current block context.
func (s *scanner) newImport(t tok) Import {
	imp := Import{Line: int(t.line), Col: s.col(int(t.start))}
	switch {
	case s.nDef > 0:
		imp.Scope = FunctionScope
	case s.nClass > 0:
		imp.Scope = ClassScope
	}
	if !s.ctxOK {
		s.ctxOK = true
		s.ctxTC, s.ctxMain = false, false
		start := len(s.guards)
		for _, b := range s.stack {
			switch b.kind {
			case bTryBody:
				s.guards = append(s.guards, Guard{TryID: b.tryID, Role: InTry})
			case bExcept:
				s.guards = append(s.guards, Guard{TryID: b.tryID, Role: InExcept})
			case bIfTC:
				s.ctxTC = true
			case bIfMain:
				s.ctxMain = true
			}
		}
		s.ctxGuards = span{int32(start), int32(len(s.guards))}
	}
	// The guards are s.ctxGuards, which addImport records: no block is pushed or
	// popped between newImport and addImport.
	imp.TypeChecking, imp.MainBlock = s.ctxTC, s.ctxMain
	return imp
}

// bind and bindString record a module-level binding; finish makes File.Names
// and File.Lines of them.
func (s *scanner) bind(t tok) {
	s.binds = append(s.binds, binding{start: t.start, end: t.end, line: t.line})
	s.flowBind(t)
	if len(s.strConst) > 0 {
		delete(s.strConst, string(s.bytesOf(t)))
	}
}

func (s *scanner) bindString(name string, line int) {
	s.binds = append(s.binds, binding{name: name, start: -1, line: int32(line)})
	s.flowImportName(name)
	if len(s.strConst) > 0 {
		delete(s.strConst, name)
	}
}

// noteConst records NAME = "literal" at the top level of the module (toks: the
// statement), and forgets the names `del` unbinds, for strConst.
func (s *scanner) noteConst(toks []tok) {
	if len(toks) > 1 && s.isName(toks[0], "del") {
		for _, t := range toks[1:] {
			if len(s.strConst) > 0 && t.kind == tkName {
				delete(s.strConst, string(s.bytesOf(t)))
			}
		}
		return
	}
	if len(s.stack) > 0 || len(toks) != 3 || !s.isIdent(toks[0]) || !isOp(toks[1], '=') {
		return
	}
	v, ok := s.literal(toks[2])
	name := string(s.bytesOf(toks[0]))
	if !ok || s.strSpoil[name] {
		return
	}
	if s.strConst == nil {
		s.strConst = map[string]string{}
	}
	if len(s.strConst) < maxCallsPerFile {
		s.strConst[name] = v
	}
}

// constant is the string the name t is bound to, read by a call at module
// level: a strConst, outside loops (a later iteration may see a later binding) and
// when nothing rebinds names at run time (globals(), exec, ...).
func (s *scanner) constant(t tok) (string, bool) {
	if t.kind != tkName || len(s.strConst) == 0 || !s.moduleScope() || s.nLoop > 0 || s.f.Open {
		return "", false
	}
	v, ok := s.strConst[string(s.bytesOf(t))]
	return v, ok
}

// ---- statements

func (s *scanner) logicalLine(indent int, toks []tok) {
	var sib block
	hasSib := false
	for len(s.stack) > 0 && s.stack[len(s.stack)-1].indent >= indent {
		b := s.pop()
		if b.indent == indent {
			sib, hasSib = b, true
		}
	}
	if toks[0].kind == tkName {
		kw := headKeyword(s.bytesOf(toks[0]))
		i0 := 0
		if kw == "async" && len(toks) > 1 {
			if k := headKeyword(s.bytesOf(toks[1])); k == "def" || k == "for" || k == "with" {
				kw, i0 = k, 1
			}
		}
		switch kw {
		case "if", "elif", "else", "while", "for", "with", "def", "class", "try", "except", "finally":
			if s.compound(kw, i0, indent, toks, sib, hasSib) {
				return
			}
		case "match":
			// `match` is a soft keyword: a line starting with it whose header colon
			// ends the line is a match statement (a simple statement cannot end in ':').
			if len(toks) >= 3 && !isOp(toks[1], '.') && !isOp(toks[1], '=') && s.findColon(toks, 1) == len(toks)-1 {
				if s.compound(kw, i0, indent, toks, sib, hasSib) {
					return
				}
			}
		case "case":
			if n := len(s.stack); n > 0 && s.stack[n-1].kind == bMatch {
				if s.compound(kw, i0, indent, toks, sib, hasSib) {
					return
				}
			}
		}
	}
	s.simpleStmts(toks)
}

// headKeyword returns b as a string when it is a keyword that can start a
// compound statement (or async), "" otherwise; it does not allocate.
func headKeyword(b []byte) string {
	switch string(b) {
	case "if":
		return "if"
	case "elif":
		return "elif"
	case "else":
		return "else"
	case "while":
		return "while"
	case "for":
		return "for"
	case "with":
		return "with"
	case "def":
		return "def"
	case "class":
		return "class"
	case "try":
		return "try"
	case "except":
		return "except"
	case "finally":
		return "finally"
	case "match":
		return "match"
	case "case":
		return "case"
	case "async":
		return "async"
	}
	return ""
}

// compound handles a compound statement header toks[i0] (a keyword) ... ':'
// and the simple statements after the colon. It returns false when there is no
// header colon (then the line is treated as simple statements).
func (s *scanner) compound(kw string, i0, indent int, toks []tok, sib block, hasSib bool) bool {
	colon := s.findColon(toks, i0+1)
	if colon < 0 {
		return false
	}
	head := toks[i0+1 : colon]
	rest := toks[colon+1:]
	s.flowHeader(kw, head)
	s.exprScan(toks[:colon])
	b := block{indent: indent}
	if kw == "if" || kw == "elif" || kw == "else" || kw == "while" {
		b.cond = s.noteCond(kw, head)
	}
	b.loop = kw == "for" || kw == "while"
	mod := s.moduleScope()
	switch kw {
	case "def", "class":
		if kw == "def" {
			b.kind = bDef
		} else {
			b.kind = bClass
		}
		if mod && len(head) > 0 && s.isIdent(head[0]) {
			s.bind(head[0])
			if kw == "def" && s.isName(head[0], "__getattr__") {
				s.f.Open = true
			}
		}
	case "if", "elif":
		// The body of `elif TYPE_CHECKING:` runs only when TYPE_CHECKING is true,
		// so it is type-checking code too; the branches after a TYPE_CHECKING
		// test (elif/else) are not, since the test's block was popped.
		b.kind = s.ifKind(head)
	case "for":
		if mod {
			depth := 0
			for i, t := range head {
				if t.kind == tkOp {
					switch t.op {
					case '(', '[', '{':
						depth++
					case ')', ']', '}':
						depth--
					}
				}
				if depth == 0 && s.isName(t, "in") {
					s.bindTargets(head[:i])
					break
				}
			}
		}
	case "with":
		if mod {
			seen := 0
			for i := 0; i+1 < len(head) && seen < 64; i++ {
				if !s.isName(head[i], "as") {
					continue
				}
				seen++
				nt := head[i+1]
				switch {
				case s.isIdent(nt):
					if i+2 >= len(head) || !(isOp(head[i+2], '.') || isOp(head[i+2], '[') || isOp(head[i+2], '(')) {
						s.bind(nt)
					}
				case isOp(nt, '(') || isOp(nt, '['):
					if j := closeOf(head, i+1); j > 0 {
						s.bindTargets(head[i+2 : j])
					}
				}
			}
		}
	case "try":
		b.kind = bTryBody
		b.tryID = len(s.catches)
		s.catches = append(s.catches, false)
	case "except":
		if hasSib && (sib.kind == bTryBody || sib.kind == bExcept) {
			b.kind = bExcept
			b.tryID = sib.tryID
			if s.catchesImportError(head) {
				s.catches[sib.tryID] = true
			}
		}
		if mod {
			for i := 0; i+1 < len(head); i++ {
				if s.isName(head[i], "as") && s.isIdent(head[i+1]) {
					s.bind(head[i+1])
				}
			}
		}
	case "match":
		b.kind = bMatch
	}
	s.flowOpen(kw, toks[i0].line, head, hasSib)
	s.push(b)
	if b.kind == bDef || b.kind == bClass {
		s.openDef(kw, head)
	}
	if len(rest) > 0 {
		s.simpleStmts(rest)
	}
	return true
}

// importErrorFamily are the exception names whose handlers catch ImportError.
func importErrorFamily(b []byte) bool {
	switch string(b) {
	case "ImportError", "ModuleNotFoundError", "Exception", "BaseException":
		return true
	}
	return false
}

// catchesImportError reports whether an except clause with the expression head
// (the tokens between `except` and the colon) catches the ImportError family.
func (s *scanner) catchesImportError(head []tok) bool {
	if len(head) > 0 && isOp(head[0], '*') {
		head = head[1:]
	}
	if len(head) == 0 {
		return true
	}
	for i, t := range head {
		if s.isName(t, "as") {
			break
		}
		if t.kind == tkName && importErrorFamily(s.bytesOf(t)) && (i+1 >= len(head) || !isOp(head[i+1], '.')) {
			return true
		}
	}
	return false
}

// stripParens removes brackets enclosing the whole of toks.
// Only short conditions are looked at: the tests it serves are a few tokens.
func stripParens(toks []tok) []tok {
	for len(toks) >= 2 && len(toks) <= 32 && isOp(toks[0], '(') && closeOf(toks, 0) == len(toks)-1 {
		toks = toks[1 : len(toks)-1]
	}
	return toks
}

// ifKind classifies an if statement by its condition.
func (s *scanner) ifKind(cond []tok) blockKind {
	cond = stripParens(cond)
	n := len(cond)
	if n%2 == 1 && s.isName(cond[n-1], "TYPE_CHECKING") {
		ok := true
		for i := 0; i < n-1; i += 2 {
			if cond[i].kind != tkName || !isOp(cond[i+1], '.') {
				ok = false
				break
			}
		}
		if ok {
			return bIfTC
		}
	}
	if n == 3 && isOp(cond[1], opEqEq) {
		a, b := cond[0], cond[2]
		if s.isName(b, "__name__") {
			a, b = b, a
		}
		if s.isName(a, "__name__") && b.kind == tkString {
			if v, ok := s.literal(b); ok && v == "__main__" {
				return bIfMain
			}
		}
	}
	return bPlain
}

func (s *scanner) simpleStmts(toks []tok) {
	if !s.lx.semi {
		s.simpleStmt(toks) // the common case: no ';' to split at
		return
	}
	depth, start := 0, 0
	for i, t := range toks {
		if t.kind != tkOp {
			continue
		}
		switch t.op {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			if depth > 0 {
				depth--
			}
		case ';':
			if depth == 0 {
				s.simpleStmt(toks[start:i])
				start = i + 1
			}
		}
	}
	s.simpleStmt(toks[start:])
}

func (s *scanner) simpleStmt(toks []tok) {
	if len(toks) == 0 {
		return
	}
	s.flowSimple(toks)
	mod := s.moduleScope()
	if toks[0].kind == tkName {
		switch string(s.bytesOf(toks[0])) {
		case "import":
			s.importStmt(toks) // holds no calls: no exprScan
			return
		case "from":
			s.fromStmt(toks)
			return
		case "global":
			for _, t := range toks[1:] {
				if s.isIdent(t) {
					s.bind(t)
					if s.strSpoil == nil {
						s.strSpoil = map[string]bool{}
					}
					if len(s.strSpoil) < maxCallsPerFile {
						s.strSpoil[string(s.bytesOf(t))] = true
					}
				}
			}
			return
		case "type":
			if mod && len(toks) > 2 && s.isIdent(toks[1]) {
				for _, t := range toks[2:] {
					if isOp(t, '=') {
						s.bind(toks[1])
						return
					}
				}
			}
		}
	}
	s.exprScan(toks)
	if toks[0].kind == tkName && isKeyword(s.bytesOf(toks[0])) {
		if mod {
			s.noteConst(toks) // del
		}
		return
	}
	if mod {
		s.assign(toks)
		s.noteConst(toks)
	}
}

// assign binds the targets of an assignment, annotated assignment with a value,
// or augmented assignment statement.
func (s *scanner) assign(toks []tok) {
	depth, segStart, annot := 0, 0, -1
	for i, t := range toks {
		switch t.kind {
		case tkOp:
			switch t.op {
			case '(', '[', '{':
				depth++
			case ')', ']', '}':
				if depth > 0 {
					depth--
				}
			case '=':
				if depth == 0 {
					if annot >= 0 {
						s.bindTargets(toks[:annot])
						return
					}
					s.bindTargets(toks[segStart:i])
					segStart = i + 1
				}
			case ':':
				if depth == 0 && segStart == 0 && annot < 0 {
					annot = i
				}
			case opAug:
				if depth == 0 && segStart == 0 && annot < 0 {
					s.bindTargets(toks[:i])
					return
				}
			}
		case tkName:
			if depth == 0 && s.isName(t, "lambda") {
				return
			}
		}
	}
}

// bindTargets binds the names of a target list: names, (nested) tuples and
// lists, starred names; attribute and subscription targets bind nothing.
func (s *scanner) bindTargets(toks []tok) { s.bindTargetsNested(toks, 0) }

// maxTargetNesting bounds the bracket nesting bindTargets looks into, keeping
// hostile input linear.
const maxTargetNesting = 32

func (s *scanner) bindTargetsNested(toks []tok, nesting int) {
	depth, start := 0, 0
	for i := 0; i <= len(toks); i++ {
		if i < len(toks) {
			t := toks[i]
			if t.kind != tkOp {
				continue
			}
			switch t.op {
			case '(', '[', '{':
				depth++
				continue
			case ')', ']', '}':
				if depth > 0 {
					depth--
				}
				continue
			case ',':
				if depth != 0 {
					continue
				}
			default:
				continue
			}
		}
		item := toks[start:i]
		start = i + 1
		if len(item) > 0 && isOp(item[0], '*') {
			item = item[1:]
		}
		switch {
		case len(item) == 1 && s.isIdent(item[0]):
			s.bind(item[0])
		case len(item) >= 2 && nesting < maxTargetNesting && (isOp(item[0], '(') || isOp(item[0], '[')) &&
			(isOp(item[len(item)-1], ')') || isOp(item[len(item)-1], ']')) && closeOf(item, 0) == len(item)-1:
			s.bindTargetsNested(item[1:len(item)-1], nesting+1)
		}
	}
}

// dotted reads NAME ('.' NAME)* at toks[i]; it returns the dotted name and the
// index after it, or ok=false.
func (s *scanner) dotted(toks []tok, i int) (string, int, bool) {
	if i >= len(toks) || !s.isIdent(toks[i]) {
		return "", i, false
	}
	j := i + 1
	for j+1 < len(toks) && isOp(toks[j], '.') && s.isIdent(toks[j+1]) {
		j += 2
	}
	if j == i+1 || toks[j-1].start-toks[i].start == sumLen(toks[i:j]) {
		// written without spaces: one conversion
		return s.str(s.src[toks[i].start:toks[j-1].end]), j, true
	}
	var sb strings.Builder
	for k := i; k < j; k += 2 {
		if k > i {
			sb.WriteByte('.')
		}
		sb.Write(s.bytesOf(toks[k]))
	}
	return sb.String(), j, true
}

// sumLen is the total length of toks minus the last token's: equal to the
// distance between the first and last starts exactly when the tokens touch.
func sumLen(toks []tok) int32 {
	var n int32
	for _, t := range toks[:len(toks)-1] {
		n += t.end - t.start
	}
	return n
}

// importStmt: import dotted [as name] (, dotted [as name])*
func (s *scanner) importStmt(toks []tok) {
	mod := s.moduleScope()
	i := 1
	var ctx Import
	haveCtx := false
	for {
		name, j, ok := s.dotted(toks, i)
		if !ok {
			return
		}
		alias := ""
		if j < len(toks) && s.isName(toks[j], "as") {
			if j+1 >= len(toks) || !s.isIdent(toks[j+1]) {
				return
			}
			alias = s.str(s.bytesOf(toks[j+1]))
			j += 2
		}
		if !haveCtx {
			ctx, haveCtx = s.newImport(toks[0]), true
		}
		imp := ctx
		imp.Module, imp.Alias = name, alias
		s.addImport(&imp, len(s.names))
		if name == "importlib" && alias != "" {
			if s.libAlias == nil {
				s.libAlias = map[string]bool{}
			}
			s.libAlias[alias] = true
		}
		if mod {
			switch {
			case alias != "":
				s.bindString(alias, imp.Line)
			default:
				if k := strings.IndexByte(name, '.'); k >= 0 {
					s.bindString(name[:k], imp.Line)
				} else {
					s.bindString(name, imp.Line)
				}
			}
		}
		if j < len(toks) && isOp(toks[j], ',') {
			i = j + 1
			continue
		}
		return
	}
}

// fromStmt: from ('.' | '...')* [dotted] import ('*' | '(' names ')' | names)
func (s *scanner) fromStmt(toks []tok) {
	level, i := 0, 1
	for ; i < len(toks); i++ {
		if isOp(toks[i], '.') {
			level++
		} else if isOp(toks[i], opEllipsis) {
			level += 3
		} else {
			break
		}
	}
	module, j, ok := s.dotted(toks, i)
	if !ok {
		if level == 0 {
			return
		}
		module, j = "", i
	}
	if j >= len(toks) || !s.isName(toks[j], "import") {
		return
	}
	j++
	imp := s.newImport(toks[0]) // before the names: col() likes increasing offsets
	nameStart := len(s.names)
	names := s.names // the names are appended to s.names
	star := false
	if j < len(toks) && isOp(toks[j], '*') {
		t := toks[j]
		names = append(names, Name{Name: "*", Line: int(t.line), Col: s.col(int(t.start))})
		star = true
	} else {
		if j < len(toks) && isOp(toks[j], '(') {
			j++
		}
		for j < len(toks) && s.isIdent(toks[j]) {
			t := toks[j]
			nm := Name{Name: s.str(s.bytesOf(t)), Line: int(t.line), Col: s.col(int(t.start))}
			j++
			if j < len(toks) && s.isName(toks[j], "as") {
				if j+1 >= len(toks) || !s.isIdent(toks[j+1]) {
					break
				}
				nm.Alias = s.str(s.bytesOf(toks[j+1]))
				j += 2
			}
			names = append(names, nm)
			if j < len(toks) && isOp(toks[j], ',') {
				j++
				continue
			}
			break
		}
	}
	if len(names) == nameStart {
		return
	}
	s.names = names
	s.noteFromImport(module, level, names[nameStart:])
	imp.Module, imp.Level, imp.From = module, level, true
	s.addImport(&imp, nameStart)
	mod := s.moduleScope()
	if star && mod {
		s.f.Open = true
	}
	for _, nm := range names[nameStart:] {
		bound := nm.Name
		if nm.Alias != "" {
			bound = nm.Alias
		}
		if level == 0 && module == "importlib" && nm.Name == "import_module" {
			if s.modAlias == nil {
				s.modAlias = map[string]bool{}
			}
			s.modAlias[bound] = true
		}
		if mod && !star {
			s.bindString(bound, nm.Line)
		}
	}
}

// exprScan looks through any statement's tokens for dynamic imports, for what
// makes the module Open, and (at module scope) for walrus bindings.
func (s *scanner) exprScan(toks []tok) {
	n0 := len(s.imps)
	fl := s.stmtFlags(toks)
	defer s.callScan(toks, n0, fl)
	if fl&sfAttrName != 0 || fl&sfDot != 0 && fl&(sfStore|sfForAs) != 0 {
		s.attrStores(toks)
	}
	if fl&(sfWalrus|sfNamespace|sfImportName) == 0 && (len(s.modAlias) == 0 || fl&sfCall == 0) {
		return
	}
	mod := s.moduleScope()
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.kind != tkName {
			continue
		}
		var next tok
		if i+1 < len(toks) {
			next = toks[i+1]
		}
		if next.kind == tkOp && next.op == opWalrus {
			if mod && s.isIdent(t) {
				s.bind(t)
			}
			continue
		}
		if next.kind != tkOp || next.op != '(' && next.op != '.' {
			continue
		}
		prevDot := i > 0 && isOp(toks[i-1], '.')
		afterDef := i > 0 && s.isName(toks[i-1], "def")
		name := s.bytesOf(t)
		if s.namespaceUse(toks, i, name, prevDot, afterDef) {
			continue
		}
		if next.op == '(' && !afterDef && i+2 < len(toks) {
			s.importCall(toks, i, name, prevDot)
		}
	}
}

// stmtFlags says what a statement's tokens hold of what exprScan's passes look for,
// so that each pass runs only on the statements where it can find something; most
// statements (in function bodies above all) need none but the call pass.
type stmtFlags uint16

const (
	sfDot        stmtFlags = 1 << iota // a '.'
	sfCall                             // a '('
	sfStore                            // a '=' or an augmented assignment (at any depth)
	sfWalrus                           // a ':='
	sfForAs                            // the name for or as (attrStores' other targets)
	sfAttrName                         // a name that may set attributes by a computed name (attrStores)
	sfNamespace                        // globals, vars, exec, sys (namespaceUse)
	sfImportName                       // __import__, import_module (importCall)
	sfSys                              // sys (pathStmt)
)

// allPasses makes stmtFlags say every statement holds everything, so that every pass
// runs on it: FuzzStmtFlags scans with it set and unset and wants the same File.
var allPasses bool

// stmtFlags reads toks once for stmtFlags.
func (s *scanner) stmtFlags(toks []tok) stmtFlags {
	if allPasses {
		return ^stmtFlags(0)
	}
	var fl stmtFlags
	for _, t := range toks {
		if t.kind == tkOp {
			switch t.op {
			case '.':
				fl |= sfDot
			case '(':
				fl |= sfCall
			case '=', opAug:
				fl |= sfStore
			case opWalrus:
				fl |= sfWalrus
			}
			continue
		}
		if t.kind != tkName {
			continue
		}
		switch string(s.bytesOf(t)) {
		case "for", "as":
			fl |= sfForAs
		case "sys":
			fl |= sfNamespace | sfSys
		case "globals":
			fl |= sfNamespace
		case "vars", "exec":
			fl |= sfNamespace | sfAttrName
		case "__setattr__", "__dict__", "modules", "setattr", "eval":
			fl |= sfAttrName
		case "__import__", "import_module":
			fl |= sfImportName
		}
	}
	return fl
}

// maxAttrStores bounds File.AttrStores.
const maxAttrStores = 64

// attrStores notes in File.AttrStores the attributes statement toks may assign (on an
// object other than self or cls), and in File.SetsAttrs a way of setting attributes
// by a computed name. It errs on the side of noting: a name is certainly not assigned
// by this file only when it is not noted. One pass: the attribute names are kept as
// candidates until the last top-level '=' (where the targets end) is known.
func (s *scanner) attrStores(toks []tok) {
	if s.f.SetsAttrs {
		return
	}
	// candidates: the index of a name after '.', or -1-index when it is a target
	// wherever the '=' is (in a for target, after `as`)
	cand := s.attrCand[:0]
	end, depth := -1, 0
	inFor, afterAs := false, false
	for i, t := range toks {
		if t.kind == tkOp {
			switch t.op {
			case '(', '[', '{':
				depth++
			case ')', ']', '}':
				depth--
			case '=', opAug:
				if depth == 0 {
					end = i
				}
			}
			continue
		}
		if t.kind != tkName {
			continue
		}
		name := s.bytesOf(t)
		prevDot := i > 0 && isOp(toks[i-1], '.')
		switch string(name) {
		case "for":
			inFor = !prevDot
			continue
		case "in":
			inFor = false
			continue
		case "as":
			afterAs = true
			continue
		case "__setattr__", "__dict__", "modules":
			s.f.SetsAttrs = true
			return
		case "setattr", "vars", "exec", "eval":
			if i+1 < len(toks) && isOp(toks[i+1], '(') {
				s.f.SetsAttrs = true
				return
			}
		}
		if !prevDot || i >= 2 && (i < 3 || !isOp(toks[i-3], '.')) && (s.isName(toks[i-2], "self") || s.isName(toks[i-2], "cls")) {
			continue
		}
		if inFor || afterAs {
			cand = append(cand, int32(-1-i))
		} else {
			cand = append(cand, int32(i))
		}
	}
	s.attrCand = cand
	for _, c := range cand {
		i := int(c)
		if c < 0 {
			i = int(-1 - c)
		} else if i > end {
			continue
		}
		name := s.bytesOf(toks[i])
		if slices.Contains(s.f.AttrStores, string(name)) {
			continue
		}
		if len(s.f.AttrStores) == maxAttrStores {
			s.f.SetsAttrs = true
			return
		}
		s.f.AttrStores = append(s.f.AttrStores, s.str(name))
	}
}

// namespaceUse notes a use of the module's namespace that names can come from at run
// time (globals(), vars(), exec(...), sys.modules[__name__]) at toks[i], named name; it
// reports whether name is one of those (the scan moves on).
func (s *scanner) namespaceUse(toks []tok, i int, name []byte, prevDot, afterDef bool) bool {
	switch string(name) {
	case "globals", "vars", "exec":
		if isOp(toks[i+1], '(') && !prevDot && !afterDef {
			s.f.Open, s.fl.dynamic = true, true
		}
		return true
	case "sys":
		if i+5 < len(toks) && isOp(toks[i+1], '.') && s.isName(toks[i+2], "modules") && isOp(toks[i+3], '[') &&
			s.isName(toks[i+4], "__name__") && isOp(toks[i+5], ']') {
			s.f.Open, s.fl.dynamic = true, true
		}
		return true
	}
	return false
}

// importCall records the dynamic import a call at toks[i] (name, then "(") makes with
// a literal first argument: __import__("m"), importlib.import_module("m"), a bare
// import_module or an alias of importlib's.
func (s *scanner) importCall(toks []tok, i int, name []byte, prevDot bool) {
	lit := i + 2 // the first argument: a literal, or name="literal"
	if i+4 < len(toks) && s.isName(toks[i+2], "name") && isOp(toks[i+3], '=') {
		lit = i + 4
	}
	if toks[lit].kind != tkString && toks[lit].kind != tkName {
		return
	}
	switch {
	case string(name) == "__import__":
		if prevDot && !(i >= 2 && s.isName(toks[i-2], "builtins") && (i < 3 || !isOp(toks[i-3], '.'))) {
			return
		}
		start := i
		if prevDot {
			start = i - 2
		}
		s.dynamic(toks, start, lit, false, s.noFromlist(toks, i+1))
	case string(name) == "import_module":
		if prevDot {
			if i >= 2 && s.isIdent(toks[i-2]) && (i < 3 || !isOp(toks[i-3], '.')) && s.dynamic(toks, i-2, lit, true, false) {
				s.pendLast(string(s.bytesOf(toks[i-2])))
			}
			return
		}
		if s.dynamic(toks, i, lit, true, false) && !s.modAlias["import_module"] {
			s.pendLast("") // bare import_module: is it importlib's? known at the end
		}
	case !prevDot && s.modAlias[string(name)]:
		s.dynamic(toks, i, lit, true, false)
	}
}

// dynamic records the dynamic import whose callee starts at toks[start] and whose
// first argument is toks[litIdx], if that is a usable string literal; it reports
// whether it did. returnsTop: an __import__ that returns the top-level package.
func (s *scanner) dynamic(toks []tok, start, litIdx int, importModule, returnsTop bool) bool {
	lit := toks[litIdx]
	k := litIdx + 1
	if k >= len(toks) || !(isOp(toks[k], ')') || isOp(toks[k], ',')) {
		return false // implicit concatenation, attribute access, or an expression
	}
	v, ok := s.literal(lit)
	if !ok {
		v, ok = s.constant(lit) // NAME = "a.b" earlier at module level
	}
	if !ok {
		return false
	}
	level := 0
	for level < len(v) && v[level] == '.' {
		level++
	}
	rest := v[level:]
	if rest != "" && !validDotted(rest) {
		return false
	}
	if level > 0 {
		if !importModule || !isOp(toks[k], ',') {
			return false
		}
		k++
		if k+1 < len(toks) && s.isName(toks[k], "package") && isOp(toks[k+1], '=') {
			k += 2
		}
		if k+1 >= len(toks) || !(isOp(toks[k+1], ')') || isOp(toks[k+1], ',')) {
			return false
		}
		pkg := toks[k]
		switch {
		case s.isName(pkg, "__package__"):
		case pkg.kind == tkString:
			p, ok := s.literal(pkg)
			if !ok || !validDotted(p) {
				return false
			}
			abs, ok := Import{Module: rest, Level: level}.Absolute(p)
			if !ok {
				return false
			}
			rest, level = abs, 0
		default:
			return false
		}
	} else if rest == "" {
		return false
	}
	imp := s.newImport(toks[start])
	imp.Module, imp.Level, imp.Dynamic = rest, level, true
	imp.ReturnsTop = returnsTop
	s.addImport(&imp, len(s.names))
	return true
}

// noFromlist reports whether the call of __import__ whose '(' is toks[open] gives no
// fromlist or an empty one: no fourth positional argument and no fromlist=, or one that
// is [], () or None. Any other fromlist (a list of names, a variable) may be non-empty:
// __import__ then returns the module it names.
func (s *scanner) noFromlist(toks []tok, open int) bool {
	end := closeOf(toks, open)
	if end < 0 {
		return false
	}
	for i, arg := range splitArgs(toks[open+1 : end]) {
		switch {
		case len(arg) > 2 && s.isName(arg[0], "fromlist") && isOp(arg[1], '='):
			return s.emptyValue(arg[2:])
		case i == 3 && !(len(arg) > 1 && isOp(arg[1], '=')):
			return s.emptyValue(arg)
		}
	}
	return true
}

// emptyValue reports whether the expression toks is [], () or None.
func (s *scanner) emptyValue(toks []tok) bool {
	switch len(toks) {
	case 1:
		return s.isName(toks[0], "None")
	case 2:
		return isOp(toks[0], '[') && isOp(toks[1], ']') || isOp(toks[0], '(') && isOp(toks[1], ')')
	}
	return false
}

// pendLast makes the import just added by dynamic pending: finish keeps it only if
// qual (or, when qual is "", the bare name import_module) turns out to be importlib's.
func (s *scanner) pendLast(qual string) {
	s.pend = append(s.pend, pending{idx: len(s.imps) - 1, qual: qual})
}

// literal returns the value of a plain string literal token (no prefix or u/r,
// no escapes); ok is false otherwise.
func (s *scanner) literal(t tok) (string, bool) {
	if t.kind != tkString {
		return "", false
	}
	b := s.bytesOf(t)
	i := 0
	for i < len(b) && b[i] != '"' && b[i] != '\'' {
		switch b[i] {
		case 'u', 'U', 'r', 'R':
		default:
			return "", false
		}
		i++
	}
	body := b[i:]
	if len(body) < 2 {
		return "", false
	}
	q := body[0]
	var inner []byte
	switch {
	case len(body) >= 6 && body[1] == q && body[2] == q:
		if body[len(body)-1] != q || body[len(body)-2] != q || body[len(body)-3] != q {
			return "", false
		}
		inner = body[3 : len(body)-3]
	case body[len(body)-1] == q:
		inner = body[1 : len(body)-1]
	default:
		return "", false
	}
	if bytes.IndexByte(inner, '\\') >= 0 || bytes.IndexByte(inner, q) >= 0 {
		return "", false
	}
	return s.str(inner), true
}

// validDotted reports whether s is NAME('.'NAME)* with Python identifiers that
// are not keywords.
func validDotted(s string) bool {
	for {
		i := strings.IndexByte(s, '.')
		if i < 0 {
			return ValidIdentifier(s)
		}
		if !ValidIdentifier(s[:i]) {
			return false
		}
		s = s[i+1:]
	}
}

// ValidIdentifier reports whether s is a Python identifier (as this package lexes
// them) that is not a keyword.
func ValidIdentifier(s string) bool {
	if s == "" || !utf8.ValidString(s) || isKeywordString(s) {
		return false
	}
	for i, r := range s {
		if i == 0 && !isIDStart(r) || i > 0 && !isIDContinue(r) {
			return false
		}
	}
	return true
}
