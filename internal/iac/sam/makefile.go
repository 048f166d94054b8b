package sam

import (
	"path"
	"regexp"
	"strings"

	"github.com/layerkit/layerkit/internal/tree"
)

// buildRecipe returns the commands of the build-<logicalID> target of the Makefile in t
// (Makefile, makefile or GNUmakefile, the first there is), its variables expanded; nil
// when there is no Makefile or no such target.
func buildRecipe(t tree.Tree, logicalID string) []string {
	for _, name := range []string{"Makefile", "makefile", "GNUmakefile"} {
		b, err := t.ReadFile(name)
		if err != nil {
			continue
		}
		data := string(b)
		vars := makeVars(data)
		cmds := recipe(data, "build-"+logicalID)
		for i, cmd := range cmds {
			cmds[i] = expand(cmd, vars, 0)
		}
		return cmds
	}
	return nil
}

// makefileInstalls reads the build-<logicalID> target of the Makefile that a
// `BuildMethod: makefile` resource builds with, and returns what its pip install
// commands install ("-r file" lines for requirement files) and where: installDir is
// "python" when the target folder ends in /python (a layer), "" for $(ARTIFACTS_DIR).
// The rest of the recipe (cp, zip, ...) is not modelled.
func makefileInstalls(t tree.Tree, logicalID string) (installs []string, installDir string, found bool) {
	for _, cmd := range buildRecipe(t, logicalID) {
		specs, target, ok := pipInstall(cmd)
		if !ok {
			continue
		}
		found = true
		installs = append(installs, specs...)
		target = strings.Trim(target, `"'`)
		if strings.HasSuffix(path.Clean(target), "/python") || strings.Contains(target, "/python/lib/python") {
			installDir = "python"
		}
	}
	return installs, installDir, found
}

// recipe returns the commands of a make target, continuation lines joined.
func recipe(makefile, target string) []string {
	lines := strings.Split(strings.ReplaceAll(makefile, "\r\n", "\n"), "\n")
	var out []string
	in := false
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if !strings.HasPrefix(line, "\t") {
			if strings.TrimSpace(line) == "" || strings.HasPrefix(strings.TrimSpace(line), "#") {
				continue
			}
			in = false
			if head, _, ok := strings.Cut(line, ":"); ok && !strings.Contains(head, "=") {
				for _, name := range strings.Fields(head) {
					if name == target {
						in = true
					}
				}
			}
			continue
		}
		if !in {
			continue
		}
		cmd := strings.TrimSpace(line)
		for strings.HasSuffix(cmd, "\\") && i+1 < len(lines) {
			i++
			cmd = strings.TrimSuffix(cmd, "\\") + " " + strings.TrimSpace(lines[i])
		}
		out = append(out, cmd)
	}
	return out
}

// pipInstall parses one shell command (possibly several joined with && or ;) for a
// pip install, returning requirement lines and the --target folder.
func pipInstall(cmd string) (specs []string, target string, ok bool) {
	for _, part := range splitShell(cmd) {
		f := strings.Fields(part)
		i := 0
		for i < len(f) && (strings.HasPrefix(f[i], "@") || strings.HasPrefix(f[i], "-")) {
			f[i] = strings.TrimLeft(f[i], "@-")
			if f[i] != "" {
				break
			}
			i++
		}
		f = f[i:]
		j := -1
		for k := 0; k+1 < len(f); k++ {
			base := path.Base(f[k])
			if (strings.HasPrefix(base, "pip") || base == "uv") && f[k+1] == "install" {
				j = k + 2
				break
			}
			if base == "pip" && k+2 < len(f) && f[k+1] == "pip" && f[k+2] == "install" { // uv pip install
				j = k + 3
				break
			}
		}
		if j < 0 {
			continue
		}
		ok = true
		for k := j; k < len(f); k++ {
			a := strings.Trim(f[k], `"'`)
			switch {
			case a == "-r" || a == "--requirement":
				if k+1 < len(f) {
					specs = append(specs, "-r "+strings.Trim(f[k+1], `"'`))
					k++
				}
			case strings.HasPrefix(a, "--requirement="):
				specs = append(specs, "-r "+strings.TrimPrefix(a, "--requirement="))
			case a == "-t" || a == "--target":
				if k+1 < len(f) {
					target = f[k+1]
					k++
				}
			case strings.HasPrefix(a, "--target="):
				target = strings.TrimPrefix(a, "--target=")
			case a == "-i" || a == "--index-url" || a == "--extra-index-url" || a == "-f" || a == "--find-links" ||
				a == "--platform" || a == "--python-version" || a == "--implementation" || a == "--abi" || a == "-c" || a == "--constraint" || a == "--only-binary" || a == "--no-binary":
				k++
			case strings.HasPrefix(a, "-"), a == ".", strings.Contains(a, "$("):
			default:
				specs = append(specs, a)
			}
		}
	}
	return specs, target, ok
}

func splitShell(cmd string) []string {
	r := strings.NewReplacer("&&", "\n", "||", "\n", ";", "\n")
	return strings.Split(r.Replace(cmd), "\n")
}

var makeVarRE = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*)\s*(?::=|::=|\?=|=)\s*(.*)$`)

// makeVars reads simple variable definitions (NAME := value, NAME = value, NAME ?= value).
func makeVars(makefile string) map[string]string {
	vars := map[string]string{}
	for _, line := range strings.Split(makefile, "\n") {
		if strings.HasPrefix(line, "\t") {
			continue
		}
		if m := makeVarRE.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
			vars[m[1]] = strings.TrimSpace(m[2])
		}
	}
	return vars
}

var makeRefRE = regexp.MustCompile(`\$[({]([A-Za-z_][A-Za-z0-9_]*)[)}]`)

// expand substitutes $(NAME) and ${NAME} from vars (ARTIFACTS_DIR and unknown names are
// kept), a few levels deep.
func expand(s string, vars map[string]string, depth int) string {
	if depth > 5 {
		return s
	}
	out := makeRefRE.ReplaceAllStringFunc(s, func(ref string) string {
		name := makeRefRE.FindStringSubmatch(ref)[1]
		if v, ok := vars[name]; ok {
			return v
		}
		return ref
	})
	if out != s {
		return expand(out, vars, depth+1)
	}
	return out
}

// makefileLayerkitBuild recognises a make target that builds the layer with
// `layerkit build SRC ... -o ...`: what lands in the layer is SRC under python/ (or SRC as
// it is when it already has python/). It returns SRC, relative to the Makefile's folder.
// Targets that also pass requirements (-r) or do more than unpack the result are not
// recognised: the build stays opaque.
func makefileLayerkitBuild(t tree.Tree, logicalID string) (src string, ok bool) {
	for _, cmd := range buildRecipe(t, logicalID) {
		f := strings.Fields(cmd)
		for i := 0; i+2 < len(f); i++ {
			if path.Base(strings.TrimLeft(f[i], "@-")) != "layerkit" || f[i+1] != "build" {
				continue
			}
			for _, a := range f[i+2:] {
				if a == "-r" || a == "--requirements" || strings.HasPrefix(a, "--requirements=") {
					return "", false
				}
			}
			cand := strings.Trim(f[i+2], `"'`)
			if strings.HasPrefix(cand, "-") || strings.Contains(cand, "$(") {
				return "", false
			}
			src = cand
		}
	}
	return src, src != ""
}
