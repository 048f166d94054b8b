package noderesolve

import (
	"encoding/json"
	"errors"
	"io/fs"
	"path"
	"reflect"
	"strings"
	"sync"

	"github.com/layerkit/layerkit/internal/jsscan"
	"github.com/layerkit/layerkit/internal/tree"
)

// The file system a function sees: /var/task is the function's tree, /opt the
// overlay of its layers; every other folder on the way (/, /var, /var/runtime) exists
// and is otherwise empty, except the runtime's packages, matched by name (provided).

// stat kinds, as Node's internalModuleStat answers.
const (
	statMissing = -1
	statFile    = 0
	statDir     = 1
)

// locate maps an absolute path to a tree and a name in it.
func (r *Resolver) locate(abs string) (tree.Tree, string, bool) {
	for _, m := range [...]struct {
		root string
		t    tree.Tree
	}{{TaskRoot, r.task}, {OptRoot, r.opt}} {
		if m.t == nil {
			continue
		}
		if abs == m.root {
			return m.t, "", true
		}
		if rest, ok := strings.CutPrefix(abs, m.root+"/"); ok {
			return m.t, rest, true
		}
	}
	return nil, "", false
}

// Locate returns the tree holding the absolute path abs (/var/task/... in the
// function's tree, /opt/... in the layers' overlay) and its name there; false for
// paths outside both (the runtime's packages, built-ins).
func (r *Resolver) Locate(abs string) (tree.Tree, string, bool) { return r.locate(path.Clean(abs)) }

func (r *Resolver) stat(abs string) int {
	abs = path.Clean(abs)
	switch abs {
	case "/", "/var", "/var/runtime", RuntimeModules:
		return statDir
	}
	if r.task != nil && abs == TaskRoot || r.opt != nil && abs == OptRoot {
		return statDir
	}
	t, name, ok := r.locate(abs)
	if !ok {
		return statMissing
	}
	info, err := t.Stat(name)
	if err != nil {
		if _, ok := r.env.Declared[abs]; ok {
			return statDir // a node_modules folder a build step makes
		}
		return statMissing
	}
	if info.Dir {
		return statDir
	}
	return statFile
}

func (r *Resolver) readFile(abs string) ([]byte, error) {
	t, name, ok := r.locate(path.Clean(abs))
	if !ok {
		return nil, fs.ErrNotExist
	}
	return t.ReadFile(name)
}

// Display says how to show abs to a user: the tree's own Display (a path relative to
// the checked folder, or zip:entry), or abs itself.
func (r *Resolver) Display(abs string) string {
	if t, name, ok := r.locate(abs); ok {
		return t.Display(name)
	}
	return abs
}

// pkgJSON is the part of a package.json resolution reads.
type pkgJSON struct {
	path    string // of the package.json
	exists  bool
	invalid error // not JSON
	Name    string
	Main    *string
	Type    string
	Exports json.RawMessage
	Imports json.RawMessage
	hasExp  bool
	hasImp  bool
}

type rawPkg struct {
	Name    any             `json:"name"`
	Main    any             `json:"main"`
	Type    any             `json:"type"`
	Exports json.RawMessage `json:"exports"`
	Imports json.RawMessage `json:"imports"`
}

// readPkg reads the package.json in folder dir (cached).
func (r *Resolver) readPkg(dir string) *pkgJSON {
	p := path.Join(dir, "package.json")
	r.mu.Lock()
	if c, ok := r.pkgs[p]; ok {
		r.mu.Unlock()
		return c
	}
	r.mu.Unlock()
	key, shared := r.sharedKey(p)
	if shared {
		if c, ok := r.shared.pkgs.Load(key); ok {
			pj := c.(*pkgJSON)
			r.mu.Lock()
			r.pkgs[p] = pj
			r.mu.Unlock()
			return pj
		}
	}
	pj := &pkgJSON{path: p}
	if r.stat(p) == statFile {
		b, err := r.readFile(p)
		var raw rawPkg
		switch {
		case err != nil:
			pj.invalid = err
		case json.Unmarshal(b, &raw) != nil:
			pj.exists = true
			pj.invalid = errors.New("invalid JSON")
		default:
			pj.exists = true
			if s, ok := raw.Name.(string); ok {
				pj.Name = s
			}
			if s, ok := raw.Main.(string); ok {
				pj.Main = &s
			}
			if s, ok := raw.Type.(string); ok {
				pj.Type = s
			}
			pj.Exports, pj.hasExp = raw.Exports, len(raw.Exports) > 0 && string(raw.Exports) != "null"
			pj.Imports, pj.hasImp = raw.Imports, len(raw.Imports) > 0 && string(raw.Imports) != "null"
		}
	}
	if shared {
		v, _ := r.shared.pkgs.LoadOrStore(key, pj)
		pj = v.(*pkgJSON)
	}
	r.mu.Lock()
	r.pkgs[p] = pj
	r.mu.Unlock()
	return pj
}

// packageScope returns the nearest package.json at or above folder dir, stopping at
// a folder named node_modules (Node's getPackageScopeConfig / readPackageScope); nil
// when there is none.
func (r *Resolver) packageScope(dir string) *pkgJSON {
	for {
		if path.Base(dir) == "node_modules" {
			return nil
		}
		if pj := r.readPkg(dir); pj.exists {
			return pj
		}
		if dir == "/" {
			return nil
		}
		dir = path.Dir(dir)
	}
}

// scan parses a JavaScript file (cached, and shared with the other resolvers of a
// Shared: the functions with the same layers read the same files).
func (r *Resolver) scan(abs string) (*jsscan.File, error) {
	r.mu.Lock()
	if f, ok := r.scans[abs]; ok {
		r.mu.Unlock()
		return f, nil
	}
	r.mu.Unlock()
	key, shared := r.sharedKey(abs)
	if shared {
		if f, ok := r.shared.scans.Load(key); ok {
			return f.(*jsscan.File), nil
		}
	}
	b, err := r.readFile(abs)
	if err != nil {
		return nil, err
	}
	f := jsscan.Scan(b)
	if shared {
		v, _ := r.shared.scans.LoadOrStore(key, f)
		f = v.(*jsscan.File)
	}
	r.mu.Lock()
	r.scans[abs] = f
	r.mu.Unlock()
	return f, nil
}

// Scan returns what jsscan found in the JavaScript file abs (cached).
func (r *Resolver) Scan(abs string) (*jsscan.File, error) { return r.scan(abs) }

// Shared is what resolvers of one check share: the scans of files in the same trees
// (the /opt overlay of a layer list serves every function that has those layers).
// Safe for concurrent use.
type Shared struct {
	scans sync.Map // treeKey → *jsscan.File
	pkgs  sync.Map // treeKey of a package.json → *pkgJSON
}

type treeKey struct {
	t    tree.Tree
	name string
}

// NewShared returns an empty Shared.
func NewShared() *Shared { return &Shared{} }

// New returns a Resolver (see the package-level New) that shares scans with the
// other resolvers of sh.
func (sh *Shared) New(task, opt tree.Tree, env Env) *Resolver {
	r := New(task, opt, env)
	r.shared = sh
	return r
}

func (r *Resolver) sharedKey(abs string) (treeKey, bool) {
	if r.shared == nil {
		return treeKey{}, false
	}
	t, name, ok := r.locate(path.Clean(abs))
	if !ok || !reflect.TypeOf(t).Comparable() {
		return treeKey{}, false
	}
	return treeKey{t, name}, true
}

// Resolver resolves and loads modules for one function: its trees and Env. It caches
// package.json files and scans; safe for concurrent use.
type Resolver struct {
	task, opt tree.Tree
	env       Env

	mu     sync.Mutex
	pkgs   map[string]*pkgJSON
	scans  map[string]*jsscan.File
	shared *Shared // nil: nothing shared
}

// New returns a Resolver over task (/var/task) and opt (/opt: the layers' overlay;
// nil when the function has no layers).
func New(task, opt tree.Tree, env Env) *Resolver {
	return &Resolver{task: task, opt: opt, env: env, pkgs: map[string]*pkgJSON{}, scans: map[string]*jsscan.File{}}
}

// Env returns the resolver's Env.
func (r *Resolver) Env() Env { return r.env }

// CaseMatch returns the file or folder that abs names when letter case is ignored
// (Lambda's file system is case-sensitive, a Mac's is not: facts F11), trying abs and
// the names Node would probe for it (.js, .json, .node, .mjs, .cjs, /index.js); ""
// when there is none or abs exists as written.
func (r *Resolver) CaseMatch(abs string) string {
	abs = path.Clean(abs)
	if r.stat(abs) != statMissing {
		return ""
	}
	for _, cand := range []string{abs, abs + ".js", abs + ".json", abs + ".node", abs + ".mjs", abs + ".cjs", abs + "/index.js"} {
		if m := r.caseFold(cand); m != "" {
			return m
		}
	}
	return ""
}

// caseFold walks abs one segment at a time, matching each without regard to case.
func (r *Resolver) caseFold(abs string) string {
	t, name, ok := r.locate(abs)
	if !ok {
		return ""
	}
	root := strings.TrimSuffix(abs, "/"+name)
	if name == "" {
		return ""
	}
	cur := ""
	for _, seg := range strings.Split(name, "/") {
		infos, err := t.ReadDir(cur)
		if err != nil {
			return ""
		}
		found := ""
		for _, in := range infos {
			if in.Name == seg {
				found = in.Name
				break
			}
			if found == "" && strings.EqualFold(in.Name, seg) {
				found = in.Name
			}
		}
		if found == "" {
			return ""
		}
		if cur == "" {
			cur = found
		} else {
			cur += "/" + found
		}
	}
	if !tree.IsFile(t, cur) {
		return ""
	}
	return root + "/" + cur
}

// Forget drops the scans and package.json files of the trees gone says are done with.
func (sh *Shared) Forget(gone func(tree.Tree) bool) {
	for _, m := range []*sync.Map{&sh.scans, &sh.pkgs} {
		m.Range(func(k, _ any) bool {
			if gone(k.(treeKey).t) {
				m.Delete(k)
			}
			return true
		})
	}
}
