package cfn

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/rulecode"
)

// Resource types the loaders read.
const (
	ServerlessFunction = "AWS::Serverless::Function"
	ServerlessLayer    = "AWS::Serverless::LayerVersion"
	LambdaFunction     = "AWS::Lambda::Function"
	LambdaLayer        = "AWS::Lambda::LayerVersion"
)

// IsFunction reports whether typ is a Lambda function resource type.
func IsFunction(typ string) bool { return typ == ServerlessFunction || typ == LambdaFunction }

// IsLayer reports whether typ is a Lambda layer version resource type.
func IsLayer(typ string) bool { return typ == ServerlessLayer || typ == LambdaLayer }

// Location is where a function's or a layer's code comes from, as the template says.
// Exactly one of Path, S3, Inline (InlineSet), Unknown is set, or none when the
// property is absent.
type Location struct {
	// Key is the property (CodeUri, ContentUri, Code, Content, InlineCode); nil when
	// absent (then the resource's position is the place to point at).
	Key *Key
	// Path is a local path as written: relative to the template's folder, or absolute.
	Path string
	// S3 describes an object in S3: "s3://bucket/key" (unknown parts as ${...}).
	S3 string
	// Inline is the source of inline code (InlineCode, Code.ZipFile).
	Inline    string
	InlineSet bool
	// Unknown describes an expression that cannot be evaluated.
	Unknown string
	// Asset is the resource's aws:asset:path metadata (CDK, or a CDK template built by
	// SAM); "" when none.
	Asset string
}

// Builder turns the Lambda resources of one template into model values: every
// AWS::Serverless::Function / AWS::Lambda::Function and AWS::Serverless::LayerVersion /
// AWS::Lambda::LayerVersion, with SAM Globals applied. The front-end says how code
// locations become trees through Code and Content. Call BuildLayers before
// BuildFunctions (a cloud assembly builds the layers of every stack first, so that
// cross-stack references resolve).
//
// Positions: Function.Pos and Layer.Pos are the logical id's line; RuntimePos and
// HandlerPos the scalar value; ArchPos, LayersPos, CompatibleRuntimesPos and
// CompatibleArchsPos the property's key (the value is a list on the next lines); each
// LayerRef.Pos the list item; EnvVar.Pos the variable's key. A value inherited from SAM
// Globals points at its Globals line; an absent property at the resource.
//
// Values: an environment variable that cannot be evaluated has Known false and Value
// describing the expression ("!GetAtt Table.Arn", "AWS::Region"). Resource Conditions
// are not applied: a resource whose Condition is false is still loaded. An Fn::If in
// Layers whose condition cannot be decided contributes both branches, each with Text
// ending "(if condition NAME)".
type Builder struct {
	T   *Template
	App *model.App
	// Kind is set on every Function.
	Kind string
	// Globals is SAM's Globals.Function section (nil when none). It applies only to
	// AWS::Serverless::Function.
	Globals *Value
	// Code fills fn.Code (or adds a note) for a function with PackageType Zip.
	Code func(r *Resource, fn *model.Function, loc Location)
	// Content fills l.Content or l.NotInspectable (and adds notes).
	Content func(r *Resource, l *model.Layer, loc Location)
	// ImportedLayer resolves the export name of an Fn::ImportValue to a layer defined
	// elsewhere in the app; nil when there is nothing to resolve against.
	ImportedLayer func(export string) *model.Layer
	// SSMLayer resolves the name of an SSM parameter a layer ARN is read from (a
	// parameter of type AWS::SSM::Parameter::Value<String>, a {{resolve:ssm:...}}
	// reference) to a layer the app writes there; nil when there is nothing to resolve
	// against.
	SSMLayer func(name string) *model.Layer

	// Prefix is put before the names of the functions and layers whose logical ids are
	// in Qualify ("assembly-Prod/ApiStack/"), for apps where logical ids repeat across
	// stacks.
	Prefix  string
	Qualify map[string]bool

	// Layers holds the layers BuildLayers made, by logical id.
	Layers map[string]*model.Layer
}

// Note adds a note to the app.
func (b *Builder) Note(code rulecode.Code, sev model.Severity, fn, layer string, pos model.Pos, msg, hint string) {
	b.App.Notes = append(b.App.Notes, model.Note{Code: code, Severity: sev, Function: fn, Layer: layer, Pos: pos, Message: msg, Hint: hint})
}

// PropPos returns the position of the property k, or of the resource when k is nil.
func (b *Builder) PropPos(r *Resource, k *Key) model.Pos {
	if k == nil {
		return b.T.ResourcePos(r)
	}
	return b.T.KeyPos(k)
}

// BuildLayers adds the template's layers to the App, in template order.
func (b *Builder) BuildLayers() {
	if b.Layers == nil {
		b.Layers = map[string]*model.Layer{}
	}
	for _, r := range b.T.Resources {
		if !IsLayer(r.Type) {
			continue
		}
		l := &model.Layer{Name: b.name(r.Name), Pos: b.T.ResourcePos(r)}
		if k := r.Properties.Key("CompatibleRuntimes"); k != nil {
			l.CompatibleRuntimes = b.stringList(k.Value)
			l.CompatibleRuntimesPos = b.T.KeyPos(k)
		}
		if k := r.Properties.Key("CompatibleArchitectures"); k != nil {
			l.CompatibleArchitectures = b.stringList(k.Value)
			l.CompatibleArchsPos = b.T.KeyPos(k)
		}
		// sam build resolves intrinsics in Metadata too: BuildMethod: !Ref PythonRuntime
		if bm := r.Metadata.Get("BuildMethod"); bm != nil {
			if res := b.T.Eval(bm); res.Kind == String {
				l.BuildMethod = res.Str
			}
		}
		if b.Content != nil {
			b.Content(r, l, b.ContentLocation(r))
		}
		b.App.Layers = append(b.App.Layers, l)
		b.Layers[r.Name] = l
		b.ignore(r, "", l.Name)
	}
}

// ContentLocation is where the layer r's content comes from: what BuildLayers passes to
// Content.
func (b *Builder) ContentLocation(r *Resource) Location {
	prop := "Content"
	if r.Type == ServerlessLayer {
		prop = "ContentUri"
	}
	return b.location(r, r.Properties.Key(prop), "Content")
}

// stringList evaluates a list of strings; nil when any part is unknown (a list we
// cannot read is treated as not declared).
func (b *Builder) stringList(v *Value) []string {
	r := b.T.Eval(v)
	if r.Kind != ListResult {
		return nil
	}
	out := make([]string, 0, len(r.Items))
	for _, it := range r.Items {
		if it.Kind != String {
			return nil
		}
		out = append(out, it.Str)
	}
	return out
}

// prop returns the property name of r, falling back to SAM Globals for a serverless
// function. The returned key carries its own position (a Globals line when inherited).
func (b *Builder) prop(r *Resource, name string) *Key {
	if k := r.Properties.Key(name); k != nil && b.T.Eval(k.Value).Kind != NoValue {
		return k
	}
	if r.Type == ServerlessFunction {
		if k := b.Globals.Key(name); k != nil {
			return k
		}
	}
	return nil
}

// str evaluates a property to a string; "" when absent or unknown.
func (b *Builder) str(k *Key) string {
	if k == nil {
		return ""
	}
	r := b.T.Eval(k.Value)
	if r.Kind == String {
		return r.Str
	}
	return ""
}

// BuildFunctions adds the template's functions to the App, in template order.
func (b *Builder) BuildFunctions() {
	for _, r := range b.T.Resources {
		if IsFunction(r.Type) {
			fn := b.function(r)
			b.App.Functions = append(b.App.Functions, fn)
			b.ignore(r, fn.Name, "")
		}
	}
}

func (b *Builder) function(r *Resource) *model.Function {
	rpos := b.T.ResourcePos(r)
	fn := &model.Function{Name: b.name(r.Name), Kind: b.Kind, Pos: rpos, PackageType: "Zip",
		RuntimePos: rpos, HandlerPos: rpos, ArchPos: rpos, LayersPos: rpos, Arch: "x86_64"}

	if k := b.prop(r, "Runtime"); k != nil {
		fn.Runtime = b.str(k)
		fn.RuntimePos = b.T.PosOf(k.Value)
		if v := b.T.Eval(k.Value); v.Kind == Unknown {
			// Say what the runtime depends on, not that it is "" (LK109).
			fn.Unchecked = fmt.Sprintf("its Runtime depends on %s, which cannot be evaluated before deployment, so which Python to check against is unknown", v.Text())
			fn.UncheckedPos = fn.RuntimePos
		}
	}
	if k := b.prop(r, "Handler"); k != nil {
		fn.Handler = b.str(k)
		fn.HandlerPos = b.T.PosOf(k.Value)
	}
	if k := b.prop(r, "Architectures"); k != nil {
		if archs := b.stringList(k.Value); len(archs) > 0 {
			fn.Arch = archs[0]
		}
		fn.ArchPos = b.T.KeyPos(k)
	}
	if b.isImage(r) {
		fn.PackageType = "Image"
	}
	b.environment(r, fn)
	b.layers(r, fn)

	if fn.PackageType == "Zip" && b.Code != nil {
		b.Code(r, fn, b.functionLocation(r))
	}
	return fn
}

func (b *Builder) isImage(r *Resource) bool {
	return b.str(b.prop(r, "PackageType")) == "Image" || r.Type == LambdaFunction && r.Properties.Path("Code", "ImageUri") != nil
}

// CodeLocation is where the function r's code comes from: what BuildFunctions passes to
// Code. ok is false for a container image function (Code is not called).
func (b *Builder) CodeLocation(r *Resource) (loc Location, ok bool) {
	if b.isImage(r) {
		return Location{}, false
	}
	return b.functionLocation(r), true
}

func (b *Builder) functionLocation(r *Resource) Location {
	if r.Type == LambdaFunction {
		return b.location(r, r.Properties.Key("Code"), "Code")
	}
	if k := r.Properties.Key("InlineCode"); k != nil {
		loc := Location{Key: k}
		if res := b.T.Eval(k.Value); res.Kind == String {
			loc.Inline, loc.InlineSet = res.Str, true
		} else {
			loc.Unknown = res.Text()
		}
		return loc
	}
	return b.location(r, b.prop(r, "CodeUri"), "Code")
}

// location reads a code property: CodeUri/ContentUri (a path, s3:// URI or
// {Bucket, Key}), or Code/Content ({S3Bucket, S3Key}, {ZipFile}, or a local path as
// sam build accepts).
func (b *Builder) location(r *Resource, k *Key, assetProp string) Location {
	loc := Location{Key: k}
	if p, ok := r.Metadata.Get("aws:asset:path").String(); ok && p != "" {
		if prop, ok := r.Metadata.Get("aws:asset:property").String(); !ok || prop == assetProp {
			loc.Asset = p
		}
	}
	if k == nil {
		return loc
	}
	res := b.T.Eval(k.Value)
	switch res.Kind {
	case String:
		if strings.HasPrefix(res.Str, "s3://") {
			loc.S3 = res.Str
		} else {
			loc.Path = res.Str
		}
		return loc
	case Structure:
	default:
		if res.Partial && strings.HasPrefix(res.Str, "s3://") {
			loc.S3 = res.Str
		} else {
			loc.Unknown = res.Text()
		}
		return loc
	}
	m := res.Value
	if z := m.Get("ZipFile"); z != nil {
		zr := b.T.Eval(z)
		if zr.Kind == String {
			loc.Inline, loc.InlineSet = zr.Str, true
		} else {
			loc.Unknown = "ZipFile " + zr.Text()
		}
		return loc
	}
	bucket, key := m.Get("S3Bucket"), m.Get("S3Key")
	if bucket == nil && key == nil {
		bucket, key = m.Get("Bucket"), m.Get("Key")
	}
	if bucket != nil || key != nil {
		loc.S3 = "s3://" + b.part(bucket) + "/" + b.part(key)
		return loc
	}
	if m.Get("ImageUri") != nil {
		loc.Unknown = "a container image"
		return loc
	}
	loc.Unknown = Describe(m)
	return loc
}

// part evaluates v for a description; unknown parts as ${...}.
func (b *Builder) part(v *Value) string {
	if v == nil {
		return "?"
	}
	r := b.T.Eval(v)
	switch {
	case r.Kind == String, r.Partial:
		return r.Str
	case r.Kind == ResourceRef:
		return "${" + r.Resource + "}"
	}
	return "${" + r.Text() + "}"
}

func (b *Builder) environment(r *Resource, fn *model.Function) {
	var maps []*Value
	// vars is where the Variables map is in one of Globals and the resource; the names
	// cannot be known one by one when it is not a map (EnvOpen)
	vars := func(props *Value) {
		env := props.Get("Environment")
		if env == nil {
			return
		}
		if env.Kind != Map {
			fn.EnvOpen = true
			return
		}
		if v := env.Get("Variables"); v != nil {
			if v.Kind != Map {
				fn.EnvOpen = true
				return
			}
			maps = append(maps, v)
		}
	}
	if r.Type == ServerlessFunction && b.Globals != nil {
		vars(b.Globals)
	}
	if r.Properties != nil {
		vars(r.Properties)
	}
	for _, m := range maps {
		for _, k := range m.Keys {
			res := b.T.Eval(k.Value)
			if res.Kind == NoValue {
				fn.EnvOpen = true // (a condition may keep it)
				continue
			}
			if fn.Env == nil {
				fn.Env = map[string]model.EnvVar{}
			}
			ev := model.EnvVar{Pos: b.T.KeyPos(k)}
			if res.Kind == String {
				ev.Value, ev.Known = res.Str, true
			} else {
				ev.Value = res.Text()
			}
			fn.Env[k.Name] = ev // local (later) wins
		}
	}
}

func (b *Builder) layers(r *Resource, fn *model.Function) {
	var keys []*Key
	if r.Type == ServerlessFunction {
		if k := b.Globals.Key("Layers"); k != nil {
			keys = append(keys, k)
		}
	}
	if k := r.Properties.Key("Layers"); k != nil {
		keys = append(keys, k)
	}
	for _, k := range keys {
		fn.LayersPos = b.T.KeyPos(k)
		if k.Value.Kind == List {
			for _, it := range k.Value.Items {
				fn.Layers = append(fn.Layers, b.layerRefs(fn, it, b.T.Eval(it), "")...)
			}
			continue
		}
		fn.Layers = append(fn.Layers, b.layerRefs(fn, k.Value, b.T.Eval(k.Value), "")...)
	}
}

// Layer version ARN patterns (Lambda API reference, API_Layer / API_LayersListItem).
var (
	layerVersionARN = regexp.MustCompile(`^arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+$`)
	layerARN        = regexp.MustCompile(`^arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\d{12}:layer:[a-zA-Z0-9-_]+$`)
	// AWS-managed layers in the newer format that cfn-lint W3702 knows of.
	awsLayerARN = regexp.MustCompile(`^arn:[a-zA-Z0-9-]+:lambda:::awslayer:[a-zA-Z0-9-_:.]+$`)
)

// CheckLayerARN reports whether s is a usable layer version ARN, and if not, why.
func CheckLayerARN(s string) (ok bool, problem string) {
	switch {
	case awsLayerARN.MatchString(s):
		return true, ""
	case layerVersionARN.MatchString(s):
		if len(s) > 140 {
			return false, "layer version ARN longer than 140 characters"
		}
		return true, ""
	case layerARN.MatchString(s):
		return false, "layer ARN without a version"
	}
	return false, "not a layer version ARN (arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION)"
}

// pseudoSamples stand in for pseudo parameters when checking the shape of a partly
// known ARN.
var pseudoSamples = strings.NewReplacer(
	"${AWS::Region}", "us-east-1",
	"${AWS::AccountId}", "123456789012",
	"${AWS::Partition}", "aws",
	"${AWS::URLSuffix}", "amazonaws.com",
)

// layerRefs converts one evaluated Layers entry (it may expand to several).
func (b *Builder) layerRefs(fn *model.Function, item *Value, res Result, cond string) []model.LayerRef {
	return b.refs(fn, item, b.T.PosOf(item), Describe(item), res, cond)
}

// refs is layerRefs with the item's position and description made once: an Fn::If
// whose condition cannot be decided gives a tree of Results, walked here.
func (b *Builder) refs(fn *model.Function, item *Value, pos model.Pos, desc string, res Result, cond string) []model.LayerRef {
	if !b.T.spend(item, refCost, 0) {
		return nil
	}
	bad := func(problem, msg string) []model.LayerRef {
		b.Note(rulecode.LK406, model.Error, fn.Name, "", pos, msg, "")
		return []model.LayerRef{{Pos: pos, Bad: true, Problem: problem, Text: desc}}
	}
	text := func(s string) string {
		if cond != "" {
			return s + " (if condition " + cond + ")"
		}
		return s
	}
	switch res.Kind {
	case NoValue:
		return nil
	case Either, ListResult:
		var out []model.LayerRef
		walkLeaves(res, cond, func(leaf Result, cond string) {
			out = append(out, b.refs(fn, item, pos, desc, leaf, cond)...)
		})
		return out
	case ResourceRef, Attr:
		if l := b.Layers[res.Resource]; l != nil && (res.Kind == ResourceRef || res.Attr == "LayerVersionArn") {
			return []model.LayerRef{{Pos: pos, Layer: l, Text: text(desc)}}
		}
		other := b.T.Resource(res.Resource)
		if res.Kind == Attr {
			return []model.LayerRef{{Pos: pos, Unknown: true, Text: text(res.Text())}}
		}
		return bad(fmt.Sprintf("%s refers to %s, a %s, not a layer version", desc, res.Resource, other.Type),
			fmt.Sprintf("Layers entry %s refers to %s, a %s, not a layer version", desc, res.Resource, other.Type))
	case Dangling:
		return bad(fmt.Sprintf("%s refers to nothing in %s", desc, b.T.File),
			fmt.Sprintf("Layers entry %s refers to nothing in %s", desc, b.T.File))
	case String:
		if name, ok := ssmName(b.T, res); ok {
			// The ARN is read from SSM at deploy time: linked when the app writes it.
			what := "SSM parameter " + name
			if b.SSMLayer != nil {
				if l := b.SSMLayer(name); l != nil {
					return []model.LayerRef{{Pos: pos, Layer: l, Text: text(what)}}
				}
			}
			return []model.LayerRef{{Pos: pos, Unknown: true, Text: text(what)}}
		}
		ok, problem := CheckLayerARN(res.Str)
		if res.Param != "" {
			if ok {
				return []model.LayerRef{{Pos: pos, ARN: res.Str, Text: text("parameter " + res.Param)}}
			}
			return []model.LayerRef{{Pos: pos, Unknown: true, Text: text("parameter " + res.Param)}}
		}
		if ok {
			return []model.LayerRef{{Pos: pos, ARN: res.Str, Text: text(res.Str)}}
		}
		return bad(problem, fmt.Sprintf("Layers entry %q: %s", res.Str, problem))
	case Unknown:
		if res.Name != "" && strings.HasPrefix(res.Why, "Fn::ImportValue ") && b.ImportedLayer != nil {
			if l := b.ImportedLayer(res.Name); l != nil {
				return []model.LayerRef{{Pos: pos, Layer: l, Text: text("export " + res.Name)}}
			}
		}
		if res.Partial {
			probe := pseudoSamples.Replace(res.Str)
			if !strings.Contains(probe, "${") {
				ok, problem := CheckLayerARN(probe)
				if ok {
					return []model.LayerRef{{Pos: pos, ARN: res.Str, Text: text(res.Str)}}
				}
				return bad(problem, fmt.Sprintf("Layers entry %q: %s", res.Str, problem))
			}
			return []model.LayerRef{{Pos: pos, Unknown: true, Text: text(res.Str)}}
		}
		why := res.Why
		if res.Param != "" {
			why = "parameter " + res.Param
		}
		return []model.LayerRef{{Pos: pos, Unknown: true, Text: text(why)}}
	}
	return bad("not a layer version ARN", fmt.Sprintf("Layers entry %s is not a layer version ARN", desc))
}

// ssmName is the SSM parameter a string is read from at deploy time: the Default of a
// parameter of type AWS::SSM::Parameter::Value<String> (what CDK's
// StringParameter.valueForStringParameter writes), or a dynamic reference
// {{resolve:ssm:NAME}} / {{resolve:ssm:NAME:VERSION}}.
func ssmName(t *Template, res Result) (string, bool) {
	if res.Param != "" {
		typ, _ := t.Section("Parameters").Get(res.Param).Get("Type").String()
		if typ == "AWS::SSM::Parameter::Value<String>" {
			return res.Str, true
		}
	}
	if rest, ok := strings.CutPrefix(res.Str, "{{resolve:ssm:"); ok && strings.HasSuffix(rest, "}}") {
		name := strings.TrimSuffix(rest, "}}")
		if i := strings.LastIndexByte(name, ':'); i > 0 && !strings.HasPrefix(name, "arn:") {
			if _, err := strconv.Atoi(name[i+1:]); err == nil {
				name = name[:i] // a version
			}
		}
		return name, true
	}
	return "", false
}

// refCost is the evaluation steps a layer reference costs: it stays in the model,
// where an evaluation step is mostly garbage at once. A real function has at most 5
// layers; Fn::If on undecidable conditions can make millions.
const refCost = 16

// walkLeaves calls f on each Result inside the Eithers and lists r is made of, with
// the condition of the innermost Either above it (cond when none).
func walkLeaves(r Result, cond string, f func(leaf Result, cond string)) {
	switch r.Kind {
	case Either:
		for _, br := range r.Items {
			walkLeaves(br, r.Name, f)
		}
	case ListResult:
		for _, it := range r.Items {
			walkLeaves(it, cond, f)
		}
	default:
		f(r, cond)
	}
}

// name is the model name of the resource with logical id id.
func (b *Builder) name(id string) string {
	if b.Qualify[id] {
		return b.Prefix + id
	}
	return id
}
