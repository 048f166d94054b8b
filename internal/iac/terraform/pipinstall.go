package terraform

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/layerkit/layerkit/internal/iac/buildscript"
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
