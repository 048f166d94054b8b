package pyscan

import (
	"strconv"
	"strings"

	"github.com/layerkit/layerkit/internal/runtimes"
)

// Cond is the test of an if/elif statement, kept in a form that can be evaluated for a
// given Lambda runtime: Lambda runs CPython 3.minor on Linux, so sys.version_info,
// sys.platform ("linux"), os.name ("posix"), platform.system() ("Linux"),
// TYPE_CHECKING (false at run time), __name__ (never "__main__" for an imported module)
// and literals are known; anything else is unknown, and so is a test that uses it
// unless the rest decides it (False and x).
type Cond struct {
	n *cnode
	// names: the test reads a name other than Lambda's facts (sys, os, platform, typing):
	// a module constant EvalWith's Names may resolve.
	names bool
}

// ReadsNames reports whether the test reads a name Names could resolve (PY2, six.PY2).
func (c *Cond) ReadsNames() bool { return c != nil && c.names }

// cnode kinds
const (
	cConst   uint8 = iota + 1 // v
	cVersion                  // sys.version_info
	cAttr                     // args[0].name
	cIndex                    // args[0][lo]
	cSlice                    // args[0][lo:hi]
	cNot                      // not args[0]
	cAnd                      // args[0] and args[1] and ...
	cOr                       // args[0] or args[1] or ...
	cCmp                      // args[0] ops[0] args[1] ops[1] args[2] ...
	cTuple                    // (args...)
	cCall                     // args[0].name(args[1:]...): startswith / endswith
	cUnknown
)

type cnode struct {
	kind         uint8
	v            cval
	args         []*cnode
	ops          []string
	name         string
	lo, hi       int
	hasLo, hasHi bool
}

// cval kinds
const (
	vUnknown uint8 = iota
	vInt
	vStr
	vTuple
	vNone
	vNotMain // __name__ of an imported module: a string that is not "__main__"
	vEnvSet  // a variable Lambda sets, read from os.environ: a string, not empty, value unknown
	vEnviron // os.environ itself (for `"NAME" in os.environ`)
)

type cval struct {
	kind uint8
	i    int
	s    string
	t    []cval
}

// maxCondToks bounds the tests parsed: conditions Lambda decides are short.
const maxCondToks = 64

// parseCond reads an if/elif test; nil when it is too long or not an expression this
// evaluator reads at all.
func (s *scanner) parseCond(toks []tok) *Cond {
	if len(toks) == 0 || len(toks) > maxCondToks {
		return nil
	}
	// A module-level test is read twice, for the flow and for the calls (noteCond):
	// the second read is the first's Cond (a Cond is not changed once made).
	span := span{toks[0].start, toks[len(toks)-1].end}
	if s.condSeen && s.condSpan == span {
		return s.condLast
	}
	p := condParser{s: s, toks: toks}
	var c *Cond
	if n := p.or(); n != nil && p.i == len(toks) && p.depth <= 32 {
		c = &Cond{n: n, names: p.names}
	}
	s.condSeen, s.condSpan, s.condLast = true, span, c
	return c
}

type condParser struct {
	s     *scanner
	toks  []tok
	i     int
	depth int
	names bool // a bare name other than sys, os, platform, typing was read
}

// node and one carve the test's nodes from slabs the scanner fills for the whole scan
// (a few allocations per file rather than per node).
func (p *condParser) node(n cnode) *cnode {
	s := p.s
	if len(s.cslab) == cap(s.cslab) {
		// 2, 4, 8, then 16 at a time: most files test one or two short conditions
		s.cslab = make([]cnode, 0, min(16, max(2, 2*cap(s.cslab))))
	}
	s.cslab = append(s.cslab, n)
	return &s.cslab[len(s.cslab)-1]
}

// isModule reports whether n is the bare name mod (an import alias already resolved).
func isModule(n *cnode, mod string) bool {
	return n != nil && n.kind == cAttr && len(n.args) == 0 && n.name == mod
}

// isOSAttr reports whether n is os.name.
func isOSAttr(n *cnode, name string) bool {
	return n != nil && n.kind == cAttr && n.name == name && len(n.args) == 1 && isModule(n.args[0], "os")
}

func (p *condParser) one(n *cnode) []*cnode {
	s := p.s
	if len(s.pslab) == cap(s.pslab) {
		s.pslab = make([]*cnode, 0, 16)
	}
	s.pslab = append(s.pslab, n)
	k := len(s.pslab)
	return s.pslab[k-1 : k : k]
}

func (p *condParser) peekName(w string) bool {
	return p.i < len(p.toks) && p.s.isName(p.toks[p.i], w)
}

func (p *condParser) peekOp(op byte) bool { return p.i < len(p.toks) && isOp(p.toks[p.i], op) }

func (p *condParser) or() *cnode {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > 32 {
		return nil
	}
	n := p.and()
	if n == nil || !p.peekName("or") {
		return n
	}
	out := p.node(cnode{kind: cOr, args: p.one(n)})
	for p.peekName("or") {
		p.i++
		m := p.and()
		if m == nil {
			return nil
		}
		out.args = append(out.args, m)
	}
	return out
}

func (p *condParser) and() *cnode {
	n := p.not()
	if n == nil || !p.peekName("and") {
		return n
	}
	out := p.node(cnode{kind: cAnd, args: p.one(n)})
	for p.peekName("and") {
		p.i++
		m := p.not()
		if m == nil {
			return nil
		}
		out.args = append(out.args, m)
	}
	return out
}

func (p *condParser) not() *cnode {
	if p.peekName("not") {
		p.i++
		p.depth++
		defer func() { p.depth-- }()
		if p.depth > 32 {
			return nil
		}
		n := p.not()
		if n == nil {
			return nil
		}
		return p.node(cnode{kind: cNot, args: p.one(n)})
	}
	return p.cmp()
}

// cmpOp reads a comparison operator at the current token.
func (p *condParser) cmpOp() string {
	if p.i >= len(p.toks) {
		return ""
	}
	t := p.toks[p.i]
	switch {
	case t.kind == tkOp && t.op == opEqEq:
		return "=="
	case t.kind == tkOp && (t.op == '<' || t.op == '>'):
		return string(t.op)
	case t.kind == tkOp && t.op == opOther:
		switch b := string(p.s.bytesOf(t)); b {
		case "!=", "<=", ">=":
			return b
		}
	case p.s.isName(t, "in"):
		return "in"
	case p.s.isName(t, "is"):
		if p.i+1 < len(p.toks) && p.s.isName(p.toks[p.i+1], "not") {
			return "is not"
		}
		return "is"
	case p.s.isName(t, "not"):
		if p.i+1 < len(p.toks) && p.s.isName(p.toks[p.i+1], "in") {
			return "not in"
		}
	}
	return ""
}

func (p *condParser) cmp() *cnode {
	n := p.primary()
	if n == nil {
		return nil
	}
	op := p.cmpOp()
	if op == "" {
		return n
	}
	out := p.node(cnode{kind: cCmp, args: p.one(n)})
	for op != "" {
		p.i += len(strings.Fields(op))
		m := p.primary()
		if m == nil {
			return nil
		}
		out.ops = append(out.ops, op)
		out.args = append(out.args, m)
		op = p.cmpOp()
	}
	return out
}

func (p *condParser) primary() *cnode {
	n := p.atom()
	for n != nil && p.i < len(p.toks) {
		switch {
		case p.peekOp('.'):
			if p.i+1 >= len(p.toks) || !p.s.isIdent(p.toks[p.i+1]) {
				return nil
			}
			name := string(p.s.bytesOf(p.toks[p.i+1]))
			p.i += 2
			if p.peekOp('(') {
				// a method call: only str.startswith/endswith with one literal
				p.i++
				if name != "startswith" && name != "endswith" && !(n.kind == cAttr && n.name == "platform" && name == "system") &&
					!(name == "get" && isOSAttr(n, "environ")) && !(name == "getenv" && isModule(n, "os")) {
					return nil
				}
				call := p.node(cnode{kind: cCall, name: name, args: p.one(n)})
				for !p.peekOp(')') {
					a := p.or()
					if a == nil {
						return nil
					}
					call.args = append(call.args, a)
					if p.peekOp(',') {
						p.i++
					} else if !p.peekOp(')') {
						return nil
					}
				}
				p.i++
				n = call
				continue
			}
			n = p.node(cnode{kind: cAttr, name: name, args: p.one(n)})
		case p.peekOp('['):
			p.i++
			sub := p.node(cnode{kind: cIndex, args: p.one(n)})
			lo, ok := p.intLit()
			if ok {
				sub.lo, sub.hasLo = lo, true
			}
			if p.peekOp(':') {
				p.i++
				sub.kind = cSlice
				if hi, ok := p.intLit(); ok {
					sub.hi, sub.hasHi = hi, true
				}
			} else if !ok {
				return nil
			}
			if !p.peekOp(']') {
				return nil
			}
			p.i++
			n = sub
		default:
			return n
		}
	}
	return n
}

// intLit reads an optionally negative decimal integer.
func (p *condParser) intLit() (int, bool) {
	neg := false
	j := p.i
	if j < len(p.toks) && isOp(p.toks[j], '-') {
		neg = true
		j++
	}
	if j >= len(p.toks) || p.toks[j].kind != tkNumber {
		return 0, false
	}
	v, err := strconv.Atoi(string(p.s.bytesOf(p.toks[j])))
	if err != nil {
		return 0, false
	}
	p.i = j + 1
	if neg {
		v = -v
	}
	return v, true
}

func (p *condParser) atom() *cnode {
	if p.i >= len(p.toks) {
		return nil
	}
	t := p.toks[p.i]
	switch t.kind {
	case tkNumber:
		if v, ok := p.intLit(); ok {
			return p.node(cnode{kind: cConst, v: cval{kind: vInt, i: v}})
		}
		p.i++
		return p.node(cnode{kind: cUnknown})
	case tkString:
		v, ok := p.s.literal(t)
		p.i++
		// implicit concatenation
		for p.i < len(p.toks) && p.toks[p.i].kind == tkString {
			w, ok2 := p.s.literal(p.toks[p.i])
			v, ok = v+w, ok && ok2
			p.i++
		}
		if !ok {
			return p.node(cnode{kind: cUnknown})
		}
		return p.node(cnode{kind: cConst, v: cval{kind: vStr, s: v}})
	case tkOp:
		switch t.op {
		case '-':
			if v, ok := p.intLit(); ok {
				return p.node(cnode{kind: cConst, v: cval{kind: vInt, i: v}})
			}
			return nil
		case '(':
			p.i++
			if p.peekOp(')') {
				p.i++
				return p.node(cnode{kind: cTuple})
			}
			first := p.or()
			if first == nil {
				return nil
			}
			if p.peekOp(')') {
				p.i++
				return first
			}
			tup := p.node(cnode{kind: cTuple, args: p.one(first)})
			for p.peekOp(',') {
				p.i++
				if p.peekOp(')') {
					break
				}
				m := p.or()
				if m == nil {
					return nil
				}
				tup.args = append(tup.args, m)
			}
			if !p.peekOp(')') {
				return nil
			}
			p.i++
			return tup
		}
		return nil
	case tkName:
		name := string(p.s.bytesOf(t))
		p.i++
		switch name {
		case "True":
			return p.node(cnode{kind: cConst, v: cval{kind: vInt, i: 1}})
		case "False":
			return p.node(cnode{kind: cConst, v: cval{kind: vInt}})
		case "None":
			return p.node(cnode{kind: cConst, v: cval{kind: vNone}})
		case "TYPE_CHECKING":
			return p.node(cnode{kind: cConst, v: cval{kind: vInt}})
		case "__name__":
			return p.node(cnode{kind: cConst, v: cval{kind: vNotMain}})
		case "version_info":
			return p.node(cnode{kind: cVersion})
		}
		if isKeywordString(name) {
			return nil
		}
		if m, ok := p.s.fl.aliases[name]; ok {
			name = m // import sys as _sys
		}
		switch name {
		case "sys", "os", "platform", "typing":
		default:
			p.names = true
		}
		// a module or other name: its attributes are resolved by cAttr
		return p.node(cnode{kind: cAttr, name: name})
	}
	return nil
}

// Eval decides the test for CPython 3.minor on Lambda (Linux): truth, and whether it is
// known.
func (c *Cond) Eval(minor int) (truth, known bool) { return c.EvalWith(minor, nil) }

// Names resolves a name a test reads that is not one of Lambda's facts: a module
// constant bound to such a test (`PY2 = sys.version_info[0] == 2`, File.Consts), in the
// test's own module or in the module it was imported from (`from ._compat import PY2`,
// `six.PY2`). base is "" for a bare name, else the bare name whose attribute name is read.
// It returns the test the name is bound to and the Names of the module that binding is
// in, or nil when the name is not such a constant.
type Names func(base, name string) (*Cond, Names)

// maxNameDepth bounds how deep a test follows constants (A = not B, B = not A), and
// maxNameLookups how many it looks up in all (A2 = A1 or A1 or ..., A1 = A0 or A0 or ...).
const (
	maxNameDepth   = 16
	maxNameLookups = 256
)

// EvalWith is Eval with the names the test reads resolved by names (nil: none is known).
func (c *Cond) EvalWith(minor int, names Names) (truth, known bool) {
	if c == nil || c.n == nil {
		return false, false
	}
	budget := maxNameLookups
	e := evalEnv{minor: minor, names: names, budget: &budget}
	return truthOf(c.n.eval(&e))
}

// evalEnv is what a test is evaluated against.
type evalEnv struct {
	minor  int
	names  Names
	depth  int
	budget *int // constant lookups left
}

// constant evaluates the constant names resolves (base, name) to; unknown when it is not one.
func (e *evalEnv) constant(base, name string) cval {
	if e.names == nil || e.depth >= maxNameDepth || *e.budget <= 0 {
		return cval{}
	}
	*e.budget--
	c, in := e.names(base, name)
	if c == nil || c.n == nil {
		return cval{}
	}
	inner := evalEnv{minor: e.minor, names: in, depth: e.depth + 1, budget: e.budget}
	return c.n.eval(&inner)
}

func truthOf(v cval) (bool, bool) {
	switch v.kind {
	case vEnvSet, vEnviron:
		return true, true
	case vInt:
		return v.i != 0, true
	case vStr:
		return v.s != "", true
	case vTuple:
		return len(v.t) > 0, true
	case vNone:
		return false, true
	case vNotMain:
		return true, true
	}
	return false, false
}

func boolVal(b bool) cval {
	if b {
		return cval{kind: vInt, i: 1}
	}
	return cval{kind: vInt}
}

func (n *cnode) eval(e *evalEnv) cval {
	minor := e.minor
	switch n.kind {
	case cConst:
		return n.v
	case cVersion:
		return versionTuple(minor)
	case cAttr:
		if len(n.args) == 0 {
			return e.constant("", n.name) // a bare name other than those atom knows
		}
		base := n.args[0]
		if n.name == "TYPE_CHECKING" && base.kind == cAttr && len(base.args) == 0 {
			return boolVal(false) // typing.TYPE_CHECKING, t.TYPE_CHECKING
		}
		if base.kind == cAttr && len(base.args) == 0 {
			switch base.name + "." + n.name {
			case "sys.version_info":
				return versionTuple(minor)
			case "sys.platform":
				return cval{kind: vStr, s: "linux"}
			case "os.name":
				return cval{kind: vStr, s: "posix"}
			case "os.environ":
				return cval{kind: vEnviron}
			}
		}
		if base.kind == cAttr && len(base.args) == 0 {
			if v := e.constant(base.name, n.name); v.kind != vUnknown {
				return v // mod.NAME, a constant of an imported module
			}
		}
		v := base.eval(e)
		if v.kind == vTuple && len(v.t) == 5 && base.kind != cTuple {
			switch n.name {
			case "major":
				return v.t[0]
			case "minor":
				return v.t[1]
			case "micro":
				return v.t[2]
			case "releaselevel":
				return v.t[3]
			}
		}
		return cval{}
	case cIndex, cSlice:
		v := n.args[0].eval(e)
		if v.kind != vTuple && v.kind != vStr {
			return cval{}
		}
		ln := len(v.t)
		if v.kind == vStr {
			ln = len(v.s)
		}
		norm := func(i int) int {
			if i < 0 {
				i += ln
			}
			return max(0, min(i, ln))
		}
		if n.kind == cIndex {
			i := n.lo
			if i < 0 {
				i += ln
			}
			if i < 0 || i >= ln {
				return cval{}
			}
			if v.kind == vStr {
				return cval{kind: vStr, s: v.s[i : i+1]}
			}
			return v.t[i]
		}
		lo, hi := 0, ln
		if n.hasLo {
			lo = norm(n.lo)
		}
		if n.hasHi {
			hi = norm(n.hi)
		}
		if hi < lo {
			hi = lo
		}
		if v.kind == vStr {
			return cval{kind: vStr, s: v.s[lo:hi]}
		}
		return cval{kind: vTuple, t: v.t[lo:hi]}
	case cTuple:
		t := make([]cval, len(n.args))
		for i, a := range n.args {
			t[i] = a.eval(e)
		}
		return cval{kind: vTuple, t: t}
	case cNot:
		b, ok := truthOf(n.args[0].eval(e))
		if !ok {
			return cval{}
		}
		return boolVal(!b)
	case cAnd, cOr:
		// The truth of `a and b` is truth(a) && truth(b) (Python returns an operand, but
		// only its truth matters here): one false operand decides an and, one true an or.
		unknown := false
		for _, a := range n.args {
			b, ok := truthOf(a.eval(e))
			switch {
			case !ok:
				unknown = true
			case n.kind == cAnd && !b:
				return boolVal(false)
			case n.kind == cOr && b:
				return boolVal(true)
			}
		}
		if unknown {
			return cval{}
		}
		return boolVal(n.kind == cAnd)
	case cCmp:
		left := n.args[0].eval(e)
		for i, op := range n.ops {
			right := n.args[i+1].eval(e)
			r, ok := compare(left, op, right)
			if !ok {
				return cval{}
			}
			if !r {
				return boolVal(false)
			}
			left = right
		}
		return boolVal(true)
	case cCall:
		if n.name == "get" || n.name == "getenv" {
			// os.environ.get("NAME"[, default]), os.getenv("NAME"[, default])
			if len(n.args) < 2 || len(n.args) > 3 {
				return cval{}
			}
			if k := n.args[1].eval(e); k.kind == vStr && runtimes.AlwaysSet(k.s) {
				return cval{kind: vEnvSet}
			}
			return cval{}
		}
		if n.name == "system" {
			base := n.args[0]
			if len(n.args) == 1 && len(base.args) == 0 && base.name == "platform" {
				return cval{kind: vStr, s: "Linux"}
			}
			return cval{}
		}
		v := n.args[0].eval(e)
		if v.kind != vStr || len(n.args) != 2 {
			return cval{}
		}
		a := n.args[1].eval(e)
		var prefixes []string
		switch a.kind {
		case vStr:
			prefixes = []string{a.s}
		case vTuple:
			for _, e := range a.t {
				if e.kind != vStr {
					return cval{}
				}
				prefixes = append(prefixes, e.s)
			}
		default:
			return cval{}
		}
		for _, pre := range prefixes {
			if n.name == "startswith" && strings.HasPrefix(v.s, pre) || n.name == "endswith" && strings.HasSuffix(v.s, pre) {
				return boolVal(true)
			}
		}
		return boolVal(false)
	}
	return cval{}
}

// versionTuple is sys.version_info: (3, minor, micro, releaselevel, serial); the micro
// version of a runtime changes with its updates, so only major and minor are known.
func versionTuple(minor int) cval {
	return cval{kind: vTuple, t: []cval{{kind: vInt, i: 3}, {kind: vInt, i: minor}, {}, {kind: vStr, s: "final"}, {kind: vInt}}}
}

// compare evaluates a op b; ok is false when it cannot be known.
func compare(a cval, op string, b cval) (result, ok bool) {
	switch op {
	case "is", "is not":
		if a.kind == vNone && b.kind == vNone {
			return op == "is", true
		}
		if a.kind == vNone && b.kind != vUnknown || b.kind == vNone && a.kind != vUnknown {
			return op == "is not", true
		}
		return false, false
	case "in", "not in":
		if b.kind == vEnviron {
			if a.kind == vStr && runtimes.AlwaysSet(a.s) {
				return op == "in", true
			}
			return false, false
		}
		if b.kind != vTuple {
			if b.kind == vStr && a.kind == vStr {
				return strings.Contains(b.s, a.s) == (op == "in"), true
			}
			return false, false
		}
		for _, e := range b.t {
			eq, ok := equal(a, e)
			if !ok {
				return false, false
			}
			if eq {
				return op == "in", true
			}
		}
		return op == "not in", true
	case "==", "!=":
		eq, ok := equal(a, b)
		if !ok {
			return false, false
		}
		return eq == (op == "=="), true
	}
	c, ok := order(a, b)
	if !ok {
		return false, false
	}
	switch op {
	case "<":
		return c < 0, true
	case "<=":
		return c <= 0, true
	case ">":
		return c > 0, true
	case ">=":
		return c >= 0, true
	}
	return false, false
}

func equal(a, b cval) (bool, bool) {
	if a.kind == vUnknown || b.kind == vUnknown {
		return false, false
	}
	if a.kind == vEnvSet || b.kind == vEnvSet || a.kind == vEnviron || b.kind == vEnviron {
		// a set variable is a string of unknown value: only None is surely not it
		return false, (a.kind == vNone || b.kind == vNone) && a.kind != vEnviron && b.kind != vEnviron
	}
	if a.kind == vNotMain || b.kind == vNotMain {
		o := b
		if b.kind == vNotMain {
			o = a
		}
		if o.kind == vStr && o.s == "__main__" {
			return false, true
		}
		if o.kind != vStr {
			return false, true
		}
		return false, false
	}
	if a.kind != b.kind {
		return a.kind == vNone && b.kind == vNone, true
	}
	switch a.kind {
	case vInt:
		return a.i == b.i, true
	case vStr:
		return a.s == b.s, true
	case vNone:
		return true, true
	case vTuple:
		if len(a.t) != len(b.t) {
			return false, true
		}
		for i := range a.t {
			eq, ok := equal(a.t[i], b.t[i])
			if !ok || !eq {
				return eq, ok
			}
		}
		return true, true
	}
	return false, false
}

// order compares a and b as Python does for ints, strs and tuples (lexicographic).
func order(a, b cval) (int, bool) {
	if a.kind != b.kind {
		return 0, false
	}
	switch a.kind {
	case vInt:
		return cmpInt(a.i, b.i), true
	case vStr:
		return strings.Compare(a.s, b.s), true
	case vTuple:
		for i := 0; i < len(a.t) && i < len(b.t); i++ {
			eq, ok := equal(a.t[i], b.t[i])
			if !ok {
				return 0, false
			}
			if !eq {
				return order(a.t[i], b.t[i])
			}
		}
		return cmpInt(len(a.t), len(b.t)), true
	}
	return 0, false
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
