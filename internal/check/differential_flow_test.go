package check_test

// Control-flow features of the differential generator (issue 13 A1-A4, A6): the import
// statements a module runs are sometimes wrapped in try statements (every handler
// class the issue names, handlers that swallow, re-raise, raise another exception or
// fail themselves, else and finally clauses) or in if statements whose test Lambda
// decides for the runtime (sys.version_info in its forms, sys.platform, os.name,
// platform.system(), TYPE_CHECKING, False/0); modules star-import others, some of which
// define __all__ (sometimes naming something they do not define, or a submodule);
// handlers are defined under such tests, deleted, rebound to None, or bound by a star
// import; and some modules import a module of lower rank — one that may still be
// initializing — and read an attribute of it or import a name from it (an import cycle).
// Which of these fails is for python3 to say.

import (
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Names the cycle feature reads from a module of lower rank: every file of such a
// module binds lkEarly before its imports and lkLate after them, so Python's verdict
// depends only on whether the module is still initializing.
const (
	lkEarly = "LK_EARLY"
	lkLate  = "LK_LATE"
)

// excClauses are the except clauses the try feature writes, with whether each needs
// an `as e` for the handler bodies that use it.
var excClauses = []string{
	"except ImportError", "except ModuleNotFoundError", "except Exception", "except BaseException",
	"except", "except (KeyError, ValueError)", "except AttributeError", "except (KeyError, ImportError)",
	"except (ValueError, ModuleNotFoundError)", "except LookupError",
}

// condition returns an if test that Lambda decides for python ag.pyver, true or false as
// asked, and the import the module needs for it.
func (ag *appGen) condition(truth bool) (test, need string) {
	minor, _ := strconv.Atoi(strings.TrimPrefix(ag.pyver, "3."))
	type c struct {
		test, need string
		val        bool
	}
	cs := []c{
		{fmt.Sprintf("sys.version_info >= (3, %d)", minor), "import sys", true},
		{fmt.Sprintf("sys.version_info >= (3, %d)", minor+1), "import sys", false},
		{fmt.Sprintf("sys.version_info < (3, %d)", minor), "import sys", false},
		{fmt.Sprintf("sys.version_info[:2] == (3, %d)", minor), "import sys", true},
		{fmt.Sprintf("sys.version_info[:2] <= (3, %d)", minor-1), "import sys", false},
		{fmt.Sprintf("sys.version_info.minor >= %d", minor+1), "import sys", false},
		{fmt.Sprintf("sys.version_info.minor == %d", minor), "import sys", true},
		{"sys.version_info[0] == 3", "import sys", true},
		{"sys.version_info[0] >= 4", "import sys", false},
		{`sys.platform == "linux"`, "import sys", true},
		{`sys.platform == "win32"`, "import sys", false},
		{`sys.platform.startswith("linux")`, "import sys", true},
		{`os.name == "posix"`, "import os", true},
		{`os.name == "nt"`, "import os", false},
		{`platform.system() == "Linux"`, "import platform", true},
		{`platform.system() == "Windows"`, "import platform", false},
		{"TYPE_CHECKING", "from typing import TYPE_CHECKING", false},
		{"typing.TYPE_CHECKING", "import typing", false},
		{"not TYPE_CHECKING", "from typing import TYPE_CHECKING", true},
		{"False", "", false},
		{"0", "", false},
		{"True", "", true},
		{`__name__ == "__main__"`, "", false},
	}
	var pick []c
	for _, x := range cs {
		if x.val == truth {
			pick = append(pick, x)
		}
	}
	x := pick[ag.r.Intn(len(pick))]
	return x.test, x.need
}

// indentBlock indents every line of s by four spaces.
func indentBlock(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = "    " + l
		}
	}
	return strings.Join(lines, "\n")
}

// flowWrap wraps some of f's import statements in try and if statements; needs
// collects the imports the tests need (written first).
func (ag *appGen) flowWrap(f *modFile, stmts []string, needs map[string]bool) []string {
	var out []string
	for _, s := range stmts {
		switch ag.weighted(70, 18, 12) {
		case 1:
			s = ag.tryWrap(f, s, needs, 0)
		case 2:
			s = ag.ifWrap(f, s, needs)
		}
		out = append(out, s)
	}
	return out
}

// tryWrap puts statement s in a try statement.
func (ag *appGen) tryWrap(f *modFile, s string, needs map[string]bool, depth int) string {
	if depth < 1 && ag.p(0.15) {
		s = ag.tryWrap(f, s, needs, depth+1)
	}
	var b strings.Builder
	b.WriteString("try:\n" + indentBlock(s) + "\n")
	nh := 1 + ag.weighted(85, 15)
	for i := 0; i < nh; i++ {
		clause := ag.pick(excClauses)
		body := ""
		as := false
		switch ag.weighted(50, 12, 8, 6, 4, 12, 8) {
		case 0:
			body = "pass"
		case 1:
			body = "raise"
		case 2:
			body, as = "raise RuntimeError(\"a required module is missing\") from e", true
		case 3:
			body = "raise ImportError(\"required\")"
		case 4:
			body, as = "raise e", true
		case 5: // a fallback import, which may fail too
			if fb := ag.importStmt(f); fb != "" {
				body = fb
			} else {
				body = "pass"
			}
		case 6:
			body = "lk_fallback = None"
		}
		if as && clause == "except" {
			clause = "except Exception"
		}
		if as {
			clause += " as e"
		}
		b.WriteString(clause + ":\n" + indentBlock(body) + "\n")
		if clause == "except" {
			break // a bare except must be last
		}
	}
	if ag.p(0.15) {
		if s2 := ag.importStmt(f); s2 != "" {
			b.WriteString("else:\n" + indentBlock(s2) + "\n")
		}
	}
	if ag.p(0.1) {
		if s3 := ag.importStmt(f); s3 != "" {
			b.WriteString("finally:\n" + indentBlock(s3) + "\n")
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// ifWrap puts statement s under an if statement Lambda decides, sometimes with an
// elif or else.
func (ag *appGen) ifWrap(f *modFile, s string, needs map[string]bool) string {
	test, need := ag.condition(ag.p(0.5))
	if need != "" {
		needs[need] = true
	}
	out := "if " + test + ":\n" + indentBlock(s)
	switch ag.weighted(60, 15, 25) {
	case 1:
		t2, n2 := ag.condition(ag.p(0.5))
		if n2 != "" {
			needs[n2] = true
		}
		if s2 := ag.importStmt(f); s2 != "" {
			out += "\nelif " + t2 + ":\n" + indentBlock(s2)
		}
	case 2:
		if s2 := ag.importStmt(f); s2 != "" {
			out += "\nelse:\n" + indentBlock(s2)
		}
	}
	return out
}

// flowImport returns a star import or an import of a module of lower rank (a possible
// cycle), or "".
func (ag *appGen) flowImport(f *modFile) string {
	self := f.mod
	if ag.p(0.6) { // from m import *
		ts := ag.targets(f, func(m string) bool { return !ag.isAncestor(m, self) })
		if len(ts) == 0 {
			return ""
		}
		m := ag.pick(ts)
		for _, d := range ag.defs[m] {
			f.binds[d] = true
		}
		if ag.hasHandler[m] {
			f.binds["handler"] = true
		}
		return "from " + m + " import *"
	}
	// A module that ranks below this one: it may be running its top level right now
	// (it imported this one), or not imported yet.
	var back []string
	for m := range ag.avail[f.owner] {
		if m == self || ag.isAncestor(self, m) || ag.isAncestor(m, self) || ag.rankOf(m) >= ag.rankOf(self) {
			continue
		}
		// only modules that are a source file wherever they are, so that every
		// candidate binds lkEarly and lkLate
		if ag.nsPkgs[m] || ag.ghostMods[m] || !ag.realFile(m) {
			continue
		}
		back = append(back, m)
	}
	if len(back) == 0 {
		return ""
	}
	sort.Strings(back)
	m := ag.pick(back)
	ag.backTargets[m] = true
	name := lkLate
	if ag.p(0.3) {
		name = lkEarly
	}
	if ag.handlerMods[m] && ag.p(0.4) {
		name = "handler"
	}
	switch ag.weighted(50, 50) {
	case 0:
		al := "lk_cyc"
		return "import " + m + " as " + al + "\nlk_seen = " + al + "." + name
	default:
		return "from " + m + " import " + name + " as lk_seen"
	}
}

// realFile reports whether some file defines module m, and m is not a namespace
// package anywhere (a folder holding its submodules without an __init__.py).
func (ag *appGen) realFile(m string) bool {
	have := map[string]bool{}
	found := false
	for _, f := range ag.files {
		if f.mod == m && !f.ghost {
			found = true
			have[f.path] = true
		}
	}
	if !found {
		return false
	}
	for _, f := range ag.files {
		if !strings.HasPrefix(f.mod, m+".") {
			continue
		}
		dir := f.path
		for k := strings.Count(f.mod, ".") - strings.Count(m, "."); k > 0; k-- {
			dir = path.Dir(dir)
		}
		if f.isPkg { // pkg/sub/__init__.py: one folder more
			dir = path.Dir(dir)
		}
		if !have[dir+"/__init__.py"] {
			return false
		}
	}
	return true
}

// allOf returns an __all__ for file f (which binds names), or "": the names it defines,
// sometimes one it does not, sometimes a submodule.
func (ag *appGen) allOf(f *modFile) string {
	if !ag.p(0.12) {
		return ""
	}
	var names []string
	for _, d := range defNames {
		if f.binds[d] && ag.p(0.7) {
			names = append(names, d)
		}
	}
	if f.binds["handler"] && ag.p(0.8) {
		names = append(names, "handler")
	}
	switch ag.weighted(80, 12, 8) {
	case 1:
		names = append(names, "Z") // never defined
	case 2:
		if f.isPkg {
			names = append(names, ag.pick(subNames))
		}
	}
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return "__all__ = [" + strings.Join(q, ", ") + "]"
}

// flowHandler writes the handler shapes of the flow features (f.handler 9..14).
func (ag *appGen) flowHandler(f *modFile, needs map[string]bool) (imports, defs []string) {
	def := "def handler(event, context):\n    return None"
	switch f.handler {
	case 9: // defined only where a test Lambda decides says so
		test, need := ag.condition(ag.p(0.5))
		if need != "" {
			needs[need] = true
		}
		defs = append(defs, "if "+test+":\n"+indentBlock(def))
		if ag.p(0.4) {
			defs = append(defs, "else:\n"+indentBlock("handler = lambda event, context: None"))
		}
	case 10: // deleted
		defs = append(defs, def, "del handler")
	case 11: // rebound to None
		defs = append(defs, def, "handler = None")
	case 12: // bound by a star import only
		ts := ag.targets(f, func(m string) bool { return !ag.isAncestor(m, f.mod) })
		if len(ts) > 0 {
			imports = append(imports, "from "+ag.pick(ts)+" import *")
		}
	case 13: // defined in a try body after an import that may fail
		s := ag.importStmt(f)
		if s == "" {
			s = "import " + missingTop
		}
		defs = append(defs, "try:\n"+indentBlock(s)+"\n"+indentBlock(def)+"\nexcept ImportError:\n    pass")
	case 14: // a del or rebinding that does not run
		test, need := ag.condition(false)
		if need != "" {
			needs[need] = true
		}
		defs = append(defs, def, "if "+test+":\n    del handler")
	}
	return imports, defs
}

// flowCount records the control-flow features of one generated file.
func (d *differ) flowCount(c string) {
	for _, x := range []struct{ key, sub string }{
		{"flow try/except", "try:\n"},
		{"flow except raise", "    raise\n"},
		{"flow raise from", ") from e"},
		{"flow except ModuleNotFoundError", "except ModuleNotFoundError"},
		{"flow except non-import class", "except (KeyError, ValueError)"},
		{"flow try else", "\nelse:\n    "},
		{"flow finally", "finally:\n"},
		{"flow if version_info", "sys.version_info"},
		{"flow if platform", "platform"},
		{"flow if TYPE_CHECKING", "TYPE_CHECKING:"},
		{"flow star import", " import *"},
		{"flow __all__", "__all__ = "},
		{"flow del handler", "del handler"},
		{"flow handler = None", "handler = None"},
		{"flow cycle attribute", "lk_seen = lk_cyc."},
		{"flow cycle from-import", " as lk_seen"},
	} {
		if strings.Contains(c, x.sub) {
			d.cover[x.key]++
		}
	}
}

// diffPython returns the interpreter the differential tests run: -differential.python
// or $LAYERKIT_DIFF_PYTHON (a path, a command, or a version such as 3.12, looked up as
// python3.12 on PATH and then in pyenv's versions), else python3.
func diffPython() (string, error) {
	want := *diffPythonFlag
	if want == "" {
		want = os.Getenv("LAYERKIT_DIFF_PYTHON")
	}
	if i := strings.IndexByte(want, ','); i >= 0 {
		want = want[:i] // several: the first
	}
	return diffPythonSpec(want)
}

// diffPythonSpec finds the interpreter want names (see diffPython); "" is python3.
func diffPythonSpec(want string) (string, error) {
	if want == "" {
		return exec.LookPath("python3")
	}
	if _, err := strconv.ParseFloat(want, 64); err == nil && strings.HasPrefix(want, "3.") {
		return pythonForVersion(want)
	}
	return exec.LookPath(want)
}

// pythonForVersion finds an interpreter for version v ("3.12") that runs and says it
// is that version: python3.12 on PATH, or pyenv's.
func pythonForVersion(v string) (string, error) {
	var cands []string
	if p, err := exec.LookPath("python" + v); err == nil {
		cands = append(cands, p)
	}
	root := os.Getenv("PYENV_ROOT")
	if root == "" {
		if home, err := os.UserHomeDir(); err == nil {
			root = filepath.Join(home, ".pyenv")
		}
	}
	if root != "" {
		ms, _ := filepath.Glob(filepath.Join(root, "versions", v+".*", "bin", "python"+v))
		sort.Strings(ms)
		for i := len(ms) - 1; i >= 0; i-- {
			cands = append(cands, ms[i])
		}
	}
	for _, c := range cands {
		if got, err := pythonVersion(c); err == nil && got == v {
			return c, nil
		}
	}
	return "", fmt.Errorf("no python%s found (PATH, pyenv)", v)
}
