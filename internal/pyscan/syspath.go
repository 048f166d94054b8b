package pyscan

// sys.path edits: sys.path.insert/append/extend, sys.path[0:0] = [...], sys.path += [...],
// sys.path = [...] + sys.path, site.addsitedir(...), with their values evaluated as path
// expressions (PathExpr) where layerkit can: literals, __file__, os.path, pathlib, str(),
// f-strings and the environment variables Lambda sets. An edit under a condition is
// evaluated only for `if P not in sys.path:` and tests Lambda always passes.

import (
	"strconv"
	"strings"

	"github.com/layerkit/layerkit/internal/runtimes"
)

// PathEdit is one change to sys.path.
type PathEdit struct {
	// Op is "insert" (at Index), "append" (also extend, +=, site.addsitedir), or
	// "prepend" (sys.path[0:0] = [...], sys.path = [...] + sys.path).
	Op    string
	Index int
	// Site is set for site.addsitedir: the folder's .pth files are read too.
	Site bool
	// Values are the paths added, in order; nil when Unknown.
	Values []PathExpr
	// Unknown is set when layerkit cannot evaluate the edit, or it runs under a
	// condition layerkit does not evaluate.
	Unknown bool
	// Unless: the edit runs only when none of these paths is on sys.path (it is under
	// `if P not in sys.path:`).
	Unless []PathExpr
	// Text is the statement as written (shortened).
	Text string
}

// PathExpr is a path computed from the module's __file__ (File) or from the literal
// Lit, then changed by Steps: "dirname", "abs" (made absolute against the working
// directory, /var/task on Lambda, and normalized), "join:<s>" (os.path.join with s),
// "concat:<s>" (string concatenation).
type PathExpr struct {
	File  bool
	Lit   string
	Steps []string
}

// cond is the condition of an if/elif/else/while block: `P not in sys.path` with P a
// path expression (notIn), or something else.
type cond struct {
	notIn  PathExpr
	ok     bool
	always bool // a test Lambda always passes: "LAMBDA_TASK_ROOT" in os.environ
	// flow: a module-level if/elif/else whose tests File.Flow decides for every runtime
	// (sys.version_info, sys.platform, TYPE_CHECKING, ...): the resolver runs the edits
	// under it only on the branch that runs.
	flow bool
}

// noteCond records the condition of a block header; it returns 1 + its index.
func (s *scanner) noteCond(kw string, head []tok) int32 {
	c := s.cs()
	if len(c.conds) >= maxCallsPerFile {
		return int32(len(c.conds)) // the last one again: bounded, conservative enough
	}
	var cd cond
	if c.owner() < 0 {
		switch kw {
		case "if":
			c.chainFlow = decided(s.parseCond(head))
			cd.flow = c.chainFlow
		case "elif":
			c.chainFlow = c.chainFlow && decided(s.parseCond(head))
			cd.flow = c.chainFlow
		case "else":
			cd.flow = c.chainFlow && (s.fl.lastKw == "if" || s.fl.lastKw == "elif")
		}
	}
	if cd.flow {
		cd.ok = true
	} else if (kw == "if" || kw == "elif") && s.lambdaSet(stripParens(head)) {
		cd.ok, cd.always = true, true
	} else if kw == "if" && len(head) >= 6 {
		n := len(head)
		if s.isName(head[n-5], "not") && s.isName(head[n-4], "in") && isSysPath0(s, head[n-3:]) {
			cd.notIn, cd.ok = s.evalPath(head[:n-5])
		}
	}
	c.conds = append(c.conds, cd)
	return int32(len(c.conds))
}

// decided reports whether test c is one Lambda decides, for every Python 3 runtime.
func decided(c *Cond) bool {
	if c == nil {
		return false
	}
	for minor := 6; minor <= 14; minor++ {
		if _, known := c.Eval(minor); !known {
			return false
		}
	}
	return true
}

// lambdaSet reports whether a condition tests that an environment variable Lambda always
// sets is set: "LAMBDA_TASK_ROOT" in os.environ, os.environ.get("LAMBDA_TASK_ROOT"),
// os.getenv("LAMBDA_TASK_ROOT").
func (s *scanner) lambdaSet(h []tok) bool {
	set := func(t tok) bool {
		v, ok := s.literal(t)
		return ok && runtimes.AlwaysSet(v)
	}
	switch {
	case len(h) == 5 && s.isName(h[1], "in") && s.isName(h[2], "os") && isOp(h[3], '.') && s.isName(h[4], "environ"):
		return set(h[0])
	case len(h) == 8 && s.isName(h[0], "os") && s.isName(h[2], "environ") && s.isName(h[4], "get") && isOp(h[5], '(') && isOp(h[7], ')'):
		return set(h[6])
	case len(h) == 6 && s.isName(h[0], "os") && s.isName(h[2], "getenv") && isOp(h[3], '(') && isOp(h[5], ')'):
		return set(h[4])
	}
	return false
}

// editConds applies the conditions of the blocks around a sys.path edit to it.
func (s *scanner) editConds(e *PathEdit) {
	for _, b := range s.stack {
		if b.cond == 0 || s.cx == nil || int(b.cond) > len(s.cx.conds) {
			continue
		}
		cd := s.cx.conds[b.cond-1]
		if cd.always || cd.flow {
			continue
		}
		if !cd.ok {
			e.Unknown = true
			continue
		}
		e.Unless = append(e.Unless, cd.notIn)
	}
}

// pathStmt recognises a statement that changes sys.path.
func (s *scanner) pathStmt(toks []tok, owner int) {
	if len(toks) < 3 {
		return
	}
	text := func() string { return shorten(string(s.src[toks[0].start:toks[len(toks)-1].end])) }
	// site.addsitedir(E)
	if s.isName(toks[0], "site") && isOp(toks[1], '.') && s.isName(toks[2], "addsitedir") {
		e := &PathEdit{Op: "append", Site: true, Text: text()}
		if len(toks) > 4 && isOp(toks[3], '(') && closeOf(toks, 3) == len(toks)-1 {
			args := splitArgs(toks[4 : len(toks)-1])
			if len(args) >= 1 {
				if v, ok := s.evalPath(args[0]); ok {
					e.Values = []PathExpr{v}
				}
			}
		}
		e.Unknown = e.Values == nil
		s.editConds(e)
		s.addEvent(Event{Kind: PathEditEvent, Edit: e}, toks[0], owner)
		return
	}
	// any statement that mutates sys.path
	at := -1
	for i := 0; i+2 < len(toks); i++ {
		if isSysPath0(s, toks[i:]) && (i == 0 || !isOp(toks[i-1], '.')) {
			at = i
			break
		}
	}
	if at < 0 {
		return
	}
	e := &PathEdit{Text: text()}
	j := at + 3
	switch {
	case at == 0 && j+1 < len(toks) && isOp(toks[j], '.') && toks[j+1].kind == tkName && j+2 < len(toks) && isOp(toks[j+2], '(') &&
		closeOf(toks, j+2) == len(toks)-1:
		args := splitArgs(toks[j+3 : len(toks)-1])
		switch string(s.bytesOf(toks[j+1])) {
		case "insert":
			if len(args) == 2 {
				if idx, ok := s.intLit(args[0]); ok {
					if v, ok := s.evalPath(args[1]); ok {
						e.Op, e.Index, e.Values = "insert", idx, []PathExpr{v}
					}
				}
			}
		case "append":
			if len(args) == 1 {
				if v, ok := s.evalPath(args[0]); ok {
					e.Op, e.Values = "append", []PathExpr{v}
				}
			}
		case "extend":
			if len(args) == 1 {
				if vs, ok := s.evalList(args[0]); ok {
					e.Op, e.Values = "append", vs
				}
			}
		case "index", "count", "copy", "__contains__", "__len__", "__iter__", "__getitem__":
			return // reads
		}
	case at == 0 && j < len(toks) && isOp(toks[j], opAug) && s.src[toks[j].start] == '+':
		if vs, ok := s.evalList(toks[j+1:]); ok {
			e.Op, e.Values = "append", vs
		}
	case at == 0 && j < len(toks) && isOp(toks[j], '['):
		// sys.path[0:0] = [...] / sys.path[:0] = [...]
		k := closeOf(toks, j)
		if k > 0 && k+1 < len(toks) && isOp(toks[k+1], '=') {
			sl := toks[j+1 : k]
			if len(sl) == 1 && isOp(sl[0], ':') || len(sl) == 2 && isOp(sl[1], ':') && s.isZero(sl[0]) ||
				len(sl) == 3 && s.isZero(sl[0]) && isOp(sl[1], ':') && s.isZero(sl[2]) || len(sl) == 2 && isOp(sl[0], ':') && s.isZero(sl[1]) {
				if vs, ok := s.evalList(toks[k+2:]); ok {
					e.Op, e.Values = "prepend", vs
				}
			}
		} else if k > 0 {
			return // a read: sys.path[0]
		}
	case at == 0 && j < len(toks) && isOp(toks[j], '='):
		// sys.path = [...] + sys.path  /  sys.path = sys.path + [...]
		rhs := toks[j+1:]
		parts := splitTop(rhs, '+')
		if len(parts) == 2 {
			switch {
			case len(parts[1]) == 3 && isSysPath0(s, parts[1]):
				if vs, ok := s.evalList(parts[0]); ok {
					e.Op, e.Values = "prepend", vs
				}
			case len(parts[0]) == 3 && isSysPath0(s, parts[0]):
				if vs, ok := s.evalList(parts[1]); ok {
					e.Op, e.Values = "append", vs
				}
			}
		}
	default:
		// sys.path somewhere else in the statement: a mutation only when a mutating
		// method is called on it, or it is assigned to.
		mut := false
		if j+2 < len(toks) && isOp(toks[j], '.') && isOp(toks[j+2], '(') {
			switch string(s.bytesOf(toks[j+1])) {
			case "insert", "append", "extend", "remove", "pop", "clear", "reverse", "sort":
				mut = true
			}
		}
		if !mut {
			return
		}
	}
	e.Unknown = e.Values == nil
	s.editConds(e)
	s.addEvent(Event{Kind: PathEditEvent, Edit: e}, toks[at], owner)
}

// isSysPath0 reports whether t starts with sys.path (isName compares a name's length
// first: cheap on the tokens of every statement pathStmt looks through).
func isSysPath0(s *scanner, t []tok) bool {
	return s.isName(t[0], "sys") && isOp(t[1], '.') && s.isName(t[2], "path")
}

func (s *scanner) isZero(t tok) bool { return t.kind == tkNumber && string(s.bytesOf(t)) == "0" }

func (s *scanner) intLit(ts []tok) (int, bool) {
	neg := false
	if len(ts) == 2 && isOp(ts[0], '-') {
		neg, ts = true, ts[1:]
	}
	if len(ts) != 1 || ts[0].kind != tkNumber {
		return 0, false
	}
	n, err := strconv.Atoi(string(s.bytesOf(ts[0])))
	if err != nil || n > 1<<20 {
		return 0, false
	}
	if neg {
		n = -n
	}
	return n, true
}

// splitArgs splits call arguments at top-level commas (a trailing comma is allowed).
func splitArgs(toks []tok) [][]tok {
	out := splitTop(toks, ',')
	if n := len(out); n > 0 && len(out[n-1]) == 0 {
		out = out[:n-1]
	}
	return out
}

// splitTop splits toks at the operator op outside brackets.
func splitTop(toks []tok, op byte) [][]tok {
	if len(toks) == 0 {
		return nil
	}
	var out [][]tok
	depth, start := 0, 0
	for i, t := range toks {
		if t.kind != tkOp {
			continue
		}
		switch t.op {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
		case op:
			if depth == 0 {
				out = append(out, toks[start:i])
				start = i + 1
			}
		}
	}
	return append(out, toks[start:])
}

// evalList evaluates a list or tuple display of paths.
func (s *scanner) evalList(toks []tok) ([]PathExpr, bool) {
	if len(toks) < 2 || !(isOp(toks[0], '[') || isOp(toks[0], '(')) || closeOf(toks, 0) != len(toks)-1 {
		return nil, false
	}
	var out []PathExpr
	for _, a := range splitArgs(toks[1 : len(toks)-1]) {
		v, ok := s.evalPath(a)
		if !ok {
			return nil, false
		}
		out = append(out, v)
	}
	return out, len(out) > 0
}

// pathVar remembers NAME = <path expression> (any scope), and forgets a name bound
// to something else.
func (s *scanner) pathVar(toks []tok) {
	if len(toks) < 3 || !s.isIdent(toks[0]) || !isOp(toks[1], '=') {
		return
	}
	c := s.cs()
	if !s.pathLike(toks[2]) {
		if len(c.vars) > 0 {
			delete(c.vars, string(s.bytesOf(toks[0])))
		}
		return
	}
	name := string(s.bytesOf(toks[0]))
	if v, ok := s.evalPath(toks[2:]); ok {
		if c.vars == nil {
			c.vars = map[string]PathExpr{}
		}
		if len(c.vars) < maxCallsPerFile {
			c.vars[name] = v
		}
		return
	}
	delete(c.vars, name)
}

// pathLike reports whether an expression starting with t may be a path expression.
func (s *scanner) pathLike(t tok) bool {
	switch t.kind {
	case tkString:
		return true
	case tkOp:
		return t.op == '('
	case tkName:
		switch string(s.bytesOf(t)) {
		case "__file__", "os", "path", "str", "Path", "PurePath", "PosixPath", "PurePosixPath", "pathlib",
			"dirname", "join", "abspath", "realpath", "normpath":
			return true
		}
		_, ok := s.cs().vars[string(s.bytesOf(t))]
		return ok
	}
	return false
}

// maxPathSteps bounds a path expression's steps.
const maxPathSteps = 64

// evalPath evaluates a path expression: string literals, __file__, names bound to
// such expressions, os.path.dirname/abspath/realpath/normpath/join, str(), os.fspath(),
// pathlib.Path(...) with .parent, .parents[n], .resolve(), .absolute(), .joinpath()
// and /, + with a literal, os.getcwd(), and LAMBDA_TASK_ROOT from the environment.
func (s *scanner) evalPath(toks []tok) (PathExpr, bool) {
	toks = stripParens(toks)
	if len(toks) == 0 || len(toks) > 64 {
		return PathExpr{}, false
	}
	// binary / and + (left-associative)
	for _, op := range []byte{'+', '/'} {
		parts := splitTop(toks, op)
		if len(parts) < 2 {
			continue
		}
		v, ok := s.evalPath(parts[0])
		if !ok {
			return PathExpr{}, false
		}
		for _, p := range parts[1:] {
			lit, ok := s.evalPath(p)
			if !ok || lit.File || len(lit.Steps) > 0 {
				return PathExpr{}, false
			}
			switch {
			case op == '/':
				v = v.join(lit.Lit)
			case !v.File && len(v.Steps) == 0:
				v.Lit += lit.Lit
			default:
				v = v.step("concat:" + lit.Lit)
			}
		}
		return v, len(v.Steps) <= maxPathSteps
	}
	// atom
	var v PathExpr
	i := 0
	switch t := toks[0]; {
	case t.kind == tkString:
		lit, ok := s.literal(t)
		if !ok {
			if v, ok = s.fstring(t); !ok {
				return PathExpr{}, false
			}
			i = 1
			break
		}
		v, i = PathExpr{Lit: lit}, 1
	case s.isName(t, "__file__"):
		v, i = PathExpr{File: true}, 1
	case t.kind == tkName:
		name, j, ok := s.dotted(toks, 0)
		if !ok {
			return PathExpr{}, false
		}
		switch {
		case j < len(toks) && isOp(toks[j], '('):
			k := closeOf(toks, j)
			if k < 0 {
				return PathExpr{}, false
			}
			args := splitArgs(toks[j+1 : k])
			v, ok = s.evalCall(name, args)
			if !ok {
				return PathExpr{}, false
			}
			i = k + 1
		case j < len(toks) && isOp(toks[j], '[') && (name == "os.environ"):
			k := closeOf(toks, j)
			if k != j+2 {
				return PathExpr{}, false
			}
			v, ok = s.envPath(toks[j+1])
			if !ok {
				return PathExpr{}, false
			}
			i = k + 1
		default:
			// a variable, possibly followed by attributes handled below
			first := string(s.bytesOf(toks[0]))
			pv, ok := s.cs().vars[first]
			if !ok {
				return PathExpr{}, false
			}
			v, i = pv, 1
		}
	default:
		return PathExpr{}, false
	}
	// trailers
	for i < len(toks) {
		if !isOp(toks[i], '.') || i+1 >= len(toks) || toks[i+1].kind != tkName {
			return PathExpr{}, false
		}
		attr := string(s.bytesOf(toks[i+1]))
		i += 2
		switch attr {
		case "parent":
			v = v.step("dirname")
		case "parents":
			if i+2 >= len(toks) || !isOp(toks[i], '[') || !isOp(toks[i+2], ']') {
				return PathExpr{}, false
			}
			n, ok := s.intLit(toks[i+1 : i+2])
			if !ok || n < 0 || n > 16 {
				return PathExpr{}, false
			}
			for k := 0; k <= n; k++ {
				v = v.step("dirname")
			}
			i += 3
		case "resolve", "absolute", "joinpath", "as_posix", "__str__":
			if i >= len(toks) || !isOp(toks[i], '(') {
				return PathExpr{}, false
			}
			k := closeOf(toks, i)
			if k < 0 {
				return PathExpr{}, false
			}
			args := splitArgs(toks[i+1 : k])
			switch attr {
			case "joinpath":
				for _, a := range args {
					lit, ok := s.evalPath(a)
					if !ok || lit.File || len(lit.Steps) > 0 {
						return PathExpr{}, false
					}
					v = v.join(lit.Lit)
				}
			case "resolve", "absolute":
				if len(args) > 1 {
					return PathExpr{}, false
				}
				v = v.step("abs")
			default:
				if len(args) != 0 {
					return PathExpr{}, false
				}
			}
			i = k + 1
		default:
			return PathExpr{}, false
		}
	}
	return v, len(v.Steps) <= maxPathSteps
}

func (v PathExpr) step(st string) PathExpr {
	out := PathExpr{File: v.File, Lit: v.Lit, Steps: make([]string, len(v.Steps), len(v.Steps)+1)}
	copy(out.Steps, v.Steps)
	out.Steps = append(out.Steps, st)
	return out
}

// join is os.path.join(v, lit): an absolute lit replaces v.
func (v PathExpr) join(lit string) PathExpr {
	if strings.HasPrefix(lit, "/") {
		return PathExpr{Lit: lit}
	}
	if !v.File && len(v.Steps) == 0 {
		if v.Lit == "" {
			return PathExpr{Lit: lit}
		}
		return PathExpr{Lit: strings.TrimSuffix(v.Lit, "/") + "/" + lit}
	}
	return v.step("join:" + lit)
}

// evalCall evaluates a call in a path expression.
func (s *scanner) evalCall(name string, args [][]tok) (PathExpr, bool) {
	if x, ok := s.cs().osPath[name]; ok {
		name = "os.path." + x
	}
	name = strings.TrimPrefix(name, "pathlib.")
	one := func() (PathExpr, bool) {
		if len(args) != 1 {
			return PathExpr{}, false
		}
		return s.evalPath(args[0])
	}
	switch name {
	case "os.path.dirname", "path.dirname":
		v, ok := one()
		return v.step("dirname"), ok
	case "os.path.abspath", "os.path.realpath", "os.path.normpath", "path.abspath", "path.realpath", "path.normpath":
		v, ok := one()
		return v.step("abs"), ok
	case "str", "os.fspath", "Path", "PurePath", "PosixPath", "PurePosixPath", "os.path.join", "path.join":
		if len(args) == 0 {
			if strings.Contains(name, "Path") {
				return PathExpr{Lit: "."}, true
			}
			return PathExpr{}, false
		}
		if (name == "str" || name == "os.fspath") && len(args) != 1 {
			return PathExpr{}, false
		}
		v, ok := s.evalPath(args[0])
		if !ok {
			return PathExpr{}, false
		}
		for _, a := range args[1:] {
			lit, ok := s.evalPath(a)
			if !ok || lit.File || len(lit.Steps) > 0 {
				return PathExpr{}, false
			}
			v = v.join(lit.Lit)
		}
		return v, true
	case "os.getcwd", "Path.cwd":
		if len(args) == 0 {
			return PathExpr{Lit: "/var/task"}, true
		}
	case "os.environ.get", "os.getenv":
		if len(args) >= 1 && len(args[0]) == 1 {
			return s.envPath(args[0][0])
		}
	}
	return PathExpr{}, false
}

// fstring evaluates an f-string path: f"{X}/lib" where X is os.environ["LAMBDA_TASK_ROOT"]
// (or .get, os.getenv), os.getcwd(), or a name bound to a path; one replacement field, first.
func (s *scanner) fstring(t tok) (PathExpr, bool) {
	b := s.bytesOf(t)
	i := 0
	for i < len(b) && b[i] != '"' && b[i] != '\'' {
		if b[i] != 'f' && b[i] != 'F' {
			return PathExpr{}, false
		}
		i++
	}
	if i != 1 || len(b) < i+4 || b[len(b)-1] != b[i] || b[i+1] == b[i] {
		return PathExpr{}, false // not f"...", or triple-quoted
	}
	body := string(b[i+1 : len(b)-1])
	if !strings.HasPrefix(body, "{") || strings.Count(body, "{") != 1 || strings.Count(body, "}") != 1 || strings.ContainsRune(body, '\\') {
		return PathExpr{}, false
	}
	end := strings.IndexByte(body, '}')
	field := strings.Join(strings.Fields(body[1:end]), "")
	rest := body[end+1:]
	var v PathExpr
	switch strings.ReplaceAll(field, "'", "\"") {
	case `os.environ["LAMBDA_TASK_ROOT"]`, `os.environ.get("LAMBDA_TASK_ROOT")`, `os.getenv("LAMBDA_TASK_ROOT")`, `os.getcwd()`:
		v = PathExpr{Lit: "/var/task"}
	default:
		pv, ok := s.cs().vars[field]
		if !ok {
			return PathExpr{}, false
		}
		v = pv
	}
	if rest == "" {
		return v, true
	}
	if !v.File && len(v.Steps) == 0 {
		v.Lit += rest
		return v, true
	}
	return v.step("concat:" + rest), true
}

// envPath is the value of an environment variable Lambda sets to a path.
func (s *scanner) envPath(t tok) (PathExpr, bool) {
	v, ok := s.literal(t)
	if !ok {
		return PathExpr{}, false
	}
	switch v {
	case "LAMBDA_TASK_ROOT":
		return PathExpr{Lit: "/var/task"}, true
	case "LAMBDA_RUNTIME_DIR":
		return PathExpr{Lit: "/var/runtime"}, true
	}
	return PathExpr{}, false
}

// noteFromImport remembers names bound from os.path (dirname, join, ...).
func (s *scanner) noteFromImport(module string, level int, names []Name) {
	if level != 0 || module != "os.path" {
		return
	}
	c := s.cs()
	if c.osPath == nil {
		c.osPath = map[string]string{}
	}
	for _, n := range names {
		b := n.Name
		if n.Alias != "" {
			b = n.Alias
		}
		c.osPath[b] = n.Name
	}
}
