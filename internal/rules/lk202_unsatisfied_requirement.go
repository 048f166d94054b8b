package rules

import (
	"fmt"
	"sort"
	"strings"

	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/pydist"
	"github.com/layerkit/layerkit/internal/pymeta"
	"github.com/layerkit/layerkit/internal/rulecode"
)

var LK202 = register(&Rule{
	Code:       rulecode.LK202,
	Severity:   model.Error,
	Severities: "error when the handler's imports load the distribution that needs it; warning when that import runs only inside a function body, when the requirement comes from an extra, or when nothing imports that distribution",
	Summary:    "An installed distribution's Requires-Dist is missing, or out of range, on the function's path.",
	Why: `This is pip check for the Lambda environment. Each installed distribution (.dist-info/METADATA
Requires-Dist, .egg-info/requires.txt) lists what it needs; the markers are evaluated for the function's
Python, Linux and architecture (python_version, sys_platform, platform_machine, extras the requiring
side asked for). A layer built with pip install --no-deps, two layers built separately, or a package
copied in by hand leave requirements missing or at the wrong version: the import fails with
"No module named ..." deep inside the package, or the code breaks at run time on an API that changed.
What the runtime provides (boto3, botocore and their dependencies) counts as installed; its version is
not checked when it is not documented. A requirement in a requirements.txt that a build step will
install counts as installed too.`,
	Example: `# layer: python/requests-2.31.0.dist-info (Requires-Dist: urllib3<3,>=1.21.1), no urllib3 on the path
import requests`,
	Fix: `Install the distributions together, with their dependencies, for the function's Python and
architecture (pip install --target python/ ... without --no-deps), or add the missing one at a
version in range.`,
	Requires: []*Analysis{Installed, Uses},
	Run:      runLK202,
})

func runLK202(p *Pass) {
	for _, f := range p.analysed() {
		if f.Runtime == nil {
			continue
		}
		in := installedOf(p, f)
		if len(in.Dists) == 0 {
			continue
		}
		env := markerEnv(f)
		uses := usesOf(p, f)
		provided := map[string]string{}
		for _, d := range f.Runtime.ProvidedDists {
			provided[pymeta.Normalize(d.Name)] = d.Version
		}
		declared, unknownDeps := declaredDists(f)
		for _, d := range in.Winners() { // only the copy Python finds first counts
			extras := uses[d.Normalized].extras()
			for _, r := range d.Requires {
				if !r.Marker.Eval(env, extras...) {
					continue
				}
				problem := unsatisfied(in, provided, declared, r)
				if problem == "" || unknownDeps && in.Winner(r.Normalized) == nil {
					continue
				}
				reportLK202(p, f, in, d, r, problem, uses[d.Normalized])
			}
		}
	}
}

// unsatisfied says what is wrong with requirement r on the path ("" when nothing).
func unsatisfied(in *pymeta.Installed, provided map[string]string, declared map[string]bool, r pymeta.Requirement) string {
	w := in.Winner(r.Normalized)
	if w == nil {
		if v, ok := provided[r.Normalized]; ok {
			if v == "" || specContains(r.Specifier, v) {
				return ""
			}
			return fmt.Sprintf("the runtime provides %s %s, outside %s", r.Name, v, r.Specifier)
		}
		if declared[r.Normalized] {
			return ""
		}
		return fmt.Sprintf("%s is not installed on the path", r.Name)
	}
	if r.Specifier == "" || w.Version == "" || specContains(r.Specifier, w.Version) {
		return ""
	}
	return fmt.Sprintf("%s %s is installed (%s), outside %s", w.Name, w.Version, w.Display(), r.Specifier)
}

func specContains(spec, version string) bool {
	s, err := pymeta.ParseSpecifier(spec)
	if err != nil {
		return true // cannot judge
	}
	return s.Contains(version)
}

// declaredDists are the distributions requirements files declare for f's package and
// layers (source mode: a build step will install them), with their dependencies as
// far as the curated table knows them. unknown is true when a declared distribution's
// dependencies are not known: then anything may arrive with it.
func declaredDists(f *Function) (out map[string]bool, unknown bool) {
	out = map[string]bool{}
	var queue []string
	add := func(c *model.Code) {
		if c == nil {
			return
		}
		for _, d := range c.Declared {
			queue = append(queue, d.Dist)
		}
	}
	add(f.Fn.Code)
	for _, ref := range f.Fn.Layers {
		if ref.Layer != nil {
			add(ref.Layer.Content)
		}
	}
	for len(queue) > 0 {
		d := queue[0]
		queue = queue[1:]
		n := pymeta.Normalize(d)
		if out[n] {
			continue
		}
		out[n] = true
		deps, ok := pydist.KnownDeps(d)
		if !ok {
			unknown = true
		}
		queue = append(queue, deps...)
	}
	return out, unknown
}

func reportLK202(p *Pass, f *Function, in *pymeta.Installed, d *pymeta.Dist, r pymeta.Requirement, problem string, u *distUse) {
	req := r.Name + r.Specifier
	if len(r.Extras) > 0 {
		req = r.Name + "[" + strings.Join(r.Extras, ",") + "]" + r.Specifier
	}
	if r.Marker != nil {
		req += "; " + r.Marker.String()
	}
	where := placeLabel(f, in, d)
	msg := fmt.Sprintf("%s (%s) requires %s, but %s", d.String(), where, req, problem)
	viaExtra := u != nil && r.Marker.UsesExtra() && !r.Marker.Eval(markerEnv(f))
	if viaExtra {
		var asked []string
		for e, from := range u.ExtrasFrom {
			if r.Marker.Eval(markerEnv(f), e) {
				asked = append(asked, fmt.Sprintf("%s asks for %s[%s]", from, d.Name, e))
			}
		}
		sort.Strings(asked)
		if len(asked) > 0 {
			msg += " (" + strings.Join(asked, ", ") + ")"
		}
	}
	hint := fmt.Sprintf("Install %s with its dependencies for %s (%s): pip install --python-version %s --platform %s --only-binary=:all: --target %s %s==%s (no --no-deps), or add %s.",
		d.Name, f.Runtime.ID, f.Result.Env.Arch, f.Runtime.Version, pipPlatform(f), targetFor(in.Place(d).Path), d.Name, d.Version, quoteReq(r))
	layer, pos := layerRef(f, d.Tree, d.Meta)
	if u != nil {
		sev := model.Error
		if u.Site.Lazy {
			sev = model.Warning
		}
		if viaExtra {
			// pip check ignores extras, and packages often import an extra's
			// dependencies only when the feature is used.
			sev = model.Warning
			msg += " (a warning: it comes from an extra, which is usually imported only when its feature is used)"
		}
		if len(u.Chain) > 1 {
			msg = fmt.Sprintf("`%s` loads %s (%s); %s; the import will fail, or the code break, on Lambda", u.Site.Stmt, d.Name, strings.Join(u.Chain, " requires "), msg)
		} else {
			msg = fmt.Sprintf("`%s`: %s; the import will fail, or the code break, on Lambda", u.Site.Stmt, msg)
		}
		p.Report(rulecode.LK202, sev, f.Fn.Name, layer, sitePos(u.Site), msg, hint)
		return
	}
	p.Report(rulecode.LK202, model.Warning, f.Fn.Name, layer, pos, msg+"; nothing the handler imports loads "+d.Name+" now", hint)
}

func quoteReq(r pymeta.Requirement) string {
	s := r.Name + r.Specifier
	if r.Specifier != "" {
		return "'" + s + "'"
	}
	return s
}

func pipPlatform(f *Function) string {
	if f.Result.Env.Arch == "arm64" {
		return "manylinux2014_aarch64"
	}
	return "manylinux2014_x86_64"
}

func targetFor(place string) string {
	switch {
	case strings.HasPrefix(place, "/opt/"):
		return strings.TrimPrefix(place, "/opt/") + "/"
	}
	return "the function's folder"
}
