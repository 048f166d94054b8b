package pyscan

// Code that runs at import time besides the module's own top level: the
// functions it calls while it initializes. A function-body import is lazy only
// when nothing calls the function during import; calls at module level, in a
// class body, in decorators (the decorator is called at def time) and default
// argument values (evaluated at def time) and in module-level comprehensions
// run at init. Calls are followed inside the module (bare names, Class.method,
// self.method, Class() to Class.__init__), transitively, and recorded as Events
// where they reach into another module, so that the resolver can follow them
// there.
//
// The same pass records sys.path edits (syspath.go) and the dynamic imports it
// cannot follow.

import (
	"cmp"
	"slices"
	"strings"
)

// EventKind says what an Event is.
type EventKind int

const (
	// CallEvent: a call, at import time, of a function another module defines.
	CallEvent EventKind = iota + 1
	// PathEditEvent: a change to sys.path.
	PathEditEvent
	// UnfollowedEvent: an import whose module is computed (importlib.import_module(name),
	// __import__(name)).
	UnfollowedEvent
	// ImportEvent: an import in a function body that a call at import time runs
	// (Import.CalledAt is the line of the call). File.Imports lists it where it is
	// written, as a function-scope import; the event is where it runs.
	ImportEvent
)

// Event is something other than an import statement that changes what the imports
// after it do. Events are in program order; Before says where they fall among the
// imports.
type Event struct {
	Kind EventKind
	// Before is the index in File.Imports (or Func.Imports) of the first import that
	// runs after the event.
	Before    int
	Line, Col int
	// Scope, Guards, TypeChecking and MainBlock are the context of the event, as for an
	// Import; for an event in a function called at import time, the context of the call.
	Scope        Scope
	Guards       []Guard
	TypeChecking bool
	MainBlock    bool
	// CalledAt is the line of the call at import time that runs the event (0 when the
	// event is in the module's own top-level code).
	CalledAt int
	// Inner is how many of the last Guards are inside the functions called (the others
	// are the call's own, which File.Flow's try statements stand for).
	Inner int
	// InFlow is set when an StEvents statement of File.Flow runs the event (where its
	// call is); the others run after the top level (events in function bodies, and
	// calls in an elif/except header).
	InFlow bool

	// CallEvent: the function Func of module Module (as in an import: Level leading dots;
	// Attr is set for `from Module import Attr; Attr.Func()`, where Attr is a submodule).
	Module string
	Level  int
	Attr   string
	Func   string

	// PathEditEvent.
	Edit *PathEdit

	// UnfollowedEvent: the call as written.
	Text string

	// ImportEvent: the import, with the call's scope and context.
	Import *Import
}

// Func is what calling a function of the module runs at once: the imports in its
// body and in the functions of the module it calls (transitively), and the events.
type Func struct {
	Line    int
	Imports []Import
	Events  []Event
}

type defRec struct {
	name   string // qualified: "f", "C.m", "f.g"
	class  bool
	parent int    // enclosing def or class, -1 at module level
	cls    string // for a function directly in a class: the class's qualified name
	line   int
}

type callRec struct {
	cs, ce int32 // the callee as written ("f", "mod.f", "self.m"): src[cs:ce]
	line   int32
	col    int32
	owner  int32 // enclosing function (defRec index), -1 when it runs at init
	guards span
	scope  Scope
	tc     bool
	main   bool
}

func (cl *callRec) pos() int64 { return packPos(int(cl.line), int(cl.col)) }

type evRec struct {
	ev     Event
	pos    int64
	owner  int
	guards span
	// unfollowed dynamic import: dropped at the end when a literal dynamic import was
	// recorded at the same place, or when a bare import_module is not importlib's.
	bareImportModule bool
}

type callState struct {
	defs     []defRec
	stack    []int    // open defs and classes (defRec indexes)
	names    []string // callees, by call (finishCalls)
	impOwner []int
	calls    []callRec
	events   []evRec
	vars     map[string]PathExpr
	conds    []cond
	osPath   map[string]string // names bound by from os.path import x [as y]: y -> x
	// chainFlow: every test of the module-level if/elif chain being read is decided by
	// File.Flow (syspath.go noteCond)
	chainFlow bool
	// in is finishCalls' inliner, kept with its scratch buffers for the next scan.
	in inliner
}

func (s *scanner) cs() *callState {
	if s.cx == nil {
		s.cx = &callState{}
	}
	return s.cx
}

// recycle readies a callState kept by a pooled scanner for the next scan.
func (c *callState) recycle() *callState {
	if c == nil || cap(c.calls) > maxPooled || cap(c.defs) > maxPooled || cap(c.impOwner) > maxPooled {
		return nil
	}
	*c = callState{defs: c.defs[:0], stack: c.stack[:0], impOwner: c.impOwner[:0], calls: c.calls[:0],
		events: c.events[:0], names: c.names[:0], conds: c.conds[:0], in: c.in}
	return c
}

// recycle keeps the inliner's scratch buffers (emptied, their pointers cleared so that
// they hold no File) when they are small, and drops the rest (scanner.release).
func (in *inliner) recycle() inliner {
	out := inliner{byName: in.byName, binds: in.binds}
	if len(out.byName) > maxPooledMap || len(out.binds) > maxPooledMap {
		out.byName, out.binds = nil, nil
	}
	clear(out.byName)
	clear(out.binds)
	keep := func(n int) bool { return n <= maxPooled }
	if keep(cap(in.dstamp)) && keep(cap(in.targets)) && keep(cap(in.counts)) && keep(cap(in.backing)) &&
		keep(cap(in.own)) && keep(cap(in.callBacking)) && keep(cap(in.ownCall)) && keep(cap(in.events)) &&
		keep(cap(in.evs)) && keep(cap(in.imps)) && keep(cap(in.all)) {
		// each holds, up to its length, what this scan put there (finishCalls)
		clear(in.backing)
		clear(in.own)
		clear(in.ownCall)
		clear(in.events)
		clear(in.evs)
		clear(in.imps)
		clear(in.all)
		out.dstamp, out.targets, out.counts, out.backing = in.dstamp[:0], in.targets[:0], in.counts[:0], in.backing[:0]
		out.own, out.callBacking, out.ownCall, out.events = in.own[:0], in.callBacking[:0], in.ownCall[:0], in.events[:0]
		out.evs, out.imps, out.all = in.evs[:0], in.imps[:0], in.all[:0]
	}
	return out
}

// grow returns b resliced to n zeroed elements, reusing its array when it is large enough.
func grow[T any](b []T, n int) []T {
	if cap(b) < n {
		return make([]T, n)
	}
	b = b[:n]
	clear(b)
	return b
}

// owner is the innermost function whose body holds the current statement, -1 when
// it runs at init (module level, or a class body not in a function).
func (c *callState) owner() int {
	for i := len(c.stack) - 1; i >= 0; i-- {
		if !c.defs[c.stack[i]].class {
			return c.stack[i]
		}
	}
	return -1
}

// noteImport records the owner of the import just added.
func (s *scanner) noteImport() {
	c := s.cs()
	for len(c.impOwner) < len(s.imps)-1 {
		c.impOwner = append(c.impOwner, -1)
	}
	c.impOwner = append(c.impOwner, c.owner())
}

// openDef records a def or class whose block was just pushed.
func (s *scanner) openDef(kw string, head []tok) {
	c := s.cs()
	d := defRec{class: kw == "class", parent: -1, line: 0}
	name := "?"
	if len(head) > 0 && s.isIdent(head[0]) {
		name = s.str(s.bytesOf(head[0]))
		d.line = int(head[0].line)
	}
	if n := len(c.stack); n > 0 {
		p := c.defs[c.stack[n-1]]
		d.parent = c.stack[n-1]
		name = s.joinName(p.name, name)
		if p.class {
			d.cls = p.name
		}
	}
	d.name = name
	c.stack = append(c.stack, len(c.defs))
	c.defs = append(c.defs, d)
}

// joinName is parent + "." + name, carved from the scan's string chunks.
func (s *scanner) joinName(parent, name string) string {
	var arr [128]byte
	b := append(append(append(arr[:0], parent...), '.'), name...)
	return s.str(b)
}

func (s *scanner) closeDef() {
	if c := s.cx; c != nil && len(c.stack) > 0 {
		c.stack = c.stack[:len(c.stack)-1]
	}
}

func packPos(line, col int) int64 { return int64(line)<<32 | int64(uint32(col)) }

// maxCallsPerFile bounds the calls, events and variables recorded for one file.
const maxCallsPerFile = 1 << 14

// callScan looks at one statement's tokens (or a compound statement's header) for
// calls, sys.path edits, path variables and dynamic imports it cannot follow; n0 is
// the number of imports before exprScan looked at the same tokens.
func (s *scanner) callScan(toks []tok, n0 int, fl stmtFlags) {
	if len(toks) == 0 {
		return
	}
	c := s.cs()
	if len(c.calls)+len(c.events) > maxCallsPerFile {
		return
	}
	owner := c.owner()
	if isOp(toks[0], '@') {
		// A decorator is called with the function (or class) at def time.
		if _, j, ok := s.dotted(toks, 1); ok {
			if j >= len(toks) || !isOp(toks[j], '(') {
				s.addCall(toks[1], toks[j-1], owner)
			}
		}
	}
	if fl&sfSys != 0 || s.isName(toks[0], "site") {
		s.pathStmt(toks, owner)
	}
	if fl&sfCall == 0 {
		s.pathVar(toks)
		return
	}
	depth := 0
	lambdaDepth := -1
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.kind == tkOp {
			switch t.op {
			case '(', '[', '{':
				depth++
			case ')', ']', '}':
				depth--
				if lambdaDepth >= 0 && depth < lambdaDepth {
					lambdaDepth = -1
				}
			case ',':
				if depth == lambdaDepth {
					lambdaDepth = -1
				}
			}
			continue
		}
		if t.kind != tkName || lambdaDepth >= 0 {
			continue
		}
		if s.isName(t, "lambda") {
			lambdaDepth = depth // its body runs only when it is called
			continue
		}
		if i+1 >= len(toks) || !isOp(toks[i+1], '(') || !s.isIdent(t) {
			continue
		}
		if i > 0 && (s.isName(toks[i-1], "def") || s.isName(toks[i-1], "class")) {
			continue
		}
		// the dotted callee ending at t
		start := i
		for start >= 2 && isOp(toks[start-1], '.') && s.isIdent(toks[start-2]) {
			start -= 2
		}
		if start > 0 && isOp(toks[start-1], '.') {
			continue // the receiver is an expression: a().b(), x[0].c()
		}
		s.addCall(toks[start], t, owner)
		if s.mayImport(t) {
			s.dynamicCall(toks, start, i, s.callee(toks[start].start, t.end), n0, owner)
		}
	}
	s.pathVar(toks)
}

// addCall records a call of the dotted callee from first to last.
func (s *scanner) addCall(first, last tok, owner int) {
	c := s.cs()
	imp := s.newImport(first)
	c.calls = append(c.calls, callRec{cs: first.start, ce: last.end, line: int32(imp.Line), col: int32(imp.Col), owner: int32(owner),
		guards: s.ctxGuards, scope: imp.Scope, tc: imp.TypeChecking, main: imp.MainBlock})
	if owner < 0 {
		s.flowMark(imp.Line, imp.Col)
	}
}

// callee is the dotted name src[start:end] without the spaces or line breaks it may hold.
func (s *scanner) callee(start, end int32) string {
	b := s.src[start:end]
	clean := true
	for _, ch := range b {
		if ch != '.' && ch != '_' && !(ch >= 'a' && ch <= 'z') && !(ch >= 'A' && ch <= 'Z') && !(ch >= '0' && ch <= '9') && ch < 0x80 {
			clean = false
			break
		}
	}
	if clean {
		return s.str(b)
	}
	var out []byte
	for _, ch := range b {
		switch ch {
		case ' ', '\t', '\f', '\\', '\n', '\r':
		default:
			out = append(out, ch)
		}
	}
	return s.str(out)
}

// mayImport reports whether a call ending in name t may be a dynamic import.
func (s *scanner) mayImport(t tok) bool {
	switch string(s.bytesOf(t)) {
	case "__import__", "import_module":
		return true
	}
	return s.modAlias[string(s.bytesOf(t))]
}

func (s *scanner) addEvent(ev Event, at tok, owner int) *evRec {
	c := s.cs()
	imp := s.newImport(at)
	ev.Line, ev.Col, ev.Scope, ev.TypeChecking, ev.MainBlock = imp.Line, imp.Col, imp.Scope, imp.TypeChecking, imp.MainBlock
	c.events = append(c.events, evRec{ev: ev, pos: packPos(imp.Line, imp.Col), owner: owner, guards: s.ctxGuards})
	if owner < 0 {
		s.flowMark(imp.Line, imp.Col)
	}
	return &c.events[len(c.events)-1]
}

// dynamicCall records, as an UnfollowedEvent, a call of importlib.import_module or
// __import__ (callee, toks[start..i]) that exprScan did not take for an import.
func (s *scanner) dynamicCall(toks []tok, start, i int, callee string, n0, owner int) {
	last := callee[strings.LastIndexByte(callee, '.')+1:]
	bare := false
	switch {
	case callee == "__import__" || callee == "builtins.__import__":
	case last == "import_module" && strings.Count(callee, ".") == 1:
		q := callee[:strings.IndexByte(callee, '.')]
		if q != "importlib" && !s.libAlias[q] {
			return
		}
	case callee == "import_module":
		bare = true
	case !strings.Contains(callee, ".") && s.modAlias[callee]:
	default:
		return
	}
	line, col := int(toks[start].line), s.col(int(toks[start].start))
	for k := n0; k < len(s.imps); k++ {
		if s.imps[k].Dynamic && s.imps[k].Line == line && s.imps[k].Col == col {
			return // followed
		}
	}
	end := closeOf(toks, i+1)
	if end < 0 {
		end = len(toks) - 1
	}
	text := string(s.src[toks[start].start:toks[end].end])
	r := s.addEvent(Event{Kind: UnfollowedEvent, Text: shorten(text)}, toks[start], owner)
	r.bareImportModule = bare
}

func shorten(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return s
}

// ---- after the scan

// item is an import or an event, in program order.
type item struct {
	pos   int64
	imp   *Import
	ev    *Event
	inner int // guards of the callee's own (at)
}

// maxInlined bounds the imports and events copied into callers, per file.
const maxInlined = 1 << 16

// maxCallDepth bounds how deep calls are followed inside one module.
const maxCallDepth = 32

type inliner struct {
	s       *scanner
	f       *File
	byName  map[string]int // qualified def name -> index
	own     [][]item       // per def: its own imports, calls (as nil items with call index) and events
	ownCall [][]int        // per def: indexes of its calls, in order
	dstamp  []uint32       // by def: the visit generation that saw it last
	targets []int32        // by call: the def it runs (-1 none, -2 not known yet)
	budget  int
	gen     uint32
	binds   map[string]int32 // module-level import bindings: bound name -> index in File.Imports
	evs     []Event          // slabs (newEvent, newImport)
	imps    []Import

	// scratch of finishCalls, reused from scan to scan (callState.recycle): nothing in
	// the File points into them (events and imports are copied out)
	counts      []int
	backing     []item
	callBacking []int
	events      []Event
	all         []item
}

// finishCalls completes File after finish: the imports of the functions called at
// import time become module-level imports at the call (CalledAt set), Events are
// made, and Funcs.
func (s *scanner) finishCalls() {
	c := s.cx
	f := s.f
	if c == nil {
		return
	}
	for len(c.impOwner) < len(s.imps) {
		c.impOwner = append(c.impOwner, -1)
	}
	if len(c.calls) == 0 && len(c.events) == 0 {
		inDef := false
		for _, o := range c.impOwner {
			inDef = inDef || o >= 0
		}
		if !inDef {
			return // nothing runs at import time but the module's own imports
		}
	}
	realGuards := func(sp span) []Guard {
		var out []Guard
		for _, g := range s.guards[sp.start:sp.end] {
			if s.catches[g.TryID] {
				out = append(out, g)
			}
		}
		return out
	}
	in := &c.in
	in.s, in.f, in.budget, in.gen = s, f, maxInlined, 0
	if in.byName == nil {
		in.byName = make(map[string]int, len(c.defs))
	}
	if in.binds == nil {
		in.binds = make(map[string]int32, len(f.Imports))
	}
	in.dstamp = grow(in.dstamp, len(c.defs))
	in.targets = grow(in.targets, len(c.calls))
	for i, d := range c.defs {
		if _, dup := in.byName[d.name]; !dup || !d.class {
			in.byName[d.name] = i
		}
	}
	// The kept imports and the events, grouped by owner (own[nd] is init), and the
	// calls likewise (ownCall), each in one backing array.
	nd := len(c.defs)
	slot := func(o int) int {
		if o < 0 {
			return nd
		}
		return o
	}
	in.counts = grow(in.counts, 2*(nd+1))
	ncount, ccount := in.counts[:nd+1], in.counts[nd+1:]
	for i := range s.imps {
		if !s.extra[i].drop {
			ncount[slot(c.impOwner[i])]++
		}
	}
	keepEv := 0
	for i := range c.events {
		if r := &c.events[i]; !r.bareImportModule || s.modAlias["import_module"] {
			ncount[slot(r.owner)]++
			keepEv++
		}
	}
	for i := range c.calls {
		ccount[slot(int(c.calls[i].owner))]++
	}
	backing := grow(in.backing, len(f.Imports)+keepEv)[:0]
	in.backing = backing
	own := grow(in.own, nd+1)
	for o, n := range ncount {
		own[o] = backing[len(backing) : len(backing) : len(backing)+n]
		backing = backing[:len(backing)+n]
	}
	callBacking := grow(in.callBacking, len(c.calls))[:0]
	in.callBacking = callBacking
	in.ownCall = grow(in.ownCall, nd+1)
	for o, n := range ccount {
		in.ownCall[o] = callBacking[len(callBacking) : len(callBacking) : len(callBacking)+n]
		callBacking = callBacking[:len(callBacking)+n]
	}
	in.callBacking = callBacking
	k := 0
	for i := range s.imps {
		if s.extra[i].drop {
			continue
		}
		imp := &f.Imports[k]
		k++
		o := c.impOwner[i]
		own[slot(o)] = append(own[slot(o)], item{pos: packPos(imp.Line, imp.Col), imp: imp})
		if imp.Scope == ModuleScope && !imp.Dynamic && !imp.TypeChecking && !imp.MainBlock {
			if imp.From {
				for _, n := range imp.Names {
					b := n.Name
					if n.Alias != "" {
						b = n.Alias
					}
					if n.Name != "*" {
						in.binds[b] = int32(k - 1)
					}
				}
			} else {
				b := imp.Alias
				if b == "" {
					b, _, _ = strings.Cut(imp.Module, ".")
				}
				in.binds[b] = int32(k - 1)
			}
		}
	}
	events := grow(in.events, keepEv)[:0]
	in.events = events
	for i := range c.events {
		r := &c.events[i]
		if r.bareImportModule && !s.modAlias["import_module"] {
			continue
		}
		ev := r.ev
		ev.Guards = realGuards(r.guards)
		events = append(events, ev)
		e := &events[len(events)-1]
		own[slot(r.owner)] = append(own[slot(r.owner)], item{pos: r.pos, ev: e})
	}
	in.own, in.backing, in.events = own, backing, events
	c.names = c.names[:0]
	for i := range c.calls {
		cl := &c.calls[i]
		c.names = append(c.names, s.callee(cl.cs, cl.ce))
		in.ownCall[slot(int(cl.owner))] = append(in.ownCall[slot(int(cl.owner))], i)
	}

	// Module level: the events and what the calls at init run, inlined at the call, in
	// program order; Before places them among the imports.
	for i := range in.targets {
		in.targets[i] = -2
	}
	top := in.expand(nd)
	all := in.all[:0]
	for _, it := range top {
		if it.imp != nil && it.imp.CalledAt == 0 {
			continue // the module's own import
		}
		all = append(all, it)
	}
	for o := 0; o < nd; o++ {
		for _, it := range own[o] {
			if it.ev != nil {
				all = append(all, it) // in a function: runs later (if at all)
			}
		}
	}
	sortItems(all)
	in.all = all
	k = 0
	var poss []int64
	if s.fl.marks > 0 {
		poss = make([]int64, 0, len(all))
	}
	for _, it := range all {
		for k < len(f.Imports) && packPos(f.Imports[k].Line, f.Imports[k].Col) < it.pos {
			k++
		}
		var ev Event
		if it.imp != nil {
			imp := *it.imp
			ev = Event{Kind: ImportEvent, Line: imp.Line, Col: imp.Col, Scope: imp.Scope, Guards: imp.Guards,
				TypeChecking: imp.TypeChecking, MainBlock: imp.MainBlock, CalledAt: imp.CalledAt, Import: &imp, Inner: it.inner}
		} else {
			ev = *it.ev
		}
		ev.Before = k
		f.Events = append(f.Events, ev)
		if poss != nil {
			poss = append(poss, it.pos)
		}
	}
	s.placeEvents(poss)

	// Funcs: what calling each module-level function, or method of a module-level
	// class, runs.
	for i, d := range c.defs {
		if d.class {
			continue
		}
		if p := d.parent; p >= 0 && (!c.defs[p].class || c.defs[p].parent >= 0) {
			continue
		}
		its := in.expand(i)
		if len(its) == 0 {
			continue
		}
		fn := &Func{Line: d.line}
		for _, it := range its {
			if it.imp != nil {
				fn.Imports = append(fn.Imports, *it.imp)
			} else {
				ev := *it.ev
				ev.Before = len(fn.Imports)
				fn.Events = append(fn.Events, ev)
			}
		}
		if len(fn.Imports) == 0 && len(fn.Events) == 0 {
			continue
		}
		if f.Funcs == nil {
			f.Funcs = map[string]*Func{}
		}
		f.Funcs[d.name] = fn
	}
}

// expand returns what def d runs when it is called (d == len(defs): the module's own
// top-level code): its own imports and events in order, and at each call what the
// callee runs (visit). Items inlined into the top level get the call's context.
func (in *inliner) expand(d int) []item {
	c := in.s.cx
	nd := len(c.defs)
	if d < nd {
		in.gen++
		var its []item
		in.visit(d, 0, &its)
		return its
	}
	its := append([]item(nil), in.own[d]...)
	for _, ci := range in.ownCall[d] {
		cl := &c.calls[ci]
		if cl.tc || cl.main {
			continue
		}
		if t := in.target(d, ci); t >= 0 {
			in.gen++ // each call runs its callees again (a failed import is not cached)
			var sub []item
			in.visit(t, 1, &sub)
			for _, it := range sub {
				its = append(its, in.at(it, cl, cl))
			}
			continue
		}
		if it, ok := in.externalItem(d, ci); ok {
			its = append(its, it)
		}
	}
	sortItems(its)
	return its
}

// visit appends what calling def d runs: its own imports and events, and, at its calls,
// what the functions of this module it calls run (each function once per visit
// generation, at most maxCallDepth deep) and the calls into other modules.
func (in *inliner) visit(d, depth int, out *[]item) {
	if depth > maxCallDepth || in.dstamp[d] == in.gen {
		return
	}
	in.dstamp[d] = in.gen
	c := in.s.cx
	own, calls := in.own[d], in.ownCall[d]
	for len(own) > 0 || len(calls) > 0 {
		if in.budget <= 0 {
			return
		}
		if len(calls) == 0 || len(own) > 0 && own[0].pos < c.calls[calls[0]].pos() {
			*out = append(*out, own[0])
			own = own[1:]
			in.budget--
			continue
		}
		ci := calls[0]
		calls = calls[1:]
		if t := in.target(d, ci); t >= 0 {
			in.visit(t, depth+1, out)
		} else if it, ok := in.externalItem(d, ci); ok {
			*out = append(*out, it)
			in.budget--
		}
	}
}

// target is the def call ci of def d runs, or -1 (resolve, cached by call).
func (in *inliner) target(d, ci int) int {
	if t := in.targets[ci]; t != -2 {
		return int(t)
	}
	t := in.resolve(d, in.s.cx.names[ci])
	in.targets[ci] = int32(t)
	return t
}

// externalItem is the CallEvent for call ci of def d into another module, if it is one.
func (in *inliner) externalItem(d, ci int) (item, bool) {
	cl := &in.s.cx.calls[ci]
	ev, ok := in.external(d, in.s.cx.names[ci])
	if !ok {
		return item{}, false
	}
	ev.Line, ev.Col, ev.Scope, ev.TypeChecking, ev.MainBlock = int(cl.line), int(cl.col), cl.scope, cl.tc, cl.main
	ev.Guards = in.callGuards(cl)
	return item{pos: cl.pos(), ev: in.newEvent(ev)}, true
}

// newEvent and newImport copy an item's event or import into the inliner's slabs: one
// allocation for many (most items are copied into File.Events and Funcs, and dropped).
func (in *inliner) newEvent(ev Event) *Event {
	if len(in.evs) == cap(in.evs) {
		in.evs = make([]Event, 0, max(32, 2*cap(in.evs)))
	}
	in.evs = append(in.evs, ev)
	return &in.evs[len(in.evs)-1]
}

func (in *inliner) newImport(imp Import) *Import {
	if len(in.imps) == cap(in.imps) {
		in.imps = make([]Import, 0, max(32, 2*cap(in.imps)))
	}
	in.imps = append(in.imps, imp)
	return &in.imps[len(in.imps)-1]
}

// sortItems puts items in program order (stable), when they are not already.
func sortItems(its []item) {
	for i := 1; i < len(its); i++ {
		if its[i].pos < its[i-1].pos {
			slices.SortStableFunc(its, func(a, b item) int { return cmp.Compare(a.pos, b.pos) })
			return
		}
	}
}

// at places item it (from a callee's body) at call cl: its position becomes the call's,
// and, for a call at init (cctx set), the call's context is added to it.
func (in *inliner) at(it item, cl *callRec, cctx *callRec) item {
	out := item{pos: cl.pos()}
	if it.imp != nil {
		imp := *it.imp
		if cctx != nil {
			out.inner = len(imp.Guards)
			imp.Scope = cctx.scope
			imp.CalledAt = int(cctx.line)
			imp.Guards = in.joinGuards(cctx, imp.Guards)
			imp.TypeChecking = imp.TypeChecking || cctx.tc
			imp.MainBlock = imp.MainBlock || cctx.main
		} else {
			imp.Scope = FunctionScope
		}
		out.imp = in.newImport(imp)
		return out
	}
	ev := *it.ev
	if cctx != nil {
		ev.Inner = len(ev.Guards)
		ev.Scope = cctx.scope
		ev.CalledAt = int(cctx.line)
		ev.Guards = in.joinGuards(cctx, ev.Guards)
		ev.TypeChecking = ev.TypeChecking || cctx.tc
		ev.MainBlock = ev.MainBlock || cctx.main
	} else {
		ev.Scope = FunctionScope
	}
	out.ev = in.newEvent(ev)
	return out
}

func (in *inliner) callGuards(cl *callRec) []Guard {
	var out []Guard
	for _, g := range in.s.guards[cl.guards.start:cl.guards.end] {
		if in.s.catches[g.TryID] {
			out = append(out, g)
		}
	}
	return out
}

func (in *inliner) joinGuards(cctx *callRec, inner []Guard) []Guard {
	out := in.callGuards(cctx)
	if len(out) == 0 {
		return inner
	}
	return append(out, inner...)
}

// resolve finds the def a call in def d names: a function nested in d or an enclosing
// function, a module-level function, Class.method, self.method / cls.method in a
// method, or a class (its __init__). It returns -1 when the callee is not a function
// of this module.
func (in *inliner) resolve(d int, callee string) int {
	c := in.s.cx
	nd := len(c.defs)
	lookup := func(name string) int {
		i, ok := in.byName[name]
		if !ok {
			return -1
		}
		if c.defs[i].class {
			if j, ok := in.byName[name+".__init__"]; ok {
				return j
			}
			return -1
		}
		return i
	}
	if rest, ok := strings.CutPrefix(callee, "self."); ok && d < nd && c.defs[d].cls != "" && !strings.Contains(rest, ".") {
		return lookup(c.defs[d].cls + "." + rest)
	}
	if rest, ok := strings.CutPrefix(callee, "cls."); ok && d < nd && c.defs[d].cls != "" && !strings.Contains(rest, ".") {
		return lookup(c.defs[d].cls + "." + rest)
	}
	// enclosing functions, innermost first
	for p := d; p >= 0 && p < nd; p = c.defs[p].parent {
		if !c.defs[p].class {
			if i := lookup(c.defs[p].name + "." + callee); i >= 0 {
				return i
			}
		}
	}
	first, _, _ := strings.Cut(callee, ".")
	if _, shadowed := in.binds[first]; shadowed {
		return -1
	}
	// module level (a top-level def or class; Class.method)
	if i, ok := in.byName[first]; ok && c.defs[i].parent < 0 {
		return lookup(callee)
	}
	return -1
}

// plainStdlib are standard modules calls into which are common at import time and never
// reach user code.
var plainStdlib = map[string]bool{"os": true, "sys": true, "site": true, "pathlib": true, "importlib": true,
	"logging": true, "json": true, "re": true, "typing": true, "functools": true, "collections": true, "dataclasses": true}

// external makes the CallEvent for a call in def d of a function another module
// defines: a name bound by `from m import f`, or m.f after `import m`.
func (in *inliner) external(d int, callee string) (Event, bool) {
	first, rest, dotted := strings.Cut(callee, ".")
	bi, ok := in.binds[first]
	if !ok {
		return Event{}, false
	}
	imp := &in.f.Imports[bi]
	if _, local := in.byName[first]; local {
		return Event{}, false
	}
	if imp.Level == 0 && plainStdlib[firstPart(imp.Module)] {
		return Event{}, false // the modules path and import code calls into: nothing to follow
	}
	ev := Event{Kind: CallEvent, Module: imp.Module, Level: imp.Level}
	if imp.From {
		name := first
		for _, n := range imp.Names {
			if n.Alias == first || n.Alias == "" && n.Name == first {
				name = n.Name
			}
		}
		if !dotted {
			ev.Func = name
			return ev, true
		}
		if strings.Contains(rest, ".") {
			return Event{}, false
		}
		ev.Attr, ev.Func = name, rest
		return ev, true
	}
	if !dotted {
		return Event{}, false
	}
	// import a.b [as x]: x.f() / a.b.f()
	mod := imp.Module
	if imp.Alias == "" {
		mod = first
	}
	i := strings.LastIndexByte(rest, '.')
	if i >= 0 {
		mod += "." + rest[:i]
		rest = rest[i+1:]
	}
	if imp.Alias == "" && mod != imp.Module && !strings.HasPrefix(imp.Module, mod+".") {
		return Event{}, false // a.c.f() after import a.b: a.c may be anything
	}
	ev.Module, ev.Func = mod, rest
	return ev, true
}

// placeEvents puts the events of File.Events made at each place of the top level
// (poss[i] is where event i runs: the call's position) on the StEvents mark flowMark
// left there, and drops the marks where nothing happens.
func (s *scanner) placeEvents(poss []int64) {
	f := s.f
	if s.fl.marks == 0 {
		return
	}
	s.fl.marks = 0
	type span struct{ lo, hi int32 }
	var at map[int64]span
	for i := 0; i < len(poss); {
		j := i + 1
		for j < len(poss) && poss[j] == poss[i] {
			j++
		}
		if f.Events[i].Scope != FunctionScope {
			if at == nil {
				at = make(map[int64]span)
			}
			at[poss[i]] = span{int32(i), int32(j)}
		}
		i = j
	}
	var place func(list []Stmt) []Stmt
	place = func(list []Stmt) []Stmt {
		out := list[:0]
		for _, st := range list {
			switch st.Kind {
			case StEvents:
				pos := packPos(int(st.Line), int(st.Index))
				r, ok := at[pos]
				if !ok {
					continue
				}
				delete(at, pos) // a place is run once
				st.Index, st.N = r.lo, r.hi-r.lo
				for k := r.lo; k < r.hi; k++ {
					f.Events[k].InFlow = true
				}
			case StTry:
				st.Try.Body = place(st.Try.Body)
				for j := range st.Try.Handlers {
					st.Try.Handlers[j].Body = place(st.Try.Handlers[j].Body)
				}
				st.Try.Else = place(st.Try.Else)
				st.Try.Finally = place(st.Try.Finally)
			case StIf:
				for j := range st.If {
					st.If[j].Body = place(st.If[j].Body)
				}
			default:
				st.Body = place(st.Body)
			}
			out = append(out, st)
		}
		if len(out) == 0 {
			return nil
		}
		return out
	}
	f.Flow = place(f.Flow)
}

// firstPart is the first part of a dotted name ("a" of "a.b.c").
func firstPart(dotted string) string {
	first, _, _ := strings.Cut(dotted, ".")
	return first
}
