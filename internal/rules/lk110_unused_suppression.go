package rules

import (
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/rulecode"
)

// LK110 is reported by the checker (internal/check applies the inline ignores) when
// --report-unused-ignores is given.
var LK110 = register(&Rule{
	Code:     rulecode.LK110,
	Severity: model.Info,
	Summary:  "An inline ignore that suppresses nothing (with --report-unused-ignores).",
	Why: `An ignore outlives the problem it was written for: the import was fixed, the layer was
rebuilt, the runtime was upgraded. Left in place it hides the next real problem of that code at
that place, and nobody remembers why it is there. Like ruff's RUF100, this finding names each
ignore — a "# layerkit: ignore[...]" comment, a "// layerkit-ignore" comment, a resource's
Metadata.layerkit.ignore, a "# layerkit-ignore" comment above a Terraform block, or
custom.layerkit.ignore in serverless.yml — whose code matched no finding. It is reported only
with --report-unused-ignores (or report-unused-ignores = true in the configuration).`,
	Example: `import json  # layerkit: ignore[LK101]   # json always resolves: nothing to ignore`,
	Fix: `Delete the ignore (or the one code of it that no longer matches). Raise this rule's severity
(severity = { LK110 = "error" } in [tool.layerkit]) to make CI keep ignores tidy.`,
})
