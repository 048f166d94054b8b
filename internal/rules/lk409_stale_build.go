package rules

import (
	"github.com/layerkit/layerkit/internal/model"

	"github.com/layerkit/layerkit/internal/rulecode"
)

// LK409 is reported by the SAM loader (iac/sam/stale.go) when it reads .aws-sam/build.
var LK409 = register(&Rule{
	Code:     rulecode.LK409,
	Severity: model.Warning,
	Summary:  "A function's or layer's sources changed since sam build copied them into .aws-sam/build.",
	Why: `When .aws-sam/build exists, layerkit checks it: it is exactly what sam deploy ships. But sam
deploy ships it as it was built: a source file edited, added or removed since the last sam build is
not in it, so neither the deployment nor this check sees the change. layerkit compares each package
sam build copied (Python functions, layers with BuildMethod python3.x) with its source folder, file
by file by content (not by modification time): files changed or added in the source, and files of
the build that are in no source and no installed distribution (removed from the source). Findings
in files identical in both point at the source file.`,
	Example: `src/app.py edited after sam build:
.aws-sam/build/HelloFunction/app.py still holds the old import`,
	Fix: `Run sam build again and check again, or check the sources as sam build will build them with
layerkit check --source.`,
})
