package rules

import (
	"fmt"
	"strings"

	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/pymeta"
	"github.com/layerkit/layerkit/internal/rulecode"
)

var LK203 = register(&Rule{
	Code:     rulecode.LK203,
	Severity: model.Warning,
	Summary:  "One distribution is installed twice on the function's path, in different versions.",
	Why: `Python imports a package from the first sys.path entry that has it: /var/task, then
/opt/python/lib/pythonX.Y/site-packages, then /opt/python. A function package with requests 2.31 and a
layer with requests 2.28 run 2.31, whatever the layer was tested with; everything that needed the other
version gets this one. Two layers that install the same distribution into the same folder are worse:
Lambda extracts them in order, so the package is a mix of both versions' files where they overlap, with
two metadata folders claiming it.`,
	Example: `/var/task/requests-2.31.0.dist-info   and   layer Deps: python/requests-2.28.1.dist-info`,
	Fix: `Install each distribution once: drop it from the function package or from the layer, or build
the layers from one requirements file so they agree.`,
	Requires: []*Analysis{Installed},
	Run:      runLK203,
})

func runLK203(p *Pass) {
	for _, f := range p.analysed() {
		if f.Runtime == nil {
			continue
		}
		in := installedOf(p, f)
		for _, d := range in.Winners() {
			copies := in.Get(d.Normalized)
			if len(copies) < 2 || !differentVersions(copies) {
				continue
			}
			reportLK203(p, f, in, copies)
		}
	}
}

func differentVersions(ds []*pymeta.Dist) bool {
	for _, d := range ds[1:] {
		if pymeta.CompareVersions(d.Version, ds[0].Version) != 0 {
			return true
		}
	}
	return false
}

func reportLK203(p *Pass, f *Function, in *pymeta.Installed, copies []*pymeta.Dist) {
	env := f.Result.Env
	var parts []string
	for _, d := range copies {
		v := d.Version
		if v == "" {
			v = "(no version)"
		}
		parts = append(parts, fmt.Sprintf("%s in %s", v, placeLabel(f, in, d)))
	}
	first := copies[0]
	// Which copy the import gets: the entry an imported top-level module resolved in.
	var site *distUse
	for _, top := range first.TopLevel {
		m := f.Result.Module(top)
		if m == nil || m.Entry < 0 || m.Entry >= len(env.Path) {
			continue
		}
		for _, d := range copies {
			if in.Place(d).Path == env.Path[m.Entry].Path {
				first = d
				break
			}
		}
		if s, ok := f.Result.Site(top); ok {
			site = &distUse{Top: top, Site: s}
		}
		break
	}
	var same []*pymeta.Dist
	for _, d := range copies {
		if in.PlaceIndex(d) == in.PlaceIndex(first) {
			same = append(same, d)
		}
	}
	picks := fmt.Sprintf("Python imports %s from %s, the first on sys.path that has it", first.String(), in.Place(first).Path)
	if len(same) > 1 {
		var owners []string
		for _, d := range same {
			if l := whereIs(f, d.Tree, d.Meta); l != nil {
				owners = append(owners, "layer "+l.Name)
			}
		}
		picks = fmt.Sprintf("%d copies share %s (%s), so the package is a mix of their files, the later layer's winning where they overlap, and importlib.metadata may report either version",
			len(same), in.Place(first).Path, strings.Join(owners, ", "))
	}
	msg := fmt.Sprintf("%s is installed %d times on the path of %s: %s; %s", first.Name, len(copies), f.Fn.Name, strings.Join(parts, ", "), picks)
	hint := fmt.Sprintf("Install %s once: remove it from all but one place, or build the function package and layers from one requirements file so they agree on %s.", first.Name, first.Name)
	last := copies[len(copies)-1]
	layer, pos := layerRef(f, last.Tree, last.Meta)
	if site != nil {
		pos = sitePos(site.Site)
	}
	p.Report(rulecode.LK203, model.Warning, f.Fn.Name, layer, pos, msg, hint)
}
