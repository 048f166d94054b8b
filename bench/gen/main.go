// Command gen writes a synthetic AWS SAM app for benchmarking layerkit: N Python
// functions and up to five layers, one of them a large zip shaped like a scientific stack
// (numpy, scipy, pandas, ...: thousands of modules, real ELF .so files, a dist-info for
// every distribution). The output depends only on the flags (seeded, reproducible).
//
//	go run ./bench/gen -o /tmp/app -functions 200 -layers 5 -large-mb 250
//
// Besides the app (template.yaml, fns/, layers/) it writes three lists for bench/run.sh:
//
//	bench-layers.txt     the layers in /opt order: "zip PATH" or "dir PATH" (PATH relative to -o)
//	bench-functions.txt  one line per function: "CODEDIR MODULE" (the handler's module)
//	bench-floor.txt      what a static check must read: "zip PATH" (its central directory),
//	                     "file PATH" and "entry ZIP NAME" (reachable source, dist-info metadata)
//
// Python source in the layers is valid and importable (python3 -I -S, Lambda's sys.path);
// compiled extensions are only imported inside function bodies, so an import of the handler
// module succeeds without loading them.
package main

import (
	"archive/zip"
	"bufio"
	"compress/flate"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// elfSO is a real x86_64 ELF shared object (needs GLIBC_2.2.5 only), from
// internal/native/testdata/plain.c; padding after it keeps it a valid ELF file.
//
//go:embed plain.x86_64.so
var elfSO []byte

var (
	out       = flag.String("o", "", "output folder (created; must be empty or missing)")
	functions = flag.Int("functions", 200, "number of functions")
	nlayers   = flag.Int("layers", 5, "number of layers (1-5; the large layer is always one)")
	largeMB   = flag.Float64("large-mb", 250, "unzipped size of the large layer, in MB (10^6 bytes)")
	seed      = flag.Uint64("seed", 1, "random seed")
	pyver     = flag.String("python", "3.11", "Python version of the functions (python3.X runtime)")
	vendored  = flag.Int("vendored", 0, "add a layer with a vendored package of this many modules (no dist-info, every module imported by its __init__), imported by every handler")
)

// filesPerMB: a scientific stack averages about 80 files per MB (20,000 in 250 MB).
const filesPerMB = 80

func main() {
	flag.Parse()
	if *out == "" || *functions < 1 || *nlayers < 1 || *nlayers > 5 || *largeMB <= 0 {
		flag.Usage()
		os.Exit(2)
	}
	if ents, err := os.ReadDir(*out); err == nil && len(ents) > 0 {
		fail(fmt.Errorf("%s is not empty", *out))
	}
	g := &gen{root: *out, rng: rand.New(rand.NewPCG(*seed, 0x6c6b)), mods: map[string]*module{}}
	start := time.Now()
	g.run()
	fmt.Fprintf(os.Stderr, "gen: %d functions, %d layers (large layer: %d files, %.0f MB unzipped, %.1f MB zipped) in %s -> %s\n",
		*functions, *nlayers, g.largeFiles, float64(g.largeBytes)/1e6, float64(g.largeZipped)/1e6, time.Since(start).Round(time.Millisecond), *out)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "gen:", err)
	os.Exit(1)
}

// dist is one installed distribution (or, with noDist, a folder of the team's own code).
type dist struct {
	name, version string // distribution
	tops          []string
	weight        float64 // share of the large layer's files
	native        bool    // has compiled extensions
	deps          []string
	data          float64 // share of data files
	core          int     // modules its __init__ reaches (independent of the layer size)
	noTopLevel    bool    // no top_level.txt (modern build back-ends): RECORD says
	noDist        bool
	all           bool // __init__ imports every core module (a vendored package)
}

// The large layer: roughly the share of files each has in a real stack. Listed in
// dependency order (a package only imports those before it).
var sciStack = []*dist{
	{name: "six", version: "1.16.0", tops: []string{"six"}, weight: 0.0001, core: 1},
	{name: "numpy", version: "1.26.4", tops: []string{"numpy"}, weight: 0.09, native: true, core: 120, data: 0.05},
	{name: "python_dateutil", version: "2.9.0", tops: []string{"dateutil"}, weight: 0.004, deps: []string{"six"}, core: 12, data: 0.1},
	{name: "pytz", version: "2024.1", tops: []string{"pytz"}, weight: 0.03, core: 6, data: 0.9},
	{name: "tzdata", version: "2024.1", tops: []string{"tzdata"}, weight: 0.03, core: 2, data: 0.95, noTopLevel: true},
	{name: "scipy", version: "1.13.0", tops: []string{"scipy"}, weight: 0.21, native: true, deps: []string{"numpy"}, core: 60, data: 0.04},
	{name: "pandas", version: "2.2.2", tops: []string{"pandas"}, weight: 0.13, native: true, deps: []string{"numpy", "python_dateutil", "pytz", "tzdata"}, core: 250, data: 0.03},
	{name: "joblib", version: "1.4.2", tops: []string{"joblib"}, weight: 0.01, deps: []string{}, core: 25, noTopLevel: true},
	{name: "threadpoolctl", version: "3.5.0", tops: []string{"threadpoolctl"}, weight: 0.0001, core: 1, noTopLevel: true},
	{name: "scikit_learn", version: "1.5.0", tops: []string{"sklearn"}, weight: 0.1, native: true, deps: []string{"numpy", "scipy", "joblib", "threadpoolctl"}, core: 90, data: 0.05},
	{name: "pillow", version: "10.3.0", tops: []string{"PIL"}, weight: 0.008, native: true, core: 15},
	{name: "cycler", version: "0.12.1", tops: []string{"cycler"}, weight: 0.0002, core: 2, noTopLevel: true},
	{name: "kiwisolver", version: "1.4.5", tops: []string{"kiwisolver"}, weight: 0.0004, native: true, core: 2},
	{name: "fonttools", version: "4.53.0", tops: []string{"fontTools"}, weight: 0.07, native: true, core: 20, data: 0.02},
	{name: "contourpy", version: "1.2.1", tops: []string{"contourpy"}, weight: 0.002, native: true, deps: []string{"numpy"}, core: 6},
	{name: "packaging", version: "24.1", tops: []string{"packaging"}, weight: 0.002, core: 8, noTopLevel: true},
	{name: "pyparsing", version: "3.1.2", tops: []string{"pyparsing"}, weight: 0.003, core: 10, noTopLevel: true},
	{name: "matplotlib", version: "3.9.0", tops: []string{"matplotlib", "mpl_toolkits"}, weight: 0.08, native: true, deps: []string{"numpy", "pillow", "cycler", "kiwisolver", "fonttools", "contourpy", "packaging", "pyparsing", "python_dateutil"}, core: 70, data: 0.3},
	{name: "pyarrow", version: "16.1.0", tops: []string{"pyarrow"}, weight: 0.07, native: true, deps: []string{"numpy"}, core: 40, data: 0.2},
	{name: "numexpr", version: "2.10.0", tops: []string{"numexpr"}, weight: 0.002, native: true, deps: []string{"numpy"}, core: 6},
	{name: "patsy", version: "0.5.6", tops: []string{"patsy"}, weight: 0.006, deps: []string{"numpy", "six"}, core: 20},
	{name: "statsmodels", version: "0.14.2", tops: []string{"statsmodels"}, weight: 0.07, native: true, deps: []string{"numpy", "scipy", "pandas", "patsy", "packaging"}, core: 80, data: 0.1},
	{name: "sympy", version: "1.12.1", tops: []string{"sympy"}, weight: 0.1, deps: []string{}, core: 100},
}

// The other layers: (dir or zip, where in the layer, what).
type layerSpec struct {
	name  string
	zip   bool
	site  bool // python/lib/pythonX.Y/site-packages rather than python/
	dists []*dist
	files int // total files (small layers do not scale)
}

func smallLayers() []layerSpec {
	return []layerSpec{
		{name: "common", files: 60, dists: []*dist{{name: "shared", tops: []string{"shared"}, weight: 1, core: 25, noDist: true}}},
		{name: "tools", zip: true, files: 500, dists: []*dist{
			{name: "typing_extensions", version: "4.12.2", tops: []string{"typing_extensions"}, weight: 0.001, core: 1, noTopLevel: true},
			{name: "jmespath", version: "1.0.1", tops: []string{"jmespath"}, weight: 0.03, core: 7},
			{name: "aws_lambda_powertools", version: "2.39.0", tops: []string{"aws_lambda_powertools"}, weight: 0.97, deps: []string{"jmespath", "typing_extensions"}, core: 40, noTopLevel: true}}},
		{name: "http", zip: true, files: 250, dists: []*dist{
			{name: "idna", version: "3.7", tops: []string{"idna"}, weight: 0.06, core: 5},
			{name: "certifi", version: "2024.6.2", tops: []string{"certifi"}, weight: 0.02, core: 2, data: 0.3},
			{name: "charset_normalizer", version: "3.3.2", tops: []string{"charset_normalizer"}, weight: 0.1, native: true, core: 10},
			{name: "urllib3", version: "2.2.1", tops: []string{"urllib3"}, weight: 0.35, core: 30, noTopLevel: true},
			{name: "requests", version: "2.32.3", tops: []string{"requests"}, weight: 0.47, deps: []string{"idna", "certifi", "charset_normalizer", "urllib3"}, core: 20}}},
		{name: "db", zip: true, files: 700, dists: []*dist{
			{name: "greenlet", version: "3.0.3", tops: []string{"greenlet"}, weight: 0.05, native: true, core: 3},
			{name: "PyMySQL", version: "1.1.1", tops: []string{"pymysql"}, weight: 0.08, core: 12},
			{name: "SQLAlchemy", version: "2.0.30", tops: []string{"sqlalchemy"}, weight: 0.87, native: true, deps: []string{"greenlet", "typing_extensions"}, core: 150}}},
	}
}

// module is one Python module the generator writes.
type module struct {
	name    string // dotted
	file    string // path in its tree ("pkg/sub/__init__.py")
	pkg     bool   // a package's __init__
	eager   []string
	lazy    []string // compiled extensions, imported inside a function body
	tree    *outTree
	reached bool
}

// outTree is a layer or a function's code folder being written.
type outTree struct {
	rel     string // relative to the output root: "layers/sci.zip", "fns/f0001"
	zip     bool
	files   map[string][]byte // small files (and planned sizes for large ones)
	so      map[string]int    // compiled files: name → padded size
	site    string            // prefix of the folder on sys.path ("python", "python/lib/...")
	metaFor []string          // dist-info metadata files (floor)
}

type gen struct {
	root                    string
	rng                     *rand.Rand
	mods                    map[string]*module // layer modules, by dotted name
	largeFiles              int
	largeBytes, largeZipped int64
	floor                   []string
	layerLines              []string
	layerTrees              []*outTree
	pubs                    []string // top-level importable packages per layer (handler picks)
	hasShared               bool
}

func (g *gen) run() {
	specs := smallLayers()
	var layers []layerSpec
	// /opt order: common, tools, http, db, then the large one (extracted last).
	for i := 0; i < *nlayers-1; i++ {
		layers = append(layers, specs[i])
	}
	g.hasShared = *nlayers > 1
	if *vendored > 0 {
		layers = append(layers, layerSpec{name: "vendor", zip: true, files: *vendored + 1,
			dists: []*dist{{name: "vendored", tops: []string{"vendored"}, weight: 1, core: *vendored, noDist: true, all: true}}})
	}
	large := layerSpec{name: "sci", zip: true, site: true, dists: sciStack, files: int(*largeMB * filesPerMB)}
	layers = append(layers, large)

	var tpl strings.Builder
	fmt.Fprintf(&tpl, "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\nDescription: generated by bench/gen (seed %d)\nGlobals:\n  Function:\n    Runtime: python%s\n    Architectures:\n      - x86_64\n    MemorySize: 1024\n    Timeout: 30\n    Layers:\n", *seed, *pyver)
	for _, l := range layers {
		fmt.Fprintf(&tpl, "      - !Ref %sLayer\n", title(l.name))
	}
	tpl.WriteString("Resources:\n")
	for _, l := range layers {
		t := g.layer(l, l.name == "sci")
		g.layerTrees = append(g.layerTrees, t)
		uri := t.rel + "/"
		if t.zip {
			uri = t.rel
		}
		fmt.Fprintf(&tpl, "  %sLayer:\n    Type: AWS::Serverless::LayerVersion\n    Properties:\n      LayerName: %s\n      ContentUri: %s\n      CompatibleRuntimes:\n        - python%s\n", title(l.name), l.name, uri, *pyver)
	}
	var fnLines []string
	for i := 0; i < *functions; i++ {
		code, mod := g.function(i)
		fmt.Fprintf(&tpl, "  Fn%04dFunction:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: %s/\n      Handler: %s.handler\n", i, code.rel, mod)
		fnLines = append(fnLines, code.rel+" "+mod)
	}
	g.write("template.yaml", []byte(tpl.String()))

	// Everything reachable from a handler, layer side (each file once).
	for _, t := range g.layerTrees {
		var names []string
		for _, m := range g.mods {
			if m.tree == t && m.reached && !g.trusted(m) {
				names = append(names, m.file)
			}
		}
		sort.Strings(names)
		names = append(names, t.metaFor...)
		for _, n := range names {
			if t.zip {
				g.floor = append(g.floor, "entry "+t.rel+" "+n)
			} else {
				g.floor = append(g.floor, "file "+t.rel+"/"+n)
			}
		}
	}
	for _, t := range g.layerTrees {
		g.writeTree(t)
	}
	g.write("bench-layers.txt", []byte(strings.Join(g.layerLines, "\n")+"\n"))
	g.write("bench-functions.txt", []byte(strings.Join(fnLines, "\n")+"\n"))
	g.write("bench-floor.txt", []byte(strings.Join(g.floor, "\n")+"\n"))
}

// trusted: a module owned by an installed distribution (layerkit does not scan those; a
// floor does not need their source, only the dist-info).
func (g *gen) trusted(m *module) bool {
	return m.tree.metaFor != nil && !strings.HasPrefix(m.name, "shared")
}

func title(s string) string { return strings.ToUpper(s[:1]) + s[1:] }

// layer plans one layer: its distributions, their modules, data and compiled files.
func (g *gen) layer(l layerSpec, large bool) *outTree {
	t := &outTree{rel: "layers/" + l.name, zip: l.zip, files: map[string][]byte{}, so: map[string]int{}, site: "python"}
	if l.zip {
		t.rel += ".zip"
		g.layerLines = append(g.layerLines, "zip "+t.rel)
		g.floor = append(g.floor, "zip "+t.rel)
	} else {
		g.layerLines = append(g.layerLines, "dir "+t.rel)
	}
	if l.site {
		t.site = "python/lib/python" + *pyver + "/site-packages"
	}
	var total float64
	for _, d := range l.dists {
		total += d.weight
	}
	for _, d := range l.dists {
		n := int(float64(l.files) * d.weight / total)
		g.dist(t, d, max(n, 4))
		for _, top := range d.tops {
			if top != "mpl_toolkits" {
				g.pubs = append(g.pubs, top)
			}
		}
	}
	// Compiled files take whatever the large layer's byte budget leaves.
	if large {
		var used int64
		for _, b := range t.files {
			used += int64(len(b))
		}
		budget := int64(*largeMB*1e6) - used
		var names []string
		for n := range t.so {
			names = append(names, n)
		}
		sort.Strings(names)
		weights := make([]float64, len(names))
		var wsum float64
		for i := range names {
			weights[i] = 0.2 + g.rng.ExpFloat64() // a few big ones, many small
			wsum += weights[i]
		}
		for i, n := range names {
			t.so[n] = max(len(elfSO), int(float64(budget)*weights[i]/wsum))
		}
		g.largeFiles = len(t.files) + len(t.so)
	}
	return t
}

// dist plans one distribution with about n files.
func (g *gen) dist(t *outTree, d *dist, n int) {
	site := t.site
	nData := int(float64(n) * d.data)
	nSo := 0
	if d.native {
		nSo = max(1, n*3/100)
	}
	nMeta := 5
	if d.noDist {
		nMeta = 0
	}
	nPy := max(n-nData-nSo-nMeta, d.core+1)
	var record []string
	add := func(name string, b []byte) {
		t.files[site+"/"+name] = b
		record = append(record, recordLine(name, b))
	}
	for ti, top := range d.tops {
		// Modules: core first (what __init__ reaches, a DAG of earlier modules), then the
		// rest (tests, rarely used submodules): never reached from __init__.
		count := nPy
		if len(d.tops) > 1 {
			count = nPy * 9 / 10
			if ti > 0 {
				count = nPy - count
			}
		}
		if count == 1 && top != "mpl_toolkits" {
			// a single-module distribution: six.py
			m := &module{name: top, file: site + "/" + top + ".py", tree: t}
			g.mods[m.name] = m
			continue
		}
		nsub := max(1, int(sqrtInt(count)/2))
		subs := make([]string, nsub)
		for i := range subs {
			switch {
			case i == nsub-1 && nsub > 2:
				subs[i] = "tests"
			default:
				subs[i] = fmt.Sprintf("%s%d", subName(i), i)
			}
		}
		initMod := &module{name: top, file: site + "/" + top + "/__init__.py", pkg: true, tree: t}
		g.mods[top] = initMod
		for i, s := range subs {
			if i == 0 {
				continue // sub 0 is the package folder itself
			}
			m := &module{name: top + "." + s, file: site + "/" + top + "/" + s + "/__init__.py", pkg: true, tree: t}
			g.mods[m.name] = m
		}
		core := d.core // what __init__ reaches does not grow with the layer
		var mods []*module
		for i := 0; i < max(count-nsub, core+1); i++ {
			sub := subs[g.rng.IntN(len(subs))]
			if i < core && sub == "tests" {
				sub = subs[0]
			}
			if i >= core && nsub > 2 && g.rng.IntN(3) == 0 {
				sub = "tests"
			}
			dir := top
			if sub != subs[0] {
				dir += "/" + sub
			}
			leaf := fmt.Sprintf("%s_%d", leafName(i), i)
			if sub == "tests" {
				leaf = fmt.Sprintf("test_%s_%d", leafName(i), i)
			}
			m := &module{name: strings.ReplaceAll(dir, "/", ".") + "." + leaf, file: site + "/" + dir + "/" + leaf + ".py", tree: t}
			// eager imports: up to 3 earlier modules (so a core module only reaches core
			// modules; the rest may use anything before them)
			if i > 0 {
				for k := 0; k < 1+g.rng.IntN(3); k++ {
					m.eager = appendUniq(m.eager, mods[g.rng.IntN(i)].name)
				}
			}
			if i < core && len(d.deps) > 0 && g.rng.IntN(4) == 0 {
				dep := d.deps[g.rng.IntN(len(d.deps))]
				if dm := g.topOf(dep); dm != "" {
					m.eager = appendUniq(m.eager, dm)
				}
			}
			g.mods[m.name] = m
			mods = append(mods, m)
		}
		// __init__ imports the last few core modules (their DAG reaches the rest of core).
		first := max(0, core-4)
		if d.all {
			first = 0
		}
		for k := first; k < core; k++ {
			initMod.eager = append(initMod.eager, mods[k].name)
		}
		for k := 0; k < core; k++ {
			if g.rng.IntN(20) == 0 && !contains(initMod.eager, mods[k].name) {
				initMod.eager = append(initMod.eager, mods[k].name)
			}
		}
		// compiled extensions, imported lazily by core modules
		if ti == 0 {
			for s := 0; s < nSo; s++ {
				sub := subs[g.rng.IntN(len(subs))]
				dir := top
				if sub != subs[0] {
					dir += "/" + sub
				}
				base := fmt.Sprintf("_%s_ext%d", leafName(s), s)
				t.so[site+"/"+dir+"/"+base+".cpython-"+strings.ReplaceAll(*pyver, ".", "")+"-x86_64-linux-gnu.so"] = 0
				if core > 0 {
					m := mods[g.rng.IntN(core)]
					m.lazy = append(m.lazy, strings.ReplaceAll(dir, "/", ".")+"."+base)
				}
			}
			// bundled shared libraries (numpy.libs/, like auditwheel)
			if d.native && nSo > 2 {
				t.so[site+"/"+top+".libs/lib"+strings.ToLower(top)+"-0a1b2c3d.so.1.0.0"] = 0
			}
			for s := 0; s < nData; s++ {
				sub := subs[g.rng.IntN(len(subs))]
				dir := top
				if sub != subs[0] {
					dir += "/" + sub
				}
				ext := []string{".json", ".txt", ".csv", ".pyi", ".dat"}[g.rng.IntN(5)]
				name := fmt.Sprintf("%s/data_%d%s", dir, s, ext)
				t.files[site+"/"+name] = g.dataFile(ext, s)
			}
		}
	}
	// write the sources
	var srcs []string
	for name, m := range g.mods {
		if m.tree == t && t.files[m.file] == nil && ownedBy(strings.TrimPrefix(m.file, site+"/"), d.tops) {
			srcs = append(srcs, name)
		}
	}
	sort.Strings(srcs)
	for _, name := range srcs {
		m := g.mods[name]
		t.files[m.file] = g.source(m, d)
	}
	if d.noDist {
		return
	}
	var own []string
	for name := range t.files {
		if rel, ok := strings.CutPrefix(name, site+"/"); ok && ownedBy(rel, d.tops) {
			own = append(own, name)
		}
	}
	for name := range t.so {
		if rel, ok := strings.CutPrefix(name, site+"/"); ok && ownedBy(rel, d.tops) {
			own = append(own, name)
		}
	}
	sort.Strings(own)
	for _, name := range own {
		rel := strings.TrimPrefix(name, site+"/")
		if b, ok := t.files[name]; ok {
			record = append(record, recordLine(rel, b))
		} else {
			record = append(record, fmt.Sprintf("%s,,%d", rel, t.so[name])) // hashed when written
		}
	}
	di := fmt.Sprintf("%s-%s.dist-info", d.name, d.version)
	var meta strings.Builder
	fmt.Fprintf(&meta, "Metadata-Version: 2.1\nName: %s\nVersion: %s\nSummary: %s (generated)\nRequires-Python: >=3.9\nLicense: BSD-3-Clause\nClassifier: Programming Language :: Python :: 3\n", d.name, d.version, d.name)
	for _, dep := range d.deps {
		fmt.Fprintf(&meta, "Requires-Dist: %s\n", dep)
	}
	meta.WriteString("Requires-Dist: pytest ; extra == \"test\"\n\nLong description.\n")
	wheelTag := "py3-none-any"
	if d.native {
		cp := "cp" + strings.ReplaceAll(*pyver, ".", "")
		wheelTag = cp + "-" + cp + "-manylinux_2_17_x86_64"
	}
	add(di+"/METADATA", []byte(meta.String()))
	add(di+"/WHEEL", []byte(fmt.Sprintf("Wheel-Version: 1.0\nGenerator: bdist_wheel (0.43.0)\nRoot-Is-Purelib: %v\nTag: %s\n", !d.native, wheelTag)))
	add(di+"/INSTALLER", []byte("pip\n"))
	metaFiles := []string{di + "/METADATA", di + "/WHEEL"}
	if !d.noTopLevel {
		add(di+"/top_level.txt", []byte(strings.Join(d.tops, "\n")+"\n"))
		metaFiles = append(metaFiles, di+"/top_level.txt")
	}
	record = append(record, di+"/RECORD,,")
	sort.Strings(record)
	t.files[site+"/"+di+"/RECORD"] = []byte(strings.Join(record, "\n") + "\n")
	metaFiles = append(metaFiles, di+"/RECORD")
	for _, f := range metaFiles {
		t.metaFor = append(t.metaFor, site+"/"+f)
	}
}

func ownedBy(rel string, tops []string) bool {
	for _, top := range tops {
		if rel == top+".py" || strings.HasPrefix(rel, top+"/") || strings.HasPrefix(rel, top+".libs/") {
			return true
		}
	}
	return false
}

func recordLine(name string, b []byte) string {
	h := sha256.Sum256(b)
	return fmt.Sprintf("%s,sha256=%s,%d", name, base64.RawURLEncoding.EncodeToString(h[:]), len(b))
}

// topOf names the importable top-level module of distribution dist ("" when unknown).
func (g *gen) topOf(distName string) string {
	for _, l := range [][]*dist{sciStack} {
		for _, d := range l {
			if d.name == distName {
				return d.tops[0]
			}
		}
	}
	for _, l := range smallLayers() {
		for _, d := range l.dists {
			if d.name == distName {
				return d.tops[0]
			}
		}
	}
	return ""
}

var stdlib = []string{"os", "sys", "re", "json", "math", "time", "logging", "functools", "itertools", "collections",
	"typing", "dataclasses", "datetime", "decimal", "enum", "abc", "io", "warnings", "contextlib", "operator",
	"copy", "weakref", "threading", "struct", "hashlib", "base64", "uuid", "pathlib", "textwrap", "numbers"}

var words = []string{"core", "array", "frame", "index", "series", "linalg", "fft", "stats", "sparse", "optimize", "signal",
	"io", "util", "base", "common", "api", "types", "dtypes", "ops", "window", "groupby", "reshape", "tools", "plotting",
	"compat", "config", "errors", "internals", "methods", "strings", "arrays", "algos", "cluster", "metrics", "model",
	"transform", "encoding", "parse", "format", "render", "backend", "cache", "session", "pool", "engine", "dialect"}

func subName(i int) string  { return words[(i*7)%len(words)] }
func leafName(i int) string { return words[(i*13+5)%len(words)] }

func sqrtInt(n int) int {
	r := 1
	for r*r < n {
		r++
	}
	return r
}

func appendUniq(list []string, s string) []string {
	if contains(list, s) {
		return list
	}
	return append(list, s)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// source renders a module: docstring, imports (stdlib, eager ones, a guarded one, a
// TYPE_CHECKING one), then enough functions and classes to reach a realistic size.
func (g *gen) source(m *module, d *dist) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "\"\"\"%s: generated module of %s.\n\nThis docstring mentions import os, which is not an import.\n\"\"\"\n", m.name, d.name)
	for k := 0; k < 2+g.rng.IntN(4); k++ {
		fmt.Fprintf(&b, "import %s\n", stdlib[g.rng.IntN(len(stdlib))])
	}
	b.WriteString("from typing import TYPE_CHECKING, Any, Optional\n\n")
	pkg := m.name // __package__
	if !m.pkg {
		pkg = ""
		if i := strings.LastIndexByte(m.name, '.'); i >= 0 {
			pkg = m.name[:i]
		}
	}
	for _, imp := range m.eager {
		target := g.mods[imp]
		switch {
		case target != nil && target.pkg:
			fmt.Fprintf(&b, "import %s\n", imp)
		case pkg != "" && strings.HasPrefix(imp, pkg+".") && !strings.Contains(imp[len(pkg)+1:], ".") && g.rng.IntN(2) == 0:
			fmt.Fprintf(&b, "from . import %s\n", imp[len(pkg)+1:])
		default:
			i := strings.LastIndexByte(imp, '.')
			if i < 0 {
				fmt.Fprintf(&b, "import %s\n", imp)
			} else if g.rng.IntN(2) == 0 {
				fmt.Fprintf(&b, "from %s import func_0 as _f%d\n", imp, b.Len()%997)
			} else {
				fmt.Fprintf(&b, "from %s import %s\n", imp[:i], imp[i+1:])
			}
		}
	}
	b.WriteString("\ntry:\n    import ujson as _json\nexcept ImportError:\n    import json as _json\n\nif TYPE_CHECKING:\n    from collections.abc import Sequence\n\n")
	b.WriteString("__all__ = [\"func_0\", \"Model\"]\n\n")
	target := 1500 + g.rng.IntN(8000)
	if m.pkg {
		target = 400 + g.rng.IntN(1500)
	}
	for k := 0; b.Len() < target || k == 0; k++ {
		fmt.Fprintf(&b, `
def func_%[1]d(value: Any, scale: Optional[float] = None) -> Any:
    """Return value scaled (generated %[1]d)."""
    if scale is None:
        scale = %[1]d.5
    result = [v * scale for v in value] if isinstance(value, list) else value
    return _json.dumps({"n": %[1]d, "result": result})

`, k)
		if k%3 == 0 {
			fmt.Fprintf(&b, `
class Model%[1]d:
    """A model (generated)."""

    field_%[1]d: int = %[1]d

    def method(self, x: int) -> int:
        return x + self.field_%[1]d

`, k)
		}
	}
	b.WriteString("\nModel = Model0\n")
	for i, l := range m.lazy {
		j := strings.LastIndexByte(l, '.')
		fmt.Fprintf(&b, "\n\ndef _accelerated_%d():\n    from %s import %s\n    return %s\n", i, l[:j], l[j+1:], l[j+1:])
	}
	return []byte(b.String())
}

func (g *gen) dataFile(ext string, i int) []byte {
	var b strings.Builder
	n := 200 + g.rng.IntN(4000)
	switch ext {
	case ".json":
		b.WriteString("{\"entries\": [")
		for k := 0; b.Len() < n; k++ {
			fmt.Fprintf(&b, "{\"id\": %d, \"value\": %d.25},", k, i*k)
		}
		b.WriteString("{}]}\n")
	case ".pyi":
		for k := 0; b.Len() < n; k++ {
			fmt.Fprintf(&b, "def func_%d(value: int) -> int: ...\n", k)
		}
	default:
		for k := 0; b.Len() < n; k++ {
			fmt.Fprintf(&b, "%d,%d,%d.5,row\n", k, i, k*i)
		}
	}
	return []byte(b.String())
}

// function writes one function's package: a handler module importing the standard
// library, the function's own package and layer packages.
func (g *gen) function(i int) (*outTree, string) {
	rel := fmt.Sprintf("fns/f%04d", i)
	files := map[string][]byte{}
	svc := "service"
	nmod := 3 + g.rng.IntN(6)
	var own []string
	for k := 0; k < nmod; k++ {
		name := fmt.Sprintf("%s_%d", leafName(k+i), k)
		var b strings.Builder
		fmt.Fprintf(&b, "\"\"\"%s.%s of function %d.\"\"\"\nimport logging\nimport %s\nfrom dataclasses import dataclass\n", svc, name, i, stdlib[g.rng.IntN(len(stdlib))])
		if k > 0 {
			fmt.Fprintf(&b, "from .%s import func_0 as _prev\n", own[g.rng.IntN(k)])
		}
		if k%3 == 1 && g.hasShared {
			fmt.Fprintf(&b, "from shared import func_0 as shared_func\n")
		}
		b.WriteString("\nlog = logging.getLogger(__name__)\n\n\n@dataclass\nclass Record:\n    id: str\n    amount: int = 0\n\n")
		for f := 0; f < 4+g.rng.IntN(12); f++ {
			fmt.Fprintf(&b, "\ndef func_%d(event: dict) -> dict:\n    log.debug(\"step %d\")\n    return {\"step\": %d, **event}\n\n", f, f, f)
		}
		files[svc+"/"+name+".py"] = []byte(b.String())
		own = append(own, name)
	}
	files[svc+"/__init__.py"] = []byte("\"\"\"The function's own package.\"\"\"\n")
	var b strings.Builder
	fmt.Fprintf(&b, "\"\"\"Handler of function %d.\"\"\"\n", i)
	for _, s := range []string{"json", "logging", "os"} {
		fmt.Fprintf(&b, "import %s\n", s)
	}
	for k := 0; k < 3+g.rng.IntN(5); k++ {
		fmt.Fprintf(&b, "import %s\n", stdlib[g.rng.IntN(len(stdlib))])
	}
	b.WriteString("\n")
	// layer packages: shared (common layer) when present, then a few others
	picks := []string{}
	popular := map[string]int{"numpy": 70, "pandas": 35, "scipy": 15, "sklearn": 10, "requests": 40, "aws_lambda_powertools": 50,
		"sqlalchemy": 15, "pymysql": 10, "dateutil": 20, "pyarrow": 8, "PIL": 5, "matplotlib": 3, "statsmodels": 3, "jmespath": 5, "shared": 100, "vendored": 100}
	for _, top := range g.pubs {
		if p, ok := popular[top]; ok && g.rng.IntN(100) < p {
			picks = append(picks, top)
		}
	}
	for _, top := range picks {
		switch top {
		case "numpy":
			b.WriteString("import numpy as np\n")
		case "pandas":
			b.WriteString("import pandas as pd\n")
		case "shared":
			b.WriteString("from shared import func_0 as shared_func\n")
			if m := g.mods[g.sharedLeaf()]; m != nil {
				fmt.Fprintf(&b, "from %s import func_0 as shared_helper\n", m.name)
				g.reach(m.name)
			}
		default:
			fmt.Fprintf(&b, "import %s\n", top)
		}
		g.reach(top)
	}
	for k, name := range own {
		if k%2 == 0 || k == len(own)-1 {
			fmt.Fprintf(&b, "from %s.%s import func_0 as step_%d\n", svc, name, k)
		}
	}
	b.WriteString("\ntry:\n    import orjson\nexcept ImportError:\n    orjson = None\n")
	b.WriteString("\nlogger = logging.getLogger()\n\n\ndef handler(event, context):\n    logger.info(\"event %s\", json.dumps(event))\n    return {\"statusCode\": 200, \"body\": os.environ.get(\"STAGE\", \"dev\")}\n")
	files["app.py"] = []byte(b.String())
	t := &outTree{rel: rel, files: files}
	g.writeTree(t)
	var names []string
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		g.floor = append(g.floor, "file "+rel+"/"+n)
	}
	return t, "app"
}

func (g *gen) sharedLeaf() string {
	var names []string
	for n, m := range g.mods {
		if strings.HasPrefix(n, "shared.") && !m.pkg && !strings.Contains(n, "tests") {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return ""
	}
	sort.Strings(names)
	return names[g.rng.IntN(min(len(names), 20))]
}

// reach marks name, its parent packages and everything they import eagerly.
func (g *gen) reach(name string) {
	m := g.mods[name]
	if m == nil || m.reached {
		return
	}
	m.reached = true
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		g.reach(name[:i])
	}
	for _, e := range m.eager {
		g.reach(e)
	}
}

func (g *gen) write(rel string, b []byte) {
	p := filepath.Join(g.root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		fail(err)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		fail(err)
	}
}

var zeros = make([]byte, 1<<16)

// writeTree writes a tree as a folder or a zip (deflated, fixed times: reproducible).
func (g *gen) writeTree(t *outTree) {
	var names []string
	for n := range t.files {
		names = append(names, n)
	}
	for n := range t.so {
		names = append(names, n)
	}
	sort.Strings(names)
	if !t.zip {
		for _, n := range names {
			if b, ok := t.files[n]; ok {
				if strings.HasSuffix(n, "/RECORD") {
					b = g.hashRecord(t, n, b)
				}
				g.write(t.rel+"/"+n, b)
			} else {
				g.write(t.rel+"/"+n, soBytes(t.so[n]))
			}
		}
		return
	}
	p := filepath.Join(g.root, filepath.FromSlash(t.rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		fail(err)
	}
	f, err := os.Create(p)
	if err != nil {
		fail(err)
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	zw := zip.NewWriter(bw)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestSpeed) })
	mtime := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	var unzipped int64
	for _, n := range names {
		h := &zip.FileHeader{Name: n, Method: zip.Deflate, Modified: mtime}
		h.SetMode(0o644)
		if strings.Contains(n, ".so") {
			h.SetMode(0o755)
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			fail(err)
		}
		if b, ok := t.files[n]; ok {
			if strings.HasSuffix(n, "/RECORD") {
				b = g.hashRecord(t, n, b)
			}
			_, err = w.Write(b)
			unzipped += int64(len(b))
		} else {
			size := t.so[n]
			_, err = w.Write(elfSO)
			for left := size - len(elfSO); left > 0 && err == nil; left -= len(zeros) {
				_, err = w.Write(zeros[:min(left, len(zeros))])
			}
			unzipped += int64(size)
		}
		if err != nil {
			fail(err)
		}
	}
	if err := zw.Close(); err != nil {
		fail(err)
	}
	if err := bw.Flush(); err != nil {
		fail(err)
	}
	fi, _ := f.Stat()
	if err := f.Close(); err != nil {
		fail(err)
	}
	if strings.HasSuffix(t.rel, "sci.zip") {
		g.largeBytes, g.largeZipped = unzipped, fi.Size()
	}
}

// hashRecord fills in the hashes of compiled files, planned without their bytes.
func (g *gen) hashRecord(t *outTree, name string, rec []byte) []byte {
	site := path.Dir(path.Dir(name))
	lines := strings.Split(string(rec), "\n")
	for i, l := range lines {
		if rel, size, ok := strings.Cut(l, ",,"); ok && size != "" {
			if n, ok := t.so[site+"/"+rel]; ok {
				lines[i] = recordLine(rel, soBytes(n))
			}
		}
	}
	return []byte(strings.Join(lines, "\n"))
}

func soBytes(size int) []byte {
	b := make([]byte, max(size, len(elfSO)))
	copy(b, elfSO)
	return b
}
