package check

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestCDKSynth runs the whole check on real `cdk synth` output: the app in
// testdata/cdk-synth/app (DESIGN.md story 2), synthesized by scripts/cdk-synth.sh into
// testdata/cdk-synth/cdk.out. Strict: exactly these findings.
//
//   - AudioFunction imports shared_utils.audio_codec, which the shared layer lacks: LK101
//     at the import, in the function's staged asset.
//   - ReportFunction attaches the CloudWatch Lambda Insights extension by ARN
//     (LayerVersion.fromLayerVersionArn): a public layer whose content is known
//     (internal/publiclayers: no Python modules), so nothing is reported for it.
//   - ConnectFunction (imports boto3, provided by python3.12) and the Prod stage's
//     ApiFunction (nested assembly; its asset paths are ../asset.<hash>) are clean.
func TestCDKSynth(t *testing.T) {
	res, err := Run(context.Background(), Options{Path: "../../testdata/cdk-synth", Today: time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if res.Functions != 4 || res.Layers != 2 {
		t.Errorf("%d functions, %d layers", res.Functions, res.Layers)
	}
	if res.Checked != "CDK cloud assembly cdk.out (built)" {
		t.Errorf("checked = %q", res.Checked)
	}
	var got []string
	for _, f := range res.Findings {
		got = append(got, fmt.Sprintf("%s %s %s %s:%d:%d", f.Code, f.Severity, f.Function, f.Pos.File, f.Pos.Line, f.Pos.Col))
	}
	want := []string{
		"LK101 error AudioFunction0D850392 cdk.out/asset.08fd99f39ffe010d4afa883451f70f092986924bce51143c74e69283046d81a2/handler.py:4:1",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, s := range []string{"shared_utils.audio_codec", "Runtime.ImportModuleError"} {
		if !strings.Contains(res.Findings[0].Message, s) {
			t.Errorf("LK101 message lacks %q: %s", s, res.Findings[0].Message)
		}
	}
	// The hint names the layer's package and what it does have.
	if h := res.Findings[0].Hint; !strings.Contains(h, "python/shared_utils") || !strings.Contains(h, "structured_logger, table_names, validators") {
		t.Errorf("LK101 hint = %s", h)
	}
}
