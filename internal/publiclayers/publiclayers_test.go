package publiclayers

import (
	"slices"
	"testing"
)

func TestMatch(t *testing.T) {
	for _, tc := range []struct {
		arn      string
		ok       bool
		module   string
		complete bool
	}{
		{"arn:aws:lambda:eu-west-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-x86_64:7", true, "aws_lambda_powertools", false},
		{"arn:aws:lambda:${AWS::Region}:017000801446:layer:AWSLambdaPowertoolsPython:3", true, "aws_lambda_powertools", false},
		{"arn:aws:lambda:us-east-1:336392948345:layer:AWSSDKPandas-Python312:13", true, "awswrangler", false},
		{"arn:aws:lambda:us-east-1:770693421928:layer:Klayers-p312-PyYAML:4", true, "yaml", false},
		{"arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:49", true, "", true},
		{"arn:aws:lambda:us-east-1:123456789012:layer:AWSLambdaPowertoolsPython:3", false, "", false},
		{"arn:aws:lambda:us-east-1:017000801446:layer:SomethingElse:3", false, "", false},
		{"not an arn", false, "", false},
	} {
		l, ok := Match(tc.arn)
		if ok != tc.ok {
			t.Errorf("Match(%q) ok = %v, want %v", tc.arn, ok, tc.ok)
			continue
		}
		if !ok {
			continue
		}
		if tc.module != "" && !slices.Contains(l.Modules, tc.module) {
			t.Errorf("Match(%q) modules = %v, want %s", tc.arn, l.Modules, tc.module)
		}
		if l.Complete != tc.complete {
			t.Errorf("Match(%q) complete = %v", tc.arn, l.Complete)
		}
	}
}

func TestTableParses(t *testing.T) {
	if len(load()) < 5 {
		t.Fatal("table too short")
	}
	if _, err := parse("a\tb\n"); err == nil {
		t.Error("a short row parsed")
	}
}

func TestZip(t *testing.T) {
	for _, tc := range []struct {
		url string
		ok  bool
	}{
		{"https://aws-data-wrangler-public-artifacts.s3.amazonaws.com/releases/3.10.0/awswrangler-layer-3.10.0-py3.12.zip", true},
		{"https://github.com/aws/aws-sdk-pandas/releases/download/3.9.1/awswrangler-layer-3.9.1-py3.11-arm64.zip", true},
		{"https://example.com/releases/3.10.0/awswrangler-layer-3.10.0-py3.12.zip", false},
		{"https://github.com/aws/aws-sdk-pandas/releases/download/3.9.1/other.zip", false},
	} {
		l, ok := Zip(tc.url)
		if ok != tc.ok {
			t.Errorf("Zip(%q) ok = %v", tc.url, ok)
		}
		if ok && (!slices.Contains(l.Modules, "pyarrow") || slices.Contains(l.Modules, "boto3") || l.Complete) {
			t.Errorf("Zip(%q) = %+v", tc.url, l)
		}
	}
}
