package serverless

import (
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/layerkit/layerkit/internal/tree"
)

// serverless-python-requirements installs, in this order of preference (lib/pip.js,
// generateRequirementsFile): what `poetry export` gives for a Poetry project (a
// pyproject.toml whose build-system.requires names poetry; usePoetry, default true),
// else what `pipenv requirements` gives for a Pipfile (usePipenv, default true), else
// custom.pythonRequirements.fileName. For the first two, layerkit reads the
// distributions the project declares (its main dependencies), not the lock file.

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
			if deps, poetry := poetryDependencies(string(data)); poetry {
				return deps, "pyproject.toml", true
			}
		}
	}
	if enabled("usePipenv") {
		if data, err := l.lim().ReadConfig(filepath.Join(l.dir, "Pipfile")); err == nil {
			return pipfilePackages(string(data)), "Pipfile", true
		}
	}
	return nil, "", false
}

// tomlTables splits TOML text into its tables' key/value lines (arrays joined on one
// line), enough for dependency tables: table name → key → raw value.
func tomlTables(text string) map[string]map[string]string {
	out := map[string]map[string]string{}
	table := ""
	out[table] = map[string]string{}
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		line := strings.TrimSpace(stripComment(lines[i]))
		if line == "" {
			continue
		}
		if strings.HasPrefix(line, "[") {
			table = strings.TrimSpace(strings.Trim(line, "[]")) // [[x]] (an array of tables) too
			if out[table] == nil {
				out[table] = map[string]string{}
			}
			continue
		}
		k, v, found := strings.Cut(line, "=")
		if !found {
			continue
		}
		v = strings.TrimSpace(v)
		// a multi-line array or inline table
		for open := strings.Count(v, "[") + strings.Count(v, "{") - strings.Count(v, "]") - strings.Count(v, "}"); open > 0 && i+1 < len(lines) && i < 100_000; {
			i++
			next := strings.TrimSpace(stripComment(lines[i]))
			v += " " + next
			open += strings.Count(next, "[") + strings.Count(next, "{") - strings.Count(next, "]") - strings.Count(next, "}")
		}
		out[table][strings.Trim(strings.TrimSpace(k), `"'`)] = v
	}
	return out
}

// stripComment drops a # comment outside strings.
func stripComment(s string) string {
	var quote byte
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '#':
			return s[:i]
		}
	}
	return s
}

var tomlString = regexp.MustCompile(`"([^"]*)"|'([^']*)'`)

func tomlStrings(v string) []string {
	var out []string
	for _, m := range tomlString.FindAllStringSubmatch(v, -1) {
		out = append(out, m[1]+m[2])
	}
	return out
}

// requirement makes a requirement line from a name and a Pipfile/Poetry version
// value ("*", "==1.2", "^1.2" or a table): the name, with a PEP 440 specifier only
// when the value is one.
func requirement(name, v string) string {
	v = strings.TrimSpace(v)
	if strings.HasPrefix(v, `"`) || strings.HasPrefix(v, "'") {
		if s := tomlStrings(v); len(s) == 1 {
			if spec := strings.TrimSpace(s[0]); spec != "" && strings.ContainsAny(spec[:1], "=<>!~") {
				return name + spec
			}
		}
	}
	return name
}

// pipfilePackages returns the [packages] of a Pipfile as requirement lines.
func pipfilePackages(text string) []string {
	var out []string
	for name, v := range tomlTables(text)["packages"] {
		out = append(out, requirement(name, v))
	}
	return sortedStrings(out)
}

// poetryDependencies returns the main dependencies of a Poetry project
// ([tool.poetry.dependencies] and PEP 621 [project] dependencies); poetry is false when
// pyproject.toml is not a Poetry project (build-system.requires names no poetry).
func poetryDependencies(text string) (deps []string, poetry bool) {
	tables := tomlTables(text)
	for _, r := range tomlStrings(tables["build-system"]["requires"]) {
		if strings.HasPrefix(strings.TrimSpace(r), "poetry") {
			poetry = true
		}
	}
	if !poetry {
		return nil, false
	}
	for name, v := range tables["tool.poetry.dependencies"] {
		if !strings.EqualFold(name, "python") {
			deps = append(deps, requirement(name, v))
		}
	}
	deps = append(deps, tomlStrings(tables["project"]["dependencies"])...)
	return sortedStrings(deps), true
}

func sortedStrings(s []string) []string {
	sort.Strings(s)
	return s
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
