package serverless

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	yaml "go.yaml.in/yaml/v4"

	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/rulecode"
)

// Links between services of one repository. A service often deploys its layers in a
// stack of their own and the functions of another service read the layer's ARN back
// at deploy time: ${cf:layers-dev.SharedLambdaLayerQualifiedArn} (a stack output),
// ${ssm:/app/layer-arn} (an SSM parameter the layer service writes), or
// Fn::ImportValue (an export). When the service that deploys that stack or writes
// that parameter is in the checked folder, the reference is linked to its layer and
// the function is checked against it; otherwise the layer is remote (LK105).
//
// A stack's name is provider.stackName, else "<service>-<stage>". Its outputs are
// those of resources.Outputs whose Value is a Ref to a layer, and the one the framework
// adds for every layer, <LogicalId>QualifiedArn. An SSM parameter is an
// AWS::SSM::Parameter of resources.Resources whose Value is a Ref to a layer.

// exported is a layer another service (or this one) publishes.
type exported struct {
	layer   *model.Layer
	service string // its service name
	file    string // its serverless.yml, relative to root
	how     string // "output X of stack Y", "SSM parameter /x", "export X"
}

// repoIndex maps what services publish to their layers.
type repoIndex struct {
	outputs map[string]*exported // "stack.Output"
	ssm     map[string]*exported // parameter name
	exports map[string]*exported // export name
	stacks  map[string]string    // stack name → file, for messages
	dirs    map[string][]string  // service folder (relative to root) → its stack names
	// byService holds the outputs of services named by "<service>-<stage>" stacks, for
	// a stack of another stage than the ones layerkit assumes (${cf:layers-prod.X})
	byService map[string]map[string]*exported
	services  []string // serverless.yml files read, relative to root
}

// Bounds of the search for other services.
const (
	maxServices   = 64
	maxWalk       = 20000 // directory entries visited
	maxWalkDepth  = 8
	maxRemoteHops = 8
)

// skipDirs are folders that hold no service of the repository.
var skipDirs = map[string]bool{"node_modules": true, ".git": true, ".serverless": true,
	".terraform": true, ".venv": true, "venv": true, "__pycache__": true, ".aws-sam": true,
	"cdk.out": true, ".tox": true, "site-packages": true, ".build": true}

// remote reports whether the layer entry n is a ${cf:...} or ${ssm:...} variable,
// directly or through ${self:...} / ${file(...)} (the reference a deploy resolves);
// kind is "cf" or "ssm" and addr its address with variables resolved.
func (l *loader) remote(n *yaml.Node, hops int) (kind, addr string, ok bool) {
	n = deref(n)
	if n == nil || n.Kind != yaml.ScalarNode || hops > maxRemoteHops {
		return "", "", false
	}
	vars := findVars(n.Value)
	if len(vars) != 1 || vars[0][0] != 0 || vars[0][1] != len(n.Value) {
		return "", "", false
	}
	srcs := parseSources(n.Value[2 : len(n.Value)-1])
	if len(srcs) == 0 {
		return "", "", false
	}
	src := srcs[0]
	typ, _, _ := strings.Cut(src.typ, ".") // v1: ${cf.eu-west-1:stack.Output}
	switch typ {
	case "cf", "ssm":
		a, why := l.r.interpolateText(src.address)
		if why != "" || a == "" {
			return "", "", false
		}
		if typ == "ssm" {
			a, _, _ = strings.Cut(a, "~") // v1: ${ssm:/x~true}
		}
		return typ, strings.TrimSpace(a), true
	case "self", "file":
		target := l.r.rawTarget(src)
		if target == nil {
			return "", "", false
		}
		return l.remote(target, hops+1)
	case "param":
		name, why := l.r.interpolateText(src.address)
		if why != "" {
			return "", "", false
		}
		stage := l.r.providerScalar("stage", "dev").Value
		for _, p := range []string{"params." + stage, "stages." + stage + ".params", "params.default", "stages.default.params"} {
			if target := l.r.rawTarget(source{typ: "self", address: p + "." + name}); target != nil {
				return l.remote(target, hops+1)
			}
		}
		if dir, output, ok := l.composeParam(name); ok {
			return "compose", dir + "\x00" + output, true
		}
	}
	return "", "", false
}

// composeOutput is a serverless-compose.yml parameter naming another service's output.
var composeOutput = regexp.MustCompile(`^\$\{([A-Za-z0-9_-]+)\.([A-Za-z0-9_]+)\}$`)

// composeParam finds ${param:name} in the serverless-compose.yml of the repository (in
// the service folder or a folder above it, up to the checked folder): the service
// entry whose path is this service, its params.<name> "${other.Output}"; dir is the
// other service's folder relative to root.
func (l *loader) composeParam(name string) (dir, output string, ok bool) {
	for d := l.dir; ; d = filepath.Dir(d) {
		for _, n := range []string{"serverless-compose.yml", "serverless-compose.yaml"} {
			data, err := l.lim().ReadConfig(filepath.Join(d, n))
			if err != nil {
				continue
			}
			var doc yaml.Node
			if yaml.Unmarshal(data, &doc) != nil {
				return "", "", false
			}
			services := deref(&doc)
			_, services = lookup(services, "services")
			var value string
			for _, kv := range pairs(services) {
				if p := scalarValue(lookup2(kv[1], "path")); p != "" && filepath.Join(d, filepath.FromSlash(p)) == l.dir {
					_, params := lookup(kv[1], "params")
					value = scalarValue(lookup2(params, name))
				}
			}
			m := composeOutput.FindStringSubmatch(strings.TrimSpace(value))
			if m == nil {
				return "", "", false
			}
			_, other := lookup(services, m[1])
			p := scalarValue(lookup2(other, "path"))
			if p == "" {
				return "", "", false
			}
			return iac.Rel(l.root, filepath.Join(d, filepath.FromSlash(p))), m[2], true
		}
		if d == l.root || filepath.Dir(d) == d || !strings.HasPrefix(d, l.root) {
			return "", "", false
		}
	}
}

// lookup2 is the value node of key in mapping m.
func lookup2(m *yaml.Node, key string) *yaml.Node {
	_, v := lookup(m, key)
	return v
}

// scalarValue is the text of a scalar node ("" for anything else).
func scalarValue(n *yaml.Node) string {
	n = deref(n)
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}

// rawTarget is the node a ${self:...} or ${file(...)} source names, unresolved.
func (r *resolver) rawTarget(src source) *yaml.Node {
	addr, why := r.interpolateText(src.address)
	if why != "" {
		return nil
	}
	base := r.doc
	if src.typ == "file" {
		if len(src.params) == 0 {
			return nil
		}
		if _, why := r.fileSource(source{typ: "file", params: src.params}, "", "${file()}"); why != "" {
			return nil
		}
		p, _ := r.interpolateText(src.params[0])
		abs := p
		if !filepath.IsAbs(abs) {
			abs = filepath.Join(r.dir, filepath.FromSlash(p))
		}
		inc := r.files[filepath.Clean(abs)]
		if inc == nil || inc.doc == nil {
			return nil
		}
		base = inc.doc
	}
	if addr == "" {
		return base
	}
	parts := strings.Split(addr, ".")
	parent, why := r.walk(base, strings.Join(parts[:len(parts)-1], "."), "", "")
	if why != "" || parent == nil {
		return nil
	}
	switch parent.Kind {
	case yaml.MappingNode:
		return r.lookupFast(parent, parts[len(parts)-1])
	}
	return nil
}

// linked links a cf/ssm/export reference to a layer published in the repository.
func (l *loader) linked(kind, addr, text string, p model.Pos, fn string, at *yaml.Node) (model.LayerRef, bool) {
	if l.nested {
		return model.LayerRef{}, false
	}
	idx := l.repoIndex()
	var e *exported
	switch kind {
	case "cf":
		if e = idx.outputs[addr]; e == nil {
			e = idx.otherStage(addr)
		}
	case "ssm":
		e = idx.ssm[addr]
	case "export":
		e = idx.exports[addr]
	case "compose":
		dir, output, _ := strings.Cut(addr, "\x00")
		for _, st := range idx.dirs[dir] {
			if e = idx.outputs[st+"."+output]; e != nil {
				e = &exported{layer: e.layer, service: e.service, file: e.file, how: "output " + output + " of service " + e.service + ", passed by serverless-compose.yml"}
				break
			}
		}
	}
	if e == nil {
		return model.LayerRef{}, false
	}
	ly := l.linkedLayers[e.layer]
	if ly == nil {
		ly = e.layer
		if e.file != l.file && l.layers[ly.Name] != nil {
			// this service has a layer of the same logical id: name the other by its service
			cp := *ly
			cp.Name = e.service + "/" + ly.Name
			ly = &cp
		}
		if l.linkedLayers == nil {
			l.linkedLayers = map[*model.Layer]*model.Layer{}
		}
		l.linkedLayers[e.layer] = ly
		if e.file != l.file {
			l.app.Layers = append(l.app.Layers, ly)
		}
	}
	where := "this service"
	if e.file != l.file {
		where = "service " + e.service + " (" + e.file + ")"
	}
	l.app.Notes = append(l.app.Notes, model.Note{Code: rulecode.LK105, Severity: model.Info, Function: fn, Layer: ly.Name, Pos: l.pos(at),
		Message: fmt.Sprintf("layer %s is read at deploy time from %s, which %s publishes for its layer %s (%s:%d); layerkit checks %s against that layer's content in this repository",
			text, e.how, where, e.layer.Name, ly.Pos.File, ly.Pos.Line, fn),
		Hint: "If the deployed stack is not built from this repository's copy, check what is deployed with layerkit doctor."})
	return model.LayerRef{Pos: p, Layer: ly}, true
}

// otherStage finds the output of ${cf:<service>-<stage>.Output} for a stage other than
// the ones layerkit assumes: the service with the longest name that prefixes the stack.
func (idx *repoIndex) otherStage(addr string) *exported {
	stack, out, _ := strings.Cut(addr, ".")
	best := ""
	for name, outs := range idx.byService {
		if len(name) > len(best) && strings.HasPrefix(stack, name+"-") && len(stack) > len(name)+1 && outs[out] != nil {
			best = name
		}
	}
	if best == "" {
		return nil
	}
	e := *idx.byService[best][out]
	e.how = "output " + out + " of stack " + stack + " (service " + best + " deployed with stage " + stack[len(best)+1:] + ")"
	return &e
}

// notLinked says why a cf/ssm reference is not linked.
func (l *loader) notLinked(kind, addr string) string {
	what := "a stack output read from AWS at deploy time"
	switch kind {
	case "ssm":
		what = "an SSM parameter read from AWS at deploy time"
	case "compose":
		dir, output, _ := strings.Cut(addr, "\x00")
		return "a parameter serverless-compose.yml passes from output " + output + " of the service in " + dir + "; that service publishes no layer output " + output
	}
	if l.nested {
		return what
	}
	idx := l.repoIndex()
	switch kind {
	case "cf":
		stack, out, _ := strings.Cut(addr, ".")
		if f, ok := idx.stacks[stack]; ok {
			return fmt.Sprintf("%s; stack %s is deployed by %s, which has no output %s that is a layer", what, stack, f, out)
		}
		return fmt.Sprintf("%s; no serverless.yml in the checked folder deploys stack %s", what, stack)
	case "ssm":
		return fmt.Sprintf("%s; no serverless.yml in the checked folder writes parameter %s", what, addr)
	}
	return what
}

// repoIndex reads the services of the checked folder once.
func (l *loader) repoIndex() *repoIndex {
	if l.repo != nil {
		return l.repo
	}
	idx := &repoIndex{outputs: map[string]*exported{}, ssm: map[string]*exported{},
		exports: map[string]*exported{}, stacks: map[string]string{}, dirs: map[string][]string{},
		byService: map[string]map[string]*exported{}}
	l.repo = idx
	ourStage := l.r.providerScalar("stage", "dev").Value
	idx.add(l, ourStage)
	own := filepath.Join(l.dir, filepath.Base(filepath.FromSlash(l.file)))
	visited := 0
	shared := &budget{run: l.r.b.run, lim: l.r.b.lim} // the other services together
	_ = filepath.WalkDir(l.root, func(p string, d fs.DirEntry, err error) error {
		visited++
		if err != nil || visited > maxWalk || len(idx.services) >= maxServices {
			if d != nil && d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if p != l.root && (skipDirs[d.Name()] || strings.Count(iac.Rel(l.root, p), "/") >= maxWalkDepth) {
				return filepath.SkipDir
			}
			return nil
		}
		if !isServiceFile(d.Name()) || p == own || !d.Type().IsRegular() {
			return nil
		}
		data, err := l.lim().ReadConfig(p)
		if err != nil {
			return nil
		}
		other, err := loadService(l.root, filepath.Dir(p), iac.Rel(l.root, p), data, shared, true)
		if err != nil {
			return nil // its own check reports it
		}
		idx.services = append(idx.services, other.file)
		idx.add(other, ourStage)
		return nil
	})
	return idx
}

// isServiceFile reports a configuration file a layer service may be deployed from:
// serverless.yml, or serverless-layers.yml / serverless_requirements.yml and the like
// (serverless deploy -c FILE).
func isServiceFile(name string) bool {
	ext := filepath.Ext(name)
	return strings.HasPrefix(name, "serverless") && (ext == ".yml" || ext == ".yaml")
}

// add indexes what service o publishes; stage is the referring service's (a deploy
// of several services usually gives them one stage).
func (idx *repoIndex) add(o *loader, stage string) {
	name := ""
	if _, v, ok := o.get(o.r.doc, "service"); ok && v != nil {
		if v.Kind == yaml.MappingNode { // v1: service: {name: x}
			_, v, ok = o.get(v, "name")
		}
		if ok && v != nil && v.Kind == yaml.ScalarNode {
			name = v.Value
		}
	}
	ownStage := o.r.providerScalar("stage", "dev").Value
	var stacks []string
	customStack := false
	if s, _, _, present, known := o.getStr(o.getMap(o.r.doc, "provider"), "stackName"); present && known && s != "" {
		stacks = append(stacks, s)
		customStack = true
	} else if name != "" {
		stacks = append(stacks, name+"-"+ownStage)
		if stage != ownStage {
			stacks = append(stacks, name+"-"+stage)
		}
	}
	for _, st := range stacks {
		if _, ok := idx.stacks[st]; !ok {
			idx.stacks[st] = o.file
		}
	}
	dir := iac.Rel(o.root, o.dir)
	idx.dirs[dir] = append(idx.dirs[dir], stacks...)
	publish := func(m map[string]*exported, key, id, how string) {
		ly := o.layers[id]
		if ly == nil || key == "" {
			return
		}
		if _, retained := o.retained[id]; retained {
			return
		}
		if _, dup := m[key]; !dup {
			m[key] = &exported{layer: ly, service: name, file: o.file, how: how}
		}
	}
	ids := make([]string, 0, len(o.layers))
	for id := range o.layers {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	byStage := idx.byService[name]
	if name != "" && !customStack && byStage == nil {
		byStage = map[string]*exported{}
		idx.byService[name] = byStage
	}
	for _, id := range ids {
		out := id + "QualifiedArn"
		for _, st := range stacks {
			publish(idx.outputs, st+"."+out, id, "output "+out+" of stack "+st)
		}
		if byStage != nil {
			publish(byStage, out, id, "output "+out+" of service "+name+"'s stack")
		}
	}
	var outputs, resources [][2]*yaml.Node
	for _, m := range o.resourceSections("Outputs") {
		outputs = append(outputs, pairs(m)...)
	}
	for _, m := range o.resourceSections("Resources") {
		resources = append(resources, pairs(m)...)
	}
	for _, kv := range outputs {
		out := kv[0].Value
		m, ok := o.r.value(kv[1])
		if !ok || m == nil || m.Kind != yaml.MappingNode {
			continue
		}
		_, vn := lookup(m, "Value")
		id := o.refID(vn)
		for _, st := range stacks {
			publish(idx.outputs, st+"."+out, id, "output "+out+" of stack "+st)
		}
		if byStage != nil {
			publish(byStage, out, id, "output "+out+" of service "+name+"'s stack")
		}
		if exp := o.getMap(m, "Export"); exp != nil {
			_, nn := lookup(exp, "Name")
			for _, st := range stacks {
				if n := o.subText(nn, st); n != "" {
					publish(idx.exports, n, id, "export "+n)
				}
			}
		}
	}
	for _, kv := range resources {
		r, ok := o.r.value(kv[1])
		if !ok || r == nil || r.Kind != yaml.MappingNode {
			continue
		}
		if t, _, _, _, _ := o.getStr(r, "Type"); t != "AWS::SSM::Parameter" {
			continue
		}
		props := o.getMap(r, "Properties")
		pn, _, _, _, known := o.getStr(props, "Name")
		if !known || pn == "" {
			continue
		}
		_, vn := lookup(props, "Value")
		publish(idx.ssm, pn, o.refID(vn), "SSM parameter "+pn)
	}
}

// refID is the logical id of a Ref (!Ref X, {Ref: X}), or "".
func (l *loader) refID(n *yaml.Node) string {
	n = deref(n)
	if n == nil {
		return ""
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!Ref" {
		return n.Value
	}
	v, ok := l.r.value(n)
	if !ok || v == nil || v.Kind != yaml.MappingNode {
		return ""
	}
	s, _, _, _, known := l.getStr(v, "Ref")
	if !known {
		return ""
	}
	return s
}

// subText is a name: a string with its variables resolved, or a !Sub / Fn::Sub
// whose only CloudFormation variable is ${AWS::StackName}.
func (l *loader) subText(n *yaml.Node, stack string) string {
	n = deref(n)
	if n == nil {
		return ""
	}
	if n.Kind == yaml.MappingNode {
		if k, v := lookup(n, "Fn::Sub"); k != nil {
			n = deref(v)
		}
	}
	v, ok := l.r.value(n)
	if !ok || v == nil || v.Kind != yaml.ScalarNode {
		return ""
	}
	s := strings.ReplaceAll(v.Value, "${AWS::StackName}", stack)
	if strings.Contains(s, "${") {
		return ""
	}
	return s
}
