package cfn

import (
	"testing"
)

const evalTemplate = `Parameters:
  Stage:
    Type: String
    Default: prod
  Account:
    Type: String
    Default: "123456789012"
  NoDefault:
    Type: String
  Names:
    Type: CommaDelimitedList
    Default: "a, b,c"
  Secret:
    Type: String
    NoEcho: true
    Default: s3cr3t
Mappings:
  RegionMap:
    prod:
      Layer: arn:aws:lambda:us-east-1:123456789012:layer:prod:3
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
  IsDev: !Not [!Condition IsProd]
  Both: !And [!Condition IsProd, {"Condition": "IsProd"}]
  Either: !Or [!Condition IsDev, !Condition IsProd]
  InRegion: !Equals [!Ref "AWS::Region", us-east-1]
  Loop: !Not [!Condition Loop]
Resources:
  Layer:
    Type: AWS::Lambda::LayerVersion
  V:
    Type: X
    Properties:
      Ref: !Ref Stage
      RefNoDefault: !Ref NoDefault
      RefList: !Ref Names
      RefSecret: !Ref Secret
      RefRegion: !Ref AWS::Region
      RefResource: !Ref Layer
      RefNothing: !Ref Nope
      Sub: !Sub "arn:aws:lambda:us-east-1:${Account}:layer:${Stage}:1"
      Sub2: !Sub ["${A}-${Stage}-${!Literal}", {A: x}]
      SubRes: !Sub "${Layer}"
      SubAttr: !Sub "${Layer.LayerVersionArn}"
      SubPartial: !Sub "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:layer:x:2"
      SubNothing: !Sub "${Nope}-x"
      Join: !Join ["-", [a, !Ref Stage, c]]
      Select: !Select [1, !Ref Names]
      Split: !Split [",", "x,y"]
      Find: !FindInMap [RegionMap, !Ref Stage, Layer]
      IfProd: !If [IsProd, yes, no]
      IfDev: !If [IsDev, yes, no]
      IfBoth: !If [Both, yes, no]
      IfEither: !If [Either, yes, no]
      IfRegion: !If [InRegion, a, b]
      IfLoop: !If [Loop, a, b]
      IfNoValue: !If [IsProd, !Ref AWS::NoValue, x]
      Import: !ImportValue shared-layer
      GetAtt: !GetAtt Layer.LayerVersionArn
      GetAttNothing: !GetAtt Nope.Arn
      Base64: !Base64 abc
      Weird: !Weird x
      Number: 3
      Null:
`

func TestEval(t *testing.T) {
	tpl := mustParse(t, evalTemplate)
	p := tpl.Resource("V").Properties
	ev := func(name string) Result { return tpl.Eval(p.Get(name)) }
	str := func(name, want string) {
		t.Helper()
		r := ev(name)
		if r.Kind != String || r.Str != want {
			t.Errorf("%s = %+v, want string %q", name, r, want)
		}
	}
	kind := func(name string, want ResultKind) Result {
		t.Helper()
		r := ev(name)
		if r.Kind != want {
			t.Errorf("%s kind = %v (%+v), want %v", name, r.Kind, r, want)
		}
		return r
	}
	str("Ref", "prod")
	if r := ev("Ref"); r.Param != "Stage" {
		t.Errorf("Ref Param = %q", r.Param)
	}
	if r := kind("RefNoDefault", Unknown); r.Why != "parameter NoDefault" || r.Param != "NoDefault" {
		t.Errorf("RefNoDefault = %+v", r)
	}
	if r := kind("RefList", ListResult); len(r.Items) != 3 || r.Items[1].Str != "b" {
		t.Errorf("RefList = %+v", r)
	}
	str("RefSecret", "s3cr3t")
	kind("RefRegion", Unknown)
	if r := kind("RefResource", ResourceRef); r.Resource != "Layer" {
		t.Errorf("RefResource = %+v", r)
	}
	if r := kind("RefNothing", Dangling); r.Name != "Nope" {
		t.Errorf("RefNothing = %+v", r)
	}
	str("Sub", "arn:aws:lambda:us-east-1:123456789012:layer:prod:1")
	str("Sub2", "x-prod-${Literal}")
	if r := kind("SubRes", ResourceRef); r.Resource != "Layer" {
		t.Errorf("SubRes = %+v", r)
	}
	if r := kind("SubAttr", Attr); r.Resource != "Layer" || r.Attr != "LayerVersionArn" {
		t.Errorf("SubAttr = %+v", r)
	}
	if r := kind("SubPartial", Unknown); !r.Partial || r.Str != "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:layer:x:2" {
		t.Errorf("SubPartial = %+v", r)
	}
	kind("SubNothing", Dangling)
	str("Join", "a-prod-c")
	str("Select", "b")
	if r := kind("Split", ListResult); len(r.Items) != 2 {
		t.Errorf("Split = %+v", r)
	}
	str("Find", "arn:aws:lambda:us-east-1:123456789012:layer:prod:3")
	str("IfProd", "yes")
	str("IfDev", "no")
	str("IfBoth", "yes")
	str("IfEither", "yes")
	if r := kind("IfRegion", Either); len(r.Items) != 2 || !r.Items[0].Conditional || r.Items[1].Str != "b" {
		t.Errorf("IfRegion = %+v", r)
	}
	kind("IfLoop", Either)
	kind("IfNoValue", NoValue)
	if r := kind("Import", Unknown); r.Name != "shared-layer" || r.Why != "Fn::ImportValue shared-layer" {
		t.Errorf("Import = %+v", r)
	}
	kind("GetAtt", Attr)
	kind("GetAttNothing", Dangling)
	kind("Base64", Unknown)
	kind("Weird", Unknown)
	str("Number", "3")
	str("Null", "")

	if v, ok := tpl.Condition("IsProd"); !ok || !v {
		t.Errorf("IsProd = %v %v", v, ok)
	}
	if _, ok := tpl.Condition("InRegion"); ok {
		t.Errorf("InRegion decided")
	}
	if _, ok := tpl.Condition("Missing"); ok {
		t.Errorf("Missing decided")
	}
}

func TestEvalSelfReference(t *testing.T) {
	src := `Parameters:
  P:
    Type: CommaDelimitedList
    Default: [!Ref P]
Conditions:
  A: !Condition B
  B: !Condition A
Resources:
  R:
    Type: X
    Properties:
      A: !Ref P
      B: !If [A, x, y]
`
	tpl := mustParse(t, src)
	p := tpl.Resource("R").Properties
	_ = tpl.Eval(p.Get("A")) // must terminate
	if r := tpl.Eval(p.Get("B")); r.Kind != Either {
		t.Errorf("B = %+v", r)
	}
}

func TestCheckLayerARN(t *testing.T) {
	for s, want := range map[string]string{
		"arn:aws:lambda:us-east-1:123456789012:layer:my-layer_1:7":  "",
		"arn:aws-cn:lambda:cn-north-1:123456789012:layer:x:1":       "",
		"arn:aws:lambda:::awslayer:AmazonLinux2023Base":             "",
		"arn:aws:lambda:us-east-1:123456789012:layer:my-layer":      "layer ARN without a version",
		"arn:aws:lambda:us-east-1:12345:layer:my-layer:1":           "not a layer version ARN",
		"arn:aws:lambda:us-east-1:123456789012:function:my-layer:1": "not a layer version ARN",
		"my-layer": "not a layer version ARN",
	} {
		ok, problem := CheckLayerARN(s)
		if want == "" && !ok || want != "" && (ok || len(problem) < len(want) || problem[:len(want)] != want) {
			t.Errorf("CheckLayerARN(%q) = %v %q, want %q", s, ok, problem, want)
		}
	}
}
