// Package buildscript models what a build written in shell produces, without running
// anything: a Makefile target, a script a Makefile, provisioner or workflow calls, a
// Terraform data "external" program. The shell is parsed with mvdan.cc/sh and
// interpreted over a virtual file system laid on the checked folder: variables,
// positional parameters, if/case/while/for, functions, $(...) of the commands modelled
// here, scripts calling scripts; the commands that shape a deployment package —
// cd, mkdir, cp, mv, rm, zip, pip install -t, pipenv install, pipenv requirements, poetry
// export — change the virtual files, and every other program is assumed to succeed and
// write nothing the package holds. What pip would install is kept as requirement lines
// on the folder it installs into, never fetched.
//
// Nothing is executed and nothing is written. Files are read only inside the checked
// folder; work is bounded by a step count and value sizes, never by the clock. When a
// command that shapes the package has an argument whose value cannot be known (the
// output of a program not modelled), the run records a gap and the caller does not
// trust its output.
package buildscript

import (
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"github.com/layerkit/layerkit/internal/iac"
)

const (
	maxSteps   = 20_000  // statements run in one model
	maxTotal   = 200_000 // statements run by all the builds of one Set
	maxValue   = 1 << 16 // bytes in one value
	maxDepth   = 16      // scripts and functions calling each other
	maxList    = 10_000  // entries read from one folder
	maxNesting = 200     // brackets in a script before it is parsed
)

// Install is what one pip (or pipenv, poetry) command installs into a folder:
// requirement lines, as requirements.txt has them.
type Install struct {
	Lines []string
	From  string // the command, shortly: "pip install -r requirements.txt"
}

var (
	errBudget = errors.New("the build is too long to model")
	errGap    = errors.New("the build depends on a value that cannot be known")
)

// exitSignal unwinds an `exit` or `return`.
type exitSignal struct{ fn bool }

// Runner runs shell over one virtual file system.
type Runner struct {
	fs    *fsys
	steps int
	gaps  []string
	funcs map[string]*syntax.Stmt
	// patterns are the shell patterns compiled so far (match)
	patterns map[string]*regexp.Regexp
	Stdin    map[string]string // the JSON object a data "external" program reads (jq's @sh idiom)
}

// New returns a Runner over the checked folder root, reading within lim.
func New(root string, lim iac.Limits) *Runner {
	return &Runner{fs: newFS(root, lim), funcs: map[string]*syntax.Stmt{}}
}

// Gaps are why the run's output may not be what the build makes (a cp whose source is
// the output of an unknown program, a script that cannot be read ...).
func (r *Runner) Gaps() []string { return r.gaps }

func (r *Runner) gap(format string, args ...any) {
	if len(r.gaps) < 20 {
		r.gaps = append(r.gaps, fmt.Sprintf(format, args...))
	}
}

// shell is one shell process: its folder, variables and arguments. Files are shared.
type shell struct {
	r        *Runner
	cwd      string // "" when unknown
	vars     map[string]string
	unknown  map[string]bool // variables holding a value that cannot be known
	exported map[string]bool
	name     string   // $0
	args     []string // $1 ...
	dirs     []string // pushd's stack
	depth    int
	stdout   *buf // nil: discarded
	stdin    *buf // nil: nothing
	status   int
}

// buf is a command's output as far as it is known.
type buf struct {
	b       strings.Builder
	unknown bool
}

func (b *buf) write(s string) {
	if b == nil {
		return
	}
	if b.b.Len()+len(s) > maxValue {
		b.unknown = true
		return
	}
	b.b.WriteString(s)
}

// Script runs the shell text src (from file name, for messages) in folder dir with
// arguments args. Its errors are parse errors and the budget; gaps are kept.
func (r *Runner) Script(src, name, dir string, args []string, env map[string]string) error {
	f, err := parse(src, name)
	if err != nil {
		return err
	}
	sh := r.newShell(dir, name, args, env)
	return sh.top(f.Stmts)
}

func (r *Runner) newShell(dir, name string, args []string, env map[string]string) *shell {
	sh := &shell{r: r, cwd: filepath.Clean(dir), vars: map[string]string{}, unknown: map[string]bool{},
		exported: map[string]bool{}, name: name, args: args}
	for k, v := range env {
		sh.vars[k], sh.exported[k] = v, true
	}
	return sh
}

func parse(src, name string) (*syntax.File, error) {
	if nesting(src) > maxNesting {
		return nil, fmt.Errorf("%s: nested too deeply to model", name)
	}
	f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(src), name)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	return f, nil
}

// nesting is the deepest bracket nesting of src (quotes not considered: an upper bound
// that keeps the parser's recursion shallow).
func nesting(src string) int {
	d, most := 0, 0
	for i := 0; i < len(src); i++ {
		switch src[i] {
		case '(', '{', '[':
			d++
			most = max(most, d)
		case ')', '}', ']':
			d = max(d-1, 0)
		}
	}
	return most
}

// top runs statements as a whole script: exit ends it, the budget aborts it.
func (sh *shell) top(stmts []*syntax.Stmt) (err error) {
	defer func() {
		if v := recover(); v != nil {
			switch v := v.(type) {
			case exitSignal:
			case error:
				if v != errBudget && v != errGap {
					panic(v)
				}
				err = v
			default:
				panic(v)
			}
		}
	}()
	sh.stmts(stmts)
	return nil
}

func (sh *shell) stmts(list []*syntax.Stmt) {
	for _, st := range list {
		sh.stmt(st)
	}
}

func (sh *shell) sub() *shell {
	c := *sh
	c.vars = make(map[string]string, len(sh.vars))
	for k, v := range sh.vars {
		c.vars[k] = v
	}
	c.unknown = make(map[string]bool, len(sh.unknown))
	for k, v := range sh.unknown {
		c.unknown[k] = v
	}
	c.dirs = append([]string(nil), sh.dirs...)
	c.exported = make(map[string]bool, len(sh.exported))
	for k, v := range sh.exported {
		c.exported[k] = v
	}
	return &c
}

// subshell runs f in a copy of the shell ( ... ), $(...): exit ends only the copy.
func (sh *shell) subshell(f func(c *shell)) int {
	c := sh.sub()
	func() {
		defer func() {
			if v := recover(); v != nil {
				if _, ok := v.(exitSignal); !ok {
					panic(v)
				}
			}
		}()
		f(c)
	}()
	return c.status
}

func (sh *shell) stmt(st *syntax.Stmt) {
	sh.r.steps++
	if sh.r.steps > maxSteps {
		panic(errBudget)
	}
	if st.Background {
		sh.subshell(func(c *shell) { c.stmtRedirected(st) })
		sh.status = 0
		return
	}
	sh.stmtRedirected(st)
	if st.Negated {
		sh.status = b2i(sh.status == 0)
	}
}

func (sh *shell) stmtRedirected(st *syntax.Stmt) {
	var outFile string
	var outKnown, appendOut, redirected bool
	saveOut, saveIn := sh.stdout, sh.stdin
	defer func() { sh.stdout, sh.stdin = saveOut, saveIn }()
	for _, rd := range st.Redirs {
		switch rd.Op {
		case syntax.RdrOut, syntax.AppOut, syntax.RdrAll, syntax.AppAll, syntax.RdrClob:
			if rd.N != nil && rd.N.Value != "1" {
				continue // stderr
			}
			w, ok := sh.word(rd.Word)
			if w == "/dev/null" {
				sh.stdout = nil
				continue
			}
			redirected, outKnown, appendOut = true, ok, rd.Op == syntax.AppOut || rd.Op == syntax.AppAll
			outFile = w
			sh.stdout = &buf{}
		case syntax.RdrIn:
			w, ok := sh.word(rd.Word)
			in := &buf{}
			if s, known := sh.readFile(w); ok && known {
				in.write(s)
			} else {
				in.unknown = true
			}
			sh.stdin = in
		case syntax.Hdoc, syntax.DashHdoc:
			in := &buf{}
			if rd.Hdoc != nil {
				s, ok := sh.word(rd.Hdoc)
				in.write(s)
				in.unknown = !ok
			}
			sh.stdin = in
		case syntax.WordHdoc:
			s, ok := sh.word(rd.Word)
			in := &buf{}
			in.write(s + "\n")
			in.unknown = !ok
			sh.stdin = in
		}
	}
	sh.command(st.Cmd)
	if !redirected {
		return
	}
	out := sh.stdout
	if !outKnown {
		sh.r.gap("output written to a file whose name cannot be known")
		return
	}
	abs, ok := sh.abs(outFile)
	if !ok {
		return
	}
	var content *string
	if !out.unknown {
		s := out.b.String()
		if appendOut {
			if prev := sh.r.fs.lookup(abs); prev != nil {
				old, known := sh.readFile(outFile)
				if !known {
					prev.data = nil
					return
				}
				s = old + s
			}
		}
		content = &s
	}
	d, name := sh.r.fs.parent(abs, false)
	if d != nil {
		sh.r.fs.set(d, name, &node{data: content})
	}
}

func (sh *shell) command(c syntax.Command) {
	switch c := c.(type) {
	case nil:
	case *syntax.CallExpr:
		sh.call(c)
	case *syntax.Block:
		sh.stmts(c.Stmts)
	case *syntax.Subshell:
		sh.status = sh.subshell(func(s *shell) { s.stmts(c.Stmts) })
	case *syntax.BinaryCmd:
		switch c.Op {
		case syntax.AndStmt:
			if sh.stmt(c.X); sh.status == 0 {
				sh.stmt(c.Y)
			}
		case syntax.OrStmt:
			if sh.stmt(c.X); sh.status != 0 {
				sh.stmt(c.Y)
			}
		default: // pipes: each side in its own process, the left's output the right's input
			out := &buf{}
			sh.subshell(func(s *shell) { s.stdout = out; s.stmt(c.X) })
			in := sh.stdin
			sh.stdin = out
			sh.status = sh.subshell(func(s *shell) { s.stmt(c.Y) })
			sh.stdin = in
		}
	case *syntax.IfClause:
		for ic := c; ic != nil; ic = ic.Else {
			if len(ic.Cond) == 0 { // else
				sh.stmts(ic.Then)
				return
			}
			if sh.condition(ic.Cond) {
				sh.stmts(ic.Then)
				return
			}
		}
		sh.status = 0
	case *syntax.WhileClause:
		for {
			if sh.condition(c.Cond) == c.Until {
				break
			}
			sh.stmts(c.Do)
		}
		sh.status = 0
	case *syntax.ForClause:
		wi, ok := c.Loop.(*syntax.WordIter)
		if !ok || wi.Name == nil {
			sh.r.gap("a C-style for loop")
			return
		}
		var items []string
		if wi.InPos.IsValid() {
			var known bool
			if items, known = sh.fields(wi.Items); !known {
				sh.r.gap("a for loop over values that cannot be known")
				return
			}
		} else {
			items = sh.args
		}
		for _, it := range items {
			sh.setVar(wi.Name.Value, it, true)
			sh.stmts(c.Do)
		}
	case *syntax.CaseClause:
		w, ok := sh.word(c.Word)
		if !ok {
			sh.r.gap("a case over a value that cannot be known")
			return
		}
		for _, it := range c.Items {
			for _, p := range it.Patterns {
				pat, ok := sh.pattern(p)
				if !ok {
					sh.r.gap("a case pattern that cannot be known")
					return
				}
				if sh.r.match(pat, w) {
					sh.stmts(it.Stmts)
					return
				}
			}
		}
	case *syntax.FuncDecl:
		if c.Name != nil && c.Body != nil {
			sh.r.funcs[c.Name.Value] = c.Body
		}
		sh.status = 0
	case *syntax.DeclClause:
		sh.decl(c)
	case *syntax.TestClause:
		v, ok := sh.test(c.X)
		if !ok {
			sh.status = 2
			return
		}
		sh.status = b2i(!v)
	default:
		sh.status = 0 // arithmetic, time, coproc: nothing a package holds
	}
}

// condition runs an if/while condition; a test whose operands cannot be known is a
// gap, and is taken as false.
func (sh *shell) condition(cond []*syntax.Stmt) bool {
	sh.stmts(cond)
	if sh.status == 2 {
		sh.r.gap("a condition on a value that cannot be known")
		panic(errGap)
	}
	return sh.status == 0
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (sh *shell) decl(c *syntax.DeclClause) {
	export := c.Variant != nil && c.Variant.Value == "export"
	for _, a := range c.Args {
		if a.Naked {
			if a.Name != nil && export {
				sh.exported[a.Name.Value] = true
			}
			continue
		}
		sh.assign(a)
		if export && a.Name != nil {
			sh.exported[a.Name.Value] = true
		}
	}
	sh.status = 0
}

func (sh *shell) assign(a *syntax.Assign) {
	if a.Name == nil {
		return
	}
	if a.Array != nil || a.Index != nil {
		sh.unknown[a.Name.Value] = true // arrays are not modelled
		return
	}
	v, ok := "", true
	if a.Value != nil {
		v, ok = sh.word(a.Value)
	}
	if a.Append {
		v = sh.vars[a.Name.Value] + v
		ok = ok && !sh.unknown[a.Name.Value]
	}
	sh.setVar(a.Name.Value, v, ok)
}

func (sh *shell) setVar(name, v string, known bool) {
	if len(v) > maxValue {
		v, known = "", false
	}
	sh.vars[name] = v
	if known {
		delete(sh.unknown, name)
	} else {
		sh.unknown[name] = true
	}
}

// param is the value of a variable or special parameter.
func (sh *shell) param(name string) (string, bool, bool) { // value, set, known
	switch name {
	case "PWD":
		if sh.cwd == "" {
			return "", true, false
		}
		return sh.cwd, true, true
	case "0":
		return sh.name, true, true
	case "#":
		return strconv.Itoa(len(sh.args)), true, true
	case "@", "*":
		return strings.Join(sh.args, " "), true, true
	case "?":
		return strconv.Itoa(sh.status), true, true
	case "$", "!", "RANDOM", "SECONDS", "BASHPID", "PPID":
		return "", true, false
	}
	if n, err := strconv.Atoi(name); err == nil {
		if n >= 1 && n <= len(sh.args) {
			return sh.args[n-1], true, true
		}
		return "", false, true
	}
	v, set := sh.vars[name]
	return v, set, !sh.unknown[name]
}

// abs resolves a path against the shell's folder.
func (sh *shell) abs(p string) (string, bool) {
	if filepath.IsAbs(p) {
		return filepath.Clean(p), true
	}
	if sh.cwd == "" {
		return "", false
	}
	if strings.HasPrefix(p, "~") {
		return "", false
	}
	return filepath.Join(sh.cwd, p), true
}

// readFile reads a file as the script sees it: one it wrote, or a real one inside the
// checked folder.
func (sh *shell) readFile(p string) (string, bool) {
	abs, ok := sh.abs(p)
	if !ok {
		return "", false
	}
	n := sh.r.fs.lookup(abs)
	switch {
	case n == nil || n.dir:
		return "", false
	case n.data != nil:
		return *n.data, true
	case n.real != "" && sh.r.fs.visible(n.real):
		b, err := sh.r.fs.lim.ReadConfig(n.real)
		if err != nil || len(b) > maxValue*16 {
			return "", false
		}
		return string(b), true
	}
	return "", false
}

// match matches a shell pattern against a whole string, the run's compiled patterns
// kept (a loop matches the same pattern again and again).
func (r *Runner) match(pat, s string) bool {
	re, ok := r.patterns[pat]
	if !ok {
		var err error
		if re, err = patternRegexp(pat); err != nil {
			re = nil
		}
		if len(r.patterns) < 512 {
			if r.patterns == nil {
				r.patterns = map[string]*regexp.Regexp{}
			}
			r.patterns[pat] = re
		}
	}
	return re != nil && re.MatchString(s)
}

func patternRegexp(pat string) (*regexp.Regexp, error) {
	var b strings.Builder
	b.WriteString("^")
	for i := 0; i < len(pat); i++ {
		c := pat[i]
		switch c {
		case '*':
			b.WriteString("(?s:.*)")
		case '?':
			b.WriteString("(?s:.)")
		case '[':
			j := strings.IndexByte(pat[i+1:], ']')
			if j < 0 {
				b.WriteString(`\[`)
				continue
			}
			cls := pat[i+1 : i+1+j]
			if strings.HasPrefix(cls, "!") {
				cls = "^" + cls[1:]
			}
			b.WriteString("[" + strings.ReplaceAll(cls, `\`, `\\`) + "]")
			i += j + 1
		case '\\':
			if i+1 < len(pat) {
				i++
				b.WriteString(regexp.QuoteMeta(pat[i : i+1]))
			}
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("$")
	return regexp.Compile(b.String())
}
