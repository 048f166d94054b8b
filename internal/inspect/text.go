package inspect

import (
	"fmt"
	"io"
	"strings"

	"github.com/layerkit/layerkit/internal/bytesize"
)

// WriteText prints the report for a terminal: one screen per layer. Long lists are
// cut (native files that load, sizes past the tenth); --format json has everything.
func (r *Report) WriteText(w io.Writer) {
	r.Head.writeText(w)

	fmt.Fprintf(w, "\nImportable top-level modules (searched in this order):\n")
	if len(r.Paths) == 0 {
		fmt.Fprintf(w, "  none: the layer has neither python/ nor python/lib/python%s/site-packages/\n", strings.TrimPrefix(r.Runtime, "python"))
	}
	for _, p := range r.Paths {
		fmt.Fprintf(w, "  %s (%s/)\n", p.Path, p.Dir)
		if len(p.Modules) == 0 {
			fmt.Fprintf(w, "    (nothing importable)\n")
		}
		var parts []string
		for _, m := range p.Modules {
			s := m.Name
			if m.Kind != "package" {
				s += " (" + m.Kind + ")"
			}
			if m.ShadowedBy != "" {
				s += " [hidden by " + m.ShadowedBy + "]"
			}
			parts = append(parts, s)
		}
		wrap(w, "    ", parts)
	}

	writeOffPath(w, "Off every Python search path:", r.OffPath)

	if len(r.Dists) > 0 {
		fmt.Fprintf(w, "\nDistributions (%d):\n", len(r.Dists))
		for _, d := range r.Dists {
			v := d.Version
			if v == "" {
				v = "?"
			}
			line := fmt.Sprintf("  %s %s  in %s", d.Name, v, d.Path)
			if len(d.Tags) > 0 {
				line += "  " + d.Tags[0]
				if len(d.Tags) > 1 {
					line += fmt.Sprintf(" (+%d)", len(d.Tags)-1)
				}
			}
			if len(d.Requires) > 0 {
				line += "  requires " + strings.Join(d.Requires, ", ")
			}
			fmt.Fprintln(w, line)
		}
	}

	writeNative(w, "Native files (%d, %d cannot load on %s %s):", r.Native, r.Head)
	writeSizes(w, "Largest top-level packages (unzipped):", r.Sizes)
	writeAttach(w, r.AttachTo)
}

// writeText prints the report's first line: the layer, runtime, architecture, sizes.
func (h Head) writeText(w io.Writer) {
	size := fmt.Sprintf("%s unzipped", bytesize.Format(h.Unzipped))
	if h.Zipped > 0 {
		size = fmt.Sprintf("%s zipped, %s", bytesize.Format(h.Zipped), size)
	}
	fmt.Fprintf(w, "%s on %s (%s, glibc %s): %s\n", h.Layer, h.Runtime, h.Arch, h.Glibc, size)
}

// writeOffPath prints what no search path reaches, under title.
func writeOffPath(w io.Writer, title string, list []OffPath) {
	if len(list) == 0 {
		return
	}
	fmt.Fprintf(w, "\n%s\n", title)
	for _, o := range list {
		fmt.Fprintf(w, "  %s → %s (%d file%s)", o.Name, o.Lands, o.Files, plural(o.Files))
		if o.Note != "" {
			fmt.Fprintf(w, ": %s", o.Note)
		}
		fmt.Fprintln(w)
	}
}

// writeNative prints the native files: title is a format taking their count, how many
// cannot load, the runtime and the architecture. Past ten that load, the rest are
// counted.
func writeNative(w io.Writer, title string, list []Native, h Head) {
	if len(list) == 0 {
		return
	}
	bad := 0
	for _, n := range list {
		if len(n.Problems) > 0 {
			bad++
		}
	}
	fmt.Fprintf(w, "\n"+title+"\n", len(list), bad, h.Runtime, h.Arch)
	shownOK := 0
	for _, n := range list {
		if len(n.Problems) == 0 {
			if shownOK >= 10 {
				continue
			}
			shownOK++
		}
		desc := []string{n.Format}
		if n.Machine != "" {
			desc = append(desc, n.Machine)
		}
		if n.ABI != "" {
			desc = append(desc, n.ABI)
		}
		if n.MaxGlibc != "" {
			desc = append(desc, "GLIBC "+n.MaxGlibc)
		}
		status := "ok"
		if len(n.Problems) > 0 {
			status = n.Problems[0].Code.String() + ": " + n.Problems[0].Why
		}
		fmt.Fprintf(w, "  %s  %s, %s  %s\n", n.File, strings.Join(desc, " "), bytesize.Format(n.Size), status)
	}
	if hidden := len(list) - bad - shownOK; hidden > 0 {
		fmt.Fprintf(w, "  ... and %d more that load (--format json lists all)\n", hidden)
	}
}

// writeSizes prints the ten largest entries of list under title.
func writeSizes(w io.Writer, title string, list []Size) {
	if len(list) == 0 {
		return
	}
	fmt.Fprintf(w, "\n%s\n", title)
	for i, s := range list {
		if i == 10 {
			fmt.Fprintf(w, "  ... and %d more\n", len(list)-10)
			break
		}
		fmt.Fprintf(w, "  %10s  %s\n", bytesize.Format(s.Bytes), s.Name)
	}
}

// writeAttach prints the attach list: the runtimes (with their architectures) on which
// everything the layer provides loads, then the others grouped by reason.
func writeAttach(w io.Writer, list []Attach) {
	if len(list) == 0 {
		return
	}
	archs := map[string][]string{} // runtime: its architectures
	var order []string
	for _, a := range list {
		if archs[a.Runtime] == nil {
			order = append(order, a.Runtime)
		}
		archs[a.Runtime] = append(archs[a.Runtime], a.Arch)
	}
	// group lists runtime × arch pairs one runtime at a time: "python3.12 (x86_64,
	// arm64)" when all its architectures are there, a runtime alone when grouped by a
	// reason that holds on all of them.
	group := func(pairs []Attach, bare bool) string {
		by := map[string][]string{}
		for _, a := range pairs {
			by[a.Runtime] = append(by[a.Runtime], a.Arch)
		}
		var parts []string
		for _, rt := range order {
			as := by[rt]
			switch {
			case len(as) == 0:
			case bare && len(as) == len(archs[rt]):
				parts = append(parts, rt)
			default:
				parts = append(parts, rt+" ("+strings.Join(as, ", ")+")")
			}
		}
		return strings.Join(parts, ", ")
	}
	var ok []Attach
	var reasons []string
	byWhy := map[string][]Attach{}
	for _, a := range list {
		if a.OK {
			ok = append(ok, a)
			continue
		}
		if byWhy[a.Why] == nil {
			reasons = append(reasons, a.Why)
		}
		byWhy[a.Why] = append(byWhy[a.Why], a)
	}
	fmt.Fprintf(w, "\nAttach to (everything it provides loads):\n")
	if len(ok) == 0 {
		fmt.Fprintf(w, "  no Python runtime\n")
	} else {
		fmt.Fprintf(w, "  %s\n", group(ok, false))
	}
	if len(reasons) > 0 {
		fmt.Fprintf(w, "Not to:\n")
		for _, why := range reasons {
			fmt.Fprintf(w, "  %s: %s\n", group(byWhy[why], true), why)
		}
	}
}

func wrap(w io.Writer, indent string, parts []string) {
	line := indent
	for i, p := range parts {
		if i > 0 {
			p = ", " + p
		}
		if len(line)+len(p) > 100 && line != indent {
			fmt.Fprintln(w, line+",")
			line = indent + strings.TrimPrefix(p, ", ")
			continue
		}
		line += p
	}
	if line != indent {
		fmt.Fprintln(w, line)
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
