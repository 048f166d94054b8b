package inspect

import (
	"encoding/json"
	"fmt"
	"io"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/layerkit/layerkit/internal/bytesize"
	"github.com/layerkit/layerkit/internal/native"
	"github.com/layerkit/layerkit/internal/runtimes"
	"github.com/layerkit/layerkit/internal/tree"
)

// NodeReport is what one layer provides to Node.js functions on one runtime: the
// packages in each of its folders on NODE_PATH (facts F1, F3), what lies off it, the
// native addons, and sizes.
type NodeReport struct {
	Head
	// Folders are the layer's folders on the runtime's default NODE_PATH, in search
	// order (nodejs/nodeNN/node_modules, then nodejs/node_modules), present or not.
	Folders []NodeFolder `json:"folders"`
	OffPath []OffPath    `json:"offPath"`
	// Native are the .node addons: format, machine, glibc needs, and why one cannot
	// load here (LK302–LK304). NODE_MODULE_VERSION is not read.
	Native []Native `json:"native"`
	Sizes  []Size   `json:"sizes"`
}

// NodeFolder is one NODE_PATH folder of the layer.
type NodeFolder struct {
	Path     string        `json:"path"` // "/opt/nodejs/node_modules"
	Dir      string        `json:"dir"`  // "nodejs/node_modules" (in the layer)
	Present  bool          `json:"present"`
	Packages []NodePackage `json:"packages"`
}

// NodePackage is one package a require or import of its name finds in a folder.
type NodePackage struct {
	Name    string `json:"name"` // "dayjs", "@acme/core"
	Version string `json:"version,omitempty"`
	// Type is the package.json "type": "module" or "commonjs" (the default).
	Type string `json:"type"`
	// Exports: the package.json has "exports" (only its subpaths load).
	Exports bool  `json:"exports,omitempty"`
	Files   int   `json:"files"`
	Bytes   int64 `json:"bytes"`
	Addons  int   `json:"addons,omitempty"` // .node files in it
	// ShadowedBy is set when an earlier folder of this layer has the same package: a
	// function's require finds that one.
	ShadowedBy string `json:"shadowedBy,omitempty"`
	// NoManifest: the folder has no readable package.json.
	NoManifest bool `json:"noManifest,omitempty"`
}

// IsNodeLayer reports whether t looks like a Node.js layer: no python/, and nodejs/,
// or at its root a package.json, node_modules/ or JavaScript files (and no .py file).
func IsNodeLayer(t tree.Tree) bool {
	if tree.IsDir(t, "python") {
		return false
	}
	if tree.IsDir(t, "nodejs") {
		return true
	}
	root, _ := t.ReadDir("")
	js := false
	for _, e := range root {
		switch ext := path.Ext(e.Name); {
		case ext == ".py":
			return false
		case e.Name == "package.json", e.Name == "node_modules" && e.Dir, ext == ".js", ext == ".mjs", ext == ".cjs":
			js = true
		}
	}
	return js
}

// GuessNodeRuntime picks the runtime a Node.js layer was built for: the newest nodejsNN.x
// whose nodejs/nodeNN/ folder it has; def when it has none.
func GuessNodeRuntime(t tree.Tree, def string) string {
	best, bestMajor := "", 0
	infos, _ := t.ReadDir("nodejs")
	for _, i := range infos {
		if n, ok := strings.CutPrefix(i.Name, "node"); ok && i.Dir {
			if major, err := strconv.Atoi(n); err == nil && major > bestMajor {
				if rt, ok := runtimes.Lookup("nodejs" + n + ".x"); ok && rt.ImportsChecked() {
					best, bestMajor = rt.ID, major
				}
			}
		}
	}
	if best == "" {
		return def
	}
	return best
}

// InspectNode reports what t (a layer, its root being /opt) provides on the Node.js
// runtime rt for arch.
func InspectNode(t tree.Tree, rt *runtimes.Runtime, arch string, r *native.Reader) *NodeReport {
	if r == nil {
		r = &native.Reader{}
	}
	rep := &NodeReport{Head: newHead(t, rt, arch), OffPath: []OffPath{}, Native: []Native{}}
	seen := map[string]string{}
	for _, dir := range rt.LayerDirs() {
		f := NodeFolder{Path: "/opt/" + dir, Dir: dir, Present: tree.IsDir(t, dir), Packages: []NodePackage{}}
		if f.Present {
			f.Packages = nodePackages(t, dir)
			for i, p := range f.Packages {
				if prev, ok := seen[p.Name]; ok {
					f.Packages[i].ShadowedBy = prev
				} else {
					seen[p.Name] = f.Path
				}
			}
		}
		rep.Folders = append(rep.Folders, f)
	}
	rep.OffPath = nodeOffPath(t, rt)

	g, _ := native.ParseGlibc(rt.Glibc)
	tg := native.Target{Arch: arch, Glibc: g}
	var addons []string
	_ = tree.Walk(t, "", func(name string, info tree.Info) error {
		if !info.Dir && path.Ext(name) == ".node" {
			addons = append(addons, name)
		}
		return nil
	})
	for _, name := range addons {
		info, _ := t.Stat(name)
		bin, _ := r.Binary(t, name)
		n := Native{File: name, Format: "unknown", Size: info.Size}
		if bin != nil {
			n.Format, n.Machine, n.MaxGlibc = bin.Format.String(), bin.Machine, bin.MaxGlibc().String()
		}
		for _, p := range native.Check(tg, path.Base(name), bin) {
			n.Problems = append(n.Problems, Problem{Code: p.Kind.Code(), Why: p.Why})
		}
		rep.Native = append(rep.Native, n)
	}

	rep.Sizes = sizes(t, &rep.Head, func(name string) string { return nodeTopLevel(name, rep.Folders) })
	return rep
}

// nodePackages lists the packages of one node_modules folder (scoped ones as
// "@scope/name"), as a bare require finds them: every folder but .bin and hidden ones.
func nodePackages(t tree.Tree, dir string) []NodePackage {
	out := []NodePackage{}
	infos, _ := t.ReadDir(dir)
	for _, i := range infos {
		if !i.Dir || strings.HasPrefix(i.Name, ".") {
			continue
		}
		if strings.HasPrefix(i.Name, "@") {
			scoped, _ := t.ReadDir(path.Join(dir, i.Name))
			for _, s := range scoped {
				if s.Dir && !strings.HasPrefix(s.Name, ".") {
					out = append(out, nodePackage(t, dir, i.Name+"/"+s.Name))
				}
			}
			continue
		}
		out = append(out, nodePackage(t, dir, i.Name))
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Name < out[b].Name })
	return out
}

func nodePackage(t tree.Tree, dir, name string) NodePackage {
	p := NodePackage{Name: name, Type: "commonjs"}
	root := path.Join(dir, name)
	var pj struct {
		Version string          `json:"version"`
		Type    string          `json:"type"`
		Exports json.RawMessage `json:"exports"`
	}
	b, err := t.ReadFile(root + "/package.json")
	if err != nil || json.Unmarshal(b, &pj) != nil {
		p.NoManifest = true
	} else {
		p.Version = pj.Version
		if pj.Type == "module" {
			p.Type = "module"
		}
		p.Exports = len(pj.Exports) > 0 && string(pj.Exports) != "null"
	}
	_ = tree.Walk(t, root, func(name string, info tree.Info) error {
		if !info.Dir {
			p.Files++
			p.Bytes += info.Size
			if path.Ext(name) == ".node" {
				p.Addons++
			}
		}
		return nil
	})
	return p
}

// nodeOffPath lists what the runtime's NODE_PATH does not reach (facts F3): the layer
// root, nodejs/ outside its node_modules folders, another version's nodejs/nodeNN/,
// a second nodejs/.
func nodeOffPath(t tree.Tree, rt *runtimes.Runtime) []OffPath {
	entry := func(name string, dir bool, note string) OffPath {
		shown := name
		if dir {
			shown += "/"
		}
		return OffPath{Name: shown, Lands: "/opt/" + name, Files: countFiles(t, name), Note: note}
	}
	major := strings.SplitN(rt.Version, ".", 2)[0]
	var out []OffPath
	root, _ := t.ReadDir("")
	for _, e := range root {
		switch {
		case e.Name == "nodejs" && e.Dir:
			inner, _ := t.ReadDir("nodejs")
			for _, i := range inner {
				name := "nodejs/" + i.Name
				v, isVersion := strings.CutPrefix(i.Name, "node")
				_, numErr := strconv.Atoi(v)
				switch {
				case i.Name == "node_modules" && i.Dir:
				case i.Name == "package.json" || i.Name == "package-lock.json":
					// npm install's own files beside node_modules
				case i.Name == "nodejs" && i.Dir:
					out = append(out, entry(name, true, "one nodejs/ too many (a BuildMethod layer whose folder already had nodejs/)"))
				case isVersion && numErr == nil && i.Dir && v != major:
					out = append(out, entry(name, true, "for Node.js "+v+", not "+major))
				case isVersion && numErr == nil && i.Dir:
					more, _ := t.ReadDir(name)
					for _, m := range more {
						if m.Name != "node_modules" {
							out = append(out, entry(name+"/"+m.Name, m.Dir, "in "+name+"/ outside node_modules: only an absolute require reaches it"))
						}
					}
				default:
					out = append(out, entry(name, i.Dir, "in nodejs/ outside node_modules: only an absolute require('/opt/"+name+"') reaches it"))
				}
			}
		case e.Name == "node_modules" && e.Dir:
			out = append(out, entry(e.Name, true, "not on NODE_PATH: packages belong under nodejs/node_modules/"))
		case e.Name == "bin" && e.Dir:
			out = append(out, entry(e.Name, true, "on PATH, not NODE_PATH"))
		case e.Name == "lib" && e.Dir:
			out = append(out, entry(e.Name, true, "on LD_LIBRARY_PATH, not NODE_PATH"))
		default:
			out = append(out, entry(e.Name, e.Dir, "at the layer root: Node.js packages belong under nodejs/node_modules/"))
		}
	}
	return out
}

// nodeTopLevel groups a file under the package it belongs to in a NODE_PATH folder,
// else under its first folder (two for nodejs/).
func nodeTopLevel(name string, folders []NodeFolder) string {
	for _, f := range folders {
		if rest, ok := strings.CutPrefix(name, f.Dir+"/"); ok {
			parts := strings.SplitN(rest, "/", 3)
			if strings.HasPrefix(parts[0], "@") && len(parts) == 3 {
				return f.Dir + "/" + parts[0] + "/" + parts[1] + "/"
			}
			if len(parts) > 1 {
				return f.Dir + "/" + parts[0] + "/"
			}
			return name
		}
	}
	parts := strings.SplitN(name, "/", 3)
	switch {
	case len(parts) == 1:
		return name
	case parts[0] == "nodejs" && len(parts) == 3:
		return "nodejs/" + parts[1] + "/"
	case parts[0] == "nodejs":
		return name
	}
	return parts[0] + "/"
}

// WriteText prints the report for a terminal (long lists cut: --format json has
// everything).
func (r *NodeReport) WriteText(w io.Writer) {
	r.Head.writeText(w)
	fmt.Fprintf(w, "\nPackages a bare require or import finds (NODE_PATH folders, searched in this order):\n")
	for _, f := range r.Folders {
		if !f.Present {
			fmt.Fprintf(w, "  %s (%s/): not in the layer\n", f.Path, f.Dir)
			continue
		}
		fmt.Fprintf(w, "  %s (%s/): %d package%s\n", f.Path, f.Dir, len(f.Packages), plural(len(f.Packages)))
		for i, p := range f.Packages {
			if i == 30 {
				fmt.Fprintf(w, "    ... and %d more (--format json lists all)\n", len(f.Packages)-30)
				break
			}
			v := p.Version
			if p.NoManifest {
				v = "(no package.json)"
			} else if v == "" {
				v = "?"
			}
			var notes []string
			if p.Type == "module" {
				notes = append(notes, "ES module")
			}
			if p.Exports {
				notes = append(notes, "exports")
			}
			if p.Addons > 0 {
				notes = append(notes, fmt.Sprintf("%d native addon%s", p.Addons, plural(p.Addons)))
			}
			if p.ShadowedBy != "" {
				notes = append(notes, "hidden by "+p.ShadowedBy)
			}
			line := fmt.Sprintf("    %s %s  %s", p.Name, v, bytesize.Format(p.Bytes))
			if len(notes) > 0 {
				line += "  (" + strings.Join(notes, ", ") + ")"
			}
			fmt.Fprintln(w, line)
		}
	}

	writeOffPath(w, "Off NODE_PATH (a bare require does not find it):", r.OffPath)
	writeNative(w, "Native addons (%d, %d cannot load on %s %s; NODE_MODULE_VERSION not read):", r.Native, r.Head)
	writeSizes(w, "Largest packages and folders (unzipped):", r.Sizes)
}
