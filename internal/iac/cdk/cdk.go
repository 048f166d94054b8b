// Package cdk loads an AWS CDK cloud assembly (cdk.out) into a model.App.
//
// It reads manifest.json, every aws:cloudformation:stack artifact's template (with
// positions, through iac/cfn) and every nested cdk:cloud-assembly (CDK Stages), and
// maps each Lambda function and layer to its staged asset through the resource
// metadata aws:asset:path / aws:asset:property: a folder cdk.out/asset.<hash>/ or a
// file asset.<hash>.zip. A cloud assembly is build output: everything is exact.
//
// Notes the loader emits (model.Note):
//
//	LK406 error  a Layers entry that is wrong on its face (Ref to nothing, malformed
//	             ARN, ARN without version), at the list item (shared with iac/sam)
//	LK105 info   a function or layer whose code has no asset metadata (assembly
//	             synthesized with --no-asset-metadata) or cannot be evaluated, at the
//	             Code/Content property (or the resource)
//	LK102 error  a function whose asset is missing from cdk.out, at the Code property
//	LK105 error  a layer whose asset is missing from cdk.out, at the Content property
//	LK410 error  an asset that resolves outside the checked folder (not read; see
//	             --allow-outside), at the Code/Content property
//	LK105 info   a nested cloud assembly past maxNesting levels (not read), at its
//	             parent's manifest.json
//
// Literal layer ARNs (LayerVersion.fromLayerVersionArn) become LayerRef.ARN without a
// note: the checker reports remote layers uniformly. Fn::ImportValue of an export that
// another stack of the assembly defines as a Ref to its layer resolves to that layer.
package cdk

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/iac/cfn"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/rulecode"
)

type manifest struct {
	Artifacts map[string]artifact `json:"artifacts"`
}

type artifact struct {
	Type       string `json:"type"`
	Properties struct {
		TemplateFile  string `json:"templateFile"`
		DirectoryName string `json:"directoryName"`
	} `json:"properties"`
}

// maxNesting bounds nested assemblies (Stages inside Stages).
const maxNesting = 16

// Load reads the cloud assembly in the folder cdkOut. root is the checked PATH's
// folder: every position and display name is relative to it.
func Load(root, cdkOut string) (*model.App, error) { return LoadWith(root, cdkOut, iac.Options{}) }

// LoadWith is Load within the limits of opts.
func LoadWith(root, cdkOut string, opts iac.Options) (*model.App, error) {
	root, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	out, err := filepath.Abs(cdkOut)
	if err != nil {
		return nil, err
	}
	l := &loader{root: root, out: out, app: &model.App{Kind: "cdk", Source: iac.Rel(root, out), Built: true},
		exports: map[string]*model.Layer{}, ssm: map[string]*model.Layer{}, how: map[*model.Layer]map[string]string{}, seen: map[string]bool{}, inside: root, lim: opts.Limits}
	if up := filepath.Dir(out); strings.HasPrefix(filepath.Base(out), "assembly-") && isFile(filepath.Join(up, "manifest.json")) && l.lim.CheckInside(root, up) != nil {
		// A nested assembly checked by itself (cdk.out/assembly-Prod): its assets
		// are staged in the cloud assembly around it (../asset.<hash>).
		l.inside = up
	}
	if err := l.assembly(out, 0); err != nil {
		return nil, err
	}
	l.prefixRepeatedIDs()
	// Layers of every stack first, so that cross-stack imports resolve.
	for _, b := range l.stacks {
		b.BuildLayers()
		l.collectExports(b)
	}
	for _, b := range l.stacks {
		b.BuildFunctions()
		if err := b.T.Err(); err != nil {
			return nil, err
		}
	}
	l.noteLinks()
	return l.app, nil
}

// noteLinks says, for each Layers entry read back from another stack of the assembly
// (an export, an SSM parameter), which layer it was linked to: an info finding, so that
// the link is never made in silence.
func (l *loader) noteLinks() {
	for _, fn := range l.app.Functions {
		for _, ref := range fn.Layers {
			if ref.Layer == nil {
				continue
			}
			key := ""
			switch {
			case strings.HasPrefix(ref.Text, "SSM parameter "):
				key = "ssm:" + strings.TrimPrefix(ref.Text, "SSM parameter ")
			case strings.HasPrefix(ref.Text, "export "):
				key = "export:" + strings.TrimPrefix(ref.Text, "export ")
			default:
				continue
			}
			how := l.how[ref.Layer][key]
			if how == "" {
				continue
			}
			l.app.Notes = append(l.app.Notes, model.Note{Code: rulecode.LK105, Severity: model.Info, Function: fn.Name, Layer: ref.Layer.Name, Pos: ref.Pos,
				Message: fmt.Sprintf("Layers entry %s: %s; layerkit links them and checks %s against that layer's content in this cloud assembly",
					ref.Text, how, fn.Name),
				Hint: "If the deployed stack is not the one in this cloud assembly, check what is deployed with layerkit doctor."})
		}
	}
}

type loader struct {
	root, out string
	inside    string // where code locations must resolve into: root, or the enclosing cloud assembly
	lim       iac.Limits
	bytes     int64 // of the templates read
	app       *model.App
	stacks    []*cfn.Builder
	exports   map[string]*model.Layer
	ssm       map[string]*model.Layer // SSM parameter name → the layer whose ARN a stack writes there
	// how says, per layer and "export:NAME" / "ssm:NAME", where the link comes from.
	how  map[*model.Layer]map[string]string
	seen map[string]bool
	// trees caches each assembly folder's tree.json: construct path → fqn (bundling.go).
	trees map[string]map[string]string
}

// assembly reads the manifest of the assembly in dir and its stacks, recursing into
// nested assemblies.
func (l *loader) assembly(dir string, depth int) error {
	if depth > maxNesting || l.seen[dir] {
		return nil
	}
	l.seen[dir] = true
	mpath := filepath.Join(dir, "manifest.json")
	disp := cfn.DisplayPath(l.root, mpath)
	data, err := l.lim.ReadConfig(mpath)
	if err != nil {
		return iac.Errorf(model.Pos{File: disp}, "cannot read the cloud assembly manifest: %v", err)
	}
	var m manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return jsonError(disp, data, err)
	}
	names := make([]string, 0, len(m.Artifacts))
	for name := range m.Artifacts {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		a := m.Artifacts[name]
		switch a.Type {
		case "aws:cloudformation:stack":
			if a.Properties.TemplateFile == "" {
				continue
			}
			tf, err := l.artifactPath(dir, disp, name, "templateFile", a.Properties.TemplateFile)
			if err != nil {
				return err
			}
			if err := l.stack(tf); err != nil {
				return err
			}
		case "cdk:cloud-assembly":
			if a.Properties.DirectoryName == "" {
				continue
			}
			sub, err := l.artifactPath(dir, disp, name, "directoryName", a.Properties.DirectoryName)
			if err != nil {
				return err
			}
			if depth+1 > maxNesting && !l.seen[sub] {
				l.app.Notes = append(l.app.Notes, model.Note{Code: rulecode.LK105, Severity: model.Info, Pos: model.Pos{File: disp},
					Message: fmt.Sprintf("nested cloud assembly %s (%s) is nested %d levels deep; layerkit follows nested assemblies %d levels, so its stacks' functions are not checked", name, a.Properties.DirectoryName, depth+1, maxNesting)})
				continue
			}
			if err := l.assembly(sub, depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}

// artifactPath is the file or folder the manifest (disp, in dir) names for artifact name
// in property prop, when it resolves inside the checked folder.
func (l *loader) artifactPath(dir, disp, name, prop, written string) (string, error) {
	p := filepath.Join(dir, filepath.FromSlash(written))
	if err := l.lim.CheckInside(l.root, p); err != nil {
		return "", iac.Errorf(model.Pos{File: disp}, "artifact %s: %s %s: %v", name, prop, written, err)
	}
	return p, nil
}

// jsonError turns an encoding/json error into an InputError with a line and column.
func jsonError(file string, data []byte, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	off := int64(-1)
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	}
	pos := model.Pos{File: file}
	if off >= 0 {
		line, col := 1, 1
		for i := int64(0); i < off && i < int64(len(data)); i++ {
			if data[i] == '\n' {
				line, col = line+1, 1
			} else {
				col++
			}
		}
		pos.Line, pos.Col = line, col
	}
	return iac.Errorf(pos, "not a cloud assembly manifest: %v", err)
}

// maxAssemblyBytes bounds the templates of one cloud assembly, read and kept together
// (a manifest can name thousands of stacks): 32 times --max-template-size.
func (l *loader) maxAssemblyBytes() int64 { return 32 * l.lim.TemplateCap() }

func (l *loader) stack(path string) error {
	if l.seen[path] {
		return nil // a template two artifacts name: its functions are there once
	}
	l.seen[path] = true
	disp := cfn.DisplayPath(l.root, path)
	data, err := l.lim.ReadConfig(path)
	if err != nil {
		return iac.Errorf(model.Pos{File: disp}, "cannot read the stack template: %v", err)
	}
	if l.bytes += int64(len(data)); l.bytes > l.maxAssemblyBytes() {
		return iac.Errorf(model.Pos{File: disp}, "the cloud assembly's templates are larger than %d MiB in all (32 times --max-template-size); layerkit stops here", l.maxAssemblyBytes()>>20)
	}
	tpl, err := cfn.Parse(data, disp)
	if err != nil {
		return err
	}
	if len(l.stacks) > 0 {
		tpl.ShareBudget(l.stacks[0].T) // one budget for the whole assembly
	}
	s := &stack{l: l, tpl: tpl, dir: filepath.Dir(path)}
	s.b = &cfn.Builder{T: tpl, App: l.app, Kind: "cdk", Code: s.code, Content: s.content,
		ImportedLayer: func(name string) *model.Layer { return l.exports[name] },
		SSMLayer:      func(name string) *model.Layer { return l.ssm[name] }}
	l.stacks = append(l.stacks, s.b)
	return nil
}

// prefixRepeatedIDs names functions and layers by stack ("assembly-Prod/ApiStack/Fn")
// in an assembly where the same logical id appears in more than one stack (the same
// stack in two stages), so that findings and --function can tell them apart.
func (l *loader) prefixRepeatedIDs() {
	count := map[string]int{}
	for _, b := range l.stacks {
		for _, r := range b.T.Resources {
			switch r.Type {
			case "AWS::Lambda::Function", "AWS::Lambda::LayerVersion", "AWS::Serverless::Function", "AWS::Serverless::LayerVersion":
				count[r.Name]++
			}
		}
	}
	qualify := map[string]bool{}
	for id, n := range count {
		if n > 1 {
			qualify[id] = true
		}
	}
	for _, b := range l.stacks {
		b.Qualify = qualify
		b.Prefix = strings.TrimSuffix(b.T.File, ".template.json") + "/"
		b.Prefix = strings.TrimPrefix(b.Prefix, strings.TrimSuffix(l.app.Source, "/")+"/")
	}
}

// collectExports records the stack's outputs that export one of its layers' ARN (what
// CDK writes for a layer used from another stack), and the SSM parameters it writes a
// layer's ARN to (ssm.StringParameter with stringValue: layer.layerVersionArn).
func (l *loader) collectExports(b *cfn.Builder) {
	stackName := strings.TrimSuffix(filepath.Base(b.T.File), ".template.json")
	layerOf := func(v *cfn.Value) *model.Layer {
		r := b.T.Eval(v)
		if r.Kind == cfn.ResourceRef || r.Kind == cfn.Attr && r.Attr == "LayerVersionArn" {
			return b.Layers[r.Resource]
		}
		return nil
	}
	record := func(ly *model.Layer, key, how string) {
		if l.how[ly] == nil {
			l.how[ly] = map[string]string{}
		}
		l.how[ly][key] = how
	}
	if outs := b.T.Section("Outputs"); outs != nil && outs.Kind == cfn.Map {
		for _, k := range outs.Keys {
			name := b.T.Eval(k.Value.Path("Export", "Name"))
			if name.Kind != cfn.String {
				continue
			}
			if ly := layerOf(k.Value.Get("Value")); ly != nil {
				l.exports[name.Str] = ly
				record(ly, "export:"+name.Str, fmt.Sprintf("stack %s exports the ARN of its layer %s under that name (output %s, %s:%d)",
					stackName, ly.Name, k.Name, b.T.File, k.Line))
			}
		}
	}
	for _, r := range b.T.Resources {
		if r.Type != "AWS::SSM::Parameter" {
			continue
		}
		name := b.T.Eval(r.Properties.Get("Name"))
		if name.Kind != cfn.String {
			continue
		}
		if ly := layerOf(r.Properties.Get("Value")); ly != nil {
			l.ssm[name.Str] = ly
			record(ly, "ssm:"+name.Str, fmt.Sprintf("stack %s writes the ARN of its layer %s to that parameter (%s, %s:%d)",
				stackName, ly.Name, r.Name, b.T.File, r.Line))
		}
	}
}

type stack struct {
	l   *loader
	tpl *cfn.Template
	dir string // the template's folder
	b   *cfn.Builder
}

// asset resolves an asset path: relative to the template's assembly folder (nested
// assemblies name ../asset.<hash>), else to the top cdk.out folder.
func (s *stack) asset(p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	a := filepath.Join(s.dir, filepath.FromSlash(p))
	if _, err := os.Stat(a); err == nil {
		return a
	}
	if b := filepath.Join(s.l.out, filepath.FromSlash(p)); b != a {
		if _, err := os.Stat(b); err == nil {
			return b
		}
	}
	return a
}

func (s *stack) code(r *cfn.Resource, fn *model.Function, loc cfn.Location) {
	pos := s.b.PropPos(r, loc.Key)
	switch {
	case loc.InlineSet:
		fn.Code = cfn.InlineCode(fn.Runtime, loc.Inline, fmt.Sprintf("%s#%s.Code.ZipFile", s.tpl.File, r.Name))
		return
	case loc.Asset != "":
	case loc.Path != "":
		loc.Asset = loc.Path
	case loc.S3 != "":
		if a := s.stagedAsset(loc.S3); a != "" {
			loc.Asset = a
			break
		}
		s.b.Note(rulecode.LK105, model.Info, fn.Name, "", pos,
			fmt.Sprintf("cdk.out has no asset metadata for %s and no staged asset for %s; synthesize with asset metadata enabled (the default) to have its code checked", fn.Name, loc.S3),
			"Run cdk synth without --no-asset-metadata.")
		return
	case loc.Unknown != "":
		s.b.Note(rulecode.LK105, model.Info, fn.Name, "", pos,
			fmt.Sprintf("the Code of %s (%s) cannot be evaluated; its imports are not checked", fn.Name, loc.Unknown), "")
		return
	default:
		s.b.Note(rulecode.LK105, model.Info, fn.Name, "", pos,
			fmt.Sprintf("%s has no Code; its imports are not checked", fn.Name), "")
		return
	}
	abs := s.asset(loc.Asset)
	code, _, err := cfn.OpenInside(s.l.lim, s.l.root, s.l.inside, abs)
	if _, outside := s.b.Outside(err, assetProp(loc), loc.Asset, fn.Name, "", pos); outside {
		return
	}
	if err != nil {
		s.b.Note(rulecode.LK102, model.Error, fn.Name, "", pos, assetProblem(s.l.root, abs, fn.Name, err), "")
		return
	}
	if fqn := s.pythonConstruct(r); fqn == fqnPythonFunction {
		s.modelPythonBundling(fqn, code, fn.Name, "", pos)
	}
	if s.nodejsBundle(r) {
		code.Bundle = &model.Bundle{Tool: "NodejsFunction", External: "bundling.externalModules"}
	}
	fn.Code = code
}

func (s *stack) content(r *cfn.Resource, ly *model.Layer, loc cfn.Location) {
	pos := s.b.PropPos(r, loc.Key)
	switch {
	case loc.Asset != "":
	case loc.Path != "":
		loc.Asset = loc.Path
	case loc.S3 != "":
		if a := s.stagedAsset(loc.S3); a != "" {
			loc.Asset = a
			break
		}
		ly.NotInspectable = "no asset metadata; S3 object " + loc.S3
		s.b.Note(rulecode.LK105, model.Info, "", ly.Name, pos,
			fmt.Sprintf("cdk.out has no asset metadata for %s; synthesize with asset metadata enabled (the default) to have its content checked", ly.Name), "")
		return
	default:
		what := loc.Unknown
		if what == "" {
			what = "no Content"
		}
		ly.NotInspectable = what
		s.b.Note(rulecode.LK105, model.Info, "", ly.Name, pos,
			fmt.Sprintf("the Content of layer %s (%s) cannot be read; what it provides is not checked", ly.Name, what), "")
		return
	}
	abs := s.asset(loc.Asset)
	code, _, err := cfn.OpenInside(s.l.lim, s.l.root, s.l.inside, abs)
	if msg, outside := s.b.Outside(err, assetProp(loc), loc.Asset, "", ly.Name, pos); outside {
		ly.NotInspectable = msg
		return
	}
	if err != nil {
		msg := assetProblem(s.l.root, abs, ly.Name, err)
		ly.NotInspectable = msg
		s.b.Note(rulecode.LK105, model.Error, "", ly.Name, pos, msg, "")
		return
	}
	if fqn := s.pythonConstruct(r); fqn == fqnPythonLayer {
		s.modelPythonBundling(fqn, code, "", ly.Name, pos)
	}
	ly.Content = code
}

// stagedAsset finds the staged copy of an asset that the template names only by its S3
// object (synthesized with --no-asset-metadata): CDK uploads asset.<hash> (a folder, zipped)
// or asset.<hash>.zip as <hash>.zip. "" when there is none.
func (s *stack) stagedAsset(s3 string) string {
	key := s3[strings.LastIndexByte(s3, '/')+1:]
	hash := strings.TrimSuffix(key, ".zip")
	if hash == "" || strings.ContainsAny(hash, "${}") {
		return ""
	}
	for _, dir := range []string{s.dir, s.l.out} {
		for _, name := range []string{"asset." + hash, "asset." + hash + ".zip"} {
			if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
				return filepath.Join(dir, name)
			}
		}
	}
	return ""
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

// assetProp names where an asset path comes from, for messages.
func assetProp(loc cfn.Location) string {
	if loc.Key != nil && loc.Path == loc.Asset {
		return loc.Key.Name
	}
	return "asset path (Metadata aws:asset:path)"
}

func assetProblem(root, abs, name string, err error) string {
	disp := cfn.DisplayPath(root, abs)
	if errors.Is(err, cfn.ErrNotFound) {
		return fmt.Sprintf("the asset of %s, %s, is not in the cloud assembly", name, disp)
	}
	return fmt.Sprintf("the asset of %s, %s, %v", name, disp, err)
}
