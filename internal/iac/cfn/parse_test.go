package cfn

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/layerkit/layerkit/internal/iac"
)

func mustParse(t *testing.T, src string) *Template {
	t.Helper()
	tpl, err := Parse([]byte(src), "template.yaml")
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return tpl
}

func TestShortTags(t *testing.T) {
	src := `Resources:
  R:
    Type: X
    Properties:
      Ref: !Ref Foo
      GetAtt: !GetAtt Res.Outputs.Name
      GetAttList: !GetAtt [Res, Arn]
      Sub: !Sub 'a-${B}'
      Sub2: !Sub ["${x}", {x: y}]
      Join: !Join [",", [a, b]]
      If: !If [C, a, b]
      Equals: !Equals [a, b]
      Not: !Not [!Condition C]
      And: !And [!Condition C, !Condition D]
      Or: !Or [!Condition C, !Condition D]
      Cond: !Condition C
      Select: !Select [0, [a]]
      Split: !Split [",", "a,b"]
      FindInMap: !FindInMap [M, a, b]
      Base64: !Base64 abc
      Cidr: !Cidr [10.0.0.0/16, 1, 8]
      GetAZs: !GetAZs ''
      ImportValue: !ImportValue shared
      Transform: !Transform {Name: AWS::Include}
      GetStackOutput: !GetStackOutput {StackName: x}
      Weird: !Weird 12
      Long: {"Fn::GetAtt": ["Res", "Arn"]}
`
	tpl := mustParse(t, src)
	props := tpl.Resource("R").Properties
	want := map[string]string{
		"Ref": "Ref", "GetAtt": "Fn::GetAtt", "GetAttList": "Fn::GetAtt", "Sub": "Fn::Sub", "Sub2": "Fn::Sub",
		"Join": "Fn::Join", "If": "Fn::If", "Equals": "Fn::Equals", "Not": "Fn::Not", "And": "Fn::And",
		"Or": "Fn::Or", "Cond": "Condition", "Select": "Fn::Select", "Split": "Fn::Split",
		"FindInMap": "Fn::FindInMap", "Base64": "Fn::Base64", "Cidr": "Fn::Cidr", "GetAZs": "Fn::GetAZs",
		"ImportValue": "Fn::ImportValue", "Transform": "Fn::Transform", "GetStackOutput": "Fn::GetStackOutput",
		"Long": "Fn::GetAtt",
	}
	for i, k := range props.Keys {
		line := 5 + i
		if k.Line != line {
			t.Errorf("%s: key line %d, want %d", k.Name, k.Line, line)
		}
		if k.Value.Line != line {
			t.Errorf("%s: value line %d, want %d", k.Name, k.Value.Line, line)
		}
		if k.Name == "Weird" {
			if k.Value.Kind != Opaque || k.Value.Tag != "!Weird" || k.Value.Arg.Str != "12" {
				t.Errorf("Weird: %+v", k.Value)
			}
			continue
		}
		if k.Value.Kind != Func || k.Value.Fn != want[k.Name] {
			t.Errorf("%s: kind %v fn %q, want %q", k.Name, k.Value.Kind, k.Value.Fn, want[k.Name])
		}
	}
	ga := props.Get("GetAtt")
	if ga.Arg.Kind != List || len(ga.Arg.Items) != 2 || ga.Arg.Items[0].Str != "Res" || ga.Arg.Items[1].Str != "Outputs.Name" {
		t.Errorf("!GetAtt a.b.c = %s", Describe(ga))
	}
	if got := Describe(ga); got != "!GetAtt Res.Outputs.Name" {
		t.Errorf("Describe = %q", got)
	}
	if got := Describe(props.Get("Ref")); got != "!Ref Foo" {
		t.Errorf("Describe = %q", got)
	}
	if props.Get("Ref").Col != 12 {
		t.Errorf("!Ref col %d, want 12", props.Get("Ref").Col)
	}
}

func TestJSONTemplate(t *testing.T) {
	src := `{
  "Resources": {
    "Fn": {
      "Type": "AWS::Lambda::Function",
      "Properties": {
	"Layers": [{"Ref": "L"}, "arn:aws:lambda:us-east-1:123456789012:layer:x:1"]
      }
    }
  }
}`
	tpl, err := Parse([]byte(src), "t.json")
	if err != nil {
		t.Fatal(err)
	}
	r := tpl.Resources[0]
	if r.Name != "Fn" || r.Line != 3 || r.Col != 5 || r.Type != "AWS::Lambda::Function" {
		t.Errorf("resource %+v", r)
	}
	l := r.Properties.Get("Layers")
	if l.Items[0].Kind != Func || l.Items[0].Fn != "Ref" || l.Items[0].Line != 6 {
		t.Errorf("layers[0] %+v", l.Items[0])
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		name, src, want string
	}{
		{"syntax", "Resources:\n  A: 1\n  b: c: d\n", "template.yaml:3:7: mapping values are not allowed"},
		{"unterminated", "Resources:\n  A: 'x\n", "template.yaml:3:1: while scanning a quoted scalar: found unexpected end of stream (started at line 2)"},
		{"json", "{\"Resources\": {\"A\": }", "template.yaml:2:1: while parsing a flow mapping: did not find expected ',' or '}'"},
		{"list", "- a\n- b\n", "template.yaml:1:1: a template must be a mapping"},
		{"scalar", "hello\n", "a template must be a mapping"},
		{"noresources", "AWSTemplateFormatVersion: '2010-09-09'\n", "no Resources section"},
		{"emptyresources", "Resources:\n", "template.yaml:1:1: Resources is empty"},
		{"listresources", "Resources: [a]\n", "Resources must be a mapping"},
		{"empty", "  \n", "the file is empty"},
		{"complexkey", "Resources:\n  ? [a]\n  : 1\n", "template.yaml:2:5: a mapping key must be a plain string"},
		{"multidoc", "Resources: {}\n---\nResources: {}\n", "template.yaml: expected single document"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.src), "template.yaml")
			var ie *iac.InputError
			if !errors.As(err, &ie) {
				t.Fatalf("err = %v (%T), want *iac.InputError", err, err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %q, want it to contain %q", err.Error(), c.want)
			}
		})
	}
}

func TestAliasesAndMerge(t *testing.T) {
	src := `Base: &base
  Runtime: python3.12
  Handler: a.b
Resources:
  F:
    Type: AWS::Serverless::Function
    Properties:
      <<: *base
      Handler: c.d
`
	tpl := mustParse(t, src)
	p := tpl.Resource("F").Properties
	if s, _ := p.Get("Handler").String(); s != "c.d" {
		t.Errorf("Handler = %q (explicit key must win over the merge)", s)
	}
	if s, _ := p.Get("Runtime").String(); s != "python3.12" {
		t.Errorf("Runtime = %q", s)
	}
}

func TestAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 12; i++ {
		b.WriteString("a" + strconv.Itoa(i) + ": &a" + strconv.Itoa(i) + " [")
		for j := 0; j < 10; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("*a" + strconv.Itoa(i-1))
		}
		b.WriteString("]\n")
	}
	b.WriteString("Resources: {}\n")
	_, err := Parse([]byte(b.String()), "t.yaml")
	if err == nil {
		t.Fatal("alias bomb parsed without error")
	}
}

// TestParseDuplicateKeys: a repeated key keeps its last value, in the first key's place,
// as PyYAML's OrderedDict of the pairs (sam build/deploy, aws cloudformation package) and
// JSON's object_pairs_hook do; each repetition is recorded. ParseValue still refuses them.
func TestParseDuplicateKeys(t *testing.T) {
	for _, c := range []struct{ name, src string }{
		{"yaml", "Resources:\n  A:\n    Type: x\n    Properties: {Runtime: python3.9}\n  B:\n    Type: z\n  A:\n    Type: y\n"},
		{"json", "{\"Resources\": {\"A\": {\"Type\": \"x\"}, \"B\": {\"Type\": \"z\"}, \"A\": {\"Type\": \"y\"}}}"},
	} {
		t.Run(c.name, func(t *testing.T) {
			tpl, err := Parse([]byte(c.src), "template.yaml")
			if err != nil {
				t.Fatal(err)
			}
			if len(tpl.Resources) != 2 || tpl.Resources[0].Name != "A" || tpl.Resources[0].Type != "y" || tpl.Resources[0].Properties != nil {
				t.Errorf("resources = %+v", tpl.Resources)
			}
			if len(tpl.Duplicates) != 1 || tpl.Duplicates[0].Key != "A" {
				t.Errorf("duplicates = %+v", tpl.Duplicates)
			}
			if c.name == "yaml" && (tpl.Duplicates[0].First != 2 || tpl.Duplicates[0].Pos.Line != 7) {
				t.Errorf("duplicates = %+v", tpl.Duplicates)
			}
			if _, err := ParseValue([]byte(c.src), "template.yaml"); err == nil || !strings.Contains(err.Error(), `duplicate key "A"`) {
				t.Errorf("ParseValue: %v", err)
			}
		})
	}
}
