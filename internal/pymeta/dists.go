package pymeta

import (
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

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

	files     []string        // Files, once read
	filesOnce sync.Once       // reads them
	loadFiles func() []string // reads them; nil when the distribution lists none
}

// Files lists the installed files the distribution names (RECORD, or
// installed-files.txt for an egg), as names in Tree; those outside the site folder
// are dropped. The list is read on the first call, once: only a distribution whose
// files a rule needs pays for its RECORD (a 2.5 GB layer has 17 MB of them). When
// top_level.txt is missing, RECORD is read with the metadata (the top-level names
// come from it), and that read is the one Files returns.
func (d *Dist) Files() []string {
	d.filesOnce.Do(func() {
		if d.loadFiles != nil {
			d.files, d.loadFiles = d.loadFiles(), nil
		}
	})
	return d.files
}

// setFiles fills Files now, from a RECORD already read.
func (d *Dist) setFiles(files []string) {
	d.filesOnce.Do(func() { d.files = files })
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
	// Each distribution is read on its own (a zip layer inflates its RECORDs), so
	// they are read side by side.
	out := make([]*Dist, len(metas))
	each(len(metas), func(i int) {
		if fi := metas[i]; strings.HasSuffix(fi.Name, ".dist-info") {
			out[i] = readDistInfo(t, dir, fi.Name)
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

func readDistInfo(t tree.Tree, dir, folder string) *Dist {
	meta := path.Join(dir, folder)
	d := &Dist{Kind: "dist-info", Tree: t, Dir: dir, Meta: meta}
	if b, err := t.ReadFile(path.Join(meta, "METADATA")); err == nil {
		d.fill(ParseMetadata(b))
	}
	d.defaults(folder)
	if b, err := t.ReadFile(path.Join(meta, "WHEEL")); err == nil {
		d.Wheel = ParseWheel(b)
	}
	record := func() []RecordEntry {
		if b, err := t.ReadFile(path.Join(meta, "RECORD")); err == nil {
			return ParseRecord(b)
		}
		return nil
	}
	if b, err := t.ReadFile(path.Join(meta, "top_level.txt")); err == nil {
		d.TopLevel = ParseTopLevel(b)
		d.loadFiles = func() []string { return recordFiles(dir, record()) }
	} else {
		rec := record()
		d.TopLevel = TopLevelFromRecord(rec)
		d.setFiles(recordFiles(dir, rec))
	}
	return d
}

// recordFiles lists the names in the site folder dir that RECORD's entries give.
func recordFiles(dir string, rec []RecordEntry) []string {
	var files []string
	for _, e := range rec {
		if name, ok := inSite(dir, e.Path); ok {
			files = append(files, name)
		}
	}
	return files
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
	d.loadFiles = func() []string {
		b, err := t.ReadFile(path.Join(meta, "installed-files.txt"))
		if err != nil {
			return nil
		}
		var files []string
		for _, l := range strings.Split(string(b), "\n") {
			if l = strings.TrimSpace(l); l == "" {
				continue
			}
			if name, ok := inSite(dir, path.Join(folder, l)); ok {
				files = append(files, name)
			}
		}
		return files
	}
	return d
}

// inSite turns a path relative to the site folder into a tree name, refusing ones
// that leave the site folder (scripts in ../../bin).
func inSite(dir, p string) (string, bool) {
	p = strings.ReplaceAll(p, "\\", "/")
	if cleanRel(p) && (dir == "" || cleanRel(dir)) {
		// The common case (RECORD lists thousands of such names): what path.Clean and
		// path.Join below give, without their byte-by-byte copies.
		if dir == "" {
			return p, true
		}
		return dir + "/" + p, true
	}
	if p == "" || strings.HasPrefix(p, "/") {
		return "", false
	}
	c := path.Clean(p)
	if c == "." || c == ".." || strings.HasPrefix(c, "../") {
		return "", false
	}
	return path.Join(dir, c), true
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
