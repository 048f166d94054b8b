package terraform

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/iac/buildscript"
	"github.com/layerkit/layerkit/internal/model"
)

// builtBy models a zip or folder that does not exist yet from the build that makes it,
// run through internal/iac/buildscript (a model of the shell, nothing executed): first
// the current module's data "external" programs and local-exec provisioners (Terraform
// runs them before it reads the file), then the repository's own build steps —
// GitHub Actions run steps, the targets of the Makefiles of the working folder and the
// folders above it up to the checked folder, and the *.sh scripts there and in their
// scripts/ and bin/ folders (field test:
// felixhammerl/infrastructure-scanner, `make python` running
// `scripts/build-python.sh steps/gather --include-venv` into build/steps/gather).
// why says which build writes it but cannot be followed, when one does.
func (l *loader) builtBy(abs, disp string) (code *model.Code, why string) {
	var whys []string
	if l.curMod != nil {
		if l.modBuilds == nil {
			l.modBuilds = map[*modInst]*buildscript.Set{}
		}
		s := l.modBuilds[l.curMod]
		if s == nil {
			s = buildscript.NewSet(l.root, l.lim, l.moduleBuilds())
			l.modBuilds[l.curMod] = s
		}
		if a, w := s.Output(abs, disp); a != nil {
			return artifactCode(a, disp), ""
		} else if w != "" {
			whys = append(whys, w)
		}
	}
	if l.repoBuilds == nil {
		l.repoBuilds = buildscript.NewSet(l.root, l.lim, l.repositoryBuilds())
	}
	if a, w := l.repoBuilds.Output(abs, disp); a != nil {
		return artifactCode(a, disp), ""
	} else if w != "" {
		whys = append(whys, w)
	}
	return nil, strings.Join(whys, "; ")
}

func artifactCode(a *buildscript.Artifact, disp string) *model.Code {
	return &model.Code{Tree: a.Tree, Display: fmt.Sprintf("%s (built by %s)", disp, a.From),
		Installs: a.Installs, InstallDir: a.InstallDir}
}

// moduleBuilds are the current module's data "external" programs that are shell
// scripts (with their query as the JSON they read) and its local-exec provisioners.
func (l *loader) moduleBuilds() []buildscript.Build {
	var out []buildscript.Build
	for _, rb := range l.curMod.cfg.resources {
		switch rb.typ {
		case "data.external":
			if b, ok := l.externalBuild(rb); ok {
				out = append(out, b)
			}
		case "null_resource", "terraform_data":
			for _, c := range l.localExecs(rb.block) {
				out = append(out, buildscript.Command(rb.typ+"."+rb.name+"'s local-exec", c.cmd, c.wd, nil))
			}
		}
	}
	return out
}

// externalBuild is a data "external" whose program is a shell script: program =
// ["bash", "${path.module}/pack.sh", ...] (or the script itself), run in working_dir
// (default: the working folder) with the query on its standard input.
func (l *loader) externalBuild(rb resourceBlock) (buildscript.Build, bool) {
	a := content(rb.block, []string{"program", "query", "working_dir"}).Attributes
	prog, ok := strList(l.eval(attrExpr(a["program"])))
	if !ok || len(prog) == 0 {
		return buildscript.Build{}, false
	}
	switch filepath.Base(prog[0]) {
	case "bash", "sh":
		prog = prog[1:]
		for len(prog) > 0 && strings.HasPrefix(prog[0], "-") {
			prog = prog[1:]
		}
	default:
		if !strings.HasSuffix(prog[0], ".sh") {
			return buildscript.Build{}, false
		}
	}
	if len(prog) == 0 {
		return buildscript.Build{}, false
	}
	query := map[string]string{}
	if a["query"] != nil {
		v := l.eval(a["query"].Expr)
		if v == cty.NilVal || !v.IsWhollyKnown() || v.IsNull() || !(v.Type().IsObjectType() || v.Type().IsMapType()) {
			return buildscript.Build{}, false
		}
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			s, ok := str(e)
			if !ok {
				return buildscript.Build{}, false
			}
			query[k.AsString()] = s
		}
	}
	wd := l.cwd
	if a["working_dir"] != nil {
		w, ok := str(l.eval(a["working_dir"].Expr))
		if !ok {
			return buildscript.Build{}, false
		}
		wd = l.absFrom(wd, w)
	}
	script := l.absFrom(wd, prog[0])
	label := fmt.Sprintf("%s%s.%s (%s)", l.curMod.prefix(), rb.typ, rb.name, iac.Rel(l.root, script))
	return buildscript.Build{Label: label, Run: func(r *buildscript.Runner) error {
		if l.lim.CheckInside(l.root, script) != nil {
			return nil
		}
		src, err := l.lim.ReadConfig(script)
		if err != nil {
			return nil
		}
		r.Stdin = query
		return r.Script(string(src), prog[0], wd, prog[1:], nil)
	}}, true
}

// repositoryBuilds are the checked folder's own build steps: workflow run steps,
// Makefile targets and shell scripts of the working folder and the folders above it.
func (l *loader) repositoryBuilds() []buildscript.Build {
	var out []buildscript.Build
	if l.workflows == nil {
		l.workflows = readWorkflows(l.lim, l.root)
	}
	for _, s := range l.workflows {
		out = append(out, buildscript.Command(s.file+" step "+s.name, s.run, s.wd, nil))
	}
	var dirs []string
	for d := l.cwd; ; d = filepath.Dir(d) {
		if !iac.Within(l.root, d) {
			break
		}
		dirs = append(dirs, d)
		if d == l.root || d == filepath.Dir(d) {
			break
		}
	}
	for _, d := range dirs {
		for _, name := range []string{"GNUmakefile", "makefile", "Makefile"} {
			if bs := buildscript.Makefile(l.lim, l.root, filepath.Join(d, name)); bs != nil {
				out = append(out, bs...)
				break
			}
		}
	}
	for _, d := range dirs {
		for _, p := range buildscript.Scripts([]string{d}) {
			out = append(out, buildscript.ScriptFile(l.lim, l.root, p, d))
		}
		for _, sub := range []string{"scripts", "bin"} {
			for _, p := range buildscript.Scripts([]string{filepath.Join(d, sub)}) {
				out = append(out, buildscript.ScriptFile(l.lim, l.root, p, d))
			}
		}
	}
	return out
}
