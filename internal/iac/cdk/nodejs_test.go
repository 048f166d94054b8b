package cdk_test

import (
	"context"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/layerkit/layerkit/internal/check"
	"github.com/layerkit/layerkit/internal/iac/cdk"
)

// The assembly in testdata/cdk-nodejs/cdk.out is real `cdk synth` output of four
// NodejsFunctions (see its README): their assets are esbuild bundles whose external
// modules stay requires, resolved on Lambda's path like any import. node gave the
// verdicts wanted here (README).
func TestNodejsFunctionAssembly(t *testing.T) {
	root := "../../../testdata/cdk-nodejs"
	app, err := cdk.Load(root, filepath.Join(root, "cdk.out"))
	if err != nil {
		t.Fatal(err)
	}
	if len(app.Functions) != 4 {
		t.Fatalf("%d functions", len(app.Functions))
	}
	for _, f := range app.Functions {
		if f.Code == nil || f.Code.Bundle == nil || f.Code.Bundle.Tool != "NodejsFunction" {
			t.Errorf("%s: code %+v is not marked as a NodejsFunction bundle", f.Name, f.Code)
		}
	}
	res, err := check.Run(context.Background(), check.Options{Path: filepath.Join(root, "cdk.out")})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range res.Findings {
		got = append(got, f.Code.String()+" "+f.Severity.String()+" "+f.Function+" "+filepath.Base(f.Pos.File)+" "+firstWords(f.Message))
	}
	sort.Strings(got)
	want := []string{
		"LK101 error LegacyFA07BB5D index.js `require('aws-sdk')`",
		"LK101 error OrdersNoLayer58871978 index.js `require('pg')`",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, f := range res.Findings {
		if f.Function == "OrdersNoLayer58871978" && !strings.Contains(f.Hint, "bundling.externalModules") {
			t.Errorf("hint %q does not name bundling.externalModules", f.Hint)
		}
	}
}

func firstWords(s string) string {
	if i := strings.Index(s, " in "); i > 0 {
		return s[:i]
	}
	return s
}
