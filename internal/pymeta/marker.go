package pymeta

import (
	"fmt"
	"strings"

	pep440 "github.com/aquasecurity/go-pep440-version"
)

// Marker is a parsed PEP 508 environment marker.
type Marker struct {
	root node
}

type node interface {
	eval(env Env, extra string) bool
	str(top bool) string
}

type boolNode struct {
	and         bool
	left, right node
}

type cmpNode struct {
	lhs, rhs operand
	op       string // "==", "in", "not in", ...
}

type operand struct {
	variable string // canonical variable name, or ""
	value    string // the literal when variable == ""
}

// Env is a marker environment: variable name → value. The "extra" variable is given
// to Eval separately.
type Env map[string]string

// Marker variables (PEP 508), with the legacy spellings setuptools and old wheels use.
var markerVars = map[string]string{
	"python_version": "python_version", "python_full_version": "python_full_version",
	"os_name": "os_name", "sys_platform": "sys_platform", "platform_release": "platform_release",
	"platform_system": "platform_system", "platform_version": "platform_version",
	"platform_machine": "platform_machine", "platform_python_implementation": "platform_python_implementation",
	"implementation_name": "implementation_name", "implementation_version": "implementation_version",
	"extra":   "extra",
	"os.name": "os_name", "sys.platform": "sys_platform", "platform.version": "platform_version",
	"platform.machine": "platform_machine", "platform.python_implementation": "platform_python_implementation",
	"python_implementation": "platform_python_implementation",
}

// LambdaEnv is the marker environment of a Lambda Python runtime: version "3.12", arch
// "x86_64" or "arm64". python_full_version is not knowable statically (Lambda moves
// runtimes to new patch releases); it is taken as a late patch release of the
// version (X.Y.99), which is what markers about patch releases (backports for early
// patches) care about. platform_release and platform_version (the kernel) are empty.
func LambdaEnv(version, arch string) Env {
	machine := "x86_64"
	if arch == "arm64" || arch == "aarch64" {
		machine = "aarch64"
	}
	full := version + ".99"
	return Env{
		"python_version": version, "python_full_version": full,
		"os_name": "posix", "sys_platform": "linux", "platform_system": "Linux",
		"platform_machine": machine, "platform_python_implementation": "CPython",
		"implementation_name": "cpython", "implementation_version": full,
		"platform_release": "", "platform_version": "",
	}
}

// Eval evaluates the marker with the given extras requested: true when it holds with
// extra == "" or with extra == one of them (how pip decides which requirements of a
// distribution installed with those extras apply).
func (m *Marker) Eval(env Env, extras ...string) bool {
	if m == nil {
		return true
	}
	if m.root.eval(env, "") {
		return true
	}
	for _, e := range extras {
		if m.root.eval(env, Normalize(e)) {
			return true
		}
	}
	return false
}

// UsesExtra reports whether the marker mentions the extra variable.
func (m *Marker) UsesExtra() bool {
	return m != nil && usesExtra(m.root)
}

func usesExtra(n node) bool {
	switch n := n.(type) {
	case *boolNode:
		return usesExtra(n.left) || usesExtra(n.right)
	case *cmpNode:
		return n.lhs.variable == "extra" || n.rhs.variable == "extra"
	}
	return false
}

func (m *Marker) String() string {
	if m == nil {
		return ""
	}
	return m.root.str(true)
}

func (n *boolNode) eval(env Env, extra string) bool {
	if n.and {
		return n.left.eval(env, extra) && n.right.eval(env, extra)
	}
	return n.left.eval(env, extra) || n.right.eval(env, extra)
}

func (n *boolNode) str(top bool) string {
	op := " or "
	if n.and {
		op = " and "
	}
	s := n.left.str(false) + op + n.right.str(false)
	if top {
		return s
	}
	return "(" + s + ")"
}

func (o operand) resolve(env Env, extra string) string {
	if o.variable == "" {
		return o.value
	}
	if o.variable == "extra" {
		return extra
	}
	return env[o.variable]
}

func (o operand) str() string {
	if o.variable != "" {
		return o.variable
	}
	if strings.Contains(o.value, `"`) {
		return "'" + o.value + "'"
	}
	return `"` + o.value + `"`
}

func (n *cmpNode) str(bool) string { return n.lhs.str() + " " + n.op + " " + n.rhs.str() }

func (n *cmpNode) eval(env Env, extra string) bool {
	l, r := n.lhs.resolve(env, extra), n.rhs.resolve(env, extra)
	if n.lhs.variable == "extra" || n.rhs.variable == "extra" {
		// packaging compares extras by their normalized names.
		l, r = Normalize(l), Normalize(r)
	}
	switch n.op {
	case "in":
		return strings.Contains(r, l)
	case "not in":
		return !strings.Contains(r, l)
	}
	// As packaging: a version comparison when op+rhs is a valid specifier and lhs a
	// valid version; else Python's string comparison.
	if ok, res := versionCmp(l, n.op, r); ok {
		return res
	}
	switch n.op {
	case "==", "===":
		return l == r
	case "!=":
		return l != r
	case "<":
		return l < r
	case "<=":
		return l <= r
	case ">":
		return l > r
	case ">=":
		return l >= r
	}
	return false // ~= on non-versions is undefined: the requirement does not apply
}

func versionCmp(l, op, r string) (ok, result bool) {
	if op == "===" || !mayBeVersion(l) {
		return false, false
	}
	v, err := pep440.Parse(l)
	if err != nil {
		return false, false
	}
	spec, err := ParseSpecifier(op + r)
	if err != nil {
		return false, false
	}
	return true, spec.Contains(v.String())
}

// mayBeVersion is false for strings pep440.Parse certainly refuses (its pattern:
// optional white space, an optional "v", then a digit): "linux", "", an extra's
// name. Those are most of what markers compare, and a refusal costs an error with a
// stack trace.
func mayBeVersion(s string) bool {
	s = strings.TrimLeft(s, " \t\n\f\r")
	if s != "" && (s[0] == 'v' || s[0] == 'V') {
		s = s[1:]
	}
	return s != "" && s[0] >= '0' && s[0] <= '9'
}

// ParseMarker parses a marker expression ("python_version < '3.10' and extra == 'socks'").
func ParseMarker(s string) (*Marker, error) {
	p := &markerParser{src: s}
	if err := p.lex(); err != nil {
		return nil, err
	}
	if len(p.toks) == 0 {
		return nil, fmt.Errorf("empty marker")
	}
	n, err := p.or(0)
	if err != nil {
		return nil, err
	}
	if p.pos != len(p.toks) {
		return nil, fmt.Errorf("marker %q: unexpected %q", s, p.toks[p.pos].text)
	}
	return &Marker{root: n}, nil
}

type tokKind int

const (
	tIdent tokKind = iota
	tString
	tOp
	tLParen
	tRParen
)

type token struct {
	kind tokKind
	text string
}

type markerParser struct {
	src  string
	toks []token
	pos  int
}

const maxMarkerDepth = 64

func (p *markerParser) lex() error {
	s := p.src
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(':
			p.toks = append(p.toks, token{tLParen, "("})
			i++
		case c == ')':
			p.toks = append(p.toks, token{tRParen, ")"})
			i++
		case c == '\'' || c == '"':
			end := strings.IndexByte(s[i+1:], c)
			if end < 0 {
				return fmt.Errorf("marker %q: unterminated string", s)
			}
			p.toks = append(p.toks, token{tString, s[i+1 : i+1+end]})
			i += end + 2
		case strings.ContainsRune("<>=!~", rune(c)):
			j := i
			for j < len(s) && strings.ContainsRune("<>=!~", rune(s[j])) {
				j++
			}
			op := s[i:j]
			switch op {
			case "<", "<=", ">", ">=", "==", "!=", "~=", "===":
			default:
				return fmt.Errorf("marker %q: bad operator %q", s, op)
			}
			p.toks = append(p.toks, token{tOp, op})
			i = j
		case c == '_' || c == '.' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9':
			j := i
			for j < len(s) && (s[j] == '_' || s[j] == '.' || s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z' || s[j] >= '0' && s[j] <= '9') {
				j++
			}
			p.toks = append(p.toks, token{tIdent, s[i:j]})
			i = j
		default:
			return fmt.Errorf("marker %q: unexpected %q", s, string(c))
		}
	}
	return nil
}

func (p *markerParser) peekIdent(word string) bool {
	return p.pos < len(p.toks) && p.toks[p.pos].kind == tIdent && p.toks[p.pos].text == word
}

func (p *markerParser) or(depth int) (node, error) {
	left, err := p.and(depth)
	if err != nil {
		return nil, err
	}
	for p.peekIdent("or") {
		p.pos++
		right, err := p.and(depth)
		if err != nil {
			return nil, err
		}
		left = &boolNode{and: false, left: left, right: right}
	}
	return left, nil
}

func (p *markerParser) and(depth int) (node, error) {
	left, err := p.atom(depth)
	if err != nil {
		return nil, err
	}
	for p.peekIdent("and") {
		p.pos++
		right, err := p.atom(depth)
		if err != nil {
			return nil, err
		}
		left = &boolNode{and: true, left: left, right: right}
	}
	return left, nil
}

func (p *markerParser) atom(depth int) (node, error) {
	if p.pos >= len(p.toks) {
		return nil, fmt.Errorf("marker %q: unexpected end", p.src)
	}
	if p.toks[p.pos].kind == tLParen {
		if depth >= maxMarkerDepth {
			return nil, fmt.Errorf("marker %q: nested too deeply", p.src)
		}
		p.pos++
		n, err := p.or(depth + 1)
		if err != nil {
			return nil, err
		}
		if p.pos >= len(p.toks) || p.toks[p.pos].kind != tRParen {
			return nil, fmt.Errorf("marker %q: missing )", p.src)
		}
		p.pos++
		return n, nil
	}
	lhs, err := p.operand()
	if err != nil {
		return nil, err
	}
	op, err := p.op()
	if err != nil {
		return nil, err
	}
	rhs, err := p.operand()
	if err != nil {
		return nil, err
	}
	return &cmpNode{lhs: lhs, op: op, rhs: rhs}, nil
}

func (p *markerParser) operand() (operand, error) {
	if p.pos >= len(p.toks) {
		return operand{}, fmt.Errorf("marker %q: unexpected end", p.src)
	}
	t := p.toks[p.pos]
	p.pos++
	switch t.kind {
	case tString:
		return operand{value: t.text}, nil
	case tIdent:
		if v, ok := markerVars[t.text]; ok {
			return operand{variable: v}, nil
		}
		return operand{}, fmt.Errorf("marker %q: unknown variable %q", p.src, t.text)
	}
	return operand{}, fmt.Errorf("marker %q: unexpected %q", p.src, t.text)
}

func (p *markerParser) op() (string, error) {
	if p.pos >= len(p.toks) {
		return "", fmt.Errorf("marker %q: unexpected end", p.src)
	}
	t := p.toks[p.pos]
	p.pos++
	switch {
	case t.kind == tOp:
		return t.text, nil
	case t.kind == tIdent && t.text == "in":
		return "in", nil
	case t.kind == tIdent && t.text == "not":
		if p.peekIdent("in") {
			p.pos++
			return "not in", nil
		}
	}
	return "", fmt.Errorf("marker %q: expected an operator, got %q", p.src, t.text)
}
