package terraform

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/iac/artifacts/filter"
	"github.com/layerkit/layerkit/internal/iac/buildscript"
	"github.com/layerkit/layerkit/internal/model"
)

// pipInstall is what a local-exec provisioner installs into the folder an archive_file
// zips: requirement lines (requirements.txt syntax, "-r file" relative to the folder)
// and the subfolder of it they go to ("" for the folder itself).
type pipInstall struct {
	lines []string
	dir   string
	from  string // the resource whose provisioner runs it: "null_resource.install_dependencies"
}

// pipInstallFor finds, among the resources the archive_file r depends on (depends_on), a
// null_resource or terraform_data whose local-exec command runs `pip install -r REQ -t DIR`
// (or names distributions) with DIR the zipped folder dirAbs or a folder below it. Terraform
// runs that provisioner before it zips the folder, so the package holds what pip installs:
// the requirements are modelled as a build step's, like SAM's BuildMethod (field test:
// gingebot/version_notifier, `pip install -r ${var.lambda_root}/requirements.txt -t
// ${var.lambda_root}/`). A command layerkit cannot evaluate or read is not modelled.
func (l *loader) pipInstallFor(r *resInst, dirAbs string) *pipInstall {
	dep := content(r.block, []string{"depends_on"}).Attributes["depends_on"]
	if dep == nil {
		return nil
	}
	exprs, diags := hcl.ExprList(dep.Expr)
	if diags.HasErrors() {
		return nil
	}
	for _, e := range exprs {
		tr, diags := hcl.AbsTraversalForExpr(e)
		if diags.HasErrors() || len(tr) < 2 {
			continue
		}
		typ := tr.RootName()
		attr, ok := tr[1].(hcl.TraverseAttr)
		if !ok || (typ != "null_resource" && typ != "terraform_data") {
			continue
		}
		for _, rb := range r.m.cfg.resources {
			if rb.typ != typ || rb.name != attr.Name {
				continue
			}
			for _, c := range l.localExecs(rb.block) {
				if p := l.pipInstallInto(c.cmd, c.wd, dirAbs, false); p != nil {
					p.from = typ + "." + attr.Name
					return p
				}
			}
		}
	}
	return nil
}

// absFrom resolves p against folder dir.
func (l *loader) absFrom(dir, p string) string {
	if !filepath.IsAbs(p) {
		p = filepath.Join(dir, filepath.FromSlash(p))
	}
	return filepath.Clean(p)
}

// pipInstallInto reads the pip installs of a shell command run in folder wd and keeps
// those whose target is dirAbs or below it.
func (l *loader) pipInstallInto(cmd, wd, dirAbs string, inline bool) *pipInstall {
	var out *pipInstall
	for _, seg := range shellSegments(cmd) {
		reqs, pkgs, target, ok := buildscript.ParsePipInstall(seg)
		if !ok || target == "" {
			continue
		}
		tAbs := l.absFrom(wd, target)
		rel, err := filepath.Rel(dirAbs, tAbs)
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			continue
		}
		if rel == "." {
			rel = ""
		}
		if out == nil {
			out = &pipInstall{dir: filepath.ToSlash(rel)}
		} else if out.dir != filepath.ToSlash(rel) {
			continue
		}
		for _, q := range reqs {
			qAbs := l.absFrom(wd, q)
			if r, err := filepath.Rel(dirAbs, qAbs); !inline && err == nil && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator)) {
				out.lines = append(out.lines, "-r "+filepath.ToSlash(r))
				continue
			}
			// a requirements file outside the zipped folder (or not zipped: inline): its
			// lines, when it is in the checked folder and readable
			if l.lim.CheckInside(l.root, qAbs) != nil {
				continue
			}
			b, err := l.lim.ReadConfig(qAbs)
			if err != nil {
				continue
			}
			for _, line := range strings.Split(string(b), "\n") {
				if t := strings.TrimSpace(line); t != "" && !strings.HasPrefix(t, "#") && !strings.HasPrefix(t, "-") {
					out.lines = append(out.lines, t)
				}
			}
		}
		out.lines = append(out.lines, pkgs...)
	}
	if out == nil || len(out.lines) == 0 {
		return nil
	}
	return out
}

// shellSegments splits a command line into the simple commands joined by &&, ||, ; and
// newlines (quotes kept together), each as its words with quotes removed.
func shellSegments(cmd string) [][]string {
	var segs [][]string
	var words []string
	var cur strings.Builder
	inWord := false
	var quote rune
	flushWord := func() {
		if inWord {
			words = append(words, cur.String())
			cur.Reset()
			inWord = false
		}
	}
	flushSeg := func() {
		flushWord()
		if len(words) > 0 {
			segs = append(segs, words)
			words = nil
		}
	}
	rs := []rune(cmd)
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			} else {
				cur.WriteRune(c)
			}
		case c == '\'' || c == '"':
			quote, inWord = c, true
		case c == '\\' && i+1 < len(rs) && rs[i+1] == '\n':
			i++ // line continuation
		case c == ' ' || c == '\t':
			flushWord()
		case c == '\n' || c == ';':
			flushSeg()
		case (c == '&' || c == '|') && i+1 < len(rs) && rs[i+1] == c:
			flushSeg()
			i++
		default:
			cur.WriteRune(c)
			inWord = true
		}
	}
	flushSeg()
	return segs
}

// describe is how the modelled install reads in a package's display name.
func (p *pipInstall) describe() string {
	return fmt.Sprintf("with %s's pip install", p.from)
}

// localExec is one local-exec provisioner's command, evaluated, and the folder it runs in.
type localExec struct{ cmd, wd string }

// localExecs evaluates the local-exec provisioners of a resource block in the current
// context; a command or working_dir that cannot be evaluated is left out.
func (l *loader) localExecs(b *hcl.Block) []localExec {
	pc, _, _ := b.Body.PartialContent(&hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: "provisioner", LabelNames: []string{"type"}}}})
	if pc == nil {
		return nil
	}
	var out []localExec
	for _, pb := range pc.Blocks {
		if len(pb.Labels) == 0 || pb.Labels[0] != "local-exec" {
			continue
		}
		pa := content(pb, []string{"command", "working_dir"}).Attributes
		cmd, ok := str(l.eval(attrExpr(pa["command"])))
		if !ok {
			continue
		}
		wd := l.cwd
		if pa["working_dir"] != nil {
			w, ok := str(l.eval(pa["working_dir"].Expr))
			if !ok {
				continue
			}
			wd = l.absFrom(wd, w)
		}
		out = append(out, localExec{cmd, wd})
	}
	return out
}

// zipBuiltByProvisioner models a zip that does not exist yet but that a null_resource or
// terraform_data of the current module builds in its local-exec command: `cd DIR`, `pip
// install ... -t T`, then `zip -r OUT PATH...` with OUT the zip outAbs. Terraform runs the
// provisioner at apply, so the zip holds PATH (from the repository) and what pip installs
// into T when T is inside it (field test: dmenezesgabriel/py-aws-terraform-lambda-layer,
// `cd lambda_layer; pip3 install -r ../requirements.txt -t python/; zip -r layer.zip python/`
// uploaded by aws_s3_object). nil when no provisioner writes it or it cannot be modelled.
func (l *loader) zipBuiltByProvisioner(outAbs, disp string) *model.Code {
	if l.curMod == nil {
		return nil
	}
	for _, rb := range l.curMod.cfg.resources {
		if rb.typ != "null_resource" && rb.typ != "terraform_data" {
			continue
		}
		for _, c := range l.localExecs(rb.block) {
			if code := l.zipFromCommand(c, outAbs, disp, rb.typ+"."+rb.name+"'s local-exec"); code != nil {
				return code
			}
		}
	}
	return nil
}

func (l *loader) zipFromCommand(c localExec, outAbs, disp, from string) *model.Code {
	wd := c.wd
	type install struct {
		reqs, pkgs []string
		target, wd string
	}
	var installs []install
	for _, seg := range shellSegments(c.cmd) {
		switch {
		case seg[0] == "cd" && len(seg) == 2:
			wd = l.absFrom(wd, seg[1])
		case seg[0] == "zip":
			out, paths := zipArgs(seg[1:])
			if out == "" || len(paths) == 0 {
				continue
			}
			if !strings.HasSuffix(out, ".zip") {
				out += ".zip" // zip adds the suffix
			}
			if l.absFrom(wd, out) != outAbs {
				continue
			}
			if l.lim.CheckInside(l.root, wd) != nil {
				return nil
			}
			base, err := l.lim.Dir(wd, iac.Rel(l.root, wd))
			if err != nil {
				return nil
			}
			var keep []string
			for _, p := range paths {
				r, err := filepath.Rel(wd, l.absFrom(wd, p))
				if err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
					return nil // zip stores such paths as written: not modelled
				}
				keep = append(keep, filepath.ToSlash(r))
			}
			code := &model.Code{Display: fmt.Sprintf("%s (built by %s)", disp, from)}
			code.Tree = filter.Tree(base, func(n string) bool {
				for _, k := range keep {
					if k == "." || n == k || strings.HasPrefix(n, k+"/") {
						return true
					}
				}
				return false
			})
			for _, in := range installs {
				// installs into a zipped folder: their requirements are in the zip
				for _, k := range keep {
					tRel, err := filepath.Rel(wd, in.target)
					if err != nil {
						continue
					}
					tRel = filepath.ToSlash(tRel)
					if k != "." && tRel != k && !strings.HasPrefix(tRel, k+"/") {
						continue
					}
					if p := l.pipInstallInto(installCommand(in.reqs, in.pkgs, in.target), in.wd, wd, true); p != nil {
						code.Installs, code.InstallDir = p.lines, p.dir
					}
					break
				}
				if len(code.Installs) > 0 {
					break
				}
			}
			return code
		default:
			if reqs, pkgs, target, ok := buildscript.ParsePipInstall(seg); ok && target != "" {
				installs = append(installs, install{reqs, pkgs, l.absFrom(wd, target), wd})
			}
		}
	}
	return nil
}

// installCommand writes a pip install back as a command line pipInstallInto reads
// (paths absolute, so the folder it runs in does not matter).
func installCommand(reqs, pkgs []string, target string) string {
	var b strings.Builder
	b.WriteString("pip install")
	for _, r := range reqs {
		b.WriteString(" -r '" + r + "'")
	}
	for _, p := range pkgs {
		b.WriteString(" '" + p + "'")
	}
	b.WriteString(" -t '" + target + "'")
	return b.String()
}

// zipArgs reads `zip [options] OUT PATH...` (Info-ZIP): the archive and the paths.
func zipArgs(w []string) (out string, paths []string) {
	for i := 0; i < len(w); i++ {
		a := w[i]
		switch {
		case a == "-x" || a == "-i" || a == "--exclude" || a == "--include":
			return "", nil // patterns: not modelled
		case a == "-b" || a == "-n" || a == "-t" || a == "-tt" || a == "-P" || a == "-Z" || a == "-s":
			i++ // an option with a value
		case strings.HasPrefix(a, "-"):
		case out == "":
			out = a
		default:
			paths = append(paths, a)
		}
	}
	return out, paths
}
