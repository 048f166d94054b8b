package cfn

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	yaml "go.yaml.in/yaml/v4"

	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/model"
)

// Template is a parsed template.
type Template struct {
	// File names the template in positions: relative to the checked PATH, forward
	// slashes ("template.yaml", "cdk.out/Stack.template.json").
	File string
	Root *Value
	// Resources in template order.
	Resources []*Resource
	// Duplicates are the keys a mapping repeats, in document order: the last value wins,
	// as sam build/deploy and the AWS CLI (PyYAML, OrderedDict of the pairs) and the
	// CloudFormation service read them.
	Duplicates []Duplicate

	byName map[string]*Resource
	budget *budget
	conds  condMemo
}

// Duplicate is a key repeated in one mapping: Pos is the repetition (whose value is
// kept), First the line of the first occurrence (whose value is dropped).
type Duplicate struct {
	Key   string
	Pos   model.Pos
	First int
}

// Resource is one entry of the Resources section.
type Resource struct {
	Name       string // logical id
	Line, Col  int    // the logical id's position: the resource's first line
	Type       string
	Properties *Value // nil when absent
	Metadata   *Value // nil when absent
	Condition  string // the resource's Condition, "" when none
	Value      *Value // the whole resource map
}

// Pos returns the position of line:col in the template.
func (t *Template) Pos(line, col int) model.Pos {
	return model.Pos{File: t.File, Line: line, Col: col}
}

// PosOf returns the position of v (the template itself when v is nil).
func (t *Template) PosOf(v *Value) model.Pos {
	if v == nil {
		return model.Pos{File: t.File}
	}
	return t.Pos(v.Line, v.Col)
}

// KeyPos returns the position of a map key.
func (t *Template) KeyPos(k *Key) model.Pos { return t.Pos(k.Line, k.Col) }

// ResourcePos returns the position of a resource's logical id.
func (t *Template) ResourcePos(r *Resource) model.Pos { return t.Pos(r.Line, r.Col) }

// Resource returns the resource with logical id name, nil when there is none.
func (t *Template) Resource(name string) *Resource { return t.byName[name] }

// Section returns a top-level section ("Parameters", "Globals", ...), nil when absent.
func (t *Template) Section(name string) *Value { return t.Root.Get(name) }

// HasTransform reports whether the template declares the transform name (Transform
// may be a string or a list).
func (t *Template) HasTransform(name string) bool {
	tr := t.Root.Get("Transform")
	if s, ok := tr.String(); ok {
		return s == name
	}
	if tr != nil && tr.Kind == List {
		for _, it := range tr.Items {
			if s, ok := it.String(); ok && s == name {
				return true
			}
		}
	}
	return false
}

// IsSAM reports whether the template uses the SAM transform.
func (t *Template) IsSAM() bool { return t.HasTransform("AWS::Serverless-2016-10-31") }

// maxNodes bounds the values built from one document, counting each expansion of an
// alias, so that an alias bomb cannot exhaust memory. Real templates have a few
// thousand nodes.
const maxNodes = 250_000

// maxDepth bounds nesting.
const maxDepth = 200

// Parse reads a YAML or JSON template. file names it in positions and errors. Input
// that cannot be read, a document that is not a mapping, and a template without
// Resources give an *iac.InputError. A key repeated in a mapping keeps its last value
// (Template.Duplicates lists them).
func Parse(data []byte, file string) (*Template, error) {
	c := &converter{file: file, lastWins: true}
	root, err := c.document(data)
	if err != nil {
		return nil, err
	}
	t := &Template{File: file, Root: root, byName: map[string]*Resource{}, budget: &budget{}, Duplicates: c.dups}
	if root.Kind != Map {
		return nil, iac.Errorf(t.PosOf(root), "a template must be a mapping with a Resources section, not a %s", root.Kind)
	}
	res := root.Key("Resources")
	if res == nil {
		return nil, iac.Errorf(model.Pos{File: file, Line: 1, Col: 1}, "not a CloudFormation template: no Resources section")
	}
	if res.Value.Kind != Map {
		if res.Value.IsNull() {
			return nil, iac.Errorf(t.KeyPos(res), "Resources is empty")
		}
		return nil, iac.Errorf(t.PosOf(res.Value), "Resources must be a mapping of logical ids to resources, not a %s", res.Value.Kind)
	}
	for _, k := range res.Value.Keys {
		r := &Resource{Name: k.Name, Line: k.Line, Col: k.Col, Value: k.Value}
		if k.Value.Kind == Map {
			r.Type, _ = k.Value.Get("Type").String()
			r.Properties = k.Value.Get("Properties")
			r.Metadata = k.Value.Get("Metadata")
			r.Condition, _ = k.Value.Get("Condition").String()
		}
		t.Resources = append(t.Resources, r)
		t.byName[r.Name] = r
	}
	return t, nil
}

// ParseValue reads one YAML or JSON document into a Value, with the same errors as
// Parse but no requirement on the document's shape; a duplicate key is an error.
func ParseValue(data []byte, file string) (*Value, error) {
	return (&converter{file: file}).document(data)
}

func (c *converter) document(data []byte) (*Value, error) {
	file := c.file
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, iac.Errorf(model.Pos{File: file}, "the file is empty")
	}
	var doc yaml.Node
	if err := yaml.Load(data, &doc, yaml.WithUniqueKeys(false)); err != nil {
		return nil, loadError(file, err)
	}
	n := &doc
	if n.Kind == yaml.DocumentNode {
		if len(n.Content) == 0 {
			return nil, iac.Errorf(model.Pos{File: file}, "the file holds no document")
		}
		n = n.Content[0]
	}
	v, err := c.convert(n, 0)
	if err != nil {
		return nil, err
	}
	return v, nil
}

// loadError turns a parser error into an *iac.InputError with the parser's message
// and position.
func loadError(file string, err error) error {
	var le *yaml.LoadError
	if errors.As(err, &le) {
		msg := le.Message
		if le.ContextMsg != "" {
			msg = le.ContextMsg + ": " + msg
		}
		msg = strings.TrimPrefix(msg, "yaml: ")
		if le.Mark.Line > 0 && le.ContextMark.Line > 0 && le.ContextMark != le.Mark {
			msg += fmt.Sprintf(" (started at line %d)", le.ContextMark.Line)
		}
		return iac.Errorf(model.Pos{File: file, Line: le.Mark.Line, Col: le.Mark.Column}, "%s", msg)
	}
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "yaml: ")
	return iac.Errorf(model.Pos{File: file}, "%s", msg)
}

type converter struct {
	file  string
	nodes int
	// lastWins: a repeated key replaces the value (recorded in dups), else it is an error.
	lastWins bool
	dups     []Duplicate
}

func (c *converter) errorf(n *yaml.Node, format string, args ...any) error {
	return iac.Errorf(model.Pos{File: c.file, Line: n.Line, Col: n.Column}, format, args...)
}

func (c *converter) convert(n *yaml.Node, depth int) (*Value, error) {
	c.nodes++
	if c.nodes > maxNodes {
		return nil, c.errorf(n, "the document is too large (more than %d values, counting alias expansions)", maxNodes)
	}
	if depth > maxDepth {
		return nil, c.errorf(n, "values nested more than %d deep", maxDepth)
	}
	switch n.Kind {
	case yaml.AliasNode:
		if n.Alias == nil {
			return nil, c.errorf(n, "unknown alias *%s", n.Value)
		}
		return c.convert(n.Alias, depth+1)
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return &Value{Kind: Scalar, Tag: "!!null", Line: n.Line, Col: n.Column}, nil
		}
		return c.convert(n.Content[0], depth+1)
	}
	tag := n.Tag
	if fn, ok := shortTags[tag]; ok {
		return c.shortForm(n, fn, depth)
	}
	if tag != "" && !strings.HasPrefix(tag, "!!") && !strings.HasPrefix(tag, "tag:yaml.org,2002:") {
		// An unknown local tag: keep it, with the untagged value.
		inner, err := c.untagged(n, depth)
		if err != nil {
			return nil, err
		}
		return &Value{Kind: Opaque, Tag: tag, Arg: inner, Line: n.Line, Col: n.Column}, nil
	}
	return c.untagged(n, depth)
}

// untagged converts n ignoring any local tag.
func (c *converter) untagged(n *yaml.Node, depth int) (*Value, error) {
	switch n.Kind {
	case yaml.ScalarNode:
		tag := n.Tag
		if tag == "" || !strings.HasPrefix(tag, "!!") {
			tag = "!!str"
		}
		return &Value{Kind: Scalar, Str: n.Value, Tag: tag, Line: n.Line, Col: n.Column}, nil
	case yaml.SequenceNode:
		v := &Value{Kind: List, Line: n.Line, Col: n.Column, Items: make([]*Value, 0, len(n.Content))}
		for _, it := range n.Content {
			x, err := c.convert(it, depth+1)
			if err != nil {
				return nil, err
			}
			v.Items = append(v.Items, x)
		}
		return v, nil
	case yaml.MappingNode:
		return c.mapping(n, depth)
	case yaml.AliasNode, yaml.DocumentNode:
		return c.convert(n, depth+1)
	}
	return nil, c.errorf(n, "unexpected YAML node")
}

func (c *converter) mapping(n *yaml.Node, depth int) (*Value, error) {
	v := &Value{Kind: Map, Line: n.Line, Col: n.Column}
	seen := map[string]*Key{}
	var merged []*Key // keys from `<<: *alias`, added after the explicit ones
	for i := 0; i+1 < len(n.Content); i += 2 {
		kn, vn := n.Content[i], n.Content[i+1]
		for kn.Kind == yaml.AliasNode && kn.Alias != nil {
			kn = kn.Alias
		}
		if kn.Kind != yaml.ScalarNode {
			return nil, c.errorf(kn, "a mapping key must be a plain string, not a %s", kindName(kn.Kind))
		}
		if kn.Tag == "!!merge" {
			keys, err := c.mergeKeys(vn, depth)
			if err != nil {
				return nil, err
			}
			merged = append(merged, keys...)
			continue
		}
		prev, dup := seen[kn.Value]
		if dup && !c.lastWins {
			return nil, c.errorf(kn, "duplicate key %q (first at line %d)", kn.Value, prev.Line)
		}
		val, err := c.convert(vn, depth+1)
		if err != nil {
			return nil, err
		}
		if dup {
			// PyYAML's OrderedDict(pairs): the first key's place, the last value
			c.dups = append(c.dups, Duplicate{Key: kn.Value, Pos: model.Pos{File: c.file, Line: kn.Line, Col: kn.Column}, First: prev.Line})
			prev.Value, prev.Line, prev.Col = val, kn.Line, kn.Column
			continue
		}
		k := &Key{Name: kn.Value, Line: kn.Line, Col: kn.Column, Value: val}
		seen[kn.Value] = k
		v.Keys = append(v.Keys, k)
	}
	for _, k := range merged {
		if _, ok := seen[k.Name]; !ok {
			seen[k.Name] = k
			v.Keys = append(v.Keys, k)
		}
	}
	if len(v.Keys) > 8 {
		v.index = seen
	}
	if len(v.Keys) == 1 && isFuncKey(v.Keys[0].Name) {
		return &Value{Kind: Func, Fn: v.Keys[0].Name, Arg: v.Keys[0].Value, Line: v.Line, Col: v.Col}, nil
	}
	return v, nil
}

// mergeKeys returns the entries a YAML merge key (`<<: *base` or `<<: [*a, *b]`) adds.
func (c *converter) mergeKeys(n *yaml.Node, depth int) ([]*Key, error) {
	var srcs []*yaml.Node
	if n.Kind == yaml.SequenceNode {
		srcs = n.Content
	} else {
		srcs = []*yaml.Node{n}
	}
	var out []*Key
	for _, s := range srcs {
		m, err := c.convert(s, depth+1)
		if err != nil {
			return nil, err
		}
		if m.Kind != Map {
			return nil, c.errorf(s, "a merge key (<<) needs a mapping")
		}
		out = append(out, m.Keys...)
	}
	return out, nil
}

func (c *converter) shortForm(n *yaml.Node, fn string, depth int) (*Value, error) {
	inner, err := c.untagged(n, depth)
	if err != nil {
		return nil, err
	}
	if fn == "Fn::GetAtt" && inner.Kind == Scalar {
		// !GetAtt Resource.Attribute → [Resource, Attribute]; the attribute may itself
		// contain dots (Outputs.Name).
		res, attr, _ := strings.Cut(inner.Str, ".")
		inner = &Value{Kind: List, Line: inner.Line, Col: inner.Col, Items: []*Value{
			{Kind: Scalar, Tag: "!!str", Str: res, Line: inner.Line, Col: inner.Col},
			{Kind: Scalar, Tag: "!!str", Str: attr, Line: inner.Line, Col: inner.Col + len(res) + 1},
		}}
	}
	if inner.Kind == Scalar {
		// `!Ref x` scalars are strings whatever they look like (`!Ref 123`).
		inner.Tag = "!!str"
	}
	return &Value{Kind: Func, Fn: fn, Arg: inner, Short: true, Line: n.Line, Col: n.Column}, nil
}

func kindName(k yaml.Kind) string {
	switch k {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "sequence"
	case yaml.AliasNode:
		return "alias"
	}
	return "scalar"
}
