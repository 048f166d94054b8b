package sam

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/layerkit/layerkit/internal/iac/artifacts/filter"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/publiclayers"
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
		// sam build sets ARTIFACTS_DIR in make's environment: a Makefile's
		// `ARTIFACTS_DIR ?= build` default does not apply.
		delete(vars, "ARTIFACTS_DIR")
		cmds := recipe(data, "build-"+logicalID)
		for i, cmd := range cmds {
			cmds[i] = expand(cmd, vars, 0)
		}
		return cmds
	}
	return nil
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

// makeBuild is what layerkit understood of a layer's build-<logicalID> make target.
type makeBuild struct {
	found      bool       // the Makefile has the target
	copies     []makeCopy // cp -r of sources into $(ARTIFACTS_DIR)
	installs   []string   // requirement lines its pip install commands install
	installDir string     // "python" when they install into $(ARTIFACTS_DIR)/python
	other      []string   // commands it does not model (the build stays opaque)
	// zips say which public layer zips (publiclayers.Zip) it downloads and unzips into
	// $(ARTIFACTS_DIR), and provides what they hold; what else a zip holds is not
	// listed, so the layer stays opaque.
	zips     []string
	provides []model.Declared
}

// makeCopy is one source of a cp into $(ARTIFACTS_DIR): the entries of folder dir (relative
// to the Makefile's folder) whose name matches pattern (a file or folder name, or a glob
// such as *.py), put in dst (relative to $(ARTIFACTS_DIR), what lands in /opt); folders
// only when recursive.
type makeCopy struct {
	dir, pattern, dst string
	recursive         bool
}

// readMakeBuild reads the build-<logicalID> target: mkdir, cp -r/-R/-a of sources into
// $(ARTIFACTS_DIR), pip install -t $(ARTIFACTS_DIR)/...; anything else is listed in other.
func readMakeBuild(t tree.Tree, logicalID string) makeBuild {
	var mb makeBuild
	cmds := buildRecipe(t, logicalID)
	mb.found = cmds != nil
	if pre := prerequisites(t, "build-"+logicalID); len(pre) > 0 {
		// what the targets it depends on do first is not read
		mb.other = append(mb.other, "prerequisite "+strings.Join(pre, " "))
	}
	made := map[string]bool{"": true} // folders under $(ARTIFACTS_DIR) known to exist
	downloads := map[string]string{}  // file outside $(ARTIFACTS_DIR) -> the URL curl/wget saved there
	for _, cmd := range cmds {
		if specs, target, ok := pipInstall(cmd); ok {
			rel, inArtifacts := artifactsRel(strings.Trim(target, `"'`))
			if !inArtifacts {
				mb.other = append(mb.other, cmd)
				continue
			}
			mb.installs = append(mb.installs, specs...)
			if rel == "python" || strings.HasPrefix(rel, "python/lib/python") {
				mb.installDir = "python"
			}
			made[rel] = true
			continue
		}
		for _, part := range splitShell(cmd) {
			f := strings.Fields(part)
			for len(f) > 0 && strings.TrimLeft(f[0], "@-") == "" {
				f = f[1:]
			}
			if len(f) == 0 {
				continue
			}
			f[0] = strings.TrimLeft(f[0], "@-")
			if strings.HasPrefix(f[0], "#") {
				continue // a comment the shell reads
			}
			switch f[0] {
			case "echo", "true", ":", "du":
				continue
			case "curl", "wget":
				if file, url, ok := readDownload(f); ok {
					downloads[file] = url
					continue
				}
			case "unzip":
				if zip, ok := mb.readUnzip(f[1:], downloads); ok {
					mb.zips = append(mb.zips, zip)
					continue
				}
			case "rm":
				if outsideArtifacts(f[1:]) {
					continue // removes a file the build made elsewhere (the downloaded zip)
				}
			case "mkdir":
				ok := true
				for _, a := range f[1:] {
					if strings.HasPrefix(a, "-") {
						continue
					}
					rel, in := artifactsRel(strings.Trim(a, `"'`))
					if !in {
						ok = false
						continue
					}
					for d := rel; d != "." && d != ""; d = path.Dir(d) {
						made[d] = true
					}
				}
				if ok {
					continue
				}
			case "cp":
				if c, ok := readCopy(f[1:], made); ok {
					mb.copies = append(mb.copies, c...)
					continue
				}
			}
			mb.other = append(mb.other, strings.TrimSpace(part))
		}
	}
	return mb
}

// readDownload reads `curl [-sL] URL -o FILE` / `curl -O URL` / `wget URL [-O FILE]`
// saving one http(s) URL to a file outside $(ARTIFACTS_DIR).
func readDownload(f []string) (file, url string, ok bool) {
	curl := f[0] == "curl"
	remoteName := false
	for i := 1; i < len(f); i++ {
		a := strings.Trim(f[i], `"'`)
		switch {
		case strings.HasPrefix(a, "http://") || strings.HasPrefix(a, "https://"):
			if url != "" {
				return "", "", false
			}
			url = a
		case curl && (a == "-o" || a == "--output") || !curl && (a == "-O" || a == "--output-document"):
			if i+1 >= len(f) {
				return "", "", false
			}
			i++
			file = strings.Trim(f[i], `"'`)
		case !curl && strings.HasPrefix(a, "--output-document="):
			file = strings.TrimPrefix(a, "--output-document=")
		case curl && (a == "-O" || a == "--remote-name"):
			remoteName = true
		case strings.HasPrefix(a, "-"):
			if curl && strings.Contains(a, "o") && !strings.HasPrefix(a, "--") || curl && strings.Contains(a, "O") && !strings.HasPrefix(a, "--") {
				return "", "", false // -so FILE, -sLO: not read
			}
		default:
			return "", "", false
		}
	}
	if url == "" {
		return "", "", false
	}
	if file == "" && (remoteName || !curl) {
		file = path.Base(url)
	}
	if file == "" || strings.Contains(file, "$") && !strings.Contains(file, "ARTIFACTS_DIR") {
		return "", "", false
	}
	if _, in := artifactsRel(file); in {
		return "", "", false // saved into the layer itself
	}
	return file, url, true
}

// readUnzip reads `unzip [-q] [-o] FILE -d $(ARTIFACTS_DIR)` of a public layer zip a
// command before downloaded to FILE: its distribution is installed under python/.
func (mb *makeBuild) readUnzip(args []string, downloads map[string]string) (string, bool) {
	zip, dest := "", ""
	for i := 0; i < len(args); i++ {
		a := strings.Trim(args[i], `"'`)
		switch {
		case a == "-d":
			if i+1 >= len(args) {
				return "", false
			}
			i++
			dest = strings.Trim(args[i], `"'`)
		case strings.HasPrefix(a, "-"):
			if strings.ContainsAny(strings.TrimLeft(a, "-"), "xid") {
				return "", false // -x (exclude), -i (include): not read
			}
		case zip == "":
			zip = a
		default:
			return "", false // a list of members: not read
		}
	}
	url, ok := downloads[zip]
	if !ok {
		return "", false
	}
	pub, ok := publiclayers.Zip(url)
	if rel, in := artifactsRel(dest); !ok || !in || rel != "" {
		return "", false
	}
	mb.provides = append(mb.provides, model.Declared{Dist: pub.What, Modules: pub.Modules, DepsKnown: true})
	return fmt.Sprintf("unzips the %s layer zip %s into $(ARTIFACTS_DIR) (%s under python/)", pub.What, path.Base(url), strings.Join(pub.Modules, ", ")), true
}

// outsideArtifacts reports whether every path rm is given is a plain path outside
// $(ARTIFACTS_DIR).
func outsideArtifacts(args []string) bool {
	n := 0
	for _, a := range args {
		a = strings.Trim(a, `"'`)
		if strings.HasPrefix(a, "-") {
			continue
		}
		if _, in := artifactsRel(a); in || strings.Contains(a, "$") || strings.ContainsAny(a, "*?[") || path.Clean(a) == "/" {
			return false
		}
		n++
	}
	return n > 0
}

// artifactsRel turns a path under $(ARTIFACTS_DIR) into one relative to it. A name that
// only starts with the folder's ($(ARTIFACTS_DIR)..0, $(ARTIFACTS_DIR)x) is beside it, not
// under it.
func artifactsRel(p string) (string, bool) {
	for _, v := range []string{"$(ARTIFACTS_DIR)", "${ARTIFACTS_DIR}"} {
		if rest, ok := strings.CutPrefix(p, v); ok && (rest == "" || rest[0] == '/') {
			rest = strings.Trim(path.Clean("/"+rest), "/")
			return rest, true
		}
	}
	return "", false
}

// readCopy reads the arguments of a cp into $(ARTIFACTS_DIR): cp [-r] SRC... DEST, where
// each SRC is a name or a glob in one folder (shared, *.py, src/*, src/.).
func readCopy(args []string, made map[string]bool) ([]makeCopy, bool) {
	recursive := false
	var ops []string
	for _, a := range args {
		a = strings.Trim(a, `"'`)
		if strings.HasPrefix(a, "-") {
			if strings.ContainsAny(a, "rRa") || a == "--recursive" || a == "--archive" {
				recursive = true
			}
			continue
		}
		ops = append(ops, a)
	}
	if len(ops) < 2 {
		return nil, false
	}
	dst, in := artifactsRel(ops[len(ops)-1])
	if !in {
		return nil, false
	}
	into := made[dst] || strings.HasSuffix(ops[len(ops)-1], "/") || len(ops) > 2
	var out []makeCopy
	for _, src := range ops[:len(ops)-1] {
		if strings.Contains(src, "$") || strings.HasPrefix(src, "/") {
			return nil, false
		}
		dir, base := path.Split(strings.TrimSuffix(src, "/"))
		dir = strings.TrimSuffix(path.Clean("./"+dir), "/")
		if dir == "." {
			dir = ""
		}
		if dir == ".." || strings.HasPrefix(dir, "../") || strings.ContainsAny(dir, "*?[") {
			return nil, false
		}
		c := makeCopy{dir: dir, pattern: base, dst: dst, recursive: recursive}
		switch {
		case base == "." || base == "*":
			// the folder's contents (cp -r src/. DEST, cp -r src/* DEST, cp -r . DEST)
			if !recursive && base == "." {
				return nil, false
			}
			c.pattern = "*"
		case !into:
			// cp -r src DEST with no DEST yet: DEST becomes the copy of src
			if !recursive || strings.ContainsAny(base, "*?[") {
				return nil, false
			}
			c.dir, c.pattern = path.Join(dir, base), "*"
		}
		out = append(out, c)
	}
	made[dst] = true
	return out, true
}

// tree is what c puts under $(ARTIFACTS_DIR), from the Makefile's folder t.
func (c makeCopy) tree(t tree.Tree) tree.Tree {
	keep := func(name string) bool {
		first, rest, deeper := strings.Cut(name, "/")
		ok, _ := path.Match(c.pattern, first)
		return ok && (!deeper || c.recursive) && rest != ".."
	}
	return tree.Mount(filter.Tree(tree.Sub(t, c.dir), keep), c.dst)
}

// matches reports whether c copies anything from t.
func (c makeCopy) matches(t tree.Tree) bool {
	infos, err := t.ReadDir(c.dir)
	if err != nil {
		return false
	}
	for _, i := range infos {
		if ok, _ := path.Match(c.pattern, i.Name); ok && (c.recursive || !i.Dir) {
			return true
		}
	}
	return false
}

// describe says, for a note, what the target does that layerkit read.
func (mb makeBuild) describe() string {
	parts := append([]string(nil), mb.zips...)
	if len(mb.installs) > 0 {
		where := "$(ARTIFACTS_DIR)"
		if mb.installDir == "python" {
			where = "python/ (→ /opt/python)"
		}
		var what []string
		for _, i := range mb.installs {
			if f, ok := strings.CutPrefix(i, "-r "); ok {
				i = "the requirements in " + f
			}
			what = append(what, i)
		}
		parts = append(parts, fmt.Sprintf("pip-installs %s into %s", strings.Join(what, ", "), where))
	}
	for _, c := range mb.copies {
		lands := c.dst
		if !strings.ContainsAny(c.pattern, "*?[") {
			lands = path.Join(c.dst, c.pattern)
		}
		parts = append(parts, fmt.Sprintf("copies %s into %s/ (→ /opt/%s)", path.Join(c.dir, c.pattern), c.dst, lands))
	}
	return strings.Join(parts, "; ")
}

// prerequisites lists the prerequisites of a make target in the Makefile of t.
func prerequisites(t tree.Tree, target string) []string {
	for _, name := range []string{"Makefile", "makefile", "GNUmakefile"} {
		b, err := t.ReadFile(name)
		if err != nil {
			continue
		}
		var out []string
		for _, line := range strings.Split(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n") {
			if strings.HasPrefix(line, "\t") || strings.HasPrefix(strings.TrimSpace(line), ".PHONY") {
				continue
			}
			head, rest, ok := strings.Cut(line, ":")
			if !ok || strings.Contains(head, "=") || strings.HasPrefix(rest, "=") || !slices.Contains(strings.Fields(head), target) {
				continue
			}
			rest, _, _ = strings.Cut(rest, "#")
			rest, _, _ = strings.Cut(rest, ";")
			out = append(out, strings.Fields(strings.TrimPrefix(rest, ":"))...)
		}
		return out
	}
	return nil
}
