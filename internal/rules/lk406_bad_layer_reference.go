package rules

import (
	"github.com/layerkit/layerkit/internal/model"

	"github.com/layerkit/layerkit/internal/rulecode"
)

// LK406 findings come from the loaders (model.Note), which see the reference as written.
var LK406 = register(&Rule{
	Code:     rulecode.LK406,
	Severity: model.Error,
	Summary:  "A Layers entry that cannot work: a Ref to nothing, a malformed ARN, an ARN without a version.",
	Why: `Lambda needs each layer as a layer version ARN (arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION).
A Ref to a resource that does not exist fails the deployment; an ARN without the version (Terraform's
aws_lambda_layer_version.x.layer_arn) is rejected by CreateFunction/UpdateFunctionConfiguration.`,
	Example: `layers = [aws_lambda_layer_version.utils.layer_arn]   # no version`,
	Fix: `Reference the layer version: !Ref TheLayer (SAM/CloudFormation), aws_lambda_layer_version.x.arn
(Terraform), or a full ARN ending in :VERSION.`,
	Fixes: `Safe (--fix): a Terraform aws_lambda_layer_version.x.layer_arn written in a function's layers
becomes aws_lambda_layer_version.x.arn (the version's ARN): the bytes "layer_arn" at the end of the
reference, at the HCL parser's position. Not offered when the reference is reached through a local
or a variable, or for the other kinds of bad reference (a Ref to nothing, a malformed ARN, a
Serverless layer ARN without a version or with :latest: which version to use is known only to the
account, not to the files).`,
})
