package pydist

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"sync"
)

//go:embed dists.tsv
var distsTSV string

//go:embed deps.tsv
var depsTSV string

type distEntry struct {
	name    string   // canonical spelling
	modules []string // possibly dotted; nil for a metapackage
}

type depEntry struct {
	name string
	deps []string // canonical spellings as written
}

type tables struct {
	dists    map[string]*distEntry // by normalized name
	byModule map[string]string     // module path → canonical dist name (first listed wins)
	deps     map[string]*depEntry  // by normalized name
	// byDefault maps a default import name to the first (sorted) distribution of
	// deps.tsv, not in dists.tsv, that installs it by the default rule.
	byDefault map[string]string
}

// load parses the embedded tables on first use.
var load = sync.OnceValue(func() *tables {
	t, err := parseTables(distsTSV, depsTSV)
	if err != nil {
		panic("pydist: embedded tables: " + err.Error())
	}
	return t
})

// dataLines yields the non-comment lines of a TSV file with their numbers.
func dataLines(txt string, fn func(num int, fields []string) error) error {
	for i, line := range strings.Split(txt, "\n") {
		line = strings.TrimRight(line, "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if err := fn(i+1, strings.Split(line, "\t")); err != nil {
			return fmt.Errorf("line %d: %w", i+1, err)
		}
	}
	return nil
}

func splitList(s string) []string {
	if s == "-" {
		return nil
	}
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

func parseTables(distsTxt, depsTxt string) (*tables, error) {
	t := &tables{dists: map[string]*distEntry{}, byModule: map[string]string{}, deps: map[string]*depEntry{}}
	err := dataLines(distsTxt, func(_ int, f []string) error {
		if len(f) != 2 || f[0] == "" || f[1] == "" {
			return fmt.Errorf("dists.tsv: want Distribution<TAB>modules")
		}
		norm := Normalize(f[0])
		if _, dup := t.dists[norm]; dup {
			return fmt.Errorf("dists.tsv: %s listed twice", f[0])
		}
		e := &distEntry{name: f[0], modules: splitList(f[1])}
		for _, m := range e.modules {
			for _, part := range strings.Split(m, ".") {
				if !isIdentifier(part) {
					return fmt.Errorf("dists.tsv: %s: bad module %q", f[0], m)
				}
			}
			if _, taken := t.byModule[m]; !taken {
				t.byModule[m] = e.name
			}
		}
		t.dists[norm] = e
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = dataLines(depsTxt, func(_ int, f []string) error {
		if len(f) < 2 || len(f) > 3 || f[0] == "" || f[1] == "" {
			return fmt.Errorf("deps.tsv: want Distribution<TAB>deps[<TAB># comment]")
		}
		if len(f) == 3 && !strings.HasPrefix(f[2], "#") {
			return fmt.Errorf("deps.tsv: %s: third column must be a # comment", f[0])
		}
		norm := Normalize(f[0])
		if _, dup := t.deps[norm]; dup {
			return fmt.Errorf("deps.tsv: %s listed twice", f[0])
		}
		t.deps[norm] = &depEntry{name: f[0], deps: splitList(f[1])}
		return nil
	})
	if err != nil {
		return nil, err
	}
	t.byDefault = map[string]string{}
	for n, e := range t.deps {
		if _, curated := t.dists[n]; curated {
			continue // its modules are listed in dists.tsv
		}
		m := defaultImport(e.name)
		if d, ok := t.byDefault[m]; !ok || e.name < d {
			t.byDefault[m] = e.name
		}
	}
	return t, nil
}

func isIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func defaultImport(dist string) string {
	return strings.ReplaceAll(Normalize(dist), "-", "_")
}

// defaultImports is the default rule plus the spellings that packaging conventions
// drop from the distribution name: a "-py"/"-python" suffix or a "python-"/"py-"
// prefix ("alpaca-py" installs "alpaca", "python-slugify" installs "slugify").
func defaultImports(dist string) []string {
	n := Normalize(dist)
	out := []string{defaultImport(dist)}
	for _, v := range []string{strings.TrimSuffix(n, "-py"), strings.TrimSuffix(n, "-python"), strings.TrimPrefix(n, "python-"), strings.TrimPrefix(n, "py-")} {
		if v != n && v != "" {
			if m := strings.ReplaceAll(v, "-", "_"); !slices.Contains(out, m) {
				out = append(out, m)
			}
		}
	}
	return out
}

func topOf(module string) string {
	top, _, _ := strings.Cut(module, ".")
	return top
}

// ImportNames returns the top-level import names a distribution installs:
// from the curated table (dists.tsv), else the default rule — the PEP 503
// normalized name with "-" replaced by "_" ("Flask-Cors" → "flask_cors").
// Portions of namespace packages give their top-level name (protobuf →
// "google"). A metapackage gives nil.
func ImportNames(dist string) []string {
	e, ok := load().dists[Normalize(dist)]
	if !ok {
		return defaultImports(dist)
	}
	var out []string
	for _, m := range e.modules {
		if top := topOf(m); !slices.Contains(out, top) {
			out = append(out, top)
		}
	}
	return out
}

// ImportPaths is like ImportNames but keeps the dotted paths of
// namespace-package portions (protobuf → "google.protobuf"), so a caller can
// tell which distribution owns google.protobuf and which google.cloud.storage.
func ImportPaths(dist string) []string {
	e, ok := load().dists[Normalize(dist)]
	if !ok {
		return []string{defaultImport(dist)}
	}
	return slices.Clone(e.modules)
}

// CanonicalName returns the table's spelling of a distribution ("pyyaml" →
// "PyYAML"), or dist unchanged when neither table lists it.
func CanonicalName(dist string) string {
	t := load()
	n := Normalize(dist)
	if e, ok := t.dists[n]; ok {
		return e.name
	}
	if e, ok := t.deps[n]; ok {
		return e.name
	}
	return dist
}

// DistForImport returns the distribution to declare for an import: "yaml" →
// "PyYAML", "google.cloud.storage" → "google-cloud-storage". module may be a
// top-level name or a dotted path; the longest listed prefix wins, so a bare
// namespace such as "google" (shared by many distributions) is not found.
// Lookups use the tables only: dists.tsv, then the distributions of deps.tsv
// whose default import name matches (ok=false when neither knows it).
func DistForImport(module string) (dist string, ok bool) {
	t := load()
	for m := module; m != ""; {
		if d, ok := t.byModule[m]; ok {
			return d, true
		}
		i := strings.LastIndex(m, ".")
		if i < 0 {
			break
		}
		m = m[:i]
	}
	d, ok := t.byDefault[topOf(module)]
	return d, ok
}

// KnownDeps returns the direct runtime dependencies of a distribution (table
// spellings) and whether the dependency table knows it. A known leaf gives
// (nil, true).
func KnownDeps(dist string) ([]string, bool) {
	e, ok := load().deps[Normalize(dist)]
	if !ok {
		return nil, false
	}
	return slices.Clone(e.deps), true
}

// Closure returns every top-level import name provided by dists and their
// transitive dependencies per the dependency table, sorted, and the
// distributions in the closure whose dependencies the table does not know
// (so the closure may be incomplete below them), sorted, spelled as given or
// as the table spells them.
func Closure(dists []string) (imports []string, unknown []string) {
	t := load()
	seen := map[string]bool{}
	importSet := map[string]bool{}
	queue := slices.Clone(dists)
	for len(queue) > 0 {
		d := queue[0]
		queue = queue[1:]
		n := Normalize(d)
		if n == "" || seen[n] {
			continue
		}
		seen[n] = true
		for _, m := range ImportNames(d) {
			importSet[m] = true
		}
		e, ok := t.deps[n]
		if !ok {
			unknown = append(unknown, CanonicalName(d))
			continue
		}
		queue = append(queue, e.deps...)
	}
	for m := range importSet {
		imports = append(imports, m)
	}
	slices.Sort(imports)
	slices.Sort(unknown)
	return imports, unknown
}
