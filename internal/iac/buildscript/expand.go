package buildscript

import (
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// seg is a piece of an expanded word: quoted text is neither split nor globbed, and
// only the results of expansions are split.
type seg struct {
	text   string
	quoted bool
	split  bool // an unquoted expansion
}

// segs expands the parts of a word; known is false when some part's value cannot be
// known. fields is set for "$@" (each argument its own field).
func (sh *shell) segs(parts []syntax.WordPart, quoted bool) (out []seg, known bool, fields [][]seg) {
	known = true
	add := func(s seg) {
		out = append(out, s)
	}
	for _, p := range parts {
		switch p := p.(type) {
		case *syntax.Lit:
			if quoted {
				add(seg{text: unescapeDouble(p.Value), quoted: true})
			} else {
				for _, s := range unescapeBare(p.Value) {
					add(s)
				}
			}
		case *syntax.SglQuoted:
			v := p.Value
			if p.Dollar {
				v = ansiC(v)
			}
			add(seg{text: v, quoted: true})
		case *syntax.DblQuoted:
			if len(p.Parts) == 1 {
				if pe, ok := p.Parts[0].(*syntax.ParamExp); ok && pe.Param != nil && pe.Param.Value == "@" && pe.Exp == nil && !pe.Length {
					for _, a := range sh.args {
						fields = append(fields, []seg{{text: a, quoted: true}})
					}
					continue
				}
			}
			in, ok, _ := sh.segs(p.Parts, true)
			known = known && ok
			for _, s := range in {
				s.quoted = true
				add(s)
			}
		case *syntax.ParamExp:
			v, ok := sh.paramExp(p)
			known = known && ok
			add(seg{text: v, quoted: quoted, split: !quoted})
		case *syntax.CmdSubst:
			v, ok := sh.cmdSubst(p.Stmts)
			known = known && ok
			add(seg{text: v, quoted: quoted, split: !quoted})
		case *syntax.ArithmExp:
			v, ok := sh.arith(p.X)
			known = known && ok
			add(seg{text: strconv.Itoa(v), quoted: quoted})
		default:
			known = false
		}
	}
	return out, known, fields
}

// word expands a word to one string (assignments, redirections, case words).
func (sh *shell) word(w *syntax.Word) (string, bool) {
	if w == nil {
		return "", true
	}
	ss, known, fields := sh.segs(w.Parts, false)
	var b strings.Builder
	for _, s := range ss {
		b.WriteString(s.text)
	}
	for i, f := range fields {
		if i > 0 || b.Len() > 0 {
			b.WriteString(" ")
		}
		for _, s := range f {
			b.WriteString(s.text)
		}
	}
	if b.Len() > maxValue {
		return "", false
	}
	return b.String(), known
}

// pattern expands a case pattern: quoted text matches literally.
func (sh *shell) pattern(w *syntax.Word) (string, bool) {
	if w == nil {
		return "", true
	}
	ss, known, _ := sh.segs(w.Parts, false)
	var b strings.Builder
	for _, s := range ss {
		if s.quoted {
			b.WriteString(escapeGlob(s.text))
		} else {
			b.WriteString(s.text)
		}
	}
	return b.String(), known
}

func escapeGlob(s string) string {
	var b strings.Builder
	for _, c := range s {
		if strings.ContainsRune(`*?[]\`, c) {
			b.WriteByte('\\')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// fields expands command words as the shell does: unquoted expansions split on
// white space, unquoted patterns matched against the (virtual) files.
func (sh *shell) fields(words []*syntax.Word) ([]string, bool) {
	var out []string
	known := true
	for _, w := range words {
		ss, ok, args := sh.segs(w.Parts, false)
		known = known && ok
		if args != nil && len(ss) == 0 {
			for _, f := range args {
				out = append(out, f[0].text)
			}
			continue
		}
		// build fields: text and its pattern form
		type field struct {
			text, pat strings.Builder
			meta, any bool
		}
		var fs []*field
		cur := &field{}
		flush := func() {
			if cur.any {
				fs = append(fs, cur)
			}
			cur = &field{}
		}
		for _, s := range ss {
			if s.split {
				if s.text == "" {
					continue
				}
				if isIFS(rune(s.text[0])) {
					flush()
				}
				for i, part := range strings.FieldsFunc(s.text, isIFS) {
					if i > 0 {
						flush()
					}
					cur.text.WriteString(part)
					cur.pat.WriteString(part)
					cur.meta = cur.meta || hasMeta(part)
					cur.any = true
				}
				if isIFS(rune(s.text[len(s.text)-1])) {
					flush()
				}
				continue
			}
			cur.text.WriteString(s.text)
			cur.any = cur.any || s.quoted || s.text != ""
			if s.quoted {
				cur.pat.WriteString(escapeGlob(s.text))
			} else {
				cur.pat.WriteString(s.text)
				cur.meta = cur.meta || hasMeta(s.text)
			}
		}
		flush()
		for _, f := range fs {
			if f.meta {
				if m := sh.glob(f.pat.String()); len(m) > 0 {
					out = append(out, m...)
					continue
				}
			}
			out = append(out, f.text.String())
		}
	}
	return out, known
}

// hasMeta reports whether a word is a pattern: *, ? or a [ closed by a ] (a lone [, as
// in `[ -d x ]`, is literal).
func hasMeta(s string) bool {
	if strings.ContainsAny(s, "*?") {
		return true
	}
	i := strings.IndexByte(s, '[')
	return i >= 0 && strings.IndexByte(s[i+1:], ']') > 0
}

func isIFS(r rune) bool { return r == ' ' || r == '\t' || r == '\n' }

// glob matches a pattern against the virtual files; nil when nothing matches.
func (sh *shell) glob(pat string) []string {
	abs := filepath.IsAbs(pat)
	base := sh.cwd
	if abs {
		base = "/"
	}
	if base == "" {
		return nil
	}
	parts := strings.Split(strings.Trim(pat, "/"), "/")
	type cand struct{ abs, rel string }
	cur := []cand{{base, ""}}
	for _, p := range parts {
		var next []cand
		for _, c := range cur {
			if !hasMeta(p) {
				lit := unescapeGlob(p)
				if sh.r.fs.lookup(filepath.Join(c.abs, lit)) != nil || lit == "." || lit == ".." {
					next = append(next, cand{filepath.Join(c.abs, lit), joinRel(c.rel, lit)})
				}
				continue
			}
			n := sh.r.fs.lookup(c.abs)
			for _, name := range sh.r.fs.list(n) {
				if strings.HasPrefix(name, ".") && !strings.HasPrefix(p, ".") {
					continue
				}
				if sh.r.match(p, name) {
					next = append(next, cand{filepath.Join(c.abs, name), joinRel(c.rel, name)})
				}
			}
		}
		if len(next) > maxList {
			return nil
		}
		cur = next
	}
	out := make([]string, 0, len(cur))
	for _, c := range cur {
		if abs {
			out = append(out, c.abs)
		} else {
			out = append(out, c.rel)
		}
	}
	sort.Strings(out)
	return out
}

func joinRel(a, b string) string {
	if a == "" {
		return b
	}
	return a + "/" + b
}

func unescapeGlob(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// unescapeBare removes the backslashes of an unquoted literal; an escaped character is
// quoted (not globbed).
func unescapeBare(s string) []seg {
	if !strings.Contains(s, `\`) {
		return []seg{{text: s}}
	}
	var out []seg
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			if b.Len() > 0 {
				out = append(out, seg{text: b.String()})
				b.Reset()
			}
			i++
			if s[i] != '\n' {
				out = append(out, seg{text: s[i : i+1], quoted: true})
			}
			continue
		}
		b.WriteByte(s[i])
	}
	if b.Len() > 0 {
		out = append(out, seg{text: b.String()})
	}
	return out
}

// unescapeDouble removes the backslashes that escape inside double quotes.
func unescapeDouble(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && strings.IndexByte("$`\"\\\n", s[i+1]) >= 0 {
			i++
			if s[i] == '\n' {
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func ansiC(s string) string {
	r := strings.NewReplacer(`\n`, "\n", `\t`, "\t", `\\`, `\`, `\'`, "'", `\"`, `"`)
	return r.Replace(s)
}

// paramExp expands ${...}.
func (sh *shell) paramExp(p *syntax.ParamExp) (string, bool) {
	if p.Param == nil || p.Excl || p.Index != nil || p.Slice != nil || p.NestedParam != nil {
		return "", false
	}
	v, set, known := sh.param(p.Param.Value)
	if p.Length {
		return strconv.Itoa(len(v)), known
	}
	if p.Repl != nil {
		from, ok1 := sh.pattern(p.Repl.Orig)
		to, ok2 := sh.word(p.Repl.With)
		if !ok1 || !ok2 || !known || strings.ContainsAny(from, "*?[") {
			return "", false
		}
		from = unescapeGlob(from)
		if from == "" {
			return v, true
		}
		if p.Repl.All {
			return strings.ReplaceAll(v, from, to), true
		}
		return strings.Replace(v, from, to, 1), true
	}
	if p.Exp == nil {
		return v, known
	}
	arg := func() (string, bool) { return sh.word(p.Exp.Word) }
	switch p.Exp.Op {
	case syntax.DefaultUnset, syntax.DefaultUnsetOrNull:
		if !set || (p.Exp.Op == syntax.DefaultUnsetOrNull && v == "" && known) {
			return arg()
		}
		return v, known
	case syntax.AssignUnset, syntax.AssignUnsetOrNull:
		if !set || (p.Exp.Op == syntax.AssignUnsetOrNull && v == "" && known) {
			a, ok := arg()
			sh.setVar(p.Param.Value, a, ok)
			return a, ok
		}
		return v, known
	case syntax.AlternateUnset, syntax.AlternateUnsetOrNull:
		if set && (p.Exp.Op == syntax.AlternateUnset || v != "") {
			return arg()
		}
		return "", known
	case syntax.ErrorUnset, syntax.ErrorUnsetOrNull:
		return v, known
	case syntax.RemSmallSuffix, syntax.RemLargeSuffix, syntax.RemSmallPrefix, syntax.RemLargePrefix:
		pat, ok := sh.pattern(p.Exp.Word)
		if !ok || !known {
			return "", false
		}
		return trimPattern(v, pat, p.Exp.Op)
	}
	return "", false
}

// trimPattern removes the shortest or longest prefix or suffix of v matching pat; ok is
// false for a value too long to try every cut of.
func trimPattern(v, pat string, op syntax.ParExpOperator) (string, bool) {
	if len(v) > maxTrim {
		return "", false
	}
	re, err := patternRegexp(pat)
	if err != nil {
		return "", false
	}
	switch op {
	case syntax.RemSmallSuffix:
		for i := len(v); i >= 0; i-- {
			if re.MatchString(v[i:]) {
				return v[:i], true
			}
		}
	case syntax.RemLargeSuffix:
		for i := 0; i <= len(v); i++ {
			if re.MatchString(v[i:]) {
				return v[:i], true
			}
		}
	case syntax.RemSmallPrefix:
		for i := 0; i <= len(v); i++ {
			if re.MatchString(v[:i]) {
				return v[i:], true
			}
		}
	case syntax.RemLargePrefix:
		for i := len(v); i >= 0; i-- {
			if re.MatchString(v[:i]) {
				return v[i:], true
			}
		}
	}
	return v, true
}

// maxTrim bounds the values ${v%pat} and friends cut (paths and names, in builds).
const maxTrim = 1024

// cmdSubst runs $(...) in a subshell and returns its output without trailing newlines.
func (sh *shell) cmdSubst(stmts []*syntax.Stmt) (string, bool) {
	out := &buf{}
	sh.subshell(func(c *shell) {
		c.stdout = out
		c.stmts(stmts)
	})
	return strings.TrimRight(out.b.String(), "\n"), !out.unknown
}

// arith evaluates integer arithmetic on literals and variables.
func (sh *shell) arith(x syntax.ArithmExpr) (int, bool) {
	switch x := x.(type) {
	case *syntax.Word:
		s, ok := sh.word(x)
		if !ok {
			return 0, false
		}
		if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil {
			return n, true
		}
		if v, _, known := sh.param(s); known {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			return n, err == nil || v == ""
		}
		return 0, false
	case *syntax.ParenArithm:
		return sh.arith(x.X)
	case *syntax.BinaryArithm:
		a, ok1 := sh.arith(x.X)
		b, ok2 := sh.arith(x.Y)
		if !ok1 || !ok2 {
			return 0, false
		}
		switch x.Op {
		case syntax.Add:
			return a + b, true
		case syntax.Sub:
			return a - b, true
		case syntax.Mul:
			return a * b, true
		}
	}
	return 0, false
}
