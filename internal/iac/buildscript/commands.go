package buildscript

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"github.com/layerkit/layerkit/internal/pydist"
)

func (sh *shell) call(c *syntax.CallExpr) {
	if len(c.Args) == 0 {
		for _, a := range c.Assigns {
			sh.assign(a)
		}
		sh.status = 0
		return
	}
	args, known := sh.fields(c.Args)
	if len(args) == 0 {
		sh.status = 0
		return
	}
	// VAR=value cmd: the variable for this command only
	if len(c.Assigns) > 0 {
		saved := sh.sub()
		for _, a := range c.Assigns {
			sh.assign(a)
			if a.Name != nil {
				sh.exported[a.Name.Value] = true
			}
		}
		defer func() { sh.vars, sh.unknown, sh.exported = saved.vars, saved.unknown, saved.exported }()
	}
	sh.run(args, known)
}

// shaping are the commands whose arguments must be known for the model to hold.
var shaping = map[string]bool{"cd": true, "cp": true, "mv": true, "rm": true, "mkdir": true,
	"zip": true, "pip": true, "pip3": true, "pipenv": true, "poetry": true, "rsync": true,
	"source": true, ".": true, "bash": true, "sh": true}

func (sh *shell) run(args []string, known bool) {
	name := args[0]
	if !known && (shaping[name] || strings.HasPrefix(filepath.Base(name), "python")) {
		sh.r.gap("%s with an argument that cannot be known", name)
		sh.status = 0
		return
	}
	if body, ok := sh.r.funcs[name]; ok {
		sh.callFunc(body, args)
		return
	}
	sh.status = 0
	switch name {
	case ":", "true", "set", "shopt", "trap", "hash", "umask", "ulimit", "wait":
	case "deactivate":
		delete(sh.vars, "VIRTUAL_ENV")
	case "pushd":
		if ops := operands(args[1:]); len(ops) > 0 {
			prev := sh.cwd
			if sh.cd(ops[:1]); sh.status == 0 {
				sh.dirs = append(sh.dirs, prev)
			}
		}
	case "popd":
		if n := len(sh.dirs); n > 0 {
			sh.cwd, sh.dirs = sh.dirs[n-1], sh.dirs[:n-1]
		} else {
			sh.status = 1
		}
	case "virtualenv":
		if ops := operands(args[1:]); len(ops) > 0 {
			sh.venv(ops[0])
		}
	case "false":
		sh.status = 1
	case "exit":
		sh.status = 0
		if len(args) > 1 {
			sh.status, _ = strconv.Atoi(args[1])
		}
		panic(exitSignal{})
	case "return":
		panic(exitSignal{fn: true})
	case "shift":
		n := 1
		if len(args) > 1 {
			n, _ = strconv.Atoi(args[1])
		}
		if n > len(sh.args) {
			sh.status = 1
			return
		}
		sh.args = sh.args[n:]
	case "export", "readonly", "local", "declare", "typeset":
		for _, a := range args[1:] {
			k, v, hasValue := strings.Cut(a, "=")
			if strings.HasPrefix(k, "-") {
				continue
			}
			if hasValue {
				sh.setVar(k, v, known)
			}
			if name == "export" {
				sh.exported[k] = true
			}
		}
	case "unset":
		for _, a := range args[1:] {
			delete(sh.vars, a)
			delete(sh.unknown, a)
		}
	case "echo":
		sh.echo(args[1:])
	case "printf":
		if len(args) > 1 {
			f := strings.ReplaceAll(strings.ReplaceAll(args[1], `\n`, "\n"), "%%", "%")
			if strings.Count(f, "%s") == len(args)-2 && !strings.ContainsAny(strings.ReplaceAll(f, "%s", ""), "%") {
				for _, a := range args[2:] {
					f = strings.Replace(f, "%s", a, 1)
				}
				sh.out(f, true)
			} else {
				sh.out("", false)
			}
		}
	case "pwd":
		sh.out(sh.cwd+"\n", sh.cwd != "")
	case "dirname":
		if len(args) > 1 {
			sh.out(filepath.Dir(args[len(args)-1])+"\n", true)
		}
	case "basename":
		if len(args) > 1 {
			b := filepath.Base(args[1])
			if len(args) > 2 {
				b = strings.TrimSuffix(b, args[2])
			}
			sh.out(b+"\n", true)
		}
	case "realpath", "readlink":
		if p := lastOperand(args[1:]); p != "" {
			abs, ok := sh.abs(p)
			sh.out(abs+"\n", ok)
		}
	case "cat":
		for _, a := range operands(args[1:]) {
			s, ok := sh.readFile(a)
			sh.out(s, ok)
		}
		if len(operands(args[1:])) == 0 {
			sh.out(sh.stdinText())
		}
	case "[", "test":
		ta := args[1:]
		if name == "[" {
			if len(ta) == 0 || ta[len(ta)-1] != "]" {
				sh.status = 2
				return
			}
			ta = ta[:len(ta)-1]
		}
		if !known {
			sh.status = 2
			return
		}
		v, ok := sh.testArgs(ta)
		if !ok {
			sh.status = 2
			return
		}
		sh.status = b2i(!v)
	case "read":
		sh.status = 1
	case "cd":
		sh.cd(args[1:])
	case "mkdir":
		for _, a := range operands(args[1:]) {
			if abs, ok := sh.abs(a); ok {
				sh.r.fs.mkdirAll(abs)
			}
		}
	case "rm":
		for _, a := range operands(args[1:]) {
			if abs, ok := sh.abs(a); ok && sh.r.fs.lookup(abs) != nil {
				sh.r.fs.remove(abs)
			}
		}
	case "cp", "mv", "rsync":
		sh.copy(name, args[1:])
	case "zip":
		sh.zip(args[1:])
	case "pip", "pip3":
		sh.pipIn(args, "")
	case "pipenv":
		sh.pipenv(args[1:])
	case "poetry":
		sh.poetry(args[1:])
	case "jq":
		sh.jq(args[1:])
	case "eval":
		sh.eval(strings.Join(args[1:], " "))
	case "source", ".":
		if len(args) > 1 {
			sh.source(args[1], args[2:], true)
		}
	case "bash", "sh", "/bin/bash", "/bin/sh", "/usr/bin/env":
		rest := args[1:]
		if name == "/usr/bin/env" {
			if len(rest) == 0 {
				return
			}
			sh.run(rest, known)
			return
		}
		for len(rest) > 0 && strings.HasPrefix(rest[0], "-") {
			if rest[0] == "-c" {
				if len(rest) > 1 {
					sh.status = sh.subshell(func(c *shell) { c.eval(rest[1]) })
				}
				return
			}
			rest = rest[1:]
		}
		if len(rest) > 0 {
			sh.source(rest[0], rest[1:], false)
		}
	case "command":
		if len(args) > 1 && args[1] != "-v" && args[1] != "-V" {
			sh.run(args[1:], known)
		}
	default:
		base := filepath.Base(name)
		switch {
		case strings.HasPrefix(base, "python") && len(args) > 2 && args[1] == "-m" && args[2] == "pip":
			sh.pipIn(args[2:], filepath.Dir(name))
		case strings.HasPrefix(base, "python") && len(args) > 3 && args[1] == "-m" && (args[2] == "venv" || args[2] == "virtualenv"):
			if ops := operands(args[3:]); len(ops) > 0 {
				sh.venv(ops[0])
			}
		case base == "pip" || strings.HasPrefix(base, "pip3"):
			sh.pipIn(args, filepath.Dir(name))
		case base == "uv" && len(args) > 1 && args[1] == "pip":
			sh.pip(args[1:])
		case strings.Contains(name, "/") && !strings.HasPrefix(name, "/usr/") && !strings.HasPrefix(name, "/bin/"):
			sh.source(name, args[1:], false) // ./build.sh: a script of the repository
		case harmless[base]:
			sh.out("", false) // output unknown; it writes nothing a package holds
		default:
			// a program not modelled: its output is unknown, and what it writes into
			// its folder (docker run -v $PWD:..., unzip, python setup.py) is too
			sh.out("", false)
			sh.taint(base)
		}
	}
}

// harmless are programs that write nothing a deployment package holds (their output may
// be read; files they write are not code: plans, logs, uploads).
var harmless = map[string]bool{
	"ls": true, "find": true, "grep": true, "egrep": true, "head": true, "tail": true, "wc": true,
	"sort": true, "uniq": true, "which": true, "type": true, "date": true, "sleep": true, "env": true,
	"printenv": true, "du": true, "df": true, "stat": true, "file": true, "md5sum": true,
	"sha256sum": true, "shasum": true, "openssl": true, "base64": true, "tr": true, "cut": true,
	"awk": true, "sed": true, "chmod": true, "chown": true, "touch": true, "tput": true, "id": true,
	"whoami": true, "uname": true, "terraform": true, "tofu": true, "aws": true, "git": true,
	"docker-compose": true, "tree": true, "column": true, "clear": true, "tee": true,
	"cfn-lint": true, "shellcheck": true, "pytest": true, "black": true, "ruff": true, "flake8": true,
	"mypy": true, "isort": true, "jq": true, "yq": true, "curl": true, "wget": true, "logger": true,
}

// taint marks the shell's folder as written by a program layerkit does not model.
func (sh *shell) taint(prog string) {
	if sh.cwd == "" {
		return
	}
	if n := sh.r.fs.lookup(sh.cwd); n != nil && n.dir && n.tainted == "" {
		n.tainted = prog
	}
}

// venv models python -m venv D / virtualenv D: D/lib/python3.X/site-packages, and
// D/bin/activate setting VIRTUAL_ENV (so pip installs there once it is sourced).
func (sh *shell) venv(dir string) {
	abs, ok := sh.abs(dir)
	if !ok {
		sh.r.gap("a virtualenv in a folder that cannot be known")
		return
	}
	lib := sh.r.fs.mkdirAll(filepath.Join(abs, "lib"))
	if lib == nil {
		return
	}
	lib.venvLib = true
	sh.r.fs.mkdirAll(filepath.Join(abs, "lib", "python3", "site-packages"))
	if bin := sh.r.fs.mkdirAll(filepath.Join(abs, "bin")); bin != nil {
		act := "export VIRTUAL_ENV='" + strings.ReplaceAll(abs, "'", `'\''`) + "'\n"
		sh.r.fs.set(bin, "activate", &node{data: &act})
	}
}

// pipIn models pip run from folder binDir (venv/bin/pip, python3): into the
// virtualenv there, else into the active one, unless -t names a folder.
func (sh *shell) pipIn(args []string, binDir string) {
	if _, _, target, ok := ParsePipInstall(args); !ok || target != "" {
		sh.pip(args)
		return
	}
	env := ""
	if binDir != "." && binDir != "" && filepath.Base(binDir) == "bin" {
		if abs, ok := sh.abs(filepath.Dir(binDir)); ok {
			if n := sh.r.fs.lookup(filepath.Join(abs, "lib")); n != nil && n.venvLib {
				env = abs
			}
		}
	}
	if env == "" {
		v, set, known := sh.param("VIRTUAL_ENV")
		if !set || !known || v == "" {
			return // the user's site: not a package
		}
		env = v
	}
	sh.pip(append(append([]string{}, args...), "--target", filepath.Join(env, "lib", "python3", "site-packages")))
}

func (sh *shell) out(s string, known bool) {
	if sh.stdout == nil {
		return
	}
	sh.stdout.write(s)
	if !known {
		sh.stdout.unknown = true
	}
}

func (sh *shell) stdinText() (string, bool) {
	if sh.stdin == nil {
		return "", true
	}
	return sh.stdin.b.String(), !sh.stdin.unknown
}

func (sh *shell) echo(a []string) {
	nl := "\n"
	for len(a) > 0 && (a[0] == "-n" || a[0] == "-e" || a[0] == "-ne" || a[0] == "-en") {
		if strings.Contains(a[0], "n") {
			nl = ""
		}
		a = a[1:]
	}
	sh.out(strings.Join(a, " ")+nl, true)
}

func (sh *shell) callFunc(body *syntax.Stmt, args []string) {
	if sh.depth >= maxDepth {
		sh.r.gap("functions call each other too deeply")
		panic(errGap)
	}
	savedArgs := sh.args
	sh.args = args[1:]
	sh.depth++
	func() {
		defer func() {
			if v := recover(); v != nil {
				if e, ok := v.(exitSignal); !ok || !e.fn {
					panic(v)
				}
			}
		}()
		sh.stmt(body)
	}()
	sh.depth--
	sh.args = savedArgs
}

func (sh *shell) eval(src string) {
	if sh.depth >= maxDepth {
		sh.r.gap("eval nested too deeply")
		panic(errGap)
	}
	sh.depth++
	defer func() { sh.depth-- }()
	f, err := parse(src, "eval")
	if err != nil {
		sh.r.gap("eval of text that does not parse")
		sh.status = 1
		return
	}
	sh.stmts(f.Stmts)
}

// source runs a script file of the checked folder: in this shell (source, .) or in a
// child that sees the exported variables (bash FILE, ./FILE).
func (sh *shell) source(file string, args []string, same bool) {
	abs, ok := sh.abs(file)
	if !ok {
		sh.r.gap("a script in a folder that cannot be known")
		return
	}
	if sh.depth >= maxDepth {
		sh.r.gap("scripts call each other too deeply")
		panic(errGap)
	}
	src, ok := sh.readFile(file)
	if !ok {
		if n := sh.r.fs.lookup(abs); n == nil {
			sh.status = 127
			sh.out("", false)
			return
		}
		sh.r.gap("%s cannot be read", file)
		return
	}
	f, err := parse(src, file)
	if err != nil {
		sh.r.gap("%v", err)
		return
	}
	if same {
		saved := sh.args
		sh.args = args
		sh.depth++
		sh.stmts(f.Stmts)
		sh.depth--
		sh.args = saved
		return
	}
	child := sh.r.newShell(sh.cwd, file, args, nil)
	child.depth = sh.depth + 1
	child.stdout, child.stdin = sh.stdout, sh.stdin
	for k := range sh.exported {
		if v, set := sh.vars[k]; set {
			child.setVar(k, v, !sh.unknown[k])
			child.exported[k] = true
		}
	}
	sh.status = child.subshell(func(c *shell) { c.stmts(f.Stmts) })
}

func (sh *shell) cd(a []string) {
	ops := operands(a)
	if len(ops) == 0 {
		sh.cwd = "" // $HOME
		return
	}
	if ops[0] == "-" {
		sh.cwd = ""
		return
	}
	abs, ok := sh.abs(ops[0])
	if !ok {
		sh.cwd = ""
		return
	}
	if n := sh.r.fs.lookup(abs); n == nil || !n.dir {
		sh.status = 1
		return
	}
	sh.cwd = abs
}

// operands drops options (a leading -x word) from arguments.
func operands(a []string) []string {
	var out []string
	opts := true
	for _, s := range a {
		if opts && s == "--" {
			opts = false
			continue
		}
		if opts && strings.HasPrefix(s, "-") && s != "-" {
			continue
		}
		out = append(out, s)
	}
	return out
}

func lastOperand(a []string) string {
	ops := operands(a)
	if len(ops) == 0 {
		return ""
	}
	return ops[len(ops)-1]
}

// copy models cp -r / cp / mv / rsync -a: SRC... DST. A source ending in "/." (cp) or
// "/" (rsync) copies the folder's entries.
func (sh *shell) copy(name string, a []string) {
	var ops []string
	for i := 0; i < len(a); i++ {
		s := a[i]
		if strings.HasPrefix(s, "-") {
			if name == "rsync" && (s == "-e" || s == "--exclude" || s == "--include") {
				sh.r.gap("rsync with filters")
				return
			}
			if name == "cp" && (s == "-t" || s == "--target-directory") {
				sh.r.gap("cp -t")
				return
			}
			continue
		}
		ops = append(ops, s)
	}
	if len(ops) < 2 {
		return
	}
	dst, ok := sh.abs(ops[len(ops)-1])
	if !ok {
		sh.r.gap("%s into a folder that cannot be known", name)
		return
	}
	for _, s := range ops[:len(ops)-1] {
		src, ok := sh.abs(s)
		if !ok {
			sh.r.gap("%s from a folder that cannot be known", name)
			return
		}
		contents := strings.HasSuffix(s, "/.") || (name == "rsync" && strings.HasSuffix(s, "/"))
		if !sh.r.fs.copyInto(src, dst, contents) {
			if prog := sh.r.fs.writtenBy(src); prog != "" {
				// a program not modelled (npm ci, a download) may have made src: what
				// lands at dst is not known either (field test: danmermel/trees, `npm
				// ci; cp -r node_modules nodejs/nodejs`)
				sh.r.fs.taintCopy(src, dst, contents, prog)
				continue
			}
			sh.status = 1
			continue
		}
		if name == "mv" {
			sh.r.fs.remove(src)
		}
	}
}

// zip models Info-ZIP's `zip [-r] OUT PATH...` run in the shell's folder: the archive
// holds each path as written (relative), folders with their entries when -r.
func (sh *shell) zip(a []string) {
	var out string
	var paths []string
	for i := 0; i < len(a); i++ {
		s := a[i]
		switch {
		case s == "-x" || s == "-i" || s == "--exclude" || s == "--include":
			// patterns to the end or to the next option; narrowing only
			for i+1 < len(a) && !strings.HasPrefix(a[i+1], "-") {
				i++
			}
		case s == "-b" || s == "-n" || s == "-t" || s == "-tt" || s == "-P" || s == "-Z" || s == "-s":
			i++
		case strings.HasPrefix(s, "-"):
		case out == "":
			out = s
		default:
			paths = append(paths, s)
		}
	}
	if out == "" || len(paths) == 0 {
		return
	}
	if !strings.HasSuffix(out, ".zip") {
		out += ".zip"
	}
	outAbs, ok := sh.abs(out)
	if !ok {
		sh.r.gap("zip in a folder that cannot be known")
		return
	}
	z := sh.r.fs.lookup(outAbs)
	var root *node
	if z != nil && z.zip != nil {
		root = z.zip // zip adds to an existing archive
	} else {
		root = newDir()
	}
	for _, p := range paths {
		if filepath.IsAbs(p) || strings.HasPrefix(filepath.Clean(p), "..") {
			sh.r.gap("zip of %s, stored as written", p)
			return
		}
		abs, _ := sh.abs(p)
		n := sh.r.fs.lookup(abs)
		if n == nil {
			continue
		}
		rel := filepath.ToSlash(filepath.Clean(p))
		if rel == "." {
			for _, name := range sh.r.fs.list(n) {
				if name == pipEntry {
					root.installs = append(root.installs, n.installs...)
					continue
				}
				if k := sh.r.fs.child(n, name); k != nil && filepath.Join(abs, name) != outAbs {
					root.kids = setKid(root.kids, name, clone(k))
				}
			}
			continue
		}
		// place the copy at rel inside the archive, making the folders above it
		parts := strings.Split(rel, "/")
		d := root
		for _, c := range parts[:len(parts)-1] {
			k := d.kids[c]
			if k == nil || !k.dir {
				k = newDir()
				d.kids = setKid(d.kids, c, k)
			}
			d = k
		}
		d.kids = setKid(d.kids, parts[len(parts)-1], clone(n))
	}
	parent, name := sh.r.fs.parent(outAbs, false)
	if parent == nil {
		sh.status = 1
		return
	}
	sh.r.fs.set(parent, name, &node{zip: root})
}

func setKid(m map[string]*node, k string, v *node) map[string]*node {
	if m == nil {
		m = map[string]*node{}
	}
	m[k] = v
	return m
}

// pip models `pip install [-r REQ]... [DIST]... -t DIR`; installs elsewhere (a
// virtualenv, the user's site) are not in a package.
func (sh *shell) pip(args []string) {
	reqs, pkgs, target, ok := ParsePipInstall(args)
	if !ok || target == "" {
		return
	}
	abs, known := sh.abs(target)
	if !known {
		sh.r.gap("pip install into a folder that cannot be known")
		return
	}
	var lines []string
	for _, q := range reqs {
		s, ok := sh.readFile(q)
		if !ok {
			sh.r.gap("pip install -r %s, which cannot be read", q)
			return
		}
		lines = append(lines, requirementLines(s)...)
	}
	for _, p := range pkgs {
		if p == "." || strings.HasPrefix(p, "./") || strings.HasPrefix(p, "/") {
			sh.r.gap("pip install of a local project (%s)", p)
			return
		}
		lines = append(lines, p)
	}
	d := sh.r.fs.mkdirAll(abs)
	if d == nil {
		sh.status = 1
		return
	}
	d.installs = append(d.installs, Install{Lines: lines, From: "pip install " + strings.Join(append(prefixAll("-r ", reqs), pkgs...), " ")})
}

func prefixAll(p string, s []string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[i] = p + v
	}
	return out
}

// requirementLines keeps the requirement lines of a requirements file (no comments,
// options or hashes).
func requirementLines(s string) []string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if i := strings.Index(line, " #"); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		line = strings.TrimSpace(strings.TrimSuffix(line, `\`))
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "-") {
			continue
		}
		out = append(out, line)
	}
	return out
}

// pipenv models `pipenv install` (into PROJECT/.venv with PIPENV_VENV_IN_PROJECT, else
// a virtualenv outside the package), `pipenv requirements` and `pipenv lock -r` (the
// locked default packages on stdout) and `pipenv --rm`.
func (sh *shell) pipenv(a []string) {
	ops := operands(a)
	switch {
	case len(ops) > 0 && ops[0] == "install" && len(ops) == 1:
		lines, ok := sh.pipfileLines()
		if !ok {
			return
		}
		v, _, known := sh.param("PIPENV_VENV_IN_PROJECT")
		if !known || v == "" || v == "0" || strings.EqualFold(v, "false") {
			return
		}
		abs, _ := sh.abs(".venv/lib/python3/site-packages")
		d := sh.r.fs.mkdirAll(abs)
		if d != nil {
			d.installs = append(d.installs, Install{Lines: lines, From: "pipenv install"})
		}
	case len(ops) > 0 && (ops[0] == "requirements" || ops[0] == "lock" && contains(a, "-r")):
		lines, ok := sh.pipfileLines()
		sh.out(strings.Join(lines, "\n")+"\n", ok)
	case contains(a, "--rm"):
		if abs, ok := sh.abs(".venv"); ok && sh.r.fs.lookup(abs) != nil {
			sh.r.fs.remove(abs)
		}
	}
}

func contains(a []string, s string) bool {
	for _, x := range a {
		if x == s {
			return true
		}
	}
	return false
}

// pipfileLines are the default packages of the Pipfile.lock of the shell's folder
// (each pinned, with its markers), else the Pipfile's [packages].
func (sh *shell) pipfileLines() ([]string, bool) {
	if s, ok := sh.readUp("Pipfile.lock", 3); ok {
		if lines, ok := PipfileLockDefault([]byte(s)); ok {
			return lines, true
		}
	}
	if s, ok := sh.readUp("Pipfile", 3); ok {
		return pydist.PipfilePackages(s), true
	}
	return nil, false
}

// readUp reads the file name of the shell's folder or of the nearest folder above it
// (up to levels), as pipenv and poetry find their project.
func (sh *shell) readUp(name string, levels int) (string, bool) {
	if sh.cwd == "" {
		return "", false
	}
	for d, i := sh.cwd, 0; i <= levels; d, i = filepath.Dir(d), i+1 {
		if s, ok := sh.readFile(filepath.Join(d, name)); ok {
			return s, true
		}
		if d == filepath.Dir(d) {
			break
		}
	}
	return "", false
}

// PipfileLockDefault returns the default section of a Pipfile.lock as requirement lines.
func PipfileLockDefault(b []byte) ([]string, bool) {
	var lock struct {
		Default map[string]struct {
			Version string `json:"version"`
			Markers string `json:"markers"`
		} `json:"default"`
	}
	if err := json.Unmarshal(b, &lock); err != nil || lock.Default == nil {
		return nil, false
	}
	out := make([]string, 0, len(lock.Default))
	for name, p := range lock.Default {
		line := name + p.Version
		if p.Markers != "" {
			line += "; " + p.Markers
		}
		out = append(out, line)
	}
	sort.Strings(out)
	return out, true
}

// poetry models `poetry export [-o FILE]`: the project's main dependencies.
func (sh *shell) poetry(a []string) {
	if len(a) == 0 || a[0] != "export" {
		return
	}
	var outFile string
	for i := 0; i < len(a); i++ {
		switch {
		case a[i] == "-o" || a[i] == "--output":
			if i+1 < len(a) {
				outFile = a[i+1]
				i++
			}
		case strings.HasPrefix(a[i], "--output="):
			outFile = strings.TrimPrefix(a[i], "--output=")
		case a[i] == "--with" || a[i] == "--only" || strings.HasPrefix(a[i], "--with=") || strings.HasPrefix(a[i], "--only="):
			sh.r.gap("poetry export of dependency groups")
			return
		}
	}
	s, ok := sh.readUp("pyproject.toml", maxDepth)
	var deps []string
	if ok {
		deps, ok = pydist.PoetryDependencies(s)
	}
	text := strings.Join(deps, "\n") + "\n"
	if outFile == "" {
		sh.out(text, ok)
		return
	}
	abs, known := sh.abs(outFile)
	if !known {
		sh.r.gap("poetry export to a file that cannot be known")
		return
	}
	d, name := sh.r.fs.parent(abs, false)
	if d == nil {
		return
	}
	if !ok {
		sh.r.fs.set(d, name, &node{})
		return
	}
	sh.r.fs.set(d, name, &node{data: &text})
}

// shAssign is jq's @sh form that Terraform's external data source documents for reading
// the query: eval "$(jq -r '@sh "A=\(.a) B=\(.b)"')".
var shAssign = regexp.MustCompile(`^@sh "((?:\s*[A-Za-z_][A-Za-z0-9_]*=\\\(\.[A-Za-z_][A-Za-z0-9_]*\))*)\s*"$`)
var shPair = regexp.MustCompile(`([A-Za-z_][A-Za-z0-9_]*)=\\\(\.([A-Za-z_][A-Za-z0-9_]*)\)`)

// jq models the one use a build script makes of it that shapes a package: reading a
// data "external" query into shell variables. Anything else has unknown output.
func (sh *shell) jq(a []string) {
	ops := operands(a)
	if len(ops) != 1 || sh.r.Stdin == nil || !shAssign.MatchString(ops[0]) {
		sh.out("", false)
		return
	}
	var b strings.Builder
	for _, m := range shPair.FindAllStringSubmatch(ops[0], -1) {
		v, ok := sh.r.Stdin[m[2]]
		if !ok {
			sh.out("", false)
			return
		}
		b.WriteString(m[1] + "='" + strings.ReplaceAll(v, "'", `'\''`) + "' ")
	}
	sh.out(b.String()+"\n", true)
}
