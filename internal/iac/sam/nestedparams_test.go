package sam

import (
	"path/filepath"
	"strings"
	"testing"
)

// Layers passed to nested stacks as parameters are linked: through two levels of
// nesting (a parameter passed on), and not when two stacks include one template with
// different values.
func TestNestedParameterLayers(t *testing.T) {
	child := func(param string) string {
		return "Parameters:\n  " + param + ":\n    Type: String\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: ../src/\n      Handler: app.h\n      Runtime: python3.12\n      Layers: [!Ref " + param + "]\n"
	}
	dir := writeApp(t, map[string]string{
		"template.yaml": "Transform: AWS::Serverless-2016-10-31\nResources:\n" +
			"  L1:\n    Type: AWS::Serverless::LayerVersion\n    Properties:\n      ContentUri: l1/\n" +
			"  L2:\n    Type: AWS::Serverless::LayerVersion\n    Properties:\n      ContentUri: l2/\n" +
			"  Mid:\n    Type: AWS::Serverless::Application\n    Properties:\n      Location: t/mid.yaml\n      Parameters:\n        Outer: !Ref L1\n" +
			"  TwiceA:\n    Type: AWS::Serverless::Application\n    Properties:\n      Location: t/twice.yaml\n      Parameters:\n        P: !Ref L1\n" +
			"  TwiceB:\n    Type: AWS::Serverless::Application\n    Properties:\n      Location: t/twice.yaml\n      Parameters:\n        P: !Ref L2\n",
		"t/mid.yaml": "Transform: AWS::Serverless-2016-10-31\nParameters:\n  Outer:\n    Type: String\nResources:\n" +
			"  Leaf:\n    Type: AWS::Serverless::Application\n    Properties:\n      Location: leaf.yaml\n      Parameters:\n        Inner: !Ref Outer\n",
		"t/leaf.yaml":    "Transform: AWS::Serverless-2016-10-31\n" + child("Inner"),
		"t/twice.yaml":   "Transform: AWS::Serverless-2016-10-31\n" + child("P"),
		"src/app.py":     "def h(e, c): pass\n",
		"l1/python/a.py": "",
		"l2/python/b.py": "",
	})
	app, err := Load(dir, filepath.Join(dir, "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, fn := range app.Functions {
		var refs []string
		for _, r := range fn.Layers {
			switch {
			case r.Layer != nil:
				refs = append(refs, "layer "+r.Layer.Name)
			case r.Unknown:
				refs = append(refs, "unknown "+r.Text)
			}
		}
		got[fn.Pos.File] = strings.Join(refs, ", ")
	}
	want := map[string]string{"t/leaf.yaml": "layer L1", "t/twice.yaml": "unknown parameter P"}
	for f, w := range want {
		if got[f] != w {
			t.Errorf("%s: %q, want %q", f, got[f], w)
		}
	}
}
