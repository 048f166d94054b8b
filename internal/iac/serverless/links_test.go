package serverless

import (
	"strings"
	"testing"

	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/rulecode"
)

// A layer read back through ${ssm:} from a service whose resources are a list of
// ${file()}s, and whose layer has the same logical id as one of this service: linked,
// named by its service, and added to the app's layers once.
func TestLinks(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"serverless.yml": `service: api
provider:
  name: aws
  runtime: python3.12
layers:
  deps:
    path: own-layer
functions:
  a:
    handler: src/a.handler
    layers:
      - ${ssm:/shared/deps~true}
      - {Ref: DepsLambdaLayer}
  b:
    handler: src/a.handler
    layers:
      - ${ssm:/shared/deps}
      - ${cf:shared-layers-dev.Missing}
      - ${cf:unknown-dev.X}
      - ${cf:shared-layers-prod-eu.DepsLambdaLayerQualifiedArn}
  c:
    handler: src/a.handler
    layers:
      - ${cf:${self:service}-requirements-${sls:stage}.PythonRequirementsLambdaLayerQualifiedArn}
  d:
    handler: src/a.handler
    layers:
      - ${param:deps}
      - ${param:nope}
`,
		"serverless-compose.yml": "services:\n  shared:\n    path: services/shared\n  api:\n    path: .\n    params:\n      deps: ${shared.DepsLambdaLayerQualifiedArn}\n      nope: ${shared.Nope}\n",
		// deployed with serverless deploy -c serverless_requirements.yml
		"serverless_requirements.yml":      "service: api-requirements\nplugins:\n  - serverless-python-requirements\ncustom:\n  pythonRequirements:\n    layer: true\nprovider:\n  name: aws\n  runtime: python3.12\n",
		"requirements.txt":                 "requests==2.32.3\n",
		"own-layer/python/own/__init__.py": "",
		"services/shared/serverless.yml": `service: shared-layers
provider:
  name: aws
layers:
  deps:
    path: layer
resources:
  - ${file(./res/ssm.yml)}
`,
		"services/shared/res/ssm.yml": `Resources:
  P:
    Type: AWS::SSM::Parameter
    Properties:
      Name: /shared/${self:custom.param, 'deps'}
      Type: String
      Value: !Ref DepsLambdaLayer
`,
		"services/shared/layer/python/deps/__init__.py": "",
		"node_modules/x/serverless.yml":                 "service: ignored\nlayers:\n  deps:\n    path: .\nresources:\n  Resources:\n    P:\n      Type: AWS::SSM::Parameter\n      Properties: {Name: /shared/deps, Value: !Ref DepsLambdaLayer}\n",
	})
	app, err := Load(dir, dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(app.Layers) != 3 {
		t.Fatalf("layers = %+v", app.Layers)
	}
	own, linked := app.Layers[0], app.Layers[1]
	if own.Name != "DepsLambdaLayer" || linked.Name != "shared-layers/DepsLambdaLayer" || linked.Pos.File != "services/shared/serverless.yml" ||
		linked.Content == nil || linked.Content.Display != "services/shared/layer/" {
		t.Errorf("own %+v, linked %+v", own, linked)
	}
	a := fn(t, app, "a")
	if len(a.Layers) != 2 || a.Layers[0].Layer != linked || a.Layers[1].Layer != own {
		t.Errorf("a layers = %+v", a.Layers)
	}
	b := fn(t, app, "b")
	if len(b.Layers) != 4 || b.Layers[0].Layer != linked || b.Layers[3].Layer != linked ||
		!b.Layers[1].Unknown || !strings.Contains(b.Layers[1].Text, "stack shared-layers-dev is deployed by services/shared/serverless.yml, which has no output Missing") ||
		!b.Layers[2].Unknown || !strings.Contains(b.Layers[2].Text, "no serverless.yml in the checked folder deploys stack unknown-dev") {
		t.Errorf("b layers = %+v", b.Layers)
	}
	c := fn(t, app, "c")
	if len(c.Layers) != 1 || c.Layers[0].Layer != app.Layers[2] || c.Layers[0].Layer.Name != PythonRequirementsLayer ||
		c.Layers[0].Layer.Content.Requirements != "python/requirements.txt" || c.Layers[0].Layer.Pos.File != "serverless_requirements.yml" {
		t.Errorf("c layers = %+v", c.Layers)
	}
	d := fn(t, app, "d")
	if len(d.Layers) != 2 || d.Layers[0].Layer != linked || !d.Layers[1].Unknown ||
		!strings.Contains(d.Layers[1].Text, "output Nope of the service in services/shared") {
		t.Errorf("d layers = %+v", d.Layers)
	}
	// one LK105 info per link, at the reference, saying what was linked
	want := []struct {
		line int
		text string
	}{
		{12, "SSM parameter /shared/deps, which service shared-layers (services/shared/serverless.yml) publishes"},
		{17, "SSM parameter /shared/deps, which service shared-layers (services/shared/serverless.yml) publishes"},
		{20, "output DepsLambdaLayerQualifiedArn of stack shared-layers-prod-eu (service shared-layers deployed with stage prod-eu)"},
		{24, "output PythonRequirementsLambdaLayerQualifiedArn of stack api-requirements-dev, which service api-requirements (serverless_requirements.yml) publishes"},
		{28, "output DepsLambdaLayerQualifiedArn of service shared-layers, passed by serverless-compose.yml"},
	}
	if len(app.Notes) != len(want) {
		t.Fatalf("link notes %+v", app.Notes)
	}
	for i, w := range want {
		if n := app.Notes[i]; n.Code != rulecode.LK105 || n.Severity != model.Info || n.Pos.Line != w.line || !strings.Contains(n.Message, w.text) {
			t.Errorf("note %d = %+v, want line %d with %q", i, n, w.line, w.text)
		}
	}
}
