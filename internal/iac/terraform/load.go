// Package terraform models the Lambda functions and layers of a Terraform root
// module from its .tf / .tf.json files, without running terraform: aws_lambda_function,
// aws_lambda_layer_version, data "archive_file", and the terraform-aws-modules/lambda
// module. Expressions are evaluated with variable defaults (and terraform.tfvars,
// *.auto.tfvars), locals, path.module and a subset of Terraform's functions; anything
// else is unknown.
package terraform

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	hcljson "github.com/hashicorp/hcl/v2/json"
	"github.com/zclconf/go-cty/cty"

	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/model"
)

const kind = "terraform"

// Layer version ARN (API_Layer.html) and layer ARN without version.
var (
	layerVersionARN = regexp.MustCompile(`^arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+$`)
	layerARN        = regexp.MustCompile(`^arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\d{12}:layer:[a-zA-Z0-9-_]+$`)
	awsLayerARN     = regexp.MustCompile(`^arn:[a-zA-Z0-9-]+:lambda:::awslayer:`)
)

// source is one configuration file: its name relative to the checked PATH and bytes.
type source struct {
	name string
	data []byte
}

// Load reads the Terraform configuration in path (a folder, or a .tf / .tf.json file,
// whose folder is read) below root, the checked PATH (absolute).
func Load(root, path string) (*model.App, error) {
	if !filepath.IsAbs(path) {
		path = filepath.Join(root, path)
	}
	dir := path
	st, err := os.Stat(path)
	if err != nil {
		return nil, iac.Errorf(model.Pos{File: iac.Rel(root, path)}, "cannot read: %v", err)
	}
	if !st.IsDir() {
		dir = filepath.Dir(path)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, iac.Errorf(model.Pos{File: iac.Rel(root, dir)}, "cannot read folder: %v", err)
	}
	var srcs, vars []source
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() {
			continue
		}
		isConf := strings.HasSuffix(n, ".tf") || strings.HasSuffix(n, ".tf.json")
		isVars := n == "terraform.tfvars" || n == "terraform.tfvars.json" ||
			strings.HasSuffix(n, ".auto.tfvars") || strings.HasSuffix(n, ".auto.tfvars.json")
		if !isConf && !isVars {
			continue
		}
		b, err := iac.ReadConfig(filepath.Join(dir, n))
		if err != nil {
			return nil, iac.Errorf(model.Pos{File: iac.Rel(root, filepath.Join(dir, n))}, "cannot read: %v", err)
		}
		s := source{name: iac.Rel(root, filepath.Join(dir, n)), data: b}
		if isConf {
			srcs = append(srcs, s)
		} else {
			vars = append(vars, s)
		}
	}
	if len(srcs) == 0 {
		return nil, iac.Errorf(model.Pos{File: iac.Rel(root, dir)}, "no Terraform configuration files (*.tf, *.tf.json)")
	}
	// terraform.tfvars first, then *.auto.tfvars in name order (later wins).
	sort.SliceStable(vars, func(a, b int) bool {
		return strings.HasPrefix(filepath.Base(vars[a].name), "terraform.tfvars") &&
			!strings.HasPrefix(filepath.Base(vars[b].name), "terraform.tfvars")
	})
	app, err := loadSources(root, dir, srcs, vars)
	if err != nil {
		return nil, err
	}
	app.Source = iac.Rel(root, path)
	return app, nil
}

type loader struct {
	root, dir string
	src       map[string][]byte
	ctx       *hcl.EvalContext
	app       *model.App

	archives  map[string]*archive
	layerRes  map[string]*model.Layer // aws_lambda_layer_version name → layer
	modules   map[string]*lambdaModule
	modLayers map[string]*model.Layer // module name → its layer (create_layer)
}

type lambdaModule struct {
	name    string
	block   *hcl.Block
	attrs   hcl.Attributes
	isLayer bool
}

var topSchema = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{
	{Type: "resource", LabelNames: []string{"type", "name"}},
	{Type: "data", LabelNames: []string{"type", "name"}},
	{Type: "module", LabelNames: []string{"name"}},
	{Type: "variable", LabelNames: []string{"name"}},
	{Type: "locals"},
}}

func parse(s source) (*hcl.File, error) {
	var f *hcl.File
	var diags hcl.Diagnostics
	if strings.HasSuffix(s.name, ".json") {
		f, diags = hcljson.Parse(s.data, s.name)
	} else {
		f, diags = hclsyntax.ParseConfig(s.data, s.name, hcl.InitialPos)
	}
	if err := diagError(diags); err != nil {
		return nil, err
	}
	if f == nil || f.Body == nil {
		return nil, iac.Errorf(model.Pos{File: s.name}, "cannot parse")
	}
	return f, nil
}

// diagError turns the first error diagnostic into an *iac.InputError.
func diagError(diags hcl.Diagnostics) error {
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		var pos model.Pos
		if d.Subject != nil {
			pos = model.Pos{File: d.Subject.Filename, Line: d.Subject.Start.Line, Col: d.Subject.Start.Column}
		}
		msg := d.Summary
		if d.Detail != "" {
			msg += ": " + d.Detail
		}
		return iac.Errorf(pos, "%s", msg)
	}
	return nil
}

type resourceBlock struct {
	typ, name string
	block     *hcl.Block
}

// loadSources models the configuration files srcs (and variable files vars) of the
// module in folder dir. It is Load without the file system walk (and the fuzz entry).
func loadSources(root, dir string, srcs, vars []source) (*model.App, error) {
	l := &loader{
		root: root, dir: dir, src: map[string][]byte{},
		app:      &model.App{Kind: kind, Source: iac.Rel(root, dir)},
		archives: map[string]*archive{}, layerRes: map[string]*model.Layer{},
		modules: map[string]*lambdaModule{}, modLayers: map[string]*model.Layer{},
	}
	var resources, datas []resourceBlock
	var modules, variables []*hcl.Block
	var locals []*hcl.Attribute
	for _, s := range srcs {
		l.src[s.name] = s.data
		f, err := parse(s)
		if err != nil {
			return nil, err
		}
		content, _, diags := f.Body.PartialContent(topSchema)
		if err := diagError(diags); err != nil {
			return nil, err
		}
		for _, b := range content.Blocks {
			switch b.Type {
			case "resource":
				resources = append(resources, resourceBlock{b.Labels[0], b.Labels[1], b})
			case "data":
				datas = append(datas, resourceBlock{b.Labels[0], b.Labels[1], b})
			case "module":
				modules = append(modules, b)
			case "variable":
				variables = append(variables, b)
			case "locals":
				attrs, _ := b.Body.JustAttributes()
				for _, a := range sortedAttrs(attrs) {
					locals = append(locals, a)
				}
			}
		}
	}

	// Evaluation context: functions, path.*, var.*, then markers, then locals.
	l.ctx = &hcl.EvalContext{Functions: functions(), Variables: map[string]cty.Value{}}
	l.ctx.Variables["path"] = cty.ObjectVal(map[string]cty.Value{
		"module": cty.StringVal("."), "root": cty.StringVal("."), "cwd": cty.StringVal("."),
	})
	l.ctx.Variables["terraform"] = cty.ObjectVal(map[string]cty.Value{"workspace": cty.StringVal("default")})
	varVals := map[string]cty.Value{}
	for _, b := range variables {
		c, _, _ := b.Body.PartialContent(&hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "default"}}})
		v := cty.DynamicVal
		if a, ok := c.Attributes["default"]; ok {
			v = l.eval(a.Expr)
		}
		varVals[b.Labels[0]] = v
	}
	for _, s := range vars {
		f, err := parse(s)
		if err != nil {
			return nil, err
		}
		attrs, diags := f.Body.JustAttributes()
		if err := diagError(diags); err != nil {
			return nil, err
		}
		for name, a := range attrs {
			if _, declared := varVals[name]; declared {
				varVals[name] = l.eval(a.Expr)
			}
		}
	}
	l.ctx.Variables["var"] = objectOrEmpty(varVals)

	// Markers for what functions reference: layer versions, archives, module outputs.
	layerVals := map[string]cty.Value{}
	archiveVals := map[string]cty.Value{}
	for _, r := range resources {
		if r.typ == "aws_lambda_layer_version" {
			obj := cty.ObjectVal(map[string]cty.Value{
				"arn":       cty.StringVal(marker("layer", r.name, "arn")),
				"layer_arn": cty.StringVal(marker("layer", r.name, "layer_arn")),
			})
			if c := content(r.block, []string{"count"}); c.Attributes["count"] != nil {
				// a counted layer is modelled as one instance: x[0].arn and x[*].arn work
				obj = cty.TupleVal([]cty.Value{obj})
			}
			layerVals[r.name] = obj
		}
	}
	for _, d := range datas {
		if d.typ == "archive_file" {
			archiveVals[d.name] = cty.ObjectVal(map[string]cty.Value{
				"output_path": cty.StringVal(marker("archive", d.name, "output_path")),
			})
		}
	}
	if len(layerVals) > 0 {
		l.ctx.Variables["aws_lambda_layer_version"] = cty.ObjectVal(layerVals)
	}
	if len(archiveVals) > 0 {
		l.ctx.Variables["data"] = cty.ObjectVal(map[string]cty.Value{"archive_file": cty.ObjectVal(archiveVals)})
	}
	modVals := map[string]cty.Value{}
	for _, b := range modules {
		attrs, _ := b.Body.JustAttributes()
		srcAttr, ok := attrs["source"]
		if !ok {
			continue
		}
		if s, ok := str(l.eval(srcAttr.Expr)); !ok || !isLambdaModule(s) {
			continue
		}
		name := b.Labels[0]
		l.modules[name] = &lambdaModule{name: name, block: b, attrs: attrs}
		modVals[name] = cty.ObjectVal(map[string]cty.Value{
			"lambda_layer_arn":       cty.StringVal(marker("module", name, "lambda_layer_arn")),
			"lambda_layer_layer_arn": cty.StringVal(marker("module", name, "lambda_layer_layer_arn")),
		})
	}
	if len(modVals) > 0 {
		l.ctx.Variables["module"] = cty.ObjectVal(modVals)
	}
	l.evalLocals(locals)

	for _, d := range datas {
		if d.typ == "archive_file" {
			l.archives[d.name] = l.readArchive(d.name, d.block)
		}
	}
	for _, r := range resources {
		if r.typ == "aws_lambda_layer_version" {
			l.layerResource(r.name, r.block)
		}
	}
	for _, b := range modules { // module layers first: functions may reference them
		if m := l.modules[b.Labels[0]]; m != nil {
			l.moduleLayer(m)
		}
	}
	for _, r := range resources {
		if r.typ == "aws_lambda_function" {
			l.functionResource(r.name, r.block)
		}
	}
	for _, b := range modules {
		if m := l.modules[b.Labels[0]]; m != nil {
			l.moduleFunction(m)
		}
	}
	return l.app, nil
}

func objectOrEmpty(m map[string]cty.Value) cty.Value {
	if len(m) == 0 {
		return cty.EmptyObjectVal
	}
	return cty.ObjectVal(m)
}

func sortedAttrs(attrs hcl.Attributes) []*hcl.Attribute {
	out := make([]*hcl.Attribute, 0, len(attrs))
	for _, a := range attrs {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i].Range, out[j].Range
		if a.Filename != b.Filename {
			return a.Filename < b.Filename
		}
		return a.Start.Byte < b.Start.Byte
	})
	return out
}

// evalLocals evaluates locals until nothing changes (locals may reference each other
// in any order); a local that never settles stays unknown.
func (l *loader) evalLocals(locals []*hcl.Attribute) {
	vals := map[string]cty.Value{}
	for _, a := range locals {
		vals[a.Name] = cty.DynamicVal
	}
	l.ctx.Variables["local"] = objectOrEmpty(vals)
	for pass := 0; pass <= len(locals); pass++ {
		changed := false
		for _, a := range locals {
			v := l.eval(a.Expr)
			if !v.RawEquals(vals[a.Name]) {
				vals[a.Name] = v
				changed = true
			}
			l.ctx.Variables["local"] = cty.ObjectVal(vals)
		}
		if !changed {
			break
		}
	}
}

func pos(r hcl.Range) model.Pos {
	return model.Pos{File: r.Filename, Line: r.Start.Line, Col: r.Start.Column}
}

// text is the source text of r, for messages.
func (l *loader) text(r hcl.Range) string {
	b := l.src[r.Filename]
	if r.Start.Byte < 0 || r.End.Byte > len(b) || r.Start.Byte >= r.End.Byte {
		return ""
	}
	t := strings.Join(strings.Fields(string(b[r.Start.Byte:r.End.Byte])), " ")
	if len(t) > 120 {
		t = t[:117] + "..."
	}
	return t
}

func (l *loader) note(code string, sev model.Severity, fn, layer string, p model.Pos, msg, hint string) {
	l.app.Notes = append(l.app.Notes, model.Note{Code: code, Severity: sev, Function: fn, Layer: layer, Pos: p, Message: msg, Hint: hint})
}

// content returns the attributes and blocks of a resource body that the schema names;
// anything else (and any schema mismatch) is ignored.
func content(b *hcl.Block, attrs []string, blocks ...string) *hcl.BodyContent {
	s := &hcl.BodySchema{}
	for _, a := range attrs {
		s.Attributes = append(s.Attributes, hcl.AttributeSchema{Name: a})
	}
	for _, t := range blocks {
		s.Blocks = append(s.Blocks, hcl.BlockHeaderSchema{Type: t})
	}
	c, _, _ := b.Body.PartialContent(s)
	if c == nil {
		c = &hcl.BodyContent{Attributes: hcl.Attributes{}}
	}
	return c
}

// stringAttr evaluates a string attribute. When it is set but cannot be evaluated,
// an LK105 info note says so and "" is returned.
func (l *loader) stringAttr(a *hcl.Attribute, fn, what string) (string, bool) {
	if a == nil {
		return "", false
	}
	v := l.eval(a.Expr)
	if v.IsKnown() && v.IsNull() {
		return "", false
	}
	s, ok := str(v)
	if !ok {
		l.note("LK105", model.Info, fn, "", pos(a.Range),
			fmt.Sprintf("%s = %s cannot be evaluated statically; the %s is taken as unknown", a.Name, l.text(a.Expr.Range()), what),
			"give the variable a default or set it in terraform.tfvars")
		return "", false
	}
	return s, true
}

func (l *loader) layerResource(name string, b *hcl.Block) {
	c := content(b, []string{"layer_name", "filename", "s3_bucket", "s3_key", "compatible_runtimes", "compatible_architectures"})
	ly := &model.Layer{Name: name, Pos: pos(b.DefRange)}
	l.layerRes[name] = ly
	l.app.Layers = append(l.app.Layers, ly)
	a := c.Attributes
	switch {
	case a["filename"] != nil:
		code, why := l.codeFromFilename(a["filename"])
		if code == nil {
			ly.NotInspectable = why
			l.note("LK105", model.Info, "", name, pos(a["filename"].Range), fmt.Sprintf("layer %s: %s; its content is not checked", name, why), "")
		}
		ly.Content = code
	case a["s3_bucket"] != nil || a["s3_key"] != nil:
		ly.NotInspectable = "S3 object " + l.s3Text(a["s3_bucket"], a["s3_key"])
		l.note("LK105", model.Info, "", name, pos(b.DefRange), fmt.Sprintf("layer %s comes from %s, which is not read; its content is not checked", name, ly.NotInspectable), "")
	default:
		ly.NotInspectable = "no filename or s3_key"
	}
	ly.CompatibleRuntimes, ly.CompatibleRuntimesPos = l.listAttr(a["compatible_runtimes"])
	ly.CompatibleArchitectures, ly.CompatibleArchsPos = l.listAttr(a["compatible_architectures"])
}

func (l *loader) s3Text(bucket, key *hcl.Attribute) string {
	part := func(a *hcl.Attribute) string {
		if a == nil {
			return "?"
		}
		if s, ok := str(l.eval(a.Expr)); ok {
			return s
		}
		return "${" + l.text(a.Expr.Range()) + "}"
	}
	return "s3://" + part(bucket) + "/" + part(key)
}

// listAttr evaluates a list of strings; nil when unset or unknown.
func (l *loader) listAttr(a *hcl.Attribute) ([]string, model.Pos) {
	if a == nil {
		return nil, model.Pos{}
	}
	v, ok := strList(l.eval(a.Expr))
	if !ok {
		return nil, pos(a.Range)
	}
	return v, pos(a.Range)
}

func (l *loader) functionResource(name string, b *hcl.Block) {
	c := content(b, []string{"function_name", "handler", "runtime", "architectures", "layers",
		"filename", "s3_bucket", "s3_key", "image_uri", "package_type"}, "environment")
	a := c.Attributes
	f := &model.Function{Name: name, Kind: kind, Pos: pos(b.DefRange), PackageType: "Zip"}
	f.RuntimePos, f.HandlerPos, f.ArchPos, f.LayersPos = f.Pos, f.Pos, f.Pos, f.Pos
	l.app.Functions = append(l.app.Functions, f)
	if pt, _ := str(l.eval(attrExpr(a["package_type"]))); pt == "Image" || a["image_uri"] != nil {
		f.PackageType = "Image"
	}
	if at := a["handler"]; at != nil {
		f.HandlerPos = pos(at.Range)
		f.Handler, _ = l.stringAttr(at, name, "handler")
	}
	if at := a["runtime"]; at != nil {
		f.RuntimePos = pos(at.Range)
		f.Runtime, _ = l.stringAttr(at, name, "runtime")
	}
	f.Arch = "x86_64"
	if at := a["architectures"]; at != nil {
		f.ArchPos = pos(at.Range)
		if archs, ok := strList(l.eval(at.Expr)); ok && len(archs) > 0 {
			f.Arch = archs[0]
		}
	}
	for _, eb := range c.Blocks {
		ec := content(eb, []string{"variables"})
		if va := ec.Attributes["variables"]; va != nil {
			f.Env = l.envMap(va.Expr)
		}
	}
	if f.PackageType == "Image" {
		return
	}
	switch {
	case a["filename"] != nil:
		code, why := l.codeFromFilename(a["filename"])
		if code == nil {
			l.note("LK105", model.Info, name, "", pos(a["filename"].Range), fmt.Sprintf("function %s: %s; its package is not checked", name, why), "")
		}
		f.Code = code
	case a["s3_bucket"] != nil || a["s3_key"] != nil:
		l.note("LK105", model.Info, name, "", pos(b.DefRange),
			fmt.Sprintf("function %s's package is the %s, which is not read; its package is not checked", name, l.s3Text(a["s3_bucket"], a["s3_key"])), "")
	}
	if la := a["layers"]; la != nil {
		f.LayersPos = pos(la.Range)
		f.Layers = l.layerRefs(la.Expr, name)
	}
}

func attrExpr(a *hcl.Attribute) hcl.Expression {
	if a == nil {
		return nil
	}
	return a.Expr
}

// envMap reads a map of environment variables, with the position of each key.
func (l *loader) envMap(expr hcl.Expression) map[string]model.EnvVar {
	env := map[string]model.EnvVar{}
	pairs, diags := hcl.ExprMap(expr)
	if diags.HasErrors() {
		// not a literal map: evaluate it as a whole
		v := l.eval(expr)
		if v.IsKnown() && !v.IsNull() && (v.Type().IsObjectType() || v.Type().IsMapType()) {
			for it := v.ElementIterator(); it.Next(); {
				k, e := it.Element()
				ks, ok := str(k)
				if !ok {
					continue
				}
				s, known := str(e)
				env[ks] = model.EnvVar{Value: s, Known: known, Pos: pos(expr.Range())}
			}
		}
		return env
	}
	for _, p := range pairs {
		k := l.eval(p.Key)
		ks, ok := str(k)
		if !ok {
			// a bare identifier key in native syntax evaluates as a variable reference
			ks = hcl.ExprAsKeyword(p.Key)
			if ks == "" {
				continue
			}
		}
		s, known := str(l.eval(p.Value))
		env[ks] = model.EnvVar{Value: s, Known: known, Pos: pos(p.Key.Range())}
	}
	return env
}

// layerRefs reads a layers list, one reference per element with its position.
func (l *loader) layerRefs(expr hcl.Expression, fn string) []model.LayerRef {
	var refs []model.LayerRef
	if items, diags := hcl.ExprList(expr); !diags.HasErrors() {
		for _, e := range items {
			refs = append(refs, l.layerRef(e, fn))
		}
		return refs
	}
	// Not a literal list (local.layers, concat(...)): evaluate the whole.
	es, ok := elems(l.eval(expr))
	if !ok {
		return []model.LayerRef{{Pos: pos(expr.Range()), Unknown: true, Text: l.text(expr.Range())}}
	}
	for _, v := range es {
		refs = append(refs, l.refFromValue(v, pos(expr.Range()), l.text(expr.Range()), fn))
	}
	return refs
}

func (l *loader) layerRef(e hcl.Expression, fn string) model.LayerRef {
	p := pos(e.Range())
	text := l.text(e.Range())
	for _, tr := range e.Variables() {
		if len(tr) < 2 || tr.RootName() != "aws_lambda_layer_version" {
			continue
		}
		at, ok := tr[1].(hcl.TraverseAttr)
		if !ok {
			continue
		}
		if _, defined := l.layerRes[at.Name]; !defined {
			problem := fmt.Sprintf("aws_lambda_layer_version.%s is not defined in this configuration", at.Name)
			l.note("LK406", model.Error, fn, "", p, fmt.Sprintf("layers of %s: %s", fn, problem), "")
			return model.LayerRef{Pos: p, Bad: true, Problem: problem, Text: text}
		}
	}
	return l.refFromValue(l.eval(e), p, text, fn)
}

func (l *loader) refFromValue(v cty.Value, p model.Pos, text, fn string) model.LayerRef {
	// Unknown and ARN references get their LK105 from the checker (rule LK105), not here.
	s, ok := str(v)
	if !ok {
		return model.LayerRef{Pos: p, Unknown: true, Text: text}
	}
	bad := func(problem, msg, hint string) model.LayerRef {
		l.note("LK406", model.Error, fn, "", p, msg, hint)
		return model.LayerRef{Pos: p, Bad: true, Problem: problem, Text: text}
	}
	if k, name, attr, ok := parseMarker(s); ok {
		switch {
		case k == "layer" && attr == "arn":
			return model.LayerRef{Pos: p, Layer: l.layerRes[name]}
		case k == "layer" && attr == "layer_arn":
			return bad("layer_arn has no version",
				fmt.Sprintf("aws_lambda_layer_version.%s.layer_arn is the ARN without a version; Lambda needs a version ARN: use aws_lambda_layer_version.%s.arn", name, name),
				fmt.Sprintf("layers = [aws_lambda_layer_version.%s.arn]", name))
		case k == "module" && l.modLayers[name] == nil:
			return bad(fmt.Sprintf("module %s creates no layer", name),
				fmt.Sprintf("module.%s.%s: module %s does not set create_layer = true, so it creates no layer", name, attr, name), "")
		case k == "module" && attr == "lambda_layer_arn":
			return model.LayerRef{Pos: p, Layer: l.modLayers[name]}
		case k == "module":
			return bad("layer_arn has no version",
				fmt.Sprintf("module.%s.%s is the layer ARN without a version; Lambda needs a version ARN: use module.%s.lambda_layer_arn", name, attr, name), "")
		}
		return bad("not a layer", fmt.Sprintf("%s is not a layer version ARN", text), "")
	}
	if strings.Contains(s, markerPrefix) {
		return model.LayerRef{Pos: p, Unknown: true, Text: text}
	}
	return checkARN(s, p, func(problem, msg string) model.LayerRef { return bad(problem, msg, "") })
}

// checkARN classifies a literal layer reference.
// An arn:…:lambda:::awslayer: ARN (a format cfn-lint warns about; facts §4) is taken
// as an AWS-managed layer of unknown content.
func checkARN(s string, p model.Pos, bad func(problem, msg string) model.LayerRef) model.LayerRef {
	switch {
	case layerVersionARN.MatchString(s) && len(s) <= 140:
		return model.LayerRef{Pos: p, ARN: s}
	case awsLayerARN.MatchString(s):
		return model.LayerRef{Pos: p, Unknown: true, Text: s + " (AWS-managed layer)"}
	case layerARN.MatchString(s):
		return bad("layer ARN has no version", fmt.Sprintf("%s is a layer ARN without a version; Lambda needs a layer version ARN (…:layer:NAME:VERSION)", s))
	}
	return bad("malformed layer ARN", fmt.Sprintf("%q is not a layer version ARN (arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION)", s))
}

// isLambdaModule reports whether a module source is terraform-aws-modules/lambda/aws.
func isLambdaModule(src string) bool {
	s := strings.TrimPrefix(src, "registry.terraform.io/")
	s = strings.TrimPrefix(s, "app.terraform.io/")
	if i := strings.Index(s, "?"); i >= 0 {
		s = s[:i]
	}
	switch strings.TrimSuffix(s, "/") {
	case "terraform-aws-modules/lambda/aws",
		"github.com/terraform-aws-modules/terraform-aws-lambda",
		"git::https://github.com/terraform-aws-modules/terraform-aws-lambda.git",
		"git::https://github.com/terraform-aws-modules/terraform-aws-lambda":
		return true
	}
	return false
}
