package sam_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/layerkit/layerkit/internal/check"
	"github.com/layerkit/layerkit/internal/rulecode"
)

// A function without a package.json of its own is bundled where it lies, and esbuild
// finds its packages in the node_modules npm install makes beside a package.json above
// it (a monorepo's root, as SuyashPal001/sam-baseline has). A package declared there is
// not reported; one declared nowhere in the project is, as a warning naming both places
// to declare it.
func TestEsbuildDeclaredAbove(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "package.json"), []byte(`{"dependencies": {"@aws-sdk/client-ses": "^3.0.0"}, "devDependencies": {"left-pad": "1.3.0"}}`))
	writeFile(t, filepath.Join(dir, "template.yaml"), []byte(`Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/functions/email/
      Handler: index.handler
      Runtime: nodejs22.x
    Metadata:
      BuildMethod: esbuild
      BuildProperties:
        EntryPoints: [index.ts]
`))
	writeFile(t, filepath.Join(dir, "src/functions/email/index.ts"), []byte(`import { SESClient } from '@aws-sdk/client-ses';
import leftPad from 'left-pad';
import nowhere from 'nowhere';
export const handler = async () => [SESClient, leftPad, nowhere];
`))
	res, err := check.Run(context.Background(), check.Options{Path: dir})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range res.Findings {
		if f.Code == rulecode.LK101 {
			got = append(got, f.Severity.String()+" "+f.Message+" | "+f.Hint)
		}
	}
	if len(got) != 1 || !strings.Contains(got[0], `Could not resolve "nowhere"`) || !strings.HasPrefix(got[0], "warning") ||
		!strings.Contains(got[0], "no package.json above it in the project declares it") || !strings.Contains(got[0], "at the project root, and run npm install there") {
		t.Errorf("LK101 findings: want one warning for nowhere only, got\n%s", strings.Join(got, "\n"))
	}
}
