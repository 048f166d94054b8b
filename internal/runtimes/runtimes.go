// Package runtimes is the catalogue of AWS Lambda runtimes: OS and glibc,
// lifecycle dates, the Python sys.path layout, the standard-library module
// names per Python version, extension-module suffixes, and the packages the
// runtime itself provides.
//
// Everything is data: runtimes.json and python-stdlib.txt are embedded and
// parsed once, so a maintainer refreshes them without touching code. See the
// header of each file for its format and sources.
package runtimes

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

//go:embed runtimes.json
var runtimesJSON []byte

// Symbolic sys.path entries returned by [Runtime.SysPath].
const (
	// StdlibEntry stands for the standard library directories
	// (/var/lang/lib/python3XY.zip, /var/lang/lib/python3.X,
	// /var/lang/lib/python3.X/lib-dynload). Resolve standard-library names
	// with [Runtime.StdlibHas] instead of looking at files.
	StdlibEntry = "<stdlib>"
	// PythonPathEntry marks where the entries of a function's PYTHONPATH
	// environment variable go (split on ":", in order). It appears only in
	// SysPath(true); [Runtime.SysPathWith] substitutes it.
	PythonPathEntry = "<PYTHONPATH>"
)

// Deprecation states returned by [Runtime.DeprecationStatus].
const (
	StateSupported     = "supported"
	StateDeprecated    = "deprecated"
	StateBlockedCreate = "blocked-create"
	StateBlockedUpdate = "blocked-update"
)

// Runtime is one Lambda runtime identifier (python3.12, nodejs20.x).
type Runtime struct {
	ID       string // "python3.12"
	Language string // "python" or "nodejs"
	Version  string // "3.12", "20"
	OS       string // "Amazon Linux 2", "Amazon Linux 2023"
	Glibc    string // "2.26", "2.34"
	// Architectures the runtime is offered on ("x86_64", "arm64").
	Architectures []string
	// Lifecycle dates (UTC midnight); zero when unknown.
	Deprecated, BlockCreate, BlockUpdate time.Time
	// Layout is the name of the sys.path layout ("py38" for 3.8–3.10,
	// "py311" for 3.11 and later); empty for Node.js.
	Layout string
	// ProvidedSite is the directory holding the runtime-provided Python
	// packages: /var/runtime (3.8–3.10) or /var/lang/lib/python3.X/site-packages.
	ProvidedSite string
	// Provided lists the top-level import names the runtime provides (Python),
	// or the npm package names/patterns it provides (Node.js: "@aws-sdk/*").
	Provided []string
	// ProvidedUncertain is the subset of Provided not confirmed by a primary
	// source; a checker may prefer a warning over silence for these.
	ProvidedUncertain []string
	// ProvidedDists are the distributions behind Provided; Version is "" when
	// unknown.
	ProvidedDists []Dist
	// NodePath is the default NODE_PATH, in order (Node.js only). Lambda sets
	// it only when the function does not set NODE_PATH itself.
	NodePath []string
	// NodeModuleVersion is the NODE_MODULE_VERSION of the runtime's Node.js (115 on
	// nodejs20.x): the ABI a non-Node-API addon must be built for. 0 for Python and
	// when unknown.
	NodeModuleVersion int
	Notes             string
	// importsChecked is false for runtimes layerkit catalogues (lifecycle, OS) but
	// whose imports it does not model: python2.7.
	importsChecked bool

	major, minor int
	layout       *layout
}

// Dist is a distribution with its version ("" when unknown).
type Dist struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

type layoutEntry struct {
	Path string `json:"path"`
	When string `json:"when"` // "", "set" or "unset" (PYTHONPATH)
}

type layout struct {
	Doc     string        `json:"doc"`
	Entries []layoutEntry `json:"entries"`
}

type catalogueFile struct {
	Source       string `json:"source"`
	Updated      string `json:"updated"`
	DatesChecked string `json:"datesChecked"`
	DatesSource  string `json:"datesSource"`
	Python       struct {
		ExtensionSuffixes []string           `json:"extensionSuffixes"`
		Multiarch         map[string]string  `json:"multiarch"`
		Layouts           map[string]*layout `json:"layouts"`
	} `json:"python"`
	Runtimes []struct {
		ID                string   `json:"id"`
		Language          string   `json:"language"`
		Version           string   `json:"version"`
		OS                string   `json:"os"`
		Glibc             string   `json:"glibc"`
		Architectures     []string `json:"architectures"`
		Deprecated        string   `json:"deprecated"`
		BlockCreate       string   `json:"blockCreate"`
		BlockUpdate       string   `json:"blockUpdate"`
		Layout            string   `json:"layout"`
		ProvidedSite      string   `json:"providedSite"`
		Provided          []string `json:"provided"`
		ProvidedUncertain []string `json:"providedUncertain"`
		ProvidedDists     []Dist   `json:"providedDists"`
		NodePath          []string `json:"nodePath"`
		NodeModuleVersion int      `json:"nodeModuleVersion"`
		Notes             string   `json:"notes"`
		ImportsChecked    *bool    `json:"importsChecked"`
	} `json:"runtimes"`
}

type catalogue struct {
	source, updated string
	datesChecked    string
	datesSource     string
	all             []*Runtime
	byID            map[string]*Runtime
	suffixes        []string
	multiarch       map[string]string
}

// load parses the embedded catalogue on first use.
var load = sync.OnceValue(func() *catalogue {
	c, err := parseCatalogue(runtimesJSON)
	if err != nil {
		// The file is embedded and covered by tests: a failure here is a
		// build defect, not an input error.
		panic("runtimes: embedded runtimes.json: " + err.Error())
	}
	return c
})

func parseDate(field, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s: %w", field, err)
	}
	return t, nil
}

func parseCatalogue(data []byte) (*catalogue, error) {
	var f catalogueFile
	dec := json.NewDecoder(strings.NewReader(string(data)))
	if err := dec.Decode(&f); err != nil {
		return nil, err
	}
	c := &catalogue{
		source:       f.Source,
		updated:      f.Updated,
		datesChecked: f.DatesChecked,
		datesSource:  f.DatesSource,
		byID:         map[string]*Runtime{},
		suffixes:     f.Python.ExtensionSuffixes,
		multiarch:    f.Python.Multiarch,
	}
	for _, r := range f.Runtimes {
		rt := &Runtime{
			ID: r.ID, Language: r.Language, Version: r.Version, OS: r.OS, Glibc: r.Glibc,
			Architectures: r.Architectures, Layout: r.Layout, ProvidedSite: r.ProvidedSite,
			Provided: r.Provided, ProvidedUncertain: r.ProvidedUncertain,
			ProvidedDists: r.ProvidedDists, NodePath: r.NodePath, NodeModuleVersion: r.NodeModuleVersion, Notes: r.Notes,
			importsChecked: r.ImportsChecked == nil || *r.ImportsChecked,
		}
		var err error
		if rt.Deprecated, err = parseDate(r.ID+" deprecated", r.Deprecated); err != nil {
			return nil, err
		}
		if rt.BlockCreate, err = parseDate(r.ID+" blockCreate", r.BlockCreate); err != nil {
			return nil, err
		}
		if rt.BlockUpdate, err = parseDate(r.ID+" blockUpdate", r.BlockUpdate); err != nil {
			return nil, err
		}
		if rt.ID == "" || rt.Language == "" || rt.Version == "" {
			return nil, fmt.Errorf("runtime %q: id, language and version are required", rt.ID)
		}
		if _, dup := c.byID[rt.ID]; dup {
			return nil, fmt.Errorf("runtime %q listed twice", rt.ID)
		}
		if rt.IsPython() {
			maj, min, ok := parsePyVersion(rt.Version)
			if !ok {
				return nil, fmt.Errorf("runtime %q: bad Python version %q", rt.ID, rt.Version)
			}
			rt.major, rt.minor = maj, min
			if !rt.importsChecked && rt.Layout == "" {
				c.all = append(c.all, rt)
				c.byID[rt.ID] = rt
				continue
			}
			l, ok := f.Python.Layouts[rt.Layout]
			if !ok {
				return nil, fmt.Errorf("runtime %q: unknown layout %q", rt.ID, rt.Layout)
			}
			rt.layout = l
		}
		c.all = append(c.all, rt)
		c.byID[rt.ID] = rt
	}
	return c, nil
}

func parsePyVersion(v string) (major, minor int, ok bool) {
	a, b, found := strings.Cut(v, ".")
	if !found {
		return 0, 0, false
	}
	maj, err1 := strconv.Atoi(a)
	min, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil {
		return 0, 0, false
	}
	return maj, min, true
}

// Lookup returns the runtime with this identifier ("python3.12").
func Lookup(id string) (*Runtime, bool) {
	r, ok := load().byID[id]
	return r, ok
}

// All returns every catalogued runtime in file order (Python, then Node.js,
// oldest first). The slice is a copy; the Runtimes are shared and must not be
// modified.
func All() []*Runtime {
	return append([]*Runtime(nil), load().all...)
}

// Source and Updated describe where the catalogue data comes from and when it
// was last refreshed (the "source" and "updated" fields of runtimes.json).
func Source() (source, updated string) {
	c := load()
	return c.source, c.updated
}

// DatesChecked returns the day the lifecycle dates were last compared with their
// source, and that source (the "datesChecked" and "datesSource" fields of
// runtimes.json).
func DatesChecked() (day, source string) {
	c := load()
	return c.datesChecked, c.datesSource
}

// ImportsChecked reports whether layerkit models this runtime's imports: Python 3
// runtimes and the Node.js runtimes whose NODE_PATH the catalogue knows. Others are
// catalogued for their lifecycle and OS only (python2.7, the first Node.js runtimes,
// Java, .NET, Go, Ruby, OS-only runtimes).
func (r *Runtime) ImportsChecked() bool {
	if !r.importsChecked {
		return false
	}
	return r.IsPython() && r.layout != nil || r.IsNode() && len(r.NodePath) > 0
}

// IsPython reports whether this is a Python runtime.
func (r *Runtime) IsPython() bool { return r.Language == "python" }

// IsNode reports whether this is a Node.js runtime.
func (r *Runtime) IsNode() bool { return r.Language == "nodejs" }

// NodeMajor is the Node.js major version of a Node.js runtime (24 for nodejs24.x); 0 for
// other runtimes.
func (r *Runtime) NodeMajor() int {
	if !r.IsNode() {
		return 0
	}
	n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(r.ID, "nodejs"), ".x"))
	if err != nil {
		return 0
	}
	return n
}

// CallbackHandlers reports whether the runtime gives a handler of three parameters its
// callback: Node.js 22 and earlier (AWS documents callback-based handlers for those only).
func (r *Runtime) CallbackHandlers() bool {
	return r.IsNode() && r.NodeMajor() > 0 && r.NodeMajor() <= 22
}

// PyVersion returns the Python version (3, 12); (0, 0) for non-Python runtimes.
func (r *Runtime) PyVersion() (major, minor int) { return r.major, r.minor }

// Tag returns the CPython tag without the dot ("312"); "" for non-Python.
func (r *Runtime) Tag() string {
	if !r.IsPython() {
		return ""
	}
	return fmt.Sprintf("%d%d", r.major, r.minor)
}

// HasArch reports whether the runtime is offered on arch ("x86_64", "arm64").
func (r *Runtime) HasArch(arch string) bool {
	for _, a := range r.Architectures {
		if a == arch {
			return true
		}
	}
	return false
}

// ProvidesImport reports whether the runtime provides this top-level import
// name, and whether that is uncertain.
func (r *Runtime) ProvidesImport(top string) (provided, uncertain bool) {
	for _, p := range r.Provided {
		if p == top {
			provided = true
			break
		}
	}
	if !provided {
		return false, false
	}
	for _, p := range r.ProvidedUncertain {
		if p == top {
			return true, true
		}
	}
	return true, false
}

// Multiarch returns the multiarch tuple CPython uses in extension suffixes for
// a Lambda architecture: "x86_64-linux-gnu", "aarch64-linux-gnu"; "" if
// unknown.
func Multiarch(arch string) string { return load().multiarch[arch] }

// ExtensionSuffixes returns importlib.machinery.EXTENSION_SUFFIXES for this
// runtime on arch ("x86_64" or "arm64"), in CPython's order:
// ".cpython-312-x86_64-linux-gnu.so", ".abi3.so", ".so". An unknown arch keeps
// only the arch-independent suffixes. Nil for non-Python runtimes.
func (r *Runtime) ExtensionSuffixes(arch string) []string {
	if !r.IsPython() {
		return nil
	}
	ma := Multiarch(arch)
	var out []string
	for _, s := range load().suffixes {
		if strings.Contains(s, "{multiarch}") && ma == "" {
			continue
		}
		s = strings.ReplaceAll(s, "{nodot}", r.Tag())
		s = strings.ReplaceAll(s, "{multiarch}", ma)
		out = append(out, s)
	}
	return out
}

// SysPath returns the function's Python sys.path on Lambda, in order, for a
// zip-packaged function, as absolute paths plus symbolic entries:
//
//	python3.12, PYTHONPATH unset:
//	  /var/task
//	  /opt/python/lib/python3.12/site-packages
//	  /opt/python
//	  /var/lang/lib/python3.12/site-packages
//	  /var/runtime
//	  <stdlib>
//	python3.10, PYTHONPATH unset:
//	  /var/task, /opt/python/lib/python3.10/site-packages, /opt/python,
//	  /var/runtime, <stdlib>, /var/lang/lib/python3.10/site-packages
//	PYTHONPATH set (any version): the /opt entries are gone and the user's
//	entries go where <PYTHONPATH> stands, right after /var/runtime (the
//	bootstrap script's directory, sys.path[0] at start-up) and before the
//	stdlib:
//	  /var/task, /var/runtime, <PYTHONPATH>, <stdlib>,
//	  /var/lang/lib/python3.X/site-packages
//
// [StdlibEntry] stands for the standard library; [PythonPathEntry] (only when
// pythonpathSet) for the PYTHONPATH entries: substitute them, or call
// [Runtime.SysPathWith]. Paths added by .pth files are appended at the end by
// the caller (site.addsitedir appends); with PYTHONPATH set, only .pth files in
// /var/task and in the standard site-packages are processed. Duplicates are
// dropped (the first occurrence is the one that matters for imports). Nil for
// non-Python runtimes. Source: lambda-runtime-facts.md §0.1, §0.2, §1.2.
func (r *Runtime) SysPath(pythonpathSet bool) []string {
	if !r.IsPython() || r.layout == nil {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	for _, e := range r.layout.Entries {
		switch e.When {
		case "set":
			if !pythonpathSet {
				continue
			}
		case "unset":
			if pythonpathSet {
				continue
			}
		}
		p := strings.ReplaceAll(e.Path, "{ver}", r.Version)
		if seen[p] {
			continue
		}
		seen[p] = true
		out = append(out, p)
	}
	return out
}

// SysPathWith is SysPath(pythonpath != nil) with [PythonPathEntry] replaced by
// the given entries (the PYTHONPATH value split on ":"; empty items dropped,
// as CPython does).
func (r *Runtime) SysPathWith(pythonpath []string) []string {
	base := r.SysPath(pythonpath != nil)
	if pythonpath == nil {
		return base
	}
	var out []string
	for _, p := range base {
		if p != PythonPathEntry {
			out = append(out, p)
			continue
		}
		for _, e := range pythonpath {
			if e != "" {
				out = append(out, e)
			}
		}
	}
	return out
}

// LayoutDoc returns the documentation string of the runtime's sys.path layout.
func (r *Runtime) LayoutDoc() string {
	if r.layout == nil {
		return ""
	}
	return r.layout.Doc
}

// DeprecationStatus returns the runtime's lifecycle state on day today:
// "supported" before the deprecation date, "deprecated" from it,
// "blocked-create" from the block-create date (no new functions),
// "blocked-update" from the block-update date (no code updates either).
// Unknown (zero) dates are skipped.
func (r *Runtime) DeprecationStatus(today time.Time) string {
	y, m, d := today.Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	reached := func(t time.Time) bool { return !t.IsZero() && !day.Before(t) }
	switch {
	case reached(r.BlockUpdate):
		return StateBlockedUpdate
	case reached(r.BlockCreate):
		return StateBlockedCreate
	case reached(r.Deprecated):
		return StateDeprecated
	}
	return StateSupported
}

// PythonRuntimes returns the Python runtimes whose imports layerkit checks, oldest
// first (python2.7 is catalogued but not among them).
func PythonRuntimes() []*Runtime {
	var out []*Runtime
	for _, r := range load().all {
		if r.IsPython() && r.ImportsChecked() {
			out = append(out, r)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].major != out[j].major {
			return out[i].major < out[j].major
		}
		return out[i].minor < out[j].minor
	})
	return out
}

// PathVar is the environment variable through which a function replaces the language's
// default search path on Lambda, and with it the layer folders: "PYTHONPATH" for
// Python, "NODE_PATH" for Node.js; "" for other languages.
func (r *Runtime) PathVar() string {
	switch {
	case r.IsPython():
		return "PYTHONPATH"
	case r.IsNode():
		return "NODE_PATH"
	}
	return ""
}

// LayerDirs returns the folders inside a layer (its zip's paths) that this runtime
// searches, in the order it searches them, when the function does not set PathVar:
// "python/lib/python3.12/site-packages", "python" for python3.12;
// "nodejs/node20/node_modules", "nodejs/node_modules" for nodejs20.x. They come from
// the catalogue's search path (the /opt entries of SysPath or NodePath), the one place
// layer layouts are spelled. Nil for runtimes whose search path is not catalogued.
func (r *Runtime) LayerDirs() []string {
	var from []string
	switch {
	case r.IsPython():
		from = r.SysPath(false)
	case r.IsNode():
		from = r.NodePath
	}
	var out []string
	for _, p := range from {
		if rest, ok := strings.CutPrefix(p, "/opt/"); ok {
			out = append(out, rest)
		}
	}
	return out
}
