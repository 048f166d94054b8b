package pyscan

import "strings"

// The module's top level as Python runs it: File.Flow is the tree of the statements
// that run when the module is imported (outside def bodies; class bodies included),
// in order, with the control flow that decides which of them run: try statements
// with their handlers, if statements with their tests (Cond), loops, with, del,
// raise, bindings and what they bind, and attribute reads on imported modules.
// pyresolve runs it for one runtime (internal/pyresolve/exec.go).

// StmtKind says what a Stmt is.
type StmtKind uint8

const (
	// StImport runs File.Imports[Index].
	StImport StmtKind = iota + 1
	// StBind binds Name (def, class, assignment, for/with/except target, walrus, type
	// alias); Value says to what, as far as the handler lookup cares.
	StBind
	// StDel unbinds Name (del name at module scope).
	StDel
	// StTry is a try statement: Try.
	StTry
	// StIf is an if/elif/else chain: If, in order; the last has a nil Cond for else.
	StIf
	// StLoop is a for/while loop (with its else), or a match statement: Body may run
	// any number of times, or not at all.
	StLoop
	// StBlock is a with statement or a class body: Body runs once (a class body's
	// bindings are the class's, not the module's: they are not StBind).
	StBlock
	// StRaise raises Name (the class, last part of a dotted name), or re-raises the
	// exception being handled when Name is "" or the handler's `as` name.
	StRaise
	// StAttr reads attribute Attr of Name, a name bound by an import (a.X).
	StAttr
	// StEvents runs File.Events[Index:Index+N]: what a call at import time runs (the
	// imports in the function's body, calls into other modules), sys.path edits and
	// dynamic imports, at the statement that makes them (calls.go placeEvents).
	StEvents
)

// Value is what a binding binds, as far as calling it is concerned.
type Value uint8

const (
	// ValUnknown: anything (the result of a call, an imported name, ...).
	ValUnknown Value = iota
	// ValCallable: a def, a class, a lambda.
	ValCallable
	// ValNotCallable: None, a number, a string, a list, dict, set or tuple display.
	ValNotCallable
)

// Stmt is one statement of File.Flow.
type Stmt struct {
	Kind  StmtKind
	Value Value // StBind
	// Rec is set on an StBind, StDel or StImport that binds a name of File.CondNames.
	Rec   bool
	Line  int32
	Index int32  // StImport: index in File.Imports; StEvents: first index in File.Events
	N     int32  // StEvents: how many events
	Name  string // StBind, StDel, StRaise, StAttr
	Attr  string // StAttr
	Body  []Stmt // StLoop, StBlock
	Try   *Try   // StTry
	If    []Branch
}

// Try is a try statement.
type Try struct {
	Body     []Stmt
	Handlers []Handler
	Else     []Stmt
	Finally  []Stmt
}

// Handler is one except clause.
type Handler struct {
	Line int32
	// Bare is true for `except:`.
	Bare bool
	// Catches are the exception classes named (a tuple gives several); a dotted name
	// gives its last part when its prefix is builtins, else it is kept dotted (an
	// unknown class).
	Catches []string
	// As is the name of `except E as name`.
	As   string
	Body []Stmt
}

// Branch is one if/elif (Cond set) or else (Cond nil) branch.
type Branch struct {
	Line int32
	Cond *Cond
	// Test is false for else.
	Test bool
	Body []Stmt
}

// frame kinds
const (
	fNew     uint8 = iota + 1 // a new statement: stmt, whose Body is the list
	fDead                     // a def body: nothing is collected
	fHandler                  // an except clause of the try before it
	fTryElse                  // the else of the try before it
	fFinally                  // the finally of the try before it
	fBranch                   // an elif/else of the if before it
)

// flowFrame is the statement list being collected for one open block (parallel to
// scanner.stack; the root frame is the module itself).
type flowFrame struct {
	kind    uint8
	kw      string
	stmt    Stmt
	handler Handler
	branch  Branch
	list    []Stmt
}

// maxFlowStmts bounds the statements kept, keeping hostile input linear in memory.
const maxFlowStmts = 1 << 20

// flowState is the scanner's flow builder.
type flowState struct {
	frames   []flowFrame
	n        int
	lastKw   string          // keyword of the frame closed last (the sibling of an elif/else/except)
	val      Value           // what the bindings of the current statement bind
	modName  map[string]bool // names bound by an import at module scope
	allOK    bool            // the current statement is a literal __all__ binding
	all      []string
	allBad   bool
	allSeen  bool
	arena    []Stmt
	tries    []Try
	branches []Branch
	dynamic  bool   // Open for a reason other than a star import
	header   string // the compound statement whose header is being read
	marks    int    // StEvents marks added (flowMark)
	maybe    map[string]bool
	consts   map[string]*Cond  // NAME = test at the top level, unconditionally (File.Consts)
	aliases  map[string]string // import sys as _sys: "_sys" -> "sys" (for the tests Cond reads)
	renum    []int32           // flowFinish's scratch, reused from scan to scan
}

func (s *scanner) flowReset() {
	fl := &s.fl
	*fl = flowState{frames: fl.frames[:0], modName: fl.modName, renum: fl.renum, arena: fl.arena[:0]}
	s.flowPush(flowFrame{kind: fNew})
}

// flowPush opens frame fr, reusing the list buffer a frame at that depth had before
// (lists are copied out, exactly sized, when their block closes).
func (s *scanner) flowPush(fr flowFrame) {
	fl := &s.fl
	n := len(fl.frames)
	if n < cap(fl.frames) {
		fr.list = fl.frames[:n+1][n].list[:0]
	}
	fl.frames = append(fl.frames, fr)
}

// flowList copies a frame's list out of its reused buffer into the scanner's scratch
// arena, which is reused from scan to scan; flowFinish moves the whole tree into one
// array of its exact size (flowPlace), so a file's flow costs one allocation, with no
// room left over in it.
func (s *scanner) flowList(l []Stmt) []Stmt {
	if len(l) == 0 {
		return nil
	}
	fl := &s.fl
	if len(fl.arena)+len(l) > cap(fl.arena) {
		// lists already carved keep the array they were carved from until flowPlace
		fl.arena = make([]Stmt, 0, max(64, 2*cap(fl.arena), len(l)))
	}
	start := len(fl.arena)
	fl.arena = append(fl.arena, l...)
	return fl.arena[start:len(fl.arena):len(fl.arena)]
}

// maxPooledStmts is the largest scratch arena a pooled scanner keeps for the next scan.
const maxPooledStmts = 4096

// flowCount is how many statements list and the lists in it hold.
func flowCount(list []Stmt) int {
	n := len(list)
	for i := range list {
		st := &list[i]
		switch st.Kind {
		case StTry:
			n += flowCount(st.Try.Body) + flowCount(st.Try.Else) + flowCount(st.Try.Finally)
			for j := range st.Try.Handlers {
				n += flowCount(st.Try.Handlers[j].Body)
			}
		case StIf:
			for j := range st.If {
				n += flowCount(st.If[j].Body)
			}
		default:
			n += flowCount(st.Body)
		}
	}
	return n
}

// flowPlace copies list, and every list in it, into out (from *at on), renumbering
// the imports finish kept (renum: an import's new index, -1 when dropped, which
// leaves an empty block), and returns list's copy: the file's flow leaves the
// scratch arena for one array the File owns.
func flowPlace(list []Stmt, out []Stmt, at *int, renum []int32) []Stmt {
	if len(list) == 0 {
		return nil
	}
	start := *at
	dst := out[start : start+len(list) : start+len(list)]
	*at += len(list)
	copy(dst, list)
	for i := range dst {
		st := &dst[i]
		switch st.Kind {
		case StImport:
			if st.Index < 0 || int(st.Index) >= len(renum) || renum[st.Index] < 0 {
				st.Kind = StLoop // dropped: an empty block
				st.Index = 0
				continue
			}
			st.Index = renum[st.Index]
		case StTry:
			t := st.Try
			t.Body = flowPlace(t.Body, out, at, renum)
			for j := range t.Handlers {
				t.Handlers[j].Body = flowPlace(t.Handlers[j].Body, out, at, renum)
			}
			t.Else = flowPlace(t.Else, out, at, renum)
			t.Finally = flowPlace(t.Finally, out, at, renum)
		case StIf:
			for j := range st.If {
				st.If[j].Body = flowPlace(st.If[j].Body, out, at, renum)
			}
		default:
			st.Body = flowPlace(st.Body, out, at, renum)
		}
	}
	return dst
}

// newTry and oneBranch carve from slabs like flowList.
func (s *scanner) newTry(body []Stmt) *Try {
	fl := &s.fl
	if len(fl.tries) == cap(fl.tries) {
		fl.tries = make([]Try, 0, min(16, max(4, 2*cap(fl.tries))))
	}
	fl.tries = append(fl.tries, Try{Body: body})
	return &fl.tries[len(fl.tries)-1]
}

func (s *scanner) oneBranch(b Branch) []Branch {
	fl := &s.fl
	if len(fl.branches) == cap(fl.branches) {
		fl.branches = make([]Branch, 0, min(16, max(4, 2*cap(fl.branches))))
	}
	fl.branches = append(fl.branches, b)
	k := len(fl.branches)
	return fl.branches[k-1 : k : k]
}

func (s *scanner) flowLive() bool {
	return s.fl.frames[len(s.fl.frames)-1].kind != fDead
}

func (s *scanner) flowAdd(st Stmt) {
	fl := &s.fl
	if fl.n >= maxFlowStmts {
		return
	}
	fl.n++
	top := &fl.frames[len(fl.frames)-1]
	if top.kind == fDead {
		return
	}
	top.list = append(top.list, st)
}

// flowMark notes, in the flow, a place where a call at import time, a sys.path edit or
// a dynamic import is (line, col): placeEvents puts the events made there on it (or
// drops it). Not in the header of an elif/else/except/finally clause: nothing may
// come between a statement and its clauses (those events run at the end).
func (s *scanner) flowMark(line, col int) {
	switch s.fl.header {
	case "elif", "else", "except", "finally":
		return
	}
	if !s.flowLive() {
		return
	}
	s.fl.marks++
	s.flowAdd(Stmt{Kind: StEvents, Line: int32(line), Index: int32(col)})
}

// flowHeader is called at the start of a compound statement: the value a def or
// class binds, and the attribute reads of its header.
func (s *scanner) flowHeader(kw string, head []tok) {
	s.fl.val = ValUnknown
	s.fl.header = kw
	switch kw {
	case "def", "class":
		s.fl.val = ValCallable
	}
	switch kw {
	case "if", "while", "for", "with", "class", "match":
		// (not elif/except: nothing may come between a statement and its clauses)
		if s.flowLive() {
			s.flowAttrs(head)
		}
	}
}

// flowOpen opens the frame of the block compound is about to push.
func (s *scanner) flowOpen(kw string, line int32, head []tok, hasSib bool) {
	fl := &s.fl
	fl.header = ""
	sibKw := ""
	if hasSib {
		sibKw = fl.lastKw
	}
	fr := flowFrame{kind: fNew, kw: kw}
	if !s.flowLive() || kw == "def" {
		fr.kind = fDead
		s.flowPush(fr)
		return
	}
	switch kw {
	case "class":
		fr.stmt = Stmt{Kind: StBlock, Line: line}
	case "with":
		fr.stmt = Stmt{Kind: StBlock, Line: line}
	case "for", "while", "match", "case":
		fr.stmt = Stmt{Kind: StLoop, Line: line}
	case "try":
		fr.stmt = Stmt{Kind: StTry, Line: line}
	case "if":
		fr.stmt = Stmt{Kind: StIf, Line: line}
		fr.branch = Branch{Line: line, Cond: s.parseCond(head), Test: true}
	case "elif":
		fr.kind = fBranch
		fr.branch = Branch{Line: line, Cond: s.parseCond(head), Test: true}
		if sibKw != "if" && sibKw != "elif" {
			fr.kind, fr.stmt = fNew, Stmt{Kind: StLoop, Line: line}
		}
	case "else":
		switch sibKw {
		case "if", "elif":
			fr.kind = fBranch
			fr.branch = Branch{Line: line}
		case "try", "except":
			fr.kind = fTryElse
		default: // for/while else, or something unexpected
			fr.stmt = Stmt{Kind: StLoop, Line: line}
		}
	case "except":
		if sibKw != "try" && sibKw != "except" {
			fr.stmt = Stmt{Kind: StLoop, Line: line}
			break
		}
		fr.kind = fHandler
		fr.handler = s.handlerOf(head)
		fr.handler.Line = line
	case "finally":
		if sibKw != "try" && sibKw != "except" && sibKw != "else" {
			fr.stmt = Stmt{Kind: StBlock, Line: line}
			break
		}
		fr.kind = fFinally
	default:
		fr.stmt = Stmt{Kind: StLoop, Line: line}
	}
	s.flowPush(fr)
}

// flowClose closes the innermost frame, attaching what it collected.
func (s *scanner) flowClose() {
	fl := &s.fl
	if len(fl.frames) <= 1 {
		return
	}
	fr := fl.frames[len(fl.frames)-1]
	fl.frames = fl.frames[:len(fl.frames)-1]
	fl.lastKw = fr.kw
	if fr.kind == fDead {
		return
	}
	fr.list = s.flowList(fr.list)
	parent := &fl.frames[len(fl.frames)-1]
	if parent.kind == fDead {
		return
	}
	var last *Stmt
	if n := len(parent.list); n > 0 {
		last = &parent.list[n-1]
	}
	switch fr.kind {
	case fNew:
		st := fr.stmt
		switch st.Kind {
		case StTry:
			st.Try = s.newTry(fr.list)
		case StIf:
			fr.branch.Body = fr.list
			st.If = s.oneBranch(fr.branch)
		default:
			st.Body = fr.list
		}
		parent.list = append(parent.list, st)
	case fHandler, fTryElse, fFinally:
		if last == nil || last.Kind != StTry {
			parent.list = append(parent.list, Stmt{Kind: StLoop, Body: fr.list})
			return
		}
		switch fr.kind {
		case fHandler:
			fr.handler.Body = fr.list
			last.Try.Handlers = append(last.Try.Handlers, fr.handler)
		case fTryElse:
			last.Try.Else = fr.list
		case fFinally:
			last.Try.Finally = fr.list
		}
	case fBranch:
		if last == nil || last.Kind != StIf {
			parent.list = append(parent.list, Stmt{Kind: StLoop, Body: fr.list})
			return
		}
		fr.branch.Body = fr.list
		last.If = append(last.If, fr.branch)
	}
}

// handlerOf reads an except clause's head: the classes it catches and its `as` name.
func (s *scanner) handlerOf(head []tok) Handler {
	h := Handler{}
	if len(head) > 0 {
		h.Line = head[0].line
	}
	if len(head) > 0 && isOp(head[0], '*') {
		head = head[1:]
	}
	if len(head) == 0 {
		h.Bare = true
		return h
	}
	end := len(head)
	for i, t := range head {
		if s.isName(t, "as") {
			end = i
			if i+1 < len(head) && s.isIdent(head[i+1]) {
				h.As = s.str(s.bytesOf(head[i+1]))
			}
			break
		}
	}
	expr := stripParens(head[:end])
	// a name or dotted name, or a tuple of them
	start := 0
	for i := 0; i <= len(expr); i++ {
		if i < len(expr) && !isOp(expr[i], ',') {
			continue
		}
		item := expr[start:i]
		start = i + 1
		if len(item) == 0 {
			continue
		}
		name, j, ok := s.dotted(item, 0)
		if !ok || j != len(item) {
			h.Catches = append(h.Catches, "?")
			continue
		}
		if rest, ok := cutPrefix(name, "builtins."); ok {
			name = rest
		}
		h.Catches = append(h.Catches, name)
	}
	return h
}

func cutPrefix(s, pre string) (string, bool) {
	if len(s) >= len(pre) && s[:len(pre)] == pre {
		return s[len(pre):], true
	}
	return s, false
}

// flowSimple is called for each simple statement before the scanner reads it: raise,
// del, __all__, attribute reads, and the value an assignment binds.
func (s *scanner) flowSimple(toks []tok) {
	fl := &s.fl
	fl.val = ValUnknown
	fl.allOK = false
	fl.header = ""
	if !s.flowLive() || len(toks) == 0 {
		return
	}
	mod := s.moduleScope()
	first := toks[0]
	if first.kind == tkName {
		switch string(s.bytesOf(first)) {
		case "raise":
			st := Stmt{Kind: StRaise, Line: first.line}
			if len(toks) > 1 {
				name, _, ok := s.dotted(toks, 1)
				if !ok {
					name = "?"
				}
				if rest, ok := cutPrefix(name, "builtins."); ok {
					name = rest
				}
				st.Name = name
			}
			s.flowAttrs(toks[1:])
			s.flowAdd(st)
			return
		case "del":
			if mod {
				for _, t := range toks[1:] {
					if s.isIdent(t) {
						s.flowAdd(Stmt{Kind: StDel, Name: s.str(s.bytesOf(t)), Line: t.line})
					} else if !isOp(t, ',') && !isOp(t, '(') && !isOp(t, ')') {
						break // del a.b, del a[0]: not a name
					}
				}
			}
			return
		case "import", "from", "global", "nonlocal", "pass", "return", "break", "continue", "assert":
			return
		}
	}
	// the value of an assignment: the part after the last top-level '='
	eq := -1
	depth := 0
	for i, t := range toks {
		if t.kind != tkOp {
			if depth == 0 && s.isName(t, "lambda") {
				break
			}
			continue
		}
		switch t.op {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			if depth > 0 {
				depth--
			}
		case '=':
			if depth == 0 {
				eq = i
			}
		}
	}
	if eq >= 0 {
		s.flowAttrs(toks[eq+1:])
		fl.val = s.valueOf(toks[eq+1:])
		if eq == 1 && mod && len(fl.frames) == 1 && s.isIdent(toks[0]) {
			s.flowConst(toks[0], toks[2:])
		}
		if mod && len(toks) > 0 && s.isName(toks[0], "__all__") && eq == 1 {
			s.flowAll(toks[eq+1:], false)
		}
	} else {
		if mod && len(toks) > 2 && s.isName(toks[0], "__all__") && isOp(toks[1], opAug) && string(s.bytesOf(toks[1])) == "+=" {
			s.flowAll(toks[2:], true)
		}
		s.flowAttrs(toks)
	}
}

// flowAll reads a literal __all__ list or tuple of strings.
func (s *scanner) flowAll(v []tok, add bool) {
	fl := &s.fl
	v = stripParensAll(v)
	if len(fl.frames) != 1 || len(v) < 2 || !(isOp(v[0], '[') || isOp(v[0], '(')) || closeOf(v, 0) != len(v)-1 {
		return
	}
	var names []string
	for i := 1; i < len(v)-1; i++ {
		t := v[i]
		if isOp(t, ',') {
			continue
		}
		lit, ok := s.literal(t)
		if !ok {
			return
		}
		names = append(names, lit)
	}
	if !add {
		fl.all = fl.all[:0]
	} else if !fl.allSeen {
		return // += on an __all__ not bound yet: a NameError, not ours to model
	}
	fl.all = append(fl.all, names...)
	fl.allOK = true
}

// stripParensAll is stripParens for any length (an __all__ list can be long; the
// parenthesis test is one closeOf walk).
func stripParensAll(toks []tok) []tok {
	for k := 0; k < 4 && len(toks) >= 2 && isOp(toks[0], '(') && closeOf(toks, 0) == len(toks)-1; k++ {
		// a parenthesized tuple is still a tuple: keep "(" when a ',' is inside
		inner := toks[1 : len(toks)-1]
		if hasTopComma(inner) || len(inner) == 0 {
			return toks
		}
		toks = inner
	}
	return toks
}

func hasTopComma(toks []tok) bool {
	depth := 0
	for _, t := range toks {
		if t.kind != tkOp {
			continue
		}
		switch t.op {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
		case ',':
			if depth == 0 {
				return true
			}
		}
	}
	return false
}

// valueOf classifies an assigned value.
func (s *scanner) valueOf(v []tok) Value { return s.valueOfNested(v, 0) }

func (s *scanner) valueOfNested(v []tok, nesting int) Value {
	if len(v) == 0 || nesting > 4 {
		return ValUnknown
	}
	if s.isName(v[0], "lambda") {
		return ValCallable
	}
	if hasTopComma(v) {
		return ValNotCallable // a tuple
	}
	t := v[0]
	switch {
	case len(v) == 1 && (t.kind == tkNumber || s.isName(t, "None") || s.isName(t, "True") || s.isName(t, "False")):
		return ValNotCallable
	case t.kind == tkString:
		for _, u := range v {
			if u.kind != tkString {
				return ValUnknown
			}
		}
		return ValNotCallable
	case isOp(t, '[') || isOp(t, '{') || isOp(t, '('):
		if closeOf(v, 0) == len(v)-1 {
			if isOp(t, '(') {
				return s.valueOfNested(v[1:len(v)-1], nesting+1)
			}
			return ValNotCallable
		}
	}
	return ValUnknown
}

// flowAttrs records the reads a.X of names bound by an import, in code that runs
// now (not in a lambda body).
func (s *scanner) flowAttrs(toks []tok) {
	fl := &s.fl
	if len(fl.modName) == 0 {
		return
	}
	for i := 0; i+2 < len(toks); i++ {
		t := toks[i]
		if s.isName(t, "lambda") {
			return
		}
		if t.kind != tkName || !isOp(toks[i+1], '.') || !s.isIdent(toks[i+2]) || (i > 0 && isOp(toks[i-1], '.')) {
			continue
		}
		name := s.bytesOf(t)
		if !fl.modName[string(name)] {
			continue
		}
		s.flowAdd(Stmt{Kind: StAttr, Name: s.str(name), Attr: s.str(s.bytesOf(toks[i+2])), Line: t.line})
		s.f.AttrReads = true
		i += 2
	}
}

// flowBind records a module-level binding of t (called from bind).
func (s *scanner) flowBind(t tok) {
	fl := &s.fl
	if fl.header == "except" {
		return // except E as e: deleted when the handler ends
	}
	b := s.bytesOf(t)
	if string(b) == "__all__" {
		if fl.allOK {
			fl.allSeen = true
		} else {
			fl.allBad = true
		}
	}
	if !s.moduleScope() {
		// `global x` in a def: bound when the function runs, if ever
		if fl.maybe == nil {
			fl.maybe = map[string]bool{}
		}
		fl.maybe[string(b)] = true
		return
	}
	if fl.modName[string(b)] {
		delete(fl.modName, string(b))
	}
	s.flowAdd(Stmt{Kind: StBind, Name: s.str(b), Value: fl.val, Line: t.line})
}

// flowImportName notes a name bound by an import at module scope (called from
// bindString).
func (s *scanner) flowImportName(name string) {
	fl := &s.fl
	if !s.moduleScope() {
		return
	}
	if fl.modName == nil {
		fl.modName = map[string]bool{}
	}
	fl.modName[name] = true
	if name == "__all__" {
		fl.allBad = true
	}
}

// flowImport records the import just added (called from addImport).
func (s *scanner) flowImport() {
	if !s.flowLive() {
		return
	}
	imp := &s.imps[len(s.imps)-1]
	s.flowAdd(Stmt{Kind: StImport, Index: int32(len(s.imps) - 1), Line: int32(imp.Line)})
	if !imp.From && imp.Alias != "" && !imp.Dynamic && s.moduleScope() {
		switch imp.Module {
		case "sys", "os", "platform", "typing":
			if s.fl.aliases == nil {
				s.fl.aliases = map[string]string{}
			}
			s.fl.aliases[imp.Alias] = imp.Module
		}
	}
}

// flowFinish closes the frames still open at the end of the file, renumbers the
// imports finish kept, and fills File.Flow, All, Dynamic and MaybeNames.
func (s *scanner) flowFinish() {
	fl := &s.fl
	for len(fl.frames) > 1 {
		s.flowClose()
	}
	f := s.f
	renum := grow(fl.renum, len(s.imps))
	fl.renum = renum
	k := int32(0)
	for i := range s.imps {
		if s.extra[i].drop {
			renum[i] = -1
			continue
		}
		renum[i] = k
		k++
	}
	if top := fl.frames[0].list; len(top) > 0 {
		at := 0
		f.Flow = flowPlace(top, make([]Stmt, flowCount(top)), &at, renum)
	}
	clear(fl.arena) // the scratch holds no pointer into this File
	fl.arena = fl.arena[:0]
	if cap(fl.arena) > maxPooledStmts {
		fl.arena = nil
	}
	fl.tries, fl.branches = nil, nil // the File holds them
	if fl.allSeen && !fl.allBad {
		f.All = append([]string{}, fl.all...)
		f.AllKnown = true
	}
	f.Dynamic = fl.dynamic
	f.MaybeNames = fl.maybe
	f.CondNames = condNames(f, f.Flow, false, nil)
	if len(f.CondNames) > 0 {
		markRec(f, f.Flow)
	}
	f.Consts = consts(f, fl.consts)
	fl.maybe, fl.consts = nil, nil
	if len(fl.modName) > maxPooledMap {
		fl.modName = nil
	}
	clear(fl.modName) // kept for the next scan
}

// flowConst records `name = value` at the top level, outside any block, when value is a
// test this package evaluates (pkg's `PY2 = sys.version_info[0] == 2`, `PY3 = not PY2`):
// File.Consts keeps it if nothing else binds name.
func (s *scanner) flowConst(name tok, value []tok) {
	if !s.constSeed(value) {
		return // cheap: most assignments read nothing a test decides
	}
	c := s.parseCond(value)
	if c == nil {
		return
	}
	fl := &s.fl
	if fl.consts == nil {
		fl.consts = map[string]*Cond{}
	}
	n := s.str(s.bytesOf(name))
	if _, twice := fl.consts[n]; twice {
		c = nil // bound twice: not a constant
	}
	fl.consts[n] = c
}

// constSeed reports whether value reads a name a decided test can start from: sys,
// version_info, os, platform, TYPE_CHECKING (or an alias of those modules), a constant
// recorded before, or a name an import bound (from ._compat import PY2, six).
func (s *scanner) constSeed(value []tok) bool {
	if len(value) > maxCondToks {
		return false
	}
	fl := &s.fl
	seed := false
	for i, t := range value {
		if isOp(t, '(') && i > 0 && (value[i-1].kind == tkName && !s.isName(value[i-1], "system") || isOp(value[i-1], ')') || isOp(value[i-1], ']')) {
			return false // a call (logging.getLogger(__name__)): not a test Cond reads (platform.system() is)
		}
		if t.kind != tkName || seed {
			continue
		}
		switch n := string(s.bytesOf(t)); n {
		case "sys", "version_info", "os", "platform", "TYPE_CHECKING", "typing":
			seed = true
		default:
			_, alias := fl.aliases[n]
			_, known := fl.consts[n]
			seed = alias || known || fl.modName[n]
		}
	}
	return seed
}

// consts keeps the candidates (flowConst) whose binding is the only one the module makes:
// no other assignment, import, del, or `global` binding in a def.
func consts(f *File, cand map[string]*Cond) map[string]*Cond {
	if len(cand) == 0 {
		return nil
	}
	count := map[string]int{}
	countBinds(f, f.Flow, cand, count)
	if count["*"] > 0 {
		return nil // a star import may bind any of them
	}
	var out map[string]*Cond
	for name, c := range cand {
		if c == nil || count[name] != 1 || f.CondNames[name] || f.MaybeNames[name] {
			continue
		}
		if out == nil {
			out = map[string]*Cond{}
		}
		out[name] = c
	}
	return out
}

// countBinds counts, for the names of cand, the statements of list that bind or delete them.
func countBinds(f *File, list []Stmt, cand map[string]*Cond, count map[string]int) {
	for i := range list {
		st := &list[i]
		switch st.Kind {
		case StBind, StDel:
			if _, ok := cand[st.Name]; ok {
				count[st.Name]++
			}
		case StImport:
			imp := &f.Imports[st.Index]
			if imp.Dynamic || imp.Scope != ModuleScope {
				continue
			}
			for _, name := range importNames(imp) {
				if _, ok := cand[name]; ok || name == "*" {
					count[name] += 2
				}
			}
		case StTry:
			countBinds(f, st.Try.Body, cand, count)
			for j := range st.Try.Handlers {
				countBinds(f, st.Try.Handlers[j].Body, cand, count)
			}
			countBinds(f, st.Try.Else, cand, count)
			countBinds(f, st.Try.Finally, cand, count)
		case StIf:
			for j := range st.If {
				countBinds(f, st.If[j].Body, cand, count)
			}
		default:
			countBinds(f, st.Body, cand, count)
		}
	}
}

// importNames lists the names a module-level import binds ("*" for a star import).
func importNames(imp *Import) []string {
	if !imp.From {
		if imp.Alias != "" {
			return []string{imp.Alias}
		}
		top, _, _ := strings.Cut(imp.Module, ".")
		return []string{top}
	}
	out := make([]string, 0, len(imp.Names))
	for _, n := range imp.Names {
		if n.Alias != "" {
			out = append(out, n.Alias)
		} else {
			out = append(out, n.Name)
		}
	}
	return out
}

// condNames collects the names that are bound only under a condition (in a try
// statement, an if, a loop), or deleted: all others are bound once their statement runs,
// in order (File.Lines says when).
func condNames(f *File, list []Stmt, cond bool, out map[string]bool) map[string]bool {
	add := func(n string) {
		if out == nil {
			out = map[string]bool{}
		}
		out[n] = true
	}
	for i := range list {
		st := &list[i]
		switch st.Kind {
		case StBind:
			if cond {
				add(st.Name)
			}
		case StDel:
			add(st.Name)
		case StImport:
			if !cond {
				continue
			}
			imp := &f.Imports[st.Index]
			if imp.Dynamic || imp.Scope != ModuleScope {
				continue
			}
			switch {
			case !imp.From && imp.Alias != "":
				add(imp.Alias)
			case !imp.From:
				top := imp.Module
				if k := strings.IndexByte(top, '.'); k >= 0 {
					top = top[:k]
				}
				add(top)
			default:
				for _, n := range imp.Names {
					if n.Alias != "" {
						add(n.Alias)
					} else if n.Name != "*" {
						add(n.Name)
					}
				}
			}
		case StTry:
			out = condNames(f, st.Try.Body, true, out)
			for j := range st.Try.Handlers {
				out = condNames(f, st.Try.Handlers[j].Body, true, out)
			}
			out = condNames(f, st.Try.Else, true, out)
			out = condNames(f, st.Try.Finally, true, out)
		case StIf:
			for j := range st.If {
				out = condNames(f, st.If[j].Body, true, out)
			}
		case StLoop:
			out = condNames(f, st.Body, true, out)
		case StBlock:
			out = condNames(f, st.Body, cond, out)
		}
	}
	return out
}

// markRec sets Stmt.Rec on the statements that bind a name of f.CondNames.
func markRec(f *File, list []Stmt) {
	for i := range list {
		st := &list[i]
		switch st.Kind {
		case StBind:
			st.Rec = f.CondNames[st.Name]
		case StDel:
			st.Rec = true
		case StImport:
			imp := &f.Imports[st.Index]
			switch {
			case imp.Dynamic || imp.Scope != ModuleScope:
			case !imp.From && imp.Alias != "":
				st.Rec = f.CondNames[imp.Alias]
			case !imp.From:
				top := imp.Module
				if k := strings.IndexByte(top, '.'); k >= 0 {
					top = top[:k]
				}
				st.Rec = f.CondNames[top]
			default:
				for _, n := range imp.Names {
					if f.CondNames[n.Alias] || n.Alias == "" && f.CondNames[n.Name] {
						st.Rec = true
					}
				}
			}
		case StTry:
			markRec(f, st.Try.Body)
			for j := range st.Try.Handlers {
				markRec(f, st.Try.Handlers[j].Body)
			}
			markRec(f, st.Try.Else)
			markRec(f, st.Try.Finally)
		case StIf:
			for j := range st.If {
				markRec(f, st.If[j].Body)
			}
		default:
			markRec(f, st.Body)
		}
	}
}
