package rules

import (
	"github.com/layerkit/layerkit/internal/model"

	"github.com/layerkit/layerkit/internal/rulecode"
)

// LK411 findings come from the SAM/CloudFormation loader (model.Note): the template
// parser records every key a mapping repeats (cfn.Template.Duplicates).
var LK411 = register(&Rule{
	Code:     rulecode.LK411,
	Severity: model.Warning,
	Summary:  "A mapping of the template repeats a key: sam build, sam deploy and CloudFormation keep the last value and drop the first one without a word.",
	Why: `YAML says the keys of a mapping are unique, but the tools that deploy a template do not enforce it:
sam build and sam deploy (and aws cloudformation package) load it with PyYAML into an OrderedDict of its
pairs, and the CloudFormation service accepts the template too; each keeps the last value. A second
Policies: or Environment: block copied into a function therefore replaces the first one, and whatever the
first said (a policy, an environment variable, a layer) is not deployed. layerkit checks the template as
it deploys: with the last value.`,
	Example: `Policies:
  - AWSLambdaBasicExecutionRole
...
Policies:            # replaces the list above
  - S3CrudPolicy: {BucketName: !Ref DataBucket}`,
	Fix: `Merge the two into one key (or delete the one you do not mean).`,
})
