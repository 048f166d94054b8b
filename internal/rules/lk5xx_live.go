package rules

import (
	"github.com/layerkit/layerkit/internal/model"

	"github.com/layerkit/layerkit/internal/rulecode"
)

// The live rules: their findings come from layerkit doctor's loader (model.Note),
// which is the only part that talks to AWS. They have no Run.

var LK501 = register(&Rule{
	Code:     rulecode.LK501,
	Severity: model.Warning,
	Summary:  "A deployed function uses a layer version, and a newer version of that layer exists.",
	Why: `A function is bound to the exact layer version ARN it was deployed with. Publishing a new
version of a layer changes nothing for the functions that use it: they keep the old content until
each one is updated to the new ARN. A fix shipped in the layer is therefore not live until every
function has been redeployed, and functions that were forgotten keep the old code for ever.`,
	Example: `deployed:  arn:aws:lambda:us-east-1:123456789012:layer:shared-utils:3
published: shared-utils versions 4, 5 and 6   # the function is 3 versions behind`,
	Fix: `Redeploy the function (sam deploy, cdk deploy, terraform apply) so that it picks up the
layer's latest version, or update it directly:
aws lambda update-function-configuration --function-name NAME --layers arn:...:layer:shared-utils:6.
If the old version is pinned on purpose, ignore LK501 for that run with --ignore LK501.`,
})

var LK502 = register(&Rule{
	Code:     rulecode.LK502,
	Severity: model.Warning,
	Summary:  "A deployed function uses a layer version that has been deleted.",
	Why: `Lambda keeps a copy of every layer version a function uses: a function keeps working after
the layer version is deleted. But the version can no longer be attached: the next deployment that
sends the same Layers list (or any change to the function's configuration made with that list)
fails, and a new function cannot use it. Its content can no longer be downloaded either, so
layerkit cannot check it.`,
	Example: `deployed: arn:aws:lambda:us-east-1:123456789012:layer:shared-utils:2
aws lambda delete-layer-version --layer-name shared-utils --version-number 2   # done earlier`,
	Fix: `Move the function to an existing version of the layer (or publish the content again as a
new version) and redeploy it.`,
})

var LK503 = register(&Rule{
	Code:     rulecode.LK503,
	Severity: model.Warning,
	Summary:  "The deployed function differs from what the local project describes (runtime, architecture, layers or code).",
	Why: `layerkit doctor --compare PATH models the project at PATH the way layerkit check does, and
compares each deployed function with the function of the same CloudFormation logical id (or the same
name). When they differ, what was checked locally is not what runs: the stack drifted, a deployment
failed half way, or the local changes were never deployed.`,
	Example: `local:    Runtime: python3.13, Layers: [!Ref UtilsLayer]
deployed: python3.12, layers: [arn:aws:lambda:us-east-1:123456789012:layer:utils:4]`,
	Fix: `Deploy the project (or check out the revision that was deployed) so that local and deployed
agree, then run layerkit check and layerkit doctor again.`,
})
