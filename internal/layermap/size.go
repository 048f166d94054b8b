package layermap

import (
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/layerkit/layerkit/internal/bytesize"
	"github.com/layerkit/layerkit/internal/check"
	"github.com/layerkit/layerkit/internal/rules"
	"github.com/layerkit/layerkit/internal/tree"
)

// Node is one box of a treemap: a tree, a distribution, a folder or a file. Its size
// S is the sum of its children's when it has any.
type Node struct {
	N string  `json:"n"`
	S int64   `json:"s"`
	C []*Node `json:"c,omitempty"`
	// K says what it is: "dist" for a distribution, "more" for the smaller entries of a
	// folder lumped together; "" otherwise.
	K string `json:"k,omitempty"`
}

// maxChildren is how many entries of a folder the treemap keeps, the largest; the rest
// are one "more" box of their total size (the sums stay exact).
const maxChildren = 24

// maxDepth is how deep below a distribution the treemap goes; deeper folders are boxes.
const maxDepth = 5

// sizer makes each tree's size tree once, shared by the functions that have it.
type sizer struct {
	trees map[string]*Node
	stats map[string]*stats
	// lists are the mappers' shared module listings (mapper.list).
	lists map[listKey][]Mod
}

// stats is what could go from one tree.
type stats struct {
	tests, cache, stubs, docs []hit
	dists                     []dist
}

// dist is an installed distribution of a tree: its box in the treemap.
type dist struct {
	name  string // normalized: lower case, "-" and "." as "_"
	label string
	bytes int64
	tops  []string // the top-level names it owns here
}

type hit struct {
	path  string
	bytes int64
}

func newSizer(trees map[string]*Node) *sizer {
	return &sizer{trees: trees, stats: map[string]*stats{}}
}

// function fills fn.Size, Total and Savings.
func (s *sizer) function(fn *Function, a *check.Function, m *mapper) {
	type part struct {
		id, label, col string
		t              tree.Tree
	}
	var parts []part
	if c := a.Fn.Code; c != nil && !c.Opaque {
		parts = append(parts, part{"task:" + c.Display, "/var/task (" + c.Display + ")", "task", c.Tree})
	}
	for i, l := range a.Fn.Layers {
		if t := m.layers[i]; t != nil {
			parts = append(parts, part{"layer:" + l.Layer.Name, "layer " + l.Layer.Name, layerID(i), t})
		}
	}
	var tests, cache, stubs, docs hit
	var where [4][]string
	for _, p := range parts {
		if _, ok := s.trees[p.id]; !ok {
			st := &stats{}
			s.trees[p.id] = build(p.label, p.t, st, rules.UnzippedSize(p.t))
			s.stats[p.id] = st
		}
		fn.Size = append(fn.Size, p.id)
		fn.Total += s.trees[p.id].S
		st := s.stats[p.id]
		for i, hs := range [][]hit{st.tests, st.cache, st.stubs, st.docs} {
			for _, h := range hs {
				acc := []*hit{&tests, &cache, &stubs, &docs}[i]
				acc.bytes += h.bytes
				if len(where[i]) < 5 {
					where[i] = append(where[i], p.label+": "+h.path)
				}
			}
		}
	}
	add := func(what, why string, h hit, w []string) {
		if h.bytes > 0 {
			fn.Savings = append(fn.Savings, Saving{What: what, Why: why, Bytes: h.bytes, Where: w})
		}
	}
	add("test folders", "tests/ and test/ folders inside installed packages are never imported by the handler", tests, where[0])
	add("__pycache__", "bytecode compiled on another machine; Python rewrites it or ignores it (Lambda's filesystem is read-only)", cache, where[1])
	add(".pyi stubs", "type stubs are read by type checkers, never at run time", stubs, where[2])
	add("docs", "documentation folders and .md/.rst files inside packages", docs, where[3])
	// A distribution installed in two places: the copy whose modules do not win is
	// never imported (its metadata and all).
	type copyOf struct {
		col string
		d   dist
	}
	copies := map[string][]copyOf{}
	var names []string
	for _, p := range parts {
		for _, d := range s.stats[p.id].dists {
			if copies[d.name] == nil {
				names = append(names, d.name)
			}
			copies[d.name] = append(copies[d.name], copyOf{p.col, d})
		}
	}
	covered := map[string]bool{} // column|module counted with its distribution
	for _, name := range names {
		cs := copies[name]
		win := -1
		for i, c := range cs {
			if slices.ContainsFunc(c.d.tops, func(top string) bool { return modWins(fn.Columns, c.col, top) }) {
				win = i
			}
		}
		if len(cs) < 2 || win < 0 {
			continue
		}
		for i, c := range cs {
			if i == win {
				continue
			}
			for _, top := range c.d.tops {
				covered[c.col+"|"+top] = true
			}
			fn.Savings = append(fn.Savings, Saving{What: "duplicate distribution " + c.d.label + " in " + columnName(fn.Columns, c.col),
				Why:   fmt.Sprintf("%s is installed in %s too, whose copy Python imports; this one is never imported", c.d.label, columnName(fn.Columns, cs[win].col)),
				Bytes: c.d.bytes, Where: []string{columnName(fn.Columns, c.col) + ": " + strings.Join(c.d.tops, ", ")}})
		}
	}
	// Copies of a top-level package that do not win: shadowed, never imported.
	for _, c := range fn.Columns {
		for _, md := range c.Modules {
			if md.WonBy != "" && md.WonBy != "runtime" && md.Size > 0 && c.ID != "runtime" && !covered[c.ID+"|"+md.Name] {
				fn.Savings = append(fn.Savings, Saving{What: "duplicate " + md.Name + " in " + c.Name,
					Why:   fmt.Sprintf("%s wins (%s); this copy is never imported", md.Name, columnName(fn.Columns, md.WonBy)),
					Bytes: md.Size, Where: []string{c.Name + ": " + md.Name}})
			}
		}
	}
	// What the runtime already has.
	if a.Runtime != nil {
		provided := map[string]bool{}
		for _, p := range a.Runtime.Provided {
			provided[p] = true
		}
		for _, c := range fn.Columns {
			if c.ID == "runtime" {
				continue
			}
			for _, md := range c.Modules {
				if provided[md.Name] && md.Size > 0 && md.WonBy == "" {
					fn.Savings = append(fn.Savings, Saving{What: md.Name + " in " + c.Name,
						Why:   a.Runtime.ID + " already has " + md.Name + "; ship it only to pin a version the runtime does not have",
						Bytes: md.Size, Where: []string{c.Name + ": " + md.Name}})
				}
			}
		}
	}
	sort.SliceStable(fn.Savings, func(i, j int) bool { return fn.Savings[i].Bytes > fn.Savings[j].Bytes })
}

// modWins reports whether column id's copy of module top is the one imported.
func modWins(cols []Column, id, top string) bool {
	for _, c := range cols {
		if c.ID == id {
			return slices.ContainsFunc(c.Modules, func(m Mod) bool { return m.Name == top && m.Wins })
		}
	}
	return false
}

func columnName(cols []Column, id string) string {
	for _, c := range cols {
		if c.ID == id {
			return c.Name
		}
	}
	return id
}

// build is the size tree of t: folders with one folder in them are one box
// ("python/lib/python3.12/site-packages"); in a folder that holds *.dist-info, each
// distribution is one box with its metadata folder and the top-level names it owns.
// Its root weighs total, the size LK402 judges (rules.UnzippedSize): bytes a zip's
// index counts that no listed file holds are one more box.
func build(label string, t tree.Tree, st *stats, total int64) *Node {
	root := &Node{N: label}
	walk(t, "", root, 0, st)
	if d := total - root.S; d > 0 {
		root.C = append(root.C, &Node{N: "entries the zip's index does not list", S: d, K: "more"})
		root.S = total
	}
	return root
}

func walk(t tree.Tree, dir string, n *Node, depth int, st *stats) {
	es, err := t.ReadDir(dir)
	if err != nil {
		return
	}
	// a chain of single folders is one box
	if len(es) == 1 && es[0].Dir && depth < 8 {
		name := path.Join(dir, es[0].Name)
		if n.N == "" || depth > 0 {
			n.N = strings.TrimPrefix(n.N+"/"+es[0].Name, "/")
		} else {
			n.N += " › " + es[0].Name
		}
		walk(t, name, n, depth+1, st)
		return
	}
	groups := distGroups(t, dir, es)
	var kids []*Node
	grouped := map[string]*Node{}
	for _, e := range es {
		name := path.Join(dir, e.Name)
		c := entry(t, name, e, depth+1, st)
		if g, ok := groups[e.Name]; ok {
			gn := grouped[g]
			if gn == nil {
				gn = &Node{N: g, K: "dist"}
				grouped[g] = gn
				kids = append(kids, gn)
			}
			gn.C = append(gn.C, c)
			gn.S += c.S
			continue
		}
		kids = append(kids, c)
	}
	for _, k := range kids {
		if k.K != "dist" {
			continue
		}
		d := dist{name: strings.NewReplacer("-", "_", ".", "_").Replace(strings.ToLower(strings.TrimSuffix(k.N, " (distribution)"))),
			label: strings.TrimSuffix(k.N, " (distribution)"), bytes: k.S}
		for _, c := range k.C {
			if !strings.HasSuffix(c.N, "-info") {
				d.tops = append(d.tops, strings.TrimSuffix(c.N, ".py"))
			}
		}
		st.dists = append(st.dists, d)
	}
	n.C = cap_(kids)
	for _, k := range n.C {
		n.S += k.S
	}
}

func entry(t tree.Tree, name string, e tree.Info, depth int, st *stats) *Node {
	if !e.Dir {
		switch {
		case strings.HasSuffix(e.Name, ".pyi"):
			st.stubs = append(st.stubs, hit{name, e.Size})
		case (strings.HasSuffix(e.Name, ".md") || strings.HasSuffix(e.Name, ".rst")) && strings.Contains(name, "/") && !strings.Contains(name, ".dist-info/"):
			st.docs = append(st.docs, hit{name, e.Size})
		}
		return &Node{N: e.Name, S: e.Size}
	}
	c := &Node{N: e.Name}
	switch e.Name {
	case "__pycache__":
		c.S = treeSize(t, name, e)
		st.cache = append(st.cache, hit{name, c.S})
		return c
	case "tests", "test":
		if strings.Count(name, "/") >= 1 && !strings.HasSuffix(path.Dir(name), "site-packages") && path.Dir(name) != "python" {
			c.S = treeSize(t, name, e)
			st.tests = append(st.tests, hit{name, c.S})
			if depth > maxDepth {
				return c
			}
			walkQuiet(t, name, c, depth)
			return c
		}
	case "docs", "doc":
		if strings.Count(name, "/") >= 1 {
			c.S = treeSize(t, name, e)
			st.docs = append(st.docs, hit{name, c.S})
			walkQuiet(t, name, c, depth)
			return c
		}
	}
	if depth > maxDepth+3 {
		c.S = treeSize(t, name, e)
		return c
	}
	walk(t, name, c, depth, st)
	return c
}

// walkQuiet fills n's boxes without counting what could go again.
func walkQuiet(t tree.Tree, dir string, n *Node, depth int) {
	n.S = 0
	walk(t, dir, n, depth, &stats{})
	if n.S == 0 && len(n.C) == 0 {
		n.S = treeSize(t, dir, tree.Info{Dir: true})
	}
}

// cap_ keeps the maxChildren largest boxes, the rest as one.
func cap_(kids []*Node) []*Node {
	sort.SliceStable(kids, func(i, j int) bool { return kids[i].S > kids[j].S })
	if len(kids) <= maxChildren {
		return kids
	}
	rest := &Node{K: "more"}
	for _, k := range kids[maxChildren-1:] {
		rest.S += k.S
	}
	rest.N = fmt.Sprintf("%d more (%s)", len(kids)-maxChildren+1, bytesize.Format(rest.S))
	return append(kids[:maxChildren-1:maxChildren-1], rest)
}

// distGroups maps the entries of a folder that belong to an installed distribution to
// its name: the X-V.dist-info folder, and the top-level names its top_level.txt lists
// (else its normalized name).
func distGroups(t tree.Tree, dir string, es []tree.Info) map[string]string {
	var out map[string]string
	names := map[string]string{}
	for _, e := range es {
		names[strings.ToLower(strings.TrimSuffix(strings.TrimSuffix(e.Name, ".py"), ".pyi"))] = e.Name
	}
	for _, e := range es {
		if !e.Dir || !(strings.HasSuffix(e.Name, ".dist-info") || strings.HasSuffix(e.Name, ".egg-info")) {
			continue
		}
		base := strings.TrimSuffix(strings.TrimSuffix(e.Name, ".dist-info"), ".egg-info")
		dist := base
		if i := strings.IndexByte(base, '-'); i > 0 {
			dist = base[:i]
		}
		if out == nil {
			out = map[string]string{}
		}
		label := dist + " (distribution)"
		out[e.Name] = label
		var tops []string
		if b, err := t.ReadFile(path.Join(dir, e.Name, "top_level.txt")); err == nil && len(b) < 64<<10 {
			tops = strings.Fields(string(b))
		} else {
			tops = []string{strings.ToLower(strings.ReplaceAll(dist, "-", "_"))}
		}
		for _, top := range tops {
			if n, ok := names[strings.ToLower(top)]; ok {
				if _, taken := out[n]; !taken {
					out[n] = label
				}
			}
		}
	}
	return out
}
