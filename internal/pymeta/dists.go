package pymeta

import (
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/layerkit/layerkit/internal/native"
	"github.com/layerkit/layerkit/internal/tree"
)

// Dist is one installed distribution: a .dist-info or .egg-info in a site folder.
type Dist struct {
	Name       string // as METADATA spells it (else from the folder name)
	Normalized string
	Version    string // "" when unknown
	Kind       string // "dist-info" or "egg-info"
	// Tree and Dir locate the site folder the distribution is installed in; Meta is the
	// metadata folder (or egg-info file) in Tree.
	Tree tree.Tree
	Dir  string
	Meta string
	// Requires are the well-formed Requires-Dist lines (requires.txt for egg-info);
	// BadRequires the lines that are not PEP 508.
	Requires       []Requirement
	BadRequires    []string
	RequiresPython string
	// TopLevel are the top-level import names it installs (top_level.txt, else derived
	// from RECORD).
	TopLevel []string
	// Wheel is the WHEEL file; nil when absent (egg-info, or not installed from a wheel).
	Wheel *Wheel

	// eachFile calls fn with each file the distribution lists (RECORD, or
	// installed-files.txt for an egg) that lies in the site folder, as a clean name
	// relative to Dir; fn must copy what it keeps (the names share the file's bytes,
	// which are not kept). nil when it lists none.
	eachFile func(fn func(rel string))
	files    fileSummary // what every rule asks of the list, read once
	filesOne sync.Once
}

// fileSummary is what the file list says that is asked of every distribution on a
// path: whether it lists files at all, and which are compiled. A 2.5 GB layer's
// RECORDs list 200,000 files; they are read once each and only this is kept.
type fileSummary struct {
	listed   bool
	compiled []string // names in Tree, in list order
}

// Files lists the installed files the distribution names (RECORD, or
// installed-files.txt for an egg), as names in Tree; those outside the site folder
// are dropped. Each call reads the list again (nothing holds 200,000 names between
// calls): ask CompiledFiles and ListsFiles, kept after the first read, or FilesWhere
// for a few.
func (d *Dist) Files() []string { return d.FilesWhere(nil) }

// FilesWhere is Files keeping only the files whose name relative to Dir keep accepts
// (all when keep is nil). keep must not keep its argument.
func (d *Dist) FilesWhere(keep func(rel string) bool) []string {
	var out []string
	if d.eachFile != nil {
		d.eachFile(func(rel string) {
			if keep == nil || keep(rel) {
				out = append(out, joinSite(d.Dir, rel))
			}
		})
	}
	return out
}

// CompiledFiles lists the compiled files (native.IsNativeName) the distribution
// names, as names in Tree, in list order. The list is read on the first call of
// CompiledFiles or ListsFiles, once: only a distribution something asks about pays
// for its RECORD. When top_level.txt is missing, RECORD is read with the metadata
// (the top-level names come from it), and that read is the one these return.
func (d *Dist) CompiledFiles() []string { return d.summary().compiled }

// ListsFiles reports whether the distribution names any file in its site folder.
func (d *Dist) ListsFiles() bool { return d.summary().listed }

func (d *Dist) summary() *fileSummary {
	d.filesOne.Do(func() {
		if d.eachFile != nil {
			d.eachFile(d.files.add(d.Dir))
		}
	})
	return &d.files
}

// add returns what adds one listed file (relative to the site folder dir) to s.
func (s *fileSummary) add(dir string) func(rel string) {
	return func(rel string) {
		s.listed = true
		if native.IsNativeName(path.Base(rel)) {
			s.compiled = append(s.compiled, joinSite(dir, rel))
		}
	}
}

// Display names the distribution's metadata for a user.
func (d *Dist) Display() string { return d.Tree.Display(d.Meta) }

// String is "name version".
func (d *Dist) String() string {
	if d.Version == "" {
		return d.Name
	}
	return d.Name + " " + d.Version
}

// ReadDists reads every distribution installed in folder dir of t, sorted by folder
// name. A folder that cannot be read gives none.
func ReadDists(t tree.Tree, dir string) []*Dist {
	infos, err := t.ReadDir(dir)
	if err != nil {
		return nil
	}
	var metas []tree.Info
	for _, fi := range infos {
		if fi.Dir && strings.HasSuffix(fi.Name, ".dist-info") || strings.HasSuffix(fi.Name, ".egg-info") {
			metas = append(metas, fi)
		}
	}
	// The largest RECORD of the folder: the buffer RECORDs are read into is made that
	// large at once, not again for each larger one.
	var largest int64
	for _, fi := range metas {
		if info, err := t.Stat(path.Join(dir, fi.Name, "RECORD")); err == nil && strings.HasSuffix(fi.Name, ".dist-info") {
			largest = max(largest, info.Size)
		}
	}
	// Each distribution is read on its own (a zip layer inflates its RECORDs), so
	// they are read side by side.
	out := make([]*Dist, len(metas))
	each(len(metas), func(i int) {
		if fi := metas[i]; strings.HasSuffix(fi.Name, ".dist-info") {
			out[i] = readDistInfo(t, dir, fi.Name, largest)
		} else {
			out[i] = readEggInfo(t, dir, fi.Name, fi.Dir)
		}
	})
	sort.SliceStable(out, func(i, j int) bool { return out[i].Meta < out[j].Meta })
	return out
}

// each calls fn(0), ..., fn(n-1), GOMAXPROCS of them at a time.
func each(n int, fn func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := range n {
			fn(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				fn(i)
			}
		})
	}
	wg.Wait()
}

// nameFromFolder splits "Foo_Bar-1.2.3.dist-info" / "foo-1.0-py3.12.egg-info".
func nameFromFolder(folder string) (name, version string) {
	base := strings.TrimSuffix(strings.TrimSuffix(folder, ".dist-info"), ".egg-info")
	parts := strings.Split(base, "-")
	name = parts[0]
	if len(parts) > 1 {
		version = parts[1]
	}
	return name, version
}

func readDistInfo(t tree.Tree, dir, folder string, largest int64) *Dist {
	meta := path.Join(dir, folder)
	d := &Dist{Kind: "dist-info", Tree: t, Dir: dir, Meta: meta}
	if b, err := t.ReadFile(path.Join(meta, "METADATA")); err == nil {
		d.fill(ParseMetadata(b))
	}
	d.defaults(folder)
	if b, err := t.ReadFile(path.Join(meta, "WHEEL")); err == nil {
		d.Wheel = ParseWheel(b)
	}
	record := path.Join(meta, "RECORD")
	if b, err := t.ReadFile(path.Join(meta, "top_level.txt")); err == nil {
		d.TopLevel = ParseTopLevel(b)
		d.eachFile = func(fn func(string)) {
			tree.WithFile(t, record, largest, func(b []byte, _ error) { eachSiteFile(b, fn) })
		}
		return d
	}
	// Without top_level.txt, RECORD names the top-level packages: read it now, and
	// keep what the rules ask of it from the same read.
	var tops topLevels
	d.filesOne.Do(func() {
		add := d.files.add(dir)
		tree.WithFile(t, record, largest, func(b []byte, _ error) {
			eachRecordPath(b, tops.add)
			eachSiteFile(b, add)
		})
	})
	d.TopLevel = tops.out
	d.eachFile = func(fn func(string)) {
		tree.WithFile(t, record, largest, func(b []byte, _ error) { eachSiteFile(b, fn) })
	}
	return d
}

// eachSiteFile calls fn with each path RECORD lists inside the site folder, cleaned.
func eachSiteFile(record []byte, fn func(rel string)) {
	eachRecordPath(record, func(p string) {
		if rel, ok := siteRel(p); ok {
			fn(rel)
		}
	})
}

func readEggInfo(t tree.Tree, dir, folder string, isDir bool) *Dist {
	meta := path.Join(dir, folder)
	d := &Dist{Kind: "egg-info", Tree: t, Dir: dir, Meta: meta}
	pkgInfo := meta
	if isDir {
		pkgInfo = path.Join(meta, "PKG-INFO")
	}
	if b, err := t.ReadFile(pkgInfo); err == nil {
		m := ParseMetadata(b)
		m.RequiresDist = nil // PKG-INFO of an egg does not carry them reliably; requires.txt does
		d.fill(m)
	}
	d.defaults(folder)
	if !isDir {
		return d
	}
	if b, err := t.ReadFile(path.Join(meta, "requires.txt")); err == nil {
		for _, line := range ParseRequiresTxt(b) {
			d.addRequire(line)
		}
	}
	if b, err := t.ReadFile(path.Join(meta, "top_level.txt")); err == nil {
		d.TopLevel = ParseTopLevel(b)
	}
	d.eachFile = func(fn func(string)) {
		b, err := t.ReadFile(path.Join(meta, "installed-files.txt"))
		if err != nil {
			return
		}
		for l := range strings.SplitSeq(string(b), "\n") {
			if l = strings.TrimSpace(l); l == "" {
				continue
			}
			if rel, ok := siteRel(path.Join(folder, l)); ok {
				fn(rel)
			}
		}
	}
	return d
}

// inSite turns a path relative to the site folder into a tree name, refusing ones
// that leave the site folder (scripts in ../../bin).
func inSite(dir, p string) (string, bool) {
	rel, ok := siteRel(p)
	if !ok {
		return "", false
	}
	return joinSite(dir, rel), true
}

// siteRel cleans a path relative to the site folder, refusing ones that leave it. It
// allocates only for a path that needs cleaning.
func siteRel(p string) (string, bool) {
	p = strings.ReplaceAll(p, "\\", "/")
	if cleanRel(p) {
		return p, true // the common case: RECORD lists thousands of such names
	}
	if p == "" || strings.HasPrefix(p, "/") {
		return "", false
	}
	c := path.Clean(p)
	if c == "." || c == ".." || strings.HasPrefix(c, "../") {
		return "", false
	}
	return c, true
}

// joinSite is the tree name of rel (clean, relative) in the site folder dir: a new
// string, never sharing rel's bytes.
func joinSite(dir, rel string) string {
	switch {
	case dir == "":
		return strings.Clone(rel)
	case cleanRel(dir):
		return dir + "/" + rel
	}
	return path.Join(dir, rel)
}

// cleanRel reports whether p is a relative slash-separated name that path.Clean leaves
// as is and that stays inside its folder: no leading or trailing "/", no empty, "."
// or ".." segment.
func cleanRel(p string) bool {
	if p == "" {
		return false
	}
	for {
		seg, rest, more := strings.Cut(p, "/")
		if seg == "" || seg == "." || seg == ".." {
			return false
		}
		if !more {
			return true
		}
		p = rest
	}
}

func (d *Dist) fill(m *Metadata) {
	d.Name, d.Version, d.RequiresPython = m.Name, m.Version, m.RequiresPython
	for _, line := range m.RequiresDist {
		d.addRequire(line)
	}
}

func (d *Dist) defaults(folder string) {
	n, v := nameFromFolder(folder)
	if d.Name == "" {
		d.Name = n
	}
	if d.Version == "" {
		d.Version = v
	}
	d.Normalized = Normalize(d.Name)
}

func (d *Dist) addRequire(line string) {
	r, err := ParseRequirement(line)
	if err != nil {
		d.BadRequires = append(d.BadRequires, line)
		return
	}
	d.Requires = append(d.Requires, r)
}

// ParseRequiresTxt turns an egg-info requires.txt into PEP 508 strings: lines under
// "[extra]" get `extra == "extra"`, under "[:marker]" the marker, under
// "[extra:marker]" both.
func ParseRequiresTxt(data []byte) []string {
	var out []string
	section := ""
	for _, l := range strings.Split(string(data), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		if strings.HasPrefix(l, "[") && strings.HasSuffix(l, "]") {
			extra, marker, _ := strings.Cut(l[1:len(l)-1], ":")
			extra, marker = strings.TrimSpace(extra), strings.TrimSpace(marker)
			var parts []string
			if marker != "" {
				parts = append(parts, "("+marker+")")
			}
			if extra != "" {
				parts = append(parts, `extra == "`+extra+`"`)
			}
			section = strings.Join(parts, " and ")
			continue
		}
		if section != "" {
			if strings.Contains(l, ";") {
				req, m, _ := strings.Cut(l, ";")
				l = req + "; (" + strings.TrimSpace(m) + ") and " + section
			} else {
				l += "; " + section
			}
		}
		out = append(out, l)
	}
	return out
}
