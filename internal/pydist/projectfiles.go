package pydist

import (
	"regexp"
	"sort"
	"strings"
)

// Project files that declare a project's distributions: a Pipfile's [packages] and a
// Poetry pyproject.toml's main dependencies, read line by line (enough for dependency
// tables; not a TOML parser). Used where a build installs a project's own
// dependencies: serverless-python-requirements, and pipenv/poetry steps of build scripts.

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

// PipfilePackages returns the [packages] of a Pipfile as requirement lines.
func PipfilePackages(text string) []string {
	var out []string
	for name, v := range tomlTables(text)["packages"] {
		out = append(out, requirement(name, v))
	}
	return sortedStrings(out)
}

// PoetryDependencies returns the main dependencies of a Poetry project
// ([tool.poetry.dependencies] and PEP 621 [project] dependencies); poetry is false when
// pyproject.toml is not a Poetry project (build-system.requires names no poetry).
func PoetryDependencies(text string) (deps []string, poetry bool) {
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

// ProjectDependencies returns the PEP 621 [project] dependencies of a pyproject.toml
// (what uv export installs, besides their own dependencies, with no extras or groups).
func ProjectDependencies(text string) []string {
	return sortedStrings(tomlStrings(tomlTables(text)["project"]["dependencies"]))
}

func sortedStrings(s []string) []string {
	sort.Strings(s)
	return s
}
