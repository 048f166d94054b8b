// Package sam loads an AWS SAM or plain CloudFormation template into a model.App.
//
// In source mode (template.yaml beside the sources) it models what `sam build` will
// produce (facts §5): a python function's CodeUri minus EXCLUDED_FILES, plus its
// requirements.txt; a layer with BuildMethod python3.x mounted under python/ (nodejs
// under nodejs/, ...), plus its requirements.txt; a layer without BuildMethod, or a
// .zip, as it is; a makefile (or other unmodelled) build opaque. In built mode
// (.aws-sam/build/template.yaml) every CodeUri/ContentUri is taken exactly as it is.
//
// Notes the loader emits (model.Note):
//
//	LK406 error   a Layers entry that is wrong on its face: Ref to nothing, Ref to a
//	              resource that is not a layer, malformed ARN, layer ARN without a
//	              version (at the list item)
//	LK105 info    code that cannot be read: CodeUri/ContentUri/Code/Content in S3 or
//	              an expression we cannot evaluate (at the property); a build method we
//	              do not model, e.g. makefile (at Metadata.BuildMethod)
//	LK105 error   a layer's ContentUri that does not exist or cannot be read, or no
//	              ContentUri at all (at the property, or the resource)
//	LK102 error   a function's CodeUri that does not exist or cannot be read (at the
//	              CodeUri property, or the Globals line it came from)
//	LK410 error   a CodeUri/ContentUri/Code/Content or a nested stack's template that
//	              resolves outside the checked folder (not read; --allow-outside)
//	LK105 info    a nested stack not loaded: past the depth or count bounds, or a cycle
//
// LK105 notes for layer ARNs are not emitted here: the checker reports every remote
// layer reference uniformly.
package sam

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/iac/artifacts/filter"
	"github.com/layerkit/layerkit/internal/iac/cfn"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/pydist"
	"github.com/layerkit/layerkit/internal/rulecode"
	"github.com/layerkit/layerkit/internal/tree"
)

// Load reads the template at templatePath. root is the checked PATH's folder: every
// position and display name is relative to it. A template at .aws-sam/build/ is read in
// built mode.
//
// Nested stacks (AWS::Serverless::Application Location, AWS::CloudFormation::Stack
// TemplateURL given as a file path) are loaded too, and their functions and layers
// added. A layer a child receives as a parameter is linked once all are loaded, when
// the including template's value can be followed to layers (nestedparams.go); else it is
// not inspectable there (LK105). The nested templates form a graph that a
// repository controls, so it is bounded: each template is loaded once however many
// stacks include it (a DAG costs its size, not its number of paths), at most
// maxNesting levels below the top and maxNestedTemplates in all, sharing one
// evaluation budget. A stack past a bound, in a cycle, or whose template is outside
// the checked folder, is reported (LK105 info, LK410 error), never dropped in silence.
func Load(root, templatePath string) (*model.App, error) {
	return LoadWith(root, templatePath, iac.Options{})
}

// LoadWith is Load within the limits of opts.
func LoadWith(root, templatePath string, opts iac.Options) (*model.App, error) {
	return loadTop(root, templatePath, nil, opts)
}

// Parsed is a template read and parsed before its load (discovery reads a folder's
// templates to tell roots from the rest): Data as read, T as cfn.Parse made it of
// Data, named as the loader names the file.
type Parsed struct {
	Data []byte
	T    *cfn.Template
}

// LoadParsed is LoadWith with the top template already parsed (pre, or nil): when the
// file still holds pre.Data, pre.T is loaded instead of parsing the file again. The
// loader changes the template it loads, so pre.T is handed over: the caller must not
// use it, nor pass it again.
func LoadParsed(root, templatePath string, pre *Parsed, opts iac.Options) (*model.App, error) {
	return loadTop(root, templatePath, pre, opts)
}

func loadTop(root, templatePath string, pre *Parsed, opts iac.Options) (*model.App, error) {
	root, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(templatePath)
	if err != nil {
		return nil, err
	}
	type job struct {
		path  string
		chain []string // the templates including it, the top first
		stack string   // the nested stack's logical id; "" for the top template
		pos   model.Pos
	}
	var (
		app     *model.App
		budget  *cfn.Template // the top template: every nested one spends its budget
		loaded  = map[string]bool{}
		total   int64
		pending = []job{{path: abs}}
	)
	// A template not loaded is reported once, at the first stack naming it, and only
	// if no other stack's path loads it after all (one reached too deep first).
	type skipped struct {
		path string
		note model.Note
	}
	var skips []skipped
	reported, cycled := map[string]bool{}, map[string]bool{}
	stacks := stackSet{}
	note := func(j job, format string, args ...any) {
		if !reported[j.path] {
			reported[j.path] = true
			skips = append(skips, skipped{j.path, model.Note{Code: rulecode.LK105, Severity: model.Info, Pos: j.pos,
				Message: fmt.Sprintf(format, args...)}})
		}
	}
	for len(pending) > 0 {
		j := pending[len(pending)-1]
		pending = pending[:len(pending)-1]
		if j.stack != "" {
			rel := cfn.DisplayPath(root, j.path)
			size := int64(0)
			if st, err := os.Stat(j.path); err == nil {
				size = st.Size()
			}
			switch {
			case slices.Contains(j.chain, j.path):
				// Reported (once) even though the template is loaded: the cycle is the news.
				if cycled[j.path] {
					continue
				}
				cycled[j.path] = true
				app.Notes = append(app.Notes, model.Note{Code: rulecode.LK105, Severity: model.Info, Pos: j.pos,
					Message: fmt.Sprintf("nested stack %s includes %s, a template that includes this stack: a cycle CloudFormation cannot deploy; it is not loaded again", j.stack, rel)})
				continue
			case loaded[j.path]:
				continue // its functions and layers are in the app already
			case len(j.chain) > maxNesting:
				note(j, "nested stack %s (template %s) is nested %d levels deep; layerkit follows nested stacks %d levels, so its functions are not checked", j.stack, rel, len(j.chain), maxNesting)
				continue
			case len(loaded) >= maxNestedTemplates:
				note(j, "nested stack %s (template %s) is past the %d nested templates layerkit loads for one app, so its functions are not checked", j.stack, rel, maxNestedTemplates)
				continue
			case total+size > maxNestedBytes(opts.Limits):
				note(j, "nested stack %s (template %s) is past the %d MiB of nested templates layerkit reads for one app (8 times --max-template-size), so its functions are not checked", j.stack, rel, maxNestedBytes(opts.Limits)>>20)
				continue
			}
			total += size
		}
		loaded[j.path] = true
		var p *Parsed
		if j.stack == "" {
			p = pre // the top template
		}
		sub, children, err := loadOne(opts.Limits, root, j.path, budget, p)
		if err != nil {
			return nil, err
		}
		stacks.add(j.path, sub, children)
		if app == nil {
			app = sub.app
			budget = sub.tpl
		} else {
			app.Functions = append(app.Functions, sub.app.Functions...)
			app.Layers = append(app.Layers, sub.app.Layers...)
			app.Notes = append(app.Notes, sub.app.Notes...)
		}
		chain := append(slices.Clip(j.chain), j.path)
		for i := len(children) - 1; i >= 0; i-- { // in template order
			c := children[i]
			pending = append(pending, job{path: c.path, chain: chain, stack: c.stack, pos: c.pos})
		}
	}
	stacks.linkParameterLayers()
	if err := budget.Err(); err != nil {
		return nil, err
	}
	for _, s := range skips {
		if !loaded[s.path] {
			app.Notes = append(app.Notes, s.note)
		}
	}
	return app, nil
}

// Bounds on nested stacks (see Load).
const (
	maxNesting         = 8
	maxNestedTemplates = 100
)

// maxNestedBytes bounds the bytes of the nested templates of one app.
func maxNestedBytes(lim iac.Limits) int64 { return 8 * lim.TemplateCap() }

// loaded is one template's model.
type loaded struct {
	app    *model.App
	tpl    *cfn.Template
	layers map[string]*model.Layer // the template's layers by logical id
}

// child is a nested stack whose template is a local file.
type child struct {
	stack  string // logical id
	path   string // absolute
	pos    model.Pos
	params *cfn.Value // the stack's Parameters, as the including template writes them
}

// loadOne reads one template (without its nested stacks, which it returns). A nested
// template spends the evaluation budget of top (nil for the top template itself).
func loadOne(lim iac.Limits, root, abs string, top *cfn.Template, pre *Parsed) (loaded, []child, error) {
	rel := cfn.DisplayPath(root, abs)
	data, err := lim.ReadConfig(abs)
	if err != nil {
		return loaded{}, nil, iac.Errorf(model.Pos{File: rel}, "cannot read the template: %v", err)
	}
	var tpl *cfn.Template
	if pre != nil && pre.T != nil && pre.T.File == rel && bytes.Equal(pre.Data, data) {
		tpl = pre.T // what cfn.Parse(data, rel) gives
	} else if tpl, err = cfn.Parse(data, rel); err != nil {
		return loaded{}, nil, err
	}
	if top != nil {
		tpl.ShareBudget(top)
	}
	built := IsBuiltTemplate(abs)
	app := &model.App{Kind: "cloudformation", Source: rel, Built: built}
	if built || tpl.IsSAM() {
		app.Kind = "sam"
	}
	l := &loader{root: root, dir: filepath.Dir(abs), built: built, tpl: tpl, lim: lim, open: cfn.NewOpener(lim, root)}
	l.b = &cfn.Builder{
		T:       tpl,
		App:     app,
		Kind:    app.Kind,
		Globals: tpl.Section("Globals").Get("Function"),
		Code:    l.code,
		Content: l.content,
	}
	l.prefetch()
	l.b.BuildLayers()
	l.b.BuildFunctions()
	for _, d := range tpl.Duplicates {
		l.b.Note(rulecode.LK411, model.Warning, "", "", d.Pos,
			fmt.Sprintf("duplicate key %q: this mapping already has it at line %d; sam build, sam deploy and CloudFormation keep this value (the last) and drop the one at line %d without a word", d.Key, d.First, d.First),
			fmt.Sprintf("Merge the two %s keys into one, or delete the one you do not mean; layerkit checked the template with this value, as it deploys.", d.Key))
	}
	if err := tpl.Err(); err != nil {
		return loaded{}, nil, err
	}
	return loaded{app: app, tpl: tpl, layers: l.b.Layers}, l.nested(), nil
}

// nested returns the nested stacks whose templates are local files, and notes those
// that cannot be read or are outside the checked folder.
func (l *loader) nested() []child {
	var out []child
	for _, r := range l.tpl.Resources {
		var loc *cfn.Value
		prop := ""
		switch r.Type {
		case "AWS::Serverless::Application":
			loc, prop = r.Properties.Get("Location"), "Location"
		case "AWS::CloudFormation::Stack":
			loc, prop = r.Properties.Get("TemplateURL"), "TemplateURL"
		default:
			continue
		}
		p, ok := loc.String()
		if !ok || strings.Contains(p, "://") || strings.HasPrefix(p, "s3:") || p == "" {
			continue // a SAR application or a template in S3
		}
		pos := l.tpl.PosOf(loc)
		path := l.abs(p)
		if err := l.lim.CheckInside(l.root, path); err != nil {
			l.b.Outside(err, prop, p, "", "", pos)
			continue
		}
		if st, err := os.Stat(path); err != nil || st.IsDir() {
			l.b.Note(rulecode.LK105, model.Info, "", "", pos,
				fmt.Sprintf("nested stack %s: template %s cannot be read, so its functions are not checked", r.Name, p), "")
			continue
		}
		out = append(out, child{stack: r.Name, path: path, pos: pos, params: r.Properties.Get("Parameters")})
	}
	return out
}

// IsBuiltTemplate reports whether path is a template written by sam build
// (.aws-sam/build/template.yaml).
func IsBuiltTemplate(path string) bool {
	dir := filepath.Dir(path)
	return filepath.Base(dir) == "build" && filepath.Base(filepath.Dir(dir)) == ".aws-sam"
}

type loader struct {
	root  string // absolute
	dir   string // the template's folder, absolute
	built bool
	tpl   *cfn.Template
	b     *cfn.Builder
	lim   iac.Limits
	open  *cfn.Opener
}

// prefetch starts opening the local code of every layer and function (cfn.Opener), the
// paths content and code will open. A path it misses is opened when needed; one it
// opens in vain costs only time.
func (l *loader) prefetch() {
	var paths []string
	for _, r := range l.tpl.Resources {
		switch {
		case cfn.IsLayer(r.Type):
			if p := contentPath(l.b.ContentLocation(r)); p != "" {
				paths = append(paths, l.abs(p))
			}
		case cfn.IsFunction(r.Type):
			if loc, ok := l.b.CodeLocation(r); ok {
				if p := codePath(r, loc); p != "" {
					paths = append(paths, l.abs(p))
				}
			}
		}
	}
	l.open.Prefetch(paths)
}

// cdkCopyMessage says why a CDK asset whose folder is missing is not an error when
// the property names an object in S3: the template is a copy of cdk synth output kept
// outside cdk.out (its assets stay there), and deployed as it is it takes the object.
func cdkCopyMessage(prop string, loc cfn.Location, notChecked string) string {
	return fmt.Sprintf("%s is the S3 object %s; its CDK asset folder (Metadata aws:asset:path %s) is not beside the template, "+
		"a copy of cdk synth output whose assets stay in cdk.out. The object in S3 cannot be read, so %s", prop, loc.S3, loc.Asset, notChecked)
}

// cdkCopyHint is cdkCopyMessage's fix.
const cdkCopyHint = "Check the CDK app instead: run cdk synth, then layerkit check on the app's folder (it reads cdk.out, assets included)."

// codePath is the local path code reads a function's code from; "" when none.
func codePath(r *cfn.Resource, loc cfn.Location) string {
	switch {
	case loc.InlineSet:
		return ""
	case loc.Path == "" && loc.Asset != "":
		return loc.Asset
	case loc.S3 != "" || loc.Unknown != "":
		return ""
	case loc.Path == "" && r.Type == cfn.ServerlessFunction:
		return "."
	}
	return loc.Path
}

// contentPath is the local path content reads a layer's content from; "" when none.
func contentPath(loc cfn.Location) string {
	switch {
	case loc.Path == "" && loc.Asset != "":
		return loc.Asset
	case loc.S3 != "" || loc.Unknown != "":
		return ""
	}
	return loc.Path
}

// propName names a code property for messages.
func propName(loc cfn.Location, def string) string {
	if loc.Key != nil {
		return loc.Key.Name
	}
	return def
}

// abs resolves a path written in the template.
func (l *loader) abs(p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(l.dir, filepath.FromSlash(p))
}

// buildMethod returns Metadata.BuildMethod and its position.
func (l *loader) buildMethod(r *cfn.Resource) (string, model.Pos) {
	k := r.Metadata.Key("BuildMethod")
	if k == nil {
		return "", model.Pos{}
	}
	// sam build resolves intrinsics in the whole resource, Metadata included
	// (IntrinsicResolver.resolve_template, parameter defaults and overrides):
	// BuildMethod: !Ref PythonRuntime builds with the parameter's value.
	s := ""
	if res := l.tpl.Eval(k.Value); res.Kind == cfn.String {
		s = res.Str
	}
	return s, l.tpl.PosOf(k.Value)
}

func (l *loader) code(r *cfn.Resource, fn *model.Function, loc cfn.Location) {
	pos := l.b.PropPos(r, loc.Key)
	prop := propName(loc, "CodeUri")
	if r.Type == cfn.LambdaFunction {
		prop = propName(loc, "Code")
	}
	fromAsset := false // the path is the CDK asset's (Metadata aws:asset:path)
	switch {
	case loc.InlineSet:
		fn.Code = cfn.InlineCode(fn.Runtime, loc.Inline, fmt.Sprintf("%s#%s.%s", l.tpl.File, r.Name, prop))
		return
	case loc.Path == "" && loc.Asset != "":
		loc.Path = loc.Asset
		fromAsset = true
	case loc.S3 != "":
		l.b.Note(rulecode.LK105, model.Info, fn.Name, "", pos,
			fmt.Sprintf("%s %s: the package in S3 cannot be read; its imports are not checked", prop, loc.S3), "")
		return
	case loc.Unknown != "":
		l.b.Note(rulecode.LK105, model.Info, fn.Name, "", pos,
			fmt.Sprintf("%s %s cannot be evaluated; the function's imports are not checked", prop, loc.Unknown), "")
		return
	case loc.Path == "" && r.Type == cfn.ServerlessFunction:
		// SAM requires CodeUri or InlineCode; without either (here or in Globals) we
		// read the template's folder.
		loc.Path = "."
	case loc.Path == "":
		l.b.Note(rulecode.LK105, model.Info, fn.Name, "", pos,
			"the function has no Code; its imports are not checked", "")
		return
	}
	abs := l.abs(loc.Path)
	code, isDir, err := l.open.Open(abs)
	if _, outside := l.b.Outside(err, prop, loc.Path, fn.Name, "", pos); outside {
		return
	}
	if err != nil {
		what := "folder"
		if strings.HasSuffix(strings.ToLower(loc.Path), ".zip") {
			what = "file"
		}
		disp := cfn.DisplayPath(l.root, abs)
		if disp == "" {
			disp = "."
		}
		msg := fmt.Sprintf("%s %s %s %v", prop, what, disp, err)
		hint := ""
		if fromAsset && loc.S3 != "" && errors.Is(err, cfn.ErrNotFound) {
			l.b.Note(rulecode.LK105, model.Info, fn.Name, "", pos, cdkCopyMessage(prop, loc, "the function's imports are not checked"), cdkCopyHint)
			return
		}
		if errors.Is(err, cfn.ErrNotFound) {
			msg = fmt.Sprintf("%s %s %s does not exist: sam build or sam deploy fails on it, and the function's imports cannot be checked", prop, what, disp)
			hint = missingLocationHint(prop, loc.Path)
		}
		l.b.Note(rulecode.LK102, model.Error, fn.Name, "", pos, msg, hint)
		return
	}
	fn.Code = code
	if l.built || !isDir {
		return
	}
	if r.Metadata.Get("SkipBuild").Bool() {
		return
	}
	bm, bmPos := l.buildMethod(r)
	switch {
	case bm == "esbuild" && strings.HasPrefix(fn.Runtime, "nodejs") && l.esbuild(r, fn, code):
		// the bundle's stand-in (esbuild.go)
	case bm != "" && !strings.HasPrefix(bm, "python"):
		code.Opaque = true
		l.b.Note(rulecode.LK105, model.Info, fn.Name, "", bmPos,
			fmt.Sprintf("BuildMethod %s is not modelled: layerkit cannot tell what the build puts in the package of %s, so its imports are not checked", bm, fn.Name),
			"Nothing to fix in the template. To have the function checked, run sam build, then layerkit check .aws-sam/build.")
	case strings.HasPrefix(fn.Runtime, "python"):
		code.Tree = SourceCopy(code.Tree)
		if tree.IsFile(code.Tree, "requirements.txt") {
			code.Requirements = "requirements.txt"
			code.InstallDir = ""
		}
	case strings.HasPrefix(fn.Runtime, "nodejs"):
		// sam build (NodejsNpmBuilder) runs npm pack, then npm install, where a
		// package.json is: a node_modules folder of the sources is not packed (facts F16).
		if tree.IsFile(code.Tree, "package.json") {
			code.Tree = withoutNodeModules(code.Tree, "")
			code.NpmPackage = "package.json"
		}
	}
}

// layerSubfolder is samcli workflow_config.get_layer_subfolder: where sam build puts a
// layer's content for its BuildMethod. ok is false for makefile and unknown methods.
func layerSubfolder(bm string) (string, bool) {
	switch {
	case strings.HasPrefix(bm, "python3"):
		return "python", true
	case strings.HasPrefix(bm, "nodejs"):
		return "nodejs", true
	case strings.HasPrefix(bm, "ruby"):
		return "ruby/lib", true
	case strings.HasPrefix(bm, "java"):
		return "java", true
	case strings.HasPrefix(bm, "dotnet"):
		return "dotnet", true
	}
	return "", false
}

func (l *loader) content(r *cfn.Resource, ly *model.Layer, loc cfn.Location) {
	pos := l.b.PropPos(r, loc.Key)
	prop := propName(loc, "ContentUri")
	if r.Type == cfn.LambdaLayer {
		prop = propName(loc, "Content")
	}
	notInspectable := func(sev model.Severity, why, msg string) {
		ly.NotInspectable = why
		l.b.Note(rulecode.LK105, sev, "", ly.Name, pos, msg, "")
	}
	fromAsset := false // the path is the CDK asset's (Metadata aws:asset:path)
	switch {
	case loc.Path == "" && loc.Asset != "":
		loc.Path = loc.Asset
		fromAsset = true
	case loc.S3 != "":
		notInspectable(model.Info, "S3 object "+loc.S3,
			fmt.Sprintf("%s %s: the layer's content in S3 cannot be read; what it provides is not checked", prop, loc.S3))
		return
	case loc.Unknown != "":
		notInspectable(model.Info, prop+" "+loc.Unknown,
			fmt.Sprintf("%s %s cannot be evaluated; what the layer provides is not checked", prop, loc.Unknown))
		return
	case loc.Path == "":
		notInspectable(model.Error, "no "+prop, fmt.Sprintf("layer %s has no %s", ly.Name, prop))
		return
	}
	abs := l.abs(loc.Path)
	code, isDir, err := l.open.Open(abs)
	if msg, outside := l.b.Outside(err, prop, loc.Path, "", ly.Name, pos); outside {
		ly.NotInspectable = msg
		return
	}
	if err != nil {
		disp := cfn.DisplayPath(l.root, abs)
		if disp == "" {
			disp = "."
		}
		// A missing layer folder is reported as LK105 (layer not inspectable) with
		// severity error: sam build or deploy would fail on it.
		msg := fmt.Sprintf("%s %s %v", prop, disp, err)
		why := msg
		if fromAsset && loc.S3 != "" && errors.Is(err, cfn.ErrNotFound) {
			ly.NotInspectable = "S3 object " + loc.S3
			l.b.Note(rulecode.LK105, model.Info, "", ly.Name, pos, cdkCopyMessage(prop, loc, "what the layer provides is not checked"), cdkCopyHint)
			return
		}
		if errors.Is(err, cfn.ErrNotFound) {
			why = fmt.Sprintf("%s %s does not exist", prop, disp)
			msg = why + ": sam build or sam deploy fails on it, and what the layer provides cannot be checked"
			ly.NotInspectable = why
			l.b.Note(rulecode.LK105, model.Error, "", ly.Name, pos, msg, missingLocationHint(prop, loc.Path))
			return
		}
		notInspectable(model.Error, why, msg)
		return
	}
	ly.Content = code
	if l.built || !isDir || ly.BuildMethod == "" || r.Metadata.Get("SkipBuild").Bool() {
		// sam build skips layers without BuildMethod, zips and SkipBuild: their
		// content is deployed as it is.
		return
	}
	sub, ok := layerSubfolder(ly.BuildMethod)
	if ly.BuildMethod == "makefile" {
		if src, found := makefileLayerkitBuild(code.Tree, r.Name); found {
			// layerkit build puts SRC under python/ (keeps an existing python/).
			srcTree := SourceCopy(tree.Sub(code.Tree, path.Clean(src)))
			if tree.IsDir(srcTree, "python") {
				code.Tree = srcTree
			} else {
				code.Tree = tree.Mount(srcTree, "python")
			}
			return
		}
	}
	if ly.BuildMethod == "makefile" {
		l.makefileLayer(r, ly, code)
		return
	}
	if !ok {
		code.Opaque = true
		_, bmPos := l.buildMethod(r)
		l.b.Note(rulecode.LK105, model.Info, "", ly.Name, bmPos,
			fmt.Sprintf("BuildMethod %s is not a layer build method sam build knows; the layer is checked as its sources are", ly.BuildMethod), "")
		return
	}
	src := code.Tree
	if sub == "python" {
		src = SourceCopy(src)
		if tree.IsFile(src, "requirements.txt") {
			code.Requirements = "python/requirements.txt"
			code.InstallDir = "python"
		}
	}
	if sub == "nodejs" && tree.IsFile(src, "package.json") {
		// npm pack drops the sources' node_modules, npm install makes nodejs/node_modules.
		src = withoutNodeModules(src, "")
		code.NpmPackage = "nodejs/package.json"
	}
	code.Tree = tree.Mount(src, sub)
}

// withoutNodeModules is t without the node_modules folder in dir: what npm pack leaves
// of a package folder (sam build for Node.js, facts F16).
func withoutNodeModules(t tree.Tree, dir string) tree.Tree {
	nm := path.Join(dir, "node_modules")
	return filter.Tree(t, func(name string) bool { return name != nm && !strings.HasPrefix(name, nm+"/") })
}

// missingLocationHint is the fix for a local CodeUri/ContentUri that does not exist. The
// folder is often made by a script (make, build.sh) before sam build: then layerkit has
// to run after that script to see what will be deployed.
func missingLocationHint(prop, p string) string {
	return fmt.Sprintf("Point %s at the folder (or .zip) that holds the code, relative to the template. If a script creates %s before sam build (a Makefile or build script step), run layerkit after that script, so that it checks what will be deployed.", prop, p)
}

// makefileLayer models a BuildMethod makefile layer from its Makefile's build-<ID>
// target: when every command is one layerkit reads (mkdir, cp -r into $(ARTIFACTS_DIR),
// pip install -t $(ARTIFACTS_DIR)/...), the layer is what those commands put there;
// otherwise it stays opaque (its sources are not what lands in /opt), with what the
// target pip-installs taken as provided. The note says which, and what the target does.
func (l *loader) makefileLayer(r *cfn.Resource, ly *model.Layer, code *model.Code) {
	_, bmPos := l.buildMethod(r)
	mb := readMakeBuild(code.Tree, r.Name)
	for _, c := range mb.copies {
		if !c.matches(code.Tree) {
			// a source that is not there (an earlier step makes it): not modelled
			mb.other = append(mb.other, "cp "+path.Join(c.dir, c.pattern)+" …")
		}
	}
	var msg, hint string
	switch {
	case !mb.found:
		code.Opaque = true
		msg = fmt.Sprintf("BuildMethod makefile: layerkit found no build-%s target in a Makefile in %s, so it cannot tell what the build puts in the layer; an import only this layer could provide is a warning, not an error", r.Name, code.Display)
		hint = "If the target comes from an included or generated file, nothing needs fixing; to check what the build produces, run layerkit on .aws-sam/build after sam build."
	case len(mb.other) > 0 || len(mb.zips) > 0:
		code.Opaque = true
		code.Installs, code.InstallDir = inlineRequirements(code.Tree, mb.installs, 0), mb.installDir
		code.Provides = mb.provides
		what := mb.describe()
		if what == "" {
			what = "does nothing layerkit reads"
		}
		unmodelled := "layerkit does not list everything a public layer zip holds"
		if len(mb.other) > 0 {
			more := ""
			if n := len(mb.other) - 1; n > 0 {
				more = fmt.Sprintf(" (and %d more)", n)
			}
			unmodelled = fmt.Sprintf("layerkit does not model `%s`%s", mb.other[0], more)
		}
		msg = fmt.Sprintf("BuildMethod makefile: the build-%s target %s; %s, so it cannot tell everything the build puts in the layer: what the target installs is taken as provided, and another import only this layer could provide is a warning, not an error", r.Name, what, unmodelled)
		hint = "To check what the build produces, run layerkit on .aws-sam/build after sam build."
	default:
		var parts []tree.Tree
		for _, c := range mb.copies {
			parts = append(parts, c.tree(code.Tree)) // make runs in the source folder: cp copies everything
		}
		code.Installs, code.InstallDir = inlineRequirements(code.Tree, mb.installs, 0), mb.installDir
		code.Tree = tree.Union(parts...)
		what := mb.describe()
		if what == "" {
			what = "puts nothing in the layer"
		}
		msg = fmt.Sprintf("BuildMethod makefile: the build-%s target %s; layerkit checks the layer as that", r.Name, what)
		hint = "Nothing to fix. layerkit reads the target's mkdir, cp -r and pip install commands; to check what the build really produced, run layerkit on .aws-sam/build after sam build."
	}
	l.b.Note(rulecode.LK105, model.Info, "", ly.Name, bmPos, msg, hint)
}

// inlineRequirements replaces "-r file" lines (relative to the Makefile's folder in t)
// with the lines of that file, so they no longer depend on the source tree.
func inlineRequirements(t tree.Tree, specs []string, depth int) []string {
	var out []string
	for _, s := range specs {
		f, ok := strings.CutPrefix(s, "-r ")
		if !ok || depth > 5 {
			out = append(out, s)
			continue
		}
		data, err := t.ReadFile(path.Clean(f))
		if err != nil {
			out = append(out, s)
			continue
		}
		lines := strings.Split(pydist.DecodeRequirements(data), "\n")
		out = append(out, inlineRequirements(t, lines, depth+1)...)
	}
	return out
}
