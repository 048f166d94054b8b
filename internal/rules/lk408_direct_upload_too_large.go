package rules

import (
	"fmt"

	"github.com/layerkit/layerkit/internal/bytesize"
	"github.com/layerkit/layerkit/internal/rulecode"

	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/tree"
)

// DirectUploadLimit is the largest zip Lambda accepts in the request itself: 50 MiB,
// 52,428,800 bytes (AWS writes "50 MB").
const DirectUploadLimit = 50 << 20

var LK408 = register(&Rule{
	Code:     rulecode.LK408,
	Severity: model.Info,
	Summary:  "A deployment zip is over 50 MiB (52,428,800 bytes), so it must be uploaded through S3.",
	Why: `CreateFunction, UpdateFunctionCode and PublishLayerVersion accept a zip in the request only up
to 50 MiB (52,428,800 bytes; AWS's quota page writes 50 MB); a larger one must be uploaded to S3
first and referenced by bucket and key. SAM, CDK and the Serverless Framework upload through S3
already; Terraform's filename argument and aws lambda update-function-code --zip-file do not, and
fail with RequestEntityTooLargeException.`,
	Example: `resource "aws_lambda_layer_version" "deps" { filename = "build/deps.zip" }   # 74 MiB`,
	Fix: `Upload the zip to S3 and reference it (s3_bucket/s3_key, --s3-bucket/--s3-key), or make it
smaller.`,
	Finish: func(p *Pass) {
		seen := map[tree.Tree]bool{}
		check := func(c *model.Code, fn, layer string, pos model.Pos) {
			if c == nil {
				return
			}
			z, ok := c.Tree.(*tree.ZipTree)
			if !ok || seen[c.Tree] {
				return
			}
			seen[c.Tree] = true
			zipped, _ := z.Size()
			if zipped <= DirectUploadLimit {
				return
			}
			what := "the function package"
			if layer != "" {
				what = "layer " + layer
			}
			p.Report(rulecode.LK408, model.Info, fn, layer, pos,
				fmt.Sprintf("%s is a %s zip (%d bytes), over the 50 MiB (52,428,800 bytes) Lambda accepts in an upload request; it must go through S3", what, bytesize.Format(zipped), zipped),
				fmt.Sprintf("Upload %s to S3 and reference it by bucket and key (SAM, CDK and Serverless do this for you; with Terraform use s3_bucket/s3_key instead of filename).", z.Display("")))
		}
		for _, l := range p.App.Layers {
			check(l.Content, "", l.Name, l.Pos)
		}
		for _, f := range p.Functions {
			check(f.Fn.Code, f.Fn.Name, "", f.Fn.Pos)
		}
	},
})
