package serverless

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	yaml "go.yaml.in/yaml/v4"

	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/iac/artifacts/filter"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/tree"
)

func (l *loader) readFunctions() {
	provider := l.getMap(l.r.doc, "provider")
	pkg := l.getMap(l.r.doc, "package")
	individually, _, _, _, _ := l.getStr(pkg, "individually")
	_, fnsNode, _ := l.get(l.r.doc, "functions")
	var fns [][2]*yaml.Node
	if fnsNode != nil && fnsNode.Kind == yaml.SequenceNode { // a list of one-key mappings
		for _, it := range fnsNode.Content {
			if v, ok := l.r.value(it, 0); ok {
				fns = append(fns, pairs(v)...)
			}
		}
	} else {
		fns = pairs(fnsNode)
	}
	var service tree.Tree // the service folder, read once
	for _, kv := range fns {
		name := kv[0].Value
		f := &model.Function{Name: name, Kind: kind, Pos: l.pos(kv[0]), PackageType: "Zip"}
		f.RuntimePos, f.HandlerPos, f.ArchPos, f.LayersPos = f.Pos, f.Pos, f.Pos, f.Pos
		l.app.Functions = append(l.app.Functions, f)
		fv, ok := l.r.value(kv[1], 0)
		if !ok || fv == nil || fv.Kind != yaml.MappingNode {
			l.note("LK105", model.Info, name, "", kv[0], fmt.Sprintf("function %s: its configuration cannot be resolved statically; it is not checked", name))
			continue
		}
		if k, _ := lookup(fv, "image"); k != nil {
			f.PackageType = "Image"
		}
		// handler
		if s, k, v, present, known := l.getStr(fv, "handler"); present {
			f.HandlerPos = l.pos(k)
			if known {
				f.Handler = s
			} else {
				l.note("LK105", model.Info, name, "", v, fmt.Sprintf("function %s: handler cannot be resolved statically; it is taken as unknown", name))
			}
		}
		// runtime and architecture: the function's, else the provider's
		f.Runtime, f.RuntimePos = l.inherited(fv, provider, "runtime", name, f.Pos)
		f.Arch, f.ArchPos = l.inherited(fv, provider, "architecture", name, f.Pos)
		if f.Arch == "" {
			f.Arch = "x86_64"
		}
		// environment: provider variables, overridden by the function's
		f.Env = map[string]model.EnvVar{}
		l.env(f.Env, l.getMap(provider, "environment"))
		l.env(f.Env, l.getMap(fv, "environment"))
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
		f.Code = l.functionCode(f, fv, pkg, individually == "true", &service)
	}
}

// inherited reads a scalar set on the function or else on the provider.
func (l *loader) inherited(fv, provider *yaml.Node, key, fn string, def model.Pos) (string, model.Pos) {
	for _, m := range []*yaml.Node{fv, provider} {
		s, k, v, present, known := l.getStr(m, key)
		if !present {
			continue
		}
		if !known {
			l.note("LK105", model.Info, fn, "", v, fmt.Sprintf("function %s: %s cannot be resolved statically; it is taken as unknown", fn, key))
			return "", l.pos(k)
		}
		return s, l.pos(k)
	}
	return "", def
}

func (l *loader) env(env map[string]model.EnvVar, m *yaml.Node) {
	for _, kv := range pairs(m) {
		v, ok := l.r.value(kv[1], 0)
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
	v, ok := l.r.value(raw, 0)
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
		l.note("LK406", model.Error, fn, "", raw, msg)
		return model.LayerRef{Pos: p, Bad: true, Problem: problem, Text: text}
	}
	if raw == nil {
		return unknown("(empty)")
	}
	// !Ref X
	if raw.Kind == yaml.ScalarNode && raw.Tag == "!Ref" {
		return l.refTo(raw.Value, p, fn, bad, unknown)
	}
	if raw.Kind == yaml.ScalarNode && strings.HasPrefix(raw.Tag, "!") && !strings.HasPrefix(raw.Tag, "!!") {
		return unknown(raw.Tag + " " + raw.Value)
	}
	v, ok := l.r.value(raw, 0)
	if !ok || v == nil {
		return unknown(scalarText(raw))
	}
	switch v.Kind {
	case yaml.MappingNode:
		if k, target := lookup(v, "Ref"); k != nil {
			tv, ok := l.r.value(target, 0)
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

func (l *loader) literal(s string, p model.Pos, fn string,
	bad func(text, problem, msg string) model.LayerRef, unknown func(string) model.LayerRef) model.LayerRef {
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

// functionCode models the function's package.
func (l *loader) functionCode(f *model.Function, fv, servicePkg *yaml.Node, individually bool, service *tree.Tree) *model.Code {
	fpkg := l.getMap(fv, "package")
	if ind, _, _, present, _ := l.getStr(fpkg, "individually"); present {
		individually = ind == "true"
	}
	for _, p := range []*yaml.Node{fpkg, servicePkg} {
		if art, k, _, present, known := l.getStr(p, "artifact"); present {
			c, why := l.artifact(art, known)
			if c == nil {
				l.note("LK105", model.Info, f.Name, "", k, fmt.Sprintf("function %s: %s; its package is not checked", f.Name, why))
			}
			return c
		}
	}
	if *service == nil {
		t, err := tree.Dir(l.dir, iac.Rel(l.root, l.dir))
		if err != nil {
			return nil
		}
		*service = t
	}
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
	t := filter.Tree(*service, func(n string) bool { return filter.Keeps(rules, n) })
	disp := iac.Rel(l.root, l.dir)
	code := &model.Code{Tree: t, Display: strings.TrimSuffix(disp, "/") + "/"} // "./" for the service folder
	// serverless-python-requirements without layer: requirements go into the package
	if l.pyReqs && !l.pyLayer && (f.Runtime == "" || strings.HasPrefix(f.Runtime, "python")) {
		req, ok := tree.Clean(l.pyReqFile)
		if ok && req != "" && tree.IsFile(*service, req) {
			if !tree.IsFile(t, req) {
				code.Tree = tree.Union(t, filter.Only(*service, req))
			}
			code.Requirements = req
		}
	}
	return code
}
