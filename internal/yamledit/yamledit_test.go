package yamledit

import (
	"testing"

	"github.com/layerkit/layerkit/internal/model"
)

func applyOne(src string, e model.Edit) string {
	if src[e.Start:e.End] != e.Old {
		panic("old bytes")
	}
	return src[:e.Start] + e.New + src[e.End:]
}

func TestAddEntry(t *testing.T) {
	cases := []struct{ name, src, want string }{
		{"block, comments kept", `Resources:
  # the shared code
  CommonLayer:   # odd spacing stays
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: 'layers/common/'   # quoted
      CompatibleRuntimes: [python3.12]

  # the function
  Fn:
    Type: AWS::Serverless::Function
`, `Resources:
  # the shared code
  CommonLayer:   # odd spacing stays
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: 'layers/common/'   # quoted
      CompatibleRuntimes: [python3.12]
    Metadata:
      BuildMethod: python3.12

  # the function
  Fn:
    Type: AWS::Serverless::Function
`},
		{"four-space indent, last in file, no newline", "Resources:\n    CommonLayer:\n        Type: AWS::Serverless::LayerVersion\n        Properties:\n            ContentUri: layers/common/",
			"Resources:\n    CommonLayer:\n        Type: AWS::Serverless::LayerVersion\n        Properties:\n            ContentUri: layers/common/\n        Metadata:\n            BuildMethod: python3.12\n"},
		{"compact sequence last", "Resources:\n  CommonLayer:\n    Type: X\n    Properties:\n      CompatibleRuntimes:\n      - python3.12\nOutputs: {}\n",
			"Resources:\n  CommonLayer:\n    Type: X\n    Properties:\n      CompatibleRuntimes:\n      - python3.12\n    Metadata:\n      BuildMethod: python3.12\nOutputs: {}\n"},
		{"commented-out entries stay inside", "Resources:\n  CommonLayer:\n    Type: X\n    Properties:\n      ContentUri: a/\n      # CompatibleRuntimes:\n      #   - python3.12\n\n  # next\n  Fn: {}\n",
			"Resources:\n  CommonLayer:\n    Type: X\n    Properties:\n      ContentUri: a/\n      # CompatibleRuntimes:\n      #   - python3.12\n    Metadata:\n      BuildMethod: python3.12\n\n  # next\n  Fn: {}\n"},
		{"crlf", "Resources:\r\n  CommonLayer:\r\n    Type: X\r\n    Properties: {}\r\n  Fn:\r\n    Type: Y\r\n",
			"Resources:\r\n  CommonLayer:\r\n    Type: X\r\n    Properties: {}\r\n    Metadata:\r\n      BuildMethod: python3.12\r\n  Fn:\r\n    Type: Y\r\n"},
		{"json", "{\n  \"Resources\": {\n    \"CommonLayer\": {\n      \"Type\": \"X\",\n      \"Properties\": {}\n    }\n  }\n}\n",
			"{\n  \"Resources\": {\n    \"CommonLayer\": {\n      \"Metadata\": {\"BuildMethod\": \"python3.12\"},\n      \"Type\": \"X\",\n      \"Properties\": {}\n    }\n  }\n}\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := Parse("template.yaml", []byte(c.src))
			if err != nil {
				t.Fatal(err)
			}
			k, v := d.Lookup("Resources", "CommonLayer")
			e, ok := d.AddEntry(k, v, Entry{Key: "Metadata", SubKey: "BuildMethod", Value: "python3.12"})
			if !ok {
				t.Fatal("no edit")
			}
			if got := applyOne(c.src, e); got != c.want {
				t.Errorf("got\n%s\nwant\n%s", got, c.want)
			}
		})
	}
}

func TestRemoveItem(t *testing.T) {
	cases := []struct {
		name, src string
		i         int
		want      string
	}{
		{"block first", "Layers:\n  - !Ref A   # first\n  - !Ref B\n  # keep me\n  - !Ref A\nNext: 1\n", 0, "Layers:\n  - !Ref B\n  # keep me\n  - !Ref A\nNext: 1\n"},
		{"block multi-line item", "Layers:\n  - Fn::GetAtt:\n      - A\n      - Arn\n  - !Ref B\n", 0, "Layers:\n  - !Ref B\n"},
		{"compact", "F:\n  Layers:\n  - !Ref A\n  - !Ref B\n  Other: 1\n", 1, "F:\n  Layers:\n  - !Ref A\n  Other: 1\n"},
		{"block, an indented comment goes with its item", "Layers:\n  - !Ref A\n    # A's note\n  # B's note\n  - !Ref B\n", 0, "Layers:\n  # B's note\n  - !Ref B\n"},
		{"flow first", "Layers: [!Ref A, !Ref B, !Ref A]\n", 0, "Layers: [!Ref B, !Ref A]\n"},
		{"flow last", "Layers: [!Ref A, !Ref B, !Ref A]\n", 2, "Layers: [!Ref A, !Ref B]\n"},
		{"flow json", "{\"Layers\": [{\"Ref\": \"A\"}, \"arn:x\", {\"Ref\": \"A\"}]}", 0, "{\"Layers\": [\"arn:x\", {\"Ref\": \"A\"}]}"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := Parse("t.yaml", []byte(c.src))
			if err != nil {
				t.Fatal(err)
			}
			_, seq := d.Lookup("Layers")
			if seq == nil {
				_, seq = d.Lookup("F", "Layers")
			}
			e, ok := d.RemoveItem(seq, c.i)
			if !ok {
				t.Fatal("no edit")
			}
			if got := applyOne(c.src, e); got != c.want {
				t.Errorf("got\n%q\nwant\n%q", got, c.want)
			}
		})
	}
}

// TestDuplicateKeys: a key written twice is edited where its last value is, the one the
// loaders and CloudFormation use (LK411), so that the edit takes effect.
func TestDuplicateKeys(t *testing.T) {
	src := "Resources:\n  L:\n    Type: Old\n  L:\n    Type: New\n"
	d, err := Parse("t.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	k, v := d.Lookup("Resources", "L")
	e, ok := d.AddEntry(k, v, Entry{Key: "Metadata", SubKey: "BuildMethod", Value: "python3.12"})
	if !ok {
		t.Fatal("no edit")
	}
	want := "Resources:\n  L:\n    Type: Old\n  L:\n    Type: New\n    Metadata:\n      BuildMethod: python3.12\n"
	if got := applyOne(src, e); got != want {
		t.Errorf("got\n%s", got)
	}
}
