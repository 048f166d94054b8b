package sam

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/iac/cfn"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/rulecode"
	"github.com/layerkit/layerkit/internal/tree"
)

// A built app (.aws-sam/build) is exact only as long as its sources have not changed
// since sam build ran. Each built function and layer whose package sam build copied
// from a local folder is compared with that folder, file by file (content, not mtime):
// a file changed, added or removed in the source makes an LK409 warning at the source
// template's CodeUri/ContentUri. Files identical in both are shown under their source
// name, so that findings in them land on the file the user edits.

// Bounds on the comparison of one package: past them the rest is not compared.
const (
	maxCompareFiles = 5_000
	maxCompareBytes = 64 << 20
	maxListed       = 5 // files named in the warning; the rest are counted
)

// LoadBuilt reads the built template at builtPath (.aws-sam/build/template.yaml) and
// compares each package sam build copied with its source, as sourcePath (the template
// sam build read) says where it is. sourcePath "" skips the comparison. It reads within
// the limits of opts.
func LoadBuilt(root, builtPath, sourcePath string, opts iac.Options) (*model.App, error) {
	root, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	app, err := LoadWith(root, builtPath, opts)
	if err != nil {
		return nil, err
	}
	builtAbs, err := filepath.Abs(builtPath)
	if err != nil || sourcePath == "" || !IsBuiltTemplate(builtAbs) {
		return app, err
	}
	bt := parseQuiet(opts.Limits, root, builtAbs)
	if bt == nil {
		return app, nil
	}
	compareWithSource(&side{root: root, dir: filepath.Dir(builtAbs), tpl: bt, b: newBuilder(bt), lim: opts.Limits}, app, sourcePath)
	return app, nil
}

// side is one template of the comparison: where it is and how its code locations read.
type side struct {
	root, dir string
	tpl       *cfn.Template
	b         *cfn.Builder
	lim       iac.Limits
}

// abs resolves a path written in the template.
func (s *side) abs(p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(s.dir, filepath.FromSlash(p))
}

func newBuilder(t *cfn.Template) *cfn.Builder {
	return &cfn.Builder{T: t, App: &model.App{}, Globals: t.Section("Globals").Get("Function")}
}

// parseQuiet parses the template at abs; nil when it cannot be read (Load has said why,
// or the comparison is given up).
func parseQuiet(lim iac.Limits, root, abs string) *cfn.Template {
	data, err := lim.ReadConfig(abs)
	if err != nil {
		return nil
	}
	t, err := cfn.Parse(data, cfn.DisplayPath(root, abs))
	if err != nil {
		return nil
	}
	return t
}

// source is the source template's view of one resource: where its package comes from.
type source struct {
	abs string    // the local folder, absolute
	pos model.Pos // the CodeUri/ContentUri property (or the resource)
}

func compareWithSource(l *side, app *model.App, sourcePath string) {
	srcAbs, err := filepath.Abs(sourcePath)
	if err != nil {
		return
	}
	st := parseQuiet(l.lim, l.root, srcAbs)
	if st == nil {
		return // the build is checked as it is; the source template is not ours to judge here
	}
	sb := newBuilder(st)
	srcDir := filepath.Dir(srcAbs)
	local := func(r *cfn.Resource, loc cfn.Location, ok bool) (source, bool) {
		if !ok || loc.InlineSet || loc.S3 != "" || loc.Unknown != "" {
			return source{}, false
		}
		p := loc.Path
		if p == "" && r.Type == cfn.ServerlessFunction {
			p = "."
		}
		if p == "" {
			return source{}, false
		}
		if !filepath.IsAbs(p) {
			p = filepath.Join(srcDir, filepath.FromSlash(p))
		}
		return source{abs: filepath.Clean(p), pos: sb.PropPos(r, loc.Key)}, true
	}
	buildDir := l.dir
	for _, r := range l.tpl.Resources {
		sr := st.Resource(r.Name)
		if sr == nil || sr.Type != r.Type {
			continue
		}
		switch {
		case cfn.IsFunction(r.Type):
			fn := app.Function(r.Name)
			if fn == nil || fn.Code == nil || !strings.HasPrefix(fn.Runtime, "python") {
				continue
			}
			if bm, _ := sr.Metadata.Get("BuildMethod").String(); bm != "" && !strings.HasPrefix(bm, "python") {
				continue
			}
			loc, ok := l.b.CodeLocation(r)
			built, inBuild := builtFolder(l, buildDir, loc, ok)
			sloc, sok := sb.CodeLocation(sr)
			src, isLocal := local(sr, sloc, sok)
			if !inBuild || !isLocal {
				continue
			}
			if d := compareFolder(l.lim, l.root, src.abs, built, ""); d != nil {
				fn.Code.Tree = d.named(fn.Code.Tree)
				if _, ok := d.same[""]; ok {
					fn.Code.Display = d.same[""] + "/"
				}
				if d.stale() {
					app.Notes = append(app.Notes, model.Note{Code: rulecode.LK409, Severity: model.Warning, Function: fn.Name, Pos: src.pos,
						Message: d.message(fn.Name, cfn.DisplayPath(l.root, built), cfn.DisplayPath(l.root, src.abs)),
						Hint:    hint})
				}
			}
		case cfn.IsLayer(r.Type):
			ly := app.Layer(r.Name)
			if ly == nil || ly.Content == nil {
				continue
			}
			bm, _ := sr.Metadata.Get("BuildMethod").String()
			if !strings.HasPrefix(bm, "python3") || sr.Metadata.Get("SkipBuild").Bool() {
				continue // sam build copies only layers it builds
			}
			built, inBuild := builtFolder(l, buildDir, l.b.ContentLocation(r), true)
			src, isLocal := local(sr, sb.ContentLocation(sr), true)
			if !inBuild || !isLocal {
				continue
			}
			if d := compareFolder(l.lim, l.root, src.abs, built, "python"); d != nil {
				ly.Content.Tree = d.named(ly.Content.Tree)
				if d.stale() {
					app.Notes = append(app.Notes, model.Note{Code: rulecode.LK409, Severity: model.Warning, Layer: ly.Name, Pos: src.pos,
						Message: d.message("layer "+ly.Name, cfn.DisplayPath(l.root, built), cfn.DisplayPath(l.root, src.abs)),
						Hint:    hint})
				}
			}
		}
	}
}

const hint = "Run sam build again, then check again; or check the sources as sam build will build them with layerkit check --source."

// builtFolder is the folder inside the build folder that a built resource's code
// location names; ok is false for anything else (a zip, a path sam build did not write).
func builtFolder(l *side, buildDir string, loc cfn.Location, ok bool) (string, bool) {
	if !ok || loc.InlineSet || loc.S3 != "" || loc.Unknown != "" || loc.Path == "" {
		return "", false
	}
	p := l.abs(loc.Path)
	r, err := filepath.Rel(buildDir, p)
	if err != nil || r == "." || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return "", false
	}
	return p, true
}

// diff is what differs between a source folder and its copy in the build.
type diff struct {
	changed, added, removed []string // source-relative names
	truncated               bool
	// same maps the copy's names (relative to the package root) to the source file's
	// display name, for files identical in both.
	same map[string]string
}

func (d *diff) stale() bool { return len(d.changed)+len(d.added)+len(d.removed) > 0 }

func (d *diff) message(what, built, src string) string {
	var parts []string
	list := func(verb string, names []string) {
		if len(names) == 0 {
			return
		}
		shown := names
		more := ""
		if len(shown) > maxListed {
			shown, more = shown[:maxListed], fmt.Sprintf(" and %d more", len(names)-maxListed)
		}
		parts = append(parts, fmt.Sprintf("%s %s%s", verb, strings.Join(shown, ", "), more))
	}
	list("changed:", d.changed)
	list("added:", d.added)
	list("removed:", d.removed)
	msg := fmt.Sprintf("the build of %s in %s/ is stale: its source %s/ differs since sam build ran (%s); layerkit checks the build, so these changes are not checked and a deployment now would not ship them",
		what, built, srcOrDot(src), strings.Join(parts, "; "))
	if d.truncated {
		msg += fmt.Sprintf(" (compared the first %d files)", maxCompareFiles)
	}
	return msg
}

func srcOrDot(s string) string {
	if s == "" {
		return "."
	}
	return s
}

// named returns t with the files identical to their source shown under the source's
// name.
func (d *diff) named(t tree.Tree) tree.Tree {
	if len(d.same) == 0 {
		return t
	}
	return &sourceNamed{t: t, same: d.same}
}

// compareFolder compares the source folder src, as sam build's python workflow copies
// it, with its copy in the folder built (under sub/ for a layer). Files the build holds
// that an installed distribution owns (its .dist-info RECORD) are what pip added, not
// copies. nil when either folder cannot be read.
func compareFolder(lim iac.Limits, root, src, built, sub string) *diff {
	st, err := lim.Dir(src, cfn.DisplayPath(root, src))
	if err != nil {
		return nil
	}
	bt, err := lim.Dir(built, cfn.DisplayPath(root, built))
	if err != nil {
		return nil
	}
	s := SourceCopy(st)
	d := &diff{same: map[string]string{}}
	inSource := map[string]bool{}
	var bytesRead int64
	err = tree.Walk(s, "", func(name string, info tree.Info) error {
		if info.Dir {
			return nil
		}
		if len(inSource) >= maxCompareFiles || bytesRead > maxCompareBytes {
			d.truncated = true
			return fs.SkipAll
		}
		inSource[name] = true
		bname := name
		if sub != "" {
			bname = sub + "/" + name
		}
		a, errA := s.ReadFile(name)
		if errA != nil {
			return nil // unreadable source file: nothing to say about it here
		}
		bytesRead += int64(len(a))
		b, errB := bt.ReadFile(bname)
		switch {
		case errB != nil:
			d.added = append(d.added, name)
		case !bytes.Equal(a, b):
			d.changed = append(d.changed, name)
		default:
			d.same[bname] = s.Display(name)
		}
		return nil
	})
	if err != nil && err != fs.SkipAll {
		return nil
	}
	if !d.truncated {
		owned := installed(bt, sub)
		base := ""
		if sub != "" {
			base = sub
		}
		_ = tree.Walk(bt, base, func(name string, info tree.Info) error {
			rel := name
			if sub != "" {
				rel = strings.TrimPrefix(name, sub+"/")
			}
			top, _, _ := strings.Cut(rel, "/")
			if info.Dir {
				if Excluded(info.Name) || strings.HasSuffix(info.Name, ".dist-info") || rel == "bin" {
					return fs.SkipDir
				}
				return nil
			}
			if Excluded(info.Name) || inSource[rel] || owned[rel] || owned[top+"/"] {
				return nil
			}
			d.removed = append(d.removed, rel)
			return nil
		})
	}
	sort.Strings(d.changed)
	sort.Strings(d.added)
	sort.Strings(d.removed)
	if !d.stale() && !d.truncated && sub == "" {
		// An up-to-date copy: the package itself is named after its source too ("declare
		// it in requirements.txt in src/").
		d.same[""] = s.Display("")
	}
	return d
}

// installed lists what the distributions pip installed in t (under sub) own, from their
// RECORD files: file names, and "top/" for each top-level folder they own.
func installed(t tree.Tree, sub string) map[string]bool {
	owned := map[string]bool{}
	entries, err := t.ReadDir(sub)
	if err != nil {
		return owned
	}
	for _, e := range entries {
		if !e.Dir || !strings.HasSuffix(e.Name, ".dist-info") {
			continue
		}
		data, err := t.ReadFile(path.Join(sub, e.Name, "RECORD"))
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(data), "\n") {
			name := strings.TrimSpace(line)
			if strings.HasPrefix(name, `"`) {
				if i := strings.Index(name[1:], `"`); i >= 0 {
					name = name[1 : i+1]
				}
			} else if i := strings.IndexByte(name, ','); i >= 0 {
				name = name[:i]
			}
			if name == "" || strings.HasPrefix(name, "../") {
				continue
			}
			owned[name] = true
			if top, _, found := strings.Cut(name, "/"); found && !strings.HasSuffix(top, ".dist-info") {
				owned[top+"/"] = true
			}
		}
	}
	return owned
}

// sourceNamed is a built package whose files identical to their source are shown under
// the source's name.
type sourceNamed struct {
	t    tree.Tree
	same map[string]string
}

func (s *sourceNamed) Stat(name string) (tree.Info, error)      { return s.t.Stat(name) }
func (s *sourceNamed) ReadDir(name string) ([]tree.Info, error) { return s.t.ReadDir(name) }
func (s *sourceNamed) ReadFile(name string) ([]byte, error)     { return s.t.ReadFile(name) }
func (s *sourceNamed) ReadPrefix(name string, n int) ([]byte, error) {
	return tree.ReadPrefix(s.t, name, n)
}

func (s *sourceNamed) Display(name string) string {
	if d, ok := s.same[name]; ok {
		return d
	}
	return s.t.Display(name)
}
