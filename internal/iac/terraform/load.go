// Package terraform models the Lambda functions and layers of a Terraform root
// module from its .tf / .tf.json files, without running terraform: aws_lambda_function,
// aws_lambda_layer_version, data "archive_file", aws_s3_object uploads, local modules
// (recursively, one instance per count index or for_each key) and the
// terraform-aws-modules/lambda module. Expressions are evaluated with variable defaults,
// terraform.tfvars, *.auto.tfvars and --var-file, locals (in dependency order), module
// inputs and outputs, path.module/root/cwd and a subset of Terraform's functions, under a
// size and work budget (budget.go) after a nesting pre-check (depth.go); anything else is
// unknown, and a function that cannot be checked says why (model.Function.Unchecked).
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
	"github.com/zclconf/go-cty/cty/function"

	"github.com/layerkit/layerkit/internal/fix"
	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/iac/buildscript"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/rulecode"
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
// whose folder is read) below root, the checked PATH (absolute). The folder is the
// root module: terraform's working folder, against which bare relative paths resolve.
func Load(root, path string) (*model.App, error) { return LoadWith(root, path, iac.Options{}) }

// LoadWith is Load within the limits of opts, with its variable files (opts.VarFiles,
// layerkit check --var-file, as terraform's -var-file) read after terraform.tfvars and
// *.auto.tfvars, later ones winning. They apply to the root module; a relative path is
// relative to the working folder.
func LoadWith(root, path string, opts iac.Options) (*model.App, error) {
	if !filepath.IsAbs(path) {
		path = filepath.Join(root, path)
	}
	dir := path
	st, err := os.Stat(path)
	if err != nil {
		return nil, iac.Errorf(model.Pos{File: iac.Rel(root, path)}, "cannot read: %v", iac.UnwrapPath(err))
	}
	if !st.IsDir() {
		dir = filepath.Dir(path)
	}
	srcs, vars, err := readFolder(opts.Limits, root, dir, true)
	if err != nil {
		return nil, err
	}
	if len(srcs) == 0 {
		return nil, iac.Errorf(model.Pos{File: iac.Rel(root, dir)}, "no Terraform configuration files (*.tf, *.tf.json)")
	}
	for _, p := range opts.VarFiles {
		abs, err := filepath.Abs(p)
		if err != nil {
			return nil, iac.Errorf(model.Pos{File: p}, "--var-file: %v", err)
		}
		b, err := opts.ReadConfig(abs)
		if err != nil {
			return nil, iac.Errorf(model.Pos{File: p}, "--var-file: cannot read: %v", err)
		}
		vars = append(vars, source{name: iac.Rel(root, abs), data: b})
	}
	app, err := loadSourcesWith(root, dir, srcs, vars, func(l *loader) { l.lim = opts.Limits })
	if err != nil {
		return nil, err
	}
	if err := ignores(app, srcs); err != nil {
		return nil, err
	}
	app.Source = iac.Rel(root, path)
	return app, nil
}

// readFolder reads the configuration files of one module folder and, for the root
// module (withVars), its variable files: terraform.tfvars first, then *.auto.tfvars in
// name order (later wins).
func readFolder(lim iac.Limits, root, dir string, withVars bool) (srcs, vars []source, err error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, iac.Errorf(model.Pos{File: iac.Rel(root, dir)}, "cannot read folder: %v", iac.UnwrapPath(err))
	}
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() {
			continue
		}
		isConf := strings.HasSuffix(n, ".tf") || strings.HasSuffix(n, ".tf.json")
		isVars := n == "terraform.tfvars" || n == "terraform.tfvars.json" ||
			strings.HasSuffix(n, ".auto.tfvars") || strings.HasSuffix(n, ".auto.tfvars.json")
		if !isConf && !(isVars && withVars) {
			continue
		}
		b, err := lim.ReadConfig(filepath.Join(dir, n))
		if err != nil {
			return nil, nil, iac.Errorf(model.Pos{File: iac.Rel(root, filepath.Join(dir, n))}, "cannot read: %v", err)
		}
		s := source{name: iac.Rel(root, filepath.Join(dir, n)), data: b}
		if isConf {
			srcs = append(srcs, s)
		} else {
			vars = append(vars, s)
		}
	}
	sort.SliceStable(vars, func(a, b int) bool {
		return strings.HasPrefix(filepath.Base(vars[a].name), "terraform.tfvars") &&
			!strings.HasPrefix(filepath.Base(vars[b].name), "terraform.tfvars")
	})
	return srcs, vars, nil
}

type loader struct {
	workflows []workflowStep // the checked folder's GitHub Actions run steps, read on first use
	// data "aws_lambda_layer_version" links (datalayer.go): layer_name by data block
	// address; the layers of the other configurations by layer_name (read on first use);
	// linking is set on a configuration loaded only to be linked to, whose layers by
	// evaluated layer_name go to layerNamed.
	dataLayers map[string]string
	siblings   map[string]siblingLayer
	linking    bool
	layerNamed map[string]*model.Layer
	root       string // the checked PATH
	lim        iac.Limits
	cwd        string // terraform's working folder: the root module's folder (workingFolder)
	rootDir    string // the root module's folder
	src        map[string][]byte
	ctx        *hcl.EvalContext // the context of what is being evaluated
	app        *model.App

	budget   budget
	funcs    map[string]function.Function
	prepared map[hcl.Expression]hcl.Expression
	wrapped  map[hclsyntax.Expression]bool
	configs  map[string]*config // parsed module folders, by absolute path

	nInstances int        // resource and module instances so far (maxInstances)
	pending    []*resInst // instances whose module is not evaluated yet
	curMod     *modInst   // the module instance whose context is current

	// What the module instances declare, modelled once every instance is evaluated.
	archiveInsts, s3Insts, layerInsts, fnInsts []*resInst
	lambdaMods                                 []*lambdaModule

	archives  map[string]*archive     // address → archive_file
	s3objs    map[string]*s3object    // address → aws_s3_object
	layerRes  map[string]*model.Layer // address → aws_lambda_layer_version
	modLayers map[string]*model.Layer // address → the layer of a lambda module (create_layer)

	lambdaByAddr map[string]*lambdaModule
	notedModules map[model.Pos]bool // module calls noted as not read (moduleNote)
	installed    map[string]string  // module key → folder terraform init downloaded it into

	// builds that may make a zip or folder that does not exist yet (builds.go), run once
	modBuilds  map[*modInst]*buildscript.Set
	repoBuilds *buildscript.Set
}

var topSchema = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{
	{Type: "resource", LabelNames: []string{"type", "name"}},
	{Type: "data", LabelNames: []string{"type", "name"}},
	{Type: "module", LabelNames: []string{"name"}},
	{Type: "variable", LabelNames: []string{"name"}},
	{Type: "output", LabelNames: []string{"name"}},
	{Type: "locals"},
}}

// parse checks the nesting of s, then parses it.
func parse(s source) (*hcl.File, error) {
	var f *hcl.File
	var diags hcl.Diagnostics
	if strings.HasSuffix(s.name, ".json") {
		if err := checkJSONDepth(s.name, s.data); err != nil {
			return nil, err
		}
		f, diags = hcljson.Parse(s.data, s.name)
	} else {
		if err := checkDepth(s.name, s.data); err != nil {
			return nil, err
		}
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

// config is one module folder's parsed configuration.
type config struct {
	dir        string
	resources  []resourceBlock // resources, then data sources (typ "data.archive_file")
	modules    []*hcl.Block
	variables  []*hcl.Block
	outputs    []*hcl.Block
	locals     []*hcl.Attribute
	layerNames map[string]bool // aws_lambda_layer_version names
}

// parseConfig parses the configuration files of one module folder.
func (l *loader) parseConfig(dir string, srcs []source) (*config, error) {
	c := &config{dir: dir, layerNames: map[string]bool{}}
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
				c.resources = append(c.resources, resourceBlock{b.Labels[0], b.Labels[1], b})
				if b.Labels[0] == "aws_lambda_layer_version" {
					c.layerNames[b.Labels[1]] = true
				}
			case "data":
				c.resources = append(c.resources, resourceBlock{"data." + b.Labels[0], b.Labels[1], b})
			case "module":
				c.modules = append(c.modules, b)
			case "variable":
				c.variables = append(c.variables, b)
			case "output":
				c.outputs = append(c.outputs, b)
			case "locals":
				attrs, _ := b.Body.JustAttributes()
				c.locals = append(c.locals, sortedAttrs(attrs)...)
			}
		}
	}
	return c, nil
}

// loadSources models the configuration files srcs (and variable files vars) of the
// root module in folder dir. It is Load without reading the root folder (and the fuzz
// entry); child modules are read from disk.
func loadSources(root, dir string, srcs, vars []source) (*model.App, error) {
	return loadSourcesWith(root, dir, srcs, vars, nil)
}

// loadSourcesWith is loadSources with a hook that sets up the loader before it runs.
func loadSourcesWith(root, dir string, srcs, vars []source, setup func(*loader)) (*model.App, error) {
	l := newLoader(root, dir)
	if setup != nil {
		setup(l)
	}
	cfg, err := l.parseConfig(dir, srcs)
	if err != nil {
		return nil, err
	}
	l.configs[dir] = cfg
	m := &modInst{dir: dir, cfg: cfg, unset: map[string]string{}}
	values, err := l.rootValues(m, vars)
	if err != nil {
		return nil, err
	}
	m.vars, m.base = l.bindVariables(m, values, unsetHint(nil)), nil
	if len(m.unset) > 0 {
		others := otherVarFiles(l.lim, root, dir, vars)
		for name := range m.unset {
			m.unset[name] = unsetHint(others[name])
		}
	}
	l.evalModule(m)
	if l.budget.err != nil {
		return nil, l.budget.err
	}
	l.model()
	if l.budget.err != nil {
		return nil, l.budget.err
	}
	return l.app, nil
}

// workingFolder is the folder terraform runs in for the root module in dir: dir itself
// (terraform -chdir=dir, or cd dir), unless dir holds no state and no .terraform while a
// folder above it, inside the checked folder, holds the terraform.tfstate the local
// backend writes to the working folder and no configuration of its own: the Terraform
// 0.11–0.13 form `terraform apply dir` run from there, where relative paths resolve
// against that folder and path.root is dir (field test: zhaoyi0113/streaming-data-lake,
// terraform.tfstate at the root and the configuration in tf/).
func workingFolder(root, dir string) string {
	exists := func(p string) bool { _, err := os.Lstat(p); return err == nil }
	if exists(filepath.Join(dir, "terraform.tfstate")) || exists(filepath.Join(dir, ".terraform")) {
		return dir
	}
	for d := filepath.Dir(dir); iac.Within(root, d); d = filepath.Dir(d) {
		if exists(filepath.Join(d, "terraform.tfstate")) {
			if tf, _ := filepath.Glob(filepath.Join(d, "*.tf")); len(tf) == 0 {
				return d
			}
			return dir
		}
		if d == root || d == filepath.Dir(d) {
			break
		}
	}
	return dir
}

// newLoader is a loader of the root module in folder dir, with Terraform's functions
// wrapped in the evaluation budget and the file functions reading below dir.
func newLoader(root, dir string) *loader {
	l := &loader{
		root: root, cwd: workingFolder(root, dir), rootDir: dir, src: map[string][]byte{},
		app:      &model.App{Kind: kind, Source: iac.Rel(root, dir)},
		prepared: map[hcl.Expression]hcl.Expression{}, wrapped: map[hclsyntax.Expression]bool{},
		configs:  map[string]*config{},
		archives: map[string]*archive{}, s3objs: map[string]*s3object{},
		layerRes: map[string]*model.Layer{}, modLayers: map[string]*model.Layer{},
		lambdaByAddr: map[string]*lambdaModule{}, notedModules: map[model.Pos]bool{},
	}
	l.funcs = l.budget.guarded(functions())
	l.funcs[budgetFunc] = l.budget.budgetFunction(l.budget.charge)
	l.funcs[refFunc] = l.budget.budgetFunction(l.budget.chargeRef)
	l.funcs[iterFunc] = l.budget.budgetFunction(l.budget.chargeIterations(false))
	l.funcs[iterRefFunc] = l.budget.budgetFunction(l.budget.chargeIterations(true))
	l.funcs["file"], l.funcs["fileexists"] = l.fileFuncs()
	l.funcs["fileset"] = l.filesetFunc()
	l.funcs["templatefile"] = l.templatefileFunc()
	l.funcs["abspath"] = stringFunc(func(s string) string {
		if !filepath.IsAbs(s) {
			s = filepath.Join(l.cwd, filepath.FromSlash(s))
		}
		return filepath.ToSlash(filepath.Clean(s))
	})
	return l
}

// rootValues are the values the variable files vars give the root module m's
// variables, the later file winning (the defaults are bindVariables').
func (l *loader) rootValues(m *modInst, vars []source) (map[string]cty.Value, error) {
	values := map[string]cty.Value{}
	for _, s := range vars {
		f, err := parse(s)
		if err != nil {
			return nil, err
		}
		attrs, diags := f.Body.JustAttributes()
		if err := diagError(diags); err != nil {
			return nil, err
		}
		l.ctx = l.baseContext(m, nil)
		for _, a := range sortedAttrs(attrs) {
			values[a.Name] = l.eval(a.Expr)
		}
	}
	return values, nil
}

// model turns the resource instances every module declared into functions and
// layers: archives and S3 objects first (layers and functions name them), then layers
// (functions reference them), then functions.
func (l *loader) model() {
	for _, r := range l.archiveInsts {
		l.use(r)
		l.archives[r.addr()] = l.readArchive(r)
	}
	for _, r := range l.s3Insts {
		l.use(r)
		l.s3objs[r.addr()] = l.readS3Object(r)
	}
	for _, r := range l.layerInsts {
		l.use(r)
		l.layerResource(r)
	}
	for _, m := range l.lambdaMods {
		l.use(m.inst)
		l.moduleLayer(m)
	}
	for _, r := range l.fnInsts {
		l.use(r)
		l.functionResource(r)
	}
	for _, m := range l.lambdaMods {
		l.use(m.inst)
		l.moduleFunction(m)
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
	t := interpolations(strings.Join(strings.Fields(string(b[r.Start.Byte:r.End.Byte])), " "))
	if len(t) > 120 {
		t = t[:117] + "..."
	}
	return t
}

// interpolations rewrites the template interpolations and directives of source text
// for a message: "api.${var.name}.handler" reads "api.<var.name>.handler", so that no
// raw ${...} reaches a message (or a CI log that would interpolate it).
func interpolations(t string) string {
	if !strings.Contains(t, "${") && !strings.Contains(t, "%{") {
		return t
	}
	var b strings.Builder
	var open []bool // per unclosed brace: does it open an interpolation?
	for i := 0; i < len(t); i++ {
		switch {
		case (t[i] == '$' || t[i] == '%') && i+1 < len(t) && t[i+1] == '{':
			b.WriteByte('<')
			open = append(open, true)
			i++
		case t[i] == '{' && len(open) > 0:
			open = append(open, false)
			b.WriteByte('{')
		case t[i] == '}' && len(open) > 0:
			if open[len(open)-1] {
				b.WriteByte('>')
			} else {
				b.WriteByte('}')
			}
			open = open[:len(open)-1]
		default:
			b.WriteByte(t[i])
		}
	}
	return b.String()
}

func (l *loader) note(code rulecode.Code, sev model.Severity, fn, layer string, p model.Pos, msg, hint string) {
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

// fnString evaluates a string attribute of function f. When it is set but cannot be
// evaluated, f cannot be checked: Unchecked says why, naming the unresolved reference.
func (l *loader) fnString(f *model.Function, a *hcl.Attribute) string {
	v := l.eval(a.Expr)
	if v.IsKnown() && v.IsNull() {
		return ""
	}
	s, ok := str(v)
	if !ok || strings.Contains(s, markerPrefix) {
		l.uncheck(f, pos(a.Range), fmt.Sprintf("%s = %s cannot be evaluated: %s", a.Name, l.text(a.Expr.Range()), l.cause(a.Expr)))
		return ""
	}
	return s
}

// uncheck records the first reason why f's imports cannot be checked.
func (l *loader) uncheck(f *model.Function, p model.Pos, why string) {
	if f.Unchecked == "" {
		f.Unchecked, f.UncheckedPos = why, p
	}
}

func (l *loader) layerResource(r *resInst) {
	name := r.display()
	b := r.block
	c := content(b, []string{"layer_name", "filename", "s3_bucket", "s3_key", "source_code_hash", "compatible_runtimes", "compatible_architectures"})
	ly := &model.Layer{Name: name, Pos: pos(b.DefRange)}
	l.layerRes[r.addr()] = ly
	l.app.Layers = append(l.app.Layers, ly)
	a := c.Attributes
	if l.layerNamed != nil && a["layer_name"] != nil {
		if n, ok := str(l.eval(a["layer_name"].Expr)); ok && !strings.Contains(n, markerPrefix) {
			l.layerNamed[n] = ly
		}
	}
	switch {
	case r.unknown != "":
		ly.NotInspectable = r.unknown
		l.note(rulecode.LK105, model.Info, "", name, pos(b.DefRange), fmt.Sprintf("layer %s: %s; its content is not checked", name, r.unknown), "")
	case a["filename"] != nil:
		code, why := l.codeFromFilename(a["filename"])
		if code == nil {
			ly.NotInspectable = why
			l.note(rulecode.LK105, model.Info, "", name, pos(a["filename"].Range), fmt.Sprintf("layer %s: %s; its content is not checked", name, why), "")
		}
		ly.Content = code
	case a["s3_bucket"] != nil || a["s3_key"] != nil:
		code, why := l.codeFromS3(a["s3_bucket"], a["s3_key"], a["source_code_hash"])
		if code == nil {
			msg := fmt.Sprintf("layer %s: %s; its content is not checked", name, why)
			ly.NotInspectable = why
			if strings.HasPrefix(why, "the S3 object ") {
				ly.NotInspectable = "S3 object " + l.s3Text(a["s3_bucket"], a["s3_key"])
				msg = fmt.Sprintf("layer %s comes from %s, which is not read; its content is not checked", name, ly.NotInspectable)
			}
			l.note(rulecode.LK105, model.Info, "", name, pos(b.DefRange), msg, "")
		}
		ly.Content = code
	default:
		ly.NotInspectable = "no filename or s3_key"
	}
	ly.CompatibleRuntimes, ly.CompatibleRuntimesPos = l.listAttr(a["compatible_runtimes"])
	ly.CompatibleArchitectures, ly.CompatibleArchsPos = l.listAttr(a["compatible_architectures"])
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

func (l *loader) functionResource(r *resInst) {
	name := r.display()
	b := r.block
	c := content(b, []string{"function_name", "handler", "runtime", "architectures", "layers",
		"filename", "s3_bucket", "s3_key", "source_code_hash", "image_uri", "package_type"}, "environment")
	a := c.Attributes
	f := &model.Function{Name: name, Kind: kind, Pos: pos(b.DefRange), PackageType: "Zip"}
	f.RuntimePos, f.HandlerPos, f.ArchPos, f.LayersPos = f.Pos, f.Pos, f.Pos, f.Pos
	l.app.Functions = append(l.app.Functions, f)
	if r.unknown != "" {
		l.uncheck(f, f.Pos, r.unknown)
	}
	f.PackageType = l.packageType(a["package_type"], a["image_uri"])
	if at := a["handler"]; at != nil {
		f.HandlerPos = pos(at.Range)
		f.Handler = l.fnString(f, at)
	}
	if at := a["runtime"]; at != nil {
		f.RuntimePos = pos(at.Range)
		f.Runtime = l.fnString(f, at)
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
	if la := a["layers"]; la != nil {
		f.LayersPos = pos(la.Range)
		f.Layers = l.layerRefs(la.Expr, name)
	}
	if f.PackageType == "Image" {
		f.Unchecked, f.UncheckedPos = "", model.Pos{}
		return
	}
	switch {
	case a["filename"] != nil:
		code, why := l.codeFromFilename(a["filename"])
		if code == nil {
			l.uncheck(f, pos(a["filename"].Range), fmt.Sprintf("its package cannot be read: %s", why))
		}
		f.Code = code
	case a["s3_bucket"] != nil || a["s3_key"] != nil:
		code, why := l.codeFromS3(a["s3_bucket"], a["s3_key"], a["source_code_hash"])
		if code == nil {
			at := a["s3_key"]
			if at == nil {
				at = a["s3_bucket"]
			}
			l.uncheck(f, pos(at.Range), fmt.Sprintf("its package is %s", why))
		}
		f.Code = code
	default:
		l.uncheck(f, f.Pos, "it has no filename, s3_bucket/s3_key or image_uri")
	}
}

// packageType is "Image" when package_type says so, or when it does not say and
// image_uri is set (not null); "Zip" otherwise.
func (l *loader) packageType(pt, image *hcl.Attribute) string {
	if pt != nil {
		if s, ok := str(l.eval(pt.Expr)); ok {
			if s == "Image" {
				return "Image"
			}
			return "Zip"
		}
	}
	if image == nil {
		return "Zip"
	}
	if v := l.eval(image.Expr); v.IsKnown() && v.IsNull() {
		return "Zip"
	}
	return "Image"
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
		if l.curMod != nil && !l.curMod.cfg.layerNames[at.Name] {
			problem := fmt.Sprintf("aws_lambda_layer_version.%s is not defined in this configuration", at.Name)
			l.note(rulecode.LK406, model.Error, fn, "", p, fmt.Sprintf("layers of %s: %s", fn, problem), "")
			return model.LayerRef{Pos: p, Bad: true, Problem: problem, Text: text}
		}
	}
	ref := l.refFromValue(l.eval(e), p, text, fn)
	if ref.Bad && ref.Problem == layerARNProblem {
		l.layerARNFix(e.Range())
	}
	return ref
}

const layerARNProblem = "layer_arn has no version"

// layerARNFix gives the LK406 note just made for `aws_lambda_layer_version.x.layer_arn`
// its fix, `.arn`, when the expression is written as that reference (not reached
// through a local or a variable): the bytes of "layer_arn" at its end become "arn".
func (l *loader) layerARNFix(r hcl.Range) {
	src := l.src[r.Filename]
	if len(l.app.Notes) == 0 || r.Start.Byte < 0 || r.End.Byte > len(src) || r.Start.Byte >= r.End.Byte {
		return
	}
	raw := string(src[r.Start.Byte:r.End.Byte])
	if !strings.HasPrefix(raw, "aws_lambda_layer_version.") || !strings.HasSuffix(raw, ".layer_arn") || strings.ContainsAny(raw, " \t\n[]()") {
		return
	}
	n := &l.app.Notes[len(l.app.Notes)-1]
	start := r.End.Byte - len("layer_arn")
	n.Fix = &model.Fix{Title: fmt.Sprintf("refer to %s.arn, the layer version's ARN", strings.TrimSuffix(raw, ".layer_arn")),
		Edits: []model.Edit{{File: r.Filename, Sum: fix.Sum(src), Start: start, End: r.End.Byte, Old: "layer_arn", New: "arn"}}}
}

func (l *loader) refFromValue(v cty.Value, p model.Pos, text, fn string) model.LayerRef {
	// Unknown and ARN references get their LK105 from the checker (rule LK105), not here.
	s, ok := str(v)
	if !ok {
		return model.LayerRef{Pos: p, Unknown: true, Text: text}
	}
	bad := func(problem, msg, hint string) model.LayerRef {
		l.note(rulecode.LK406, model.Error, fn, "", p, msg, hint)
		return model.LayerRef{Pos: p, Bad: true, Problem: problem, Text: text}
	}
	if k, addr, attr, ok := parseMarker(s); ok {
		switch {
		case k == "layer" && attr == "arn":
			return model.LayerRef{Pos: p, Layer: l.layerRes[addr]}
		case k == "layer" && attr == "layer_arn":
			return bad(layerARNProblem,
				fmt.Sprintf("%s.layer_arn is the ARN without a version; Lambda needs a version ARN: use %s.arn", addr, addr),
				fmt.Sprintf("layers = [%s.arn]", addr))
		case k == "datalayer":
			return l.linkDataLayer(addr, attr, p, text, fn)
		case k == "module" && l.modLayers[addr] == nil:
			return bad(fmt.Sprintf("%s creates no layer", addr),
				fmt.Sprintf("%s.%s: %s does not set create_layer = true, so it creates no layer", addr, attr, addr), "")
		case k == "module" && attr == "lambda_layer_arn":
			return model.LayerRef{Pos: p, Layer: l.modLayers[addr]}
		case k == "module":
			return bad("layer_arn has no version",
				fmt.Sprintf("%s.%s is the layer ARN without a version; Lambda needs a version ARN: use %s.lambda_layer_arn", addr, attr, addr), "")
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
