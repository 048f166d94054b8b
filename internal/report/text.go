package report

import (
	"bufio"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/layerkit/layerkit/internal/finding"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/rulecode"
)

const (
	red    = "\x1b[31m"
	yellow = "\x1b[33m"
	blue   = "\x1b[36m"
	bold   = "\x1b[1m"
	dim    = "\x1b[2m"
	reset  = "\x1b[0m"
)

// writeText prints findings grouped by function, app-level findings first.
func writeText(w io.Writer, in Input) error {
	c := func(code, s string) string {
		if !in.Color {
			return s
		}
		return code + s + reset
	}
	b := bufio.NewWriterSize(w, 64<<10)
	switch {
	case len(in.Roots) > 0:
		fmt.Fprintf(b, "%s %d IaC roots:\n", c(bold, "checked"), len(in.Roots))
		for _, r := range in.Roots {
			fmt.Fprintf(b, "  %s\n", r)
		}
	case in.Checked != "":
		fmt.Fprintf(b, "%s %s\n", c(bold, "checked"), in.Checked)
	}
	// Each function's findings, as indexes into in.Findings: 4 bytes each, not a copy.
	groups := map[string][]int32{}
	for i, f := range in.Findings {
		fn := Escape(f.Function)
		groups[fn] = append(groups[fn], int32(i))
	}
	sev := func(s model.Severity) string {
		switch s {
		case model.Error:
			return c(red, "error")
		case model.Warning:
			return c(yellow, "warning")
		}
		return c(blue, "info")
	}
	printGroup := func(fs []int32) {
		for _, i := range fs {
			f := escapeFinding(in.Findings[i])
			loc := f.Pos.File
			if f.Pos.Line > 0 {
				loc = fmt.Sprintf("%s:%d", loc, f.Pos.Line)
				if f.Pos.Col > 0 {
					loc = fmt.Sprintf("%s:%d", loc, f.Pos.Col)
				}
			}
			fmt.Fprintf(b, "  %s: %s %s %s\n", loc, sev(f.Severity), c(bold, f.Code.String()), c(dim, f.Code.Name()))
			b.WriteString(wrap("    ", "", f.Message, in.Width))
			if f.Hint != "" {
				b.WriteString(wrap("    ", c(bold, "fix:")+" ", f.Hint, in.Width))
			}
			if f.Fix != nil {
				how := "layerkit check --fix"
				if f.Fix.Unsafe {
					how = "layerkit check --fix --unsafe-fixes"
				}
				b.WriteString(wrap("    ", c(bold, "autofix:")+" ", Escape(f.Fix.Title)+" ("+how+")", in.Width))
			}
		}
	}
	if fs := groups[""]; len(fs) > 0 {
		fmt.Fprintf(b, "\n%s\n", c(bold, "app"))
		printGroup(fs)
	}
	for _, fn := range in.Functions {
		fs := groups[fn.Name]
		delete(groups, fn.Name)
		head := fn.Name
		var meta []string
		if fn.Kind != "" {
			meta = append(meta, fn.Kind)
		}
		if fn.Runtime != "" {
			meta = append(meta, fn.Runtime)
		}
		if fn.Arch != "" {
			meta = append(meta, fn.Arch)
		}
		if len(fn.Layers) > 0 {
			meta = append(meta, "layers: "+strings.Join(fn.Layers, ", "))
		}
		status := c(bold, "ok")
		if len(fs) > 0 {
			status = fmt.Sprintf("%d finding(s)", len(fs))
		}
		if fn.Skipped != "" {
			// The LK109 finding below says why; without it (--ignore LK109), the header does.
			status = "imports not checked: " + fn.Skipped
			if slices.ContainsFunc(fs, func(i int32) bool {
				f := in.Findings[i]
				return f.Code == rulecode.LK109 && Escape(f.Message) == fn.Skipped
			}) {
				status = "imports not checked (LK109)"
			}
		}
		fmt.Fprintf(b, "\n%s %s — %s\n", c(bold, head), c(dim, "("+strings.Join(meta, ", ")+")"), status)
		printGroup(fs)
	}
	// findings for functions not in the list (should not happen, but never drop one)
	delete(groups, "")
	for _, name := range slices.Sorted(maps.Keys(groups)) { // in a stable order
		fmt.Fprintf(b, "\n%s\n", c(bold, name))
		printGroup(groups[name])
	}
	fmt.Fprintf(b, "\n%s\n", in.Summary.line())
	if line := fixableLine(in.Findings); line != "" {
		fmt.Fprintf(b, "%s\n", line)
	}
	return b.Flush()
}

// wrap is indent + label + text and a newline, its words wrapped so no line is longer
// than width columns (label's colour codes take none), later lines indented two more
// than the first; as one line when width is 0 (not a terminal) or too small to help.
func wrap(indent, label, text string, width int) string {
	first := indent + label
	if width < 40 || len(indent)+2+20 > width {
		return first + text + "\n"
	}
	var b strings.Builder
	b.WriteString(first)
	col := len(indent) + visibleLen(label)
	start := true
	for _, word := range strings.Fields(text) {
		n := utf8.RuneCountInString(word)
		if !start && col+1+n > width {
			b.WriteString("\n" + indent + "  ")
			col = len(indent) + 2
			start = true
		}
		if !start {
			b.WriteByte(' ')
			col++
		}
		b.WriteString(word)
		col += n
		start = false
	}
	b.WriteByte('\n')
	return b.String()
}

// visibleLen is the columns s takes, its ANSI colour codes none.
func visibleLen(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b {
			for i < len(s) && s[i] != 'm' {
				i++
			}
			continue
		}
		if s[i] < 0x80 || s[i] >= 0xc0 {
			n++
		}
	}
	return n
}

// fixableLine counts the findings check --fix (and --unsafe-fixes) would fix; "" when
// none would.
func fixableLine(fs []finding.Finding) string {
	safe, unsafe := 0, 0
	for _, f := range fs {
		switch {
		case f.Fix == nil:
		case f.Fix.Unsafe:
			unsafe++
		default:
			safe++
		}
	}
	switch {
	case safe > 0 && unsafe > 0:
		return fmt.Sprintf("%d fixable with layerkit check --fix (--diff to see the change), %d more with --unsafe-fixes", safe, unsafe)
	case safe > 0:
		return fmt.Sprintf("%d fixable with layerkit check --fix (--diff to see the change)", safe)
	case unsafe > 0:
		return fmt.Sprintf("%d fixable with layerkit check --fix --unsafe-fixes (--diff --unsafe-fixes to see the change)", unsafe)
	}
	return ""
}
