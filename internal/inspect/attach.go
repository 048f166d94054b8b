package inspect

import (
	"fmt"
	"path"
	"strings"

	"github.com/layerkit/layerkit/internal/native"
	"github.com/layerkit/layerkit/internal/runtimes"
	"github.com/layerkit/layerkit/internal/tree"
)

// Attach says whether a layer can be attached to functions of one runtime and
// architecture: whether everything it provides for Python loads there.
type Attach struct {
	Runtime string `json:"runtime"`
	Arch    string `json:"arch"`
	OK      bool   `json:"ok"`
	// Why is the first reason it does not, "" when it does: a Python version folder for
	// another version, or a native file that cannot load (its LK30x code and file).
	Why string `json:"why,omitempty"`
}

// AttachList judges t (a layer) on every Python runtime layerkit checks × each
// architecture the runtime is offered on. What the layer provides is what a function's
// Python reaches: python/, python/lib/pythonX.Y/site-packages/ and the shared libraries
// in lib/ (LD_LIBRARY_PATH). A layer with version folders provides them only to that
// version; a native file must be for the architecture, the Python ABI and at most the
// runtime OS's glibc (native.Check), unless another build of the same module beside it
// loads instead. Files that no runtime reaches (a stray file at the root) are the
// off-path list's business, not a reason to refuse one runtime over another.
func AttachList(t tree.Tree, r *native.Reader) []Attach {
	if r == nil {
		r = &native.Reader{}
	}
	var versions []string // python/lib/pythonX.Y folders
	libs, _ := t.ReadDir("python/lib")
	for _, l := range libs {
		if v, ok := strings.CutPrefix(l.Name, "python"); ok && l.Dir && v != "" && tree.IsDir(t, "python/lib/"+l.Name+"/site-packages") {
			versions = append(versions, v)
		}
	}
	type nativeFile struct {
		name string
		bin  *native.Binary
	}
	var natives []nativeFile
	for _, name := range native.Find(t, "", nil) {
		bin, _ := r.Binary(t, name)
		natives = append(natives, nativeFile{name, bin})
	}
	var out []Attach
	for _, rt := range runtimes.PythonRuntimes() {
		g, _ := native.ParseGlibc(rt.Glibc)
		site := "python/lib/python" + rt.Version + "/site-packages"
		for _, arch := range []string{"x86_64", "arm64"} {
			if !rt.HasArch(arch) {
				continue
			}
			a := Attach{Runtime: rt.ID, Arch: arch, OK: true}
			for _, v := range versions {
				if v != rt.Version {
					a.OK, a.Why = false, fmt.Sprintf("python/lib/python%s/site-packages/ is on the path of Python %s only", v, v)
					break
				}
			}
			tg := native.Target{Python: rt.Version, Arch: arch, Glibc: g}
			for _, n := range natives {
				if !a.OK {
					break
				}
				if !onPath(n.name, site) && !strings.HasPrefix(n.name, "lib/") {
					continue
				}
				ps := native.Check(tg, path.Base(n.name), n.bin)
				if len(ps) == 0 || onPath(n.name, site) && native.HasLoadableSibling(t, n.name, tg) {
					continue
				}
				a.OK, a.Why = false, fmt.Sprintf("%s: %s (%s)", n.name, ps[0].Why, ps[0].Kind.Code())
			}
			out = append(out, a)
		}
	}
	return out
}
