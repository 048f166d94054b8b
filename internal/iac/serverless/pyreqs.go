package serverless

import (
	"path/filepath"
	"strings"

	"github.com/layerkit/layerkit/internal/pydist"
	"github.com/layerkit/layerkit/internal/tree"
)

// serverless-python-requirements installs, in this order of preference (lib/pip.js,
// generateRequirementsFile): what `poetry export` gives for a Poetry project (a
// pyproject.toml whose build-system.requires names poetry; usePoetry, default true),
// else what `pipenv requirements` gives for a Pipfile (usePipenv, default true), else
// custom.pythonRequirements.fileName. The framework's built-in support (v4) tries, before
// fileName, what `uv export --no-dev` gives where a uv.lock is (useUv, default true). For
// these project files, layerkit reads the distributions the project declares (its main
// dependencies), not the lock file.

// pluginRequirements returns the requirement lines the plugin installs from a
// Poetry pyproject.toml or a Pipfile of the service folder, and that file's name; ok
// is false when it installs fileName instead.
func (l *loader) pluginRequirements() (lines []string, from string, ok bool) {
	pr := l.getMap(l.getMap(l.r.doc, "custom"), "pythonRequirements")
	enabled := func(key string) bool {
		s, _, _, present, known := l.getStr(pr, key)
		return !present || !known || s != "false"
	}
	if enabled("usePoetry") {
		if data, err := l.lim().ReadConfig(filepath.Join(l.dir, "pyproject.toml")); err == nil {
			if deps, poetry := pydist.PoetryDependencies(string(data)); poetry {
				return deps, "pyproject.toml", true
			}
		}
	}
	if enabled("usePipenv") {
		if data, err := l.lim().ReadConfig(filepath.Join(l.dir, "Pipfile")); err == nil {
			return pydist.PipfilePackages(string(data)), "Pipfile", true
		}
	}
	if l.pyBuiltin && enabled("useUv") {
		// the built-in support (not the plugin) runs uv export --no-dev --frozen where
		// a uv.lock is (lib/uv.js): the project's dependencies, dev groups left out
		if _, err := l.lim().ReadConfig(filepath.Join(l.dir, "uv.lock")); err == nil {
			data, _ := l.lim().ReadConfig(filepath.Join(l.dir, "pyproject.toml"))
			return pydist.ProjectDependencies(string(data)), "uv.lock", true
		}
	}
	return nil, "", false
}

// noDeploy is custom.pythonRequirements.noDeploy: distributions the plugin leaves out
// of what it installs (an empty list by default since version 5).
func (l *loader) noDeploy() map[string]bool {
	pr := l.getMap(l.getMap(l.r.doc, "custom"), "pythonRequirements")
	names, _ := l.getStrings(pr, "noDeploy")
	if len(names) == 0 {
		return nil
	}
	out := map[string]bool{}
	for _, n := range names {
		out[strings.TrimSpace(n)] = true
	}
	return out
}

// withoutNoDeploy drops the requirement lines noDeploy names (and comments), as the
// plugin does: the text before the first "=", "<", ">", space or tab, compared as written.
func withoutNoDeploy(lines []string, skip map[string]bool) []string {
	if len(skip) == 0 {
		return lines
	}
	var out []string
	for _, line := range lines {
		name := strings.TrimSpace(line)
		if name == "" || strings.HasPrefix(name, "#") {
			continue
		}
		if i := strings.IndexAny(name, "=<> \t"); i >= 0 {
			name = name[:i]
		}
		if !skip[strings.TrimSpace(name)] {
			out = append(out, line)
		}
	}
	return out
}

// requirementsLines reads the lines of the requirements file name of t, for noDeploy
// filtering; ok is false when it includes other files (-r, -c), which layerkit then
// reads unfiltered.
func requirementsLines(t tree.Tree, name string) ([]string, bool) {
	data, err := t.ReadFile(name)
	if err != nil {
		return nil, false
	}
	lines := strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	for _, line := range lines {
		if s := strings.TrimSpace(line); strings.HasPrefix(s, "-r") || strings.HasPrefix(s, "-c") || strings.HasPrefix(s, "--requirement") || strings.HasPrefix(s, "--constraint") {
			return nil, false
		}
	}
	return lines, true
}
