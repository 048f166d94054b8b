package terraform

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/iac/artifacts/filter"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/tree"
)

// archive is a data "archive_file": what its zip will hold, modelled from its sources.
type archive struct {
	name    string
	outAbs  string      // output_path on disk, "" if unknown
	code    *model.Code // nil when the sources cannot be read
	problem string      // why code is nil
}

// abs joins a configuration path to the module folder (path.module is ".").
func (l *loader) abs(p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(l.dir, filepath.FromSlash(p))
}

func (l *loader) readArchive(name string, b *hcl.Block) *archive {
	c := content(b, []string{"type", "source_dir", "source_file", "source_content",
		"source_content_filename", "output_path", "excludes"}, "source")
	a := c.Attributes
	ar := &archive{name: name}
	if s, ok := str(l.eval(attrExpr(a["output_path"]))); ok {
		ar.outAbs = l.abs(s)
	}
	label := "archive_file." + name
	if ar.outAbs != "" {
		label = iac.Rel(l.root, ar.outAbs)
	}
	switch {
	case a["source_dir"] != nil:
		s, ok := str(l.eval(a["source_dir"].Expr))
		if !ok {
			ar.problem = fmt.Sprintf("data.archive_file.%s: source_dir = %s cannot be evaluated", name, l.text(a["source_dir"].Expr.Range()))
			return ar
		}
		dirAbs := l.abs(s)
		disp := iac.Rel(l.root, dirAbs)
		t, err := tree.Dir(dirAbs, disp)
		if err != nil {
			ar.problem = fmt.Sprintf("data.archive_file.%s: source_dir %s does not exist", name, disp)
			return ar
		}
		var excludes []string
		if ea := a["excludes"]; ea != nil {
			ex, ok := strList(l.eval(ea.Expr))
			if !ok {
				l.note("LK105", model.Info, "", "", pos(ea.Range),
					fmt.Sprintf("data.archive_file.%s: excludes = %s cannot be evaluated; nothing is assumed excluded", name, l.text(ea.Expr.Range())), "")
			}
			excludes = ex
		}
		if len(excludes) > 0 {
			t = filter.Tree(t, func(n string) bool { return !excluded(excludes, n) })
		}
		ar.code = &model.Code{Tree: t, Display: strings.TrimSuffix(disp, "/") + "/"}
	case a["source_file"] != nil:
		s, ok := str(l.eval(a["source_file"].Expr))
		if !ok {
			ar.problem = fmt.Sprintf("data.archive_file.%s: source_file = %s cannot be evaluated", name, l.text(a["source_file"].Expr.Range()))
			return ar
		}
		fileAbs := l.abs(s)
		if st, err := os.Stat(fileAbs); err != nil || st.IsDir() {
			ar.problem = fmt.Sprintf("data.archive_file.%s: source_file %s does not exist", name, iac.Rel(l.root, fileAbs))
			return ar
		}
		parent, err := tree.Dir(filepath.Dir(fileAbs), iac.Rel(l.root, filepath.Dir(fileAbs)))
		if err != nil {
			ar.problem = fmt.Sprintf("data.archive_file.%s: cannot read %s", name, iac.Rel(l.root, fileAbs))
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
			l.note("LK105", model.Info, "", "", pos(b.DefRange),
				fmt.Sprintf("data.archive_file.%s: some inline content cannot be evaluated; only the files that can are modelled", name), "")
		}
		ar.code = &model.Code{Tree: tree.NewMap(label, files), Display: label}
	default:
		ar.problem = fmt.Sprintf("data.archive_file.%s has no source_dir, source_file or source content", name)
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

// codeFromFilename models the zip a filename attribute names: an archive_file's
// output, or a zip on disk. Code is nil when neither can be read; why says so.
func (l *loader) codeFromFilename(a *hcl.Attribute) (code *model.Code, why string) {
	v := l.eval(a.Expr)
	s, ok := str(v)
	if !ok {
		return nil, fmt.Sprintf("filename = %s cannot be evaluated", l.text(a.Expr.Range()))
	}
	if k, name, _, ok := parseMarker(s); ok && k == "archive" {
		if ar := l.archives[name]; ar != nil {
			if ar.code == nil {
				return nil, ar.problem
			}
			return ar.code, ""
		}
		return nil, fmt.Sprintf("data.archive_file.%s is not defined", name)
	}
	if strings.Contains(s, markerPrefix) {
		return nil, fmt.Sprintf("filename = %s cannot be evaluated", l.text(a.Expr.Range()))
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
	if st, err := os.Stat(abs); err == nil && !st.IsDir() {
		z, err := tree.Zip(abs, disp)
		if err != nil {
			return nil, fmt.Sprintf("%s is not a readable zip archive (%v)", disp, err)
		}
		return &model.Code{Tree: z, Display: disp}, ""
	}
	return nil, fmt.Sprintf("%s does not exist yet; build it first or point at the archive_file", disp)
}
