package layermap

import (
	"fmt"
	"io"
	"strings"
)

// The function → layer → module graph: every function points at /var/task and its
// layers (edge labels give the search order), every layer at the top-level names it
// provides; a shadowed copy is dashed and grey, an import that does not resolve a red
// edge from the function to the missing name.

type graph struct {
	nodes []gnode
	edges []gedge
	ids   map[string]string
}

type gnode struct {
	id, label, shape, style string
}

type gedge struct {
	from, to, label, style string
}

func (g *graph) node(key, label, shape, style string) string {
	if id, ok := g.ids[key]; ok {
		return id
	}
	id := fmt.Sprintf("n%d", len(g.ids))
	g.ids[key] = id
	g.nodes = append(g.nodes, gnode{id, label, shape, style})
	return id
}

func makeGraph(d *Data) *graph {
	g := &graph{ids: map[string]string{}}
	for _, fn := range d.Functions {
		f := g.node("fn:"+fn.Name, fn.Name+"\n"+fn.Runtime+" "+fn.Arch, "function", verdictStyle(fn.Verdict))
		order := 0
		for _, c := range fn.Columns {
			if c.ID == "runtime" {
				continue
			}
			order++
			key := "col:" + c.Name
			if c.ID == "task" {
				key = "task:" + fn.Name + ":" + c.Name
			}
			label := c.Name
			if c.ID == "task" {
				label = "/var/task " + c.Name
			}
			col := g.node(key, label, "layer", "")
			g.edges = append(g.edges, gedge{f, col, fmt.Sprint(order), ""})
			for _, md := range c.Modules {
				style := ""
				if md.WonBy != "" {
					style = "shadowed"
				}
				m := g.node(key+"|"+md.Name, md.Name, "module", style)
				if !g.hasEdge(col, m) {
					g.edges = append(g.edges, gedge{col, m, "", style})
				}
			}
		}
		for _, im := range fn.Imports {
			if im.Failed {
				m := g.node("missing:"+im.Module, im.Module+" (missing)", "module", "missing")
				g.edges = append(g.edges, gedge{f, m, "import", "missing"})
			}
		}
	}
	return g
}

func (g *graph) hasEdge(a, b string) bool {
	for _, e := range g.edges {
		if e.from == a && e.to == b {
			return true
		}
	}
	return false
}

func verdictStyle(v string) string {
	if v == "error" {
		return "missing"
	}
	return ""
}

// WriteDot prints the graph in Graphviz's dot language.
func WriteDot(w io.Writer, d *Data) error {
	g := makeGraph(d)
	var b strings.Builder
	b.WriteString("digraph layerkit {\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n")
	for _, n := range g.nodes {
		attrs := []string{"label=" + dotQuote(n.label)}
		switch n.shape {
		case "function":
			attrs = append(attrs, "shape=box", "style=\"rounded,bold\"")
		case "layer":
			attrs = append(attrs, "shape=folder")
		default:
			attrs = append(attrs, "shape=ellipse")
		}
		switch n.style {
		case "shadowed":
			attrs = append(attrs, "color=gray", "fontcolor=gray", "style=dashed")
		case "missing":
			attrs = append(attrs, "color=red", "fontcolor=red")
		}
		fmt.Fprintf(&b, "  %s [%s];\n", n.id, strings.Join(attrs, ", "))
	}
	for _, e := range g.edges {
		var attrs []string
		if e.label != "" {
			attrs = append(attrs, "label="+dotQuote(e.label))
		}
		switch e.style {
		case "shadowed":
			attrs = append(attrs, "color=gray", "style=dashed")
		case "missing":
			attrs = append(attrs, "color=red")
		}
		if len(attrs) > 0 {
			fmt.Fprintf(&b, "  %s -> %s [%s];\n", e.from, e.to, strings.Join(attrs, ", "))
		} else {
			fmt.Fprintf(&b, "  %s -> %s;\n", e.from, e.to)
		}
	}
	b.WriteString("}\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// dotQuote is s as a dot string: quotes and backslashes escaped, newlines as \n, and
// nothing a terminal acts on.
func dotQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			fmt.Fprintf(&b, "\\\\x%02x", r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// WriteMermaid prints the graph as a Mermaid flowchart.
func WriteMermaid(w io.Writer, d *Data) error {
	g := makeGraph(d)
	var b strings.Builder
	b.WriteString("flowchart LR\n")
	for _, n := range g.nodes {
		l := mermaidText(n.label)
		switch n.shape {
		case "function":
			fmt.Fprintf(&b, "  %s[\"%s\"]\n", n.id, l)
		case "layer":
			fmt.Fprintf(&b, "  %s[(\"%s\")]\n", n.id, l)
		default:
			fmt.Fprintf(&b, "  %s([\"%s\"])\n", n.id, l)
		}
	}
	for _, e := range g.edges {
		arrow := "-->"
		if e.style == "shadowed" {
			arrow = "-.->"
		}
		if e.label != "" {
			fmt.Fprintf(&b, "  %s %s|\"%s\"| %s\n", e.from, arrow, mermaidText(e.label), e.to)
		} else {
			fmt.Fprintf(&b, "  %s %s %s\n", e.from, arrow, e.to)
		}
	}
	b.WriteString("  classDef shadowed fill:#eee,color:#888,stroke:#aaa,stroke-dasharray:4\n")
	b.WriteString("  classDef missing fill:#fee,color:#b00,stroke:#d00\n")
	for _, n := range g.nodes {
		if n.style != "" {
			fmt.Fprintf(&b, "  class %s %s\n", n.id, n.style)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// mermaidText is s inside a Mermaid "quoted" label: quotes and markup as entity codes
// (Mermaid renders labels as HTML), newlines as <br/>.
func mermaidText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteString("<br/>")
		case r == '"' || r == '<' || r == '>' || r == '&' || r == '#' || r == '`' || r == '|' || r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			fmt.Fprintf(&b, "#%d;", r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
