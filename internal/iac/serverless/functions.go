package serverless

import (
	"encoding/json"
	"fmt"
	"maps"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	yaml "go.yaml.in/yaml/v4"

	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/iac/artifacts/filter"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/rulecode"
	"github.com/layerkit/layerkit/internal/tree"
)

func (l *loader) readFunctions() error {
	provider := l.getMap(l.r.doc, "provider")
	pkg := l.getMap(l.r.doc, "package")
	individually, _, _, _, _ := l.getStr(pkg, "individually")
	fk, fnsNode, ok := l.get(l.r.doc, "functions")
	if !ok {
		// nothing to attach a function-not-checked to: say it on the service
		l.note(rulecode.LK105, model.Info, "", "", fk, fmt.Sprintf("functions cannot be resolved (%s); no function of this service is checked", l.r.why))
	}
	var fns [][2]*yaml.Node
	if fnsNode != nil && fnsNode.Kind == yaml.SequenceNode { // a list of one-key mappings
		for _, it := range fnsNode.Content {
			if v, ok := l.r.value(it); ok {
				fns = append(fns, pairs(v)...)
			} else {
				l.note(rulecode.LK105, model.Info, "", "", deref(it), fmt.Sprintf("an entry of functions cannot be resolved (%s); the functions it defines are not checked", l.r.why))
			}
		}
	} else if ok {
		fns = pairs(fnsNode)
	}
	var service tree.Tree // the service folder, read once
	var providerEnv map[string]model.EnvVar
	for _, kv := range fns {
		name := kv[0].Value
		f := &model.Function{Name: name, Kind: kind, Pos: l.pos(kv[0]), PackageType: "Zip"}
		f.RuntimePos, f.HandlerPos, f.ArchPos, f.LayersPos = f.Pos, f.Pos, f.Pos, f.Pos
		l.app.Functions = append(l.app.Functions, f)
		fv, ok := l.r.value(kv[1])
		if !ok || fv == nil || fv.Kind != yaml.MappingNode {
			f.Unchecked, f.UncheckedPos = "its configuration is not a mapping", l.pos(deref(kv[1]))
			if !ok {
				f.Unchecked = "its configuration cannot be resolved: " + l.r.why
			}
			continue
		}
		if k, _ := lookup(fv, "image"); k != nil {
			f.PackageType = "Image"
		}
		// handler
		if s, k, _, present, known := l.getStr(fv, "handler"); present {
			f.HandlerPos = l.pos(k)
			if known {
				f.Handler = s
			} else {
				f.Unchecked, f.UncheckedPos = "its handler cannot be resolved: "+l.r.why, l.pos(k)
			}
		}
		// runtime and architecture: the function's, else the provider's
		var why string
		f.Runtime, f.RuntimePos, why = l.inherited(fv, provider, "runtime", f.Pos)
		if why != "" && f.Unchecked == "" {
			f.Unchecked, f.UncheckedPos = "its runtime cannot be resolved: "+why, f.RuntimePos
		}
		if f.Runtime == "" && why == "" && f.Unchecked == "" && lookupNil(fv, "image") {
			f.Unchecked, f.UncheckedPos = "no runtime: neither the function nor provider.runtime sets one, so the framework deploys its default runtime (Node.js)", f.Pos
		}
		f.Arch, f.ArchPos, why = l.inherited(fv, provider, "architecture", f.Pos)
		if why != "" && f.Unchecked == "" {
			f.Unchecked, f.UncheckedPos = "its architecture cannot be resolved: "+why, f.ArchPos
		}
		if f.Arch == "" {
			f.Arch = "x86_64"
		}
		// environment: provider variables, overridden by the function's
		// (functions without their own share the provider's map: 20,000 functions and
		// 2,000 provider variables must not make 40 million entries)
		if providerEnv == nil {
			providerEnv = map[string]model.EnvVar{}
			l.env(providerEnv, l.getMap(provider, "environment"))
		}
		f.Env = providerEnv
		if !lookupNil(fv, "environment") {
			f.Env = maps.Clone(providerEnv)
			l.env(f.Env, l.getMap(fv, "environment"))
		}
		// layers: a function-level list replaces provider.layers
		if k, _ := lookup(fv, "layers"); k != nil {
			f.LayersPos = l.pos(k)
			f.Layers = l.layerRefs(fv, name)
		} else if k, _ := lookup(provider, "layers"); k != nil {
			f.LayersPos = l.pos(k)
			f.Layers = l.layerRefs(provider, name)
		}
		if f.PackageType == "Image" {
			continue
		}
		code, err := l.functionCode(f, fv, pkg, individually == "true", &service)
		if err != nil {
			return err
		}
		f.Code = code
	}
	return nil
}

// lookupNil reports that mapping m has no key.
func lookupNil(m *yaml.Node, key string) bool {
	k, _ := lookup(m, key)
	return k == nil
}

// inherited reads a scalar set on the function or else on the provider; why says why
// it cannot be resolved.
func (l *loader) inherited(fv, provider *yaml.Node, key string, def model.Pos) (s string, pos model.Pos, why string) {
	for _, m := range []*yaml.Node{fv, provider} {
		s, k, _, present, known := l.getStr(m, key)
		if !present {
			continue
		}
		if !known {
			why = l.r.why
			if why == "" {
				why = key + " is not a string"
			}
			return "", l.pos(k), why
		}
		return s, l.pos(k), ""
	}
	return "", def, ""
}

func (l *loader) env(env map[string]model.EnvVar, m *yaml.Node) {
	for _, kv := range pairs(m) {
		v, ok := l.r.value(kv[1])
		ev := model.EnvVar{Pos: l.pos(kv[0])}
		if ok && v != nil && v.Kind == yaml.ScalarNode && (!strings.HasPrefix(v.Tag, "!") || strings.HasPrefix(v.Tag, "!!")) {
			ev.Value, ev.Known = v.Value, true
		}
		env[kv[0].Value] = ev
	}
}

// layerRefs reads the layers list of m (a function or the provider).
func (l *loader) layerRefs(m *yaml.Node, fn string) []model.LayerRef {
	k, raw := lookup(m, "layers")
	v, ok := l.r.value(raw)
	if !ok || v == nil || v.Kind != yaml.SequenceNode {
		if ok && isNull(v) {
			return nil
		}
		// the checker reports unknown references (rule LK105)
		ref := model.LayerRef{Pos: l.pos(deref(raw)), Unknown: true, Text: scalarText(raw)}
		if deref(raw) == nil {
			ref.Pos = l.pos(k)
		}
		return []model.LayerRef{ref}
	}
	var refs []model.LayerRef
	for _, it := range v.Content {
		refs = append(refs, l.layerRef(it, fn))
	}
	return refs
}

func scalarText(n *yaml.Node) string {
	n = deref(n)
	if n == nil {
		return ""
	}
	if n.Kind == yaml.ScalarNode {
		return n.Value
	}
	b, err := yaml.Marshal(n)
	if err != nil {
		return "?"
	}
	t := strings.Join(strings.Fields(string(b)), " ")
	if len(t) > 120 {
		t = t[:117] + "..."
	}
	return t
}

func (l *loader) layerRef(it *yaml.Node, fn string) model.LayerRef {
	raw := deref(it)
	p := l.pos(raw)
	// Unknown and ARN references get their LK105 from the checker (rule LK105), not here.
	unknown := func(text string) model.LayerRef {
		return model.LayerRef{Pos: p, Unknown: true, Text: text}
	}
	bad := func(text, problem, msg string) model.LayerRef {
		l.note(rulecode.LK406, model.Error, fn, "", raw, msg)
		return model.LayerRef{Pos: p, Bad: true, Problem: problem, Text: text}
	}
	if raw == nil {
		return unknown("(empty)")
	}
	// !Ref X
	if raw.Kind == yaml.ScalarNode && raw.Tag == "!Ref" {
		return l.refTo(raw.Value, p, fn, bad, unknown)
	}
	// !ImportValue name, {Fn::ImportValue: name}: an export of another stack
	if imp := importValue(raw); imp != nil {
		text := scalarText(raw)
		if raw.Kind == yaml.ScalarNode {
			text = raw.Tag + " " + raw.Value
		}
		name, ok := l.r.value(imp)
		if ok && name != nil && name.Kind == yaml.ScalarNode {
			if ref, ok := l.linked("export", name.Value, text, p, fn, raw); ok {
				return ref
			}
			return unknown(text + " (an export of another stack; no serverless.yml in the checked folder exports " + name.Value + ")")
		}
		return unknown(text)
	}
	if raw.Kind == yaml.ScalarNode && strings.HasPrefix(raw.Tag, "!") && !strings.HasPrefix(raw.Tag, "!!") {
		return unknown(raw.Tag + " " + raw.Value)
	}
	// ${cf:stack.Output}, ${ssm:/name}, directly or through ${self:...}/${file(...)}
	if kind, addr, ok := l.remote(raw, 0); ok {
		if ref, ok := l.linked(kind, addr, scalarText(raw), p, fn, raw); ok {
			return ref
		}
		v, ok := l.r.value(raw)
		if !ok || v == nil || v.Kind != yaml.ScalarNode {
			return unknown(scalarText(raw) + " (" + l.notLinked(kind, addr) + ")")
		}
		return l.literal(v.Value, p, fn, bad, unknown)
	}
	v, ok := l.r.value(raw)
	if !ok || v == nil {
		text := scalarText(raw)
		if ok || l.r.why == "" {
			return unknown(text)
		}
		return unknown(text + " (" + strings.TrimPrefix(l.r.why, text+" ") + ")")
	}
	switch v.Kind {
	case yaml.MappingNode:
		if k, target := lookup(v, "Ref"); k != nil {
			tv, ok := l.r.value(target)
			if ok && tv != nil && tv.Kind == yaml.ScalarNode {
				return l.refTo(tv.Value, p, fn, bad, unknown)
			}
		}
		return unknown(scalarText(raw))
	case yaml.ScalarNode:
		return l.literal(v.Value, p, fn, bad, unknown)
	}
	return unknown(scalarText(raw))
}

// importValue returns the export name node of !ImportValue x or {Fn::ImportValue: x}.
func importValue(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.ScalarNode && n.Tag == "!ImportValue" {
		return n
	}
	if n.Kind == yaml.MappingNode && len(n.Content) == 2 {
		if k, v := lookup(n, "Fn::ImportValue"); k != nil {
			return v
		}
	}
	return nil
}

func (l *loader) refTo(id string, p model.Pos, fn string,
	bad func(text, problem, msg string) model.LayerRef, unknown func(string) model.LayerRef) model.LayerRef {
	text := "Ref: " + id
	if name, ok := l.retained[id]; ok {
		return bad(text, "Ref to a retained layer",
			fmt.Sprintf("Ref %s: layer %s has retain: true, so its logical id gets a hash suffix and Ref %s matches nothing", id, name, id))
	}
	if ly := l.layers[id]; ly != nil {
		return model.LayerRef{Pos: p, Layer: ly}
	}
	if l.resources[id] {
		return unknown(text + " (resources)")
	}
	if l.layersUnknown {
		return unknown(text + " (this service's layers or resources cannot be resolved)")
	}
	if l.pluginsUnknown && (id == PythonRequirementsLayer || strings.HasSuffix(id, "LambdaLayer")) {
		return unknown(text + " (a plugin may create it, and plugins: cannot be resolved)")
	}
	msg := fmt.Sprintf("Ref %s names no layer of this service", id)
	if ids := l.layerIDs(); len(ids) > 0 {
		msg += " (layers: " + strings.Join(ids, ", ") + ")"
	}
	if id == PythonRequirementsLayer {
		msg += "; serverless-python-requirements creates it only with custom.pythonRequirements.layer: true"
	}
	return bad(text, "Ref to nothing", msg)
}

func (l *loader) layerIDs() []string {
	var ids []string
	for id := range l.layers {
		if _, r := l.retained[id]; !r {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids
}

// Plugins that rewrite layer ARNs at deploy time.
const (
	pseudoParameters   = "serverless-pseudo-parameters"
	subVariables       = "serverless-cloudformation-sub-variables"
	latestLayerVersion = "serverless-latest-layer-version"
)

var placeholder = regexp.MustCompile(`#\{[A-Za-z0-9:._-]+\}`)

func (l *loader) literal(s string, p model.Pos, fn string,
	bad func(text, problem, msg string) model.LayerRef, unknown func(string) model.LayerRef) model.LayerRef {
	// #{AWS::AccountId}, #{AWS::Region}: serverless-pseudo-parameters (or
	// serverless-cloudformation-sub-variables) turns them into a Fn::Sub
	if ph := placeholder.FindAllString(s, -1); len(ph) > 0 {
		plugin := pseudoParameters
		if !l.plugins[pseudoParameters] && l.plugins[subVariables] {
			plugin = subVariables
		}
		if l.plugins[plugin] || l.pluginsUnknown {
			return unknown(fmt.Sprintf("%s (the %s plugin fills in %s at deploy time, so the layer is remote)", s, plugin, strings.Join(dedupe(ph), ", ")))
		}
		return bad(s, "plugin syntax without the plugin",
			fmt.Sprintf("%s holds %s, the syntax of the %s plugin, which is not in plugins:; CloudFormation receives it as written and Lambda rejects the layer ARN", s, strings.Join(dedupe(ph), ", "), pseudoParameters))
	}
	// :latest: serverless-latest-layer-version replaces it with the newest version
	if base, ok := strings.CutSuffix(s, ":latest"); ok && layerARN.MatchString(base) {
		if l.plugins[latestLayerVersion] || l.pluginsUnknown {
			return unknown(fmt.Sprintf("%s (the %s plugin replaces :latest with the layer's newest version at deploy time, so the layer is remote)", s, latestLayerVersion))
		}
		return bad(s, "layer version \"latest\" without the plugin",
			fmt.Sprintf("%s: \"latest\" is not a layer version; the %s plugin replaces it, but it is not in plugins:, so Lambda rejects the ARN", s, latestLayerVersion))
	}
	switch {
	case layerVersionARN.MatchString(s) && len(s) <= 140:
		return model.LayerRef{Pos: p, ARN: s}
	case awsLayerARN.MatchString(s):
		return unknown(s + " (AWS-managed layer)")
	case layerARN.MatchString(s):
		return bad(s, "layer ARN has no version",
			fmt.Sprintf("%s is a layer ARN without a version; Lambda needs a layer version ARN (…:layer:NAME:VERSION)", s))
	}
	return bad(s, "malformed layer ARN",
		fmt.Sprintf("%q is not a layer version ARN (arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION) nor a {Ref: XLambdaLayer}", s))
}

func dedupe(ss []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// functionCode models the function's package.
func (l *loader) functionCode(f *model.Function, fv, servicePkg *yaml.Node, individually bool, service *tree.Tree) (*model.Code, error) {
	fpkg := l.getMap(fv, "package")
	if ind, _, _, present, _ := l.getStr(fpkg, "individually"); present {
		individually = ind == "true"
	}
	for _, p := range []*yaml.Node{fpkg, servicePkg} {
		if art, k, _, present, known := l.getStr(p, "artifact"); present {
			c, why, err := l.artifact(art, known, k)
			if err != nil {
				return nil, err
			}
			if c == nil {
				l.note(rulecode.LK105, model.Info, f.Name, "", k, fmt.Sprintf("function %s: %s; its package is not checked", f.Name, why))
			}
			return c, nil
		}
	}
	if *service == nil {
		t, err := l.lim().Dir(l.dir, iac.Rel(l.root, l.dir))
		if err != nil {
			return nil, nil
		}
		*service = t
	}
	// functions packaged alike share one package (and the checker's work on it)
	python := f.Runtime == "" || strings.HasPrefix(f.Runtime, "python")
	key := fmt.Sprint(python)
	if individually {
		key += "\x00" + strings.Join(l.packagePatterns(fpkg), "\x00")
	}
	if c, ok := l.codes[key]; ok {
		return c, nil
	}
	code := l.packageCode(fpkg, servicePkg, individually, python, *service)
	if b := l.nodeBundler(); b != "" && !python {
		// The plugin compiles each function (ES modules to CommonJS, TypeScript) and
		// bundles its dependencies: the sources are not what Lambda loads.
		code.Opaque = true
		l.note(rulecode.LK105, model.Info, f.Name, "", l.pluginsKey,
			fmt.Sprintf("plugin %s bundles and compiles the code of %s: the sources are not what Lambda loads, so its imports are not checked", b, f.Name))
	}
	if l.codes == nil {
		l.codes = map[string]*model.Code{}
	}
	l.codes[key] = code
	return code, nil
}

// packageCode models the package of the functions packaged with these settings.
func (l *loader) packageCode(fpkg, servicePkg *yaml.Node, individually, python bool, service tree.Tree) *model.Code {
	excl := append([]string{}, DefaultExcludes...)
	excl = append(excl, filepath.Base(filepath.FromSlash(l.file)))
	for _, lp := range l.layerPaths {
		excl = append(excl, lp+"/**")
	}
	rules := filter.ParseRules(negate(excl))
	rules = append(rules, l.packageRules(servicePkg)...)
	if individually {
		rules = append(rules, l.packageRules(fpkg)...)
	}
	t := filter.Tree(service, func(n string) bool { return filter.Keeps(rules, n) })
	if !python && !falseKey(servicePkg, "excludeDevDependencies") {
		if dev := devOnlyModules(service); len(dev) > 0 {
			t = filter.Tree(t, func(n string) bool {
				for _, d := range dev {
					if n == d || strings.HasPrefix(n, d+"/") {
						return false
					}
				}
				return true
			})
		}
	}
	disp := iac.Rel(l.root, l.dir)
	code := &model.Code{Tree: t, Display: strings.TrimSuffix(disp, "/") + "/"} // "./" for the service folder
	// serverless-python-requirements without layer: requirements go into the package
	if l.pyReqs && !l.pyLayer && python {
		if lines, _, ok := l.pluginRequirements(); ok {
			code.Installs = withoutNoDeploy(lines, l.noDeploy())
			return code
		}
		req, ok := tree.Clean(l.pyReqFile)
		if skip := l.noDeploy(); skip != nil && ok && req != "" {
			if lines, ok := requirementsLines(service, req); ok {
				code.Installs = withoutNoDeploy(lines, skip)
				return code
			}
		}
		if ok && req != "" && tree.IsFile(service, req) {
			if !tree.IsFile(t, req) {
				code.Tree = tree.Union(t, filter.Only(service, req))
			}
			code.Requirements = req
		}
	}
	return code
}

// falseKey reports whether the mapping m sets key to false.
func falseKey(m *yaml.Node, key string) bool {
	if m == nil || m.Kind != yaml.MappingNode {
		return false
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1].Value == "false"
		}
	}
	return false
}

// devOnlyModules are the node_modules folders of the service's development
// dependencies, which `serverless package` leaves out (package.excludeDevDependencies,
// true by default: zip-service.js excludes what `npm ls --dev` lists and `npm ls
// --prod` does not): from package-lock.json (lockfileVersion 2 or 3: the packages
// marked "dev"), else the devDependencies package.json lists that dependencies do
// not. Only the service folder's own package.json is read.
func devOnlyModules(service tree.Tree) []string {
	if !tree.IsDir(service, "node_modules") {
		return nil
	}
	b, err := service.ReadFile("package.json")
	if err != nil {
		return nil
	}
	var pj struct {
		Dependencies, OptionalDependencies, DevDependencies map[string]any
	}
	if json.Unmarshal(b, &pj) != nil {
		return nil
	}
	var out []string
	if lb, err := service.ReadFile("package-lock.json"); err == nil {
		var lock struct {
			Packages map[string]struct {
				Dev bool `json:"dev"`
			} `json:"packages"`
		}
		if json.Unmarshal(lb, &lock) == nil && lock.Packages != nil {
			for k, p := range lock.Packages {
				if p.Dev && strings.HasPrefix(k, "node_modules/") {
					out = append(out, k)
				}
			}
			sort.Strings(out)
			return out
		}
	}
	for d := range pj.DevDependencies {
		if _, prod := pj.Dependencies[d]; !prod {
			if _, opt := pj.OptionalDependencies[d]; !opt {
				out = append(out, "node_modules/"+d)
			}
		}
	}
	sort.Strings(out)
	return out
}

// nodeBundler names the plugin in plugins: that bundles Node.js functions (webpack,
// esbuild, the TypeScript compiler); "" when none.
func (l *loader) nodeBundler() string {
	for _, p := range []string{"serverless-bundle", "serverless-webpack", "serverless-esbuild", "serverless-plugin-typescript", "serverless-plugin-optimize"} {
		if l.plugins[p] {
			return p
		}
	}
	return ""
}
