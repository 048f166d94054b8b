package cfn

import (
	"errors"
	"testing"

	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/model"
)

// FuzzParse checks that no input makes the parser, the evaluator or the Lambda
// resource conversion panic, and that every error is an *iac.InputError.
func FuzzParse(f *testing.F) {
	f.Add([]byte(evalTemplate))
	f.Add([]byte("Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Layers: [!Ref L, !If [C, !Ref L, x]]\n  L:\n    Type: AWS::Serverless::LayerVersion\n"))
	f.Add([]byte(`{"Resources": {"F": {"Type": "AWS::Lambda::Function", "Properties": {"Code": {"ZipFile": "x"}, "Layers": [{"Fn::Sub": "${L}"}]}}}}`))
	f.Add([]byte("a: &a [*a]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tpl, err := Parse(data, "f.yaml")
		if err != nil {
			var ie *iac.InputError
			if !errors.As(err, &ie) {
				t.Fatalf("error %v is a %T, not *iac.InputError", err, err)
			}
			return
		}
		for _, r := range tpl.Resources {
			for _, k := range r.Properties.keys() {
				_ = tpl.Eval(k.Value)
				_ = Describe(k.Value)
			}
		}
		for _, k := range tpl.Section("Conditions").keys() {
			tpl.Condition(k.Name)
		}
		app := &model.App{}
		b := &Builder{T: tpl, App: app, Globals: tpl.Section("Globals").Get("Function"),
			Code:    func(*Resource, *model.Function, Location) {},
			Content: func(*Resource, *model.Layer, Location) {}}
		b.BuildLayers()
		b.BuildFunctions()
	})
}

func (v *Value) keys() []*Key {
	if v == nil || v.Kind != Map {
		return nil
	}
	return v.Keys
}
