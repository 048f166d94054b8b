package terraform

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/iac/artifacts/filter"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/rulecode"
	"github.com/layerkit/layerkit/internal/tree"
)

// archive is a data "archive_file": what its zip will hold, modelled from its sources.
type archive struct {
	name    string
	outAbs  string      // output_path on disk, "" if unknown
	code    *model.Code // nil when the sources cannot be read
	problem string      // why code is nil
}

// abs resolves a configuration path as Terraform does: a relative path against the
// working folder (the root module's), whatever module it is written in; a module's
// own folder is reached only through path.module.
func (l *loader) abs(p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(l.cwd, filepath.FromSlash(p))
}

// inside reports whether the code location abs, which the property prop at r names as
// written, is inside the checked folder (or an --allow-outside place). When it is not,
// the load fails there and the place is never read.
func (l *loader) inside(r hcl.Range, prop, written, abs string) bool {
	err := l.lim.CheckInside(l.root, abs)
	if err == nil {
		return true
	}
	var oe *iac.OutsideError
	if errors.As(err, &oe) {
		oe.Path = written
	}
	l.budget.fail(r, "%s: %v", prop, err)
	return false
}

func (l *loader) readArchive(r *resInst) *archive {
	name, b := r.name, r.block
	addr := r.addr()
	if r.unknown != "" {
		return &archive{name: name, problem: addr + ": " + r.unknown}
	}
	c := content(b, []string{"type", "source_dir", "source_file", "source_content",
		"source_content_filename", "output_path", "excludes"}, "source")
	a := c.Attributes
	ar := &archive{name: name}
	if s, ok := str(l.eval(attrExpr(a["output_path"]))); ok {
		ar.outAbs = l.abs(s)
	}
	label := addr
	if ar.outAbs != "" {
		label = iac.Rel(l.root, ar.outAbs)
	}
	switch {
	case a["source_dir"] != nil:
		s, ok := str(l.eval(a["source_dir"].Expr))
		if !ok {
			ar.problem = fmt.Sprintf("%s: source_dir = %s cannot be evaluated: %s", addr, l.text(a["source_dir"].Expr.Range()), l.cause(a["source_dir"].Expr))
			return ar
		}
		dirAbs := l.abs(s)
		disp := iac.Rel(l.root, dirAbs)
		if !l.inside(a["source_dir"].Range, addr+": source_dir", s, dirAbs) {
			ar.problem = "outside the checked folder"
			return ar
		}
		t, err := l.lim.Dir(dirAbs, disp)
		built := ""
		if err != nil {
			code, why := l.builtBy(dirAbs, disp)
			if code == nil {
				ar.problem = fmt.Sprintf("%s: source_dir %s does not exist", addr, disp)
				if why != "" {
					ar.problem += ", and " + why
				} else {
					ar.problem += " and no build step of the repository (Makefile, script, workflow, provisioner) was found that writes it"
				}
				return ar
			}
			t, built = code.Tree, strings.TrimPrefix(code.Display, disp)
			ar.code = code
		}
		var excludes []string
		if ea := a["excludes"]; ea != nil {
			ex, ok := strList(l.eval(ea.Expr))
			if !ok {
				l.note(rulecode.LK105, model.Info, "", "", pos(ea.Range),
					fmt.Sprintf("%s: excludes = %s cannot be evaluated; nothing is assumed excluded", addr, l.text(ea.Expr.Range())), "")
			}
			excludes = ex
		}
		if len(excludes) > 0 {
			t = filter.Tree(t, func(n string) bool { return !excluded(excludes, n) })
		}
		installs, installDir := []string(nil), ""
		if ar.code != nil {
			installs, installDir = ar.code.Installs, ar.code.InstallDir
		}
		ar.code = &model.Code{Tree: t, Display: strings.TrimSuffix(disp, "/") + "/" + built, Installs: installs, InstallDir: installDir}
		if p := l.pipInstallFor(r, dirAbs); p != nil && len(installs) == 0 {
			ar.code.Installs, ar.code.InstallDir = p.lines, p.dir
			ar.code.Display += " (" + p.describe() + ")"
		}
	case a["source_file"] != nil:
		s, ok := str(l.eval(a["source_file"].Expr))
		if !ok {
			ar.problem = fmt.Sprintf("%s: source_file = %s cannot be evaluated: %s", addr, l.text(a["source_file"].Expr.Range()), l.cause(a["source_file"].Expr))
			return ar
		}
		fileAbs := l.abs(s)
		if !l.inside(a["source_file"].Range, addr+": source_file", s, fileAbs) {
			ar.problem = "outside the checked folder"
			return ar
		}
		if st, err := os.Stat(fileAbs); err != nil || st.IsDir() {
			ar.problem = fmt.Sprintf("%s: source_file %s does not exist", addr, iac.Rel(l.root, fileAbs))
			return ar
		}
		parent, err := l.lim.Dir(filepath.Dir(fileAbs), iac.Rel(l.root, filepath.Dir(fileAbs)))
		if err != nil {
			ar.problem = fmt.Sprintf("%s: cannot read %s", addr, iac.Rel(l.root, fileAbs))
			return ar
		}
		ar.code = &model.Code{Tree: filter.Only(parent, filepath.Base(fileAbs)), Display: iac.Rel(l.root, fileAbs)}
	case a["source_content"] != nil || len(c.Blocks) > 0:
		files := map[string]string{}
		add := func(content, filename *hcl.Attribute) bool {
			cs, ok1 := str(l.eval(attrExpr(content)))
			fs, ok2 := str(l.eval(attrExpr(filename)))
			if !ok1 || !ok2 {
				return false
			}
			n, ok := tree.Clean(fs)
			if !ok || n == "" {
				return false
			}
			files[n] = cs
			return true
		}
		complete := true
		if a["source_content"] != nil {
			complete = add(a["source_content"], a["source_content_filename"])
		}
		for _, sb := range c.Blocks {
			sc := content(sb, []string{"content", "filename"})
			complete = add(sc.Attributes["content"], sc.Attributes["filename"]) && complete
		}
		if !complete {
			l.note(rulecode.LK105, model.Info, "", "", pos(b.DefRange),
				fmt.Sprintf("%s: some inline content cannot be evaluated; only the files that can are modelled", addr), "")
		}
		ar.code = &model.Code{Tree: tree.NewMap(label, files), Display: label}
	default:
		ar.problem = fmt.Sprintf("%s has no source_dir, source_file or source content", addr)
	}
	return ar
}

// excluded reports whether the archive provider leaves name out: an exclude names a
// file or folder relative to source_dir exactly, or is a glob (newer provider
// versions) matching it or a folder above it.
func excluded(excludes []string, name string) bool {
	for _, e := range excludes {
		e = strings.TrimSuffix(strings.TrimPrefix(path.Clean(filepath.ToSlash(e)), "./"), "/")
		if e == name || strings.HasPrefix(name, e+"/") {
			return true
		}
		if filter.HasMeta(e) {
			if filter.Match(e, name) {
				return true
			}
			for d := path.Dir(name); d != "."; d = path.Dir(d) {
				if filter.Match(e, d) {
					return true
				}
			}
		}
	}
	return false
}

// codeFromFilename models the zip a filename (or an S3 object's source) attribute
// names: an archive_file's output, or a zip on disk. Code is nil when neither can be
// read; why says so.
func (l *loader) codeFromFilename(a *hcl.Attribute) (code *model.Code, why string) {
	v := l.eval(a.Expr)
	s, ok := str(v)
	if !ok {
		return nil, fmt.Sprintf("%s = %s cannot be evaluated: %s", a.Name, l.text(a.Expr.Range()), l.cause(a.Expr))
	}
	if k, addr, _, ok := parseMarker(s); ok && k == "modpkg" {
		return l.lambdaPackage(addr)
	}
	if k, addr, _, ok := parseMarker(s); ok && k == "archive" {
		if ar := l.archives[addr]; ar != nil {
			if ar.code == nil {
				return nil, ar.problem
			}
			return ar.code, ""
		}
		return nil, fmt.Sprintf("%s is not defined", addr)
	}
	if strings.Contains(s, markerPrefix) {
		return nil, fmt.Sprintf("%s = %s cannot be evaluated: %s", a.Name, l.text(a.Expr.Range()), l.cause(a.Expr))
	}
	abs := l.abs(s)
	disp := iac.Rel(l.root, abs)
	for _, ar := range l.archives { // the path an archive_file writes: its sources are current
		if ar.outAbs == abs {
			if ar.code == nil {
				return nil, ar.problem
			}
			return ar.code, ""
		}
	}
	if !l.inside(a.Range, a.Name, s, abs) {
		return nil, "outside the checked folder"
	}
	if st, err := os.Stat(abs); err == nil && !st.IsDir() {
		z, err := l.lim.Zip(abs, disp)
		if err != nil {
			return nil, fmt.Sprintf("%s is not a readable zip archive (%v)", disp, err)
		}
		return &model.Code{Tree: z, Display: disp}, ""
	}
	built, why := l.builtBy(abs, disp)
	if built != nil {
		return built, ""
	}
	if why != "" {
		return nil, fmt.Sprintf("%s does not exist yet, and %s", disp, why)
	}
	return nil, fmt.Sprintf("%s does not exist yet and no build step of the repository (Makefile, script, workflow, provisioner) was found that writes it; build it first or point at the archive_file", disp)
}
