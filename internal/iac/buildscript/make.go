package buildscript

import (
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/layerkit/layerkit/internal/iac"
)

// makefile is what a Makefile says that a build needs: its variables and its explicit
// rules, in file order. Conditionals, includes, pattern rules and make functions are
// not evaluated; a recipe line that uses a function is a gap.
type makefile struct {
	file   string // as shown: "Makefile"
	dir    string
	vars   map[string]string
	rules  []*rule
	byName map[string]*rule
}

type rule struct {
	target  string
	prereqs []string
	recipe  []string
}

// readMakefile reads the Makefile at abs; nil when it cannot be read.
func readMakefile(lim iac.Limits, root, abs string) *makefile {
	if lim.CheckInside(root, abs) != nil {
		return nil
	}
	b, err := lim.ReadConfig(abs)
	if err != nil {
		return nil
	}
	m := &makefile{file: iac.Rel(root, abs), dir: filepath.Dir(abs), byName: map[string]*rule{},
		vars: map[string]string{"CURDIR": filepath.Dir(abs), "MAKE": "make", "SHELL": "/bin/sh"}} // make's own; make runs in the Makefile's folder
	var lines []string
	for _, l := range strings.Split(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n") {
		if n := len(lines); n > 0 && strings.HasSuffix(lines[n-1], `\`) {
			lines[n-1] = strings.TrimSuffix(lines[n-1], `\`) + "\n" + l
			continue
		}
		lines = append(lines, l)
	}
	var cur []*rule
	for _, l := range lines {
		if strings.HasPrefix(l, "\t") {
			for _, r := range cur {
				r.recipe = append(r.recipe, strings.TrimPrefix(l, "\t"))
			}
			continue
		}
		t := strings.TrimSpace(stripMakeComment(l))
		if t == "" {
			continue
		}
		word, _, _ := strings.Cut(t, " ")
		switch word {
		case "ifeq", "ifneq", "ifdef", "ifndef", "else", "endif", "include", "-include", "sinclude", "define", "endef", "override", "unexport", "vpath":
			cur = nil
			continue
		}
		t = strings.TrimPrefix(t, "export ")
		if name, val, op, ok := makeAssign(t); ok {
			switch op {
			case "?=":
				if _, set := m.vars[name]; !set {
					m.vars[name] = val
				}
			case "+=":
				m.vars[name] = strings.TrimSpace(m.vars[name] + " " + val)
			default:
				m.vars[name] = val
			}
			cur = nil
			continue
		}
		targets, rest, ok := strings.Cut(t, ":")
		if !ok || strings.HasPrefix(rest, "=") {
			cur = nil
			continue
		}
		rest = strings.TrimPrefix(rest, ":") // double-colon rules
		prereqs, inline, _ := strings.Cut(rest, ";")
		cur = nil
		for _, tg := range strings.Fields(targets) {
			if strings.Contains(tg, "%") || strings.HasPrefix(tg, ".") || strings.Contains(tg, "$") {
				continue
			}
			r := m.byName[tg]
			if r == nil {
				r = &rule{target: tg}
				m.byName[tg] = r
				m.rules = append(m.rules, r)
			}
			r.prereqs = append(r.prereqs, strings.Fields(prereqs)...)
			if s := strings.TrimSpace(inline); s != "" {
				r.recipe = append(r.recipe, s)
			}
			cur = append(cur, r)
		}
		if len(m.rules) > maxRules {
			break
		}
	}
	return m
}

const maxRules = 200

func stripMakeComment(l string) string {
	if i := strings.Index(l, "#"); i >= 0 && (i == 0 || l[i-1] != '\\') {
		return l[:i]
	}
	return l
}

// makeAssign reads NAME = value (and :=, ::=, ?=, +=, !=).
func makeAssign(t string) (name, val, op string, ok bool) {
	i := strings.IndexByte(t, '=')
	if i <= 0 {
		return "", "", "", false
	}
	lhs := t[:i]
	op = "="
	for _, p := range []string{"::", ":", "?", "+", "!"} {
		if strings.HasSuffix(lhs, p) {
			op = p + "="
			lhs = strings.TrimSuffix(lhs, p)
			break
		}
	}
	if op == "!=" {
		return "", "", "", false
	}
	name = strings.TrimSpace(lhs)
	if name == "" || strings.ContainsAny(name, " \t:$") {
		return "", "", "", false
	}
	return name, strings.TrimSpace(t[i+1:]), op, true
}

// expand replaces make's references in a recipe line: $$, $(VAR), ${VAR}, $@, $<, $^;
// ok is false when it uses a function or an automatic variable not modelled.
func (m *makefile) expand(s string, r *rule, depth int) (string, bool) {
	if depth > 10 {
		return "", false
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		switch c := s[i]; c {
		case '$':
			b.WriteByte('$')
		case '@':
			b.WriteString(r.target)
		case '<':
			if len(r.prereqs) > 0 {
				b.WriteString(r.prereqs[0])
			}
		case '^':
			b.WriteString(strings.Join(r.prereqs, " "))
		case '(', '{':
			end := map[byte]byte{'(': ')', '{': '}'}[c]
			j := strings.IndexByte(s[i:], end)
			if j < 0 {
				return "", false
			}
			name := s[i+1 : i+j]
			i += j
			if strings.ContainsAny(name, " \t,$:") {
				return "", false // a function ($(shell ...), $(wildcard ...)) or substitution
			}
			v, ok := m.expand(m.vars[name], r, depth+1) // unset: "" (the user's environment is not read)
			if !ok {
				return "", false
			}
			b.WriteString(v)
		default:
			if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '_' {
				v, ok := m.expand(m.vars[string(c)], r, depth+1)
				if !ok {
					return "", false
				}
				b.WriteString(v)
				continue
			}
			return "", false
		}
	}
	return b.String(), true
}

// runTarget runs a target's prerequisites that are rules of the file, then its recipe,
// each line in its own shell in the Makefile's folder, as make does.
func (m *makefile) runTarget(r *Runner, t *rule, seen map[string]bool) error {
	if seen[t.target] || len(seen) > maxRules {
		return nil
	}
	seen[t.target] = true
	for _, p := range t.prereqs {
		if pr := m.byName[p]; pr != nil {
			if err := m.runTarget(r, pr, seen); err != nil {
				return err
			}
		}
	}
	for _, line := range t.recipe {
		line = strings.TrimLeft(line, "@-+ \t")
		s, ok := m.expand(line, t, 0)
		if !ok {
			r.gap("%s: a recipe line of %s uses make functions", m.file, t.target)
			continue
		}
		if err := r.Script(s, m.file, m.dir, nil, nil); err != nil {
			return err
		}
	}
	return nil
}

// Makefile returns one build per target of the Makefile at abs that has a recipe (its
// prerequisites run first), in file order; nil when there is no readable Makefile.
func Makefile(lim iac.Limits, root, abs string) []Build {
	m := readMakefile(lim, root, abs)
	if m == nil {
		return nil
	}
	var out []Build
	for _, t := range m.rules {
		if len(t.recipe) == 0 {
			continue
		}
		t := t
		out = append(out, Build{
			Label: m.file + " target " + t.target,
			Run:   func(r *Runner) error { return m.runTarget(r, t, map[string]bool{}) },
		})
	}
	return out
}

// ScriptFile returns a build that runs the shell script at abs with no arguments from
// folder dir (a build script nothing in the repository calls: the README's "run
// ./build.sh").
func ScriptFile(lim iac.Limits, root, abs, dir string) Build {
	label := iac.Rel(root, abs)
	return Build{Label: label, Run: func(r *Runner) error {
		if lim.CheckInside(root, abs) != nil {
			return nil
		}
		b, err := lim.ReadConfig(abs)
		if err != nil {
			return nil
		}
		return r.Script(string(b), label, dir, nil, nil)
	}}
}

// Command returns a build that runs a command line (a provisioner's, a workflow step's)
// in folder dir.
func Command(label, cmd, dir string, env map[string]string) Build {
	return Build{Label: label, Run: func(r *Runner) error { return r.Script(cmd, label, dir, nil, env) }}
}

// Scripts lists the *.sh files of the folders dirs (sorted, at most 20 per folder).
func Scripts(dirs []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, d := range dirs {
		es, err := os.ReadDir(d)
		if err != nil {
			continue
		}
		var names []string
		for _, e := range es {
			if !e.IsDir() && strings.HasSuffix(e.Name(), ".sh") {
				names = append(names, e.Name())
			}
		}
		sort.Strings(names)
		if len(names) > 20 {
			names = names[:20]
		}
		for _, n := range names {
			p := filepath.Join(d, n)
			if !seen[p] {
				seen[p] = true
				out = append(out, p)
			}
		}
	}
	return out
}
