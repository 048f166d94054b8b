package rules

import (
	"fmt"
	"strings"

	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/publiclayers"
	"github.com/layerkit/layerkit/internal/rulecode"
)

var LK105 = register(&Rule{
	Code:     rulecode.LK105,
	Severity: model.Info,
	Summary:  "Content layerkit cannot read: a layer given by ARN or parameter, code in S3, a build step it does not model.",
	Why: `A layer attached by ARN lives in an AWS account; code in S3 and a makefile build are produced
elsewhere. layerkit checks what it can read, and assumes such a layer might provide any module: an
import that resolves nowhere else is then a warning, not an error. Use layerkit doctor to check
what is deployed, or pass the layer zip with --layer.`,
	Example: `Layers:
  - arn:aws:lambda:us-east-1:123456789012:layer:ffmpeg:3`,
	Fix: `Nothing to fix in the template. To have the layer checked, download it
(aws lambda get-layer-version-by-arn) and run layerkit check --function-zip ... --layer layer.zip.`,
	Run: func(p *Pass) {
		for _, f := range p.Functions {
			for _, ref := range f.Fn.Layers {
				switch {
				case ref.ARN != "":
					if pub, ok := publiclayers.Match(ref.ARN); ok && pub.Complete {
						continue // known in full (an extension): nothing to say
					} else if ok {
						what := "no Python modules"
						if len(pub.Modules) > 0 {
							what = strings.Join(pub.Modules, ", ")
						}
						assume := "; other imports are checked as if it had nothing else"
						if !pub.Complete {
							assume = "; it may ship more, so other imports that resolve nowhere are warnings"
						}
						p.Report(rulecode.LK105, model.Info, f.Fn.Name, "", ref.Pos,
							fmt.Sprintf("layer %s is %s, a public layer layerkit does not download; it is known to provide %s%s", ref.ARN, pub.What, what, assume),
							"To check its exact content, download it (aws lambda get-layer-version-by-arn --arn ...) and pass it with --layer.")
						continue
					}
					p.Report(rulecode.LK105, model.Info, f.Fn.Name, "", ref.Pos,
						fmt.Sprintf("layer %s is not in this app, so its content is not checked; layerkit assumes it may provide any module %s imports", ref.ARN, f.Fn.Name),
						"To check it too, download it (aws lambda get-layer-version-by-arn --arn ...) and pass it with --layer.")
				case ref.Unknown:
					p.Report(rulecode.LK105, model.Info, f.Fn.Name, "", ref.Pos,
						fmt.Sprintf("layer %s cannot be resolved statically, so its content is not checked; layerkit assumes it may provide any module %s imports", ref.Text, f.Fn.Name),
						"Give the parameter a Default that is a layer version ARN, or reference a layer defined in the template.")
				case ref.Layer != nil && ref.Layer.Content == nil && ref.Layer.NotInspectable == "":
					p.Report(rulecode.LK105, model.Info, f.Fn.Name, ref.Layer.Name, ref.Pos,
						fmt.Sprintf("layer %s's content cannot be read; layerkit assumes it may provide any module %s imports", ref.Layer.Name, f.Fn.Name), "")
				}
			}
		}
	},
})
