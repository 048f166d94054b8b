// Package inspect answers "what is in this layer?" for one runtime and architecture:
// the top-level modules Python can import from it and where they sit, what lies off
// every search path, the installed distributions, the native files with their
// architecture, ABI and glibc needs (and whether they load), and sizes.
package inspect

import (
	"path"
	"sort"
	"strings"

	"github.com/layerkit/layerkit/internal/native"
	"github.com/layerkit/layerkit/internal/pymeta"
	"github.com/layerkit/layerkit/internal/pyresolve"
	"github.com/layerkit/layerkit/internal/pysyntax"
	"github.com/layerkit/layerkit/internal/rulecode"
	"github.com/layerkit/layerkit/internal/runtimes"
	"github.com/layerkit/layerkit/internal/tree"
)

// Head is what every layer report starts with: the layer, the runtime and
// architecture it is inspected for, and its sizes.
type Head struct {
	Layer    string `json:"layer"`
	Runtime  string `json:"runtime"`
	Arch     string `json:"arch"`
	Glibc    string `json:"glibc"`
	Zipped   int64  `json:"zipped"` // 0 for a folder
	Unzipped int64  `json:"unzipped"`
}

// newHead is the Head of t on rt for arch (Unzipped from the zip's directory; the
// caller sets it for a folder).
func newHead(t tree.Tree, rt *runtimes.Runtime, arch string) Head {
	h := Head{Layer: t.Display(""), Runtime: rt.ID, Arch: arch, Glibc: rt.Glibc}
	if z, ok := t.(*tree.ZipTree); ok {
		h.Zipped, h.Unzipped = z.Size()
	}
	return h
}

// Report is what one layer provides on one Python runtime.
type Report struct {
	Head
	// Paths are the layer's folders on the runtime's sys.path, in search order.
	Paths   []PathEntry `json:"paths"`
	OffPath []OffPath   `json:"offPath"`
	Dists   []Dist      `json:"distributions"`
	Native  []Native    `json:"native"`
	Sizes   []Size      `json:"sizes"`
	// AttachTo lists every Python runtime × architecture, and whether everything the
	// layer provides loads there (attach.go).
	AttachTo []Attach `json:"attachTo"`
}

// PathEntry is one sys.path folder the layer fills.
type PathEntry struct {
	Path    string   `json:"path"` // "/opt/python"
	Dir     string   `json:"dir"`  // "python" (in the layer)
	Modules []Module `json:"modules"`
}

// Module is one importable top-level name.
type Module struct {
	Name string `json:"name"`
	Kind string `json:"kind"` // package, namespace, module, extension, bytecode
	File string `json:"file"` // in the layer
	// ShadowedBy is set when an earlier path entry of this layer has the same name.
	ShadowedBy string `json:"shadowedBy,omitempty"`
}

// OffPath is content no search path of the runtime reaches.
type OffPath struct {
	Name  string `json:"name"` // in the layer: "utils.py", "python/lib/python3.11/"
	Lands string `json:"lands"`
	Files int    `json:"files"`
	Note  string `json:"note,omitempty"`
}

// Dist is one installed distribution.
type Dist struct {
	Name     string   `json:"name"`
	Version  string   `json:"version"`
	Path     string   `json:"path"` // the sys.path entry holding it
	Meta     string   `json:"meta"` // its metadata folder in the layer
	TopLevel []string `json:"topLevel"`
	Tags     []string `json:"wheelTags,omitempty"`
	Requires []string `json:"requires,omitempty"` // those that apply on this runtime
}

// Native is one compiled file.
type Native struct {
	File     string `json:"file"`
	Format   string `json:"format"`  // ELF, Mach-O, PE, unknown
	Machine  string `json:"machine"` // x86_64, aarch64, arm64, ...
	Python   string `json:"python,omitempty"`
	ABI      string `json:"abi,omitempty"` // "cpython-312", "abi3", "plain", "shared library", ...
	MaxGlibc string `json:"glibc,omitempty"`
	Size     int64  `json:"size"`
	// Problems say why it cannot load here (LK301–LK304); empty when it can.
	Problems []Problem `json:"problems,omitempty"`
}

// Problem is one reason a native file cannot load.
type Problem struct {
	Code rulecode.Code `json:"code"`
	Why  string        `json:"why"`
}

// Size is what one top-level package weighs unzipped.
type Size struct {
	Name  string `json:"name"`
	Bytes int64  `json:"bytes"`
}

// GuessRuntime picks the runtime a layer was built for: the newest Python whose
// python/lib/pythonX.Y/site-packages it has; def when it has none.
func GuessRuntime(t tree.Tree, def string) string {
	best := ""
	for _, r := range runtimes.PythonRuntimes() {
		if tree.IsDir(t, "python/lib/python"+r.Version+"/site-packages") {
			best = r.ID
		}
	}
	if best == "" {
		return def
	}
	return best
}

// GuessArch picks the architecture of most ELF files in the layer; "x86_64" when
// there are none.
func GuessArch(t tree.Tree, r *native.Reader) string {
	n := map[string]int{}
	for _, name := range native.Find(t, "", nil) {
		if b, _ := r.Binary(t, name); b != nil {
			if a := b.LambdaArch(); a != "" {
				n[a]++
			}
		}
	}
	if n["arm64"] > n["x86_64"] {
		return "arm64"
	}
	return "x86_64"
}

// Inspect reports what t (a layer, its root being /opt) provides on rt for arch.
func Inspect(t tree.Tree, rt *runtimes.Runtime, arch string, r *native.Reader) *Report {
	if r == nil {
		r = &native.Reader{}
	}
	g, _ := native.ParseGlibc(rt.Glibc)
	tg := native.Target{Python: rt.Version, Arch: arch, Glibc: g}
	rep := &Report{Head: newHead(t, rt, arch)}
	// The layer folders on the path (the runtime catalogue's): site-packages, then python/.
	var entries []PathEntry
	for _, dir := range rt.LayerDirs() {
		entries = append(entries, PathEntry{Path: "/opt/" + dir, Dir: dir})
	}
	site := ""
	if len(entries) > 0 {
		site = entries[0].Dir
	}
	suffixes := append(rt.ExtensionSuffixes(arch), ".py", ".pyc")
	seen := map[string]string{}
	for _, e := range entries {
		if !tree.IsDir(t, e.Dir) {
			continue
		}
		e.Modules = modules(t, e.Dir, suffixes)
		for i, m := range e.Modules {
			if prev, ok := seen[m.Name]; ok {
				e.Modules[i].ShadowedBy = prev
			} else {
				seen[m.Name] = e.Path
			}
		}
		rep.Paths = append(rep.Paths, e)
	}
	rep.OffPath = offPath(t, rt)

	env := pymeta.LambdaEnv(rt.Version, arch)
	for _, e := range entries {
		for _, d := range pymeta.ReadDists(t, e.Dir) {
			out := Dist{Name: d.Name, Version: d.Version, Path: e.Path, Meta: d.Meta, TopLevel: d.TopLevel}
			if d.Wheel != nil {
				for _, tag := range d.Wheel.Tags {
					out.Tags = append(out.Tags, tag.String())
				}
			}
			for _, rq := range d.Requires {
				if rq.Marker.Eval(env) {
					out.Requires = append(out.Requires, rq.Name+rq.Specifier)
				}
			}
			rep.Dists = append(rep.Dists, out)
		}
	}

	for _, name := range native.Find(t, "", nil) {
		info, _ := t.Stat(name)
		bin, _ := r.Binary(t, name)
		n := Native{File: name, Format: "unknown", Size: info.Size}
		if bin != nil {
			n.Format, n.Machine, n.MaxGlibc = bin.Format.String(), bin.Machine, bin.MaxGlibc().String()
		}
		pn := native.ParseName(path.Base(name))
		n.Python = pn.Python
		switch pn.Kind {
		case native.Versioned:
			n.ABI = "cpython-" + strings.ReplaceAll(pn.Python, ".", "")
			if pn.FreeThreaded {
				n.ABI += "t"
			}
			if n.Machine == "" {
				n.Machine = pn.Machine
			}
		case native.ABI3:
			n.ABI = "abi3"
		case native.PlainSO:
			n.ABI = "plain .so"
		case native.SharedLib:
			n.ABI = "shared library"
		case native.PyPy:
			n.ABI = "pypy"
		case native.WindowsPYD:
			n.ABI = "windows .pyd"
		case native.MacDylib:
			n.ABI = "macOS .dylib"
		}
		for _, p := range native.Check(tg, path.Base(name), bin) {
			n.Problems = append(n.Problems, Problem{Code: p.Kind.Code(), Why: p.Why})
		}
		if len(n.Problems) > 0 && onPath(name, site) && native.HasLoadableSibling(t, name, tg) {
			n.Problems = nil // another build of the same module loads instead
		}
		rep.Native = append(rep.Native, n)
	}

	rep.Sizes = sizes(t, &rep.Head, func(name string) string { return topLevel(name, site) })
	rep.AttachTo = AttachList(t, r)
	return rep
}

func onPath(name, site string) bool {
	return strings.HasPrefix(name, site+"/") || strings.HasPrefix(name, "python/") && !strings.HasPrefix(name, "python/lib/python")
}

// modules lists the importable top-level names of one folder, as the check's finder
// (pyresolve) finds them: a regular package beats a module file (extension suffixes,
// then .py, then .pyc), which beats a namespace portion.
func modules(t tree.Tree, dir string, suffixes []string) []Module {
	infos, err := t.ReadDir(dir)
	if err != nil {
		return nil
	}
	names := map[string]bool{}
	for _, fi := range infos {
		if fi.Dir {
			if pysyntax.IsIdentifier(fi.Name) && !(path.Join(dir, fi.Name) == "python/lib" && holdsPythonDirs(t, "python/lib")) {
				names[fi.Name] = true
			}
			continue
		}
		for _, s := range suffixes {
			if mod, ok := strings.CutSuffix(fi.Name, s); ok && pysyntax.IsIdentifier(mod) {
				names[mod] = true
				break
			}
		}
	}
	finder := pyresolve.New()
	out := make([]Module, 0, len(names))
	for name := range names {
		m := finder.FindIn(t, dir, name, suffixes)
		if m == nil {
			continue
		}
		mod := Module{Name: name, File: m.File}
		switch m.Kind {
		case pyresolve.Package:
			mod.Kind, mod.File = "package", path.Join(dir, name)+"/"
		case pyresolve.Namespace:
			mod.Kind, mod.File = "namespace", path.Join(dir, name)+"/"
		case pyresolve.Compiled:
			mod.Kind = "extension"
			if strings.HasSuffix(m.File, ".pyc") {
				mod.Kind = "bytecode"
			}
		default:
			mod.Kind = "module"
		}
		out = append(out, mod)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// holdsPythonDirs reports whether python/lib holds pythonX.Y folders (site-packages
// trees, not a package named lib).
func holdsPythonDirs(t tree.Tree, dir string) bool {
	infos, _ := t.ReadDir(dir)
	for _, i := range infos {
		if i.Dir && strings.HasPrefix(i.Name, "python3") {
			return true
		}
	}
	return false
}

// sizes weighs t's files grouped by group (largest first), and sets h.Unzipped when
// the zip did not.
func sizes(t tree.Tree, h *Head, group func(name string) string) []Size {
	var total int64
	by := map[string]int64{}
	_ = tree.Walk(t, "", func(name string, info tree.Info) error {
		if !info.Dir {
			total += info.Size
			by[group(name)] += info.Size
		}
		return nil
	})
	if h.Unzipped == 0 {
		h.Unzipped = total
	}
	out := []Size{}
	for n, b := range by {
		out = append(out, Size{n, b})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Bytes != out[j].Bytes {
			return out[i].Bytes > out[j].Bytes
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// countFiles is how many files name is (1 for a file) or holds.
func countFiles(t tree.Tree, name string) int {
	if !tree.IsDir(t, name) {
		return 1
	}
	n := 0
	_ = tree.Walk(t, name, func(_ string, i tree.Info) error {
		if !i.Dir {
			n++
		}
		return nil
	})
	return n
}

// offPath lists what no Python search path of rt reaches.
func offPath(t tree.Tree, rt *runtimes.Runtime) []OffPath {
	var out []OffPath
	count := func(name string) int { return countFiles(t, name) }
	root, _ := t.ReadDir("")
	for _, e := range root {
		switch {
		case e.Name == "python" && e.Dir:
			if tree.IsDir(t, "python/python") {
				out = append(out, OffPath{Name: "python/python/", Lands: "/opt/python/python", Files: count("python/python"), Note: "one python/ too many"})
			}
			libs, _ := t.ReadDir("python/lib")
			for _, l := range libs {
				if l.Dir && strings.HasPrefix(l.Name, "python") && l.Name != "python"+rt.Version {
					out = append(out, OffPath{Name: "python/lib/" + l.Name + "/", Lands: "/opt/python/lib/" + l.Name, Files: count("python/lib/" + l.Name),
						Note: "for Python " + strings.TrimPrefix(l.Name, "python") + ", not " + rt.Version})
				}
			}
		case e.Name == "bin" && e.Dir:
			out = append(out, OffPath{Name: "bin/", Lands: "/opt/bin", Files: count("bin"), Note: "on PATH, not a Python path"})
		case e.Name == "lib" && e.Dir:
			out = append(out, OffPath{Name: "lib/", Lands: "/opt/lib", Files: count("lib"), Note: "on LD_LIBRARY_PATH, not a Python path"})
		default:
			name := e.Name
			if e.Dir {
				name += "/"
			}
			out = append(out, OffPath{Name: name, Lands: "/opt/" + e.Name, Files: count(e.Name), Note: "at the layer root: Python code belongs under python/"})
		}
	}
	return out
}

// topLevel groups a file under the package it belongs to: the first part below the
// site folder or python/, else the root entry.
func topLevel(name, site string) string {
	if rest, ok := strings.CutPrefix(name, site+"/"); ok {
		first, _, nested := strings.Cut(rest, "/")
		if nested {
			return site + "/" + first + "/"
		}
		return site + "/" + first
	}
	if rest, ok := strings.CutPrefix(name, "python/"); ok && !strings.HasPrefix(rest, "lib/python") {
		first, _, nested := strings.Cut(rest, "/")
		if nested {
			return "python/" + first + "/"
		}
		return name
	}
	first, _, nested := strings.Cut(name, "/")
	if strings.HasPrefix(name, "python/lib/") {
		parts := strings.SplitN(name, "/", 4)
		if len(parts) == 4 {
			return strings.Join(parts[:3], "/") + "/"
		}
	}
	if nested {
		return first + "/"
	}
	return first
}
