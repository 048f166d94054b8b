package rules

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/layerkit/layerkit/internal/fix"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/pyresolve"
	"github.com/layerkit/layerkit/internal/tree"
)

// importFix is the fix of an LK101 group (the same failing import at every site the
// handler reaches it), for the failures whose fix is certain:
//   - a module imported by the wrong name, when exactly one module of that name sits
//     inside a package on the function's path (`from aws_utils import x` →
//     `from layer_utils.aws_utils import x`);
//   - a relative import in a module Lambda loads as top-level, when the module it
//     names is a top-level module of the function's package (`from .utils import x` →
//     `from utils import x`).
//
// Every site in the function's own package is edited (layers are not the function's
// code); a site whose statement is not as expected gives no fix at all.
func importFix(p *Pass, f *Function, first pyresolve.Problem, sites []*pyresolve.Problem) *model.Fix {
	var to, title string
	switch first.Failure {
	case pyresolve.NoModule:
		to = wrongNameTarget(p, f, first)
		if to == "" {
			return nil
		}
		title = fmt.Sprintf("import %s instead of %s, its name on the path of %s", to, first.Missing, f.Fn.Name)
	case pyresolve.NoParent:
		title = "make the relative import absolute"
	default:
		return nil
	}
	env := f.Result.Env
	if env.Task == nil {
		return nil
	}
	var edits []model.Edit
	for _, pr := range sites {
		if pr.Tree != env.Task {
			continue // in a layer: not the function's code
		}
		target := to
		if pr.Failure == pyresolve.NoParent {
			target = ""
		}
		e, ok := importEdit(p, f, *pr, target)
		if !ok || !othersFailToo(p, f, pr) {
			return nil
		}
		edits = append(edits, e)
	}
	if len(edits) == 0 {
		return nil
	}
	return &model.Fix{Title: title, Edits: edits}
}

// wrongNameTarget is the dotted name Missing has inside the one package on the path
// that holds a module of that name, or "" when there is not exactly one (or another
// hint comes first: the module is off the path, PYTHONPATH hides it, or a package is
// missing a submodule).
func wrongNameTarget(p *Pass, f *Function, pr pyresolve.Problem) string {
	parts := strings.Split(pr.Missing, ".")
	if len(parts) > 1 && submoduleHint(f, pr.Missing) != "" {
		return ""
	}
	if f.Result.Env.PythonPath || offPathHint(p, f, parts[0]) != "" {
		return ""
	}
	cands := moduleCandidates(p, f, pr)
	if len(cands) != 1 {
		return ""
	}
	return cands[0].dotted + strings.TrimPrefix(pr.Missing, parts[0])
}

// importEdit rewrites the module name of the import statement of pr: to the dotted
// name to, or (to == "") to the relative name without its leading dot, when it names
// a top-level module of the function's package.
func importEdit(p *Pass, f *Function, pr pyresolve.Problem, to string) (model.Edit, bool) {
	file := pr.Tree.Display(pr.File)
	src := p.source(file)
	if src == nil {
		return model.Edit{}, false
	}
	at, ok := fix.Offset(src, pr.Line, max(pr.Col, 1))
	if !ok {
		return model.Edit{}, false
	}
	end := fix.LineEnd(src, at)
	line := string(src[at:end])
	word, rest, _ := strings.Cut(line, " ")
	lead := len(line) - len(strings.TrimLeft(rest, " \t")) // where the module name starts
	name := strings.TrimLeft(rest, " \t")
	switch word {
	case "from":
		mod := name[:len(name)-len(strings.TrimLeft(name, "."))]
		mod += dottedPrefix(name[len(mod):])
		after := name[len(mod):]
		if !strings.HasPrefix(after, " ") && !strings.HasPrefix(after, "\t") {
			return model.Edit{}, false
		}
		if mod == "." && to == "" {
			return fromDotEdit(f, file, src, at, after)
		}
		var repl string
		switch {
		case to != "" && mod == pr.Missing:
			repl = to
		case to == "" && mod == "."+strings.TrimLeft(mod, ".") && len(mod) > 1 && topLevelModule(f.Result.Env.Task, mod[1:]):
			repl = mod[1:]
		default:
			return model.Edit{}, false
		}
		start := at + lead
		return model.Edit{File: file, Sum: fix.Sum(src), Start: start, End: start + len(mod), Old: mod, New: repl}, true
	case "import":
		if to == "" || strings.Contains(pr.Missing, ".") {
			return model.Edit{}, false // `import a.b` binds a: a new name would change what it binds
		}
		// import x, y as z: find the entry that is pr.Missing, on this line
		stmt := name
		if i := strings.IndexAny(stmt, ";#\\(\r\n"); i >= 0 {
			stmt = stmt[:i]
		}
		off := at + lead
		for _, entry := range strings.Split(stmt, ",") {
			trimmed := strings.TrimLeft(entry, " \t")
			start := off + len(entry) - len(trimmed)
			off += len(entry) + 1
			mod := dottedPrefix(trimmed)
			if mod != pr.Missing {
				continue
			}
			repl := to
			if !strings.Contains(strings.TrimSpace(trimmed[len(mod):]), "as ") {
				repl = to + " as " + mod // keep the name the code uses
			}
			return model.Edit{File: file, Sum: fix.Sum(src), Start: start, End: start + len(mod), Old: mod, New: repl}, true
		}
	}
	return model.Edit{}, false
}

// fromDotEdit turns `from . import a, b as c` in a top-level module into `import a, b
// as c` when every name is a top-level module of the function's package: the names it
// binds stay the same.
func fromDotEdit(f *Function, file string, src []byte, at int, after string) (model.Edit, bool) {
	rest := strings.TrimLeft(after, " \t")
	names, ok := strings.CutPrefix(rest, "import ")
	if !ok {
		return model.Edit{}, false
	}
	if i := strings.IndexAny(names, ";#"); i >= 0 {
		names = names[:i]
	}
	names = strings.TrimRight(names, " \t\r\n")
	if names == "" || strings.ContainsAny(names, "()\\*") {
		return model.Edit{}, false
	}
	for _, n := range strings.Split(names, ",") {
		fields := strings.Fields(n)
		if len(fields) != 1 && (len(fields) != 3 || fields[1] != "as") || !topLevelModule(f.Result.Env.Task, fields[0]) {
			return model.Edit{}, false
		}
	}
	// replace "from . import " (up to the first name) by "import "
	end := at + strings.Index(string(src[at:]), names)
	old := string(src[at:end])
	return model.Edit{File: file, Sum: fix.Sum(src), Start: at, End: end, Old: old, New: "import "}, true
}

// dottedPrefix is the dotted name at the start of s ("a.b" of "a.b import x").
func dottedPrefix(s string) string {
	i := 0
	for i < len(s) && (s[i] == '.' || s[i] == '_' || s[i] >= 'a' && s[i] <= 'z' || s[i] >= 'A' && s[i] <= 'Z' || s[i] >= '0' && s[i] <= '9' || s[i] >= 0x80) {
		i++
	}
	return s[:i]
}

// topLevelModule reports whether the dotted module's top-level name is a module or
// package at the root of t (so that the absolute import finds it in /var/task).
func topLevelModule(t tree.Tree, dotted string) bool {
	top := strings.Split(dotted, ".")[0]
	if top == "" {
		return false
	}
	if _, err := t.Stat(top + ".py"); err == nil {
		return true
	}
	return tree.IsDir(t, path.Clean(top))
}

// requirementFix (unsafe) declares in the function's requirements.txt the distribution
// another function of the app declares for the missing module, with the same line
// (version specifier, markers): sam build then installs it into the function's package.
// It is offered when that is what the hint says (hint is declaredElsewhere's), for a
// SAM function built from a folder; the file is created when the folder has none.
// Unsafe: it changes what gets installed.
func requirementFix(p *Pass, f *Function, pr pyresolve.Problem, hint string) *model.Fix {
	if pr.Failure != pyresolve.NoModule || p.App.Kind != "sam" || p.App.Built || f.Fn.Code == nil || f.Fn.Code.Opaque {
		return nil
	}
	top := strings.Split(pr.Missing, ".")[0]
	if h := declaredElsewhere(p, f, top); h == "" || h != hint {
		return nil
	}
	var decl *model.Declared
	for _, g := range p.every() {
		if g == f || g.Fn.Code == nil {
			continue
		}
		for i, d := range g.Fn.Code.Declared {
			if decl == nil && slices.Contains(d.Modules, top) {
				decl = &g.Fn.Code.Declared[i]
			}
		}
	}
	if decl == nil || decl.Pos.Line == 0 {
		return nil
	}
	// The declaring line as written, without its comment.
	src := p.source(decl.Pos.File)
	if src == nil {
		return nil
	}
	at, ok := fix.Offset(src, decl.Pos.Line, 1)
	if !ok {
		return nil
	}
	line := string(src[at:fix.LineEnd(src, at)])
	if i := strings.Index(line, " #"); i >= 0 {
		line = line[:i]
	}
	line = strings.TrimSpace(line)
	if line == "" || strings.HasPrefix(line, "-") || strings.HasSuffix(line, "\\") {
		return nil
	}
	target := f.Fn.Code.Tree.Display("requirements.txt")
	if strings.Contains(target, ":") || strings.HasPrefix(target, "../") || !tree.IsDir(p.Project, path.Dir(target)) {
		return nil
	}
	e := model.Edit{File: target, Sum: fix.Sum(nil), New: line + "\n"}
	if tree.IsFile(p.Project, target) {
		have := p.source(target)
		if have == nil {
			return nil
		}
		e.Sum, e.Start, e.End = fix.Sum(have), len(have), len(have)
		if len(have) > 0 && have[len(have)-1] != '\n' {
			e.New = "\n" + e.New
		}
	}
	return &model.Fix{Title: fmt.Sprintf("declare %s in %s (as %s declares it)", line, target, posString(decl.Pos)), Unsafe: true, Edits: []model.Edit{e}}
}

// othersFailToo reports whether every other analysed function that runs the file of pr
// fails at that import the same way: an edit made for f must not change a file another
// function (the same CodeUri, or a folder around it) imports fine as it is.
func othersFailToo(p *Pass, f *Function, pr *pyresolve.Problem) bool {
	file := pr.Tree.Display(pr.File)
	for _, g := range p.analysed() {
		if g == f {
			continue
		}
		runs := cacheOf(p).runs.Get(g, func() map[string]bool {
			out := map[string]bool{}
			for _, m := range g.Result.Modules() {
				if m.Tree != nil && m.File != "" {
					out[m.Tree.Display(m.File)] = true
				}
			}
			return out
		})
		if !runs[file] {
			continue
		}
		if !slices.ContainsFunc(g.Result.Problems, func(q pyresolve.Problem) bool {
			return q.Failure == pr.Failure && q.Missing == pr.Missing && q.Line == pr.Line && q.Tree.Display(q.File) == file
		}) {
			return false
		}
	}
	return true
}
