// Package serverless models the Lambda functions and layers of a Serverless Framework
// service (serverless.yml / serverless.yaml) as `serverless package` would build them:
// provider defaults, functions, top-level layers, package patterns, and the
// serverless-python-requirements plugin.
//
// Function packages are the service folder filtered the way the framework does
// (package-service.js): everything ("**"), minus the default excludes (.git/**,
// .gitignore, .DS_Store, npm-debug.log, yarn-*.log, .serverless/**,
// .serverless_plugins/**), the configuration file itself and every layer's path, then
// package.exclude (as "!x"), package.include, and package.patterns in order, the last
// matching pattern winning; function-level patterns apply when packaging
// individually; for Node.js, the node_modules folders of development dependencies are left
// out (package.excludeDevDependencies, devOnlyModules).
package serverless

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v4"

	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/iac/artifacts/filter"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/rulecode"
	"github.com/layerkit/layerkit/internal/tree"
)

const kind = "serverless"

// DefaultExcludes are the patterns Serverless always leaves out of a package.
var DefaultExcludes = []string{".git/**", ".gitignore", ".DS_Store", "npm-debug.log",
	"yarn-*.log", ".serverless/**", ".serverless_plugins/**"}

var (
	layerVersionARN = regexp.MustCompile(`^arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+$`)
	layerARN        = regexp.MustCompile(`^arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\d{12}:layer:[a-zA-Z0-9-_]+$`)
	awsLayerARN     = regexp.MustCompile(`^arn:[a-zA-Z0-9-]+:lambda:::awslayer:`)
)

// PythonRequirementsLayer is the logical id of serverless-python-requirements' layer.
const PythonRequirementsLayer = "PythonRequirementsLambdaLayer"

// Load reads the service at path (serverless.yml / serverless.yaml, or the folder
// holding it) below root, the checked PATH (absolute).
func Load(root, path string) (*model.App, error) { return LoadShared(root, path, nil, iac.Options{}) }

// LoadShared is Load with the budget the run's other services share (nil: none), within
// the limits of opts.
func LoadShared(root, path string, run *RunBudget, opts iac.Options) (*model.App, error) {
	if !filepath.IsAbs(path) {
		path = filepath.Join(root, path)
	}
	file := path
	st, err := os.Stat(path)
	if err != nil {
		return nil, iac.Errorf(model.Pos{File: iac.Rel(root, path)}, "cannot read: %v", err)
	}
	if st.IsDir() {
		file = ""
		for _, n := range []string{"serverless.yml", "serverless.yaml"} {
			if fi, err := os.Stat(filepath.Join(path, n)); err == nil && !fi.IsDir() {
				file = filepath.Join(path, n)
				break
			}
		}
		if file == "" {
			return nil, iac.Errorf(model.Pos{File: iac.Rel(root, path)}, "no serverless.yml or serverless.yaml")
		}
	}
	data, err := opts.ReadConfig(file)
	if err != nil {
		return nil, iac.Errorf(model.Pos{File: iac.Rel(root, file)}, "cannot read: %v", err)
	}
	return load(root, filepath.Dir(file), iac.Rel(root, file), data, &budget{run: run, lim: opts.Limits})
}

type loader struct {
	root, dir, file string
	r               *resolver
	app             *model.App
	layers          map[string]*model.Layer       // logical id → layer
	retained        map[string]string             // XLambdaLayer of a retain: true layer → layer name
	resources       map[string]bool               // logical ids under resources.Resources
	layerPaths      []string                      // layer paths relative to the service, for excludes
	plugins         map[string]bool               // plugins: names
	pluginsUnknown  bool                          // plugins: is set but cannot be resolved
	pluginsKey      *yaml.Node                    // the plugins: key, for notes about a plugin
	layersUnknown   bool                          // layers: or resources: cannot be resolved
	nested          bool                          // loaded for another service's links
	repo            *repoIndex                    // the repository's other services, when needed
	codes           map[string]*model.Code        // function packages by packaging settings
	linkedLayers    map[*model.Layer]*model.Layer // layers of other services, as added to app.Layers
	pyReqs          bool                          // serverless-python-requirements is in plugins, or built in
	pyBuiltin       bool                          // the framework's own Python support (v4) is on
	pyLayer         bool                          // ... with layer: true
	pyReqFile       string
}

// lim returns the limits the service is read within.
func (l *loader) lim() iac.Limits { return l.r.b.lim }

// load models the service file (named file, relative to root) in folder dir.
func load(root, dir, file string, data []byte, b *budget) (*model.App, error) {
	l, err := loadService(root, dir, file, data, b, false)
	if err != nil {
		return nil, err
	}
	return l.app, nil
}

// loadService loads one service, resolving its variables within b. A nested one
// (another service of the repository, read for the layers it publishes) does not look
// for links itself.
func loadService(root, dir, file string, data []byte, b *budget, nested bool) (*loader, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, yamlError(file, err)
	}
	top := deref(&doc)
	if top == nil || top.Kind != yaml.MappingNode {
		p := model.Pos{File: file}
		if top != nil {
			p.Line, p.Col = top.Line, top.Column
		}
		return nil, iac.Errorf(p, "not a Serverless configuration: the document is not a mapping")
	}
	l := &loader{
		root: root, dir: dir, file: file, r: newResolver(root, dir, file, top, b),
		app:       &model.App{Kind: kind, Source: file},
		layers:    map[string]*model.Layer{},
		retained:  map[string]string{},
		resources: map[string]bool{},
		plugins:   map[string]bool{},
		nested:    nested,
	}
	for _, step := range []func() error{l.readPlugins, l.readResources, l.readLayers, l.readFunctions, l.readIgnores} {
		if err := step(); err != nil {
			return nil, err
		}
		if l.r.err != nil {
			return nil, l.r.err
		}
	}
	return l, nil
}

func yamlError(file string, err error) error {
	var le *yaml.LoadError
	if errors.As(err, &le) {
		return iac.Errorf(model.Pos{File: file, Line: le.Mark.Line, Col: le.Mark.Column}, "invalid YAML: %s", le.Message)
	}
	var les *yaml.LoadErrors
	if errors.As(err, &les) && len(les.Errors) > 0 {
		e := les.Errors[0]
		return iac.Errorf(model.Pos{File: file, Line: e.Mark.Line, Col: e.Mark.Column}, "invalid YAML: %s", e.Message)
	}
	return iac.Errorf(model.Pos{File: file}, "invalid YAML: %v", err)
}

func (l *loader) pos(n *yaml.Node) model.Pos { return l.r.posOf(n) }

func (l *loader) note(code rulecode.Code, sev model.Severity, fn, layer string, n *yaml.Node, msg string) {
	l.app.Notes = append(l.app.Notes, model.Note{Code: code, Severity: sev, Function: fn, Layer: layer, Pos: l.pos(n), Message: msg})
}

// get returns the key node and resolved value of key in mapping m; ok is false when
// the value has an unresolvable variable (v is then the raw node).
func (l *loader) get(m *yaml.Node, key string) (k, v *yaml.Node, ok bool) {
	k, raw := lookup(m, key)
	if k == nil || isNull(deref(raw)) {
		return nil, nil, true
	}
	v, ok = l.r.value(raw)
	if !ok {
		return k, raw, false
	}
	if isNull(v) {
		return nil, nil, true
	}
	return k, v, true
}

// getMap is get for a mapping (nil if absent, unresolvable or not a mapping).
func (l *loader) getMap(m *yaml.Node, key string) *yaml.Node {
	_, v, ok := l.get(m, key)
	if !ok || v == nil || v.Kind != yaml.MappingNode {
		return nil
	}
	return v
}

// getStr returns a scalar property. present is false when unset; known is false when
// it is set but unresolvable (or not a scalar).
func (l *loader) getStr(m *yaml.Node, key string) (s string, k, v *yaml.Node, present, known bool) {
	k, v, ok := l.get(m, key)
	if k == nil {
		return "", nil, nil, false, true
	}
	if !ok || v == nil || v.Kind != yaml.ScalarNode {
		return "", k, v, true, false
	}
	return v.Value, k, v, true, true
}

// getStrings returns a list of scalars (or one scalar as a list); nil if unset.
func (l *loader) getStrings(m *yaml.Node, key string) ([]string, *yaml.Node) {
	k, v, ok := l.get(m, key)
	if k == nil || !ok || v == nil {
		return nil, k
	}
	if v.Kind == yaml.ScalarNode {
		return []string{v.Value}, k
	}
	if v.Kind != yaml.SequenceNode {
		return nil, k
	}
	out := []string{}
	for _, it := range v.Content {
		iv, ok := l.r.value(it)
		if ok && iv != nil && iv.Kind == yaml.ScalarNode {
			out = append(out, iv.Value)
		}
	}
	return out, k
}

func (l *loader) readPlugins() error {
	k, p, ok := l.get(l.r.doc, "plugins")
	if p != nil && p.Kind == yaml.MappingNode {
		k, p, ok = l.get(p, "modules")
	}
	l.pluginsUnknown = k != nil && !ok
	l.pluginsKey = k
	if p != nil && p.Kind == yaml.SequenceNode {
		for _, it := range p.Content {
			if v, ok := l.r.value(it); ok && v != nil && v.Kind == yaml.ScalarNode {
				l.plugins[v.Value] = true
			} else if !ok {
				l.pluginsUnknown = true
			}
		}
	}
	custom := l.getMap(l.r.doc, "custom")
	l.pyBuiltin = l.builtinPython(custom)
	l.pyReqs = l.plugins["serverless-python-requirements"] || l.pyBuiltin
	l.pyReqFile = "requirements.txt"
	pr := l.getMap(custom, "pythonRequirements")
	if s, k, _, present, known := l.getStr(pr, "fileName"); present && known && s != "" {
		l.pyReqFile = s
		if err := l.lim().CheckInside(l.root, filepath.Join(l.dir, filepath.FromSlash(s))); err != nil {
			return iac.Errorf(l.pos(k), "custom.pythonRequirements.fileName: %v", err)
		}
	}
	return nil
}

// builtinPython reports whether the framework's built-in Python support packages the
// service's requirements: from v4 on, the framework does what serverless-python-requirements
// did, with no plugin listed, when custom.pythonRequirements is set (even to {}) and not
// disabled (false, or enabled: false) (serverless/serverless
// packages/serverless/lib/plugins/python/index.js, shouldLoad). A frameworkVersion that only
// admits v3 or older means the block does nothing without the plugin.
func (l *loader) builtinPython(custom *yaml.Node) bool {
	k, v, ok := l.get(custom, "pythonRequirements")
	if k == nil || !ok || v == nil {
		return false
	}
	switch v.Kind {
	case yaml.ScalarNode:
		if v.Value != "true" {
			return false
		}
	case yaml.MappingNode:
		if s, _, _, present, known := l.getStr(v, "enabled"); present && known && s == "false" {
			return false
		}
	default:
		return false
	}
	fv, _, _, present, known := l.getStr(l.r.doc, "frameworkVersion")
	return !present || !known || admitsV4(fv)
}

// admitsV4 reports whether a frameworkVersion range may be a v4 framework: false for the
// ranges that name an older major only ("3", "^3.38.0", "~3.1", "3.x", ">=3.0.0 <4.0.0").
func admitsV4(r string) bool {
	r = strings.TrimSpace(r)
	if strings.Contains(strings.ReplaceAll(r, " ", ""), "<4") {
		return false
	}
	if strings.ContainsAny(r, "><|*") {
		return true
	}
	major := strings.TrimLeft(r, "^~=v")
	if i := strings.IndexAny(major, ".x"); i >= 0 {
		major = major[:i]
	}
	n, err := strconv.Atoi(major)
	return err != nil || n >= 4
}

func (l *loader) readResources() error {
	if _, _, ok := l.get(l.r.doc, "resources"); !ok {
		l.layersUnknown = true // a Ref may name a layer resource layerkit cannot see
	}
	for _, res := range l.resourceSections("Resources") {
		for _, kv := range pairs(res) {
			l.resources[kv[0].Value] = true
		}
	}
	return nil
}

// resourceSections returns resources.<key> (Resources, Outputs): resources is a
// mapping, or a list of them the framework merges (often a list of ${file()}s).
func (l *loader) resourceSections(key string) []*yaml.Node {
	_, res, ok := l.get(l.r.doc, "resources")
	if !ok || res == nil {
		return nil
	}
	parts := []*yaml.Node{res}
	if res.Kind == yaml.SequenceNode {
		parts = nil
		for _, it := range res.Content {
			if v, ok := l.r.value(it); ok && v != nil {
				parts = append(parts, v)
			}
		}
	}
	var out []*yaml.Node
	for _, p := range parts {
		if m := l.getMap(p, key); m != nil {
			out = append(out, m)
		}
	}
	return out
}

// LayerLogicalID is the CloudFormation logical id Serverless gives the layer name:
// first letter upper-cased, "-" → "Dash", "_" → "Underscore", then "LambdaLayer".
func LayerLogicalID(name string) string {
	n := strings.ReplaceAll(name, "-", "Dash")
	n = strings.ReplaceAll(n, "_", "Underscore")
	if n != "" {
		n = strings.ToUpper(n[:1]) + n[1:]
	}
	return n + "LambdaLayer"
}

func (l *loader) readLayers() error {
	lk, layersNode, ok := l.get(l.r.doc, "layers")
	if !ok {
		l.layersUnknown = true
		l.note(rulecode.LK105, model.Info, "", "", lk, fmt.Sprintf("layers cannot be resolved (%s); references to this service's layers are taken as layers layerkit cannot read", l.r.why))
	}
	providerRuntime, _, _, _, _ := l.getStr(l.getMap(l.r.doc, "provider"), "runtime")
	for _, kv := range pairs(layersNode) {
		name := kv[0].Value
		id := LayerLogicalID(name)
		v, ok := l.r.value(kv[1])
		ly := &model.Layer{Name: id, Pos: l.pos(kv[0])}
		if !ok || v == nil || v.Kind != yaml.MappingNode {
			ly.NotInspectable = "the layer's configuration cannot be resolved"
			if !ok {
				ly.NotInspectable += ": " + l.r.why
			}
			l.note(rulecode.LK105, model.Info, "", id, kv[0], fmt.Sprintf("layer %s: %s; its content is not checked", name, ly.NotInspectable))
			l.addLayer(ly)
			continue
		}
		if retain, _, _, _, _ := l.getStr(v, "retain"); retain == "true" {
			// the logical id gets a hash suffix; a plain Ref matches nothing
			l.retained[id] = name
		}
		ly.CompatibleRuntimes, _ = l.getStrings(v, "compatibleRuntimes")
		if k, _ := lookup(v, "compatibleRuntimes"); k != nil {
			ly.CompatibleRuntimesPos = l.pos(k)
		}
		ly.CompatibleArchitectures, _ = l.getStrings(v, "compatibleArchitectures")
		if k, _ := lookup(v, "compatibleArchitectures"); k != nil {
			ly.CompatibleArchsPos = l.pos(k)
		}
		pkg := l.getMap(v, "package")
		if art, k, _, present, known := l.getStr(pkg, "artifact"); present {
			var err error
			ly.Content, ly.NotInspectable, err = l.artifact(art, known, k)
			if err != nil {
				return err
			}
			if ly.Content == nil {
				l.note(rulecode.LK105, model.Info, "", ly.Name, k, fmt.Sprintf("layer %s: %s; its content is not checked", name, ly.NotInspectable))
			}
			l.addLayer(ly)
			continue
		}
		p, k, _, present, known := l.getStr(v, "path")
		switch {
		case !present:
			ly.NotInspectable = "no path"
			l.note(rulecode.LK105, model.Info, "", ly.Name, kv[0], fmt.Sprintf("layer %s has no path; its content is not checked", name))
		case !known:
			ly.NotInspectable = "path cannot be resolved: " + l.r.why
			l.note(rulecode.LK105, model.Info, "", ly.Name, k, fmt.Sprintf("layer %s: its path cannot be resolved (%s); its content is not checked", name, l.r.why))
		default:
			abs := filepath.Join(l.dir, filepath.FromSlash(p))
			disp := iac.Rel(l.root, abs)
			if err := l.lim().CheckInside(l.root, abs); err != nil {
				return iac.Errorf(l.pos(k), "layers.%s.path: %v", name, err)
			}
			if r, err := filepath.Rel(l.dir, abs); err == nil && r != "." && filepath.IsLocal(r) {
				l.layerPaths = append(l.layerPaths, filepath.ToSlash(r))
			}
			t, err := l.lim().Dir(abs, disp)
			if err != nil {
				ly.NotInspectable = "path " + disp + " does not exist"
				l.note(rulecode.LK105, model.Info, "", ly.Name, k, fmt.Sprintf("layer %s: path %s does not exist; its content is not checked", name, disp))
				break
			}
			rules := filter.ParseRules(negate(DefaultExcludes))
			rules = append(rules, l.packageRules(pkg)...)
			ly.Content = &model.Code{Tree: filter.Tree(t, func(n string) bool { return filter.Keeps(rules, n) }),
				Display: strings.TrimSuffix(disp, "/") + "/"}
		}
		l.addLayer(ly)
	}
	// serverless-python-requirements with layer: true (or a layer object)
	custom := l.getMap(l.r.doc, "custom")
	pr := l.getMap(custom, "pythonRequirements")
	lk, lv, _ := l.get(pr, "layer")
	if !l.pyReqs || lk == nil || lv == nil || (lv.Kind == yaml.ScalarNode && lv.Value != "true") {
		return nil
	}
	l.pyLayer = true
	ly := &model.Layer{Name: PythonRequirementsLayer, Pos: l.pos(lk)}
	ly.Content = l.requirementsLayer()
	if lv.Kind == yaml.MappingNode {
		if rts, k := l.getStrings(lv, "compatibleRuntimes"); k != nil {
			ly.CompatibleRuntimes, ly.CompatibleRuntimesPos = rts, l.pos(k)
		}
		if as, k := l.getStrings(lv, "compatibleArchitectures"); k != nil {
			ly.CompatibleArchitectures, ly.CompatibleArchsPos = as, l.pos(k)
		}
	}
	if ly.CompatibleRuntimes == nil && providerRuntime != "" {
		ly.CompatibleRuntimes = []string{providerRuntime}
		ly.CompatibleRuntimesPos = ly.Pos
	}
	l.addLayer(ly)
	return nil
}

func (l *loader) addLayer(ly *model.Layer) {
	l.layers[ly.Name] = ly
	l.app.Layers = append(l.app.Layers, ly)
}

// requirementsLayer: the plugin installs the requirements under python/ in its layer
// zip. The model holds just python/<requirements file>, to be installed into python/.
func (l *loader) requirementsLayer() *model.Code {
	if lines, from, ok := l.pluginRequirements(); ok {
		disp := iac.Rel(l.root, filepath.Join(l.dir, from))
		return &model.Code{Tree: tree.NewMap(disp, nil), Display: "python/ (from " + disp + ")", Installs: withoutNoDeploy(lines, l.noDeploy()), InstallDir: "python"}
	}
	req := filepath.Join(l.dir, filepath.FromSlash(l.pyReqFile))
	parent, err := l.lim().Dir(filepath.Dir(req), iac.Rel(l.root, filepath.Dir(req)))
	base := filepath.Base(req)
	if err != nil || !tree.IsFile(parent, base) {
		return &model.Code{Tree: tree.NewMap(iac.Rel(l.root, req), nil), Display: "python/ (" + iac.Rel(l.root, req) + " not found)"}
	}
	if skip := l.noDeploy(); skip != nil {
		if lines, ok := requirementsLines(parent, base); ok {
			disp := iac.Rel(l.root, req)
			return &model.Code{Tree: tree.NewMap(disp, nil), Display: "python/ (from " + disp + ", without noDeploy)", Installs: withoutNoDeploy(lines, skip), InstallDir: "python"}
		}
	}
	return &model.Code{
		Tree:         tree.Mount(filter.Only(parent, base), "python"),
		Display:      "python/ (from " + iac.Rel(l.root, req) + ")",
		Requirements: "python/" + base,
		InstallDir:   "python",
	}
}

func negate(ps []string) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = "!" + p
	}
	return out
}

// packageRules reads package.exclude, package.include and package.patterns.
func (l *loader) packageRules(pkg *yaml.Node) []filter.Rule {
	return filter.ParseRules(l.packagePatterns(pkg))
}

// packagePatterns lists package.exclude (as "!x"), package.include and package.patterns.
func (l *loader) packagePatterns(pkg *yaml.Node) []string {
	if pkg == nil {
		return nil
	}
	var ps []string
	ex, _ := l.getStrings(pkg, "exclude")
	ps = append(ps, negate(ex)...)
	in, _ := l.getStrings(pkg, "include")
	ps = append(ps, in...)
	pat, _ := l.getStrings(pkg, "patterns")
	ps = append(ps, pat...)
	return ps
}

// artifact models a prebuilt package zip; k is the artifact key, for errors.
func (l *loader) artifact(p string, known bool, k *yaml.Node) (*model.Code, string, error) {
	if !known {
		return nil, "package.artifact cannot be resolved: " + l.r.why, nil
	}
	if strings.HasPrefix(p, "s3://") || strings.HasPrefix(p, "https://") || strings.HasPrefix(p, "http://") {
		return nil, "package.artifact " + p + " is remote", nil
	}
	abs := p
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(l.dir, filepath.FromSlash(p))
	}
	disp := iac.Rel(l.root, abs)
	if err := l.lim().CheckInside(l.root, abs); err != nil {
		return nil, "", iac.Errorf(l.pos(k), "package.artifact: %v", err)
	}
	z, err := l.lim().Zip(abs, disp)
	if err != nil {
		if _, serr := os.Stat(abs); serr != nil {
			return nil, disp + " does not exist yet; build it first", nil
		}
		return nil, disp + " is not a readable zip archive", nil
	}
	return &model.Code{Tree: z, Display: disp}, "", nil
}
