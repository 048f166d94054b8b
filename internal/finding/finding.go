// Package finding is what a check reports: one problem, at one place, with what Lambda
// will do and how to fix it. Rules create them; reports print them.
package finding

import (
	"sort"

	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/rulecode"
)

// Finding is one reported problem.
type Finding struct {
	Code     rulecode.Code // the rule that reports it; Code.Name() is its name
	Severity model.Severity
	Function string
	Layer    string
	Pos      model.Pos
	Message  string
	Hint     string
	// Fix is the change that resolves it, when the rule knows one; nil otherwise.
	Fix *model.Fix
}

// Sort orders findings by file, line, code (then function, message), as the output
// contract requires.
func Sort(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Pos.File != b.Pos.File {
			return a.Pos.File < b.Pos.File
		}
		if a.Pos.Line != b.Pos.Line {
			return a.Pos.Line < b.Pos.Line
		}
		if a.Code != b.Code {
			return a.Code < b.Code
		}
		if a.Function != b.Function {
			return a.Function < b.Function
		}
		return a.Message < b.Message
	})
}
