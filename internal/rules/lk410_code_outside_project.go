package rules

import (
	"github.com/layerkit/layerkit/internal/model"

	"github.com/layerkit/layerkit/internal/rulecode"
)

// LK410 findings come from the loaders (model.Note): they see the property that names
// the location, and refuse to read it (iac.CheckInside).
var LK410 = register(&Rule{
	Code:     rulecode.LK410,
	Severity: model.Error,
	Summary:  "A code location (CodeUri, ContentUri, Code, Content, TemplateURL, a CDK asset path, Terraform source_dir/filename/module source, a serverless artifact) resolves outside the checked folder, so layerkit does not read it.",
	Why: `layerkit checks repositories nobody has reviewed yet, in CI. A template that says CodeUri: / or
../../, or a symlink in the repository to /etc, would have it read (and name in its output) any file of
the machine it runs on. So a code location is read only when it resolves, symlinks followed, inside the
folder being checked, or inside a place allowed with --allow-outside. The function or layer it names is
not checked, and the build (sam build, cdk, terraform, serverless package) would package whatever is
there on the build machine.`,
	Example: `CodeUri: ../../shared/src   # outside the checked folder`,
	Fix: `Keep the code inside the project and point the property there; or, when that place is yours (a
monorepo's shared folder), check with --allow-outside PATH naming it.`,
})
