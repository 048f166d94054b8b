package cfn

import (
	"testing"

	"github.com/layerkit/layerkit/internal/model"
)

// TestSSMLayers: a layer ARN read from SSM (a parameter of type
// AWS::SSM::Parameter::Value<String>, a {{resolve:ssm:...}} reference) is linked through
// SSMLayer when the app writes that parameter, and otherwise is unknown, never a
// malformed ARN (LK406).
func TestSSMLayers(t *testing.T) {
	tpl, err := Parse([]byte(`Parameters:
  P:
    Type: AWS::SSM::Parameter::Value<String>
    Default: /app/layer-arn
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Layers:
        - !Ref P
        - "{{resolve:ssm:/app/layer-arn:3}}"
        - "{{resolve:ssm:/other}}"
`), "t.yaml")
	if err != nil {
		t.Fatal(err)
	}
	shared := &model.Layer{Name: "Shared"}
	app := &model.App{}
	b := &Builder{T: tpl, App: app, SSMLayer: func(name string) *model.Layer {
		if name == "/app/layer-arn" {
			return shared
		}
		return nil
	}}
	b.BuildFunctions()
	refs := app.Functions[0].Layers
	if len(refs) != 3 || refs[0].Layer != shared || refs[1].Layer != shared || !refs[2].Unknown {
		t.Fatalf("refs %+v", refs)
	}
	if refs[0].Text != "SSM parameter /app/layer-arn" || refs[2].Text != "SSM parameter /other" {
		t.Errorf("texts %q, %q", refs[0].Text, refs[2].Text)
	}
	if len(app.Notes) != 0 {
		t.Errorf("notes %+v, want none", app.Notes)
	}

	// Without the hook (a SAM template): unknown, not LK406.
	app = &model.App{}
	b = &Builder{T: tpl, App: app}
	b.BuildFunctions()
	for _, r := range app.Functions[0].Layers {
		if !r.Unknown || r.Bad {
			t.Errorf("ref %+v, want unknown", r)
		}
	}
	if len(app.Notes) != 0 {
		t.Errorf("notes %+v, want none", app.Notes)
	}
}
