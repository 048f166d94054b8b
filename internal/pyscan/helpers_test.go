package pyscan

import (
	"fmt"
	"sort"
	"strings"
)

// render is a compact, readable form of one Import used by the tests:
//
//	3:5 from ..pkg import a as b, c [function] try#1 except#2 TC MAIN
func render(imp Import) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d:%d ", imp.Line, imp.Col)
	if imp.Dynamic {
		b.WriteString("dynamic ")
	}
	mod := strings.Repeat(".", imp.Level) + imp.Module
	if imp.From {
		b.WriteString("from " + mod + " import ")
		for i, n := range imp.Names {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(n.Name)
			if n.Alias != "" {
				b.WriteString(" as " + n.Alias)
			}
		}
	} else {
		b.WriteString("import " + mod)
		if imp.Alias != "" {
			b.WriteString(" as " + imp.Alias)
		}
	}
	if imp.Scope != ModuleScope {
		b.WriteString(" [" + imp.Scope.String() + "]")
	}
	for _, g := range imp.Guards {
		fmt.Fprintf(&b, " %s#%d", g.Role, g.TryID)
	}
	if imp.TypeChecking {
		b.WriteString(" TC")
	}
	if imp.MainBlock {
		b.WriteString(" MAIN")
	}
	return b.String()
}

func renderAll(f *File) []string {
	var out []string
	for _, imp := range f.Imports {
		out = append(out, render(imp))
	}
	return out
}

func sortedNames(f *File) []string {
	var out []string
	for n := range f.Lines {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// countLines counts lines the way the scanner does: \n, \r\n and a lone \r
// each end one.
func countLines(src []byte) int {
	n := 1
	for i := 0; i < len(src); i++ {
		switch src[i] {
		case '\n':
			n++
		case '\r':
			if i+1 < len(src) && src[i+1] == '\n' {
				i++
			}
			n++
		}
	}
	return n
}

func validDottedOrEmpty(s string) bool { return s == "" || validDotted(s) }

// checkInvariants returns a description of the first broken structural
// property of Scan's result on src, or "".
func checkInvariants(src []byte, f *File) string {
	if f == nil {
		return "nil File"
	}
	lines := countLines(src)
	for i, imp := range f.Imports {
		where := fmt.Sprintf("import #%d (%s)", i, render(imp))
		if imp.Line < 1 || imp.Col < 1 || imp.Line > lines+1 {
			return where + ": bad position"
		}
		if i > 0 && imp.Line < f.Imports[i-1].Line {
			return where + ": imports out of order"
		}
		if imp.Level < 0 {
			return where + ": negative level"
		}
		if imp.Module == "" {
			if imp.Level == 0 {
				return where + ": empty absolute module"
			}
		} else if !validDotted(imp.Module) {
			return where + ": invalid module"
		}
		if imp.From {
			if len(imp.Names) == 0 {
				return where + ": from-import without names"
			}
			for _, n := range imp.Names {
				if n.Name == "*" {
					if len(imp.Names) != 1 || n.Alias != "" {
						return where + ": bad star import"
					}
				} else if !ValidIdentifier(n.Name) {
					return where + ": invalid name"
				}
				if !validDottedOrEmpty(n.Alias) || strings.Contains(n.Alias, ".") {
					return where + ": invalid name alias"
				}
				if n.Line < imp.Line || n.Col < 1 || n.Line > lines+1 {
					return where + ": bad name position"
				}
			}
		} else if len(imp.Names) != 0 {
			return where + ": names on plain import"
		}
		if imp.Alias != "" && (imp.From || !ValidIdentifier(imp.Alias)) {
			return where + ": bad alias"
		}
		if imp.Dynamic && imp.From {
			return where + ": dynamic from-import"
		}
		if imp.Scope < ModuleScope || imp.Scope > ClassScope {
			return where + ": bad scope"
		}
		for j, g := range imp.Guards {
			if g.TryID < 1 || g.Role != InTry && g.Role != InExcept {
				return where + ": bad guard"
			}
			if j > 0 && g.TryID <= imp.Guards[j-1].TryID {
				return where + ": guards not outermost first"
			}
		}
	}
	for n := range f.Lines {
		if !ValidIdentifier(n) {
			return fmt.Sprintf("invalid bound name %q", n)
		}
	}
	return ""
}
