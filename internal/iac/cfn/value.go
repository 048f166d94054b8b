// Package cfn reads CloudFormation (and SAM) templates, YAML or JSON, into a small
// value tree that keeps the line and column of every node, evaluates the intrinsic
// functions a loader needs (Ref, Fn::Sub, Fn::If, ...), and turns the Lambda resources
// of a template into model values. The front-ends iac/sam and iac/cdk build on it.
package cfn

import (
	"strconv"
	"strings"
)

// Kind is the shape of a Value.
type Kind int

const (
	// Scalar is a string, number, boolean or null; Str holds its text as written.
	Scalar Kind = iota
	// Map is a mapping with ordered, unique string keys.
	Map
	// List is a sequence.
	List
	// Func is an intrinsic function: {"Ref": x}, {"Fn::Sub": x}, !GetAtt a.b, ...
	// Fn holds its long name ("Ref", "Fn::GetAtt", "Condition"), Arg its argument.
	Func
	// Opaque is a node with a YAML tag we do not know (!Foo x); Tag holds the tag and
	// Arg the untagged node.
	Opaque
)

func (k Kind) String() string {
	switch k {
	case Map:
		return "map"
	case List:
		return "list"
	case Func:
		return "function"
	case Opaque:
		return "tagged value"
	}
	return "scalar"
}

// Value is one node of a template, with its position (1-based; the node's first
// character).
type Value struct {
	Kind Kind
	Line int
	Col  int

	// Str is the scalar's text (unquoted, unescaped) for Scalar.
	Str string
	// Tag is the resolved YAML tag of a Scalar ("!!str", "!!int", "!!bool", "!!null",
	// ...), or the unknown tag of an Opaque value ("!Foo").
	Tag string
	// Keys are a Map's entries in template order.
	Keys []*Key
	// Items are a List's elements.
	Items []*Value
	// Fn is a Func's long name; Arg its argument (also the inner value of Opaque).
	Fn  string
	Arg *Value
	// Short is true when a Func was written in short form (!Ref x).
	Short bool

	// index finds the keys of a large Map (Key would otherwise be linear, and a
	// template with many parameters and many references to them quadratic).
	index map[string]*Key
}

// Key is one entry of a Map: the key's name and position, and its value.
type Key struct {
	Name  string
	Line  int
	Col   int
	Value *Value
}

// IsNull reports whether v is absent or a YAML null (`Key:` with nothing after it).
func (v *Value) IsNull() bool {
	return v == nil || (v.Kind == Scalar && v.Tag == "!!null")
}

// Get returns the value of key in a Map, nil when v is not a Map or has no such key.
func (v *Value) Get(key string) *Value {
	if k := v.Key(key); k != nil {
		return k.Value
	}
	return nil
}

// Key returns the entry key of a Map, nil when there is none.
func (v *Value) Key(key string) *Key {
	if v == nil || v.Kind != Map {
		return nil
	}
	if v.index != nil {
		return v.index[key]
	}
	for _, k := range v.Keys {
		if k.Name == key {
			return k
		}
	}
	return nil
}

// Path follows keys through nested Maps: v.Path("Properties", "Environment").
func (v *Value) Path(keys ...string) *Value {
	for _, k := range keys {
		v = v.Get(k)
		if v == nil {
			return nil
		}
	}
	return v
}

// String returns the text of a Scalar that is not null, and false otherwise.
func (v *Value) String() (string, bool) {
	if v == nil || v.Kind != Scalar || v.Tag == "!!null" {
		return "", false
	}
	return v.Str, true
}

// Bool reports whether v is a true boolean scalar (true/True/TRUE, or the string "true").
func (v *Value) Bool() bool {
	s, ok := v.String()
	if !ok {
		return false
	}
	b, err := strconv.ParseBool(strings.ToLower(s))
	return err == nil && b
}

// Describe renders v briefly in the short form a user would write in a YAML template:
// `!Ref FooLayer`, `!GetAtt Foo.Arn`, `!ImportValue shared-layer`, a scalar as is.
// Long and nested values are abbreviated.
func Describe(v *Value) string {
	var b strings.Builder
	describe(&b, v, 0)
	s := b.String()
	if len(s) > 120 {
		s = s[:117] + "..."
	}
	return s
}

func describe(b *strings.Builder, v *Value, depth int) {
	if b.Len() > 120 {
		return // Describe cuts it there anyway: a wide list costs no more
	}
	if v == nil {
		b.WriteString("null")
		return
	}
	if depth > 4 {
		b.WriteString("...")
		return
	}
	switch v.Kind {
	case Scalar:
		if v.Tag == "!!null" {
			b.WriteString("null")
			return
		}
		if v.Str == "" || strings.ContainsAny(v.Str, " ,[]{}:#'\"\n") && depth > 0 {
			b.WriteString(strconv.Quote(v.Str))
			return
		}
		b.WriteString(v.Str)
	case List:
		b.WriteByte('[')
		for i, it := range v.Items {
			if i > 0 {
				b.WriteString(", ")
			}
			describe(b, it, depth+1)
		}
		b.WriteByte(']')
	case Map:
		b.WriteByte('{')
		for i, k := range v.Keys {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(k.Name)
			b.WriteString(": ")
			describe(b, k.Value, depth+1)
		}
		b.WriteByte('}')
	case Func:
		name := strings.TrimPrefix(v.Fn, "Fn::")
		b.WriteByte('!')
		b.WriteString(name)
		b.WriteByte(' ')
		if v.Fn == "Fn::GetAtt" && v.Arg != nil && v.Arg.Kind == List && len(v.Arg.Items) == 2 {
			x, _ := v.Arg.Items[0].String()
			y, ok := v.Arg.Items[1].String()
			if ok {
				b.WriteString(x + "." + y)
				return
			}
		}
		describe(b, v.Arg, depth+1)
	case Opaque:
		b.WriteString(v.Tag)
		b.WriteByte(' ')
		describe(b, v.Arg, depth+1)
	}
}

// shortTags maps CloudFormation's YAML short-form tags to the long function names.
var shortTags = map[string]string{
	"!Ref":            "Ref",
	"!Condition":      "Condition",
	"!GetAtt":         "Fn::GetAtt",
	"!Sub":            "Fn::Sub",
	"!Join":           "Fn::Join",
	"!If":             "Fn::If",
	"!Equals":         "Fn::Equals",
	"!Not":            "Fn::Not",
	"!And":            "Fn::And",
	"!Or":             "Fn::Or",
	"!Select":         "Fn::Select",
	"!Split":          "Fn::Split",
	"!FindInMap":      "Fn::FindInMap",
	"!Base64":         "Fn::Base64",
	"!Cidr":           "Fn::Cidr",
	"!GetAZs":         "Fn::GetAZs",
	"!ImportValue":    "Fn::ImportValue",
	"!Transform":      "Fn::Transform",
	"!GetStackOutput": "Fn::GetStackOutput",
	"!Length":         "Fn::Length",
	"!ToJsonString":   "Fn::ToJsonString",
	"!ForEach":        "Fn::ForEach",
}

// isFuncKey reports whether a one-key map {key: ...} is the long form of an intrinsic
// function. "Condition" is not: a one-key map {"Condition": X} is a function only where
// a condition is expected, and the evaluator handles it there.
func isFuncKey(key string) bool {
	return key == "Ref" || strings.HasPrefix(key, "Fn::")
}
