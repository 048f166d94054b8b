package rules

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/pydist"
	"github.com/layerkit/layerkit/internal/tree"
)

// A layer folder with a requirements.txt and no BuildMethod is deployed as it is: sam
// build installs nothing into it. Often a build step of the repository's own does, before
// sam build: a Makefile rule `pip install -r $< -t .../python` over the layer folders
// (field test: awslabs/amazon-s3-find-and-forget, `make setup`). layerkit does not run or
// model that step here, so an import only such a requirement provides is a warning that
// names the step, not an error.

// ownBuildFiles are where a repository keeps its build steps, relative to the project.
var ownBuildFiles = []string{"Makefile", "GNUmakefile", "makefile"}

// ownBuildDirs hold build scripts (*.sh) and workflows (*.yml, *.yaml).
var ownBuildDirs = []string{".", "scripts", "bin", ".github/workflows"}

// maxOwnBuildFile bounds one build file read for pip installs.
const maxOwnBuildFile = 1 << 20

// layerRequirement is the attached layer folder whose requirements file declares the
// distribution providing top, with no BuildMethod to install it (ok is false when none):
// requirements.txt at the folder's root, or python/requirements.txt (a file that does
// nothing there: Lambda never reads it). file is the one found.
func layerRequirement(p *Pass, f *Function, top string) (l *model.Layer, file string, r pydist.Requirement, ok bool) {
	if p.App == nil || p.App.Built {
		return nil, "", pydist.Requirement{}, false
	}
	for _, ref := range f.Fn.Layers {
		l := ref.Layer
		if !ref.Inspectable() || l.BuildMethod != "" || l.Content.Opaque || strings.HasSuffix(strings.ToLower(l.Content.Display), ".zip") {
			continue
		}
		for _, rf := range layerRequirementFiles(p, l) {
			for _, r := range rf.reqs {
				if !r.IsInclude() && slices.Contains(pydist.ImportNames(r.Name), top) {
					return l, rf.file, r, true
				}
			}
		}
	}
	return nil, "", pydist.Requirement{}, false
}

// requirementFile is a requirements file of a layer folder, parsed.
type requirementFile struct {
	file string
	reqs []pydist.Requirement
}

// layerRequirementFiles are layer l's requirements.txt and python/requirements.txt, read
// and parsed once per pass (every missing import of every function asks).
func layerRequirementFiles(p *Pass, l *model.Layer) []requirementFile {
	return cacheOf(p).layerReqs.Get(l, func() []requirementFile {
		var out []requirementFile
		t := l.Content.Tree
		for _, file := range []string{"requirements.txt", "python/requirements.txt"} {
			if data, err := t.ReadFile(file); err == nil {
				reqs, _ := pydist.ParseRequirements(data, t.Display(file))
				out = append(out, requirementFile{file, reqs})
			}
		}
		return out
	})
}

// ownInstall names the first line of the repository's own build files ("Makefile:154")
// that pip-installs into a folder (-t/--target) in a file that also names layer l's
// folder or the folder holding it; "" when none does.
func ownInstall(p *Pass, l *model.Layer) string {
	if p.Project == nil || l.Content == nil {
		return ""
	}
	return cacheOf(p).ownInstalls.Get(l, func() string { return findOwnInstall(p, l) })
}

func findOwnInstall(p *Pass, l *model.Layer) string {
	dir := strings.TrimSuffix(l.Content.Display, "/")
	if dir == "" || dir == "." || strings.HasPrefix(dir, "../") {
		return ""
	}
	names := []string{dir + "/"}
	if parent := path.Dir(dir); parent != "." {
		names = append(names, parent+"/")
	}
	// a pip install whose line names the layer's folder first (a workflow that builds two
	// layers has one step per folder), else the first in a file that names it or its parent
	first := ""
	for _, file := range ownBuildPaths(p) {
		b, err := p.Project.ReadFile(file)
		if err != nil || len(b) > maxOwnBuildFile {
			continue
		}
		text := string(b)
		if !slices.ContainsFunc(names, func(n string) bool { return strings.Contains(text, n) }) {
			continue
		}
		cd := "" // the folder of the last `cd` line before it
		for i, line := range strings.Split(text, "\n") {
			if f := strings.Fields(line); len(f) >= 2 && f[0] == "cd" {
				cd = strings.TrimSuffix(strings.Trim(f[1], `"'`), "/")
			}
			if !isTargetInstall(line) {
				continue
			}
			at := fmt.Sprintf("%s:%d", file, i+1)
			if strings.Contains(line, dir) || cd != "" && (cd == dir || strings.HasSuffix(cd, "/"+dir)) {
				return at
			}
			if first == "" {
				first = at
			}
		}
	}
	return first
}

// isTargetInstall reports whether a line runs pip install into a folder.
func isTargetInstall(line string) bool {
	if !strings.Contains(line, "pip") || !strings.Contains(line, "install") {
		return false
	}
	for _, f := range strings.Fields(line) {
		if f == "-t" || f == "--target" || strings.HasPrefix(f, "--target=") || strings.HasPrefix(f, "-t") && len(f) > 2 && !strings.HasPrefix(f, "-t-") {
			return true
		}
	}
	return false
}

// ownBuildPaths lists the project's build files, once per pass.
func ownBuildPaths(p *Pass) []string {
	c := cacheOf(p)
	c.ownBuildOnce.Do(func() {
		for _, n := range ownBuildFiles {
			if tree.IsFile(p.Project, n) {
				c.ownBuild = append(c.ownBuild, n)
			}
		}
		for _, d := range ownBuildDirs {
			infos, err := p.Project.ReadDir(d)
			if err != nil {
				continue
			}
			for _, fi := range infos {
				n := fi.Name
				if fi.Dir || !(strings.HasSuffix(n, ".sh") || d == ".github/workflows" && (strings.HasSuffix(n, ".yml") || strings.HasSuffix(n, ".yaml"))) {
					continue
				}
				c.ownBuild = append(c.ownBuild, path.Join(d, n))
			}
		}
	})
	return c.ownBuild
}
